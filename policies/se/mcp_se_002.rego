# METADATA
# title: Insecure default in secret interpolation
# description: >-
#   A secret is interpolated with a non-empty fallback, `${SECRET:-literal}` or
#   `${SECRET-literal}`, so the stack deploys with a publicly known secret
#   whenever the variable is unset. Checked in `environment`, `build.args`,
#   `command`, `entrypoint` and `healthcheck.test`, for a secret-named variable
#   (also inside a connection string such as `DATABASE_URL`) or any variable
#   feeding a secret-named key. `${VAR:?must be set}`, an empty default
#   `${VAR:-}` and defaults of non-secret variables (`${MCP_MEMORY_LIMIT:-1g}`)
#   do not count. The input records defaults only when they were used: a
#   variable set at scan time hides its default.
# custom:
#   id: MCP-SE-002
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Make every secret mandatory with `${VAR:?VAR is required}` (or deliver it
#     as a Compose secret), and rotate any secret that may have been deployed
#     with the default.
#   references:
#     - Compose specification, interpolation (`${VAR:?error}`)
#     - OWASP MCP Top 10 MCP01
package mcp_audit.se.mcp_se_002

import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

deny contains r if {
	some field, i in interpolated
	v := i.node
	some var in v.vars
	var.origin == "default"
	secret_use(i, var.name)
	non_empty_default(v)
	r := result.with_evidence(
		sprintf("service %q: `%s` falls back to a built-in default for %s when the variable is unset", [input.unit.name, field, var.name]),
		secrets.node(v),
		{"variable": var.name, "field": field},
	)
}

# Interpolated values of the service by field, with the key they set (if any).
interpolated[sprintf("environment.%s", [k])] := {"node": v, "key": k} if {
	some k, v in input.service.environment
	v.vars
}

interpolated[sprintf("build.args.%s", [k])] := {"node": v, "key": k} if {
	some k, v in input.service.build.args
	v.vars
}

interpolated[field] := {"node": v, "key": ""} if {
	some field, v in secrets.command_lines
}

# The variable is secret-named, or it feeds a secret-named key.
secret_use(_, name) if secrets.secret_name(name)

secret_use(i, _) if secrets.named_secret(i.key, i.node)

# The default put something in: the connection string's password when the value
# is one, else the value itself (an empty default leaves an empty value).
non_empty_default(v) if {
	connection_string(v.value)
	secrets.url_password(v.value)
}

non_empty_default(v) if {
	not connection_string(v.value)
	v.value != ""
}

connection_string(s) if regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://[^ \t\n/@]*@`, s)
