# METADATA
# title: Container-runtime socket mounted into a non-hub service
# description: >-
#   A service that is neither the designated hub nor a configured socket proxy
#   (`socket_proxies` in `.mcp-audit.yaml`, by service name or image pattern)
#   bind-mounts a container-runtime socket, in short or long volume syntax:
#   `/var/run/docker.sock`, `/run/docker.sock`, Docker Desktop's
#   `~/.docker/run/docker.sock`, rootless `/run/user/<uid>/docker.sock`,
#   `…/podman/podman.sock`, `/run/containerd/containerd.sock`, the Docker
#   Engine named pipe, or a parent directory that contains one of them
#   (`/var/run:/var/run`, `/`); or sets `use_api_socket: true` (Compose
#   2.37.1), which gives it the engine's API socket and the user's registry
#   credentials. `//` and `/var/run` ≡ `/run` are normalised. A
#   `DOCKER_HOST=tcp://…:2375` (the API over plain TCP, no TLS) in the
#   service's environment, `env_file` or image ENV counts too. `:ro` does not
#   exempt: a read-only bind of a Unix socket still allows every API call,
#   which is root on the host. An unresolved variable in the source is
#   indeterminate, not a pass or a failure.
# custom:
#   id: MCP-CS-002
#   severity: CRITICAL
#   kinds: [compose_service]
#   remediation: >-
#     Remove the mount (and `DOCKER_HOST`). Let the hub, or a filtering socket
#     proxy on an internal network that allows only the API endpoints needed,
#     be the only consumer of the runtime socket; list that proxy under
#     `socket_proxies` in `.mcp-audit.yaml`.
#   references:
#     - CIS Docker Benchmark 5.32
#     - "KICS: Docker Socket Mounted In Container"
#     - Dockle DKL-DI-0002
#     - OWASP MCP Top 10 MCP02
package mcp_audit.cs.mcp_cs_002

import data.mcp_audit.lib.result
import rego.v1

# The hub is judged by MCP-CS-003; configured socket proxies are allowed the socket.
applicable if {
	input.unit.role != "hub"
	not socket_proxy
}

deny contains r if {
	applicable
	some v in input.service.volumes
	not v.indeterminate
	m := runtime_socket_mount(v)
	r := result.with_evidence(
		sprintf("service %q mounts `%s`, %s%s", [input.unit.name, v.source, m.what, ro_note(v)]),
		v,
		{"source": v.source, "host_path": m.path, "target": v.target, "read_only": v.read_only},
	)
}

deny contains r if {
	applicable
	u := input.service.use_api_socket
	u.value == true
	not u.indeterminate
	r := result.with_evidence(
		sprintf("service %q sets `use_api_socket: true`: it gets the container-runtime API socket, read-write, and the user's registry credentials", [input.unit.name]),
		u,
		{"use_api_socket": true},
	)
}

deny contains r if {
	applicable
	h := env_var("DOCKER_HOST")
	not h.indeterminate
	plain_tcp(h.value)
	r := result.with_evidence(
		sprintf("service %q reaches the container-runtime API over plain TCP without TLS (`DOCKER_HOST=%s`)", [input.unit.name, h.value]),
		h,
		{"variable": "DOCKER_HOST", "value": h.value},
	)
}

socket_proxy if {
	some p in input.config.socket_proxies
	p == input.unit.name
}

socket_proxy if {
	some p in input.config.socket_proxies
	img := input.service.image
	not img.indeterminate
	glob.match(p, null, img.value)
}

ro_note(v) := "; `:ro` does not help: a read-only bind of a socket still allows every API call" if v.read_only

ro_note(v) := "" if not v.read_only

# --- runtime sockets (also used by MCP-CS-003)

# runtime_socket_mount(v) is {what, path} when volume v exposes a runtime socket, else undefined.
runtime_socket_mount(v) := {"what": "the container-runtime socket", "path": p} if {
	p := host_path(v.source)
	runtime_socket(p)
}

runtime_socket_mount(v) := {"what": "a host directory that contains the container-runtime socket", "path": p} if {
	p := host_path(v.source)
	not runtime_socket(p)
	socket_parent_dir(p)
}

runtime_socket_mount(v) := {"what": "the Docker Engine named pipe", "path": v.source} if docker_pipe(v.source)

# host_path(src) is the normalised host path of an absolute or `~` source: repeated
# and trailing slashes removed, `/var/run` (a symlink to `/run`) read as `/run`.
host_path(src) := p if {
	regex.match(`^(/|~/|~$)`, src)
	squeezed := regex.replace(src, `/+`, "/")
	trimmed := trim_suffix_slash(squeezed)
	p := var_run_as_run(trimmed)
}

trim_suffix_slash(p) := p if p == "/"

trim_suffix_slash(p) := trim_suffix(p, "/") if p != "/"

var_run_as_run(p) := "/run" if p == "/var/run"

var_run_as_run(p) := concat("", ["/run/", substring(p, 9, -1)]) if startswith(p, "/var/run/")

var_run_as_run(p) := p if {
	p != "/var/run"
	not startswith(p, "/var/run/")
}

runtime_socket_names := {"docker.sock", "podman.sock", "containerd.sock", "crio.sock"}

runtime_socket(p) if {
	parts := split(p, "/")
	parts[count(parts) - 1] in runtime_socket_names
}

# Directories that hold a runtime socket: `/`, `/run`, rootless `/run/user/<uid>`,
# the podman/containerd/CRI-O runtime dirs, Docker Desktop's `~/.docker/run`.
socket_parent_dir(p) if regex.match(`^(/|/run|/run/user|/run/user/[^/]+|/run/user/[^/]+/podman|/run/(podman|containerd|crio)|(~|/root|/home/[^/]+|/Users/[^/]+)/\.docker(/(run|desktop))?)$`, p)

docker_pipe(src) if regex.match(`^[\\/]{2}\.[\\/]pipe[\\/]docker_engine$`, lower(src))

# --- DOCKER_HOST

# env_var(k) is the effective value of a container environment variable: Compose
# `environment`, else the last `env_file` that sets it, else the image's ENV.
env_var(k) := input.service.environment[k]

env_var(k) := v if {
	not input.service.environment[k]
	vs := env_file_values(k)
	count(vs) > 0
	v := vs[count(vs) - 1]
}

env_var(k) := v if {
	not input.service.environment[k]
	count(env_file_values(k)) == 0
	v := input.dockerfile.env[k]
}

env_file_values(k) := [e |
	some f in input.env_files
	some e in f.entries
	e.key == k
]

# Docker's default port for `tcp://` is 2375 unless DOCKER_TLS_VERIFY is set.
plain_tcp(h) if regex.match(`^tcp://[^/]*:2375/?$`, lower(h))

plain_tcp(h) if {
	regex.match(`^tcp://(\[[^\]]*\]|[^/:\[]+)/?$`, lower(h))
	not tls_verify
}

tls_verify if {
	t := env_var("DOCKER_TLS_VERIFY")
	t.value != ""
}
