# METADATA
# title: Image target stage runs as root
# description: >-
#   The effective USER of the Dockerfile's target stage, followed through its
#   `FROM <stage>` ancestry, is root: no USER anywhere in the chain (and the
#   chain ends in a base image not known to be non-root: neither
#   `gcr.io/distroless/*:nonroot`, `*:*-nonroot`, `cgr.dev/chainguard/*` nor
#   an entry of `base_images` in `.mcp-audit.yaml` with a non-root `user`), or the last USER has
#   uid `root` or `0`. A USER set only in a stage that is not an ancestor of the
#   target stage does not count.
# custom:
#   id: MCP-DF-001
#   severity: HIGH
#   kinds: [dockerfile, compose_service]
#   superseded_by: MCP-EC-001
#   remediation: >-
#     Create a dedicated user in a base stage and set `USER <uid>` (numeric
#     preferred) in the runtime stage or one of its ancestors.
#   references:
#     - CIS Docker Benchmark 4.1
#     - hadolint DL3002
#     - Trivy DS-0002
#     - "KICS: Missing User Instruction / Last User Is 'root'"
#     - Checkov CKV_DOCKER_3, CKV_DOCKER_8
#     - OWASP MCP Top 10 MCP02
package mcp_audit.df.mcp_df_001

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	u := input.dockerfile.user
	u.root
	u.source == "USER"
	r := result.new(sprintf("stage %q runs as root: `USER %s`", [u.stage, u.value]), u)
}

deny contains r if {
	u := input.dockerfile.user
	u.root
	u.source == "default"
	r := result.new(sprintf("no USER in target stage %q or its ancestors; the container runs as root", [input.dockerfile.target.name]), u)
}
