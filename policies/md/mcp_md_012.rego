# METADATA
# title: OCI ownership annotation missing or mismatched
# description: >-
#   The image of an MCP server that is published to the official MCP
#   Registry cannot prove its ownership: the registry only accepts an OCI
#   package whose image carries the label (or annotation)
#   `io.modelcontextprotocol.server.name` equal to the `server.json` name.
#   Evaluated on a Compose service whose Dockerfile is known and whose
#   `mcp-manifest.json` links the registry entry (`serverJsonName`): the
#   image labels of the target stage (ancestry included, `build.labels`
#   over the Dockerfile's LABEL) lack the label, or its value differs from
#   `serverJsonName`. A label whose variable is unresolved is skipped.
#   Registry `server.json` files are not judged on their own yet: the input
#   does not bind their OCI packages to the Dockerfile that builds them.
# custom:
#   id: MCP-MD-012
#   severity: MEDIUM
#   kinds: [compose_service]
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

applicable if {
	is_object(input.dockerfile)
	server_json_name
}

server_json_name := n if {
	n := common.manifest_value(["serverJsonName"])
	is_string(n)
	trim_space(n) != ""
}

# The image's ownership label: a `build.labels` entry (map or list form) over the
# target stage's LABEL. {value, node, source}.
image_label := {"value": v, "node": build_label_node, "source": "Compose `build.labels`"} if {
	v := input.raw.build.labels[label_key]
	is_string(v)
}

build_label_node := {"loc": input.raw.build.labels.key_locs[label_key]} if input.raw.build.labels.key_locs[label_key]

build_label_node := input.raw.build if not input.raw.build.labels.key_locs[label_key]

image_label := {"value": v, "node": input.raw.build, "source": "Compose `build.labels`"} if {
	some item in input.raw.build.labels
	is_string(item)
	startswith(item, concat("", [label_key, "="]))
	v := substring(item, count(label_key) + 1, -1)
}

image_label := {"value": l.value, "node": l, "source": sprintf("LABEL in %s", [l.loc.file]), "indeterminate": object.get(l, "indeterminate", false)} if {
	not build_label
	l := input.dockerfile.labels[label_key]
}

build_label if input.raw.build.labels[label_key]

build_label if {
	some item in input.raw.build.labels
	is_string(item)
	startswith(item, concat("", [label_key, "="]))
}

deny contains r if {
	applicable
	not image_label
	r := result.with_evidence(
		sprintf("%s %q is published as %q but its image (target stage %s of %s) has no `%s` label: the MCP Registry rejects the OCI package", [common.unit_kind, input.unit.name, server_json_name, input.dockerfile.target.name, input.dockerfile.target.loc.file, label_key]),
		input.dockerfile.target,
		{"serverJsonName": server_json_name, "label": null},
	)
}

deny contains r if {
	applicable
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
