# METADATA
# title: Review cycle missing or review overdue
# description: >-
#   An MCP server or hub is not reviewed on schedule. From its
#   `mcp-manifest.json`: `review.cycle` is missing, not one of monthly,
#   quarterly, semiannual, annual, or slower than the policy (quarterly);
#   `review.lastReviewed` is missing or not a `YYYY-MM-DD` date; or more days
#   have passed between it and the scan date (`--now`) than the cycle allows
#   (monthly 31, quarterly 92, semiannual 183, annual 366, never more than
#   the policy cycle) plus a 14-day grace. A review date after the scan date
#   counts as recent. Without a manifest the rule fails with
#   `root_cause: MCP-MD-004`.
# custom:
#   id: MCP-MD-006
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Declare `"review": {"cycle": "quarterly", "lastReviewed": "YYYY-MM-DD"}`
#     in mcp-manifest.json and update `lastReviewed` after each review.
package mcp_audit.md.mcp_md_006

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

cycle_days := {"monthly": 31, "quarterly": 92, "semiannual": 183, "annual": 366}

policy_cycle := object.get(input.config, "review_cycle", "quarterly")

grace_days := object.get(input.config, "review_grace_days", 14)

deny contains common.missing_manifest("review cycle") if not common.has_manifest

# --- review.cycle

cycle := lower(trim_space(v)) if {
	v := common.manifest_value(["review", "cycle"])
	is_string(v)
}

declared_days := cycle_days[cycle]

deny contains r if {
	common.has_manifest
	not common.manifest_value(["review", "cycle"])
	r := result.with_evidence(
		sprintf("%s %q declares no review cycle (`review.cycle` in mcp-manifest.json)", [common.unit_kind, input.unit.name]),
		input.service,
		{"field": "review.cycle"},
	)
}

deny contains r if {
	v := common.manifest_value(["review", "cycle"])
	not declared_days
	r := result.with_evidence(
		sprintf("%s %q review cycle `%v` is not one of monthly, quarterly, semiannual, annual", [common.unit_kind, input.unit.name, v]),
		common.manifest_node(["review", "cycle"]),
		{"field": "review.cycle", "cycle": v},
	)
}

deny contains r if {
	declared_days > cycle_days[policy_cycle]
	r := result.with_evidence(
		sprintf("%s %q is reviewed %s, less often than the %s policy", [common.unit_kind, input.unit.name, cycle, policy_cycle]),
		common.manifest_node(["review", "cycle"]),
		{"field": "review.cycle", "cycle": cycle, "policy": policy_cycle},
	)
}

# --- review.lastReviewed

last_reviewed := common.manifest_value(["review", "lastReviewed"])

deny contains r if {
	common.has_manifest
	not last_reviewed
	r := result.with_evidence(
		sprintf("%s %q records no review (`review.lastReviewed` in mcp-manifest.json)", [common.unit_kind, input.unit.name]),
		input.service,
		{"field": "review.lastReviewed"},
	)
}

deny contains r if {
	last_reviewed
	not common.date_ns(last_reviewed)
	r := result.with_evidence(
		sprintf("%s %q last review date `%v` is not a YYYY-MM-DD date", [common.unit_kind, input.unit.name, last_reviewed]),
		common.manifest_node(["review", "lastReviewed"]),
		{"field": "review.lastReviewed", "lastReviewed": last_reviewed},
	)
}

# The review window: the declared cycle, never longer than the policy's.
window_days := min({d | some d in [declared_days, cycle_days[policy_cycle]]}) if declared_days

window_days := cycle_days[policy_cycle] if not declared_days

deny contains r if {
	days := common.days_between(last_reviewed, input.scan.date)
	allowed := window_days + grace_days
	days > allowed
	r := result.with_evidence(
		sprintf("%s %q review is overdue: last reviewed %s, %d days before the scan date %s (allowed %d days)", [common.unit_kind, input.unit.name, last_reviewed, days, input.scan.date, allowed]),
		common.manifest_node(["review", "lastReviewed"]),
		{"lastReviewed": last_reviewed, "scan_date": input.scan.date, "days": days, "allowed_days": allowed},
	)
}
