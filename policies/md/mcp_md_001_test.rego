package mcp_audit.md.mcp_md_001_test

import data.mcp_audit.md.mcp_md_001
import rego.v1

svc_loc := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9}

label_loc := {"file": "compose.yaml", "line": 5, "col": 9, "end_line": 5, "end_col": 30}

df_loc := {"file": "Dockerfile", "line": 2, "col": 1, "end_line": 2, "end_col": 30}

unit(role, labels, df_labels) := {
	"unit": {"name": "github-mcp", "role": role},
	"service": {"loc": svc_loc, "labels": labels},
	"dockerfile": {"labels": df_labels},
	"config": {},
}

test_no_label_fails if {
	rs := mcp_md_001.deny with input as unit("mcp-server", {}, {})
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	contains(r.msg, "`mcp.server`")
}

test_hub_without_label_fails if {
	rs := mcp_md_001.deny with input as unit("hub", {}, {})
	some r in rs
	startswith(r.msg, "hub ")
}

test_opaque_image_without_label_fails if {
	count(mcp_md_001.deny) == 1 with input as object.union(unit("mcp-server", {}, {}), {"dockerfile": null})
}

test_empty_label_fails if {
	rs := mcp_md_001.deny with input as unit("mcp-server", {"mcp.server": {"value": " ", "loc": label_loc}}, {})
	some r in rs
	r.loc == label_loc
}

test_empty_service_label_overrides_image_label if {
	count(mcp_md_001.deny) == 1 with input as unit(
		"mcp-server",
		{"mcp.server": {"value": "", "loc": label_loc}},
		{"mcp.server": {"value": "github", "loc": df_loc}},
	)
}

test_service_label_passes if {
	count(mcp_md_001.deny) == 0 with input as unit("mcp-server", {"mcp.server": {"value": "github", "loc": label_loc}}, {})
}

test_alias_passes if {
	count(mcp_md_001.deny) == 0 with input as unit("hub", {"com.mcp.type": {"value": "gateway", "loc": label_loc}}, {})
}

test_configured_alias_only if {
	inp := object.union(
		unit("mcp-server", {"com.mcp.type": {"value": "github", "loc": label_loc}}, {}),
		{"config": {"label_aliases": {"server": ["mcp.server"]}}},
	)
	count(mcp_md_001.deny) == 1 with input as inp
}

test_dockerfile_label_only_passes if {
	count(mcp_md_001.deny) == 0 with input as unit("mcp-server", {}, {"mcp.server": {"value": "github", "loc": df_loc}})
}

test_stringified_number_passes if {
	count(mcp_md_001.deny) == 0 with input as unit("mcp-server", {"mcp.server": {"value": "1", "loc": label_loc}}, {})
}

test_unresolved_label_is_not_a_failure if {
	count(mcp_md_001.deny) == 0 with input as unit("mcp-server", {"mcp.server": {"value": "", "indeterminate": true, "loc": label_loc}}, {})
}

test_applicable_to_servers_and_hubs if {
	mcp_md_001.applicable with input as unit("mcp-server", {}, {})
	mcp_md_001.applicable with input as unit("hub", {}, {})
}

test_not_applicable_to_supporting_services if {
	not mcp_md_001.applicable with input as unit("supporting-service", {}, {})
}

test_identity_claimed_by_two_services if {
	d := object.union(unit("mcp-server", {"mcp.server": {"value": "github", "loc": label_loc}}, {}), {"project": {"server_identities_claimed_twice": {"github": ["github-mcp", "github-mcp-v2"]}}})
	rs := mcp_md_001.deny with input as d
	[r.msg | some r in rs] == ["service \"github-mcp\" claims server identity `mcp.server=github`, which service \"github-mcp-v2\" claims too"]
	[r.loc | some r in rs] == [label_loc]
	other := object.union(unit("mcp-server", {"mcp.server": {"value": "github", "loc": label_loc}}, {}), {"project": {"server_identities_claimed_twice": {"gitlab": ["a", "b"]}}})
	count(mcp_md_001.deny) == 0 with input as other
}
