# METADATA
# title: Capabilities not dropped
# description: >-
#   `cap_drop` does not contain `ALL` (case-insensitive; `CAP_ALL` accepted),
#   so the container keeps Docker's default capability set (`CHOWN`,
#   `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `NET_RAW`, `MKNOD`, …) whether it
#   needs it or not; `network_mode: none` does not change that. With
#   `cap_drop: [ALL]`, every capability added back must be on the allowlist
#   (`NET_BIND_SERVICE`, `CHOWN`, `SETUID`, `SETGID`, `DAC_OVERRIDE`);
#   dangerous ones are reported by MCP-CS-008 and `ALL` by MCP-CS-001
#   instead. An unresolved variable in `cap_drop` is indeterminate.
# custom:
#   id: MCP-CS-007
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Set `cap_drop: [ALL]` and add back only the minimal capabilities needed
#     (for example `cap_add: [NET_BIND_SERVICE]`).
#   references:
#     - CIS Docker Benchmark 5.4
#     - "KICS: Container Capabilities Unrestricted"
#     - Checkov CKV_K8S_37 (analogue)
package mcp_audit.cs.mcp_cs_007

import data.mcp_audit.cs.mcp_cs_008
import data.mcp_audit.lib.result
import rego.v1

allowed_add_backs := {"NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE"}

deny contains r if {
	not drops_all
	not undecided
	r := result.with_evidence(sprintf("service %q does not drop all capabilities%s", [input.unit.name, dropped_note]), drop_node, {"cap_drop": dropped})
}

deny contains r if {
	drops_all
	some c in input.service.cap_add
	not c.indeterminate
	name := mcp_cs_008.capability(c.value)
	not name in allowed_add_backs
	not mcp_cs_008.dangerous[name]
	name != "ALL"
	r := result.with_evidence(
		sprintf("service %q adds back capability %s, which is not on the allowlist (%s)", [input.unit.name, name, concat(", ", sort(allowed_add_backs))]),
		c,
		{"capability": name},
	)
}

drops_all if {
	some c in input.service.cap_drop
	not c.indeterminate
	mcp_cs_008.capability(c.value) == "ALL"
}

undecided if {
	some c in input.service.cap_drop
	c.indeterminate
}

dropped := [mcp_cs_008.capability(c.value) | some c in input.service.cap_drop]

dropped_note := " (`cap_drop: [ALL]` is missing)" if count(dropped) == 0

dropped_note := sprintf(" (`cap_drop` lists only %s, not ALL)", [concat(", ", dropped)]) if count(dropped) > 0

# Point at the `cap_drop` key when there is one, else at the service.
drop_node := {"loc": input.raw.key_locs.cap_drop} if input.raw.key_locs.cap_drop

drop_node := input.service if not input.raw.key_locs.cap_drop
