package mcp_audit.md.mcp_md_007_test

import data.mcp_audit.md.mcp_md_007
import rego.v1

svc_loc := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9}

sla_loc := {"file": "srv/mcp-manifest.json", "line": 8, "col": 17, "end_line": 8, "end_col": 31}

unit(manifest) := {
	"unit": {"name": "github", "role": "mcp-server"},
	"service": {"loc": svc_loc, "labels": {}},
	"manifest": manifest,
	"config": {},
}

sla(v) := unit({"doc": {
	"security": {"patchSlaDays": v, "key_locs": {"patchSlaDays": sla_loc}},
	"key_locs": {},
}})

test_missing_manifest_fails_with_root_cause if {
	rs := mcp_md_007.deny with input as unit(null)
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	r.evidence.root_cause == "MCP-MD-004"
}

test_missing_sla_fails if {
	rs := mcp_md_007.deny with input as unit({"doc": {"name": "github", "key_locs": {}}})
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	not r.evidence.root_cause
}

test_security_without_sla_fails if {
	count(mcp_md_007.deny) == 1 with input as unit({"doc": {"security": {"key_locs": {}}, "key_locs": {}}})
}

test_long_sla_fails if {
	rs := mcp_md_007.deny with input as sla(30)
	count(rs) == 1
	some r in rs
	r.loc == sla_loc
	r.evidence.patchSlaDays == 30
}

test_eight_days_fails if {
	count(mcp_md_007.deny) == 1 with input as sla(8)
}

test_string_sla_fails if {
	rs := mcp_md_007.deny with input as sla("7")
	count(rs) == 1
	some r in rs
	contains(r.msg, "not a whole number")
}

test_fractional_sla_fails if {
	count(mcp_md_007.deny) == 1 with input as sla(3.5)
}

test_negative_sla_fails if {
	count(mcp_md_007.deny) == 1 with input as sla(-1)
}

test_seven_days_passes if {
	count(mcp_md_007.deny) == 0 with input as sla(7)
}

test_shorter_sla_passes if {
	count(mcp_md_007.deny) == 0 with input as sla(2)
}

test_zero_days_passes if {
	count(mcp_md_007.deny) == 0 with input as sla(0)
}

test_configured_maximum if {
	inp := object.union(sla(14), {"config": {"patch_sla_max_days": 14}})
	count(mcp_md_007.deny) == 0 with input as inp
}
