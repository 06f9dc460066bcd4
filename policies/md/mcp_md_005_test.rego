package mcp_audit.md.mcp_md_005_test

import data.mcp_audit.md.mcp_md_005
import rego.v1

svc_loc := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9}

label_loc := {"file": "compose.yaml", "line": 5, "col": 9, "end_line": 5, "end_col": 30}

df_loc := {"file": "Dockerfile", "line": 2, "col": 1, "end_line": 2, "end_col": 30}

contact_loc := {"file": "srv/mcp-manifest.json", "line": 6, "col": 41, "end_line": 6, "end_col": 50}

unit(labels, df_labels, manifest) := {
	"unit": {"name": "github-mcp", "role": "mcp-server"},
	"service": {"loc": svc_loc, "labels": labels},
	"dockerfile": {"labels": df_labels},
	"manifest": manifest,
	"config": {},
}

manifest(owner) := {"doc": {
	"owner": object.union(owner, {"key_locs": {"contact": contact_loc}}),
	"key_locs": {},
}}

owner_label(v) := {"mcp.owner": {"value": v, "loc": label_loc}}

test_no_manifest_no_label_fails if {
	rs := mcp_md_005.deny with input as unit({}, {}, null)
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	contains(r.msg, "no mcp-manifest.json")
}

test_manifest_without_owner_fails if {
	rs := mcp_md_005.deny with input as unit({}, {}, {"doc": {"name": "github"}})
	some r in rs
	r.evidence.missing == ["owner.team", "owner.contact"]
}

test_team_without_contact_fails if {
	rs := mcp_md_005.deny with input as unit({}, {}, manifest({"team": "platform"}))
	count(rs) == 1
	some r in rs
	r.evidence.missing == ["owner.contact"]
}

test_empty_label_does_not_count if {
	count(mcp_md_005.deny) == 1 with input as unit(owner_label(""), {}, null)
}

test_contact_not_reachable_fails if {
	rs := mcp_md_005.deny with input as unit({}, {}, manifest({"team": "platform", "contact": "bob"}))
	count(rs) == 1
	some r in rs
	r.loc == contact_loc
}

test_contact_not_reachable_fails_despite_label if {
	count(mcp_md_005.deny) == 1 with input as unit(owner_label("platform"), {}, manifest({"team": "platform", "contact": "#platform"}))
}

test_manifest_owner_with_email_passes if {
	count(mcp_md_005.deny) == 0 with input as unit({}, {}, manifest({"team": "platform", "contact": "platform@example.com"}))
}

test_manifest_owner_with_url_passes if {
	count(mcp_md_005.deny) == 0 with input as unit({}, {}, manifest({"team": "platform", "contact": "https://wiki.example.com/teams/platform"}))
}

test_mailto_passes if {
	count(mcp_md_005.deny) == 0 with input as unit({}, {}, manifest({"team": "platform", "contact": "mailto:platform@example.com"}))
}

test_label_passes_without_manifest if {
	count(mcp_md_005.deny) == 0 with input as unit(owner_label("platform-infra"), {}, null)
}

test_image_label_passes if {
	count(mcp_md_005.deny) == 0 with input as unit({}, {"mcp.owner": {"value": "platform-infra", "loc": df_loc}}, null)
}

test_label_completes_partial_manifest if {
	count(mcp_md_005.deny) == 0 with input as unit(owner_label("platform-infra"), {}, manifest({"team": "platform"}))
}

test_unresolved_label_is_not_a_failure if {
	count(mcp_md_005.deny) == 0 with input as unit({"mcp.owner": {"value": "", "indeterminate": true, "loc": label_loc}}, {}, null)
}
