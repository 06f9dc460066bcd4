# METADATA
# title: Mutable image reference
# description: >-
#   An image reference has no tag or uses `:latest`, so what runs can change
#   without a change in the repository. Checked on the Compose `image:` of a
#   service that is not built locally, and on every external `FROM` of the
#   Dockerfile (after global ARG defaults are applied), and on the image of a
#   client-config `docker run` / `podman run` entry (its first positional
#   after `run`), and on the OCI packages of a registry `server.json`
#   (`identifier`, with its `version` when the identifier has no tag;
#   `$VERSION`-style templates are not judged). Stage aliases, `scratch`, digests and local build tags are
#   not mutable references; a client image behind an unexpanded variable
#   (`${IMAGE}`) is not judged. A Compose or `FROM` reference with an unset
#   variable is judged as written when the variable ends before its tag and
#   digest (`registry/${NAME}:latest`, `${REGISTRY}/app`); one that reaches into
#   the tag (`app:${TAG}`, `${IMAGE}`) is indeterminate (MCP-EC-004). With
#   `require_digest: true` in the config, a pinned tag without an `@sha256:`
#   digest is reported too.
# custom:
#   id: MCP-SC-001
#   severity: MEDIUM
#   kinds: [compose_service, dockerfile, mcp_client, mcp_metadata]
#   remediation: >-
#     Pin a version tag, and a digest for production
#     (`image: repo:1.4.2@sha256:…`), kept fresh with a bot such as Renovate.
#   references:
#     - CIS Docker Benchmark 4.2
#     - hadolint DL3006, DL3007
#     - Trivy DS-0001
#     - "KICS: Image Version Not Explicit / Image Version Using 'latest'"
#     - Checkov CKV_DOCKER_7
#     - OWASP MCP Top 10 MCP04
package mcp_audit.sc.mcp_sc_001

import data.mcp_audit.lib.image
import data.mcp_audit.lib.result
import rego.v1

# A metadata file is judged only for the OCI packages of a registry `server.json`.
applicable if input.kind != "mcp_metadata"

applicable if count(image.server_json_images) > 0

deny contains r if {
	img := input.service.image
	not input.service.has_build
	ref := service_image
	unpinned(ref)
	r := result.new(sprintf("image %q %s", [ref, why(ref)]), img)
}

# The Compose image judged: its value, or the reference as written when an unset
# variable in it ends before the tag and digest; undefined when the tag is unknown.
service_image := input.service.image.value if {
	not input.service.image.indeterminate
} else := input.service.image_written if input.service.image_pin_fixed

deny contains r if {
	some f in input.dockerfile.from
	f.kind == "external"
	ref := from_image(f)
	unpinned(ref)
	r := result.new(sprintf("base image %q %s", [ref, why(ref)]), f)
}

# The base image judged: after ARG defaults, or as written when an unset variable in
# it ends before the tag and digest; undefined when the tag is unknown.
from_image(f) := f.resolved if {
	not f.indeterminate
} else := f.image if f.pin_fixed

deny contains r if {
	img := input.server.docker.image
	not contains(img.value, "$")
	unpinned(img.value)
	r := result.new(sprintf("client entry %q runs image %q, which %s", [input.unit.name, img.value, why(img.value)]), img)
}

deny contains r if {
	some p in image.server_json_images
	unpinned(p.ref)
	r := result.new(sprintf("`server.json` OCI package %q %s", [p.ref, why(p.ref)]), p.node)
}

# unpinned(ref): mutable, or (under `require_digest: true`) without a digest.
unpinned(ref) if image.mutable(ref)

unpinned(ref) if {
	input.config.require_digest
	not image.has_digest(ref)
}

why(ref) := "uses the mutable `latest` tag" if {
	image.tag(ref) == "latest"
} else := "has no tag (defaults to `latest`)" if {
	not image.tag(ref)
} else := "has no `@sha256:` digest (`require_digest` is on)"
