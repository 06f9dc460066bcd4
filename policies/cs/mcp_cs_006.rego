# METADATA
# title: "`no-new-privileges` not set"
# description: >-
#   `security_opt` has none of `no-new-privileges`, `no-new-privileges:true`
#   or `no-new-privileges=true` (any value Docker parses as true: `true`,
#   `1`, `t`, any case), or it sets `no-new-privileges:false`. Without it a
#   process can gain privileges through setuid/setgid binaries or file
#   capabilities. A list item written as the mapping
#   `- no-new-privileges: true` is not the string Compose expects and does not
#   count. An unresolved variable in `security_opt` is indeterminate.
# custom:
#   id: MCP-CS-006
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Add `security_opt: ["no-new-privileges:true"]` (docker/mcp-gateway adds
#     it to every server it starts).
#   references:
#     - CIS Docker Benchmark 5.26 (daemon-wide, 2.14)
#     - "KICS: No New Privileges Not Set"
#     - docker/mcp-gateway (--security-opt no-new-privileges)
package mcp_audit.cs.mcp_cs_006

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	not configured
	not undecided
	count(mapping_items) == 0
	r := result.new(sprintf("service %q does not set `no-new-privileges:true` in `security_opt`", [input.unit.name]), input.service)
}

deny contains r if {
	some o in input.service.security_opt
	not o.indeterminate
	nnp_value(o.value) == false
	r := result.with_evidence(sprintf("service %q sets `%s`: processes can gain privileges through setuid binaries", [input.unit.name, o.value]), o, {"security_opt": o.value})
}

deny contains r if {
	not configured
	not undecided
	some m in mapping_items
	r := result.with_evidence(
		sprintf("service %q writes `- %s: %v` in `security_opt`, a YAML mapping, not the string `no-new-privileges:true`: the option is not set", [input.unit.name, m.key, m.value]),
		m.item,
		{"security_opt": {m.key: m.value}},
	)
}

# Some entry sets the option, either way.
configured if {
	some o in input.service.security_opt
	not o.indeterminate
	is_boolean(nnp_value(o.value))
}

undecided if {
	some o in input.service.security_opt
	o.indeterminate
}

# `- no-new-privileges: true` (with a space) in the raw list is a mapping, which the
# typed `security_opt` list leaves out.
mapping_items contains {"key": k, "value": v, "item": item} if {
	some item in object.get(input.raw, "security_opt", [])
	is_object(item)
	some k, v in item
	startswith(lower(k), "no-new-privileges")
}

# nnp_value(opt) is the boolean a `security_opt` entry gives no-new-privileges
# (Docker splits on `=` or `:` and parses the value with strconv.ParseBool);
# undefined for other options and unparsable values.
nnp_value(opt) := true if lower(trim_space(opt)) == "no-new-privileges"

nnp_value(opt) := b if {
	s := lower(trim_space(opt))
	some sep in [":", "="]
	startswith(s, concat("", ["no-new-privileges", sep]))
	b := parse_bool(trim_space(substring(s, 18, -1)))
}

parse_bool(v) := true if v in {"true", "1", "t"}

parse_bool(v) := false if v in {"false", "0", "f"}
