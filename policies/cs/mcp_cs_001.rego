# METADATA
# title: Privileged or privilege-equivalent container
# description: >-
#   The service runs `privileged: true` (also "true" and yes), adds the `ALL`
#   capability, or maps a raw host device (`/dev/sd*`, `/dev/mem`, `/dev/kmsg`,
#   …) with `devices:`. Any of these gives the container the host. GPUs
#   requested through `deploy.resources.reservations.devices` are not raw
#   device mappings. A `post_start` / `pre_stop` lifecycle hook with
#   `privileged: true` runs its command as `docker exec --privileged` does,
#   with every capability. On the hub, `DOCKER_MCP_IN_DIND=1` (or `true`) in its
#   `environment` or its image's `ENV` makes docker/mcp-gateway start every
#   server it spawns `--privileged`; when that value is an unset variable
#   (`DOCKER_MCP_IN_DIND: ${DIND}`) the rule is indeterminate (MCP-EC-004).
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
#     - "CIS Docker Benchmark: `docker exec` is not used with the privileged option"
package mcp_audit.cs.mcp_cs_001

import data.mcp_audit.lib.result
import data.mcp_audit.lib.vars
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

# A lifecycle hook (Compose 2.30) run privileged: `docker exec --privileged`.
deny contains r if {
	some hook in ["post_start", "pre_stop"]
	hooks := object.get(input.raw, hook, [])
	is_array(hooks)
	some h in hooks
	is_object(h)
	truthy(object.get(h, "privileged", false))
	r := result.with_evidence(
		sprintf("service %q runs a `%s` hook with `privileged: true`: its command gets every capability, as `docker exec --privileged` does", [input.unit.name, hook]),
		{"loc": object.get(object.get(h, "key_locs", {}), "privileged", h.loc)},
		{"hook": hook, "user": object.get(h, "user", null)},
	)
}

truthy(v) if v == true

truthy(v) if {
	is_string(v)
	lower(trim_space(v)) in {"true", "yes", "on", "y", "1"}
}

# docker/mcp-gateway in Docker-in-Docker mode: every server it starts is privileged.
deny contains r if {
	input.unit.role == "hub"
	some v in dind_settings
	lower(trim_space(v.value)) in {"1", "true"}
	r := result.with_evidence(
		sprintf("hub %q sets DOCKER_MCP_IN_DIND=%s: every MCP server it starts runs `--privileged`", [input.unit.name, v.value]),
		v,
		{"variable": "DOCKER_MCP_IN_DIND"},
	)
}

# The hub's DOCKER_MCP_IN_DIND is an unset variable: whether the servers it
# starts are privileged is decided at deploy time.
indeterminate contains u if {
	input.unit.role == "hub"
	some v in dind_settings
	object.get(v, "indeterminate", false) == true
	u := {
		"control": "DOCKER_MCP_IN_DIND",
		"reason": sprintf("whether hub %q starts every MCP server `--privileged` is decided at deploy time: %s", [input.unit.name, vars.unset_names(object.get(v, "vars", []))]),
		"loc": v.loc,
	}
}

# The service's `environment` wins over the image's `ENV`.
dind_settings contains v if {
	v := input.service.environment.DOCKER_MCP_IN_DIND
	is_string(v.value)
}

dind_settings contains v if {
	not input.service.environment.DOCKER_MCP_IN_DIND
	v := input.dockerfile.env.DOCKER_MCP_IN_DIND
	is_string(v.value)
}

raw_device(path) if startswith(path, "/dev/")

raw_device(path) if path == "/dev"
