package mcp_audit.md.mcp_md_004_test

import data.mcp_audit.md.mcp_md_004
import rego.v1

svc_loc := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9}

manifest_loc := {"file": "srv/mcp-manifest.json", "line": 1, "col": 1, "end_line": 8, "end_col": 2}

level_loc := {"file": "srv/mcp-manifest.json", "line": 4, "col": 19, "end_line": 4, "end_col": 26}

level_error := {"field": "/governance/level", "message": "must be one of \"low\", \"medium\", \"high\"", "loc": level_loc}

name_error := {"field": "/", "message": "required field `name` is missing", "loc": manifest_loc}

service(role, manifest) := {
	"kind": "compose_service",
	"unit": {"name": "orchestrator", "role": role, "dockerfile": "servers/orchestrator/Dockerfile"},
	"service": {"loc": svc_loc, "labels": {}},
	"manifest": manifest,
}

metadata(format, errors) := {
	"kind": "mcp_metadata",
	"unit": {"name": "github", "role": "metadata-file"},
	"metadata": {"format": format, "errors": errors, "loc": manifest_loc},
}

test_missing_manifest_fails if {
	rs := mcp_md_004.deny with input as service("mcp-server", null)
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	contains(r.msg, "servers/orchestrator/Dockerfile")
}

test_missing_manifest_on_opaque_image_fails if {
	inp := object.union(service("hub", null), {"unit": {"dockerfile": null}})
	rs := mcp_md_004.deny with input as inp
	some r in rs
	contains(r.msg, "not built from a Dockerfile")
}

test_invalid_manifest_fails_on_the_service if {
	rs := mcp_md_004.deny with input as service("mcp-server", {"errors": [level_error, name_error]})
	count(rs) == 2
	some r in rs
	r.loc == level_loc
	r.msg == "mcp-manifest.json is invalid at `/governance/level`: must be one of \"low\", \"medium\", \"high\""
}

test_root_error_has_no_field if {
	rs := mcp_md_004.deny with input as metadata("mcp-manifest", [name_error])
	some r in rs
	r.msg == "mcp-manifest.json is invalid: required field `name` is missing"
}

test_same_finding_for_file_and_service if {
	a := mcp_md_004.deny with input as metadata("mcp-manifest", [level_error])
	b := mcp_md_004.deny with input as service("mcp-server", {"errors": [level_error]})
	a == b
}

test_valid_manifest_passes if {
	count(mcp_md_004.deny) == 0 with input as service("mcp-server", {"errors": []})
	count(mcp_md_004.deny) == 0 with input as metadata("mcp-manifest", [])
}

test_applicability if {
	mcp_md_004.applicable with input as service("mcp-server", null)
	mcp_md_004.applicable with input as service("hub", null)
	mcp_md_004.applicable with input as metadata("mcp-manifest", [])
	not mcp_md_004.applicable with input as service("supporting-service", null)
	not mcp_md_004.applicable with input as metadata("registry-server", [])
	not mcp_md_004.applicable with input as metadata("catalog-server", [])
}

test_missing_manifest_names_every_place_looked if {
	inp := object.union(service("mcp-server", null), {"config": {"manifest_paths": ["**/servers/{name}/mcp-manifest.json", "meta/{name}.json"]}})
	rs := mcp_md_004.deny with input as inp
	some r in rs
	r.msg == "service \"orchestrator\" has no mcp-manifest.json beside its Dockerfile servers/orchestrator/Dockerfile, in its build context, or at `**/servers/orchestrator/mcp-manifest.json` or `meta/orchestrator.json`"
}

test_missing_manifest_named_by_label if {
	label := {"value": "manifests/orchestrator.json", "loc": svc_loc}
	inp := object.union(service("mcp-server", null), {"service": {"build": {"labels": {"mcp.manifest": label}}}})
	rs := mcp_md_004.deny with input as inp
	some r in rs
	endswith(r.msg, "; its `mcp.manifest` label names \"manifests/orchestrator.json\", which cannot be read as one")
}
