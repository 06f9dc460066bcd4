# METADATA
# title: Credential passed on the command line
# description: >-
#   A secret is part of the argument list the client starts the server with,
#   where `ps`, `/proc/<pid>/cmdline` and `docker inspect` show it to every
#   local user: `docker run … -e NAME=<value>` (or `--env=NAME=…`, or any
#   `NAME=<value>` argument) with a secret-named NAME; a secret option such as
#   `--token=…`, `--api-key …`, `--password …`, `--client-secret …`; a secret
#   header such as `mcp-remote … --header "Authorization: Bearer …"`. A literal
#   value is the catalog's HIGH case, an interpolated one (`${VAR}`,
#   `${env:VAR}`, which the client expands into argv) its MEDIUM case; the
#   message and evidence say which. Not reported: `-e NAME` without `=` (the
#   value is passed through from the entry's `env` block, as docker/mcp-gateway
#   does), `--env-file`, options naming a file (`--token-file`,
#   `--private-key ./key.pem`), and Docker's own options before the image.
# custom:
#   id: MCP-CC-002
#   severity: HIGH
#   kinds: [mcp_client]
#   remediation: >-
#     Pass the secret through the environment: `-e NAME` (no `=`) plus
#     `"env": {"NAME": "${env:NAME}"}` (or `${input:…}` in VS Code), an
#     `--env-file`, Docker secrets, or a `--token-file`-style option; for
#     mcp-remote put the header value in an env variable.
#   references:
#     - OWASP MCP Top 10 MCP01
#     - CWE-214 Invocation of Process Using Visible Sensitive Information
#     - docker/mcp-gateway argsAndEnv (`-e NAME` passthrough)
package mcp_audit.cc.mcp_cc_002

import data.mcp_audit.cc.common
import data.mcp_audit.lib.result
import rego.v1

# Only entries that start a process have a command line.
applicable if is_string(common.server.command.value)

deny contains r if {
	some s in argv_secrets
	kind := value_kind(s.value)
	r := result.with_evidence(
		sprintf("client entry %q passes secret %s on the command line (%s): argv is visible in `ps` and `docker inspect`", [input.unit.name, s.what, kind_note[kind]]),
		s.node,
		{"argument": s.what, "value": kind, "catalog_severity": catalog_severity[kind]},
	)
}

kind_note := {
	"literal": "a literal value",
	"interpolated": "an interpolated value, on argv once expanded",
}

catalog_severity := {"literal": "HIGH", "interpolated": "MEDIUM"}

value_kind(v) := "interpolated" if {
	not common.redacted(v)
	common.interpolated(v)
}

value_kind(v) := "literal" if common.redacted(v)

value_kind(v) := "literal" if {
	not common.redacted(v)
	not common.interpolated(v)
}

# --- NAME=value arguments: `-e NAME=…`, `--env=NAME=…`, `env NAME=… cmd`

argv_secrets contains {"what": sprintf("`%s=…`", [m[1]]), "value": m[2], "node": a} if {
	some a in common.args
	m := regex.find_all_string_submatch_n(`^(?:--?(?:e|env)=)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`, a.value, 1)[0]
	common.env_secret_name(m[1])
	m[2] != ""
}

# --- secret options: `--token=…`, `--api-key …`

argv_secrets contains {"what": sprintf("`%s …`", [f.flag]), "value": f.value, "node": f.node} if {
	some f in common.secret_flags
	f.value != ""
	not common.file_value(f.value)
}

# --- secret headers: `--header "Authorization: Bearer …"`, `-H …`, `--header=…`

argv_secrets contains {"what": sprintf("header `%s: …`", [h.name]), "value": h.value, "node": h.node} if {
	some h in headers
	common.secret_header(h.name)
	h.value != ""
}

header_options := {"--header", "-h", "--headers"}

headers contains header(common.args[i + 1]) if {
	some i, a in common.args
	lower(a.value) in header_options
	not common.docker_option_arg(i)
	common.args[i + 1]
}

headers contains header({"value": substring(a.value, indexof(a.value, "=") + 1, -1), "loc": a.loc}) if {
	some i, a in common.args
	lower(split(a.value, "=")[0]) in {"--header", "--headers"}
	contains(a.value, "=")
	not common.docker_option_arg(i)
}

# header(node): {name, value, node} of a `Name: value` argument.
header(node) := {"name": trim_space(substring(node.value, 0, k)), "value": trim_space(substring(node.value, k + 1, -1)), "node": node} if {
	k := indexof(node.value, ":")
	k > 0
}
