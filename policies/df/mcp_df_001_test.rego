package mcp_audit.df.mcp_df_001_test

import data.mcp_audit.df.mcp_df_001
import rego.v1

loc := {"file": "Dockerfile", "line": 3, "col": 1, "end_line": 3, "end_col": 10}

test_user_root_denied if {
	count(mcp_df_001.deny) == 1 with input as {"kind": "dockerfile", "dockerfile": {"target": {"name": "runtime"}, "user": {"root": true, "source": "USER", "value": "root", "stage": "runtime", "loc": loc}}}
}

test_missing_user_denied_at_target if {
	rs := mcp_df_001.deny with input as {"kind": "dockerfile", "dockerfile": {"target": {"name": "app"}, "user": {"root": true, "source": "default", "stage": "app", "loc": loc}}}
	some r in rs
	r.loc == loc
	contains(r.msg, "no USER")
}

test_non_root_user_allowed if {
	count(mcp_df_001.deny) == 0 with input as {"kind": "dockerfile", "dockerfile": {"target": {"name": "runtime"}, "user": {"root": false, "source": "USER", "value": "mcp", "stage": "base", "loc": loc}}}
}

test_nonroot_base_allowed if {
	count(mcp_df_001.deny) == 0 with input as {"kind": "dockerfile", "dockerfile": {"target": {"name": "0"}, "user": {"root": false, "source": "base-image", "loc": loc}}}
}

test_indeterminate_user_not_denied if {
	count(mcp_df_001.deny) == 0 with input as {"kind": "dockerfile", "dockerfile": {"target": {"name": "0"}, "user": {"root": false, "indeterminate": true, "source": "USER", "value": "${UID}", "loc": loc}}}
}
