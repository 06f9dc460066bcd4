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

# Without `-u`, the image's Dockerfile (known here) decides.
image_with_user(root, indeterminate) := {"dockerfile": {"user": {"value": "mcp", "root": root, "indeterminate": indeterminate}}}

with_image(docker, image) := rs if {
	d := object.union(entry(docker), {"image": image})
	rs := mcp_cc_004.deny with input as d
}

test_non_root_image_user_passes_without_u if {
	no_user := object.union(hardened, {"user": null})
	count(with_image(no_user, image_with_user(false, false))) == 0
}

test_root_unknown_or_undecided_image_user_needs_u if {
	no_user := object.union(hardened, {"user": null})
	every image in [image_with_user(true, false), image_with_user(false, true), null] {
		some r in with_image(no_user, image)
		r.evidence.missing == ["a non-root `--user`"]
	}
}

# An explicit root `-u` is not rescued by the image.
test_root_u_with_non_root_image_fires if {
	count(with_image(object.union(hardened, {"user": "root"}), image_with_user(false, false))) == 1
}
