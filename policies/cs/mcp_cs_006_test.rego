package mcp_audit.cs.mcp_cs_006_test

import data.mcp_audit.cs.mcp_cs_006
import rego.v1

sl := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 11}

ol := {"file": "compose.yaml", "line": 7, "col": 9, "end_line": 7, "end_col": 32}

opt(x) := {"value": x, "loc": ol, "indeterminate": false}

svc(opts) := {"unit": {"name": "fetch-mcp"}, "service": {"loc": sl, "security_opt": opts}, "raw": {}}

test_missing if {
	rs := mcp_cs_006.deny with input as svc([])
	count(rs) == 1
	some r in rs
	r.loc == sl
}

test_other_options_only if {
	count(mcp_cs_006.deny) == 1 with input as svc([opt("apparmor:docker-default"), opt("label:disable")])
}

test_true_spellings_pass if {
	count(mcp_cs_006.deny) == 0 with input as svc([opt("no-new-privileges")])
	count(mcp_cs_006.deny) == 0 with input as svc([opt("no-new-privileges:true")])
	count(mcp_cs_006.deny) == 0 with input as svc([opt("no-new-privileges=true")])
	count(mcp_cs_006.deny) == 0 with input as svc([opt("no-new-privileges:TRUE")])
	count(mcp_cs_006.deny) == 0 with input as svc([opt("no-new-privileges=1")])
}

test_explicit_false if {
	rs := mcp_cs_006.deny with input as svc([opt("no-new-privileges:false")])
	count(rs) == 1
	some r in rs
	r.loc == ol
	contains(r.msg, "`no-new-privileges:false`")
	count(mcp_cs_006.deny) == 1 with input as svc([opt("no-new-privileges=0")])
}

test_yaml_mapping_item_does_not_count if {
	item := {"no-new-privileges": true, "loc": ol, "key_locs": {"no-new-privileges": ol}}
	inp := object.union(svc([]), {"raw": {"security_opt": [item]}})
	rs := mcp_cs_006.deny with input as inp
	count(rs) == 1
	some r in rs
	r.loc == ol
	contains(r.msg, "a YAML mapping")
	r.evidence == {"security_opt": {"no-new-privileges": true}}
}

test_unresolved_is_indeterminate if {
	count(mcp_cs_006.deny) == 0 with input as svc([{"value": "", "loc": ol, "indeterminate": true}])
}
