# METADATA
# title: "Control indeterminate: unresolved variable or opaque image"
# description: >-
#   A security-relevant value cannot be decided statically: it uses `${VAR}`
#   with no default and VAR is in neither the process environment nor the
#   project `.env` (values from `env_file:` never feed interpolation), a
#   `${VAR:?msg}` is required at deploy time, or the image is opaque (no
#   Dockerfile is mapped to it) so its USER and HEALTHCHECK are unknown. The
#   control is reported as indeterminate, not passed.
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

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some i in input.indeterminate
	r := result.with_evidence(sprintf("indeterminate %s: %s", [i.control, i.reason]), i, {"control": i.control, "rules": i.rules})
}
