# METADATA
# title: Remote MCP endpoint over plain HTTP
# description: >-
#   A client entry reaches an endpoint over `http://` or `ws://`: its `url` /
#   `serverUrl`, or a URL inside its arguments or `env` (`-e
#   MCP_HUB_URL=http://…`, an `mcp-remote http://…` positional). Requests,
#   tool results and bearer tokens then travel unencrypted. To a loopback host
#   (`localhost`, `127.0.0.0/8`, `::1`, `host.docker.internal`) this is the
#   catalog's LOW variant: the message and evidence (`loopback: true`,
#   `catalog_severity: LOW`) say so, and ask for Origin validation and a
#   gateway auth token, since a local HTTP server is reachable through DNS
#   rebinding. Not reported: `https://`, `wss://`, stdio entries without URLs,
#   URLs behind an unexpanded variable. Messages show `scheme://host:port`
#   only, never paths, queries or credentials.
# custom:
#   id: MCP-CC-005
#   severity: HIGH
#   kinds: [mcp_client]
#   remediation: >-
#     Terminate TLS at the hub or gateway and use `https://` (or `wss://`)
#     with bearer authentication; for a local endpoint, validate the `Origin`
#     header and require the gateway's auth token.
#   references:
#     - OWASP MCP Top 10 MCP07
#     - MCP specification, transports (DNS rebinding, Origin validation)
#     - mcp-doctor / mcp-config-guard ("unencrypted HTTP transport")
package mcp_audit.cc.mcp_cc_005

import data.mcp_audit.cc.common
import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some e in endpoints
	p := common.url_parts(e.url)
	p.scheme in {"http", "ws"}
	loopback := common.is_loopback(p.host)
	r := result.with_evidence(
		sprintf("client entry %q %s", [input.unit.name, message(e.field, common.endpoint(e.url), transport[p.scheme], loopback)]),
		e.node,
		{"field": e.field, "endpoint": common.endpoint(e.url), "loopback": loopback, "catalog_severity": catalog_severity[loopback]},
	)
}

catalog_severity := {true: "LOW", false: "HIGH"}

transport := {"http": "HTTP", "ws": "WebSocket (`ws://`)"}

message(field, ep, t, true) := sprintf(
	"reaches loopback endpoint %s over plain %s (%s): the catalog's LOW variant, but a local server is open to DNS rebinding; validate Origin and require the gateway's auth token",
	[ep, t, field],
)

message(field, ep, t, false) := sprintf("reaches %s over plain %s (%s): traffic and tokens travel unencrypted", [ep, t, field])

# --- where URLs are written: {field, url, node}

endpoints contains {"field": "`url`", "url": u.value, "node": u} if {
	u := common.server.url
	is_string(u.value)
	some url in common.urls(u.value)
	startswith(u.value, url)
}

endpoints contains {"field": sprintf("`args[%d]`", [i]), "url": url, "node": a} if {
	some i, a in common.args
	not common.redacted(a.value)
	some url in common.urls(a.value)
}

endpoints contains {"field": sprintf("`env.%s`", [k]), "url": url, "node": v} if {
	some k, v in object.get(common.server, "env", {})
	not common.redacted(v.value)
	some url in common.urls(v.value)
}
