# METADATA
# title: Lifecycle manifest missing or invalid
# description: >-
#   An MCP server or hub has no `mcp-manifest.json`: none beside its
#   Dockerfile, in its build context, at a `manifest_paths` glob of the
#   config (default `**/servers/<service>/mcp-manifest.json`) or at the path
#   its `mcp.manifest` label gives (relative to the Compose file); or a
#   manifest fails its JSON Schema (`mcp-audit schema manifest`): one finding
#   per violation, at its location, raised for the manifest file and for the
#   services it belongs to. While the manifest is missing, the
#   manifest-scoped rules (MCP-MD-006, MCP-MD-007, …) fail too, with
#   `root_cause: MCP-MD-004` in their evidence.
# custom:
#   id: MCP-MD-004
#   severity: MEDIUM
#   kinds: [compose_service, mcp_metadata]
#   remediation: >-
#     Add an `mcp-manifest.json` beside the server's Dockerfile (owner, review
#     cycle, patch SLA, approvals, lifecycle; see `mcp-audit schema
#     manifest`), and fix every schema violation it reports.
package mcp_audit.md.mcp_md_004

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if {
	input.kind == "compose_service"
	common.server_unit
}

applicable if {
	input.kind == "mcp_metadata"
	input.metadata.format == "mcp-manifest"
}

deny contains r if {
	input.kind == "compose_service"
	not common.has_manifest
	r := result.with_evidence(
		sprintf("%s %q has no mcp-manifest.json %s", [common.unit_kind, input.unit.name, where]),
		input.service,
		{"dockerfile": object.get(input.unit, "dockerfile", null)},
	)
}

where := concat("", [looked, label_note])

# The lookup: beside the Dockerfile, in the build context, at a `manifest_paths` glob,
# at the `mcp.manifest` label's path.
looked := sprintf("beside its Dockerfile %s, in its build context, or at %s", [input.unit.dockerfile, globs]) if {
	is_string(input.unit.dockerfile)
}

looked := sprintf("at %s (its image is not built from a Dockerfile here)", [globs]) if {
	not is_string(object.get(input.unit, "dockerfile", null))
}

globs := concat(" or ", [sprintf("`%s`", [replace(g, "{name}", input.unit.name)]) | some g in object.get(input.config, "manifest_paths", [])]) if {
	count(object.get(input.config, "manifest_paths", [])) > 0
}

else := "no `manifest_paths` glob"

label_note := sprintf("; its `mcp.manifest` label names %q, which cannot be read as one", [manifest_label.value]) if {
	manifest_label
}

else := ""

# The Compose label (the service's, else `build.labels`): a path from the Compose file.
manifest_label := l if {
	l := input.service.labels["mcp.manifest"]
} else := input.service.build.labels["mcp.manifest"]

# Schema violations: the same finding (message and location) for the manifest
# file and for each service bound to it, so they are reported once.
errors := input.metadata.errors if {
	input.kind == "mcp_metadata"
	input.metadata.format == "mcp-manifest"
}

errors := input.manifest.errors if {
	input.kind == "compose_service"
	common.has_manifest
}

deny contains r if {
	some e in errors
	r := result.with_evidence(violation(e), e, {"field": e.field})
}

violation(e) := sprintf("mcp-manifest.json is invalid: %s", [e.message]) if e.field in {"", "/"}

violation(e) := sprintf("mcp-manifest.json is invalid at `%s`: %s", [e.field, e.message]) if not e.field in {"", "/"}
