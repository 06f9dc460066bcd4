package mcp_audit.aud.mcp_aud_001_test

import data.mcp_audit.aud.mcp_aud_001
import rego.v1

l := {"file": "compose.yaml", "line": 9, "col": 3, "end_line": 9, "end_col": 4}

test_each_error_reported_at_its_location if {
	rs := mcp_aud_001.deny with input as {"kind": "source_file", "format": "compose", "errors": [{"message": "bad indentation", "loc": l}]}
	some r in rs
	r.loc == l
	contains(r.msg, "bad indentation")
}

test_clean_file if {
	count(mcp_aud_001.deny) == 0 with input as {"kind": "source_file", "format": "dockerfile", "errors": []}
}
