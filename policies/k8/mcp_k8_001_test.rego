package mcp_audit.k8.mcp_k8_001_test

import data.mcp_audit.k8.mcp_k8_001
import rego.v1

loc(line) := {"file": "deploy.yaml", "line": line, "col": 17, "end_line": line, "end_col": 23}

container(name, line, extra) := object.union(
	{
		"name": name, "init": false, "loc": loc(line), "memory_limit": null, "cpu_limit": null,
		"run_as_user": null, "run_as_non_root": null, "privileged": false,
		"allow_privilege_escalation": null, "liveness_probe": false, "raw": {},
	},
	extra,
)

workload(kind, containers) := {
	"unit": {"name": "github-mcp"},
	"workload": {"kind": kind, "name": "github-mcp", "loc": loc(2), "containers": containers, "host_paths": []},
}

# S0's own rule: a Deployment container without `resources.limits.memory`.
test_seed0_container_without_memory_limit if {
	rs := mcp_k8_001.deny with input as workload("Deployment", [container("server", 18, {"cpu_limit": "500m"})])
	count(rs) == 1
	some r in rs
	contains(r.msg, `container "server" has no memory limit`)
	not contains(r.msg, "CPU")
	r.loc.line == 18
}

test_cpu_limit_missing_too_is_noted if {
	rs := mcp_k8_001.deny with input as workload("Deployment", [container("server", 18, {})])
	some r in rs
	contains(r.msg, "no CPU limit")
	r.evidence.cpu_limit == null
}

# S0 missed init containers and every kind but Deployment.
test_init_container_without_limit if {
	rs := mcp_k8_001.deny with input as workload("StatefulSet", [
		container("migrate", 15, {"init": true}),
		container("server", 18, {"memory_limit": "512Mi", "cpu_limit": "1"}),
	])
	count(rs) == 1
	some r in rs
	contains(r.msg, `StatefulSet "github-mcp": init container "migrate"`)
}

test_every_workload_kind if {
	every kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"] {
		count(mcp_k8_001.deny) == 1 with input as workload(kind, [container("server", 18, {})])
	}
}

test_zero_limit_is_not_a_limit if {
	count(mcp_k8_001.deny) == 1 with input as workload("Deployment", [container("server", 18, {"memory_limit": "0", "cpu_limit": "1"})])
	count(mcp_k8_001.deny) == 1 with input as workload("Deployment", [container("server", 18, {"memory_limit": "0Mi", "cpu_limit": "1"})])
}

test_memory_limit_set if {
	count(mcp_k8_001.deny) == 0 with input as workload("Deployment", [container("server", 18, {"memory_limit": "512Mi", "cpu_limit": "500m"})])
}

# CPU alone is not the trigger: the memory limit is.
test_memory_limit_without_cpu_limit_passes if {
	count(mcp_k8_001.deny) == 0 with input as workload("Deployment", [container("server", 18, {"memory_limit": "1Gi"})])
}

test_one_finding_per_container if {
	count(mcp_k8_001.deny) == 2 with input as workload("Deployment", [
		container("init", 15, {"init": true}),
		container("server", 18, {}),
	])
}

test_no_containers if {
	count(mcp_k8_001.deny) == 0 with input as workload("Deployment", [])
}
