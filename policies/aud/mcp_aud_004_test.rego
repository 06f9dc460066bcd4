package mcp_audit.aud.mcp_aud_004_test

import data.mcp_audit.aud.mcp_aud_004
import rego.v1

l := {"file": ".mcp-audit.yaml", "line": 3, "col": 5, "end_line": 6, "end_col": 1}

test_expired if {
	rs := mcp_aud_004.deny with input as {"suppressions": [{"source": "waiver", "rules": ["MCP-SC-001"], "expired": true, "expires": "2025-01-31", "loc": l}]}
	some r in rs
	contains(r.msg, "2025-01-31")
}

test_valid if {
	count(mcp_aud_004.deny) == 0 with input as {"suppressions": [{"source": "waiver", "rules": ["MCP-SC-001"], "expired": false, "expires": "2999-01-31", "loc": l}]}
}
