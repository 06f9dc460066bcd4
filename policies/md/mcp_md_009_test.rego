package mcp_audit.md.mcp_md_009_test

import data.mcp_audit.md.mcp_md_009
import rego.v1

loc(line) := {"file": "github/mcp-manifest.json", "line": line, "col": 3, "end_line": line, "end_col": 9}

service := {"loc": {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 13}}

active := {
	"status": "active",
	"decommissionTriggers": ["unused-90d", "superseded-by-catalog", "unfixable-vuln"],
	"lastUsed": "2026-01-20",
	"sunsetDate": null,
	"supersededBy": null,
	"key_locs": {"status": loc(10), "decommissionTriggers": loc(11), "lastUsed": loc(12), "sunsetDate": loc(13), "supersededBy": loc(14)},
}

unit(lifecycle) := {
	"unit": {"name": "github-mcp", "role": "mcp-server"},
	"service": service,
	"manifest": {"file": "github/mcp-manifest.json", "loc": loc(1), "doc": {"name": "github", "lifecycle": lifecycle, "key_locs": {"lifecycle": loc(9)}}},
	"scan": {"date": "2026-01-31"},
}

# lifecycle(changes): the active lifecycle with fields replaced.
lifecycle(changes) := object.union(active, changes)

findings(lc) := rs if {
	rs := mcp_md_009.deny with input as unit(lc)
}

has(lc, text) if {
	some r in findings(lc)
	contains(r.msg, text)
}

test_active_server_with_triggers_and_recent_use if {
	count(findings(active)) == 0
}

test_supporting_service_not_applicable if {
	not mcp_md_009.applicable with input as {"unit": {"name": "db", "role": "supporting-service"}, "manifest": null}
}

test_no_manifest_root_cause_md_004 if {
	rs := mcp_md_009.deny with input as {"unit": {"name": "github-mcp", "role": "mcp-server"}, "service": service, "manifest": null, "scan": {"date": "2026-01-31"}}
	count(rs) == 1
	some r in rs
	r.evidence.root_cause == "MCP-MD-004"
	r.loc.line == 2
}

test_status_missing if {
	rs := findings(object.union(object.remove(active, ["status", "key_locs"]), {"key_locs": object.remove(active.key_locs, ["status"])}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "declares no lifecycle status")
	r.loc.line == 9
}

test_triggers_missing_or_empty if {
	has(object.remove(active, ["decommissionTriggers"]), "declares no decommission triggers")
	has(lifecycle({"decommissionTriggers": []}), "declares no decommission triggers")
}

test_no_lifecycle_block if {
	rs := mcp_md_009.deny with input as object.union(unit(active), {"manifest": {"doc": {"lifecycle": null}}})
	count(rs) == 2
}

test_deprecated_past_sunset if {
	rs := findings(lifecycle({"status": "deprecated", "sunsetDate": "2026-01-30"}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "past its sunset date 2026-01-30")
	r.evidence.trigger == "sunset"
	r.loc.line == 13
}

test_deprecated_before_sunset if {
	count(findings(lifecycle({"status": "deprecated", "sunsetDate": "2026-01-31"}))) == 0
	count(findings(lifecycle({"status": "deprecated", "sunsetDate": "2026-06-30"}))) == 0
}

test_decommissioned_still_deployed if {
	has(lifecycle({"status": "decommissioned"}), "is decommissioned but still deployed")
}

test_unused_for_more_than_90_days if {
	rs := findings(lifecycle({"lastUsed": "2025-11-01"}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "last used on 2025-11-01, more than 90 days before the scan")
	r.evidence.days == 91
	r.loc.line == 12
}

test_used_90_days_ago if {
	count(findings(lifecycle({"lastUsed": "2025-11-02"}))) == 0
}

test_last_used_unknown_is_not_a_trigger if {
	count(findings(object.remove(active, ["lastUsed"]))) == 0
	count(findings(lifecycle({"lastUsed": null}))) == 0
}

test_superseded if {
	has(lifecycle({"supersededBy": "docker.io/mcp/github"}), "is superseded by \"docker.io/mcp/github\"")
	count(findings(lifecycle({"supersededBy": ""}))) == 0
}
