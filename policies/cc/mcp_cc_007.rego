# METADATA
# title: Server bypasses the central hub (shadow MCP server)
# description: >-
#   Applies only when a hub policy is configured: `hub: {allowed_endpoints:
#   [...]}` in `.mcp-audit.yaml` (or Rego data `hub := {"allowed_endpoints":
#   [...]}` in package `mcp_audit.config` of a directory listed under
#   `policies:`), a list of URL prefixes (`"https://mcp-hub.internal/"` or
#   `{url: "…"}`, matched at a URL boundary) and/or launch patterns
#   `{command: "<regex>", args: ["<regex>", …]}`, each regex anchored and
#   matched against one argument, with the same number of arguments (like
#   Windsurf's admin allowlist). Without one the rule is not
#   applicable. Then every enabled client entry that matches no allowed
#   endpoint is reported: a direct `npx some-server`, a `docker run` of a
#   server image, a URL to another host. The Docker MCP Toolkit hub entry
#   (`docker mcp gateway run …`) always matches; entries with `"disabled":
#   true` are not reported.
# custom:
#   id: MCP-CC-007
#   severity: MEDIUM
#   kinds: [mcp_client]
#   remediation: >-
#     Replace the direct server entry with the hub endpoint and register the
#     server behind the hub, where its image, secrets and audit log are
#     governed.
#   references:
#     - OWASP MCP Top 10 MCP09
#     - Windsurf team admin MCP allowlist (anchored regex per argument)
package mcp_audit.cc.mcp_cc_007

import data.mcp_audit.cc.common
import data.mcp_audit.lib.result
import rego.v1

allowed_endpoints := common.setting(["hub", "allowed_endpoints"], [])

applicable if count(allowed_endpoints) > 0

deny contains r if {
	applicable
	not common.server.disabled == true
	not hub_entry
	r := result.with_evidence(
		sprintf("client entry %q bypasses the central hub: %s is not an allowed hub endpoint", [input.unit.name, describe]),
		common.server,
		{"launch": describe},
	)
}

# describe: what the entry connects to, without arguments or credentials.
describe := sprintf("endpoint %s", [common.endpoint(common.server.url.value)]) if is_string(common.server.url.value)

describe := sprintf("command `%s`", [common.program]) if {
	not is_string(common.server.url.value)
	common.program
}

describe := "an entry with neither `command` nor `url`" if {
	not is_string(common.server.url.value)
	not common.program
}

hub_entry if gateway_entry

hub_entry if {
	some e in allowed_endpoints
	matches(e)
}

# The Docker MCP Toolkit writes `{"command": "docker", "args": ["mcp", "gateway", "run", …]}`.
gateway_entry if {
	common.program == "docker"
	[a.value | some a in array.slice(common.args, 0, 3)] == ["mcp", "gateway", "run"]
}

matches(e) if {
	is_string(e)
	url_prefix(common.server.url.value, e)
}

matches(e) if {
	is_string(e.url)
	url_prefix(common.server.url.value, e.url)
}

# url_prefix(u, p): u starts with p at a URL boundary, so that prefix
# `https://mcp-hub.internal` does not allow `https://mcp-hub.internal.evil.example`.
url_prefix(u, p) if {
	startswith(lower(u), lower(p))
	boundary(p, substring(u, count(p), 1))
}

boundary(p, _) if endswith(p, "/")

boundary(_, next) if next in {"", "/", "?", "#", ":"}

matches(e) if {
	is_string(e.command)
	regex.match(anchored(e.command), common.server.command.value)
	patterns := object.get(e, "args", [])
	count(patterns) == count(common.args)
	every i, p in patterns {
		regex.match(anchored(p), common.args[i].value)
	}
}

anchored(p) := concat("", ["^(?:", p, ")$"])
