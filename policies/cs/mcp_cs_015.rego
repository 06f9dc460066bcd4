# METADATA
# title: MCP server attached to a non-internal network
# description: >-
#   A non-hub MCP server can reach (and be reached from) outside networks: it
#   is attached to a network not declared `internal: true`, to the implicit
#   `default` network (no `networks:` given), or uses `network_mode: bridge`
#   or `host`. Servers should sit only on internal networks and get egress
#   through the hub or an allowlisting proxy. `network_mode: none` and
#   internal-only attachments pass; `network_mode: "service:x"` /
#   `container:x` inherit x's networks and are not judged here. An
#   `external: true` network defined elsewhere cannot be checked and is not
#   reported. A server labelled `mcp.egress: allowlist` with
#   `mcp.egress.hosts` declares an egress allowlist and is not reported (the
#   allowlist itself cannot be verified statically). Evaluated on MCP servers
#   only.
# custom:
#   id: MCP-CS-015
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Attach MCP servers only to networks declared `internal: true` (for
#     example `mcp-internal`), let the hub bridge to public networks, and give
#     egress through an allowlisting proxy.
#   references:
#     - CIS Docker Benchmark 5.30 (default bridge)
#     - docker/mcp-gateway --block-network, disableNetwork
#     - OWASP MCP Top 10 MCP07
package mcp_audit.cs.mcp_cs_015

import data.mcp_audit.lib.result
import rego.v1

applicable if input.unit.role == "mcp-server"

deny contains r if {
	not egress_allowlist
	some n in input.service.networks
	not network_mode
	public(n.name)
	r := result.with_evidence(
		sprintf("MCP server %q is attached to network %q, which is not `internal: true`", [input.unit.name, n.name]),
		n,
		{"network": n.name},
	)
}

deny contains r if {
	not egress_allowlist
	not network_mode
	count(object.get(input.service, "networks", [])) == 0
	public("default")
	r := result.with_evidence(
		sprintf("MCP server %q is on the implicit `default` network, which is not internal (no `networks:` given)", [input.unit.name]),
		input.service,
		{"network": "default"},
	)
}

deny contains r if {
	not egress_allowlist
	m := network_mode
	not m.indeterminate
	lower(m.value) in {"bridge", "host", "default"}
	r := result.with_evidence(
		sprintf("MCP server %q uses `network_mode: %s`, which is not an internal network", [input.unit.name, m.value]),
		m,
		{"network_mode": m.value},
	)
}

# `network_mode` replaces `networks:`.
network_mode := m if {
	m := input.service.network_mode
	m != null
}

# Not declared `internal: true`. An undeclared name (such as `default`) is
# neither internal nor external; an external network defined elsewhere cannot
# be judged.
public(name) if {
	decl := object.get(object.get(input, ["project", "networks"], {}), name, {})
	not decl.internal == true
	not decl.external == true
}

egress_allowlist if {
	lower(input.service.labels["mcp.egress"].value) == "allowlist"
	trim_space(input.service.labels["mcp.egress.hosts"].value) != ""
}
