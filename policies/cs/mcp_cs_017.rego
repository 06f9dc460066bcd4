# METADATA
# title: No restart policy on a long-running service
# description: >-
#   A hub or MCP server has no restart policy: no `restart:` (or `restart:
#   "no"`) and no `deploy.restart_policy` (or one with `condition: none`), so
#   a crash or a host reboot leaves it down. `unless-stopped`, `always` and
#   `on-failure[:N]` pass (CIS prefers `on-failure:5`). One-shot jobs are not
#   applicable: `restart: "no"` with another service waiting for them with
#   `condition: service_completed_successfully`, or labelled `mcp.job: "true"`.
#   Supporting services are not judged. An unresolved variable is
#   indeterminate (MCP-EC-004).
# custom:
#   id: MCP-CS-017
#   severity: LOW
#   kinds: [compose_service]
#   remediation: >-
#     Set `restart: unless-stopped` (or `on-failure:5`), or
#     `deploy.restart_policy.condition: on-failure`.
#   references:
#     - CIS Docker Benchmark 5.15
#     - "KICS: Restart Policy On Failure Not Set To 5 (relaxed here)"
package mcp_audit.cs.mcp_cs_017

import data.mcp_audit.lib.result
import rego.v1

applicable if {
	input.unit.role in {"mcp-server", "hub"}
	not input.service.one_shot == true
	not job_label
}

deny contains r if {
	not restart
	not input.raw.deploy.restart_policy
	r := result.new(sprintf("service %q has no restart policy (`restart` or `deploy.restart_policy`)", [input.unit.name]), input.service)
}

deny contains r if {
	v := restart
	not v.indeterminate
	lower(trim_space(v.value)) in {"no", "false"}
	not deploy_policy
	r := result.new(sprintf("long-running service %q has `restart: \"no\"`", [input.unit.name]), v)
}

deny contains r if {
	not restart
	lower(input.raw.deploy.restart_policy.condition) == "none"
	node := {"loc": input.raw.deploy.restart_policy.key_locs.condition}
	r := result.new(sprintf("long-running service %q has `deploy.restart_policy.condition: none`", [input.unit.name]), node)
}

restart := v if {
	v := input.service.restart
	v != null
}

# Any `deploy.restart_policy` but `condition: none` restarts (the default
# condition is `any`).
deploy_policy if {
	p := input.raw.deploy.restart_policy
	is_object(p)
	not lower(object.get(p, "condition", "any")) == "none"
}

job_label if lower(input.service.labels["mcp.job"].value) == "true"
