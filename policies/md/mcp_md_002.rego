# METADATA
# title: Governance level missing or invalid
# description: >-
#   An MCP server or hub declares no risk level, or an invalid one. The level
#   comes from the effective `mcp.governance.level` label (service `labels`
#   over the image LABEL) or from `governance.level` in its
#   `mcp-manifest.json`; either source with `low`, `medium` or `high`
#   (case-insensitive) is enough. A declared value outside that set fails
#   wherever it is, and so does an empty label or one whose variable is
#   unresolved (`${RISK_LEVEL}` with no default) when no other source
#   declares a valid level. A disagreement between label and manifest is
#   MCP-MD-011.
# custom:
#   id: MCP-MD-002
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Set `mcp.governance.level=low|medium|high` (label) or
#     `"governance": {"level": "…"}` (mcp-manifest.json) from the risk review.
package mcp_audit.md.mcp_md_002

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

levels := {"low", "medium", "high"}

label_key := "mcp.governance.level"

# Every place a level is declared: [source, value, node].
sources contains ["label", l.value, l] if {
	l := common.label(label_key)
	common.declared(l)
}

sources contains ["manifest", v, common.manifest_node(["governance", "level"])] if {
	v := common.manifest_value(["governance", "level"])
}

valid_value(v) if {
	is_string(v)
	lower(trim_space(v)) in levels
}

valid_level if {
	some [_, v, _] in sources
	valid_value(v)
}

deny contains r if {
	some [source, v, node] in sources
	not valid_value(v)
	r := result.with_evidence(
		sprintf("%s %q declares governance level %s in its %s, not one of low, medium, high", [common.unit_kind, input.unit.name, quoted(v), source]),
		node,
		{"source": source, "level": v},
	)
}

deny contains r if {
	count(sources) == 0
	not common.label(label_key)
	r := result.with_evidence(
		sprintf("%s %q declares no governance level (`%s` label or `governance.level` in mcp-manifest.json)", [common.unit_kind, input.unit.name, label_key]),
		input.service,
		{"manifest": common.has_manifest},
	)
}

# A label that is present but empty or unresolved declares nothing.
deny contains r if {
	not valid_level
	l := common.label(label_key)
	not common.declared(l)
	r := result.with_evidence(
		sprintf("%s %q has an %s `%s` label and no other valid governance level", [common.unit_kind, input.unit.name, emptiness(l), label_key]),
		l,
		{"source": "label", "unresolved": object.get(l, "indeterminate", false)},
	)
}

emptiness(l) := "unresolved" if common.indeterminate(l)

emptiness(l) := "empty" if not common.indeterminate(l)

quoted(v) := sprintf("%q", [v]) if is_string(v)

quoted(v) := sprintf("%v", [v]) if not is_string(v)
