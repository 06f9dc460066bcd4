package mcp_audit.ec.mcp_ec_004_test

import data.mcp_audit.ec.mcp_ec_004
import rego.v1

cl := {"file": "compose.yaml", "line": 7, "col": 7, "end_line": 7, "end_col": 20}

test_each_indeterminate_control_reported if {
	count(mcp_ec_004.deny) == 2 with input as {"indeterminate": [
		{"control": "memory limit", "reason": "${MEM} is not set", "rules": ["MCP-CS-004"], "loc": cl},
		{"control": "user", "reason": "image is opaque", "rules": ["MCP-EC-001"], "loc": cl},
	]}
}

test_nothing_indeterminate if {
	count(mcp_ec_004.deny) == 0 with input as {"indeterminate": []}
}
