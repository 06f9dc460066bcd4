package mcp_audit.ec.mcp_ec_001_test

import data.mcp_audit.ec.mcp_ec_001
import rego.v1

cl := {"file": "compose.yaml", "line": 5, "col": 5, "end_line": 5, "end_col": 15}

dl := {"file": "Dockerfile", "line": 9, "col": 1, "end_line": 9, "end_col": 9}

test_compose_root_over_dockerfile_user if {
	rs := mcp_ec_001.deny with input as {"unit": {"name": "web"}, "effective": {"user": {"root": true, "value": "root", "source": "compose", "loc": cl, "from": [dl]}}}
	some r in rs
	r.loc == cl
	r.related == [dl]
	contains(r.msg, "compose `user: root`")
}

test_dockerfile_default_root if {
	count(mcp_ec_001.deny) == 1 with input as {"unit": {"name": "web"}, "effective": {"user": {"root": true, "source": "default", "stage": "proxy", "loc": cl}}}
}

test_non_root_passes if {
	count(mcp_ec_001.deny) == 0 with input as {"unit": {"name": "web"}, "effective": {"user": {"root": false, "value": "1000:1000", "source": "compose", "loc": cl}}}
}

test_indeterminate_is_not_a_failure if {
	count(mcp_ec_001.deny) == 0 with input as {"unit": {"name": "web"}, "effective": {"user": {"root": false, "indeterminate": true, "source": "opaque", "loc": cl}}}
}
