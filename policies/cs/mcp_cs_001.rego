# METADATA
# title: Privileged or privilege-equivalent container
# description: >-
#   The service runs `privileged: true` (also "true" and yes), adds the `ALL`
#   capability, or maps a raw host device (`/dev/sd*`, `/dev/mem`, `/dev/kmsg`,
#   …) with `devices:`. Any of these gives the container the host. GPUs
#   requested through `deploy.resources.reservations.devices` are not raw
#   device mappings.
# custom:
#   id: MCP-CS-001
#   severity: CRITICAL
#   kinds: [compose_service]
#   remediation: >-
#     Remove `privileged`; grant only the specific capabilities or devices the
#     server needs.
#   references:
#     - CIS Docker Benchmark 5.5, 5.18
#     - "KICS: Privileged Containers Enabled"
#     - Checkov CKV_K8S_16 (analogue)
package mcp_audit.cs.mcp_cs_001

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	p := input.service.privileged
	p.value == true
	r := result.new(sprintf("service %q is privileged", [input.unit.name]), p)
}

deny contains r if {
	some c in input.service.cap_add
	trim_prefix(upper(c.value), "CAP_") == "ALL"
	r := result.new(sprintf("service %q adds every capability (`cap_add: ALL`)", [input.unit.name]), c)
}

deny contains r if {
	some d in input.service.devices
	raw_device(d.host)
	r := result.new(sprintf("service %q maps raw host device %q", [input.unit.name, d.host]), d)
}

raw_device(path) if startswith(path, "/dev/")

raw_device(path) if path == "/dev"
