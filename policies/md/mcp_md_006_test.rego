package mcp_audit.md.mcp_md_006_test

import data.mcp_audit.md.mcp_md_006
import rego.v1

svc_loc := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9}

review_loc := {"file": "srv/mcp-manifest.json", "line": 7, "col": 3, "end_line": 7, "end_col": 11}

cycle_loc := {"file": "srv/mcp-manifest.json", "line": 7, "col": 15, "end_line": 7, "end_col": 22}

last_loc := {"file": "srv/mcp-manifest.json", "line": 7, "col": 37, "end_line": 7, "end_col": 51}

unit(manifest) := {
	"unit": {"name": "main", "role": "mcp-server"},
	"service": {"loc": svc_loc, "labels": {}},
	"manifest": manifest,
	"config": {},
	"scan": {"date": "2026-01-31"},
}

manifest(review) := {"doc": {
	"review": object.union(review, {"key_locs": {"cycle": cycle_loc, "lastReviewed": last_loc}}),
	"key_locs": {"review": review_loc},
}}

review(cycle, last) := unit(manifest({"cycle": cycle, "lastReviewed": last}))

test_missing_manifest_fails_with_root_cause if {
	rs := mcp_md_006.deny with input as unit(null)
	count(rs) == 1
	some r in rs
	r.loc == svc_loc
	r.evidence.root_cause == "MCP-MD-004"
}

test_missing_review_fails_twice if {
	rs := mcp_md_006.deny with input as unit({"doc": {"name": "main", "key_locs": {}}})
	count(rs) == 2
	every r in rs {
		r.loc == svc_loc
		not r.evidence.root_cause
	}
}

test_missing_cycle_fails if {
	rs := mcp_md_006.deny with input as unit(manifest({"lastReviewed": "2026-01-15"}))
	count(rs) == 1
	some r in rs
	r.evidence.field == "review.cycle"
}

test_invalid_cycle_fails if {
	rs := mcp_md_006.deny with input as review("weekly", "2026-01-15")
	count(rs) == 1
	some r in rs
	r.loc == cycle_loc
}

test_non_string_cycle_fails if {
	count(mcp_md_006.deny) == 1 with input as review(90, "2026-01-15")
}

test_cycle_slower_than_policy_fails if {
	rs := mcp_md_006.deny with input as review("annual", "2026-01-15")
	count(rs) == 1
	some r in rs
	r.evidence.policy == "quarterly"
}

test_semiannual_slower_than_policy_fails if {
	count(mcp_md_006.deny) == 1 with input as review("semiannual", "2026-01-15")
}

test_configured_policy_accepts_annual if {
	inp := object.union(review("annual", "2025-06-01"), {"config": {"review_cycle": "annual"}})
	count(mcp_md_006.deny) == 0 with input as inp
}

test_missing_last_reviewed_fails if {
	rs := mcp_md_006.deny with input as unit(manifest({"cycle": "quarterly"}))
	count(rs) == 1
	some r in rs
	r.evidence.field == "review.lastReviewed"
}

test_invalid_date_fails if {
	rs := mcp_md_006.deny with input as review("quarterly", "2026-13-01")
	count(rs) == 1
	some r in rs
	r.loc == last_loc
}

test_non_date_fails if {
	count(mcp_md_006.deny) == 1 with input as review("quarterly", "last spring")
}

# 2026-01-31 - 2025-10-17 = 106 days = 92 + 14: still within the grace.
test_quarterly_at_the_end_of_the_grace_passes if {
	count(mcp_md_006.deny) == 0 with input as review("quarterly", "2025-10-17")
}

test_quarterly_one_day_late_fails if {
	rs := mcp_md_006.deny with input as review("quarterly", "2025-10-16")
	count(rs) == 1
	some r in rs
	r.loc == last_loc
	r.evidence.days == 107
	r.evidence.allowed_days == 106
}

test_recent_review_passes if {
	count(mcp_md_006.deny) == 0 with input as review("quarterly", "2026-01-15")
}

test_review_on_the_scan_date_passes if {
	count(mcp_md_006.deny) == 0 with input as review("quarterly", "2026-01-31")
}

test_future_review_date_passes if {
	count(mcp_md_006.deny) == 0 with input as review("quarterly", "2099-01-01")
}

# 2026-01-31 - 2025-12-17 = 45 days = 31 + 14.
test_monthly_within_window_passes if {
	count(mcp_md_006.deny) == 0 with input as review("monthly", "2025-12-17")
}

test_monthly_overdue_fails if {
	rs := mcp_md_006.deny with input as review("monthly", "2025-12-16")
	count(rs) == 1
	some r in rs
	r.evidence.allowed_days == 45
}

test_slow_cycle_is_judged_on_the_policy_window if {
	rs := mcp_md_006.deny with input as review("annual", "2025-06-01")
	count(rs) == 2
}

test_invalid_cycle_is_judged_on_the_policy_window if {
	count(mcp_md_006.deny) == 1 with input as review("weekly", "2025-10-17")
	count(mcp_md_006.deny) == 2 with input as review("weekly", "2025-10-16")
}

test_cycle_is_case_insensitive if {
	count(mcp_md_006.deny) == 0 with input as review("Quarterly", "2026-01-15")
}

test_seed_004_main_overdue_at_2026_01_31 if {
	# seed 004 `main`: quarterly, last reviewed 2025-03-14 (323 days before).
	count(mcp_md_006.deny) == 1 with input as review("quarterly", "2025-03-14")
}

test_seed_004_main_within_window_at_2025_06_01 if {
	inp := object.union(review("quarterly", "2025-03-14"), {"scan": {"date": "2025-06-01"}})
	count(mcp_md_006.deny) == 0 with input as inp
}
