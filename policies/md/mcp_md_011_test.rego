package mcp_audit.md.mcp_md_011_test

import data.mcp_audit.md.mcp_md_011
import rego.v1

loc(file, line) := {"file": file, "line": line, "col": 5, "end_line": line, "end_col": 15}

label(v, line) := {"value": v, "loc": loc("compose.yaml", line), "indeterminate": false}

manifest := {"name": "github", "image": "localhost:5000/idp/github-mcp", "governance": {"level": "high"}}

unit(doc, labels, image) := {
	"kind": "compose_service",
	"unit": {"name": "github-mcp", "role": "mcp-server"},
	"service": {"loc": loc("compose.yaml", 2), "labels": labels, "image": image},
	"dockerfile": null,
	"config": {},
	"manifest": {"file": "servers/github/mcp-manifest.json", "loc": loc("servers/github/mcp-manifest.json", 1), "doc": doc},
}

image(v) := {"value": v, "loc": loc("compose.yaml", 4), "indeterminate": false}

agreeing_labels := {"mcp.server": label("github", 6), "mcp.governance.level": label("High", 7)}

findings(doc, labels, img) := rs if {
	rs := mcp_md_011.deny with input as unit(doc, labels, img)
}

test_all_sources_agree if {
	count(findings(manifest, agreeing_labels, image("localhost:5000/idp/github-mcp:1.4.2"))) == 0
	mcp_md_011.applicable with input as unit(manifest, agreeing_labels, image("localhost:5000/idp/github-mcp:1.4.2"))
}

test_name_differs_from_label if {
	rs := findings(manifest, {"mcp.server": label("github-server", 6)}, null)
	count(rs) == 1
	some r in rs
	contains(r.msg, "mcp-manifest.json server name \"github\" differs from label `mcp.server` \"github-server\"")
	r.loc.line == 6
	r.evidence.manifest_file == "servers/github/mcp-manifest.json"
}

test_alias_label_compared if {
	rs := mcp_md_011.deny with input as object.union(unit(manifest, {"com.mcp.type": label("gh", 6)}, null), {"config": {"label_aliases": {"server": ["mcp.server", "com.mcp.type"]}}})
	count(rs) == 1
}

test_label_from_dockerfile_compared if {
	doc := object.union(unit(manifest, {}, null), {"dockerfile": {"labels": {"mcp.server": {"value": "octo", "loc": loc("servers/github/Dockerfile", 3)}}}})
	rs := mcp_md_011.deny with input as doc
	some r in rs
	r.loc.file == "servers/github/Dockerfile"
}

test_governance_level_differs if {
	rs := findings(manifest, {"mcp.governance.level": label("medium", 7)}, null)
	count(rs) == 1
	some r in rs
	contains(r.msg, "governance level \"high\" differs")
}

test_image_repository_differs if {
	rs := findings(manifest, {}, image("ghcr.io/acme/github-mcp:1.4.2"))
	count(rs) == 1
	some r in rs
	contains(r.msg, "image \"localhost:5000/idp/github-mcp\" differs from Compose `image` \"ghcr.io/acme/github-mcp:1.4.2\"")
	r.loc.line == 4
}

test_tags_and_digests_ignored if {
	count(findings(object.union(manifest, {"image": "localhost:5000/idp/github-mcp:1.3.0"}), {}, image("localhost:5000/idp/github-mcp@sha256:0123456789abcdef"))) == 0
	count(findings(object.union(manifest, {"image": "mcp/github"}), {}, image("docker.io/mcp/github:1.0.0"))) == 0
	count(findings(object.union(manifest, {"image": "redis"}), {}, image("docker.io/library/redis:7"))) == 0
}

test_registry_port_is_not_a_tag if {
	count(findings(object.union(manifest, {"image": "localhost:5000/github-mcp"}), {}, image("localhost:5001/github-mcp:1"))) == 1
}

test_indeterminate_values_skipped if {
	labels := {"mcp.server": {"value": "", "indeterminate": true, "loc": loc("compose.yaml", 6)}}
	img := {"value": "", "indeterminate": true, "loc": loc("compose.yaml", 4)}
	count(findings(manifest, labels, img)) == 0
	not mcp_md_011.applicable with input as unit(manifest, labels, img)
}

test_single_source_not_applicable if {
	not mcp_md_011.applicable with input as unit(manifest, {}, null)
	not mcp_md_011.applicable with input as object.union(unit(manifest, agreeing_labels, null), {"manifest": null})
}

test_supporting_service_not_applicable if {
	not mcp_md_011.applicable with input as object.union(unit(manifest, {"mcp.server": label("x", 6)}, null), {"unit": {"role": "supporting-service"}, "manifest": null})
}

catalog(file, name) := {
	"kind": "mcp_metadata",
	"metadata": {"format": "catalog-server", "file": file},
	"doc": {"name": name, "key_locs": {"name": loc(file, 1)}},
}

test_catalog_name_equals_directory if {
	mcp_md_011.applicable with input as catalog("servers/github-official/server.yaml", "github-official")
	count(mcp_md_011.deny) == 0 with input as catalog("servers/github-official/server.yaml", "github-official")
	count(mcp_md_011.deny) == 0 with input as catalog("registry/servers/SQLite/server.yaml", "SQLite")
}

test_catalog_name_differs_from_directory if {
	rs := mcp_md_011.deny with input as catalog("servers/github/server.yaml", "github-official")
	count(rs) == 1
	some r in rs
	contains(r.msg, "is in directory `servers/github/`")
	r.loc.line == 1
}

test_catalog_outside_servers_dir_not_applicable if {
	not mcp_md_011.applicable with input as catalog("pkg/workingset/testdata/server.yaml", "my-mcp")
	not mcp_md_011.applicable with input as {"kind": "mcp_metadata", "metadata": {"format": "registry-server", "file": "servers/x/server.json"}, "doc": {"name": "io.github.a/x"}}
}

server_json(name, images) := {
	"file": "servers/github/server.json",
	"name": name,
	"images": images,
	"loc": loc("servers/github/server.json", 1),
	"doc": {"key_locs": {"name": loc("servers/github/server.json", 2)}},
}

with_server_json(doc, img, sj) := object.union(unit(doc, agreeing_labels, img), {"server_json": sj})

test_server_json_name_differs_from_the_manifest if {
	doc := object.union(manifest, {"serverJsonName": "io.github.acme/github"})
	rs := mcp_md_011.deny with input as with_server_json(doc, null, server_json("io.github.acme/github-mcp", []))
	count(rs) == 1
	some r in rs
	r.msg == "service \"github-mcp\": mcp-manifest.json server.json name \"io.github.acme/github\" differs from servers/github/server.json `name` \"io.github.acme/github-mcp\""
	r.loc.line == 2
}

test_oci_identifier_differs_from_the_compose_image if {
	sj := server_json("io.github.acme/github", ["ghcr.io/acme/github-mcp:1.4.2"])
	rs := mcp_md_011.deny with input as with_server_json(manifest, image("localhost:5000/idp/github-mcp:1.4.2"), sj)
	count(rs) == 1
	some r in rs
	r.msg == "service \"github-mcp\": servers/github/server.json OCI image \"ghcr.io/acme/github-mcp:1.4.2\" differs from Compose `image` \"localhost:5000/idp/github-mcp:1.4.2\""
	r.evidence.manifest_file == "servers/github/server.json"
}

test_server_json_agreeing_or_templated_passes if {
	doc := object.union(manifest, {"serverJsonName": "io.github.acme/github"})
	sj := server_json("io.github.acme/github", ["ghcr.io/acme/other:1.0", "localhost:5000/idp/github-mcp:2.0.0"])
	count(mcp_md_011.deny) == 0 with input as with_server_json(doc, image("localhost:5000/idp/github-mcp:1.4.2"), sj)
	templated := server_json("io.github.acme/github", ["ghcr.io/acme/github-mcp:$VERSION"])
	count(mcp_md_011.deny) == 0 with input as with_server_json(manifest, image("localhost:5000/idp/github-mcp:1"), templated)
	# Without a manifest, the OCI image against the Compose image is still two sources.
	no_manifest := json.remove(with_server_json(manifest, image("localhost:5000/idp/github-mcp:1"), server_json("x", ["ghcr.io/acme/other:1"])), ["manifest"])
	mcp_md_011.applicable with input as no_manifest
	count(mcp_md_011.deny) == 1 with input as no_manifest
}
