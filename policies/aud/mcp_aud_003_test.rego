package mcp_audit.aud.mcp_aud_003_test

import data.mcp_audit.aud.mcp_aud_003
import rego.v1

l := {"file": "Dockerfile", "line": 2, "col": 1, "end_line": 2, "end_col": 30}

test_unused if {
	count(mcp_aud_003.deny) == 1 with input as {"suppressions": [{"source": "inline", "rules": ["MCP-DF-001"], "used": 0, "expired": false, "loc": l}]}
}

test_used if {
	count(mcp_aud_003.deny) == 0 with input as {"suppressions": [{"source": "inline", "rules": ["MCP-DF-001"], "used": 2, "expired": false, "loc": l}]}
}

test_expired_waiver_is_reported_by_aud_004_not_here if {
	count(mcp_aud_003.deny) == 0 with input as {"suppressions": [{"source": "waiver", "rules": ["MCP-DF-001"], "used": 0, "expired": true, "loc": l}]}
}

test_a_rule_of_a_multi_rule_comment_that_matches_nothing if {
	s := {"source": "inline", "rules": ["MCP-CS-004", "MCP-K8-001"], "used": 1, "unused_rules": ["MCP-K8-001"], "expired": false, "loc": l}
	rs := mcp_aud_003.deny with input as {"suppressions": [s]}
	count(rs) == 1
	some r in rs
	r.msg == "inline suppression of MCP-CS-004, MCP-K8-001 matches no MCP-K8-001 finding"
	count(mcp_aud_003.deny) == 0 with input as {"suppressions": [object.union(s, {"unused_rules": []})]}
}
