# METADATA
# title: OCI ownership annotation missing or mismatched
# description: >-
#   The image of an MCP server that is published to the official MCP
#   Registry cannot prove its ownership: the registry only accepts an OCI
#   package whose image carries the label (or annotation)
#   `io.modelcontextprotocol.server.name` equal to the `server.json` name.
#   Evaluated on a registry `server.json` with an OCI package whose
#   Dockerfile is known: a Compose service here builds that image (`build:`
#   with the same `image:` repository), an `image_map` entry maps it, or a
#   `Dockerfile` sits beside the `server.json`; the target stage's labels
#   (ancestry included) lack the label, or its value differs from the
#   `server.json` `name`. Without a declared build target, a stage that
#   carries the label is taken as the published one when the last stage
#   (often a `FROM dev` default) has none. Also evaluated on a Compose service whose
#   Dockerfile is known and whose `mcp-manifest.json` links the registry
#   entry (`serverJsonName`): the image labels (`build.labels` over the
#   Dockerfile's LABEL) are compared with `serverJsonName`. A label whose
#   variable is unresolved is skipped. An annotation that the build adds
#   (`docker buildx build --annotation`), declared for the image in
#   `image_annotations` of `.mcp-audit.yaml` with the server name, passes in
#   place of the label. Not applicable to a `server.json` without an OCI
#   package or whose Dockerfile is not in the repository.
# custom:
#   id: MCP-MD-012
#   severity: MEDIUM
#   kinds: [compose_service, mcp_metadata]
#   remediation: >-
#     Add `LABEL io.modelcontextprotocol.server.name="<server.json name>"` to
#     the runtime stage (or pass it as a build label / `--annotation`), with
#     the same value as `serverJsonName` in mcp-manifest.json.
#   references:
#     - MCP Registry package-types (Ownership verification of OCI packages)
#     - OWASP MCP Top 10 MCP04
package mcp_audit.md.mcp_md_012

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

label_key := "io.modelcontextprotocol.server.name"

# The unit's image: a Compose service's bound Dockerfile, or the Dockerfile
# that builds a server.json's OCI package (`input.oci`).
registry_file := input.kind == "mcp_metadata"

dockerfile := input.dockerfile if not registry_file

dockerfile := input.oci.dockerfile if registry_file

# Compose `build:` as written (its `labels` become image labels).
raw_build := object.get(input, ["raw", "build"], null) if not registry_file

raw_build := object.get(input, ["oci", "build"], null) if registry_file

applicable if {
	is_object(dockerfile)
	server_json_name
}

# Annotations the build adds to the image (`image_annotations` in the config).
annotations := object.get(input, ["oci", "build", "annotations"], {}) if registry_file

annotations := object.get(input, ["unit", "annotations"], {}) if not registry_file

# The build annotates the image with the server name: the registry accepts it.
annotated if trim_space(annotations[label_key]) == server_json_name

server_json_name := n if {
	not registry_file
	n := common.manifest_value(["serverJsonName"])
	is_string(n)
	trim_space(n) != ""
}

server_json_name := n if {
	registry_file
	input.metadata.format == "registry-server"
	n := input.metadata.name
	is_string(n)
	trim_space(n) != ""
}

# The image's ownership label: a `build.labels` entry (map or list form) over the
# target stage's LABEL. {value, node, source}.
image_label := {"value": v, "node": build_label_node, "source": "Compose `build.labels`"} if {
	v := raw_build.labels[label_key]
	is_string(v)
}

build_label_node := {"loc": raw_build.labels.key_locs[label_key]} if raw_build.labels.key_locs[label_key]

build_label_node := raw_build if not raw_build.labels.key_locs[label_key]

image_label := {"value": v, "node": raw_build, "source": "Compose `build.labels`"} if {
	is_array(raw_build.labels)
	some item in raw_build.labels
	is_string(item)
	startswith(item, concat("", [label_key, "="]))
	v := substring(item, count(label_key) + 1, -1)
}

image_label := {"value": l.value, "node": l, "source": sprintf("LABEL in %s", [l.loc.file]), "indeterminate": object.get(l, "indeterminate", false)} if {
	not build_label
	l := dockerfile.labels[label_key]
}

build_label if raw_build.labels[label_key]

build_label if {
	is_array(raw_build.labels)
	some item in raw_build.labels
	is_string(item)
	startswith(item, concat("", [label_key, "="]))
}

deny contains r if {
	applicable
	not annotated
	not registry_file
	not image_label
	r := result.with_evidence(
		sprintf("%s %q is published as %q but its image (target stage %s of %s) has no `%s` label: the MCP Registry rejects the OCI package", [common.unit_kind, input.unit.name, server_json_name, dockerfile.target.name, dockerfile.target.loc.file, label_key]),
		dockerfile.target,
		{"serverJsonName": server_json_name, "label": null},
	)
}

deny contains r if {
	applicable
	not annotated
	not registry_file
	l := image_label
	not l.indeterminate
	not contains(l.value, "${")
	trim_space(l.value) != server_json_name
	r := result.with_evidence(
		sprintf("%s %q: image label `%s=%s` (%s) differs from `serverJsonName` %q in mcp-manifest.json", [common.unit_kind, input.unit.name, label_key, l.value, l.source, server_json_name]),
		l.node,
		{"serverJsonName": server_json_name, "label": l.value},
	)
}

# --- a registry server.json: the finding points at the Dockerfile's target
# stage (missing label) or LABEL (different value), related to the package.

deny contains r if {
	applicable
	not annotated
	registry_file
	not image_label
	r := result.with_evidence(
		sprintf("server.json %q publishes OCI package %q, but its Dockerfile %s (target stage %s, found via %s) has no `%s` label: the MCP Registry rejects the package", [server_json_name, input.oci.identifier, dockerfile.file, dockerfile.target.name, input.oci.via, label_key]),
		dockerfile.target,
		{"name": server_json_name, "identifier": input.oci.identifier, "dockerfile": dockerfile.file, "via": input.oci.via, "label": null},
	)
}

deny contains r if {
	applicable
	not annotated
	registry_file
	l := image_label
	not l.indeterminate
	not contains(l.value, "${")
	trim_space(l.value) != server_json_name
	r := result.with_evidence(
		sprintf("server.json %q publishes OCI package %q, but its image label `%s=%s` (%s, found via %s) differs from the server name", [server_json_name, input.oci.identifier, label_key, l.value, l.source, input.oci.via]),
		l.node,
		{"name": server_json_name, "identifier": input.oci.identifier, "dockerfile": dockerfile.file, "via": input.oci.via, "label": l.value},
	)
}
