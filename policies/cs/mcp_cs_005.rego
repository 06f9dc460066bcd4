# METADATA
# title: No CPU limit
# description: >-
#   None of `cpus`, `cpu_quota` or `deploy.resources.limits.cpus` is set to a
#   positive value, so one server can starve the others. `0`, a negative
#   `cpu_quota` (unlimited) or a value that is not a number is not a limit;
#   `${MCP_CPU_LIMIT:-0.5}` counts with its default. `cpu_shares` is a
#   relative weight, not a limit, and does not satisfy the rule (the finding
#   says so); a missing `pids_limit` / `deploy.resources.limits.pids` is
#   noted in the same finding. An unresolved variable is indeterminate, not a
#   pass or a failure.
# custom:
#   id: MCP-CS-005
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Set `cpus: "0.5"` or `deploy.resources.limits.cpus` (for example
#     `${MCP_CPU_LIMIT:-0.5}`), and `pids_limit: 256`.
#   references:
#     - CIS Docker Benchmark 5.12 (CPU), 5.29 (PIDs)
#     - "KICS: Cpus Not Limited"
#     - "KICS: Pids Limit Not Set"
#     - docker/mcp-gateway default --cpus 1
package mcp_audit.cs.mcp_cs_005

import data.mcp_audit.lib.result
import rego.v1

# Typed field → how the user wrote it.
cpu_fields := {
	"cpus": "cpus",
	"cpus_deploy": "deploy.resources.limits.cpus",
	"cpu_quota": "cpu_quota",
}

deny contains r if {
	count(cpu_settings) == 0
	r := result.with_evidence(
		sprintf("service %q has no CPU limit%s%s%s", [input.unit.name, reservation_note, shares_note, pids_note]),
		input.service,
		notes_evidence,
	)
}

deny contains r if {
	not limited
	not undecided
	some f, s in cpu_settings
	not positive(s.value)
	r := result.with_evidence(
		sprintf("service %q CPU limit `%s: %s` is not a limit%s%s", [input.unit.name, cpu_fields[f], s.value, shares_note, pids_note]),
		s,
		object.union(notes_evidence, {"field": cpu_fields[f], "value": s.value}),
	)
}

# The CPU settings the service declares, by typed field.
cpu_settings[f] := s if {
	some f, _ in cpu_fields
	s := input.service[f]
	s != null
}

limited if {
	some s in cpu_settings
	not s.indeterminate
	positive(s.value)
}

undecided if {
	some s in cpu_settings
	s.indeterminate
}

positive(v) if to_number(trim_space(v)) > 0

# --- notes

reservation_note := " (`deploy.resources.reservations.cpus` is a reservation, not a limit)" if input.raw.deploy.resources.reservations.cpus

reservation_note := "" if not input.raw.deploy.resources.reservations.cpus

shares_note := "; `cpu_shares` is a relative weight, not a limit" if cpu_shares

shares_note := "" if not cpu_shares

pids_note := "" if pids_limited

pids_note := "; `pids_limit` is not set either (CIS 5.29)" if not pids_limited

cpu_shares := s if {
	s := input.service.cpu_shares
	s != null
}

pids_limited if positive(input.service.pids_limit.value)

pids_limited if positive(sprintf("%v", [input.raw.deploy.resources.limits.pids]))

notes_evidence := {
	"cpu_shares": object.get(input.service, ["cpu_shares", "value"], null),
	"pids_limited": pids_limited_bool,
}

pids_limited_bool := true if pids_limited

pids_limited_bool := false if not pids_limited
