package mcp_audit.cc.mcp_cc_007_test

import data.mcp_audit.cc.mcp_cc_007
import rego.v1

l(line) := {"file": "claude_desktop_config.json", "line": line, "col": 5, "end_line": line, "end_col": 15}

val(v, line) := {"value": v, "loc": l(line)}

hub_policy := {"hub": {"allowed_endpoints": [
	"https://mcp-hub.internal/",
	{"url": "https://mcp-hub.backup.internal/"},
	{"command": "docker", "args": ["run", "--rm", "-i", "--network", "mcp-internal", "-e", "MCP_HUB_URL=https://mcp-hub\\.internal/mcp", "localhost:5000/idp/mcp-bridge@sha256:[0-9a-f]{64}"]},
]}}

entry(server, config) := {"unit": {"name": "x"}, "server": object.union({"name": "x", "loc": l(3), "command": null, "args": [], "url": null, "disabled": false}, server), "config": config}

stdio(command, values) := {"command": val(command, 4), "args": [val(v, i + 5) | some i, v in values]}

findings(server) := rs if {
	rs := mcp_cc_007.deny with input as entry(server, hub_policy)
}

bridge_args := ["run", "--rm", "-i", "--network", "mcp-internal", "-e", "MCP_HUB_URL=https://mcp-hub.internal/mcp", "localhost:5000/idp/mcp-bridge@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]

test_not_applicable_without_hub_policy if {
	not mcp_cc_007.applicable with input as entry(stdio("npx", ["-y", "@modelcontextprotocol/server-github@2025.4.8"]), {})
	not mcp_cc_007.applicable with input as entry(stdio("npx", ["-y", "@modelcontextprotocol/server-github@2025.4.8"]), {"hub": {"allowed_endpoints": []}})
}

test_direct_npx_server if {
	rs := findings(stdio("npx", ["-y", "@modelcontextprotocol/server-github@2025.4.8"]))
	count(rs) == 1
	some r in rs
	r.loc.line == 3
	contains(r.msg, "command `npx`")
}

test_other_host if {
	rs := findings({"type": "http", "url": val("https://mcp.vendor.example/mcp?key=x", 4)})
	count(rs) == 1
	some r in rs
	contains(r.msg, "https://mcp.vendor.example")
	not contains(r.msg, "key=")
}

test_hub_url_prefixes_pass if {
	count(findings({"url": val("https://mcp-hub.internal/mcp", 4)})) == 0
	count(findings({"url": val("https://mcp-hub.backup.internal/mcp", 4)})) == 0
}

test_allowed_launch_pattern_passes if {
	count(findings(stdio("docker", bridge_args))) == 0
}

test_launch_pattern_needs_equal_argument_count if {
	count(findings(stdio("docker", array.concat(bridge_args, ["--debug"])))) == 1
}

test_launch_pattern_is_anchored if {
	count(findings(stdio("docker", array.concat(array.slice(bridge_args, 0, 7), ["localhost:5000/idp/mcp-bridge:latest"])))) == 1
}

test_docker_mcp_gateway_passes if {
	count(findings(stdio("docker", ["mcp", "gateway", "run"]))) == 0
	count(findings(stdio("/usr/local/bin/docker", ["mcp", "gateway", "run", "--profile", "dev"]))) == 0
}

test_disabled_entry_passes if {
	count(findings(object.union(stdio("npx", ["-y", "@modelcontextprotocol/server-github@2025.4.8"]), {"disabled": true}))) == 0
}

test_hub_policy_from_policy_data if {
	rs := mcp_cc_007.deny with input as entry(stdio("npx", ["-y", "@modelcontextprotocol/server-github@2025.4.8"]), {})
		with data.mcp_audit.config as hub_policy
	count(rs) == 1
}

test_url_prefix_stops_at_a_boundary if {
	rs := mcp_cc_007.deny with input as entry({"url": val("https://mcp-hub.internal.evil.example/mcp", 4)}, {"hub": {"allowed_endpoints": ["https://mcp-hub.internal"]}})
	count(rs) == 1
	ok := mcp_cc_007.deny with input as entry({"url": val("https://MCP-HUB.internal:8443/mcp", 4)}, {"hub": {"allowed_endpoints": ["https://mcp-hub.internal"]}})
	count(ok) == 0
}
