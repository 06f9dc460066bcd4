# METADATA
# title: Writable root filesystem
# description: >-
#   `read_only` is not `true` (the boolean, or a string Compose reads as
#   true), so a compromised server can modify its own binaries and
#   configuration and keep state outside the volumes you know about. An
#   unresolved variable (`read_only: ${RO}`) is indeterminate, not a pass or a
#   failure.
# custom:
#   id: MCP-CS-009
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Set `read_only: true` and give the server `tmpfs: [/tmp]` for scratch
#     space and named volumes for the state it must keep.
#   references:
#     - CIS Docker Benchmark 5.13
#     - Checkov CKV_K8S_22 (analogue)
package mcp_audit.cs.mcp_cs_009

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	not read_only_setting
	r := result.new(sprintf("service %q has a writable root filesystem (`read_only: true` is not set)", [input.unit.name]), input.service)
}

deny contains r if {
	ro := read_only_setting
	ro.value != true
	not ro.indeterminate
	ro.raw != ""
	r := result.with_evidence(sprintf("service %q sets `read_only: %s`: the root filesystem is writable", [input.unit.name, ro.raw]), ro, {"read_only": ro.raw})
}

# An unresolved `${VAR}` (`indeterminate`, listed by MCP-EC-004) is skipped: not a
# pass, not a failure. So is an empty value.
read_only_setting := ro if {
	ro := input.service.read_only
	ro != null
}
