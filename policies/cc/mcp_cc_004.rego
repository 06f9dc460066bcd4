# METADATA
# title: "`docker run` lacks the hardening baseline"
# description: >-
#   A client-launched `docker run` / `podman run` misses part of the baseline
#   that docker/mcp-gateway applies to every server it starts: `--rm`, `-i`
#   (stdio servers talk over stdin), `--read-only`, `--cap-drop ALL`,
#   `--security-opt no-new-privileges`, `--memory`, `--cpus`, and a non-root
#   `-u` / `--user`. One finding lists everything missing. `-d` / `--detach`
#   on a stdio server is reported too: the client cannot reach a detached
#   container's stdin (VS Code: do not detach stdio servers). A root user is
#   also MCP-CC-003's. Entries that run the hub (`docker mcp gateway run`)
#   are not `docker run` and are not judged: the hub applies the baseline.
#   Without `-u`, the image's own USER decides: it passes only when the
#   image's Dockerfile is known here (a Compose service that builds the
#   image, or an `image_map` entry) and its target stage runs as a non-root
#   user; otherwise `-u` is required.
# custom:
#   id: MCP-CC-004
#   severity: MEDIUM
#   kinds: [mcp_client]
#   remediation: >-
#     Start the server with `docker run --rm -i --read-only --tmpfs /tmp
#     --cap-drop ALL --security-opt no-new-privileges --memory 512m --cpus 1
#     -u 1000:1000 <image>@sha256:…`, or connect the client to the hub.
#   references:
#     - CIS Docker Benchmark 5.4, 5.11, 5.12, 5.13, 5.26
#     - docker/mcp-gateway baseArgs
#     - VS Code MCP docs (stdio servers must not run detached)
package mcp_audit.cc.mcp_cc_004

import data.mcp_audit.cc.common
import data.mcp_audit.lib.result
import rego.v1

applicable if common.docker

deny contains r if {
	count(missing) > 0
	r := result.with_evidence(
		sprintf("client entry %q starts `docker run` without the hardening baseline: missing %s", [input.unit.name, concat(", ", missing)]),
		node,
		{"missing": missing},
	)
}

deny contains r if {
	some o in common.option({"d", "detach"})
	not o.value == "false"
	stdio
	r := result.with_evidence(
		sprintf("client entry %q runs its stdio server detached (`-d`): the client cannot reach the container's stdin", [input.unit.name]),
		o,
		{"option": "detach"},
	)
}

# The baseline, in the order the remediation writes it: [id, as written].
baseline := [
	["rm", "`--rm`"],
	["interactive", "`-i`"],
	["read-only", "`--read-only`"],
	["cap-drop", "`--cap-drop ALL`"],
	["no-new-privileges", "`--security-opt no-new-privileges`"],
	["memory", "`--memory`"],
	["cpus", "`--cpus`"],
	["user", "a non-root `--user`"],
]

missing := [flag | some [id, flag] in baseline; not present(id)]

# The finding points at the `docker` command of the entry.
node := common.server.command

present("rm") if common.docker.rm == true

present("interactive") if count(common.option({"i", "interactive"})) > 0

present("read-only") if common.docker.read_only == true

present("cap-drop") if {
	some c in common.docker.cap_drop
	trim_prefix(upper(trim_space(c)), "CAP_") == "ALL"
}

present("no-new-privileges") if {
	some s in common.docker.security_opt
	regex.match(`^no-new-privileges([:=]true)?$`, lower(trim_space(s)))
}

present("memory") if limit(common.docker.memory)

present("cpus") if limit(common.docker.cpus)

present("user") if {
	u := common.docker.user
	is_string(u)
	trim_space(u) != ""
	not common.root_user(u)
}

# No `-u`: the image's Dockerfile, known here, runs it as a non-root user.
present("user") if {
	not is_string(common.docker.user)
	image_user.root == false
	not image_user.indeterminate
}

image_user := input.image.dockerfile.user

limit(v) if {
	is_string(v)
	not trim_space(v) in {"", "0", "-1"}
}

# A server without a declared transport, or `stdio`, is a stdio server.
stdio if object.get(common.server, "type", null) == null

stdio if lower(common.server.type) == "stdio"
