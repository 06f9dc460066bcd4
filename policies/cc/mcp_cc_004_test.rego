package mcp_audit.cc.mcp_cc_004_test

import data.mcp_audit.cc.mcp_cc_004
import rego.v1

l(line) := {"file": ".cursor/mcp.json", "line": line, "col": 9, "end_line": line, "end_col": 20}

hardened := {
	"rm": true,
	"read_only": true,
	"cap_drop": ["ALL"],
	"security_opt": ["no-new-privileges"],
	"memory": "512m",
	"cpus": "1",
	"user": "1000:1000",
	"options": [{"name": "i", "value": null, "loc": l(3)}],
}

entry(docker) := {"unit": {"name": "github"}, "server": {"name": "github", "type": null, "command": {"value": "docker", "loc": l(1)}, "docker": docker}}

findings(docker) := rs if {
	rs := mcp_cc_004.deny with input as entry(docker)
}

test_full_baseline_passes if {
	count(findings(hardened)) == 0
}

test_seed_001_bridge if {
	rs := findings({"rm": true, "read_only": false, "cap_drop": [], "security_opt": [], "memory": null, "cpus": null, "user": null, "options": [{"name": "rm", "value": null, "loc": l(3)}, {"name": "i", "value": null, "loc": l(4)}, {"name": "network", "value": "host", "loc": l(5)}]})
	count(rs) == 1
	some r in rs
	r.loc.line == 1
	r.evidence.missing == ["`--read-only`", "`--cap-drop ALL`", "`--security-opt no-new-privileges`", "`--memory`", "`--cpus`", "a non-root `--user`"]
}

test_each_item_missing if {
	every key in ["rm", "read_only", "cap_drop", "security_opt", "memory", "cpus", "user"] {
		count(findings(object.remove(hardened, [key]))) == 1
	}
}

test_interactive_missing if {
	rs := findings(object.union(hardened, {"options": []}))
	some r in rs
	r.evidence.missing == ["`-i`"]
}

test_weak_values_count_as_missing if {
	rs := findings(object.union(hardened, {"cap_drop": ["NET_RAW"], "security_opt": ["no-new-privileges:false"], "memory": "0", "user": "root"}))
	some r in rs
	r.evidence.missing == ["`--cap-drop ALL`", "`--security-opt no-new-privileges`", "`--memory`", "a non-root `--user`"]
}

test_security_opt_forms if {
	count(findings(object.union(hardened, {"security_opt": ["no-new-privileges=true"]}))) == 0
	count(findings(object.union(hardened, {"security_opt": ["no-new-privileges:true"]}))) == 0
}

test_detached_stdio_server if {
	rs := findings(object.union(hardened, {"options": [{"name": "i", "value": null, "loc": l(3)}, {"name": "d", "value": null, "loc": l(4)}]}))
	count(rs) == 1
	some r in rs
	r.loc.line == 4
	contains(r.msg, "detached")
}

test_not_applicable_to_gateway_entry if {
	# `docker mcp gateway run` is not `docker run`: the Rust side leaves `docker` null.
	not mcp_cc_004.applicable with input as {"unit": {"name": "MCP_DOCKER"}, "server": {"name": "MCP_DOCKER", "command": {"value": "docker", "loc": l(1)}, "docker": null}}
}
