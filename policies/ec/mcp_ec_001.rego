# METADATA
# title: Effective runtime user is root
# description: >-
#   The user a Compose service will really run as is root. Precedence: the
#   Compose `user:` (after merge and interpolation), then the USER of the
#   service's Dockerfile target stage (`build.target` honoured, `FROM <stage>`
#   ancestry followed, `build.args` feeding ARG), then the base image default.
#   An unresolved variable or an opaque image is indeterminate (MCP-EC-004),
#   not a pass and not a failure.
# custom:
#   id: MCP-EC-001
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Set a non-root USER in the image, or `user: "<uid>:<gid>"` in Compose,
#     and never `user: root` in override files.
#   references:
#     - CIS Docker Benchmark 4.1
#     - hadolint DL3002 (single-file analogue)
#     - Trivy DS-0002 (single-file analogue)
#     - Checkov CKV_K8S_23 (runtime analogue)
#     - OWASP MCP Top 10 MCP02
package mcp_audit.ec.mcp_ec_001

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	u := input.effective.user
	u.root
	not u.indeterminate
	r := result.with_evidence(message(u), u, {"user": object.get(u, "value", null), "source": u.source})
}

message(u) := sprintf("service %q runs as root: compose `user: %s`", [input.unit.name, u.value]) if u.source == "compose"

message(u) := sprintf("service %q runs as root: `USER %s` in Dockerfile stage %q", [input.unit.name, u.value, u.stage]) if u.source == "dockerfile"

message(u) := sprintf("service %q runs as root: neither Compose `user:` nor the Dockerfile target stage %q sets a user", [input.unit.name, u.stage]) if u.source == "default"
