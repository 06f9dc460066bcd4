package mcp_audit.ec.mcp_ec_002_test

import data.mcp_audit.ec.mcp_ec_002
import rego.v1

cl := {"file": "compose.yaml", "line": 7, "col": 7, "end_line": 7, "end_col": 20}

test_disabled_healthcheck_denied if {
	rs := mcp_ec_002.deny with input as {"unit": {"name": "s"}, "service": {}, "effective": {"healthcheck": {"present": false, "source": "compose", "reason": "`healthcheck.disable: true` cancels the image HEALTHCHECK", "loc": cl}}}
	some r in rs
	r.loc == cl
	contains(r.msg, "disable")
}

test_inherited_from_dockerfile_passes if {
	count(mcp_ec_002.deny) == 0 with input as {"unit": {"name": "s"}, "service": {}, "effective": {"healthcheck": {"present": true, "source": "dockerfile", "loc": cl}}}
}

test_indeterminate_not_denied if {
	count(mcp_ec_002.deny) == 0 with input as {"unit": {"name": "s"}, "service": {}, "effective": {"healthcheck": {"present": false, "indeterminate": true, "source": "opaque", "loc": cl}}}
}

test_one_shot_not_denied if {
	count(mcp_ec_002.deny) == 0 with input as {"unit": {"name": "s"}, "service": {"one_shot": true}, "effective": {"healthcheck": {"present": false, "source": "none", "reason": "x", "loc": cl}}}
}

job(v) := {"unit": {"name": "s"}, "service": {"labels": {"mcp.job": {"value": v}}}, "effective": {"healthcheck": {"present": false, "source": "none", "reason": "x", "loc": cl}}}

test_job_label_not_denied if {
	count(mcp_ec_002.deny) == 0 with input as job("True")
	count(mcp_ec_002.deny) == 1 with input as job("false")
}
