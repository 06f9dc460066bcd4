# METADATA
# title: No memory limit
# description: >-
#   None of `mem_limit` or `deploy.resources.limits.memory` is set, or the
#   limit resolves to `0`, `-1` or an empty string. Either syntax counts,
#   whatever the obsolete `version:` key says; `${VAR:-1g}` counts with its
#   default; `deploy.resources.reservations.memory` alone is not a limit. An
#   unresolved variable is indeterminate (MCP-EC-004).
# custom:
#   id: MCP-CS-004
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Set `mem_limit` or `deploy.resources.limits.memory` (for example
#     `${MCP_MEMORY_LIMIT:-1g}`).
#   references:
#     - CIS Docker Benchmark 5.11
#     - "KICS: Memory Not Limited"
#     - docker/mcp-gateway default --memory 2Gb
package mcp_audit.cs.mcp_cs_004

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	m := input.effective.memory_limit
	not m.set
	not m.indeterminate
	r := result.new(sprintf("service %q has no memory limit%s", [input.unit.name, reservation_note(m)]), m)
}

deny contains r if {
	m := input.effective.memory_limit
	m.set
	not m.indeterminate
	not m.valid
	r := result.with_evidence(sprintf("service %q memory limit %q is not a limit", [input.unit.name, m.value]), m, {"value": m.value})
}

reservation_note(m) := " (`deploy.resources.reservations.memory` is a reservation, not a limit)" if m.reservation_only

reservation_note(m) := "" if not m.reservation_only
