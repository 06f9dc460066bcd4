# METADATA
# title: Image target stage has no HEALTHCHECK
# description: >-
#   No `HEALTHCHECK CMD` is found in the target stage's `FROM <stage>` ancestry,
#   or the nearest HEALTHCHECK in the chain is `HEALTHCHECK NONE`. A HEALTHCHECK
#   in a stage that is not an ancestor of the target stage does not count. The
#   base image's own HEALTHCHECK counts when `base_images` in `.mcp-audit.yaml`
#   gives it (`healthcheck:`), as the scan cannot see inside external images.
#   Not applicable to a Dockerfile that no Compose service runs when the
#   `mcp-manifest.json` or registry `server.json` beside it declares the
#   stdio transport only: a per-call stdio container (`docker run -i --rm`)
#   has no health state to check.
# custom:
#   id: MCP-DF-002
#   severity: MEDIUM
#   kinds: [dockerfile, compose_service]
#   superseded_by: MCP-EC-002
#   remediation: >-
#     Add `HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD …` (an HTTP
#     `/health/liveness` probe, or a process check for stdio servers) to the
#     runtime stage or an ancestor.
#   references:
#     - CIS Docker Benchmark 4.6
#     - hadolint DL3057
#     - Trivy DS-0026
#     - "KICS: Healthcheck Instruction Missing"
#     - Checkov CKV_DOCKER_2
package mcp_audit.df.mcp_df_002

import data.mcp_audit.lib.result
import rego.v1

applicable if not input.stdio

deny contains r if {
	h := input.dockerfile.healthcheck
	not h.present
	not h.indeterminate
	h.none
	r := result.new(sprintf("`HEALTHCHECK NONE` disables the health check of target stage %q", [input.dockerfile.target.name]), h)
}

deny contains r if {
	h := input.dockerfile.healthcheck
	not h.present
	not h.indeterminate
	not h.none
	r := result.new(sprintf("no HEALTHCHECK in target stage %q or its ancestors", [input.dockerfile.target.name]), h)
}
