# METADATA
# title: Hub socket access not minimised
# description: >-
#   The designated hub reaches the container runtime in a way the policy does
#   not accept: it mounts a runtime socket (or a directory holding one, as
#   MCP-CS-002 detects them) read-write, where the policy requires `:ro`, or
#   gets it with `use_api_socket: true`, which mounts it read-write with the
#   user's registry credentials and has no read-only form; or
#   it mounts the raw socket, rather than going through a filtering socket
#   proxy, while attached to a network (its own, or the default one) in a
#   project that has services other than hubs and configured socket proxies,
#   which are taken to share it (the input does not carry the other services'
#   networks); or the project has more than one hub. `:ro` is policy
#   conformance only, not a security boundary: a read-only bind of a Unix
#   socket still allows every API call. A hub that reaches Docker through a
#   socket proxy (`DOCKER_HOST=tcp://socket-proxy:2375`) and mounts no socket
#   passes.
# custom:
#   id: MCP-CS-003
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Mount the socket `:ro` as the policy requires, and prefer a socket proxy
#     (e.g. tecnativa/docker-socket-proxy) on an internal network that allows
#     only the container create/start/stop/inspect APIs, with the hub using
#     `DOCKER_HOST=tcp://<proxy>:2375`. Keep a single hub per project.
#   references:
#     - CIS Docker Benchmark 5.32
#     - docker/mcp-gateway examples (mount the socket read-write)
package mcp_audit.cs.mcp_cs_003

import data.mcp_audit.cs.mcp_cs_002
import data.mcp_audit.lib.result
import rego.v1

applicable if input.unit.role == "hub"

deny contains r if {
	applicable
	some v in input.service.volumes
	not v.indeterminate
	m := mcp_cs_002.runtime_socket_mount(v)
	problems := socket_problems(v)
	count(problems) > 0
	r := result.with_evidence(
		sprintf(
			"hub %q mounts `%s`, %s, %s; `:ro` is policy conformance only, not a security boundary",
			[input.unit.name, v.source, m.what, concat(" and ", problems)],
		),
		v,
		{"source": v.source, "host_path": m.path, "read_only": v.read_only, "networks": [n.name | some n in input.service.networks]},
	)
}

deny contains r if {
	applicable
	u := input.service.use_api_socket
	u.value == true
	not u.indeterminate
	problems := array.concat(
		["read-write (the policy requires `:ro`, which `use_api_socket` cannot give)"],
		[p | p := problem("shared_network", u)],
	)
	r := result.with_evidence(
		sprintf(
			"hub %q sets `use_api_socket: true`, which mounts the container-runtime socket with the user's registry credentials, %s; `:ro` is policy conformance only, not a security boundary",
			[input.unit.name, concat(" and ", problems)],
		),
		u,
		{"use_api_socket": true, "read_only": false, "networks": [n.name | some n in input.service.networks]},
	)
}

deny contains r if {
	applicable
	count(input.project.hubs) > 1
	r := result.with_evidence(
		sprintf("service %q is one of %d hubs in the project (%s); only one hub should hold the runtime socket", [input.unit.name, count(input.project.hubs), concat(", ", input.project.hubs)]),
		input.service,
		{"hubs": input.project.hubs},
	)
}

socket_problems(v) := [p |
	some check in ["read_write", "shared_network"]
	p := problem(check, v)
]

problem("read_write", v) := "read-write (the policy requires `:ro`)" if not v.read_only

problem("shared_network", _) := sprintf("directly (no filtering socket proxy) while on %s alongside the project's other services (%s)", [attachment, concat(", ", other_services)]) if {
	shares_network
}

# --- network exposure

# How the hub is attached: its networks, the project's default network when it
# names none, or its `network_mode`; undefined with `network_mode: none` or an
# unresolved mode.
attachment := sprintf("network(s) %s", [concat(", ", [n.name | some n in input.service.networks])]) if {
	count(input.service.networks) > 0
}

attachment := "the default network" if {
	count(input.service.networks) == 0
	not network_mode
}

attachment := sprintf("`network_mode: %s`", [nm.value]) if {
	nm := network_mode
	not nm.indeterminate
	nm.value != "none"
}

network_mode := nm if {
	nm := input.service.network_mode
	nm != null
}

# The input lists the project's services by name only, so "the MCP servers" are
# approximated by every service that is neither a hub nor a configured socket proxy.
other_services := [s |
	some s in input.project.services
	not s in input.project.hubs
	not s in input.config.socket_proxies
]

shares_network if {
	attachment
	count(other_services) > 0
}
