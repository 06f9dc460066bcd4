package mcp_audit.md.mcp_md_012_test

import data.mcp_audit.md.mcp_md_012
import rego.v1

loc(file, line) := {"file": file, "line": line, "col": 1, "end_line": line, "end_col": 20}

df(labels) := {
	"file": "servers/github/Dockerfile",
	"target": {"index": 1, "name": "runtime", "loc": loc("servers/github/Dockerfile", 5)},
	"labels": labels,
}

unit(dockerfile, raw_build, manifest_doc) := {
	"unit": {"name": "github-mcp", "role": "mcp-server"},
	"service": {"loc": loc("compose.yaml", 2), "labels": {}},
	"dockerfile": dockerfile,
	"raw": {"build": raw_build},
	"manifest": {"file": "servers/github/mcp-manifest.json", "loc": loc("servers/github/mcp-manifest.json", 1), "doc": manifest_doc},
}

linked := {"name": "github", "serverJsonName": "io.github.acme/github-mcp"}

owner_label(v) := {"io.modelcontextprotocol.server.name": {"value": v, "loc": loc("servers/github/Dockerfile", 3)}}

findings(i) := rs if {
	rs := mcp_md_012.deny with input as i
}

test_label_matches if {
	i := unit(df(owner_label("io.github.acme/github-mcp")), "./servers/github", linked)
	mcp_md_012.applicable with input as i
	count(findings(i)) == 0
}

test_label_missing if {
	rs := findings(unit(df({}), "./servers/github", linked))
	count(rs) == 1
	some r in rs
	contains(r.msg, `is published as "io.github.acme/github-mcp" but its image (target stage runtime of servers/github/Dockerfile) has no`)
	r.loc.line == 5
}

test_label_differs if {
	rs := findings(unit(df(owner_label("io.github.acme/github")), "./servers/github", linked))
	count(rs) == 1
	some r in rs
	contains(r.msg, "differs from `serverJsonName`")
	r.loc.line == 3
}

test_build_label_overrides_dockerfile if {
	build := {
		"context": "./servers/github",
		"labels": {"io.modelcontextprotocol.server.name": "io.github.acme/github-mcp", "key_locs": {"io.modelcontextprotocol.server.name": loc("compose.yaml", 6)}},
	}
	count(findings(unit(df(owner_label("io.github.acme/old-name")), build, linked))) == 0
	bad := object.union(build, {"labels": {"io.modelcontextprotocol.server.name": "io.github.acme/other"}})
	rs := findings(unit(df({}), bad, linked))
	count(rs) == 1
	some r in rs
	r.loc.file == "compose.yaml"
}

test_build_label_list_form if {
	build := {"context": "./servers/github", "labels": ["io.modelcontextprotocol.server.name=io.github.acme/github-mcp"]}
	count(findings(unit(df({}), build, linked))) == 0
	wrong := {"context": "./servers/github", "labels": ["io.modelcontextprotocol.server.name=acme-github"]}
	count(findings(unit(df({}), wrong, linked))) == 1
}

test_indeterminate_label_skipped if {
	l := {"io.modelcontextprotocol.server.name": {"value": "", "indeterminate": true, "loc": loc("servers/github/Dockerfile", 3)}}
	count(findings(unit(df(l), "./servers/github", linked))) == 0
}

test_not_applicable_without_registry_link if {
	not mcp_md_012.applicable with input as unit(df({}), "./servers/github", {"name": "github"})
	not mcp_md_012.applicable with input as object.union(unit(df({}), "./servers/github", linked), {"manifest": null})
}

test_not_applicable_for_opaque_image if {
	not mcp_md_012.applicable with input as unit(null, null, linked)
	count(findings(unit(null, null, linked))) == 0
}

# --- registry server.json units (the Dockerfile linked in `input.oci`)

server_json(name, dockerfile, build) := {
	"kind": "mcp_metadata",
	"unit": {"name": name, "role": "metadata-file"},
	"metadata": {"format": "registry-server", "name": name, "images": ["ghcr.io/acme/github-mcp:1.4.2"], "loc": loc("server.json", 1)},
	"oci": {"identifier": "ghcr.io/acme/github-mcp:1.4.2", "file": "Dockerfile", "via": "Dockerfile beside server.json", "build": build, "dockerfile": dockerfile},
}

test_server_json_label_matches if {
	count(findings(server_json("io.github.acme/github-mcp", df(owner_label("io.github.acme/github-mcp")), {"labels": null}))) == 0
}

test_server_json_label_missing if {
	rs := findings(server_json("io.github.acme/github-mcp", df({}), {"labels": null}))
	count(rs) == 1
	some r in rs
	r.loc == loc("servers/github/Dockerfile", 5)
	contains(r.msg, "ghcr.io/acme/github-mcp:1.4.2")
	r.evidence.via == "Dockerfile beside server.json"
}

test_server_json_label_differs if {
	rs := findings(server_json("io.github.acme/github-mcp", df(owner_label("io.github.acme/github")), {"labels": null}))
	count(rs) == 1
	some r in rs
	r.loc == loc("servers/github/Dockerfile", 3)
	r.evidence.label == "io.github.acme/github"
}

test_server_json_compose_build_label_wins if {
	build := {"labels": ["io.modelcontextprotocol.server.name=io.github.acme/github-mcp"]}
	count(findings(server_json("io.github.acme/github-mcp", df({}), build))) == 0
}

test_server_json_without_known_dockerfile_not_applicable if {
	i := object.remove(server_json("io.github.acme/github-mcp", df({}), {"labels": null}), ["oci"])
	not mcp_md_012.applicable with input as i
	count(findings(i)) == 0
}

test_catalog_server_yaml_not_judged if {
	i := server_json("github", df({}), {"labels": null})
	yaml := object.union(i, {"metadata": {"format": "catalog-server"}})
	not mcp_md_012.applicable with input as yaml
}

# An annotation the build adds (`image_annotations` in the config) stands in for the label.
owner_annotation(v) := {"io.modelcontextprotocol.server.name": v}

test_declared_annotation_passes_without_label if {
	i := object.union(unit(df({}), "./servers/github", linked), {"unit": {"annotations": owner_annotation("io.github.acme/github-mcp")}})
	count(findings(i)) == 0
	j := server_json("io.github.acme/github-mcp", df(owner_label("io.github.acme/other")), {"labels": null, "annotations": owner_annotation("io.github.acme/github-mcp")})
	count(findings(j)) == 0
}

test_declared_annotation_of_another_name_does_not_pass if {
	i := object.union(unit(df({}), "./servers/github", linked), {"unit": {"annotations": owner_annotation("io.github.acme/other")}})
	count(findings(i)) == 1
	j := server_json("io.github.acme/github-mcp", df({}), {"labels": null, "annotations": {}})
	count(findings(j)) == 1
}
