package mcp_audit.cs.mcp_cs_004_test

import data.mcp_audit.cs.mcp_cs_004
import rego.v1

l := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 6}

test_missing_limit if {
	count(mcp_cs_004.deny) == 1 with input as {"unit": {"name": "a"}, "effective": {"memory_limit": {"set": false, "loc": l}}}
}

test_reservation_only_mentioned if {
	rs := mcp_cs_004.deny with input as {"unit": {"name": "a"}, "effective": {"memory_limit": {"set": false, "reservation_only": true, "loc": l}}}
	some r in rs
	contains(r.msg, "reservation")
}

test_zero_limit if {
	count(mcp_cs_004.deny) == 1 with input as {"unit": {"name": "a"}, "effective": {"memory_limit": {"set": true, "valid": false, "value": "0", "loc": l}}}
}

test_valid_limit if {
	count(mcp_cs_004.deny) == 0 with input as {"unit": {"name": "a"}, "effective": {"memory_limit": {"set": true, "valid": true, "value": "1g", "loc": l}}}
}

test_indeterminate_limit if {
	count(mcp_cs_004.deny) == 0 with input as {"unit": {"name": "a"}, "effective": {"memory_limit": {"set": true, "indeterminate": true, "value": "", "loc": l}}}
}
