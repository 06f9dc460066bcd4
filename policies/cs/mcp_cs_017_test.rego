package mcp_audit.cs.mcp_cs_017_test

import data.mcp_audit.cs.mcp_cs_017
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 5, "end_line": line, "end_col": 20}

val(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

doc(role, service, raw) := {
	"unit": {"name": "github-mcp", "role": role},
	"service": object.union({"name": "github-mcp", "loc": l(2), "restart": null, "labels": {}, "one_shot": false}, service),
	"raw": raw,
}

server(service, raw) := doc("mcp-server", service, raw)

findings(d) := rs if {
	rs := mcp_cs_017.deny with input as d
}

deploy_policy(condition) := {"deploy": {"restart_policy": {"condition": condition, "key_locs": {"condition": l(9)}}}}

test_applicable_to_mcp_server if {
	mcp_cs_017.applicable with input as server({}, {})
}

test_applicable_to_hub if {
	mcp_cs_017.applicable with input as doc("hub", {}, {})
}

test_not_applicable_to_supporting_service if {
	not mcp_cs_017.applicable with input as doc("supporting-service", {}, {})
}

test_not_applicable_to_one_shot_job if {
	not mcp_cs_017.applicable with input as server({"one_shot": true, "restart": val("no", 3)}, {})
}

test_not_applicable_to_job_label if {
	not mcp_cs_017.applicable with input as server({"labels": {"mcp.job": val("true", 5)}}, {})
}

test_no_restart if {
	rs := findings(server({}, {}))
	count(rs) == 1
	some r in rs
	r.loc == l(2)
}

test_restart_no_on_long_running_service if {
	rs := findings(server({"restart": val("no", 3)}, {}))
	count(rs) == 1
	some r in rs
	r.loc == l(3)
}

test_deploy_condition_none if {
	rs := findings(server({}, deploy_policy("none")))
	count(rs) == 1
	some r in rs
	r.loc == l(9)
}

test_unless_stopped_passes if {
	count(findings(server({"restart": val("unless-stopped", 3)}, {}))) == 0
}

test_always_passes if {
	count(findings(server({"restart": val("always", 3)}, {}))) == 0
}

test_on_failure_with_count_passes if {
	count(findings(server({"restart": val("on-failure:5", 3)}, {}))) == 0
}

test_deploy_restart_policy_passes if {
	count(findings(server({}, deploy_policy("on-failure")))) == 0
}

test_deploy_restart_policy_default_condition_passes if {
	count(findings(server({}, {"deploy": {"restart_policy": {"max_attempts": 3}}}))) == 0
}

test_indeterminate_restart_skipped if {
	count(findings(server({"restart": {"value": "", "loc": l(3), "indeterminate": true}}, {}))) == 0
}
