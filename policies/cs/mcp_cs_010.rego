# METADATA
# title: Host namespace shared
# description: >-
#   The service joins a namespace of the host: `network_mode: host`,
#   `pid: host`, `ipc: host`, `uts: host`, `userns_mode: host` or
#   `cgroup: host`. The container then sees (and can reach) the host's
#   network stack, processes, shared memory, hostname or cgroups, or runs
#   without user-namespace remapping. `network_mode: none` is the best
#   practice; `network_mode: "service:x"` / `container:x` and `ipc: shareable`
#   do not share a host namespace and are not reported. An unresolved variable
#   is indeterminate (MCP-EC-004).
# custom:
#   id: MCP-CS-010
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Remove the host namespace (`network_mode: host`, `pid: host`, …) and
#     attach the server to an internal user-defined network.
#   references:
#     - CIS Docker Benchmark 5.10, 5.16, 5.17, 5.21, 5.31
#     - "KICS: Shared Host Network Namespace / Shared Host IPC Namespace / Shared Host User Namespace"
#     - "KICS: Host Namespace is Shared, Cgroup Not Default"
#     - Checkov CKV_K8S_17, CKV_K8S_18, CKV_K8S_19 (Kubernetes analogues)
package mcp_audit.cs.mcp_cs_010

import data.mcp_audit.lib.result
import rego.v1

# Compose key -> the namespace it names.
namespaces := {
	"network_mode": "network",
	"pid": "PID",
	"ipc": "IPC",
	"uts": "UTS",
	"userns_mode": "user",
}

deny contains r if {
	some key, ns in namespaces
	v := input.service[key]
	v != null
	not v.indeterminate
	is_host(v.value)
	r := finding(key, ns, v.value, v)
}

# `cgroup` is not in the typed service view: read it from the raw mapping.
deny contains r if {
	v := input.raw.cgroup
	is_string(v)
	is_host(v)
	r := finding("cgroup", "cgroup", v, {"loc": input.raw.key_locs.cgroup})
}

is_host(value) if lower(trim_space(value)) == "host"

finding(key, ns, value, node) := result.with_evidence(
	sprintf("service %q shares the host's %s namespace (`%s: %s`)", [input.unit.name, ns, key, value]),
	node,
	{"key": key, "value": value},
)
