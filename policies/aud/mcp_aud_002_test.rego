package mcp_audit.aud.mcp_aud_002_test

import data.mcp_audit.aud.mcp_aud_002
import rego.v1

l := {"file": "compose.yaml", "line": 3, "col": 5, "end_line": 3, "end_col": 40}

test_missing_reason if {
	rs := mcp_aud_002.deny with input as {"suppressions": [{"rules": ["MCP-CS-004"], "reason": null, "used": 1, "loc": l}]}
	some r in rs
	r.loc == l
	contains(r.msg, "MCP-CS-004")
}

test_reason_given if {
	count(mcp_aud_002.deny) == 0 with input as {"suppressions": [{"rules": ["MCP-CS-004"], "reason": "set by the platform", "used": 1, "loc": l}]}
}
