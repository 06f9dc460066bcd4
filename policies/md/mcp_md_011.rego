# METADATA
# title: Metadata mismatch across files
# description: >-
#   Two metadata sources of the same server disagree. For an MCP server or
#   hub with an `mcp-manifest.json`: the manifest `name` against the
#   effective identity label (`mcp.server` or a configured alias, service
#   labels over the image LABEL), the manifest `governance.level` against the
#   `mcp.governance.level` label (case-insensitive), and the manifest
#   `image` against the Compose `image` repository (tags and digests are
#   ignored, and so are `docker.io/` and `library/`: pinning is MCP-SC-001),
#   and the manifest `serverJsonName` against the `name` of the registry
#   `server.json` beside the Dockerfile (or in the build context); that
#   `server.json`'s OCI package identifiers against the Compose `image`
#   repository (one must match).
#   For a Docker catalog entry at `servers/<dir>/server.yaml`: its `name`
#   against the directory name. Applicable only when at least two sources
#   declare the same fact; unresolved variables are skipped.
# custom:
#   id: MCP-MD-011
#   severity: MEDIUM
#   kinds: [compose_service, mcp_metadata]
#   remediation: >-
#     Make one file the source of truth (usually mcp-manifest.json) and
#     generate the labels, image names and catalog entries from it in CI.
#   references:
#     - docker/mcp-registry cmd/validate (name equals the directory name)
#     - OWASP MCP Top 10 MCP09 (shadow MCP servers)
package mcp_audit.md.mcp_md_011

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if {
	input.kind == "compose_service"
	common.server_unit
	count(pairs) > 0
}

applicable if catalog_dir

# --- Compose service + mcp-manifest.json

# Facts two sources declare: {what, manifest value, other value, other source, node}.
pairs contains {"what": "server name", "field": "name", "from": "mcp-manifest.json", "manifest": m, "other": l.value, "source": sprintf("label `%s`", [key]), "node": l} if {
	m := text_value(["name"])
	some key in common.server_label_keys
	l := common.label(key)
	common.declared(l)
}

pairs contains {"what": "governance level", "field": "governance.level", "from": "mcp-manifest.json", "manifest": m, "other": l.value, "source": "label `mcp.governance.level`", "node": l} if {
	m := text_value(["governance", "level"])
	l := common.label("mcp.governance.level")
	common.declared(l)
}

pairs contains {"what": "image", "field": "image", "from": "mcp-manifest.json", "manifest": m, "other": img.value, "source": "Compose `image`", "node": img} if {
	m := text_value(["image"])
	img := input.service.image
	not img.indeterminate
	is_string(img.value)
}

# The registry name the manifest declares against the `server.json` beside the
# Dockerfile (or in the build context).
pairs contains {"what": "server.json name", "field": "serverJsonName", "from": "mcp-manifest.json", "manifest": m, "other": sj.name, "source": sprintf("%s `name`", [sj.file]), "node": key_node(sj, "name")} if {
	m := text_value(["serverJsonName"])
	sj := input.server_json
	is_string(sj.name)
}

# The OCI package of that `server.json` against the Compose `image`: the same
# repository (one of them, when it lists several).
pairs contains {"what": "OCI image", "field": "packages[].identifier", "from": input.server_json.file, "manifest": oci[0], "other": img.value, "source": "Compose `image`", "node": img} if {
	count(oci) > 0
	img := input.service.image
	not img.indeterminate
	is_string(img.value)
}

# OCI identifiers that are not templates (`$VERSION`, `<<Version>>`).
oci := [i |
	is_object(input.server_json)
	some i in input.server_json.images
	not regex.match(`\$|<<`, i)
]

key_node(f, key) := {"loc": f.doc.key_locs[key]} if f.doc.key_locs[key]

else := {"loc": f.loc}

text_value(path) := v if {
	v := common.manifest_value(path)
	is_string(v)
	trim_space(v) != ""
}

deny contains r if {
	input.kind == "compose_service"
	common.server_unit
	some p in pairs
	not same(p)
	r := result.with_evidence(
		sprintf("%s %q: %s %s %q differs from %s %q", [common.unit_kind, input.unit.name, p.from, p.what, p.manifest, p.source, p.other]),
		p.node,
		{"field": p.field, "manifest": p.manifest, "manifest_file": from_file(p), "other": p.other, "source": p.source},
	)
}

same(p) if {
	p.what == "server name"
	trim_space(p.manifest) == trim_space(p.other)
}

same(p) if {
	p.what == "governance level"
	lower(trim_space(p.manifest)) == lower(trim_space(p.other))
}

same(p) if {
	p.what == "image"
	repository(p.manifest) == repository(p.other)
}

same(p) if {
	p.what == "server.json name"
	trim_space(p.manifest) == trim_space(p.other)
}

same(p) if {
	p.what == "OCI image"
	some i in oci
	repository(i) == repository(p.other)
}

from_file(p) := input.manifest.file if p.from == "mcp-manifest.json"

else := p.from

# repository(ref): the image repository without tag or digest, Docker Hub's
# `docker.io/` and `library/` removed, lower-cased.
repository(ref) := trim_prefix(regex.replace(without_tag(name), `^(docker\.io|index\.docker\.io|registry-1\.docker\.io)/`, ""), "library/") if {
	name := split(lower(trim_space(ref)), "@")[0]
}

# The tag is after the last `:` of the last path segment (a registry port is not a tag).
without_tag(name) := concat("/", array.concat(array.slice(parts, 0, count(parts) - 1), [split(parts[count(parts) - 1], ":")[0]])) if {
	parts := split(name, "/")
}

# --- Docker catalog entry: name == directory

catalog_dir := parts[count(parts) - 2] if {
	input.kind == "mcp_metadata"
	input.metadata.format == "catalog-server"
	is_string(input.doc.name)
	parts := split(input.metadata.file, "/")
	count(parts) >= 3
	parts[count(parts) - 3] == "servers"
}

deny contains r if {
	dir := catalog_dir
	input.doc.name != dir
	r := result.with_evidence(
		sprintf("catalog entry %q is in directory `servers/%s/`: the registry requires the name to equal the directory", [input.doc.name, dir]),
		name_node,
		{"name": input.doc.name, "directory": dir},
	)
}

name_node := {"loc": input.doc.key_locs.name} if input.doc.key_locs.name

name_node := input.doc if not input.doc.key_locs.name
