# METADATA
# title: Published port bound to all interfaces
# description: >-
#   A service (the hub included) publishes a port without a host IP, or with
#   `0.0.0.0` / `::`, so it listens on every interface of the host. Long
#   syntax counts when `host_ip` is absent; a container port alone
#   (`"8080"`) publishes an ephemeral host port on every interface. Ports
#   bound to `127.0.0.1`, `[::1]` or another specific address are not
#   reported. An unresolved host IP (`${BIND}:8080:8080`, or `${PORT}:8080`,
#   which may be set to `127.0.0.1:3000`) is indeterminate (MCP-EC-004); an
#   unresolved port with a decided host IP is not.
# custom:
#   id: MCP-CS-014
#   severity: LOW
#   kinds: [compose_service]
#   remediation: >-
#     Prefix the port with the host IP to listen on (`"127.0.0.1:3010:3010"`),
#     or put a TLS reverse proxy in front.
#   references:
#     - CIS Docker Benchmark 5.14
#     - "KICS: Container Traffic Not Bound To Host Interface"
package mcp_audit.cs.mcp_cs_014

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some p in input.service.ports
	not p.host_ip_indeterminate
	all_interfaces(p.host_ip)
	r := result.with_evidence(
		sprintf("service %q publishes %s on all interfaces%s", [input.unit.name, what(p), bound_to(p.host_ip)]),
		p,
		{"host_ip": p.host_ip, "published": p.published, "target": p.target},
	)
}

all_interfaces(null) := true

all_interfaces(ip) if trim(ip, "[] ") in {"", "0.0.0.0", "::"}

what(p) := sprintf("port %s:%s", [p.published, p.target]) if p.published != null

what(p) := sprintf("container port %s on an ephemeral host port", [p.target]) if p.published == null

bound_to(null) := ""

bound_to(ip) := sprintf(" (`%s`)", [ip]) if ip != null
