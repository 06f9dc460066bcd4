# METADATA
# title: Hard-coded secret in Compose or env_file
# description: >-
#   A secret is written into the deployment files: a literal value for a
#   secret-named key (`*_TOKEN`, `*_PASSWORD`, `*SECRET*`, `*_API_KEY`…) in a
#   service's `environment` (including `x-*` anchors merged into it) or
#   `build.args`, or in an `env_file` the service loads (unless a
#   `.gitignore` keeps that file out of the repository); a credential-shaped
#   value (GitHub, AWS, Slack, OpenAI-style tokens, private keys) anywhere in
#   those, on the command line or elsewhere in the service (labels,
#   `healthcheck.test`, `build.labels`…) or in the inline `content:` of a
#   top-level config granted to the service; or a password in a connection string
#   (`postgresql://user:pw@host`). Placeholder values (`your_vault_token_here`,
#   `changeme`, or a value matching the config's `placeholders`) are reported as
#   "placeholder secret committed" (MEDIUM in the catalog). `${VAR}`, `${VAR:?…}` and `*_FILE=/run/secrets/x` are not
#   hard-coded; defaults in `${VAR:-…}` are MCP-SE-002.
# custom:
#   id: MCP-SE-001
#   severity: CRITICAL
#   kinds: [compose_service]
#   remediation: >-
#     Remove the value from the file and rotate it. Deliver it as a Compose
#     secret (top-level `secrets:` granted to the service, read from
#     `/run/secrets/<name>` or a `*_FILE` variable) or from a vault, or at
#     least reference it as `${VAR:?VAR is required}` from an uncommitted
#     environment.
#   references:
#     - CIS Docker Benchmark 4.10 (analogue)
#     - OWASP MCP Top 10 MCP01
package mcp_audit.se.mcp_se_001

import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

# Compose `environment` (merged anchors included).
deny contains r if {
	some k, v in input.service.environment
	secrets.hard_coded(k, v)
	r := finding(sprintf("service %q sets %s in `environment`", [input.unit.name, k]), k, v)
}

# Compose `build.args`.
deny contains r if {
	some k, v in input.service.build.args
	secrets.hard_coded(k, v)
	r := finding(sprintf("service %q passes build arg %s in `build.args`", [input.unit.name, k]), k, v)
}

# Entries of the `env_file`s the service loads. The file may serve several
# services: the message names the file, and the finding lists every service. A
# gitignored env_file is not shipped with the repository: its values are not
# committed.
deny contains r if {
	some f in input.env_files
	f.exists
	not f.gitignored
	some e in f.entries
	secrets.hard_coded(e.key, e)
	r := finding(sprintf("env_file %q sets %s", [secrets.base_name(e.loc.file), e.key]), e.key, e)
}

# Credential-shaped strings in `command` / `entrypoint`.
deny contains r if {
	some kind in input.service.command_secrets
	some field in secrets.credential_fields
	r := result.with_evidence(
		sprintf("service %q has a hard-coded %s credential in its `%s`", [input.unit.name, kind, field]),
		secrets.command_lines[field],
		{"class": "credential", "kind": kind, "catalog_severity": "CRITICAL"},
	)
}

# Credential-shaped strings anywhere else in the service (labels, healthcheck test…).
deny contains r if {
	some f in input.service.field_secrets
	r := result.with_evidence(
		sprintf("service %q has a hard-coded %s credential in its `%s`", [input.unit.name, f.kind, f.field]),
		f,
		{"class": "credential", "kind": f.kind, "field": f.field, "catalog_severity": "CRITICAL"},
	)
}

# A config granted to the service (`configs: [name]` or `{source: name}`) written
# inline with a credential in its `content:`.
deny contains r if {
	some name in granted_configs
	some s in object.get(input.project, ["configs", name, "content_secrets"], [])
	r := result.with_evidence(
		sprintf("service %q is granted config %q, whose inline `content` holds a hard-coded %s credential", [input.unit.name, name, s.kind]),
		s,
		{"class": "credential", "kind": s.kind, "field": "configs", "config": name, "catalog_severity": "CRITICAL"},
	)
}

granted_configs contains name if {
	grants := object.get(input.raw, "configs", [])
	is_array(grants)
	some g in grants
	name := config_name(g)
}

config_name(g) := g if is_string(g)

config_name(g) := g.source if {
	is_object(g)
	is_string(g.source)
}

finding(what, k, v) := result.with_evidence(
	sprintf("%s to a %s", [what, describe[class]]),
	secrets.node(v),
	evidence(class, v),
) if {
	class := secrets.value_class(k, v)
	class != "placeholder"
}

finding(what, k, v) := result.with_evidence(
	sprintf("placeholder secret committed: %s to a placeholder value", [what]),
	secrets.node(v),
	evidence("placeholder", v),
) if {
	secrets.value_class(k, v) == "placeholder"
}

describe := {
	"credential": "credential-shaped literal value",
	"literal": "literal secret value",
}

evidence(class, v) := {"class": class, "kind": secret_kind(v), "catalog_severity": catalog_severity[class]}

secret_kind(v) := v.secret.kind if {
	v.secret.kind
} else := "connection-string" if {
	secrets.url_password(v.value)
} else := "literal"

catalog_severity := {"credential": "CRITICAL", "literal": "CRITICAL", "placeholder": "MEDIUM"}
