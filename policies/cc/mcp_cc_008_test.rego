package mcp_audit.cc.mcp_cc_008_test

import data.mcp_audit.cc.mcp_cc_008
import rego.v1

l(line) := {"file": "cline_mcp_settings.json", "line": line, "col": 7, "end_line": line, "end_col": 20}

entry(raw, config) := {"unit": {"name": "filesystem"}, "server": {"name": "filesystem", "raw": object.union(raw, {"key_locs": {"alwaysAllow": l(8), "autoApprove": l(9)}})}, "config": config}

findings(raw) := rs if {
	rs := mcp_cc_008.deny with input as entry(raw, {})
}

test_always_allow_list if {
	rs := findings({"alwaysAllow": ["read_file", "write_file"]})
	count(rs) == 1
	some r in rs
	r.loc.line == 8
	contains(r.msg, "tools `read_file`, `write_file`")
	r.evidence.all == false
}

test_auto_approve_list if {
	rs := findings({"autoApprove": ["execute_command"]})
	count(rs) == 1
	some r in rs
	r.loc.line == 9
	contains(r.msg, "tool `execute_command`")
}

test_auto_approve_true if {
	rs := findings({"autoApprove": true})
	count(rs) == 1
	some r in rs
	contains(r.msg, "every tool")
	r.evidence.all == true
}

test_wildcard if {
	rs := findings({"alwaysAllow": ["*"]})
	some r in rs
	r.evidence.all == true
}

test_both_keys if {
	count(findings({"alwaysAllow": ["write_file"], "autoApprove": ["delete_file"]})) == 2
}

test_empty_or_absent_passes if {
	count(findings({"alwaysAllow": []})) == 0
	count(findings({"autoApprove": false})) == 0
	count(findings({})) == 0
}

test_read_only_allowlist if {
	cfg := {"auto_approve_allowlist": ["read_*", "list_directory"]}
	rs := mcp_cc_008.deny with input as entry({"alwaysAllow": ["read_file", "list_directory"]}, cfg)
	count(rs) == 0
	rs2 := mcp_cc_008.deny with input as entry({"alwaysAllow": ["read_file", "write_file", "*"]}, cfg)
	some r in rs2
	r.evidence.tools == ["write_file", "*"]
	r.evidence.all == true
}
