# METADATA
# title: Image from a registry not on the allowlist
# description: >-
#   An image reference comes from a registry (host and namespace) that is not
#   in `allowed_registries` of `.mcp-audit.yaml`. Checked on the Compose
#   `image:` of a service that is not built locally and on every external
#   `FROM` of its Dockerfile (after global ARG defaults). Docker Hub short
#   names are docker.io references (`node:20` is
#   `docker.io/library/node:20`, `mcp/fetch` is `docker.io/mcp/fetch`). Stage
#   aliases and `scratch` are not images. The rule is off (not applicable)
#   while the allowlist is empty.
# custom:
#   id: MCP-SC-002
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Mirror third-party MCP and base images into the internal registry and
#     reference them from there, or add the registry to `allowed_registries`
#     after review.
#   references:
#     - CIS Docker Benchmark 4.2
#     - hadolint DL3026
package mcp_audit.sc.mcp_sc_002

import data.mcp_audit.lib.result
import rego.v1

applicable if count(allowlist) > 0

allowlist := [p | some p in object.get(input, ["config", "allowed_registries"], []); trim_space(p) != ""]

deny contains r if {
	count(allowlist) > 0
	img := input.service.image
	is_object(img)
	not input.service.has_build
	not img.indeterminate
	not allowed(img.value)
	r := result.with_evidence(message("image", img.value), img, evidence(img.value))
}

deny contains r if {
	count(allowlist) > 0
	some f in input.dockerfile.from
	f.kind == "external"
	not f.indeterminate
	not allowed(f.resolved)
	r := result.with_evidence(message(sprintf("base image of stage %q", [f.stage]), f.resolved), f, evidence(f.resolved))
}

message(what, ref) := sprintf(
	"%s %q comes from %s, which is not in `allowed_registries` (%s)",
	[what, ref, location(ref), concat(", ", allowlist)],
)

evidence(ref) := {"image": ref, "normalized": normalize(ref), "allowed_registries": allowlist}

# `docker.io/library` for `node:20`, the host and namespace otherwise.
location(ref) := concat("/", array.slice(parts, 0, count(parts) - 1)) if {
	parts := split(normalize(ref), "/")
}

docker_hub_hosts := {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}

is_host(segment) if contains(segment, ".")

is_host(segment) if contains(segment, ":")

is_host(segment) if segment == "localhost"

# Fully qualified, lower-case: `node:20` → `docker.io/library/node:20`.
normalize(ref) := concat("", ["docker.io/library/", lower(ref)]) if {
	not contains(ref, "/")
}

normalize(ref) := concat("", ["docker.io/", lower(ref)]) if {
	parts := split(ref, "/")
	count(parts) > 1
	not is_host(parts[0])
}

normalize(ref) := concat("/", array.concat([host(parts[0])], array.slice(parts, 1, count(parts)))) if {
	parts := split(lower(ref), "/")
	count(parts) > 1
	is_host(parts[0])
}

host(h) := "docker.io" if h in docker_hub_hosts

else := h

# Allowlist entries: `localhost:5000/idp/`, `docker.io/mcp/*`, `ghcr.io/acme`, `mcp/*`.
normalize_pattern(p) := host(lower(p)) if {
	not contains(p, "/")
	is_host(p)
}

normalize_pattern(p) := normalize(p) if {
	not is_host_only(p)
}

is_host_only(p) if {
	not contains(p, "/")
	is_host(p)
}

allowed(ref) if {
	some p in allowlist
	matches(normalize(ref), normalize_pattern(trim_space(p)))
}

matches(ref, pat) if {
	endswith(pat, "*")
	startswith(ref, trim_suffix(pat, "*"))
}

matches(ref, pat) if {
	endswith(pat, "/")
	startswith(ref, pat)
}

matches(ref, pat) if {
	not endswith(pat, "*")
	not endswith(pat, "/")
	some sep in ["/", ":", "@"]
	startswith(ref, concat("", [pat, sep]))
}

matches(ref, pat) if ref == pat
