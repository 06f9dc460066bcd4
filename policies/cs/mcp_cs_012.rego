# METADATA
# title: Sensitive or writable host path mounted
# description: >-
#   A bind mount (short or long syntax) exposes the host: its resolved source
#   is a sensitive path (`/`, `/etc`, `/root`, `/boot`, `/proc`, `/sys`,
#   `/dev`, `/var/lib/docker`, `/home`, a whole home directory such as
#   `/home/<user>` or `~`, or a credential directory `~/.ssh`, `~/.aws`,
#   `~/.kube`, `~/.docker`, `~/.config/gcloud`), even read-only; or it is a
#   host path outside the project directory (absolute, `~/…`, or climbing
#   above the compose file with `../`) mounted read-write, unless it lies
#   under a configured `allowed_bind_roots` entry. Named volumes, tmpfs,
#   project-relative binds (`./config:/config:ro`, `./data:/data`), read-only binds of
#   non-sensitive paths (`/workspace:/workspace:ro`), read-only
#   `/etc/localtime` and `/etc/timezone`, and runtime sockets (MCP-CS-002 /
#   MCP-CS-003) are not reported. A read-only sensitive mount is still
#   reported; the evidence says so. An unresolved variable is indeterminate
#   (MCP-EC-004).
# custom:
#   id: MCP-CS-012
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Mount the narrowest project directory, `:ro` unless the server's purpose
#     is to write, and never home, credential or system directories; keep
#     state in named volumes.
#   references:
#     - CIS Docker Benchmark 5.6
#     - "KICS: Volume Has Sensitive Host Directory"
#     - Dockle DKL-DI-0002
#     - OWASP MCP Top 10 MCP10
package mcp_audit.cs.mcp_cs_012

import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some m in host_binds
	p := normalise(m.source)
	sensitive(p)
	r := result.with_evidence(
		sprintf("service %q mounts sensitive host path %q at %q %s", [input.unit.name, m.source, m.target, mode(m)]),
		m,
		evidence(m, "sensitive"),
	)
}

deny contains r if {
	some m in host_binds
	not m.read_only
	p := normalise(m.source)
	not sensitive(p)
	outside_project(p)
	not allowed_root(p)
	r := result.with_evidence(
		sprintf("service %q mounts host path %q read-write at %q (outside the project directory)", [input.unit.name, m.source, m.target]),
		m,
		evidence(m, "writable"),
	)
}

# Bind mounts with a known host source, runtime sockets left to MCP-CS-002/003.
host_binds contains m if {
	some m in input.service.volumes
	m.type == "bind"
	not m.indeterminate
	is_string(m.source)
	m.source != ""
	not runtime_socket(m.source)
	not benign(m)
}

mode(m) := "read-only" if m.read_only

mode(m) := "read-write" if not m.read_only

evidence(m, reason) := {"source": m.source, "target": m.target, "read_only": m.read_only, "reason": reason}

# `//x/` -> `/x`, `./a/` -> `./a`; `/` stays `/`.
normalise(path) := p if {
	collapsed := regex.replace(path, `/+`, "/")
	p := trim_suffix_slash(collapsed)
}

trim_suffix_slash(p) := p if p == "/"

trim_suffix_slash(p) := trim_right(p, "/") if p != "/"

# --- sensitive host paths ---

sensitive(p) if p == "/"

sensitive(p) if {
	some root in system_roots
	under(p, root)
}

# `/home`, a whole home directory, or `~` itself.
sensitive(p) if regex.match(`^(/home|/Users)(/[^/]+)?$`, p)

sensitive(p) if p == "~"

# Credential directories under any home directory.
sensitive(p) if regex.match(`^(~|/home/[^/]+|/Users/[^/]+)/(\.ssh|\.aws|\.kube|\.docker|\.config/gcloud)(/.*)?$`, p)

system_roots := ["/etc", "/root", "/boot", "/proc", "/sys", "/dev", "/var/lib/docker"]

under(p, root) if p == root

under(p, root) if startswith(p, concat("", [root, "/"]))

# Read-only time-zone files carry nothing sensitive.
benign(m) if {
	m.read_only
	normalise(m.source) in {"/etc/localtime", "/etc/timezone"}
}

# --- runtime sockets (MCP-CS-002 / MCP-CS-003) ---

# The runtime sockets, the directories that hold them and the Docker Engine
# pipe, as MCP-CS-002 reads them. `/` and `~/.docker` stay sensitive here.
runtime_socket(src) if socket_path(normalise(src))

runtime_socket(src) if regex.match(`^[\\/]{2}\.[\\/]pipe[\\/]docker_engine$`, lower(src))

socket_path(p) if {
	parts := split(p, "/")
	parts[count(parts) - 1] in {"docker.sock", "podman.sock", "containerd.sock", "crio.sock"}
}

socket_path(p) if regex.match(`^(/var)?/run(/user|/user/[^/]+|/user/[^/]+/podman|/podman|/containerd|/crio)?$`, p)

socket_path(p) if regex.match(`^(~|/root|/home/[^/]+|/Users/[^/]+)/\.docker/(run|desktop)$`, p)

# --- writable binds ---

# Absolute and home-relative sources are host paths outside the project.
outside_project(p) if startswith(p, "/")

outside_project(p) if startswith(p, "~")

# A relative source that climbs above the project directory (`../../data`).
outside_project(p) if {
	not startswith(p, "/")
	not startswith(p, "~")
	segs := [s | some s in split(p, "/"); s != ""; s != "."]
	some i in numbers.range(1, count(segs))
	prefix := array.slice(segs, 0, i)
	ups := count([s | some s in prefix; s == ".."])
	ups * 2 > count(prefix)
}

allowed_root(p) if {
	some root in object.get(input, ["config", "allowed_bind_roots"], [])
	under(p, normalise(root))
}
