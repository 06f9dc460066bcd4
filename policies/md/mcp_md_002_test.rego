package mcp_audit.md.mcp_md_002_test

import data.mcp_audit.md.mcp_md_002
import rego.v1

svc_loc := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9}

label_loc := {"file": "compose.yaml", "line": 5, "col": 9, "end_line": 5, "end_col": 30}

df_loc := {"file": "Dockerfile", "line": 2, "col": 1, "end_line": 2, "end_col": 30}

level_loc := {"file": "srv/mcp-manifest.json", "line": 4, "col": 19, "end_line": 4, "end_col": 26}

unit(labels, df_labels, manifest) := {
	"unit": {"name": "github-mcp", "role": "mcp-server"},
	"service": {"loc": svc_loc, "labels": labels},
	"dockerfile": {"labels": df_labels},
	"manifest": manifest,
	"config": {},
}

manifest(level) := {"doc": {
	"governance": {"level": level, "key_locs": {"level": level_loc}},
	"key_locs": {},
}}

level_label(v) := {"mcp.governance.level": {"value": v, "loc": label_loc}}

test_absent_everywhere_fails if {
	rs := mcp_md_002.deny with input as unit({}, {}, null)
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	r.evidence.manifest == false
}

test_manifest_without_level_fails if {
	rs := mcp_md_002.deny with input as unit({}, {}, {"doc": {"governance": {"audit": true}}})
	count(rs) == 1
	some r in rs
	r.evidence.manifest == true
}

test_invalid_label_fails if {
	rs := mcp_md_002.deny with input as unit(level_label("critical"), {}, null)
	count(rs) == 1
	some r in rs
	r.loc == label_loc
	contains(r.msg, "\"critical\"")
}

test_invalid_label_fails_even_with_valid_manifest if {
	rs := mcp_md_002.deny with input as unit(level_label("critical"), {}, manifest("high"))
	count(rs) == 1
	some r in rs
	r.loc == label_loc
}

test_invalid_manifest_level_fails if {
	rs := mcp_md_002.deny with input as unit({}, {}, manifest("urgent"))
	count(rs) == 1
	some r in rs
	r.loc == level_loc
	r.evidence.source == "manifest"
}

test_non_string_manifest_level_fails if {
	count(mcp_md_002.deny) == 1 with input as unit({}, {}, manifest(3))
}

test_empty_label_fails if {
	rs := mcp_md_002.deny with input as unit(level_label(""), {}, null)
	count(rs) == 1
	some r in rs
	r.loc == label_loc
	contains(r.msg, "empty")
}

test_unresolved_label_fails if {
	rs := mcp_md_002.deny with input as unit({"mcp.governance.level": {"value": "", "indeterminate": true, "loc": label_loc}}, {}, null)
	count(rs) == 1
	some r in rs
	contains(r.msg, "unresolved")
	r.evidence.unresolved == true
}

test_unresolved_label_with_valid_manifest_passes if {
	count(mcp_md_002.deny) == 0 with input as unit({"mcp.governance.level": {"value": "", "indeterminate": true, "loc": label_loc}}, {}, manifest("low"))
}

test_valid_label_passes if {
	count(mcp_md_002.deny) == 0 with input as unit(level_label("medium"), {}, null)
}

test_label_is_case_insensitive if {
	count(mcp_md_002.deny) == 0 with input as unit(level_label("HIGH"), {}, null)
}

test_image_label_passes if {
	count(mcp_md_002.deny) == 0 with input as unit({}, {"mcp.governance.level": {"value": "low", "loc": df_loc}}, null)
}

test_valid_manifest_passes if {
	count(mcp_md_002.deny) == 0 with input as unit({}, {}, manifest("medium"))
}

test_not_applicable_to_supporting_services if {
	not mcp_md_002.applicable with input as object.union(unit({}, {}, null), {"unit": {"role": "supporting-service"}})
}
