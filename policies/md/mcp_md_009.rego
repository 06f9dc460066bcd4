# METADATA
# title: Decommission policy missing, or server past a trigger
# description: >-
#   An MCP server or hub has no decommission policy, or one of its triggers
#   has fired. From the `lifecycle` block of its `mcp-manifest.json`: no
#   `status`, or no (or an empty) `decommissionTriggers` list; a
#   `deprecated` server whose `sunsetDate` is before the scan date (`--now`);
#   a `decommissioned` server that is still deployed (it is in the Compose
#   file); `lastUsed` more than 90 days before the scan date; or
#   `supersededBy` set (a catalog server replaces it). A fired trigger makes
#   the server a candidate for removal after the 30-day stakeholder notice;
#   the catalog rates it MEDIUM and the evidence says `trigger`. Invalid
#   values (an unknown status, a malformed date) are MCP-MD-004 schema
#   violations. Without a manifest the rule fails with
#   `root_cause: MCP-MD-004`.
# custom:
#   id: MCP-MD-009
#   severity: LOW
#   kinds: [compose_service]
#   remediation: >-
#     Declare `"lifecycle": {"status": "active", "decommissionTriggers":
#     ["unused-90d", "superseded-by-catalog", "unfixable-vuln"]}` in
#     mcp-manifest.json, keep `lastUsed` current, and remove or archive
#     servers that met a trigger after notifying their users (30 days).
#   references:
#     - CIS Docker Benchmark 6.1, 6.2 (image and container sprawl)
#     - OWASP MCP Top 10 MCP09 (shadow and abandoned MCP servers)
package mcp_audit.md.mcp_md_009

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

unused_days := 90

deny contains common.missing_manifest("decommission policy") if not common.has_manifest

status := common.manifest_value(["lifecycle", "status"])

# --- policy declared

deny contains r if {
	common.has_manifest
	not status
	r := result.with_evidence(
		sprintf("%s %q declares no lifecycle status (`lifecycle.status` in mcp-manifest.json)", [common.unit_kind, input.unit.name]),
		common.manifest_node(["lifecycle", "status"]),
		{"field": "lifecycle.status"},
	)
}

deny contains r if {
	common.has_manifest
	not declared_triggers
	r := result.with_evidence(
		sprintf("%s %q declares no decommission triggers (`lifecycle.decommissionTriggers` in mcp-manifest.json)", [common.unit_kind, input.unit.name]),
		common.manifest_node(["lifecycle", "decommissionTriggers"]),
		{"field": "lifecycle.decommissionTriggers"},
	)
}

declared_triggers if {
	t := common.manifest_value(["lifecycle", "decommissionTriggers"])
	is_array(t)
	count(t) > 0
}

# --- triggers fired

deny contains r if {
	status == "deprecated"
	sunset := common.manifest_value(["lifecycle", "sunsetDate"])
	common.days_between(sunset, input.scan.date) > 0
	r := fired(
		sprintf("is deprecated and past its sunset date %s", [sunset]),
		["lifecycle", "sunsetDate"],
		{"trigger": "sunset", "sunsetDate": sunset},
	)
}

deny contains r if {
	status == "decommissioned"
	r := fired(
		"is decommissioned but still deployed",
		["lifecycle", "status"],
		{"trigger": "decommissioned", "status": status},
	)
}

deny contains r if {
	last := common.manifest_value(["lifecycle", "lastUsed"])
	days := common.days_between(last, input.scan.date)
	days > unused_days
	r := fired(
		sprintf("was last used on %s, more than %d days before the scan", [last, unused_days]),
		["lifecycle", "lastUsed"],
		{"trigger": "unused-90d", "lastUsed": last, "days": days},
	)
}

deny contains r if {
	by := common.manifest_value(["lifecycle", "supersededBy"])
	is_string(by)
	trim_space(by) != ""
	r := fired(
		sprintf("is superseded by %q", [by]),
		["lifecycle", "supersededBy"],
		{"trigger": "superseded-by-catalog", "supersededBy": by},
	)
}

# fired(what, path, evidence): a fired decommission trigger, pointing at its manifest key.
fired(what, path, evidence) := result.with_evidence(
	sprintf("%s %q %s: candidate for removal after the 30-day notice", [common.unit_kind, input.unit.name, what]),
	common.manifest_node(path),
	evidence,
)
