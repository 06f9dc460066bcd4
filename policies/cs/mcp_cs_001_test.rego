package mcp_audit.cs.mcp_cs_001_test

import data.mcp_audit.cs.mcp_cs_001
import rego.v1

l := {"file": "compose.yaml", "line": 4, "col": 5, "end_line": 4, "end_col": 21}

test_privileged_true if {
	count(mcp_cs_001.deny) == 1 with input as {"unit": {"name": "a"}, "service": {"privileged": {"value": true, "loc": l}, "cap_add": [], "devices": []}}
}

test_privileged_false if {
	count(mcp_cs_001.deny) == 0 with input as {"unit": {"name": "a"}, "service": {"privileged": {"value": false, "loc": l}, "cap_add": [], "devices": []}}
}

test_cap_add_all_any_spelling if {
	count(mcp_cs_001.deny) == 2 with input as {"unit": {"name": "a"}, "service": {"cap_add": [{"value": "ALL", "loc": l}, {"value": "cap_all", "loc": object.union(l, {"line": 5})}, {"value": "NET_BIND_SERVICE", "loc": l}], "devices": []}}
}

test_raw_device if {
	rs := mcp_cs_001.deny with input as {"unit": {"name": "a"}, "service": {"cap_add": [], "devices": [{"host": "/dev/sda", "value": "/dev/sda:/dev/sda", "loc": l}]}}
	some r in rs
	r.loc == l
}
