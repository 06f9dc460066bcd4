package mcp_audit.cc.mcp_cc_005_test

import data.mcp_audit.cc.mcp_cc_005
import rego.v1

l(line) := {"file": "mcp_config.json", "line": line, "col": 9, "end_line": line, "end_col": 20}

val(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

entry(server) := {"unit": {"name": "hub"}, "server": object.union({"name": "hub", "command": null, "args": [], "env": {}, "url": null}, server)}

findings(server) := rs if {
	rs := mcp_cc_005.deny with input as entry(server)
}

test_remote_http_url if {
	rs := findings({"url": val("http://mcp-hub.corp.example:8080/mcp?token=abc", 2)})
	count(rs) == 1
	some r in rs
	r.evidence.loopback == false
	r.evidence.catalog_severity == "HIGH"
	r.evidence.endpoint == "http://mcp-hub.corp.example:8080"
	not contains(r.msg, "token=")
}

test_remote_ws_url if {
	rs := findings({"url": val("ws://mcp.example.com/ws", 2)})
	count(rs) == 1
	some r in rs
	contains(r.msg, "WebSocket")
}

test_seed_001_hub_url_in_docker_args if {
	rs := findings({"command": val("docker", 1), "args": [val("run", 2), val("--rm", 3), val("-i", 4), val("--network", 5), val("host", 6), val("-e", 7), val("MCP_HUB_URL=http://localhost:3012", 8), val("localhost:5000/idp/mcp-bridge:latest", 9)]})
	count(rs) == 1
	some r in rs
	r.loc.line == 8
	r.evidence.loopback == true
	r.evidence.catalog_severity == "LOW"
	contains(r.msg, "loopback")
	contains(r.msg, "DNS rebinding")
}

test_loopback_url if {
	rs := findings({"type": "http", "url": val("http://localhost:5173/mcp", 2)})
	some r in rs
	r.evidence.loopback == true
	count(findings({"url": val("http://127.0.0.1:3000/sse", 2)})) == 1
	count(findings({"url": val("http://host.docker.internal:3012/mcp", 2)})) == 1
}

test_mcp_remote_positional if {
	rs := findings({"command": val("npx", 1), "args": [val("-y", 2), val("mcp-remote@0.1.18", 3), val("http://mcp.internal.example/sse", 4)]})
	count(rs) == 1
	some r in rs
	r.loc.line == 4
}

test_env_url if {
	count(findings({"command": val("node", 1), "args": [val("dist/bridge.js", 2)], "env": {"MCP_HUB_URL": val("http://mcp-hub:3012", 3)}})) == 1
}

test_tls_passes if {
	count(findings({"url": val("https://mcp-hub.internal/mcp", 2)})) == 0
	count(findings({"url": val("wss://mcp-hub.internal/ws", 2)})) == 0
	count(findings({"command": val("npx", 1), "args": [val("mcp-remote@0.1.18", 2), val("https://mcp.example.com/sse", 3)]})) == 0
}

test_stdio_without_url_passes if {
	count(findings({"command": val("npx", 1), "args": [val("-y", 2), val("@modelcontextprotocol/server-filesystem@2025.8.21", 3), val("/workspace", 4)]})) == 0
}

test_unexpanded_variable_passes if {
	count(findings({"url": val("${MCP_HUB_URL}", 2)})) == 0
}
