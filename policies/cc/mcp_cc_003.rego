# METADATA
# title: Dangerous container options in a client-launched server
# description: >-
#   A client starts its server with `docker run` / `podman run` and an option
#   that removes the container boundary. The catalog's CRITICAL options:
#   `--privileged`; `--use-api-socket` (the engine's API socket and the
#   user's registry credentials); a `-v` / `--mount` of a container-runtime
#   socket (or a directory holding one) or of a sensitive host path (`/`, `/etc`, `/root`,
#   `/proc`, `/sys`, `/dev`, a home directory `~` / `$HOME` / `/home/<user>`,
#   `~/.ssh`, `~/.aws`, `~/.kube`, `~/.docker`), read-only or not; a
#   dangerous `--cap-add` (`ALL`, `SYS_ADMIN`, and MCP-CS-008's list:
#   `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`…); `--security-opt
#   seccomp=unconfined`, `apparmor=unconfined`, `label=disable`,
#   `systempaths=unconfined`. Its HIGH options, reported by this rule too,
#   with `catalog_severity: HIGH` in the evidence: `--network host` /
#   `--net=host`, `--pid host`, `--ipc host`, `--uts host`, `--userns host`,
#   `-u 0` / `--user root`. Not reported: `--network none` or a named
#   network, project-relative or named-volume mounts, add-backs such as
#   `NET_BIND_SERVICE`.
# custom:
#   id: MCP-CC-003
#   severity: CRITICAL
#   kinds: [mcp_client]
#   remediation: >-
#     Drop the option. Give the server only a project directory (`:ro` unless
#     it must write) and a named or `none` network; connect clients to the hub
#     instead of launching privileged or host-sharing containers on the
#     workstation.
#   references:
#     - CIS Docker Benchmark 5.5, 5.6, 5.10, 5.16, 5.17, 5.21, 5.31, 5.32
#     - MCP SEP-1024 (client security for local server installation)
#     - UsableMachines mcp_risks / dockfixlabs mcp-scanner (privileged docker args)
#     - OWASP MCP Top 10 MCP02
package mcp_audit.cc.mcp_cc_003

import data.mcp_audit.cc.common
import data.mcp_audit.cs.mcp_cs_002
import data.mcp_audit.cs.mcp_cs_008
import data.mcp_audit.cs.mcp_cs_011
import data.mcp_audit.cs.mcp_cs_012
import data.mcp_audit.lib.result
import rego.v1

applicable if common.docker

deny contains r if {
	some i in issues
	r := result.with_evidence(
		sprintf("client entry %q runs its container with `%s`: %s", [input.unit.name, i.option, i.why]),
		i.node,
		{"option": i.option, "catalog_severity": i.severity},
	)
}

# issue(o, why, severity): an issue about docker option o (`{name, value, loc}`).
issue(o, why, severity) := {"option": written(o), "why": why, "severity": severity, "node": o}

written(o) := sprintf("%s%s %s", [dashes(o.name), o.name, o.value]) if is_string(o.value)

written(o) := sprintf("%s%s", [dashes(o.name), o.name]) if not is_string(o.value)

dashes(name) := "-" if count(name) == 1

dashes(name) := "--" if count(name) > 1

# --- CRITICAL

issues contains issue(o, "the container gets every capability and device of the host", "CRITICAL") if {
	some o in common.option({"privileged"})
	not o.value == "false"
}

issues contains issue(o, "the container gets the container-runtime API socket and the user's registry credentials", "CRITICAL") if {
	some o in common.option({"use-api-socket"})
	not o.value == "false"
}

issues contains issue(o, sprintf("it mounts %s (%s)%s", [m.what, m.path, ro_note(o.value)]), "CRITICAL") if {
	some o in common.option({"v", "volume", "mount"})
	src := host_source(o)
	m := mcp_cs_002.runtime_socket_mount({"source": src})
}

issues contains issue(o, sprintf("it mounts sensitive host path %s%s", [p, mode_note(o.value)]), "CRITICAL") if {
	some o in common.option({"v", "volume", "mount"})
	src := host_source(o)
	not mcp_cs_002.runtime_socket_mount({"source": src})
	p := mcp_cs_012.normalise(src)
	mcp_cs_012.sensitive(p)
	not benign(p, o.value)
}

issues contains issue(o, why, "CRITICAL") if {
	some o in common.option({"cap-add"})
	cap := mcp_cs_008.capability(o.value)
	why := dangerous_capability(cap)
}

issues contains issue(o, sprintf("the container %s", [what]), "CRITICAL") if {
	some o in common.option({"security-opt"})
	what := mcp_cs_011.disabling[mcp_cs_011.normalise(o.value)]
}

dangerous_capability("ALL") := "it adds every capability (equivalent to `--privileged` minus devices)"

dangerous_capability(cap) := sprintf("capability %s gives %s", [cap, mcp_cs_008.dangerous[cap]])

# --- HIGH in the catalog

namespaces := {"network": "network", "net": "network", "pid": "PID", "ipc": "IPC", "uts": "UTS", "userns": "user"}

issues contains issue(o, sprintf("it shares the host's %s namespace", [ns]), "HIGH") if {
	some o in common.docker.options
	ns := namespaces[o.name]
	lower(trim_space(o.value)) == "host"
}

issues contains issue(o, "the server runs as root inside the container", "HIGH") if {
	some o in common.option({"u", "user"})
	common.root_user(o.value)
}

# --- mounts

# host_source(o): the host side of a `-v src:dst[:opts]` or `--mount
# type=bind,source=…` option, `$HOME` / `${HOME}` / `%USERPROFILE%` read as `~`.
host_source(o) := home_as_tilde(split(o.value, ":")[0]) if o.name in {"v", "volume"}

host_source(o) := home_as_tilde(src) if {
	o.name == "mount"
	fields := {kv[0]: kv[1] | some f in split(o.value, ","); kv := split(f, "="); count(kv) == 2}
	fields.type == "bind"
	src := object.get(fields, "source", object.get(fields, "src", ""))
}

home_as_tilde(p) := regex.replace(p, `^(\$HOME|\$\{HOME\}|%USERPROFILE%|%HOMEPATH%)`, "~")

read_only(value) if regex.match(`(^|[:,])(ro|readonly|read-only)(=true)?($|[,:])`, value)

ro_note(value) := "; `:ro` does not help: a read-only bind of a socket still allows every API call" if read_only(value)

ro_note(value) := "" if not read_only(value)

mode_note(value) := " read-only" if read_only(value)

mode_note(value) := " read-write" if not read_only(value)

# Read-only time-zone files carry nothing sensitive (as in MCP-CS-012).
benign(p, value) if {
	p in {"/etc/localtime", "/etc/timezone"}
	read_only(value)
}
