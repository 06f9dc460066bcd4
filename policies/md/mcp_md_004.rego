# METADATA
# title: Lifecycle manifest missing or invalid
# description: >-
#   An MCP server or hub has no `mcp-manifest.json` in its Dockerfile's
#   directory (a service with an opaque image has none to find), or a
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

where := sprintf("beside its Dockerfile %s", [input.unit.dockerfile]) if is_string(input.unit.dockerfile)

where := "(its image is not built from a Dockerfile here, so none can be found)" if not is_string(object.get(input.unit, "dockerfile", null))

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
