package mcp_audit.df.mcp_df_002_test

import data.mcp_audit.df.mcp_df_002
import rego.v1

loc := {"file": "Dockerfile", "line": 1, "col": 1, "end_line": 1, "end_col": 5}

test_missing_healthcheck_denied if {
	count(mcp_df_002.deny) == 1 with input as {"dockerfile": {"target": {"name": "app"}, "healthcheck": {"present": false, "none": false, "loc": loc}}}
}

test_healthcheck_none_denied if {
	rs := mcp_df_002.deny with input as {"dockerfile": {"target": {"name": "app"}, "healthcheck": {"present": false, "none": true, "loc": loc}}}
	some r in rs
	contains(r.msg, "NONE")
}

test_inherited_healthcheck_allowed if {
	count(mcp_df_002.deny) == 0 with input as {"dockerfile": {"target": {"name": "runtime"}, "healthcheck": {"present": true, "none": false, "stage": "base", "loc": loc}}}
}

test_no_dockerfile_no_finding if {
	count(mcp_df_002.deny) == 0 with input as {"kind": "compose_service"}
}

test_stdio_only_standalone_image_is_not_applicable if {
	not mcp_df_002.applicable with input as {"kind": "dockerfile", "stdio": {"file": "mcp-manifest.json"}}
	mcp_df_002.applicable with input as {"kind": "dockerfile"}
}
