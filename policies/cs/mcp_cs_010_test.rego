package mcp_audit.cs.mcp_cs_010_test

import data.mcp_audit.cs.mcp_cs_010
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 5, "end_line": line, "end_col": 20}

svc(extra) := {
	"unit": {"name": "srv"},
	"service": object.union({"name": "srv", "loc": l(2)}, extra),
	"raw": {},
}

val(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

test_network_mode_host if {
	rs := mcp_cs_010.deny with input as svc({"network_mode": val("host", 3)})
	count(rs) == 1
	some r in rs
	contains(r.msg, "network namespace")
	r.evidence.key == "network_mode"
}

test_pid_host if {
	count(mcp_cs_010.deny) == 1 with input as svc({"pid": val("host", 3)})
}

test_ipc_host if {
	count(mcp_cs_010.deny) == 1 with input as svc({"ipc": val("host", 3)})
}

test_uts_host if {
	count(mcp_cs_010.deny) == 1 with input as svc({"uts": val("host", 3)})
}

test_userns_mode_host if {
	count(mcp_cs_010.deny) == 1 with input as svc({"userns_mode": val("host", 3)})
}

test_host_is_case_insensitive if {
	count(mcp_cs_010.deny) == 1 with input as svc({"pid": val("HOST", 3)})
}

test_cgroup_host_from_raw if {
	doc := object.union(svc({}), {"raw": {"cgroup": "host", "key_locs": {"cgroup": l(7)}}})
	rs := mcp_cs_010.deny with input as doc
	count(rs) == 1
	some r in rs
	r.loc == l(7)
	r.evidence.key == "cgroup"
}

test_every_namespace_reported if {
	doc := svc({
		"network_mode": val("host", 3),
		"pid": val("host", 4),
		"ipc": val("host", 5),
		"uts": val("host", 6),
		"userns_mode": val("host", 7),
	})
	count(mcp_cs_010.deny) == 5 with input as doc
}

test_network_mode_none_passes if {
	count(mcp_cs_010.deny) == 0 with input as svc({"network_mode": val("none", 3)})
}

test_network_mode_service_passes if {
	count(mcp_cs_010.deny) == 0 with input as svc({"network_mode": val("service:vpn", 3)})
}

test_network_mode_container_passes if {
	count(mcp_cs_010.deny) == 0 with input as svc({"network_mode": val("container:sidecar", 3)})
}

test_ipc_shareable_passes if {
	count(mcp_cs_010.deny) == 0 with input as svc({"ipc": val("shareable", 3)})
}

test_cgroup_private_passes if {
	doc := object.union(svc({}), {"raw": {"cgroup": "private", "key_locs": {"cgroup": l(7)}}})
	count(mcp_cs_010.deny) == 0 with input as doc
}

test_nothing_set_passes if {
	doc := svc({"network_mode": null, "pid": null, "ipc": null, "uts": null, "userns_mode": null})
	count(mcp_cs_010.deny) == 0 with input as doc
}

test_indeterminate_skipped if {
	count(mcp_cs_010.deny) == 0 with input as svc({"pid": {"value": "", "loc": l(3), "indeterminate": true}})
}
