# METADATA
# title: Creation-standard evidence missing
# description: >-
#   An MCP server or hub lacks the evidence S0's creation standard asks for,
#   in its `mcp-manifest.json`: a technical approval
#   (`approvals.technical`), a security approval (`approvals.security`)
#   when its governance level (manifest `governance.level` or the
#   `mcp.governance.level` label) is `high`, a business justification
#   (`approvals.businessJustification`), a documentation link
#   (`quality.docsUrl`), or a test coverage (`quality.testCoverage`, a
#   fraction) of at least 0.80. The catalog rates the findings of a
#   high-risk server MEDIUM; the evidence says `high_risk`. Without a
#   manifest the rule fails with `root_cause: MCP-MD-004`.
# custom:
#   id: MCP-MD-010
#   severity: LOW
#   kinds: [compose_service]
#   remediation: >-
#     Record `approvals.technical` (and `approvals.security` for high-risk
#     servers) with `by` and `date`, `approvals.businessJustification`,
#     `quality.docsUrl` and `quality.testCoverage` (CI can fill it in) in
#     mcp-manifest.json.
#   references:
#     - S0 MCP Server Lifecycle Governance Policy, 1. Creation Standards
package mcp_audit.md.mcp_md_010

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

min_coverage := 0.8

deny contains common.missing_manifest("creation-standard evidence") if not common.has_manifest

# Evidence every server needs: [manifest path, what it is].
required := [
	[["approvals", "technical"], "technical approval"],
	[["approvals", "businessJustification"], "business justification"],
	[["quality", "docsUrl"], "documentation link"],
	[["quality", "testCoverage"], "test coverage"],
]

deny contains r if {
	common.has_manifest
	some [path, what] in required
	not common.manifest_present(path)
	r := missing(path, what)
}

deny contains r if {
	common.has_manifest
	high_risk
	not common.manifest_present(["approvals", "security"])
	r := missing(["approvals", "security"], "security approval, required for governance level high,")
}

deny contains r if {
	c := common.manifest_value(["quality", "testCoverage"])
	is_number(c)
	c < min_coverage
	r := result.with_evidence(
		sprintf("%s %q test coverage %v is below %v", [common.unit_kind, input.unit.name, c, min_coverage]),
		common.manifest_node(["quality", "testCoverage"]),
		{"field": "quality.testCoverage", "testCoverage": c, "minimum": min_coverage, "high_risk": high_risk},
	)
}

missing(path, what) := result.with_evidence(
	sprintf("%s %q has no %s (`%s` in mcp-manifest.json)", [common.unit_kind, input.unit.name, what, concat(".", path)]),
	common.manifest_node(path),
	{"field": concat(".", path), "high_risk": high_risk},
)

default high_risk := false

high_risk if lower(common.manifest_value(["governance", "level"])) == "high"

high_risk if {
	l := common.label("mcp.governance.level")
	common.declared(l)
	lower(trim_space(l.value)) == "high"
}
