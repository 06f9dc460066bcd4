package mcp_audit.cs.mcp_cs_003_test

import data.mcp_audit.cs.mcp_cs_003
import rego.v1

sl := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 10}

vl := {"file": "compose.yaml", "line": 9, "col": 9, "end_line": 9, "end_col": 53}

nl := {"file": "compose.yaml", "line": 12, "col": 9, "end_line": 12, "end_col": 21}

sock(ro) := {"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "read_only": ro, "loc": vl, "indeterminate": false}

hub(vols, networks, services) := {
	"unit": {"name": "mcp-hub", "role": "hub"},
	"config": {"socket_proxies": ["socket-proxy"]},
	"service": {"loc": sl, "volumes": vols, "networks": [{"name": n, "loc": nl} | some n in networks], "network_mode": null, "environment": {}},
	"project": {"hubs": ["mcp-hub"], "services": services},
}

test_read_write_socket_fires if {
	rs := mcp_cs_003.deny with input as hub([sock(false)], ["mcp-internal"], ["mcp-hub"])
	count(rs) == 1
	some r in rs
	r.loc == vl
	contains(r.msg, "read-write (the policy requires `:ro`)")
	contains(r.msg, "`:ro` is policy conformance only, not a security boundary")
}

test_read_only_socket_on_shared_network_fires if {
	rs := mcp_cs_003.deny with input as hub([sock(true)], ["mcp-public", "mcp-internal"], ["mcp-hub", "github-mcp", "filesystem-mcp"])
	count(rs) == 1
	some r in rs
	contains(r.msg, "no filtering socket proxy")
	contains(r.msg, "network(s) mcp-public, mcp-internal")
	contains(r.msg, "github-mcp, filesystem-mcp")
	not contains(r.msg, "read-write")
}

test_default_network_counts_as_shared if {
	rs := mcp_cs_003.deny with input as hub([sock(true)], [], ["mcp-hub", "fetch-mcp"])
	some r in rs
	contains(r.msg, "the default network")
}

test_both_problems_in_one_finding if {
	rs := mcp_cs_003.deny with input as hub([sock(false)], ["mcp-internal"], ["mcp-hub", "fetch-mcp"])
	count(rs) == 1
	some r in rs
	contains(r.msg, "read-write (the policy requires `:ro`) and directly (no filtering socket proxy)")
}

test_parent_directory_counts if {
	v := object.union(sock(false), {"source": "/var/run"})
	count(mcp_cs_003.deny) == 1 with input as hub([v], [], ["mcp-hub"])
}

test_read_only_socket_alone_passes if {
	# The only other service is the configured socket proxy.
	count(mcp_cs_003.deny) == 0 with input as hub([sock(true)], ["mcp-internal"], ["mcp-hub", "socket-proxy"])
}

test_network_mode_none_passes if {
	inp := object.union(hub([sock(true)], [], ["mcp-hub", "fetch-mcp"]), {"service": {"network_mode": {"value": "none", "loc": nl}}})
	count(mcp_cs_003.deny) == 0 with input as inp
}

test_hub_through_socket_proxy_passes if {
	inp := object.union(hub([], ["mcp-internal"], ["mcp-hub", "socket-proxy", "fetch-mcp"]), {"service": {"environment": {"DOCKER_HOST": {"value": "tcp://socket-proxy:2375", "loc": nl}}}})
	count(mcp_cs_003.deny) == 0 with input as inp
}

test_hub_without_socket_passes if {
	count(mcp_cs_003.deny) == 0 with input as hub([{"type": "volume", "source": "hub-data", "target": "/data", "read_only": false, "loc": vl, "indeterminate": false}], ["mcp-internal"], ["mcp-hub", "fetch-mcp"])
}

test_unresolved_socket_source_is_indeterminate if {
	v := {"type": "volume", "source": "", "target": "/var/run/docker.sock", "read_only": false, "loc": vl, "indeterminate": true}
	count(mcp_cs_003.deny) == 0 with input as hub([v], ["mcp-internal"], ["mcp-hub", "fetch-mcp"])
}

test_two_hubs_fire if {
	inp := object.union(hub([], [], ["mcp-hub", "mcp-gateway"]), {"project": {"hubs": ["mcp-hub", "mcp-gateway"]}})
	rs := mcp_cs_003.deny with input as inp
	count(rs) == 1
	some r in rs
	r.loc == sl
	contains(r.msg, "one of 2 hubs")
}

test_not_applicable_to_servers if {
	inp := object.union(hub([sock(false)], [], ["mcp-hub", "fetch-mcp"]), {"unit": {"name": "fetch-mcp", "role": "mcp-server"}})
	not mcp_cs_003.applicable with input as inp
	count(mcp_cs_003.deny) == 0 with input as inp
}

api_socket_hub(value, networks, services) := object.union(hub([], networks, services), {"service": {"use_api_socket": {"value": value, "raw": "x", "loc": vl, "indeterminate": false}}})

test_use_api_socket_is_a_read_write_socket if {
	rs := mcp_cs_003.deny with input as api_socket_hub(true, ["mcp-internal"], ["mcp-hub"])
	count(rs) == 1
	some r in rs
	r.loc == vl
	r.msg == "hub \"mcp-hub\" sets `use_api_socket: true`, which mounts the container-runtime socket with the user's registry credentials, read-write (the policy requires `:ro`, which `use_api_socket` cannot give); `:ro` is policy conformance only, not a security boundary"

	# Beside other services on its network, that is said too.
	some s in mcp_cs_003.deny with input as api_socket_hub(true, ["mcp-internal"], ["mcp-hub", "github-mcp"])
	contains(s.msg, "and directly (no filtering socket proxy) while on network(s) mcp-internal alongside the project's other services (github-mcp)")
	count(mcp_cs_003.deny) == 0 with input as api_socket_hub(false, ["mcp-internal"], ["mcp-hub", "github-mcp"])
}
