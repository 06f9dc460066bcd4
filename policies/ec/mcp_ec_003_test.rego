package mcp_audit.ec.mcp_ec_003_test

import data.mcp_audit.ec.mcp_ec_003
import rego.v1

l := {"file": "compose.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 17}

v(x) := {"value": x, "loc": l, "indeterminate": false}

# A fully hardened service; tests remove or change one control at a time.
hardened := {
	"kind": "compose_service",
	"unit": {"name": "filesystem-mcp", "role": "mcp-server"},
	"service": {
		"loc": l,
		"labels": {"mcp.server": v("files"), "mcp.governance.level": v("high"), "mcp.governance.audit": v("true")},
		"cpus": v("0.5"),
		"security_opt": [v("no-new-privileges:true")],
		"cap_drop": [v("ALL")],
		"read_only": {"value": true, "loc": l},
		"volumes": [{"type": "bind", "source": "./workspace", "target": "/workspace", "read_only": false, "loc": l, "indeterminate": false}],
		"networks": [{"name": "mcp-internal", "loc": l}],
		"network_mode": null,
	},
	"effective": {
		"user": {"value": "1001", "root": false, "indeterminate": false, "loc": l},
		"memory_limit": {"set": true, "valid": true, "value": "512m", "loc": l},
	},
	"project": {"networks": {"mcp-internal": {"internal": true, "external": false}, "mcp-public": {"internal": false, "external": false}}},
	"dockerfile": null,
	"manifest": {"doc": {"approvals": {"security": {"by": "security-team", "date": "2026-01-10"}}}},
	"config": {"high_risk_classes": ["shell", "docker", "database", "filesystem", "browser"]},
}

with_service(patch) := object.union(hardened, {"service": patch})

missing(doc) := {c | some r in mcp_ec_003.deny with input as doc; some c in r.evidence.missing}

test_hardened_high_risk_passes if {
	count(mcp_ec_003.deny) == 0 with input as hardened
	mcp_ec_003.applicable with input as hardened
}

test_not_applicable_to_medium if {
	d := with_service({"labels": {"mcp.server": v("notes"), "mcp.governance.level": v("medium")}, "cap_drop": []})
	d2 := object.union(d, {"unit": {"name": "notes-mcp"}})
	not mcp_ec_003.applicable with input as d2
	count(mcp_ec_003.deny) == 0 with input as d2
}

test_level_from_image_label if {
	d := object.union(with_service({"labels": {"mcp.server": v("notes")}, "cap_drop": []}), {"unit": {"name": "notes-mcp"}, "dockerfile": {"labels": {"mcp.governance.level": v("high")}}})
	d2 := json.remove(d, ["service/labels/mcp.governance.level"])
	rs := mcp_ec_003.deny with input as d2
	some r in rs
	contains(r.msg, "governance level high from the image label")
}

test_level_from_manifest if {
	d := object.union(with_service({"labels": {"mcp.server": v("notes")}, "cap_drop": []}), {"unit": {"name": "notes-mcp"}, "manifest": {"doc": {"governance": {"level": "high", "audit": true}}}})
	d2 := json.remove(d, ["service/labels/mcp.governance.level", "service/labels/mcp.governance.audit"])
	missing(d2) == {"cap_drop: ALL"}
}

test_service_label_wins_over_manifest if {
	d := object.union(with_service({"labels": {"mcp.server": v("notes"), "mcp.governance.level": v("low")}, "cap_drop": []}), {"unit": {"name": "notes-mcp"}, "manifest": {"doc": {"governance": {"level": "high"}}}})
	not mcp_ec_003.applicable with input as d
}

test_indeterminate_level_is_not_high if {
	d := object.union(with_service({"labels": {"mcp.server": v("notes"), "mcp.governance.level": {"value": "", "indeterminate": true, "loc": l}}}), {"unit": {"name": "notes-mcp"}})
	not mcp_ec_003.applicable with input as d
}

test_high_risk_class_by_service_name if {
	d := object.union(with_service({"labels": {"mcp.governance.level": v("low"), "mcp.governance.audit": v("true")}, "cap_drop": []}), {"unit": {"name": "mcp-shell"}})
	rs := mcp_ec_003.deny with input as d
	some r in rs
	contains(r.msg, "high-risk class \"shell\"")
}

# Every class named by a word of the service name or of the `mcp.server` label
# counts, each once; an indeterminate label names none.
test_high_risk_classes_from_both_names if {
	labels := {"mcp.server": v("Docker_Browser"), "mcp.governance.level": v("low")}
	d := object.union(with_service({"labels": labels}), {"unit": {"name": "shell-docker"}})
	mcp_ec_003.risk_reasons == {"high-risk class \"shell\"", "high-risk class \"docker\"", "high-risk class \"browser\""} with input as d
	unresolved := {"mcp.server": {"value": "browser", "loc": l, "indeterminate": true}, "mcp.governance.level": v("low")}
	d2 := object.union(with_service({"labels": unresolved}), {"unit": {"name": "notes"}})
	not mcp_ec_003.applicable with input as d2
}

test_class_needs_a_whole_word if {
	d := object.union(with_service({"labels": {"mcp.server": v("shellcheck"), "mcp.governance.level": v("low")}}), {"unit": {"name": "shellcheck-mcp"}})
	not mcp_ec_003.applicable with input as d
}

test_class_only_for_mcp_servers if {
	d := object.union(with_service({"labels": {"mcp.server": v("postgres"), "mcp.governance.level": v("low")}}), {"unit": {"name": "database", "role": "supporting-service"}})
	not mcp_ec_003.applicable with input as d
}

test_s1_filesystem_mcp_lists_every_gap if {
	d := object.union(hardened, {
		"service": {
			"labels": {"mcp.server": v("filesystem"), "mcp.governance.level": v("high")},
			"cpus": null,
			"cap_drop": [],
			"volumes": [{"type": "bind", "source": "/home/ichardart/code", "target": "/workspace", "read_only": false, "loc": l, "indeterminate": false}],
		},
		"effective": {"memory_limit": {"set": false, "loc": l}},
	})
	d2 := json.remove(d, ["service/labels/mcp.governance.audit"])
	missing(d2) == {"memory limit", "CPU limit", "cap_drop: ALL", "no writable sensitive bind mount", "audit enabled"}
	rs := mcp_ec_003.deny with input as d2
	count(rs) == 1
	some r in rs
	r.loc == l
	contains(r.msg, "/home/ichardart/code mounted read-write")
	r.evidence.missing == ["memory limit", "CPU limit", "cap_drop: ALL", "no writable sensitive bind mount", "audit enabled"]
}

test_root_user if {
	missing(object.union(hardened, {"effective": {"user": {"root": true}}})) == {"non-root user"}
}

test_indeterminate_user_counts_as_missing if {
	rs := mcp_ec_003.deny with input as object.union(hardened, {"effective": {"user": {"root": false, "indeterminate": true}}})
	some r in rs
	contains(r.msg, "non-root user (user indeterminate)")
}

test_memory_limit_zero if {
	missing(object.union(hardened, {"effective": {"memory_limit": {"set": true, "valid": false, "value": "0"}}})) == {"memory limit"}
}

test_cpu_limit_zero_or_missing if {
	missing(with_service({"cpus": v("0")})) == {"CPU limit"}
	missing(with_service({"cpus": null})) == {"CPU limit"}
}

test_cpu_limit_from_deploy_or_quota if {
	count(mcp_ec_003.deny) == 0 with input as with_service({"cpus": null, "cpus_deploy": v("1.5")})
	count(mcp_ec_003.deny) == 0 with input as with_service({"cpus": null, "cpu_quota": v("50000")})
}

test_no_new_privileges if {
	missing(with_service({"security_opt": []})) == {"no-new-privileges"}
	missing(with_service({"security_opt": [v("no-new-privileges:true"), v("no-new-privileges:false")]})) == {"no-new-privileges"}
	count(mcp_ec_003.deny) == 0 with input as with_service({"security_opt": [v("no-new-privileges=true")]})
	count(mcp_ec_003.deny) == 0 with input as with_service({"security_opt": [v("no-new-privileges")]})
}

test_cap_drop_spellings if {
	count(mcp_ec_003.deny) == 0 with input as with_service({"cap_drop": [v("cap_all")]})
	missing(with_service({"cap_drop": [v("NET_RAW")]})) == {"cap_drop: ALL"}
}

test_read_only if {
	missing(with_service({"read_only": {"value": false, "loc": l}})) == {"read-only root filesystem"}
	missing(with_service({"read_only": null})) == {"read-only root filesystem"}
}

test_read_only_indeterminate if {
	rs := mcp_ec_003.deny with input as with_service({"read_only": {"value": false, "raw": "", "indeterminate": true, "loc": l}})
	some r in rs
	contains(r.msg, "read-only root filesystem (indeterminate)")
}

test_sensitive_binds if {
	every src in ["/", "//", "/etc/", "/etc/ssl", "/home", "/home/me/code", "/Users/me", "~/.ssh", "/var/lib/docker"] {
		missing(with_service({"volumes": [{"type": "bind", "source": src, "target": "/x", "read_only": false, "loc": l, "indeterminate": false}]})) == {"no writable sensitive bind mount"}
	}
}

test_read_only_sensitive_bind_and_named_volume_pass if {
	count(mcp_ec_003.deny) == 0 with input as with_service({"volumes": [
		{"type": "bind", "source": "/home/me/code", "target": "/workspace", "read_only": true, "loc": l, "indeterminate": false},
		{"type": "volume", "source": "home", "target": "/data", "read_only": false, "loc": l, "indeterminate": false},
	]})
}

test_networks if {
	missing(with_service({"networks": [{"name": "mcp-public", "loc": l}]})) == {"internal networks only"}
	missing(with_service({"networks": []})) == {"internal networks only"}
	missing(with_service({"network_mode": v("host")})) == {"internal networks only"}
	count(mcp_ec_003.deny) == 0 with input as with_service({"networks": [], "network_mode": v("none")})
}

test_external_network_is_indeterminate if {
	d := object.union(with_service({"networks": [{"name": "shared", "loc": l}]}), {"project": {"networks": {"shared": {"internal": false, "external": true}}}})
	rs := mcp_ec_003.deny with input as d
	some r in rs
	contains(r.msg, "external network \"shared\" indeterminate")
}

test_audit if {
	missing(with_service({"labels": {"mcp.governance.audit": v("false")}})) == {"audit enabled"}
	d := object.union(with_service({"labels": {"mcp.governance.audit": v("false")}}), {"dockerfile": {"labels": {}}, "manifest": {"doc": {"governance": {"audit": true}}}})
	count(mcp_ec_003.deny) == 0 with input as d
}

test_level_and_audit_from_build_labels if {
	d := object.union(with_service({"labels": {"mcp.server": v("notes")}, "build": {"labels": {"mcp.governance.level": v("high"), "mcp.governance.audit": v("true")}}, "cap_drop": []}), {"unit": {"name": "notes-mcp"}})
	d2 := json.remove(d, ["service/labels/mcp.governance.level", "service/labels/mcp.governance.audit"])
	rs := mcp_ec_003.deny with input as d2
	some r in rs
	contains(r.msg, "governance level high from the build label")
	not contains(r.msg, "audit enabled")
}

test_security_approval if {
	missing(json.remove(hardened, ["manifest/doc/approvals/security"])) == {"security approval"}
	missing(object.union(hardened, {"manifest": {"doc": {"approvals": {"security": "  "}}}})) == {"security approval"}
	rs := mcp_ec_003.deny with input as object.union(hardened, {"manifest": null})
	some r in rs
	contains(r.msg, "security approval (no mcp-manifest.json)")
}
