# METADATA
# title: Secret wiring defect
# description: >-
#   Compose secrets are wired wrongly: a service is granted `secrets: [x]` but
#   `x` is not defined in the top-level `secrets:` (Compose refuses to start
#   it); a variable of the effective environment points at `/run/secrets/x`
#   (typically `*_FILE`) but nothing is granted or mounted there; or a host
#   file is bind-mounted into `/run/secrets/` instead of being declared as a
#   Compose secret (LOW in the catalog when read-only, MEDIUM when writable).
#   A granted secret's `file:` inside the repository must be gitignored: one
#   that is in the working tree and not ignored is committed (HIGH in the
#   catalog); one that is missing and not ignored makes Compose fail. Absolute
#   and `~` paths (files of the deploy host) are not judged. Defined, granted,
#   gitignored and `external: true` secrets pass, including long-form grants
#   with a `target:`. Not checked: `secrets.x.environment` variables unset at
#   deploy time.
# custom:
#   id: MCP-SE-004
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Define every secret in the top-level `secrets:` (`file:` outside the
#     repository or gitignored, `environment:` or `external: true`), grant it
#     to each service that reads it (`secrets: [name]`, or the long form with
#     `target:`), and use Compose secrets instead of bind mounts into
#     `/run/secrets`.
#   references:
#     - Compose specification, secrets and services.secrets
#     - Docker docs "Manage secrets securely in Docker Compose"
#     - OWASP MCP Top 10 MCP01
package mcp_audit.se.mcp_se_004

import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

# A grant of a secret that the project does not define.
deny contains r if {
	some g in input.service.secrets
	not g.indeterminate
	not input.project.secrets[g.value]
	r := result.with_evidence(
		sprintf("service %q is granted secret %q, which the top-level `secrets:` does not define", [input.unit.name, g.value]),
		g,
		{"defect": "undefined", "secret": g.value},
	)
}

# A granted secret whose `file:` is missing from the working tree and not gitignored
# (Compose fails with "secret file not found"), or is there and not gitignored (a
# secret committed to the repository; HIGH in the catalog).
deny contains r if {
	some g in input.service.secrets
	not g.indeterminate
	s := input.project.secrets[g.value]
	state := s.local
	not state.gitignored
	r := result.with_evidence(
		sprintf("service %q is granted secret %q, whose file %q %s", [input.unit.name, g.value, s.file, file_defect[state.exists]]),
		{"loc": object.get(s, "file_loc", s.loc)},
		{"defect": file_defect_name[state.exists], "secret": g.value, "file": s.file, "catalog_severity": file_severity[state.exists]},
	)
}

file_defect := {
	false: "does not exist and is not gitignored (Compose fails with \"secret file not found\")",
	true: "is in the working tree and not gitignored: a secret committed to the repository",
}

file_defect_name := {false: "file-missing", true: "file-not-gitignored"}

file_severity := {false: "MEDIUM", true: "HIGH"}

# A `/run/secrets/…` path in the environment with nothing granted or mounted there.
deny contains r if {
	some k, e in secrets.effective_env
	not e.node.indeterminate
	path := e.node.value
	startswith(path, "/run/secrets/")
	not granted_path(path)
	not mounted_path(path)
	r := result.with_evidence(
		sprintf("service %q reads %s from %q, but no secret is granted to the service at that path", [input.unit.name, k, path]),
		secrets.node(e.node),
		{"defect": "not-granted", "variable": k, "path": path},
	)
}

# A host file bind-mounted into /run/secrets.
deny contains r if {
	some m in input.service.volumes
	m.type == "bind"
	not m.indeterminate
	under_run_secrets(m.target)
	r := result.with_evidence(
		sprintf("service %q bind-mounts %q into %q%s instead of using a Compose secret", [input.unit.name, m.source, m.target, writable_note(m)]),
		m,
		{"defect": "bind-mount", "read_only": m.read_only, "catalog_severity": bind_severity(m)},
	)
}

under_run_secrets(target) if trim_suffix(target, "/") == "/run/secrets"

under_run_secrets(target) if startswith(target, "/run/secrets/")

writable_note(m) := " (writable)" if not m.read_only

writable_note(m) := "" if m.read_only

bind_severity(m) := "LOW" if m.read_only

bind_severity(m) := "MEDIUM" if not m.read_only

# The path each grant is mounted at: `/run/secrets/<source>` for the short form,
# the long form's `target` (relative to /run/secrets, or absolute) otherwise.
grant_paths contains sprintf("/run/secrets/%s", [g.value]) if {
	some g in input.service.secrets
	count(long_grant_targets(g.value)) == 0
}

grant_paths contains absolute_target(t) if {
	some g in input.service.secrets
	some t in long_grant_targets(g.value)
}

long_grant_targets(name) := {g.target |
	some g in object.get(input, ["raw", "secrets"], [])
	is_object(g)
	g.source == name
	is_string(g.target)
}

absolute_target(t) := t if startswith(t, "/")

absolute_target(t) := sprintf("/run/secrets/%s", [t]) if not startswith(t, "/")

granted_path(path) if path in grant_paths

# A secret file inside a granted directory target (`target: /run/secrets/app/`).
granted_path(path) if {
	some p in grant_paths
	startswith(path, sprintf("%s/", [trim_suffix(p, "/")]))
}

mounted_path(path) if {
	some m in input.service.volumes
	under_run_secrets(m.target)
	covers(m.target, path)
}

covers(target, path) if trim_suffix(target, "/") == path

covers(target, path) if startswith(path, sprintf("%s/", [trim_suffix(target, "/")]))
