# METADATA
# title: "Control indeterminate: unresolved variable or opaque image"
# description: >-
#   A security-relevant value cannot be decided statically: it uses `${VAR}`
#   with no default and VAR is in neither the process environment nor the
#   project `.env` (values from `env_file:` never feed interpolation), a
#   `${VAR:?msg}` is required at deploy time, or the image is opaque (no
#   Dockerfile is mapped to it) so its USER and HEALTHCHECK are unknown. The
#   control is reported as indeterminate, not passed. So are what the rules
#   themselves find undecided (their `indeterminate` set): an image whose registry
#   an unset variable leaves open (`ghcr.io/${ORG}/app` under the allowlist
#   `ghcr.io/acme/*`, MCP-SC-002), a hub's `DOCKER_MCP_IN_DIND: ${DIND}`
#   (MCP-CS-001).
# custom:
#   id: MCP-EC-004
#   severity: INFO
#   kinds: [compose_service, dockerfile]
#   remediation: >-
#     Give security-relevant variables safe defaults (`${MCP_MEMORY_LIMIT:-1g}`)
#     or put them in the project `.env`; map images to Dockerfiles with
#     `image_map` in `.mcp-audit.yaml`.
#   references:
#     - Compose specification, interpolation
package mcp_audit.ec.mcp_ec_004

import data.mcp_audit.cs.mcp_cs_001
import data.mcp_audit.lib.result
import data.mcp_audit.sc.mcp_sc_002
import rego.v1

deny contains r if {
	some i in input.indeterminate
	r := result.with_evidence(sprintf("indeterminate %s: %s", [i.control, i.reason]), i, {"control": i.control, "rules": i.rules})
}

# What the rules with an `indeterminate` set leave open on this unit.
undecided_by_rule := {
	"MCP-CS-001": mcp_cs_001.indeterminate,
	"MCP-SC-002": mcp_sc_002.indeterminate,
}

deny contains r if {
	some rule, us in undecided_by_rule
	some u in us
	r := result.with_evidence(sprintf("indeterminate %s: %s", [u.control, u.reason]), u, {"control": u.control, "rules": [rule]})
}
