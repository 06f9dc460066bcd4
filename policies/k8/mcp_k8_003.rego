# METADATA
# title: No liveness probe
# description: >-
#   A long-running container has no `livenessProbe`, so the kubelet never
#   restarts it when it hangs. Long-running means a Deployment, StatefulSet,
#   DaemonSet, ReplicaSet or Pod (S0's rule looked at Deployments only); a Job
#   or CronJob runs to completion and is not applicable. Init containers run
#   to completion too and are exempt, except native sidecars (an init
#   container with `restartPolicy: Always`), which run for the pod's life. A
#   probe of any kind counts (`httpGet`, `exec`, `tcpSocket`, `grpc`); a
#   missing `readinessProbe` or `startupProbe` is noted in the finding.
# custom:
#   id: MCP-K8-003
#   severity: MEDIUM
#   kinds: [k8s_workload]
#   remediation: >-
#     Add `livenessProbe` (e.g. `httpGet: {path: /health/liveness, port: 8080}`
#     or an `exec` probe for stdio servers), plus `readinessProbe` and
#     `startupProbe`.
#   references:
#     - Checkov CKV_K8S_8 (liveness), CKV_K8S_9 (readiness)
#     - "KICS: Liveness Probe Is Not Defined"
#     - CIS Docker Benchmark 4.6 (analogue)
package mcp_audit.k8.mcp_k8_003

import data.mcp_audit.lib.result
import rego.v1

# Jobs and CronJobs run to completion.
applicable if not input.workload.kind in {"Job", "CronJob"}

deny contains r if {
	applicable
	some c in input.workload.containers
	long_running(c)
	not c.liveness_probe
	r := result.with_evidence(
		sprintf("%s %q, %s %q has no liveness probe%s", [input.workload.kind, input.unit.name, container_kind(c), c.name, other_probes_note(c)]),
		c,
		{"container": c.name, "readiness_probe": c.readiness_probe, "startup_probe": c.startup_probe},
	)
}

long_running(c) if not c.init

# A native sidecar: an init container that keeps running.
long_running(c) if {
	c.init
	c.raw.restartPolicy == "Always"
}

container_kind(c) := "sidecar container" if c.init

container_kind(c) := "container" if not c.init

missing_probes(c) := [name |
	some [field, name] in [["readiness_probe", "readinessProbe"], ["startup_probe", "startupProbe"]]
	not c[field]
]

other_probes_note(c) := "" if count(missing_probes(c)) == 0

other_probes_note(c) := sprintf(" (no `%s` either)", [concat("` or `", missing_probes(c))]) if count(missing_probes(c)) > 0
