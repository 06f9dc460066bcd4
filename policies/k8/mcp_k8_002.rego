# METADATA
# title: Container may run as root or with escalated privileges
# description: >-
#   A container of a Kubernetes workload (init containers included; pod- and
#   container-level `securityContext` merged, the container winning) runs as
#   root or can gain privileges: `runAsUser: 0`; neither `runAsNonRoot: true`
#   nor a `runAsUser` above 0 (the image's USER then decides, and most images
#   default to root: S0's rule missed this case); `privileged: true`;
#   `allowPrivilegeEscalation` not set to `false`. At pod level it also
#   reports `hostNetwork`, `hostPID` or `hostIPC: true` and a `hostPath`
#   volume that exposes a container-runtime socket (`/var/run/docker.sock`,
#   containerd, CRI-O, podman, or a directory that holds one such as
#   `/var/run`). `runAsNonRoot: true` alone passes the user check (the
#   kubelet refuses to start a root image), and so does an image whose
#   Dockerfile is known here (a Compose service that builds it, or an
#   `image_map` entry) and runs it as a non-root user; a container-level
#   value that is stricter than the pod's wins.
# custom:
#   id: MCP-K8-002
#   severity: HIGH
#   kinds: [k8s_workload]
#   remediation: >-
#     Set `securityContext: {runAsNonRoot: true, runAsUser: 1001,
#     allowPrivilegeEscalation: false, capabilities: {drop: [ALL]},
#     readOnlyRootFilesystem: true}` on every container, never `privileged`,
#     and drop `hostNetwork`/`hostPID`/`hostIPC` and runtime-socket
#     `hostPath` volumes.
#   references:
#     - Checkov CKV_K8S_23, CKV_K8S_40 (root), CKV_K8S_16 (privileged), CKV_K8S_20 (privilege escalation)
#     - Checkov CKV_K8S_17, CKV_K8S_18, CKV_K8S_19 (host namespaces), CKV_K8S_27 (Docker socket)
#     - Kubernetes Pod Security Standards "restricted" / "baseline"
#     - "KICS: Container Running As Root / Privilege Escalation Allowed / Docker Daemon Socket is Exposed to Containers"
#     - CIS Docker Benchmark 4.1, 5.5, 5.25, 5.31 (analogues)
package mcp_audit.k8.mcp_k8_002

import data.mcp_audit.cs.mcp_cs_002
import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some c in input.workload.containers
	c.run_as_user == 0
	r := result.with_evidence(
		sprintf("%s: runs as root (`runAsUser: 0`%s)", [subject(c), level("runAsUser", c)]),
		sc_node(c, "runAsUser"),
		{"container": c.name, "run_as_user": 0},
	)
}

deny contains r if {
	some c in input.workload.containers
	user_undecided(c)
	r := result.with_evidence(
		sprintf("%s: may run as root: %s, so the image's USER decides", [subject(c), non_root_state(c)]),
		sc_node(c, "runAsNonRoot"),
		{"container": c.name, "run_as_user": c.run_as_user, "run_as_non_root": c.run_as_non_root},
	)
}

deny contains r if {
	some c in input.workload.containers
	c.privileged == true
	r := result.with_evidence(
		sprintf("%s: is privileged (`privileged: true`)", [subject(c)]),
		sc_node(c, "privileged"),
		{"container": c.name, "privileged": true},
	)
}

deny contains r if {
	some c in input.workload.containers
	c.allow_privilege_escalation != false
	r := result.with_evidence(
		sprintf("%s: `allowPrivilegeEscalation` is %s, not `false`", [subject(c), escalation_state(c)]),
		sc_node(c, "allowPrivilegeEscalation"),
		{"container": c.name, "allow_privilege_escalation": c.allow_privilege_escalation},
	)
}

deny contains r if {
	some key, ns in host_namespaces
	input.workload[key] == true
	r := result.with_evidence(
		sprintf("%s %q shares the host's %s namespace (`%s: true`)", [input.workload.kind, input.unit.name, ns, field_names[key]]),
		input.workload,
		{"field": field_names[key]},
	)
}

deny contains r if {
	some v in input.workload.host_paths
	is_string(v.path)
	m := mcp_cs_002.runtime_socket_mount({"source": v.path})
	r := result.with_evidence(
		sprintf("%s %q mounts hostPath `%s` (volume %q), %s: root on the node", [input.workload.kind, input.unit.name, v.path, v.name, m.what]),
		v,
		{"volume": v.name, "host_path": v.path},
	)
}

host_namespaces := {"host_network": "network", "host_pid": "PID", "host_ipc": "IPC"}

field_names := {"host_network": "hostNetwork", "host_pid": "hostPID", "host_ipc": "hostIPC"}

# Neither `runAsNonRoot: true` nor a non-zero `runAsUser` (0 is reported on its own),
# and no Dockerfile known here that runs the image as a non-root user.
user_undecided(c) if {
	c.run_as_non_root != true
	not is_number(c.run_as_user)
	not image_non_root(c)
}

image_non_root(c) if {
	u := input.images[c.image].dockerfile.user
	u.root == false
	not u.indeterminate
}

subject(c) := sprintf("%s %q, %s %q", [input.workload.kind, input.unit.name, container_kind(c), c.name])

container_kind(c) := "init container" if c.init

container_kind(c) := "container" if not c.init

# The container-level `securityContext` key when the container sets it, else the
# container (the value is inherited from the pod, or unset).
sc_node(c, key) := {"loc": c.raw.securityContext.key_locs[key]}

sc_node(c, key) := c if not c.raw.securityContext.key_locs[key]

level(key, c) := "" if c.raw.securityContext.key_locs[key]

level(key, c) := ", inherited from the pod's securityContext" if not c.raw.securityContext.key_locs[key]

non_root_state(c) := "`runAsNonRoot: false` and no `runAsUser` above 0" if c.run_as_non_root == false

non_root_state(c) := "neither `runAsNonRoot: true` nor a `runAsUser` above 0 is set" if c.run_as_non_root == null

escalation_state(c) := "`true`" if c.allow_privilege_escalation == true

escalation_state(c) := "unset (defaults to `true`)" if c.allow_privilege_escalation == null
