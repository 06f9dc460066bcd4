# METADATA
# title: Owner not defined
# description: >-
#   Nobody is accountable for an MCP server or hub: its `mcp-manifest.json`
#   lacks `owner.team` or `owner.contact`, and there is no non-empty
#   effective `mcp.owner` label (service `labels` over the image LABEL)
#   either. Also fails when the manifest's `owner.contact` is neither an
#   email address nor a URL, since no one could be reached through it. An
#   unresolved `mcp.owner` is indeterminate (MCP-EC-004), not a failure.
# custom:
#   id: MCP-MD-005
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Set `"owner": {"team": "<team>", "contact": "<email or URL>"}` in
#     mcp-manifest.json, or an `mcp.owner=<team>` label when there is no
#     manifest.
package mcp_audit.md.mcp_md_005

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

owner_fields := ["team", "contact"]

# Owner fields the manifest fills with a non-empty string.
manifest_fields contains f if {
	some f in owner_fields
	v := common.manifest_value(["owner", f])
	is_string(v)
	trim_space(v) != ""
}

owner_label_declared if common.declared(common.label("mcp.owner"))

owner_label_undecided if common.indeterminate(common.label("mcp.owner"))

deny contains r if {
	missing := [f | some f in owner_fields; not f in manifest_fields]
	count(missing) > 0
	not owner_label_declared
	not owner_label_undecided
	r := result.with_evidence(
		sprintf("%s %q has no owner: %s, and no `mcp.owner` label", [common.unit_kind, input.unit.name, manifest_gap(missing)]),
		input.service,
		{"manifest": common.has_manifest, "missing": [sprintf("owner.%s", [f]) | some f in missing]},
	)
}

manifest_gap(_) := "no mcp-manifest.json" if not common.has_manifest

manifest_gap(missing) := sprintf("mcp-manifest.json lacks %s", [concat(" and ", [sprintf("`owner.%s`", [f]) | some f in missing])]) if {
	common.has_manifest
}

deny contains r if {
	"contact" in manifest_fields
	contact := common.manifest_value(["owner", "contact"])
	not reachable(trim_space(contact))
	r := result.with_evidence(
		sprintf("%s %q owner contact %q is neither an email address nor a URL", [common.unit_kind, input.unit.name, contact]),
		common.manifest_node(["owner", "contact"]),
		{"contact": contact},
	)
}

reachable(s) if regex.match(`^(mailto:)?[^@\s]+@[^@\s]+\.[^@\s]+$`, s)

reachable(s) if regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://[^\s/]+\S*$`, s)
