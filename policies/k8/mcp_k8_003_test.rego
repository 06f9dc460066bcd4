package mcp_audit.k8.mcp_k8_003_test

import data.mcp_audit.k8.mcp_k8_003
import rego.v1

loc(line) := {"file": "deploy.yaml", "line": line, "col": 17, "end_line": line, "end_col": 23}

container(name, line, extra) := object.union(
	{
		"name": name, "init": false, "loc": loc(line), "liveness_probe": false,
		"readiness_probe": false, "startup_probe": false, "raw": {},
	},
	extra,
)

workload(kind, containers) := {
	"unit": {"name": "github-mcp"},
	"workload": {"kind": kind, "name": "github-mcp", "loc": loc(2), "containers": containers},
}

# S0's own rule.
test_seed0_deployment_without_liveness_probe if {
	rs := mcp_k8_003.deny with input as workload("Deployment", [container("server", 18, {})])
	count(rs) == 1
	some r in rs
	contains(r.msg, `container "server" has no liveness probe`)
	contains(r.msg, "no `readinessProbe` or `startupProbe` either")
	r.loc.line == 18
}

test_readiness_alone_is_not_liveness if {
	rs := mcp_k8_003.deny with input as workload("Deployment", [container("server", 18, {"readiness_probe": true, "startup_probe": true})])
	count(rs) == 1
	some r in rs
	not contains(r.msg, "either")
}

test_every_long_running_kind if {
	every kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"] {
		count(mcp_k8_003.deny) == 1 with input as workload(kind, [container("server", 18, {})])
	}
}

test_liveness_probe_passes if {
	count(mcp_k8_003.deny) == 0 with input as workload("Deployment", [container("server", 18, {"liveness_probe": true})])
}

test_jobs_not_applicable if {
	not mcp_k8_003.applicable with input as workload("Job", [container("backup", 18, {})])
	not mcp_k8_003.applicable with input as workload("CronJob", [container("backup", 18, {})])
	count(mcp_k8_003.deny) == 0 with input as workload("CronJob", [container("backup", 18, {})])
	mcp_k8_003.applicable with input as workload("Deployment", [container("server", 18, {})])
}

test_init_container_exempt if {
	count(mcp_k8_003.deny) == 0 with input as workload("Deployment", [
		container("migrate", 15, {"init": true}),
		container("server", 18, {"liveness_probe": true}),
	])
}

test_native_sidecar_checked if {
	rs := mcp_k8_003.deny with input as workload("Deployment", [
		container("proxy", 15, {"init": true, "raw": {"restartPolicy": "Always"}}),
		container("server", 18, {"liveness_probe": true}),
	])
	count(rs) == 1
	some r in rs
	contains(r.msg, `sidecar container "proxy"`)
}

test_one_finding_per_container if {
	count(mcp_k8_003.deny) == 2 with input as workload("Deployment", [container("server", 18, {}), container("metrics", 25, {})])
}
