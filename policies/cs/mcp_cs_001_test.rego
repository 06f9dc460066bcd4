package mcp_audit.cs.mcp_cs_001_test

import data.mcp_audit.cs.mcp_cs_001
import rego.v1

l := {"file": "compose.yaml", "line": 4, "col": 5, "end_line": 4, "end_col": 21}

test_privileged_true if {
	count(mcp_cs_001.deny) == 1 with input as {"unit": {"name": "a"}, "service": {"privileged": {"value": true, "loc": l}, "cap_add": [], "devices": []}}
}

test_privileged_false if {
	count(mcp_cs_001.deny) == 0 with input as {"unit": {"name": "a"}, "service": {"privileged": {"value": false, "loc": l}, "cap_add": [], "devices": []}}
}

test_cap_add_all_any_spelling if {
	count(mcp_cs_001.deny) == 2 with input as {"unit": {"name": "a"}, "service": {"cap_add": [{"value": "ALL", "loc": l}, {"value": "cap_all", "loc": object.union(l, {"line": 5})}, {"value": "NET_BIND_SERVICE", "loc": l}], "devices": []}}
}

test_raw_device if {
	rs := mcp_cs_001.deny with input as {"unit": {"name": "a"}, "service": {"cap_add": [], "devices": [{"host": "/dev/sda", "value": "/dev/sda:/dev/sda", "loc": l}]}}
	some r in rs
	r.loc == l
}

hub(env, df_env) := {
	"unit": {"name": "gateway", "role": "hub"},
	"service": {"cap_add": [], "devices": [], "environment": env},
	"dockerfile": {"env": df_env},
}

test_gateway_in_dind_mode if {
	rs := mcp_cs_001.deny with input as hub({"DOCKER_MCP_IN_DIND": {"value": "1", "loc": l}}, {})
	count(rs) == 1
	some r in rs
	r.loc == l
	contains(r.msg, "every MCP server it starts runs `--privileged`")
	count(mcp_cs_001.deny) == 1 with input as hub({}, {"DOCKER_MCP_IN_DIND": {"value": "true", "loc": l}})
}

test_gateway_dind_off_or_not_a_hub if {
	count(mcp_cs_001.deny) == 0 with input as hub({"DOCKER_MCP_IN_DIND": {"value": "0", "loc": l}}, {"DOCKER_MCP_IN_DIND": {"value": "1", "loc": l}})
	count(mcp_cs_001.deny) == 0 with input as hub({}, {})
	d := object.union(hub({"DOCKER_MCP_IN_DIND": {"value": "1", "loc": l}}, {}), {"unit": {"role": "mcp-server"}})
	count(mcp_cs_001.deny) == 0 with input as d
}

test_gateway_dind_from_an_unset_variable_is_undecided if {
	unset := {"DOCKER_MCP_IN_DIND": {"value": "", "loc": l, "indeterminate": true, "vars": [{"name": "DIND", "origin": "unset"}]}}
	count(mcp_cs_001.deny) == 0 with input as hub(unset, {})
	us := mcp_cs_001.indeterminate with input as hub(unset, {})
	count(us) == 1
	some u in us
	u.loc == l
	u.reason == "whether hub \"gateway\" starts every MCP server `--privileged` is decided at deploy time: ${DIND} is not set and has no default"

	# A default decides it; only a hub runs servers.
	count(mcp_cs_001.indeterminate) == 0 with input as hub({"DOCKER_MCP_IN_DIND": {"value": "0", "loc": l, "indeterminate": false}}, {})
	count(mcp_cs_001.indeterminate) == 0 with input as object.union(hub(unset, {}), {"unit": {"role": "mcp-server"}})
}

hooked(hooks) := {
	"unit": {"name": "chat-mcp", "role": "mcp-server"},
	"service": {"cap_add": [], "devices": []},
	"raw": hooks,
}

hook_loc := {"file": "compose.yaml", "line": 10, "col": 9, "end_line": 10, "end_col": 19}

test_privileged_lifecycle_hook if {
	h := {"command": "chown -R 10001 /data", "user": "root", "privileged": true, "loc": l, "key_locs": {"privileged": hook_loc}}
	rs := mcp_cs_001.deny with input as hooked({"post_start": [h]})
	count(rs) == 1
	some r in rs
	r.loc == hook_loc
	r.msg == "service \"chat-mcp\" runs a `post_start` hook with `privileged: true`: its command gets every capability, as `docker exec --privileged` does"
	r.evidence == {"hook": "post_start", "user": "root"}
	count(mcp_cs_001.deny) == 1 with input as hooked({"pre_stop": [object.union(h, {"privileged": "yes"})]})

	# Unprivileged hooks, a root user alone, and shapes that are not hook lists pass.
	count(mcp_cs_001.deny) == 0 with input as hooked({"post_start": [object.union(h, {"privileged": false})]})
	count(mcp_cs_001.deny) == 0 with input as hooked({"post_start": [{"command": "true", "user": "root", "loc": l}]})
	count(mcp_cs_001.deny) == 0 with input as hooked({"post_start": "oops", "pre_stop": [1]})
}
