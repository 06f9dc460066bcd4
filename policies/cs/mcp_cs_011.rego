# METADATA
# title: Confinement profile disabled
# description: >-
#   `security_opt` turns off a kernel confinement layer: `seccomp:unconfined`,
#   `apparmor:unconfined`, `label:disable` (SELinux) or
#   `systempaths=unconfined` (unmasks `/proc` and `/sys` paths), written with
#   `:` or `=`. The container then reaches every system call, loses its
#   mandatory-access-control profile, or sees masked kernel interfaces. A
#   custom seccomp or AppArmor profile is not reported (its content is not
#   reviewed). An unresolved variable is indeterminate (MCP-EC-004).
# custom:
#   id: MCP-CS-011
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Remove the `unconfined` / `disable` override, or ship a reviewed custom
#     profile (`seccomp=./seccomp/mcp-server.json`).
#   references:
#     - CIS Docker Benchmark 5.22 (seccomp), 5.2 (AppArmor), 5.3 (SELinux)
#     - "KICS: Default Seccomp Profile Disabled"
#     - "KICS: Security Opt Not Set (AppArmor / SELinux analogue)"
#     - Checkov CKV_K8S_31 (seccomp, Kubernetes analogue)
package mcp_audit.cs.mcp_cs_011

import data.mcp_audit.lib.result
import rego.v1

# Normalised option -> what it does.
disabling := {
	"seccomp:unconfined": "runs without a seccomp filter",
	"apparmor:unconfined": "runs without an AppArmor profile",
	"label:disable": "runs without SELinux labelling",
	"systempaths:unconfined": "unmasks the /proc and /sys paths Docker hides",
}

deny contains r if {
	some o in input.service.security_opt
	not o.indeterminate
	what := disabling[normalise(o.value)]
	r := result.with_evidence(
		sprintf("service %q %s (`security_opt: %s`)", [input.unit.name, what, o.value]),
		o,
		{"security_opt": o.value},
	)
}

# `seccomp=unconfined` and `seccomp:unconfined` are the same option.
normalise(opt) := replace(replace(lower(opt), " ", ""), "=", ":")
