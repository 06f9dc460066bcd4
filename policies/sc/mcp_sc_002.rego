# METADATA
# title: Image from a registry not on the allowlist
# description: >-
#   An image reference comes from a registry (host and namespace) that is not
#   in `allowed_registries` of `.mcp-audit.yaml`. Checked on the Compose
#   `image:` of a service that is not built locally, on every external `FROM`
#   of a Dockerfile (after global ARG defaults), built by Compose or standalone,
#   on the image a client entry runs with `docker run`, and on the OCI
#   packages of a registry `server.json`. Docker Hub short
#   names are docker.io references (`node:20` is
#   `docker.io/library/node:20`, `mcp/fetch` is `docker.io/mcp/fetch`). Stage
#   aliases and `scratch` are not images. An image with an unset variable is
#   judged by the text written before it when that text already decides
#   (`ghcr.io/other/${NAME}:1`, `node:${TAG}`); when it does not
#   (`${REGISTRY}/app`, or `ghcr.io/${ORG}/app` under `ghcr.io/acme/*`, which
#   may or may not be allowed), the rule is indeterminate and MCP-EC-004 says
#   why. The rule is off (not applicable) while the allowlist is empty.
# custom:
#   id: MCP-SC-002
#   severity: MEDIUM
#   kinds: [compose_service, dockerfile, mcp_client, mcp_metadata]
#   remediation: >-
#     Mirror third-party MCP and base images into the internal registry and
#     reference them from there, or add the registry to `allowed_registries`
#     after review.
#   references:
#     - CIS Docker Benchmark 4.2
#     - hadolint DL3026
package mcp_audit.sc.mcp_sc_002

import data.mcp_audit.lib.image
import data.mcp_audit.lib.result
import data.mcp_audit.lib.vars
import rego.v1

applicable if {
	count(allowlist) > 0
	input.kind != "mcp_metadata"
}

# A metadata file is judged only for the OCI packages of a registry `server.json`.
applicable if {
	count(allowlist) > 0
	count(image.server_json_images) > 0
}

allowlist := [p | some p in object.get(input, ["config", "allowed_registries"], []); trim_space(p) != ""]

deny contains r if {
	count(allowlist) > 0
	img := input.service.image
	is_object(img)
	not input.service.has_build
	not img.indeterminate
	not allowed(img.value)
	r := result.with_evidence(message("image", img.value, img.value), img, evidence(img.value, img.value))
}

deny contains r if {
	count(allowlist) > 0
	img := input.service.image
	is_object(img)
	not input.service.has_build
	img.indeterminate
	head := input.service.image_registry_head
	not may_be_allowed(head)
	written := input.service.image_written
	r := result.with_evidence(message("image", written, head), img, evidence(written, head))
}

deny contains r if {
	count(allowlist) > 0
	some f in input.dockerfile.from
	f.kind == "external"
	not f.indeterminate
	not allowed(f.resolved)
	r := result.with_evidence(message(from_what(f), f.resolved, f.resolved), f, evidence(f.resolved, f.resolved))
}

deny contains r if {
	count(allowlist) > 0
	some f in input.dockerfile.from
	f.kind == "external"
	f.indeterminate
	head := f.registry_head
	not may_be_allowed(head)
	r := result.with_evidence(message(from_what(f), f.image, head), f, evidence(f.image, head))
}

deny contains r if {
	count(allowlist) > 0
	img := input.server.docker.image
	not contains(img.value, "$")
	not allowed(img.value)
	what := sprintf("client entry %q: image", [input.unit.name])
	r := result.with_evidence(message(what, img.value, img.value), img, evidence(img.value, img.value))
}

deny contains r if {
	count(allowlist) > 0
	some p in image.server_json_images
	not allowed(p.ref)
	r := result.with_evidence(message("`server.json` OCI package", p.ref, p.ref), p.node, evidence(p.ref, p.ref))
}

# Images whose unset variable leaves open whether they are allowed: the text
# written before it may lead to an allowed registry or to another one. (With no
# registry written at all, `${REGISTRY}/app`, the unit's `input.indeterminate`
# already names this rule.)
indeterminate contains u if {
	count(allowlist) > 0
	img := input.service.image
	is_object(img)
	not input.service.has_build
	img.indeterminate
	head := input.service.image_registry_head
	open(head)
	u := undecided_entry("image", input.service.image_written, vars.unset_names(object.get(img, "vars", [])), img.loc)
}

indeterminate contains u if {
	count(allowlist) > 0
	some f in input.dockerfile.from
	f.kind == "external"
	f.indeterminate
	head := f.registry_head
	open(head)
	u := undecided_entry(from_what(f), f.image, "it does not resolve", f.loc)
}

open(head) if {
	may_be_allowed(head)
	not surely_allowed(head)
}

undecided_entry(what, written, why, loc) := {
	"control": "image registry",
	"reason": sprintf("%s %q may or may not come from `allowed_registries` (%s): %s", [what, written, concat(", ", allowlist), why]),
	"loc": loc,
}

from_what(f) := sprintf("base image of stage %q", [f.stage])

# `known`: the reference, or the text written before its first unset variable.
message(what, ref, known) := sprintf(
	"%s %q comes from %s, which is not in `allowed_registries` (%s)",
	[what, ref, location(known), concat(", ", allowlist)],
)

evidence(ref, known) := {"image": ref, "normalized": normalize(ref), "allowed_registries": allowlist} if ref == known

evidence(ref, known) := {"image": ref, "normalized_prefix": normalize_head(known), "allowed_registries": allowlist} if ref != known

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
	count(parts) > 2
	is_host(parts[0])
}

# `docker.io/node:20` is `docker.io/library/node:20`, as Docker reads it.
normalize(ref) := concat("/", [h, path]) if {
	parts := split(lower(ref), "/")
	count(parts) == 2
	is_host(parts[0])
	h := host(parts[0])
	path := hub_path(h, parts[1])
}

# (Not for the allowlist entries `docker.io/*` and `docker.io/`: all of Docker Hub.)
hub_path(h, name) := concat("/", ["library", name]) if {
	h == "docker.io"
	name != ""
	not contains(name, "*")
} else := name

# The text before an unset variable, normalized and cut back to what every
# reference that starts with it shares: `docker.io/${NAME}` may be
# `docker.io/library/…` or `docker.io/<namespace>/…`.
normalize_head(head) := "docker.io/" if {
	parts := split(lower(head), "/")
	count(parts) == 2
	is_host(parts[0])
	host(parts[0]) == "docker.io"
	not contains(parts[1], ":")
	not contains(parts[1], "@")
} else := normalize(head)

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

# Some reference that starts with `head` is allowed.
may_be_allowed(head) if {
	h := normalize_head(head)
	some p in allowlist
	may_match(h, normalize_pattern(trim_space(p)))
}

may_match(h, pat) if {
	endswith(pat, "*")
	overlaps(h, trim_suffix(pat, "*"))
}

may_match(h, pat) if {
	endswith(pat, "/")
	overlaps(h, pat)
}

may_match(h, pat) if {
	not endswith(pat, "*")
	not endswith(pat, "/")
	some sep in ["/", ":", "@"]
	overlaps(h, concat("", [pat, sep]))
}

may_match(h, pat) if startswith(pat, h)

# Every reference that starts with `head` is allowed.
surely_allowed(head) if {
	h := normalize_head(head)
	some p in allowlist
	surely_matches(h, normalize_pattern(trim_space(p)))
}

surely_matches(h, pat) if {
	endswith(pat, "*")
	startswith(h, trim_suffix(pat, "*"))
}

surely_matches(h, pat) if {
	endswith(pat, "/")
	startswith(h, pat)
}

surely_matches(h, pat) if {
	not endswith(pat, "*")
	not endswith(pat, "/")
	some sep in ["/", ":", "@"]
	startswith(h, concat("", [pat, sep]))
}

# A string starting with `h` can also start with `prefix`.
overlaps(h, prefix) if startswith(h, prefix)

overlaps(h, prefix) if startswith(prefix, h)
