package mcp_audit.cs.mcp_cs_011_test

import data.mcp_audit.cs.mcp_cs_011
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 30}

opt(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

svc(opts) := {"unit": {"name": "srv"}, "service": {"name": "srv", "security_opt": opts}}

fires(value) if {
	rs := mcp_cs_011.deny with input as svc([opt(value, 4)])
	count(rs) == 1
}

test_seccomp_colon if fires("seccomp:unconfined")

test_seccomp_equals if fires("seccomp=unconfined")

test_apparmor_colon if fires("apparmor:unconfined")

test_apparmor_equals if fires("apparmor=unconfined")

test_label_colon if fires("label:disable")

test_label_equals if fires("label=disable")

test_systempaths if fires("systempaths=unconfined")

test_upper_case if fires("SECCOMP:UNCONFINED")

test_message_names_option if {
	rs := mcp_cs_011.deny with input as svc([opt("apparmor=unconfined", 4)])
	some r in rs
	contains(r.msg, "AppArmor profile")
	r.evidence.security_opt == "apparmor=unconfined"
	r.loc == l(4)
}

test_each_option_reported if {
	rs := mcp_cs_011.deny with input as svc([opt("seccomp:unconfined", 4), opt("label:disable", 5), opt("no-new-privileges:true", 6)])
	count(rs) == 2
}

test_custom_seccomp_profile_passes if {
	count(mcp_cs_011.deny) == 0 with input as svc([opt("seccomp=./profiles/mcp.json", 4)])
}

test_custom_apparmor_profile_passes if {
	count(mcp_cs_011.deny) == 0 with input as svc([opt("apparmor=docker-mcp", 4)])
}

test_no_new_privileges_passes if {
	count(mcp_cs_011.deny) == 0 with input as svc([opt("no-new-privileges:true", 4)])
}

test_selinux_level_passes if {
	count(mcp_cs_011.deny) == 0 with input as svc([opt("label=level:s0:c100,c200", 4)])
}

test_no_security_opt_passes if {
	count(mcp_cs_011.deny) == 0 with input as svc([])
}

test_indeterminate_skipped if {
	count(mcp_cs_011.deny) == 0 with input as svc([{"value": "seccomp:", "loc": l(4), "indeterminate": true}])
}
