package mcp_audit.cs.mcp_cs_008_test

import data.mcp_audit.cs.mcp_cs_008
import rego.v1

cap(x, line) := {"value": x, "loc": {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 20}, "indeterminate": false}

svc(add) := {"unit": {"name": "metamcp-mcp"}, "service": {"cap_add": add}}

test_each_dangerous_capability if {
	every name, _ in mcp_cs_008.dangerous {
		count(mcp_cs_008.deny) == 1 with input as svc([cap(name, 5)])
	}
}

test_spellings if {
	count(mcp_cs_008.deny) == 1 with input as svc([cap("cap_sys_admin", 5)])
	count(mcp_cs_008.deny) == 1 with input as svc([cap("CAP_NET_RAW", 5)])
	count(mcp_cs_008.deny) == 1 with input as svc([cap("net_admin", 5)])
}

test_one_finding_per_capability if {
	rs := mcp_cs_008.deny with input as svc([cap("SYS_ADMIN", 5), cap("NET_ADMIN", 6)])
	count(rs) == 2
	some r in rs
	r.loc.line == 6
	contains(r.msg, "adds capability NET_ADMIN")
}

test_safe_add_backs_pass if {
	count(mcp_cs_008.deny) == 0 with input as svc([cap("NET_BIND_SERVICE", 5), cap("CHOWN", 6), cap("SETUID", 7)])
}

test_allowed_capabilities_from_the_config if {
	d := object.union(svc([cap("NET_RAW", 5), cap("SYS_ADMIN", 6)]), {"config": {"allowed_capabilities": ["cap_net_raw"]}})
	rs := mcp_cs_008.deny with input as d
	count(rs) == 1
	some r in rs
	r.evidence.capability == "SYS_ADMIN"
}

test_all_is_cs_001s if {
	count(mcp_cs_008.deny) == 0 with input as svc([cap("ALL", 5)])
}

test_unresolved_is_indeterminate if {
	count(mcp_cs_008.deny) == 0 with input as svc([{"value": "", "loc": {"file": "compose.yaml", "line": 5}, "indeterminate": true}])
}
