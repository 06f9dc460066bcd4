package mcp_audit.md.mcp_md_003_test

import data.mcp_audit.md.mcp_md_003
import rego.v1

svc_loc := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9}

label_loc := {"file": "compose.yaml", "line": 5, "col": 9, "end_line": 5, "end_col": 30}

level_loc := {"file": "compose.yaml", "line": 6, "col": 9, "end_line": 6, "end_col": 30}

df_loc := {"file": "Dockerfile", "line": 2, "col": 1, "end_line": 2, "end_col": 30}

audit_loc := {"file": "srv/mcp-manifest.json", "line": 4, "col": 38, "end_line": 4, "end_col": 45}

driver_loc := {"file": "compose.yaml", "line": 9, "col": 15, "end_line": 9, "end_col": 19}

unit(labels, df_labels, manifest) := {
	"unit": {"name": "filesystem-mcp", "role": "mcp-server"},
	"service": {"loc": svc_loc, "labels": labels, "logging": null},
	"dockerfile": {"labels": df_labels},
	"manifest": manifest,
	"config": {},
}

manifest(governance) := {"doc": {
	"governance": object.union(governance, {"key_locs": {"audit": audit_loc}}),
	"key_locs": {},
}}

audit_label(v) := {"mcp.governance.audit": {"value": v, "loc": label_loc}}

high := {"mcp.governance.level": {"value": "high", "loc": level_loc}}

with_logging(inp, driver) := object.union(inp, {"service": {"logging": {"driver": {"value": driver, "loc": driver_loc}}}})

test_absent_fails if {
	rs := mcp_md_003.deny with input as unit({}, {}, null)
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	not r.evidence.level
}

test_absent_on_high_level_server_is_escalated if {
	rs := mcp_md_003.deny with input as unit(high, {}, null)
	some r in rs
	r.evidence.level == "high"
	contains(r.msg, "severity HIGH")
}

test_manifest_level_high_is_escalated if {
	rs := mcp_md_003.deny with input as unit({}, {}, manifest({"level": "high"}))
	some r in rs
	r.evidence.escalated_severity == "HIGH"
}

test_label_false_fails if {
	rs := mcp_md_003.deny with input as unit(audit_label("false"), {}, null)
	count(rs) == 1
	some r in rs
	r.loc == label_loc
}

test_manifest_false_fails if {
	rs := mcp_md_003.deny with input as unit({}, {}, manifest({"audit": false}))
	count(rs) == 1
	some r in rs
	r.loc == audit_loc
}

test_label_false_fails_despite_manifest_true if {
	rs := mcp_md_003.deny with input as unit(audit_label("false"), {}, manifest({"audit": true}))
	count(rs) == 1
	some r in rs
	r.evidence.source == "label"
}

test_empty_label_fails if {
	rs := mcp_md_003.deny with input as unit(audit_label(""), {}, null)
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
}

test_label_true_passes if {
	count(mcp_md_003.deny) == 0 with input as unit(audit_label("true"), {}, null)
}

test_label_true_is_case_insensitive if {
	count(mcp_md_003.deny) == 0 with input as unit(audit_label("True"), {}, null)
}

test_image_label_passes if {
	count(mcp_md_003.deny) == 0 with input as unit({}, {"mcp.governance.audit": {"value": "true", "loc": df_loc}}, null)
}

test_manifest_true_passes if {
	count(mcp_md_003.deny) == 0 with input as unit({}, {}, manifest({"audit": true}))
}

test_unresolved_label_is_not_a_failure if {
	count(mcp_md_003.deny) == 0 with input as unit({"mcp.governance.audit": {"value": "", "indeterminate": true, "loc": label_loc}}, {}, null)
}

test_logging_none_fails if {
	rs := mcp_md_003.deny with input as with_logging(unit(audit_label("true"), {}, null), "none")
	count(rs) == 1
	some r in rs
	r.loc == driver_loc
}

test_logging_driver_passes if {
	count(mcp_md_003.deny) == 0 with input as with_logging(unit(audit_label("true"), {}, null), "fluentd")
}

test_logging_none_without_audit_reports_missing_audit_only if {
	rs := mcp_md_003.deny with input as with_logging(unit({}, {}, null), "none")
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
}
