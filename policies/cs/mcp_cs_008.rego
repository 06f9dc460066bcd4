# METADATA
# title: Dangerous capability added
# description: >-
#   `cap_add` grants a capability that breaks container isolation or gives
#   control over the host's network, kernel or other processes: `SYS_ADMIN`,
#   `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `SYS_RAWIO`, `DAC_READ_SEARCH`,
#   `SYS_BOOT`, `BPF`, `PERFMON`, `MAC_ADMIN` or `NET_RAW` (case-insensitive,
#   with or without the `CAP_` prefix). `ALL` is MCP-CS-001's; add-backs such
#   as `NET_BIND_SERVICE` are not dangerous, and neither are the capabilities
#   listed in `allowed_capabilities` of `.mcp-audit.yaml`.
# custom:
#   id: MCP-CS-008
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Remove the capability; split the function that needs it out of the MCP
#     server into a separate, minimal service.
#   references:
#     - CIS Docker Benchmark 5.4
#     - Checkov CKV_K8S_28 (NET_RAW analogue)
package mcp_audit.cs.mcp_cs_008

import data.mcp_audit.lib.result
import rego.v1

# Capability → what it gives the container.
dangerous := {
	"SYS_ADMIN": "mounts, namespaces and most of root's powers",
	"NET_ADMIN": "control of interfaces, routes and firewall rules",
	"SYS_PTRACE": "tracing and memory access to other processes",
	"SYS_MODULE": "loading kernel modules",
	"SYS_RAWIO": "raw I/O ports and device memory",
	"DAC_READ_SEARCH": "reading any file by handle (container escape)",
	"SYS_BOOT": "rebooting the host",
	"BPF": "loading eBPF programs into the kernel",
	"PERFMON": "kernel performance monitoring",
	"MAC_ADMIN": "changing the mandatory access control policy",
	"NET_RAW": "raw sockets (packet spoofing, ARP poisoning)",
}

deny contains r if {
	some c in input.service.cap_add
	not c.indeterminate
	name := capability(c.value)
	why := dangerous[name]
	not name in allowed
	r := result.with_evidence(sprintf("service %q adds capability %s: %s", [input.unit.name, name, why]), c, {"capability": name})
}

# The capabilities the team accepts (`allowed_capabilities`).
allowed := {capability(c) | some c in object.get(input, ["config", "allowed_capabilities"], [])}

# capability(v) is the canonical name of a capability: upper case, no `CAP_` prefix.
capability(v) := trim_prefix(upper(trim_space(v)), "CAP_")
