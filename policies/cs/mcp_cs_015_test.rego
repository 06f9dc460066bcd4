package mcp_audit.cs.mcp_cs_015_test

import data.mcp_audit.cs.mcp_cs_015
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 20}

net(name, line) := {"name": name, "loc": l(line)}

project := {"networks": {
	"mcp-internal": {"internal": true, "external": false},
	"mcp-frontend": {"internal": false, "external": false},
	"traefik-net": {"internal": false, "external": true},
}}

doc(role, service) := {
	"unit": {"name": "fs-mcp", "role": role},
	"service": object.union({"name": "fs-mcp", "loc": l(2), "networks": [], "network_mode": null, "labels": {}}, service),
	"project": project,
}

server(service) := doc("mcp-server", service)

findings(d) := rs if {
	rs := mcp_cs_015.deny with input as d
}

val(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

test_applicable_to_mcp_server if {
	mcp_cs_015.applicable with input as server({})
}

test_not_applicable_to_hub if {
	not mcp_cs_015.applicable with input as doc("hub", {})
}

test_not_applicable_to_supporting_service if {
	not mcp_cs_015.applicable with input as doc("supporting-service", {})
}

test_non_internal_network if {
	rs := findings(server({"networks": [net("mcp-frontend", 4)]}))
	count(rs) == 1
	some r in rs
	r.loc == l(4)
	r.evidence.network == "mcp-frontend"
}

test_one_finding_per_non_internal_network if {
	count(findings(server({"networks": [net("mcp-internal", 4), net("mcp-frontend", 5), net("default", 6)]}))) == 2
}

test_implicit_default_network if {
	rs := findings(server({}))
	count(rs) == 1
	some r in rs
	r.loc == l(2)
	contains(r.msg, "default")
}

test_network_mode_bridge if {
	rs := findings(server({"network_mode": val("bridge", 3)}))
	count(rs) == 1
	some r in rs
	r.loc == l(3)
}

test_network_mode_host if {
	count(findings(server({"network_mode": val("host", 3)}))) == 1
}

test_internal_only_passes if {
	count(findings(server({"networks": [net("mcp-internal", 4)]}))) == 0
}

test_network_mode_none_passes if {
	count(findings(server({"network_mode": val("none", 3)}))) == 0
}

test_network_mode_none_overrides_networks if {
	count(findings(server({"network_mode": val("none", 3), "networks": [net("mcp-frontend", 4)]}))) == 0
}

test_network_mode_service_not_judged if {
	count(findings(server({"network_mode": val("service:vpn", 3)}))) == 0
}

test_external_network_not_judged if {
	count(findings(server({"networks": [net("traefik-net", 4)]}))) == 0
}

test_indeterminate_network_mode_not_judged if {
	count(findings(server({"network_mode": {"value": "", "loc": l(3), "indeterminate": true}}))) == 0
}

test_egress_allowlist_label_passes if {
	labels := {"mcp.egress": val("allowlist", 7), "mcp.egress.hosts": val("api.github.com", 8)}
	count(findings(server({"networks": [net("mcp-frontend", 4)], "labels": labels}))) == 0
}

test_egress_label_without_hosts_fires if {
	labels := {"mcp.egress": val("allowlist", 7)}
	count(findings(server({"networks": [net("mcp-frontend", 4)], "labels": labels}))) == 1
}

test_declared_internal_default_network_passes if {
	d := object.union(server({}), {"project": {"networks": {"default": {"internal": true, "external": false}}}})
	count(findings(d)) == 0
}
