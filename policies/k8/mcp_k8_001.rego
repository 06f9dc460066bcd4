# METADATA
# title: Container without resource limits
# description: >-
#   A container of a Kubernetes workload (Deployment, StatefulSet, DaemonSet,
#   ReplicaSet, Job, CronJob or Pod) has no `resources.limits.memory`, or a
#   limit of `0`. Every container is checked, init containers included, in
#   every workload kind (S0's OPA rule looked only at the `containers` of a
#   Deployment). The namespace's LimitRange defaults are not known, so they
#   do not count. A missing `resources.limits.cpu` on the same container is
#   reported with it. `resources.requests` is a reservation, not a limit.
# custom:
#   id: MCP-K8-001
#   severity: MEDIUM
#   kinds: [k8s_workload]
#   remediation: >-
#     Set `resources.limits.memory` (and `resources.limits.cpu`) on every
#     container and init container, e.g. `limits: {memory: 512Mi, cpu: 500m}`.
#   references:
#     - Checkov CKV_K8S_13 (memory limits), CKV_K8S_11 (CPU limits)
#     - "KICS: Memory Limits Not Defined"
#     - CIS Docker Benchmark 5.11 (analogue)
package mcp_audit.k8.mcp_k8_001

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some c in input.workload.containers
	not limited(c.memory_limit)
	r := result.with_evidence(
		sprintf("%s %q: %s %q has no memory limit (`resources.limits.memory`)%s", [input.workload.kind, input.unit.name, container_kind(c), c.name, cpu_note(c)]),
		c,
		{"container": c.name, "init": c.init, "memory_limit": c.memory_limit, "cpu_limit": c.cpu_limit},
	)
}

# A limit is a non-empty quantity other than zero.
limited(q) if {
	is_string(q)
	not regex.match(`^\s*0*(\.0*)?[a-zA-Z]*\s*$`, q)
}

limited(q) if {
	is_number(q)
	q > 0
}

container_kind(c) := "init container" if c.init

container_kind(c) := "container" if not c.init

cpu_note(c) := "; no CPU limit (`resources.limits.cpu`) either" if not limited(c.cpu_limit)

cpu_note(c) := "" if limited(c.cpu_limit)
