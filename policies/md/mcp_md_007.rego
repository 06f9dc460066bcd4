# METADATA
# title: Security-patch SLA not declared or too long
# description: >-
#   An MCP server or hub does not commit to patching security issues in
#   time: `security.patchSlaDays` in its `mcp-manifest.json` is missing, not
#   a whole number of days, or greater than the policy maximum (7 days).
#   Without a manifest the rule fails with `root_cause: MCP-MD-004`.
# custom:
#   id: MCP-MD-007
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Declare `"security": {"patchSlaDays": 7}` (or fewer) in
#     mcp-manifest.json, and wire image rebuilds to the vulnerability scanner.
#   references:
#     - CIS Docker Benchmark 4.4 (rebuild images to include security patches)
package mcp_audit.md.mcp_md_007

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

max_days := object.get(input.config, "patch_sla_max_days", 7)

sla := common.manifest_value(["security", "patchSlaDays"])

deny contains common.missing_manifest("security-patch SLA") if not common.has_manifest

deny contains r if {
	common.has_manifest
	not sla
	r := result.with_evidence(
		sprintf("%s %q declares no security-patch SLA (`security.patchSlaDays` in mcp-manifest.json)", [common.unit_kind, input.unit.name]),
		input.service,
		{"field": "security.patchSlaDays", "max_days": max_days},
	)
}

deny contains r if {
	sla
	not days(sla)
	r := result.with_evidence(
		sprintf("%s %q security-patch SLA `%v` is not a whole number of days", [common.unit_kind, input.unit.name, sla]),
		common.manifest_node(["security", "patchSlaDays"]),
		{"field": "security.patchSlaDays", "patchSlaDays": sla},
	)
}

deny contains r if {
	days(sla) > max_days
	r := result.with_evidence(
		sprintf("%s %q security-patch SLA is %d days, longer than the %d-day policy", [common.unit_kind, input.unit.name, sla, max_days]),
		common.manifest_node(["security", "patchSlaDays"]),
		{"field": "security.patchSlaDays", "patchSlaDays": sla, "max_days": max_days},
	)
}

# days(v): v as a non-negative whole number of days.
days(v) := v if {
	is_number(v)
	v >= 0
	floor(v) == v
}
