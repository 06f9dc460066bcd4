package mcp_audit.md.common_test

import data.mcp_audit.md.common
import rego.v1

manifest_loc := {"file": "mcp-manifest.json", "line": 1, "col": 1, "end_line": 9, "end_col": 2}

review_loc := {"file": "mcp-manifest.json", "line": 4, "col": 3, "end_line": 4, "end_col": 11}

cycle_loc := {"file": "mcp-manifest.json", "line": 4, "col": 15, "end_line": 4, "end_col": 22}

doc := {
	"review": {"cycle": "weekly", "key_locs": {"cycle": cycle_loc}},
	"owner": "platform",
	"key_locs": {"review": review_loc, "owner": review_loc},
}

inp := {"manifest": {"doc": doc, "loc": manifest_loc}}

test_manifest_node_points_at_the_key if {
	n := common.manifest_node(["review", "cycle"]) with input as inp
	n == {"loc": cycle_loc}
}

test_manifest_node_falls_back_to_the_enclosing_key if {
	a := common.manifest_node(["review", "lastReviewed"]) with input as inp
	a == {"loc": review_loc}
	b := common.manifest_node(["owner", "contact"]) with input as inp
	b == {"loc": review_loc}
}

test_manifest_node_falls_back_to_the_manifest if {
	n := common.manifest_node(["security", "patchSlaDays"]) with input as inp
	n.loc == manifest_loc
}

test_manifest_value if {
	v := common.manifest_value(["review", "cycle"]) with input as inp
	v == "weekly"
	not common.manifest_value(["review", "lastReviewed"]) with input as inp
}

test_has_manifest if {
	common.has_manifest with input as inp
	not common.has_manifest with input as {"manifest": null}
	not common.has_manifest with input as {}
}

test_days_between if {
	common.days_between("2025-10-31", "2026-01-31") == 92
	common.days_between("2026-02-01", "2026-01-31") == -1
	not common.days_between("2025-02-30", "2026-01-31")
	not common.days_between("31/01/2026", "2026-01-31")
}

test_label_precedence if {
	l := common.label("mcp.server") with input as {
		"service": {"labels": {"mcp.server": {"value": "", "loc": review_loc}}},
		"dockerfile": {"labels": {"mcp.server": {"value": "github", "loc": cycle_loc}}},
	}
	l.value == ""
	d := common.label("mcp.server") with input as {"service": {"labels": {}}, "dockerfile": {"labels": {"mcp.server": {"value": "github", "loc": cycle_loc}}}}
	d.value == "github"
	not common.label("mcp.server") with input as {"service": {"labels": {}}, "dockerfile": null}
	b := common.label("mcp.server") with input as {
		"service": {"labels": {}, "build": {"labels": {"mcp.server": {"value": "notes", "loc": review_loc}}}},
		"dockerfile": {"labels": {"mcp.server": {"value": "github", "loc": cycle_loc}}},
	}
	b.value == "notes"
}

test_server_unit if {
	common.server_unit with input as {"unit": {"role": "mcp-server"}, "manifest": null}
	common.server_unit with input as {"unit": {"role": "hub"}, "manifest": null}
	common.server_unit with input as {"unit": {"role": "supporting-service"}, "manifest": {"doc": {}}}
	not common.server_unit with input as {"unit": {"role": "supporting-service"}, "manifest": null}
}
