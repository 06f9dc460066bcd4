package mcp_audit.ec.mcp_ec_005_test

import data.mcp_audit.ec.mcp_ec_005
import rego.v1

b(line) := {"file": "compose.yaml", "line": line, "col": 5, "end_line": line, "end_col": 20}

o(line) := {"file": "compose.override.yaml", "line": line, "col": 5, "end_line": line, "end_col": 20}

v(x, loc) := {"value": x, "loc": loc, "indeterminate": false}

base_service := {
	"loc": b(2),
	"user": v("1001:1001", b(3)),
	"read_only": {"value": true, "loc": b(4)},
	"privileged": null,
	"cap_drop": [v("ALL", b(5))],
	"security_opt": [v("no-new-privileges:true", b(6))],
	"mem_limit": v("512m", b(7)),
	"memory_limit_deploy": null,
	"healthcheck": null,
	"network_mode": null,
	"pid": null,
}

doc(service_patch, effective_patch) := {
	"kind": "compose_service",
	"unit": {"name": "notes-mcp"},
	"base_service": base_service,
	"service": object.union(base_service, service_patch),
	"effective": object.union({"memory_limit": {"set": true, "valid": true, "value": "512m"}}, effective_patch),
	"dockerfile": {"user": {"value": "mcp", "root": false, "indeterminate": false, "source": "USER", "loc": {"file": "Dockerfile", "line": 9}}, "healthcheck": {"present": true, "loc": {"file": "Dockerfile", "line": 12}}},
	"raw": {"key_locs": {"cap_drop": o(9), "security_opt": o(10), "mem_limit": o(11)}},
}

only(d) := r if {
	rs := mcp_ec_005.deny with input as d
	count(rs) == 1
	some r in rs
}

test_unchanged_override_passes if {
	count(mcp_ec_005.deny) == 0 with input as doc({}, {})
	mcp_ec_005.applicable with input as doc({}, {})
}

test_not_applicable_without_override if {
	d := object.union(doc({}, {}), {"base_service": null})
	not mcp_ec_005.applicable with input as d
	count(mcp_ec_005.deny) == 0 with input as d
}

test_read_only_false if {
	r := only(doc({"read_only": {"value": false, "loc": o(3)}}, {}))
	r.loc == o(3)
	r.related == [b(4)]
	contains(r.msg, "`read_only: false` replaces `read_only: true` from compose.yaml")
	startswith(r.msg, "compose.override.yaml relaxes service \"notes-mcp\"")
}

test_privileged_true if {
	r := only(doc({"privileged": {"value": true, "loc": o(4)}}, {}))
	r.loc == o(4)
	contains(r.msg, "`privileged: true` replaces no `privileged`")
}

test_privileged_already_in_base_is_not_a_relaxation if {
	d := doc({"privileged": {"value": true, "loc": o(4)}}, {})
	d2 := object.union(d, {"base_service": {"privileged": {"value": true, "loc": b(8)}}})
	count(mcp_ec_005.deny) == 0 with input as d2
}

test_use_api_socket_true if {
	r := only(doc({"use_api_socket": {"value": true, "loc": o(6)}}, {}))
	r.loc == o(6)
	contains(r.msg, "`use_api_socket: true` replaces no `use_api_socket`")
	d := doc({"use_api_socket": {"value": true, "loc": o(6)}}, {})
	d2 := object.union(d, {"base_service": {"use_api_socket": {"value": true, "loc": b(8)}}})
	count(mcp_ec_005.deny) == 0 with input as d2
	count(mcp_ec_005.deny) == 0 with input as doc({"use_api_socket": {"value": false, "loc": o(6)}}, {})
}

test_host_namespace if {
	r := only(doc({"pid": v("host", o(5))}, {}))
	contains(r.msg, "`pid: host`")
}

test_cap_drop_all_removed if {
	r := only(doc({"cap_drop": [v("NET_RAW", o(9))]}, {}))
	r.loc == o(9)
	r.related == [b(5)]
}

test_no_new_privileges_false if {
	r := only(doc({"security_opt": [v("no-new-privileges:true", b(6)), v("no-new-privileges:false", o(10))]}, {}))
	r.loc == o(10)
	contains(r.msg, "`no-new-privileges:false` replaces `no-new-privileges:true`")
}

test_no_new_privileges_removed if {
	r := only(doc({"security_opt": [v("seccomp:./seccomp.json", o(10))]}, {}))
	contains(r.msg, "without `no-new-privileges`")
}

test_user_root_over_compose_user if {
	r := only(doc({"user": v("root", o(3))}, {}))
	contains(r.msg, "`user: root` replaces `user: 1001:1001`")
}

test_user_uid_zero_over_image_user if {
	d := doc({"user": v("0:0", o(3))}, {})
	d2 := object.union(d, {"base_service": {"user": null}})
	r := only(d2)
	contains(r.msg, "replaces the image's `USER mcp` from Dockerfile")
}

test_user_root_when_base_already_root if {
	d := doc({"user": v("root", o(3))}, {})
	d2 := object.union(d, {"base_service": {"user": v("0", b(3))}})
	count(mcp_ec_005.deny) == 0 with input as d2
}

test_non_root_user_change_passes if {
	count(mcp_ec_005.deny) == 0 with input as doc({"user": v("2000", o(3))}, {})
}

test_memory_limit_removed if {
	r := only(doc({"mem_limit": null}, {"memory_limit": {"set": false, "valid": false}}))
	r.loc == o(11)
	contains(r.msg, "no memory limit replaces `mem_limit: 512m`")
}

test_memory_limit_minus_one if {
	r := only(doc({"mem_limit": v("-1", o(12))}, {"memory_limit": {"set": true, "valid": false, "value": "-1"}}))
	r.loc == o(12)
}

test_memory_limit_lowered_passes if {
	count(mcp_ec_005.deny) == 0 with input as doc({"mem_limit": v("256m", o(12))}, {"memory_limit": {"set": true, "valid": true, "value": "256m"}})
}

test_healthcheck_disabled if {
	h := {"test": null, "test_none": false, "disable": {"value": true, "loc": o(13)}, "loc": o(12)}
	r := only(doc({"healthcheck": h}, {}))
	r.loc == o(13)
	contains(r.msg, "replaces the image HEALTHCHECK from Dockerfile")
}

test_added_port_or_bind_is_not_a_relaxation if {
	d := doc({"ports": [{"published": "8080", "target": "8080", "loc": o(14)}], "volumes": [{"type": "bind", "source": "./src", "target": "/app/src", "read_only": false, "loc": o(15)}]}, {})
	count(mcp_ec_005.deny) == 0 with input as d
}

test_tightening_passes if {
	d := doc({"cap_drop": [v("ALL", b(5))], "cap_add": [], "pids_limit": v("128", o(16))}, {})
	count(mcp_ec_005.deny) == 0 with input as d
}

test_key_loc if {
	d := doc({"mem_limit": null}, {})
	mcp_ec_005.key_loc("mem_limit") == o(11) with input as d
	mcp_ec_005.key_loc("read_only") == b(2) with input as d
}

# --- `!reset`

with_resets(d, resets) := object.union(d, {"unit": {"resets": resets}})

root_image := {"user": {"root": true, "indeterminate": false}}

test_user_reset_to_a_root_image if {
	d := with_resets(doc({"user": null}, root_image), {"user": o(6)})
	r := only(d)
	r.loc == o(6)
	r.related == [b(3)]
	contains(r.msg, "`user: !reset` (the image's user: root) replaces `user: 1001:1001`")
}

test_user_reset_to_an_opaque_image if {
	d := with_resets(doc({"user": null}, {"user": {"root": false, "indeterminate": true}}), {"user": o(6)})
	contains(only(d).msg, "(the image's user: unknown, the image is not built here)")
}

test_user_reset_to_a_non_root_image_passes if {
	d := with_resets(doc({"user": null}, {"user": {"root": false, "indeterminate": false}}), {"user": o(6)})
	count(mcp_ec_005.deny) == 0 with input as d
}

health_base := object.union(doc({}, {}), {"base_service": {"healthcheck": {"loc": b(12), "test": [v("CMD", b(12))]}}})

test_healthcheck_reset_leaves_none if {
	d := with_resets(object.union(health_base, {"effective": {"healthcheck": {"present": false}}}), {"healthcheck": o(7)})
	r := only(json.remove(d, ["service/healthcheck"]))
	r.loc == o(7)
	r.related == [b(12)]
	contains(r.msg, "`healthcheck: !reset` (no healthcheck left) replaces the base healthcheck")
}

test_healthcheck_reset_to_the_image_healthcheck_passes if {
	d := with_resets(object.union(health_base, {"effective": {"healthcheck": {"present": true}}}), {"healthcheck": o(7)})
	count(mcp_ec_005.deny) == 0 with input as json.remove(d, ["service/healthcheck"])
}

test_read_only_reset_points_at_the_reset if {
	d := with_resets(json.remove(doc({}, {}), ["service/read_only"]), {"read_only": o(8)})
	r := only(d)
	r.loc == o(8)
	contains(r.msg, "no `read_only` replaces `read_only: true`")
}

test_memory_limit_reset_in_deploy_points_at_the_reset if {
	d0 := doc({"mem_limit": null}, {"memory_limit": {"set": false, "valid": false}})
	d := with_resets(object.union(d0, {"raw": {"key_locs": {"mem_limit": null}}}), {"deploy.resources.limits.memory": o(13)})
	r := only(d)
	r.loc == o(13)
	contains(r.msg, "no memory limit replaces `mem_limit: 512m`")
}

# --- the production variant

prod(d) := object.union(d, {"unit": {"variant": "prod", "files": ["compose.yaml", "compose.prod.yaml"]}})

pl(line) := {"file": "compose.prod.yaml", "line": line, "col": 9, "end_line": line, "end_col": 30}

test_prod_variant_adds_a_debugger_port if {
	d := prod(doc({"ports": [{"target": "9229", "published": "9229", "loc": pl(4)}]}, {}))
	r := only(d)
	r.loc == pl(4)
	contains(r.msg, "a published debugger port `9229` replaces no debugger port")
}

test_prod_variant_adds_source_binds if {
	vols := [
		{"type": "bind", "source": ".", "target": "/app", "read_only": false, "loc": pl(5)},
		{"type": "bind", "source": "./src/", "target": "/app/src", "read_only": true, "loc": pl(6)},
		{"type": "bind", "source": "./server.py", "target": "/app/server.py", "read_only": true, "loc": pl(7)},
	]
	rs := mcp_ec_005.deny with input as prod(doc({"volumes": vols}, {}))
	{r.loc.line | some r in rs} == {5, 6, 7}
}

test_prod_variant_config_binds_and_other_variants_pass if {
	vols := [
		{"type": "bind", "source": "./config/prod.yaml", "target": "/etc/app.yaml", "read_only": true, "loc": pl(5)},
		{"type": "bind", "source": "./data", "target": "/data", "read_only": false, "loc": pl(6)},
		{"type": "volume", "source": "app", "target": "/app", "read_only": false, "loc": pl(7)},
	]
	count(mcp_ec_005.deny) == 0 with input as prod(doc({"volumes": vols, "ports": [{"target": "8080", "loc": pl(4)}]}, {}))
	dev := object.union(prod(doc({"ports": [{"target": "9229", "loc": pl(4)}]}, {})), {"unit": {"variant": "dev"}})
	count(mcp_ec_005.deny) == 0 with input as dev
}

test_prod_debug_port_from_the_base_file_is_not_added_by_the_variant if {
	d := prod(doc({"ports": [{"target": "9229", "loc": b(9)}]}, {}))
	count(mcp_ec_005.deny) == 0 with input as d
}

# --- a dev-only file merged in by `include:` or `extends:`

merged(file, via, line) := {"file": file, "via": via, "loc": b(line)}

merged_doc(unit_patch, profiles) := {
	"kind": "compose_service",
	"unit": object.union({"name": "notes-mcp", "files": ["compose.yaml"], "variant": null}, unit_patch),
	"base_service": null,
	"service": base_service,
	"effective": {},
	"raw": {"profiles": profiles},
}

test_included_dev_file_fires if {
	d := merged_doc({"merged_in": [merged("servers/notes/docker-compose.dev.yml", "include", 2)]}, null)
	mcp_ec_005.applicable with input as d
	r := only(d)
	r.loc == b(2)
	r.evidence == {"file": "servers/notes/docker-compose.dev.yml", "via": "include"}
	contains(r.msg, "dev-only file servers/notes/docker-compose.dev.yml")
	startswith(r.msg, "`include:` brings")
}

test_extended_debug_and_local_files_fire if {
	d := merged_doc({"merged_in": [merged("common/compose-debug.yaml", "extends", 4), merged("compose.local.yml", "extends", 6)]}, null)
	rs := mcp_ec_005.deny with input as d
	count(rs) == 2
}

test_other_merged_files_pass if {
	files := ["servers/notes/compose.yaml", "common/base.yaml", "devices/compose.yaml", "local-llm.yaml", "compose.prod.yml"]
	d := merged_doc({"merged_in": [merged(f, "include", 2) | some f in files]}, null)
	not mcp_ec_005.applicable with input as d
	count(mcp_ec_005.deny) == 0 with input as d
}

test_dev_file_in_a_dev_set_passes if {
	m := [merged("common/compose.dev.yaml", "extends", 4)]
	count(mcp_ec_005.deny) == 0 with input as merged_doc({"merged_in": m, "variant": "dev"}, null)
	count(mcp_ec_005.deny) == 0 with input as merged_doc({"merged_in": m, "files": ["docker-compose.development.yml"]}, null)
	count(mcp_ec_005.deny) == 0 with input as merged_doc({"merged_in": m}, ["debug"])
	count(mcp_ec_005.deny) == 0 with input as merged_doc({"merged_in": m}, ["local"])
	count(mcp_ec_005.deny) == 0 with input as merged_doc({"merged_in": m, "variant": "local"}, null)
	count(mcp_ec_005.deny) == 1 with input as merged_doc({"merged_in": m}, ["tools"])
}
