package mcp_audit.cs.mcp_cs_007_test

import data.mcp_audit.cs.mcp_cs_007
import rego.v1

sl := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 11}

kl := {"file": "compose.yaml", "line": 6, "col": 5, "end_line": 6, "end_col": 13}

cap(x, line) := {"value": x, "loc": {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 20}, "indeterminate": false}

svc(drop, add) := {
	"unit": {"name": "fetch-mcp"},
	"service": {"loc": sl, "cap_drop": drop, "cap_add": add, "network_mode": null},
	"raw": {"key_locs": {}},
}

test_no_cap_drop if {
	rs := mcp_cs_007.deny with input as svc([], [])
	count(rs) == 1
	some r in rs
	r.loc == sl
	contains(r.msg, "`cap_drop: [ALL]` is missing")
}

test_partial_cap_drop_points_at_key if {
	inp := object.union(svc([cap("NET_RAW", 7)], []), {"raw": {"key_locs": {"cap_drop": kl}}})
	rs := mcp_cs_007.deny with input as inp
	count(rs) == 1
	some r in rs
	r.loc == kl
	contains(r.msg, "lists only NET_RAW")
}

test_network_mode_none_still_fails if {
	inp := object.union(svc([], []), {"service": {"network_mode": {"value": "none", "loc": kl}}})
	count(mcp_cs_007.deny) == 1 with input as inp
}

test_drop_all_spellings_pass if {
	count(mcp_cs_007.deny) == 0 with input as svc([cap("ALL", 7)], [])
	count(mcp_cs_007.deny) == 0 with input as svc([cap("all", 7)], [])
	count(mcp_cs_007.deny) == 0 with input as svc([cap("CAP_ALL", 7)], [])
}

test_allowlisted_add_backs_pass if {
	count(mcp_cs_007.deny) == 0 with input as svc([cap("ALL", 7)], [cap("NET_BIND_SERVICE", 9), cap("cap_chown", 10), cap("SETUID", 11), cap("SETGID", 12), cap("DAC_OVERRIDE", 13)])
}

test_add_back_outside_allowlist if {
	rs := mcp_cs_007.deny with input as svc([cap("ALL", 7)], [cap("FOWNER", 9), cap("KILL", 10)])
	count(rs) == 2
	some r in rs
	r.evidence.capability == "FOWNER"
}

test_dangerous_and_all_add_backs_left_to_other_rules if {
	count(mcp_cs_007.deny) == 0 with input as svc([cap("ALL", 7)], [cap("SYS_ADMIN", 9), cap("ALL", 10)])
}

test_unresolved_is_indeterminate if {
	count(mcp_cs_007.deny) == 0 with input as svc([{"value": "", "loc": kl, "indeterminate": true}], [])
}
