package mcp_audit.cs.mcp_cs_005_test

import data.mcp_audit.cs.mcp_cs_005
import rego.v1

sl := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 11}

vl := {"file": "compose.yaml", "line": 6, "col": 11, "end_line": 6, "end_col": 16}

v(x) := {"value": x, "loc": vl, "indeterminate": false}

svc(fields) := {
	"unit": {"name": "fetch-mcp"},
	"service": object.union({"loc": sl, "cpus": null, "cpus_deploy": null, "cpu_quota": null, "cpu_shares": null, "pids_limit": null}, fields),
	"raw": {},
}

test_missing_limit if {
	rs := mcp_cs_005.deny with input as svc({})
	count(rs) == 1
	some r in rs
	r.loc == sl
	contains(r.msg, "has no CPU limit")
	contains(r.msg, "`pids_limit` is not set either")
}

test_cpu_shares_is_not_a_limit if {
	rs := mcp_cs_005.deny with input as svc({"cpu_shares": v("512"), "pids_limit": v("256")})
	count(rs) == 1
	some r in rs
	contains(r.msg, "`cpu_shares` is a relative weight, not a limit")
	not contains(r.msg, "pids_limit")
	r.evidence.cpu_shares == "512"
}

test_zero_is_not_a_limit if {
	rs := mcp_cs_005.deny with input as svc({"cpus": v("0")})
	some r in rs
	r.loc == vl
	contains(r.msg, "`cpus: 0` is not a limit")
	count(mcp_cs_005.deny) == 1 with input as svc({"cpus_deploy": v("0.0")})
	count(mcp_cs_005.deny) == 1 with input as svc({"cpu_quota": v("-1")})
	count(mcp_cs_005.deny) == 1 with input as svc({"cpus": v("half")})
}

test_limits_pass if {
	count(mcp_cs_005.deny) == 0 with input as svc({"cpus": v("0.5")})
	count(mcp_cs_005.deny) == 0 with input as svc({"cpus_deploy": v("1")})
	count(mcp_cs_005.deny) == 0 with input as svc({"cpu_quota": v("50000")})
}

test_one_valid_limit_is_enough if {
	count(mcp_cs_005.deny) == 0 with input as svc({"cpus": v("0"), "cpus_deploy": v("0.5")})
}

test_unresolved_is_indeterminate if {
	count(mcp_cs_005.deny) == 0 with input as svc({"cpus_deploy": {"value": "", "loc": vl, "indeterminate": true}})
}

test_deploy_pids_limit_counts_for_the_note if {
	inp := object.union(svc({}), {"raw": {"deploy": {"resources": {"limits": {"pids": 128}}}}})
	rs := mcp_cs_005.deny with input as inp
	some r in rs
	not contains(r.msg, "pids_limit")
	r.evidence.pids_limited == true
}

test_reservation_only_mentioned if {
	inp := object.union(svc({}), {"raw": {"deploy": {"resources": {"reservations": {"cpus": "0.25"}}}}})
	rs := mcp_cs_005.deny with input as inp
	count(rs) == 1
	some r in rs
	contains(r.msg, "reservation, not a limit")
}
