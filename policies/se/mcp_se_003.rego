# METADATA
# title: Secret delivered through an environment variable
# description: >-
#   The service's effective environment (image ENV, then `env_file`, then
#   `environment`, the later winning) holds a secret-named variable or a
#   credential-shaped value, whether it is written literally (also
#   MCP-SE-001) or interpolated from the host (`TOKEN: ${GITHUB_TOKEN}`, even
#   when the variable is unset at scan time). Environment variables show in
#   `docker inspect`, are inherited by every child process and end up in logs
#   and crash reports. `*_FILE=/run/secrets/<x>` and other secret references do
#   not count. A service labelled `mcp.secrets.env-only=<reason>` (an upstream
#   server that only reads its token from the environment) is waived: the rule
#   is not applicable to it.
# custom:
#   id: MCP-SE-003
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Declare the secret in the top-level `secrets:`, grant it to the service
#     (`secrets: [name]`) and have the server read `/run/secrets/<name>` (or a
#     `*_FILE` variable pointing there). For an upstream server that only reads
#     the environment, record the exception with the label
#     `mcp.secrets.env-only: "<reason>"`.
#   references:
#     - Docker docs "Manage secrets securely in Docker Compose"
#     - OWASP MCP Top 10 MCP01
package mcp_audit.se.mcp_se_003

import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

applicable if not waived

waived if trim_space(input.service.labels["mcp.secrets.env-only"].value) != ""

deny contains r if {
	some k, e in secrets.effective_env
	secrets.carries_secret(k, e.node)
	r := result.with_evidence(message(k, e), secrets.node(e.node), {"variable": k, "source": e.source})
}

message(k, e) := sprintf("service %q receives secret %s through its environment (`environment`)", [input.unit.name, k]) if e.source == "environment"

message(k, e) := sprintf("service %q receives secret %s through its environment (env_file %q)", [input.unit.name, k, secrets.base_name(e.file)]) if e.source == "env_file"

message(k, e) := sprintf("service %q receives secret %s through its environment (image ENV)", [input.unit.name, k]) if e.source == "image"
