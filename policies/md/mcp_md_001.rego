# METADATA
# title: Server identity label missing
# description: >-
#   An MCP server or hub has no non-empty `mcp.server` label (or a configured
#   alias such as `com.mcp.type`) among its effective labels: the service
#   `labels` (list or map form; a YAML bool or number counts, stringified),
#   `build.labels` and the LABEL of its image's target stage, ancestry
#   included. Without it the lifecycle monitor and the inventory cannot tell
#   which server a container is; for the same reason two services of a
#   project must not claim the same identity (a copy under a Compose profile
#   and a one-shot job of the server may). An unresolved variable is
#   indeterminate (MCP-EC-004), not a failure.
# custom:
#   id: MCP-MD-001
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Add `labels: ["mcp.server=<name>"]` to every MCP service, or
#     `LABEL mcp.server=<name>` to its image, with a name no other service uses.
#   references:
#     - OWASP MCP Top 10 MCP09 (shadow MCP servers)
package mcp_audit.md.mcp_md_001

import data.mcp_audit.lib.result
import data.mcp_audit.md.common
import rego.v1

applicable if common.server_unit

# The identity labels the service carries, resolved or not.
identity_labels := {key: l |
	some key in common.server_label_keys
	l := common.label(key)
}

identified if {
	some l in identity_labels
	common.declared(l)
}

undecided if {
	some l in identity_labels
	common.indeterminate(l)
}

deny contains r if {
	count(identity_labels) == 0
	r := result.with_evidence(
		sprintf("%s %q has no `%s` label", [common.unit_kind, input.unit.name, common.server_label_keys[0]]),
		input.service,
		{"labels": common.server_label_keys},
	)
}

# Two services of the project claim the same identity: inventories and the
# lifecycle monitor that key off it cannot tell them apart.
deny contains r if {
	some key, l in identity_labels
	common.declared(l)
	others := [s |
		some s in object.get(input, ["project", "server_identities_claimed_twice", trim_space(l.value)], [])
		s != input.unit.name
	]
	count(others) > 0
	r := result.with_evidence(
		sprintf("%s %q claims server identity `%s=%s`, which service %s claims too", [common.unit_kind, input.unit.name, key, trim_space(l.value), concat(", ", [sprintf("%q", [s]) | some s in others])]),
		l,
		{"labels": common.server_label_keys, "duplicate_of": others},
	)
}

deny contains r if {
	count(identity_labels) > 0
	not identified
	not undecided
	some key, l in identity_labels
	r := result.with_evidence(
		sprintf("%s %q has an empty `%s` label", [common.unit_kind, input.unit.name, key]),
		l,
		{"labels": common.server_label_keys},
	)
}
