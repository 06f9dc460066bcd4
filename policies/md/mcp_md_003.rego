# METADATA
# title: Audit not enabled
# description: >-
#   An MCP server or hub does not enable audit logging: neither the effective
#   `mcp.governance.audit` label (service `labels` over the image LABEL) nor
#   `governance.audit` in its `mcp-manifest.json` is `true` (a string or a
#   YAML bool, case-insensitive), or one of them says otherwise. Also fails
#   when audit is declared but the service's logging driver is `none`, so
#   nothing reaches the audit sink. The catalog raises this to HIGH for
#   governance level `high`: such findings say so and carry
#   `"level": "high"` in their evidence. An unresolved variable is
#   indeterminate (MCP-EC-004), not a failure.
# custom:
#   id: MCP-MD-003
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Set `mcp.governance.audit=true` (label) or
#     `"governance": {"audit": true}` (mcp-manifest.json), and ship the logs
#     to the audit sink with a real logging driver (MCP-CS-016).
#   references:
#     - OWASP MCP Top 10 MCP08 (lack of audit and telemetry)
package mcp_audit.md.mcp_md_003

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

label_key := "mcp.governance.audit"

# Every place audit is declared: [source, value, node].
sources contains ["label", l.value, l] if {
	l := common.label(label_key)
	common.declared(l)
}

sources contains ["manifest", v, common.manifest_node(["governance", "audit"])] if {
	v := common.manifest_value(["governance", "audit"])
}

enabled(v) if lower(trim_space(sprintf("%v", [v]))) == "true"

undecided if common.indeterminate(common.label(label_key))

deny contains r if {
	count(sources) == 0
	not undecided
	r := result.with_evidence(
		sprintf("%s %q does not enable audit (`%s=true` label or `governance.audit` in mcp-manifest.json)%s", [common.unit_kind, input.unit.name, label_key, level_note]),
		input.service,
		object.union({"manifest": common.has_manifest}, level_evidence),
	)
}

deny contains r if {
	some [source, v, node] in sources
	not enabled(v)
	r := result.with_evidence(
		sprintf("%s %q sets audit to %v in its %s, not true%s", [common.unit_kind, input.unit.name, v, source, level_note]),
		node,
		object.union({"source": source, "audit": v}, level_evidence),
	)
}

deny contains r if {
	count(sources) > 0
	every source in sources {
		enabled(source[1])
	}
	driver := input.service.logging.driver
	not common.indeterminate(driver)
	lower(driver.value) == "none"
	r := result.with_evidence(
		sprintf("%s %q declares audit but its logging driver is `none`, so no log reaches the audit sink%s", [common.unit_kind, input.unit.name, level_note]),
		driver,
		object.union({"logging_driver": "none"}, level_evidence),
	)
}

# --- the governance level, for the HIGH escalation

declared_levels := array.concat(label_levels, manifest_levels)

label_levels := [lower(trim_space(l.value)) |
	l := common.label("mcp.governance.level")
	common.declared(l)
]

manifest_levels := [lower(trim_space(v)) |
	v := common.manifest_value(["governance", "level"])
	is_string(v)
]

high_level if declared_levels[0] == "high"

level_note := " (governance level high: audit is mandatory, severity HIGH)" if high_level

level_note := "" if not high_level

level_evidence := {"level": "high", "escalated_severity": "HIGH"} if high_level

level_evidence := {} if not high_level
