# METADATA
# title: High-risk server missing the mandatory hardening bundle
# description: >-
#   A high-risk MCP server (effective `mcp.governance.level` high, from the
#   service label, `build.labels`, the image LABEL or `mcp-manifest.json`; or a server whose
#   `mcp.server` label or service name names a configured high-risk class:
#   shell, docker, database, filesystem, browser by default) lacks one of the
#   controls of the hardening bundle: non-root user, memory limit, CPU limit,
#   `no-new-privileges`, `cap_drop: [ALL]`, read-only root filesystem, no
#   writable bind of a sensitive host path, internal networks only (or
#   `network_mode: none`), audit enabled, and a security approval
#   (`approvals.security` in `mcp-manifest.json`, MCP-MD-010). A control that
#   is indeterminate
#   (unresolved variable, opaque image, external network) counts as missing.
#   One finding lists every missing control. Not applicable to low and medium
#   risk servers.
# custom:
#   id: MCP-EC-003
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Apply the full bundle before deploying a high-risk server: a non-root
#     user, `mem_limit` and `cpus`, `security_opt: ["no-new-privileges:true"]`,
#     `cap_drop: [ALL]`, `read_only: true` (with `tmpfs: [/tmp]`), only
#     narrow or `:ro` binds, `internal: true` networks only,
#     `mcp.governance.audit=true`, and a recorded security approval.
#   references:
#     - CIS Docker Benchmark 4.1, 5.4, 5.6, 5.11, 5.12, 5.13, 5.26
#     - OWASP MCP Top 10 MCP02, MCP10
package mcp_audit.ec.mcp_ec_003

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if count(risk_reasons) > 0

controls := [
	"non-root user",
	"memory limit",
	"CPU limit",
	"no-new-privileges",
	"cap_drop: ALL",
	"read-only root filesystem",
	"no writable sensitive bind mount",
	"internal networks only",
	"audit enabled",
	"security approval",
]

deny contains r if {
	count(risk_reasons) > 0
	count(missing) > 0
	r := result.with_evidence(
		sprintf(
			"high-risk service %q (%s) is missing the hardening bundle: %s",
			[input.unit.name, concat(", ", sort(risk_reasons)), concat("; ", missing)],
		),
		input.service,
		{"missing": [c | some c in controls; count(details(c)) > 0], "risk": sort(risk_reasons)},
	)
}

# One entry per missing control, in bundle order, with what is wrong.
missing := [sprintf("%s (%s)", [c, concat(", ", sort(details(c)))]) |
	some c in controls
	count(details(c)) > 0
]

details(control) := {g.detail | some g in gaps; g.control == control}

# --- why the server is high-risk

level_sources := [
	["label", object.get(input.service, ["labels", "mcp.governance.level"], null)],
	["build label", object.get(input.service, ["build", "labels", "mcp.governance.level"], null)],
	["image label", object.get(input, ["dockerfile", "labels", "mcp.governance.level"], null)],
	["manifest", manifest_level],
]

manifest_level := {"value": object.get(input, ["manifest", "doc", "governance", "level"], null)}

declared_levels := [[source, lower(trim_space(l.value))] |
	some [source, l] in level_sources
	is_object(l)
	not object.get(l, "indeterminate", false)
	is_string(l.value)
	trim_space(l.value) != ""
]

# The first declared level wins (service label, `build.labels`, image LABEL, manifest).
risk_reasons contains sprintf("governance level high from the %s", [declared_levels[0][0]]) if {
	declared_levels[0][1] == "high"
}

risk_reasons contains sprintf("high-risk class %q", [class]) if {
	input.unit.role == "mcp-server"
	some class in input.config.high_risk_classes
	c := lower(class)
	some name in lower_names
	contains(name, c)
	c in name_tokens(name)
}

server_names contains input.unit.name

server_names contains l.value if {
	l := common.label("mcp.server")
	not l.indeterminate
}

# The server's names in lower case. A name is split into words only when it contains
# a class at all: most names contain none.
lower_names := {lower(name) | some name in server_names}

name_tokens(s) := {t | some t in regex.split(`[^a-z0-9]+`, s); t != ""}

# --- the controls, read directly from the input

gaps contains {"control": "non-root user", "detail": "runs as root"} if input.effective.user.root

gaps contains {"control": "non-root user", "detail": "user indeterminate"} if input.effective.user.indeterminate

gaps contains {"control": "memory limit", "detail": "none set"} if {
	m := input.effective.memory_limit
	not m.indeterminate
	not m.set
}

gaps contains {"control": "memory limit", "detail": sprintf("%q is not a limit", [m.value])} if {
	m := input.effective.memory_limit
	not m.indeterminate
	m.set
	not m.valid
}

gaps contains {"control": "memory limit", "detail": "indeterminate"} if input.effective.memory_limit.indeterminate

cpu_values := [v |
	some key in ["cpus", "cpus_deploy", "cpu_quota"]
	v := object.get(input.service, key, null)
	is_object(v)
]

cpu_limited if {
	some v in cpu_values
	not v.indeterminate
	regex.match(`^[0-9]*\.?[0-9]+$`, trim_space(v.value))
	to_number(trim_space(v.value)) > 0
}

gaps contains {"control": "CPU limit", "detail": "none set"} if {
	not cpu_limited
	count([v | some v in cpu_values; v.indeterminate]) == 0
}

gaps contains {"control": "CPU limit", "detail": "indeterminate"} if {
	not cpu_limited
	some v in cpu_values
	v.indeterminate
}

nnp_true := {"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"}

nnp_false := {"no-new-privileges:false", "no-new-privileges=false"}

security_opts := {lower(trim_space(o.value)) | some o in input.service.security_opt}

gaps contains {"control": "no-new-privileges", "detail": "not set"} if {
	count(security_opts & nnp_true) == 0
	count(security_opts & nnp_false) == 0
}

gaps contains {"control": "no-new-privileges", "detail": "set to false"} if count(security_opts & nnp_false) > 0

gaps contains {"control": "cap_drop: ALL", "detail": "capabilities not dropped"} if {
	not drops_all
}

drops_all if {
	some c in input.service.cap_drop
	trim_prefix(upper(trim_space(c.value)), "CAP_") == "ALL"
}

gaps contains {"control": "read-only root filesystem", "detail": "`read_only` is not true"} if {
	not input.service.read_only.value == true
	not input.service.read_only.indeterminate
}

gaps contains {"control": "read-only root filesystem", "detail": "indeterminate"} if input.service.read_only.indeterminate

# Host paths that must never be bind-mounted writable: system directories, home
# directories and everything under them (MCP-CS-012 (a)).
sensitive_roots := {"/etc", "/root", "/home", "/Users", "/boot", "/proc", "/sys", "/dev", "/var/lib/docker", "~", "$HOME", "${HOME}"}

normalise(path) := regex.replace(regex.replace(path, `/+`, "/"), `(.)/$`, "$1")

sensitive(path) if normalise(path) == "/"

sensitive(path) if normalise(path) in sensitive_roots

sensitive(path) if {
	some root in sensitive_roots
	startswith(normalise(path), concat("", [root, "/"]))
}

gaps contains {"control": "no writable sensitive bind mount", "detail": sprintf("%s mounted read-write", [v.source])} if {
	some v in input.service.volumes
	v.type == "bind"
	not v.indeterminate
	not v.read_only
	sensitive(v.source)
}

gaps contains {"control": "no writable sensitive bind mount", "detail": sprintf("bind source %q indeterminate", [v.source])} if {
	some v in input.service.volumes
	v.type == "bind"
	v.indeterminate
}

network_mode := lower(input.service.network_mode.value)

has_network_mode if object.get(input.service, "network_mode", null) != null

gaps contains {"control": "internal networks only", "detail": sprintf("`network_mode: %s`", [network_mode])} if {
	network_mode != "none"
}

gaps contains {"control": "internal networks only", "detail": "on the default network"} if {
	not has_network_mode
	count(input.service.networks) == 0
}

gaps contains {"control": "internal networks only", "detail": sprintf("network %q is not internal", [n.name])} if {
	not has_network_mode
	some n in input.service.networks
	net := object.get(input.project.networks, n.name, {})
	not object.get(net, "external", false)
	not object.get(net, "internal", false) == true
}

gaps contains {"control": "internal networks only", "detail": sprintf("external network %q indeterminate", [n.name])} if {
	not has_network_mode
	some n in input.service.networks
	input.project.networks[n.name].external == true
}

audit_values := [v |
	some l in [
		object.get(input.service, ["labels", "mcp.governance.audit"], null),
		object.get(input.service, ["build", "labels", "mcp.governance.audit"], null),
		object.get(input, ["dockerfile", "labels", "mcp.governance.audit"], null),
	]
	is_object(l)
	not object.get(l, "indeterminate", false)
	v := l.value
]

audited if {
	some v in array.concat(audit_values, [object.get(input, ["manifest", "doc", "governance", "audit"], null)])
	lower(sprintf("%v", [v])) == "true"
}

gaps contains {"control": "audit enabled", "detail": "`mcp.governance.audit` is not true"} if not audited

# MD-010's security approval: `approvals.security` in mcp-manifest.json.
gaps contains {"control": "security approval", "detail": "no mcp-manifest.json"} if not common.has_manifest

gaps contains {"control": "security approval", "detail": "`approvals.security` missing from mcp-manifest.json"} if {
	common.has_manifest
	not common.manifest_present(["approvals", "security"])
}
