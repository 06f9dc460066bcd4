package mcp_audit.cs.mcp_cs_009_test

import data.mcp_audit.cs.mcp_cs_009
import rego.v1

sl := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 11}

rl := {"file": "compose.yaml", "line": 6, "col": 16, "end_line": 6, "end_col": 21}

svc(ro) := {"unit": {"name": "fetch-mcp"}, "service": {"loc": sl, "read_only": ro}}

test_missing if {
	rs := mcp_cs_009.deny with input as svc(null)
	count(rs) == 1
	some r in rs
	r.loc == sl
}

test_false if {
	rs := mcp_cs_009.deny with input as svc({"value": false, "raw": "false", "loc": rl})
	count(rs) == 1
	some r in rs
	r.loc == rl
	contains(r.msg, "`read_only: false`")
}

test_true_bool_and_string_pass if {
	count(mcp_cs_009.deny) == 0 with input as svc({"value": true, "raw": "true", "loc": rl})
	count(mcp_cs_009.deny) == 0 with input as svc({"value": true, "raw": "\"true\"", "loc": rl})
}

test_unresolved_is_indeterminate if {
	count(mcp_cs_009.deny) == 0 with input as svc({"value": false, "raw": "", "loc": rl})
}

# A value an unset variable leaves non-empty (`${PREFIX}false`) is still undecided.
test_indeterminate_flag_skips_a_written_value if {
	count(mcp_cs_009.deny) == 0 with input as svc({"value": false, "raw": "false", "indeterminate": true, "loc": rl})
}
