# METADATA
# title: MCP server publishes host ports
# description: >-
#   A non-hub MCP server has `ports:` entries (short or long syntax, ranges
#   such as `"${GITHUB_MCP_PORT_RANGE:-3000-3100}:3000"` included; the
#   evidence records how many host ports a range opens). Clients should reach
#   servers only through the hub or gateway. `expose:` is internal and not
#   reported, and neither are ports bound to `127.0.0.1` / `::1` in a `dev`
#   profile or a `dev` override variant. Evaluated on MCP servers only. A port
#   with an unresolved variable is still published (the part is shown as
#   written, `${HOST_PORT}`); only an unresolved host IP in a `dev` context is
#   indeterminate (MCP-EC-004).
# custom:
#   id: MCP-CS-013
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Remove `ports:` and route clients through the hub or gateway; for local
#     debugging bind to `127.0.0.1` in a dev override file
#     (`docker-compose.dev.yml`) or a `dev` profile.
#   references:
#     - CIS Docker Benchmark 5.9
#     - OWASP MCP Top 10 MCP07, MCP09
package mcp_audit.cs.mcp_cs_013

import data.mcp_audit.lib.result
import rego.v1

applicable if input.unit.role == "mcp-server"

deny contains r if {
	some p in input.service.ports
	not dev_loopback(p)
	not undecided_dev_loopback(p)
	r := result.with_evidence(
		sprintf("MCP server %q publishes %s to container port %s; route clients through the hub", [input.unit.name, host_ports(p), p.target]),
		p,
		{"host_ip": p.host_ip, "published": p.published, "target": p.target, "host_ports": port_count(p.published)},
	)
}

host_ports(p) := "an ephemeral host port" if p.published == null

host_ports(p) := sprintf("host ports %s (%d ports)", [p.published, port_count(p.published)]) if {
	p.published != null
	port_count(p.published) > 1
}

host_ports(p) := sprintf("host port %s", [p.published]) if {
	p.published != null
	port_count(p.published) == 1
}

# "3000-3100" opens 101 host ports; a single or ephemeral port is one.
port_count(published) := (to_number(bounds[1]) - to_number(bounds[0])) + 1 if {
	port_range(published)
	bounds := split(published, "-")
}

port_count(published) := 1 if not port_range(published)

port_range(published) if {
	is_string(published)
	regex.match(`^[0-9]+-[0-9]+$`, published)
}

# --- the dev exception ---

dev_names := {"dev", "development", "local", "debug"}

dev_loopback(p) if {
	p.host_ip in {"127.0.0.1", "::1", "localhost"}
	dev_context
}

# An unresolved host IP may be a loopback one, which only the dev exception reads:
# elsewhere the port is published whatever it is set to.
undecided_dev_loopback(p) if {
	p.host_ip_indeterminate
	dev_context
}

dev_context if {
	is_string(input.unit.variant)
	lower(input.unit.variant) in dev_names
}

# (`profiles:` left empty is null, not a list.)
dev_context if {
	profiles := object.get(input.raw, "profiles", [])
	is_array(profiles)
	some profile in profiles
	is_string(profile)
	lower(profile) in dev_names
}
