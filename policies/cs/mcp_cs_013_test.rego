package mcp_audit.cs.mcp_cs_013_test

import data.mcp_audit.cs.mcp_cs_013
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 20}

port(ip, published, target, line) := {"host_ip": ip, "published": published, "target": target, "protocol": "tcp", "loc": l(line), "indeterminate": false, "host_ip_indeterminate": false}

doc(role, variant, ports, raw) := {
	"unit": {"name": "fs-mcp", "role": role, "variant": variant},
	"service": {"name": "fs-mcp", "ports": ports},
	"raw": raw,
}

server(ports) := doc("mcp-server", null, ports, {})

findings(d) := rs if {
	rs := mcp_cs_013.deny with input as d
}

test_applicable_to_mcp_server if {
	mcp_cs_013.applicable with input as server([])
}

test_not_applicable_to_hub if {
	not mcp_cs_013.applicable with input as doc("hub", null, [port(null, "3010", "3010", 3)], {})
}

test_not_applicable_to_supporting_service if {
	not mcp_cs_013.applicable with input as doc("supporting-service", null, [port(null, "5432", "5432", 3)], {})
}

test_published_port if {
	rs := findings(server([port(null, "8501", "8080", 3)]))
	count(rs) == 1
	some r in rs
	contains(r.msg, "host port 8501")
	r.loc == l(3)
}

test_port_range_counts_host_ports if {
	rs := findings(server([port(null, "3000-3100", "3000", 3)]))
	some r in rs
	r.evidence.host_ports == 101
	contains(r.msg, "101 ports")
}

test_ephemeral_host_port if {
	rs := findings(server([port(null, null, "8080", 3)]))
	some r in rs
	contains(r.msg, "ephemeral")
	r.evidence.host_ports == 1
}

test_loopback_outside_dev_still_fires if {
	count(findings(server([port("127.0.0.1", "8080", "8080", 3)]))) == 1
}

test_every_port_reported if {
	count(findings(server([port(null, "8501", "8080", 3), port("0.0.0.0", "9000", "9000", 4)]))) == 2
}

test_no_ports_passes if {
	count(findings(server([]))) == 0
}

test_loopback_in_dev_variant_passes if {
	count(findings(doc("mcp-server", "dev", [port("127.0.0.1", "8080", "8080", 3)], {}))) == 0
}

test_ipv6_loopback_in_dev_profile_passes if {
	count(findings(doc("mcp-server", null, [port("::1", "8080", "8080", 3)], {"profiles": ["debug", "dev"]}))) == 0
}

test_all_interfaces_in_dev_variant_fires if {
	count(findings(doc("mcp-server", "dev", [port(null, "8080", "8080", 3)], {}))) == 1
}

test_loopback_in_other_variant_fires if {
	count(findings(doc("mcp-server", "prod", [port("127.0.0.1", "8080", "8080", 3)], {}))) == 1
}

# `${HOST_PORT}:8080`: published whatever HOST_PORT is set to.
test_unresolved_host_port_still_fires if {
	p := object.union(port(null, "${HOST_PORT}", "8080", 3), {"indeterminate": true})
	rs := findings(server([p]))
	count(rs) == 1
	some r in rs
	contains(r.msg, "host port ${HOST_PORT} to container port 8080")
}

# `${BIND}:8080:8080` outside a dev context: the dev exception cannot apply.
test_unresolved_host_ip_outside_dev_fires if {
	p := object.union(port("${BIND}", "8080", "8080", 3), {"indeterminate": true, "host_ip_indeterminate": true})
	count(findings(server([p]))) == 1
}

# In a dev context the unresolved host IP may be loopback: undecided, no finding.
test_unresolved_host_ip_in_dev_skipped if {
	p := object.union(port("${BIND}", "8080", "8080", 3), {"indeterminate": true, "host_ip_indeterminate": true})
	count(findings(doc("mcp-server", "dev", [p], {}))) == 0
}
