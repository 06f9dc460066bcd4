package mcp_audit.md.mcp_md_010_test

import data.mcp_audit.md.mcp_md_010
import rego.v1

loc(line) := {"file": "servers/github/mcp-manifest.json", "line": line, "col": 3, "end_line": line, "end_col": 9}

service := {"loc": {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 13}, "labels": {}}

complete := {
	"name": "github",
	"governance": {"level": "medium"},
	"approvals": {
		"technical": {"by": "infra-team", "date": "2025-06-10"},
		"businessJustification": "Needed for PR automation",
		"key_locs": {"technical": loc(6), "businessJustification": loc(7)},
	},
	"quality": {"docsUrl": "https://wiki.example.com/mcp/github", "testCoverage": 0.8, "key_locs": {"docsUrl": loc(10), "testCoverage": loc(11)}},
	"key_locs": {"approvals": loc(5), "quality": loc(9)},
}

unit(doc, labels) := {
	"unit": {"name": "github-mcp", "role": "mcp-server"},
	"service": object.union(service, {"labels": labels}),
	"manifest": {"file": "servers/github/mcp-manifest.json", "loc": loc(1), "doc": doc},
}

findings(doc) := rs if {
	rs := mcp_md_010.deny with input as unit(doc, {})
}

has(doc, text) if {
	some r in findings(doc)
	contains(r.msg, text)
}

test_complete_evidence if {
	count(findings(complete)) == 0
}

test_no_manifest_root_cause_md_004 if {
	rs := mcp_md_010.deny with input as {"unit": {"name": "github-mcp", "role": "mcp-server"}, "service": service, "manifest": null}
	count(rs) == 1
	some r in rs
	r.evidence.root_cause == "MCP-MD-004"
}

test_supporting_service_not_applicable if {
	not mcp_md_010.applicable with input as {"unit": {"name": "db", "role": "supporting-service"}, "manifest": null}
}

test_technical_approval_missing if {
	doc := object.union(complete, {"approvals": {"technical": null}})
	rs := findings(doc)
	count(rs) == 1
	some r in rs
	contains(r.msg, "has no technical approval (`approvals.technical` in mcp-manifest.json)")
	r.loc.line == 6
}

test_business_justification_missing_or_blank if {
	has(object.union(complete, {"approvals": {"businessJustification": " "}}), "has no business justification")
	has(object.union(complete, {"approvals": {"businessJustification": null}}), "has no business justification")
}

test_docs_and_coverage_missing if {
	rs := findings(object.remove(complete, ["quality"]))
	count(rs) == 2
	has(object.remove(complete, ["quality"]), "has no documentation link")
	has(object.remove(complete, ["quality"]), "has no test coverage")
}

test_coverage_below_threshold if {
	rs := findings(object.union(complete, {"quality": {"testCoverage": 0.62}}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "test coverage 0.62 is below 0.8")
	r.loc.line == 11
}

test_security_approval_required_for_high_level if {
	doc := object.union(complete, {"governance": {"level": "high"}})
	rs := findings(doc)
	count(rs) == 1
	some r in rs
	contains(r.msg, "has no security approval, required for governance level high,")
	r.evidence.high_risk == true
}

test_security_approval_required_for_high_label if {
	rs := mcp_md_010.deny with input as unit(complete, {"mcp.governance.level": {"value": "HIGH", "loc": loc(3)}})
	count(rs) == 1
}

test_security_approval_present_for_high_level if {
	doc := object.union(complete, {"governance": {"level": "high"}, "approvals": {"security": {"by": "secops", "date": "2025-06-11"}}})
	count(findings(doc)) == 0
}

test_security_approval_not_required_below_high if {
	count(findings(object.union(complete, {"governance": {"level": "low"}}))) == 0
	rs := mcp_md_010.deny with input as unit(complete, {"mcp.governance.level": {"value": "${RISK_LEVEL}", "indeterminate": true, "loc": loc(3)}})
	count(rs) == 0
}
