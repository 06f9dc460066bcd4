package mcp_audit.cs.mcp_cs_014_test

import data.mcp_audit.cs.mcp_cs_014
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 20}

port(ip, published, target, line) := {"host_ip": ip, "published": published, "target": target, "protocol": "tcp", "loc": l(line), "indeterminate": false, "host_ip_indeterminate": false}

svc(ports) := {"unit": {"name": "mcp-hub", "role": "hub"}, "service": {"name": "mcp-hub", "ports": ports}}

findings(ports) := rs if {
	rs := mcp_cs_014.deny with input as svc(ports)
}

test_no_host_ip if {
	rs := findings([port(null, "3010", "3010", 3)])
	count(rs) == 1
	some r in rs
	contains(r.msg, "all interfaces")
	r.loc == l(3)
}

test_ipv4_any if count(findings([port("0.0.0.0", "3010", "3010", 3)])) == 1

test_ipv6_any if count(findings([port("::", "3010", "3010", 3)])) == 1

test_ipv6_any_bracketed if count(findings([port("[::]", "3010", "3010", 3)])) == 1

test_empty_host_ip if count(findings([port("", "3010", "3010", 3)])) == 1

test_container_port_only if {
	rs := findings([port(null, null, "8080", 3)])
	some r in rs
	contains(r.msg, "ephemeral")
}

test_each_port_reported if {
	count(findings([port(null, "8580", "8080", 3), port(null, "8581", "8081", 4), port("127.0.0.1", "9000", "9000", 5)])) == 2
}

test_loopback_passes if count(findings([port("127.0.0.1", "3010", "3010", 3)])) == 0

test_ipv6_loopback_passes if count(findings([port("::1", "3010", "3010", 3)])) == 0

test_specific_interface_passes if count(findings([port("10.0.0.5", "3010", "3010", 3)])) == 0

test_no_ports_passes if count(findings([])) == 0

test_unresolved_host_ip_skipped if {
	p := object.union(port("${BIND}", "3010", "3010", 3), {"indeterminate": true, "host_ip_indeterminate": true})
	count(findings([p])) == 0
}

# `8080:${TARGET}` and `127.0.0.1:${HOST_PORT}:8080`: the interfaces are decided.
test_unresolved_port_with_decided_host_ip if {
	all := object.union(port(null, "8080", "${TARGET}", 3), {"indeterminate": true})
	count(findings([all])) == 1
	loopback := object.union(port("127.0.0.1", "${HOST_PORT}", "8080", 4), {"indeterminate": true})
	count(findings([loopback])) == 0
}
