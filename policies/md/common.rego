# Helpers shared by the metadata and lifecycle rules (MCP-MD-001 .. MCP-MD-007):
# which units they judge, the effective labels of a Compose service (service
# `labels` over the image's LABEL, ancestry included), and the fields of the
# `mcp-manifest.json` found beside the service's Dockerfile, each with the
# location a finding should point at.
package mcp_audit.md.common

import data.mcp_audit.lib.result
import rego.v1

# Only MCP servers and hubs carry lifecycle metadata; supporting services
# (databases, monitoring) are not judged. A service with an mcp-manifest.json
# beside its Dockerfile declares itself an MCP server even when neither a
# label nor its image says so (seed 004).
server_unit if input.unit.role in {"mcp-server", "hub"}

server_unit if has_manifest

# How messages name the unit.
unit_kind := "hub" if input.unit.role == "hub"

unit_kind := "service" if input.unit.role != "hub"

# --- labels

# label(key): the effective label, `{value, loc, indeterminate?}`. A service
# label wins over `build.labels`, which wins over the image LABEL, even when it
# is empty.
label(key) := l if {
	l := input.service.labels[key]
} else := l if {
	l := input.service.build.labels[key]
} else := input.dockerfile.labels[key]

indeterminate(l) if object.get(l, "indeterminate", false) == true

# declared(l): a resolved, non-empty value.
declared(l) if {
	not indeterminate(l)
	is_string(l.value)
	trim_space(l.value) != ""
}

# The label keys read as the server identity (`label_aliases.server` of
# `.mcp-audit.yaml` when the input carries it).
server_label_keys := object.get(input.config, ["label_aliases", "server"], ["mcp.server", "com.mcp.type"])

# --- manifest

has_manifest := is_object(object.get(input, "manifest", null))

# manifest_value(path): the manifest value at path (e.g. ["review", "cycle"]);
# undefined when absent or null.
manifest_value(path) := v if {
	v := object.get(input.manifest.doc, path, null)
	v != null
}

# manifest_present(path): the manifest sets a non-empty value at path (an object,
# a number, or a non-blank string).
manifest_present(path) if {
	v := manifest_value(path)
	not blank(v)
}

blank(v) if {
	is_string(v)
	trim_space(v) == ""
}

blank(v) if v == {}

# manifest_node(path): something with the `loc` of the key at path, else of its
# closest enclosing key, else of the whole manifest.
manifest_node(path) := {"loc": key_locs(path)[0]} if count(key_locs(path)) > 0

manifest_node(path) := input.manifest if count(key_locs(path)) == 0

# key_locs(path): the locations of the keys along path, innermost first.
key_locs(path) := [loc |
	some n in numbers.range(count(path), 1)
	parent := object.get(input.manifest.doc, array.slice(path, 0, n - 1), null)
	loc := parent.key_locs[path[n - 1]]
]

# missing_manifest(what): the finding of a manifest-scoped rule when the service
# has no manifest; MCP-MD-004 is the root cause.
missing_manifest(what) := result.with_evidence(
	sprintf("%s %q declares no %s: it has no mcp-manifest.json (see MCP-MD-004)", [unit_kind, input.unit.name, what]),
	input.service,
	{"root_cause": "MCP-MD-004"},
)

# --- dates

day_ns := ((24 * 60) * 60) * 1000000000

# date_ns(s): a `YYYY-MM-DD` date as nanoseconds since the epoch, undefined
# when s is not such a date.
date_ns(s) := time.parse_ns("2006-01-02", s) if {
	is_string(s)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, s)
}

# days_between(from, to): whole days from the date `from` to the date `to`.
days_between(from, to) := floor((date_ns(to) - date_ns(from)) / day_ns)
