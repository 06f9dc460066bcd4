# METADATA
# title: Plaintext credential in client config
# description: >-
#   A server entry of an MCP client configuration holds a credential in clear
#   text: in `env`, `headers`, `args`, or the `url` / `serverUrl` (query string
#   or `user:password@`). Reported when the value has a credential shape
#   (`ghp_`, `gho_`, `github_pat_`, `glpat-`, `AKIA…`, `sk-`, `sk-ant-`,
#   `sk_live_`, `xox[baprs]-`, `AIza…`, a JWT, a PEM private key) wherever it
#   is, or when a secret-named key (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`,
#   `*API_KEY*`, `Authorization`, `X-*-Key`, a `--token` / `--api-key` option,
#   an `api_key=` query parameter) holds a literal, non-placeholder value of
#   16+ characters with at least 12 distinct characters (the catalog's
#   entropy ≥ 3.5 bits/char). References are not plaintext: VS Code
#   `${input:…}`, `${env:…}` (Cursor, Windsurf, VS Code), `${VAR}` (Claude
#   Code), `/run/secrets/…`, unless the `${VAR:-default}` default is itself a
#   literal secret. Placeholders (`<YOUR_TOKEN>`, `your_token_here`,
#   `changeme`, or a value matching the config's `placeholders`) and
#   low-entropy literals are not reported. A `-e NAME=value`
#   argument is redacted before evaluation, so its value is judged by
#   MCP-CC-002 (credential on the command line) unless it has a credential
#   shape. Messages name the field, never the value.
# custom:
#   id: MCP-CC-001
#   severity: CRITICAL
#   kinds: [mcp_client]
#   remediation: >-
#     Rotate the leaked credential, then reference it instead of writing it:
#     `${input:<id>}` with a `promptString` input (`"password": true`) in VS
#     Code, `${env:NAME}` in Cursor / Windsurf, `${NAME}` in Claude Code, an OS
#     keychain, or connect through the hub, which holds the secrets.
#   references:
#     - OWASP MCP Top 10 MCP01
#     - snyk/agent-scan redaction fields (env, argv, headers, URL query)
#     - mcp-security-scanner credential patterns
package mcp_audit.cc.mcp_cc_001

import data.mcp_audit.cc.common
import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some f in findings
	r := result.with_evidence(
		sprintf("client entry %q holds a plaintext credential in %s (%s)", [input.unit.name, f.field, f.why]),
		f.node,
		{"field": f.field, "kind": f.kind},
	)
}

# --- env and headers: {field, kind, why, node}

findings contains f if {
	some name, v in object.get(common.server, "env", {})
	f := value_finding(sprintf("`env.%s`", [name]), ["env", name], v, v.value)
}

findings contains f if {
	some name, v in object.get(common.server, "headers", {})
	f := value_finding(sprintf("header `%s`", [name]), ["header", name], v, common.auth_value(v.value))
}

# value_finding(field, key, v, text): v is the value node (`{value, secret?}`)
# of key `[env|header, name]`, `text` the part of its value that may hold the
# credential.
value_finding(field, key, v, text) := finding(field, v.secret.kind, sprintf("%s credential", [v.secret.kind]), v) if {
	v.secret.credential
} else := finding(field, "high-entropy", "high-entropy literal under a secret name", v) if {
	v.secret.kind == "high-entropy"
} else := finding(field, kind, sprintf("%s credential", [kind]), v) if {
	not common.redacted(text)
	kind := common.credential_kind(text)
	not common.interpolation_default(text)
} else := finding(field, kind, sprintf("the `${…:-…}` default is a literal %s secret", [kind]), v) if {
	not common.redacted(text)
	d := common.interpolation_default(text)
	kind := default_secret_kind(key, d)
} else := finding(field, "high-entropy", "high-entropy literal under a secret name", v) if {
	secret_key(key)
	not common.redacted(text)
	common.literal_secret_kind(text) == "high-entropy"
}

# A default with a credential shape counts under any name; a high-entropy one under a secret name.
default_secret_kind(_, d) := common.credential_kind(d)

default_secret_kind(key, d) := "high-entropy" if {
	secret_key(key)
	not common.credential_kind(d)
	common.literal_secret_kind(d) == "high-entropy"
}

secret_key(["env", name]) if common.env_secret_name(name)

secret_key(["header", name]) if common.secret_header(name)

finding(field, kind, why, node) := {"field": field, "kind": kind, "why": why, "node": node}

# --- args

# Credential shapes found by the Rust classifier (the argument is redacted).
findings contains finding(sprintf("`args[%d]`", [i]), kind, sprintf("%s credential", [kind]), a) if {
	some i, a in common.args
	count(object.get(a, "secrets", [])) > 0
	kind := concat(", ", a.secrets)
}

# Shapes the Rust classifier does not know (GitLab, Google, Stripe keys, JWTs).
findings contains finding(sprintf("`args[%d]`", [i]), kind, sprintf("%s credential", [kind]), a) if {
	some i, a in common.args
	count(object.get(a, "secrets", [])) == 0
	not common.redacted(a.value)
	kind := common.credential_kind(a.value)
}

# A secret-named option with a high-entropy literal value (`--api-key 9f…`).
findings contains finding(sprintf("`args[%d]` (value of `%s`)", [f.index, f.flag]), "high-entropy", "high-entropy literal", f.node) if {
	some f in common.secret_flags
	not common.redacted(f.value)
	not common.credential_kind(f.node.value)
	common.literal_secret_kind(f.value) == "high-entropy"
}

# --- url / serverUrl

url := common.server.url if is_string(common.server.url.value)

# A credential shape anywhere in the URL.
findings contains finding("`url`", kind, sprintf("%s credential", [kind]), url) if {
	kind := common.credential_kind(url.value)
}

# A secret-named query parameter (`api_key=`, `token=`) with a high-entropy literal.
findings contains finding(sprintf("`url` query parameter `%s`", [p.name]), "high-entropy", "high-entropy literal", url) if {
	not common.credential_kind(url.value)
	some p in common.query_params(url.value)
	secret_param(p.name)
	common.literal_secret_kind(p.value) == "high-entropy"
}

# A password in the URL's `user:password@`.
findings contains finding("`url`", "url-password", "password in `user:password@`", url) if {
	not common.credential_kind(url.value)
	info := common.url_parts(url.value).userinfo
	contains(info, ":")
	pw := substring(info, indexof(info, ":") + 1, -1)
	pw != ""
	not common.reference(pw)
	not common.placeholder(pw)
}

secret_param(name) if lower(name) in {"key", "token", "auth", "sig", "signature"}

secret_param(name) if common.env_secret_name(replace(name, "-", "_"))
