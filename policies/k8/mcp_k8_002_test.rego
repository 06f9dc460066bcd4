package mcp_audit.k8.mcp_k8_002_test

import data.mcp_audit.k8.mcp_k8_002
import rego.v1

loc(line) := {"file": "deploy.yaml", "line": line, "col": 17, "end_line": line, "end_col": 23}

# A container that passes every check unless `extra` changes it.
container(name, line, extra) := object.union(
	{
		"name": name, "init": false, "loc": loc(line), "memory_limit": "512Mi",
		"run_as_user": 1001, "run_as_non_root": true, "privileged": false,
		"allow_privilege_escalation": false, "liveness_probe": true, "raw": {},
	},
	extra,
)

workload(containers, pod) := {
	"unit": {"name": "github-mcp"},
	"workload": object.union(
		{
			"kind": "Deployment", "name": "github-mcp", "loc": loc(2), "containers": containers,
			"host_network": false, "host_pid": false, "host_ipc": false, "host_paths": [],
		},
		pod,
	),
}

one(extra) := workload([container("server", 18, extra)], {})

# Container-level `securityContext` keys, as the parser keeps them in `raw`.
raw_sc(keys) := {"securityContext": {"key_locs": {k: loc(30) | some k in keys}}}

test_restricted_container_passes if {
	count(mcp_k8_002.deny) == 0 with input as one({})
}

# S0's own rule.
test_seed0_run_as_user_zero if {
	rs := mcp_k8_002.deny with input as one({"run_as_user": 0, "raw": raw_sc(["runAsUser"])})
	count(rs) == 1
	some r in rs
	contains(r.msg, "runs as root (`runAsUser: 0`)")
	r.loc.line == 30
}

# S0 missed a root user set at pod level.
test_pod_level_run_as_user_zero if {
	rs := mcp_k8_002.deny with input as one({"run_as_user": 0})
	count(rs) == 1
	some r in rs
	contains(r.msg, "inherited from the pod")
	r.loc.line == 18
}

# runAsNonRoot: true does not save runAsUser: 0.
test_run_as_user_zero_with_run_as_non_root if {
	count(mcp_k8_002.deny) == 1 with input as one({"run_as_user": 0, "run_as_non_root": true})
}

# S0 missed the unset case: the image USER decides.
test_user_unset if {
	rs := mcp_k8_002.deny with input as one({"run_as_user": null, "run_as_non_root": null})
	count(rs) == 1
	some r in rs
	contains(r.msg, "may run as root")
	contains(r.msg, "neither `runAsNonRoot: true` nor a `runAsUser` above 0")
}

test_run_as_non_root_false if {
	rs := mcp_k8_002.deny with input as one({"run_as_user": null, "run_as_non_root": false, "raw": raw_sc(["runAsNonRoot"])})
	some r in rs
	contains(r.msg, "`runAsNonRoot: false`")
	r.loc.line == 30
}

test_run_as_non_root_alone_passes if {
	count(mcp_k8_002.deny) == 0 with input as one({"run_as_user": null, "run_as_non_root": true})
}

test_non_zero_user_alone_passes if {
	count(mcp_k8_002.deny) == 0 with input as one({"run_as_user": 1001, "run_as_non_root": null})
}

# Pod runAsUser: 0, container runAsUser: 1001: the parser merges, the container wins.
test_stricter_container_override_passes if {
	count(mcp_k8_002.deny) == 0 with input as one({"run_as_user": 1001, "raw": raw_sc(["runAsUser"])})
}

test_privileged if {
	rs := mcp_k8_002.deny with input as one({"privileged": true, "raw": raw_sc(["privileged"])})
	count(rs) == 1
	some r in rs
	contains(r.msg, "privileged")
}

test_privilege_escalation_true if {
	rs := mcp_k8_002.deny with input as one({"allow_privilege_escalation": true})
	count(rs) == 1
	some r in rs
	contains(r.msg, "`allowPrivilegeEscalation` is `true`")
}

test_privilege_escalation_unset if {
	rs := mcp_k8_002.deny with input as one({"allow_privilege_escalation": null})
	count(rs) == 1
	some r in rs
	contains(r.msg, "unset (defaults to `true`)")
}

test_init_container_checked if {
	rs := mcp_k8_002.deny with input as workload([
		container("init", 15, {"init": true, "run_as_user": 0}),
		container("server", 18, {}),
	], {})
	count(rs) == 1
	some r in rs
	contains(r.msg, `init container "init"`)
}

test_host_namespaces if {
	rs := mcp_k8_002.deny with input as workload([container("server", 18, {})], {"host_network": true, "host_pid": true, "host_ipc": true})
	count(rs) == 3
	some r in rs
	contains(r.msg, "`hostNetwork: true`")
}

test_docker_socket_host_path if {
	rs := mcp_k8_002.deny with input as workload([container("server", 18, {})], {"host_paths": [{"name": "sock", "path": "/var/run/docker.sock", "loc": loc(40)}]})
	count(rs) == 1
	some r in rs
	r.loc.line == 40
	contains(r.msg, "container-runtime socket")
}

test_containerd_socket_and_run_dir if {
	count(mcp_k8_002.deny) == 1 with input as workload([container("server", 18, {})], {"host_paths": [{"name": "s", "path": "/run/containerd/containerd.sock", "loc": loc(40)}]})
	count(mcp_k8_002.deny) == 1 with input as workload([container("server", 18, {})], {"host_paths": [{"name": "s", "path": "/var/run", "loc": loc(40)}]})
}

test_other_host_path_not_reported_here if {
	count(mcp_k8_002.deny) == 0 with input as workload([container("server", 18, {})], {"host_paths": [{"name": "data", "path": "/srv/mcp-data", "loc": loc(40)}]})
}

test_findings_per_issue if {
	rs := mcp_k8_002.deny with input as one({"run_as_user": null, "run_as_non_root": null, "privileged": true, "allow_privilege_escalation": null})
	count(rs) == 3
}

# Neither `runAsNonRoot` nor `runAsUser`: a Dockerfile known here for the image decides.
with_image_user(root, indeterminate) := object.union(
	one({"run_as_user": null, "run_as_non_root": null, "image": "localhost:5000/idp/github:1.4.0"}),
	{"images": {"localhost:5000/idp/github:1.4.0": {"dockerfile": {"user": {"value": "node", "root": root, "indeterminate": indeterminate}}}}},
)

test_image_known_non_root_passes_the_user_check if {
	count(mcp_k8_002.deny) == 0 with input as with_image_user(false, false)
}

test_image_root_or_undecided_still_may_run_as_root if {
	every d in [with_image_user(true, false), with_image_user(false, true)] {
		rs := mcp_k8_002.deny with input as d
		count(rs) == 1
		some r in rs
		contains(r.msg, "may run as root")
	}
}
