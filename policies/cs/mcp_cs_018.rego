# METADATA
# title: Gateway / hub security controls disabled
# description: >-
#   The hub or gateway turns off a control it exists to enforce. For
#   docker/mcp-gateway: `--verify-signatures=false`, `--block-secrets=false`
#   or `--log-calls=false` in the command or entrypoint; or
#   `--allow-unauthenticated` with `--transport=sse|streaming` and a
#   published port; or `DOCKER_MCP_IN_DIND=1` (or the `:dind` image, which
#   sets it) without an isolating runtime such as `sysbox-runc`, since every
#   server it spawns then runs privileged. For a reverse-proxy gateway
#   (Traefik): an unauthenticated admin API, i.e. `--api.insecure=true` (or
#   `TRAEFIK_API_INSECURE=true`), or a router label serving `api@internal`
#   (the dashboard) without any middleware. The gateway defaults (signature
#   verification, secret blocking and call logging on) pass, and so does
#   bearer auth with `MCP_GATEWAY_AUTH_TOKEN` supplied as a secret. Evaluated
#   on the hub only. An unresolved variable is indeterminate (MCP-EC-004).
# custom:
#   id: MCP-CS-018
#   severity: HIGH
#   kinds: [compose_service]
#   remediation: >-
#     Keep the gateway defaults (verify signatures, block secrets, log calls),
#     require bearer auth for network transports, and never expose an admin
#     API or dashboard without authentication (remove `--api.insecure`, put an
#     auth middleware on the `api@internal` router).
#   references:
#     - docker/mcp-gateway `gateway run` flags
#     - Traefik documentation, API `insecure` option
#     - OWASP MCP Top 10 MCP07, MCP08
package mcp_audit.cs.mcp_cs_018

import data.mcp_audit.lib.result
import rego.v1

applicable if input.unit.role == "hub"

# --- docker/mcp-gateway ---

gateway_controls := {
	"--verify-signatures": "image signature verification",
	"--block-secrets": "secret blocking",
	"--log-calls": "tool-call logging",
}

deny contains r if {
	some flag, control in gateway_controls
	flag_false(flag)
	r := result.with_evidence(
		sprintf("hub %q disables %s (`%s=false`)", [input.unit.name, control, flag]),
		args_node,
		{"flag": flag},
	)
}

deny contains r if {
	flag_true("--allow-unauthenticated")
	t := network_transport
	count(input.service.ports) > 0
	r := result.with_evidence(
		sprintf("hub %q accepts unauthenticated %s requests on a published port (`--allow-unauthenticated`)", [input.unit.name, t]),
		args_node,
		{"flag": "--allow-unauthenticated", "transport": t, "ports": published_ports},
	)
}

deny contains r if {
	some node in dind
	not isolating_runtime
	r := result.with_evidence(
		sprintf("hub %q runs MCP servers in Docker-in-Docker (`DOCKER_MCP_IN_DIND=1`), where every server is privileged, without an isolating runtime", [input.unit.name]),
		node,
		{"runtime": object.get(input.raw, "runtime", null)},
	)
}

dind contains v if {
	v := input.service.environment.DOCKER_MCP_IN_DIND
	not v.indeterminate
	lower(v.value) in {"1", "true"}
}

# The `:dind` image sets DOCKER_MCP_IN_DIND=1 unless the service overrides it.
dind contains img if {
	img := input.service.image
	img != null
	not img.indeterminate
	regex.match(`(^|/)docker/mcp-gateway:dind`, img.value)
	not input.service.environment.DOCKER_MCP_IN_DIND
}

# Runtimes that run Docker-in-Docker without a privileged container.
isolating_runtime if input.raw.runtime == "sysbox-runc"

isolating_runtime if startswith(input.raw.runtime, "kata")

# --- Traefik ---

deny contains r if {
	flag_true("--api.insecure")
	r := traefik_insecure(args_node)
}

deny contains r if {
	v := input.service.environment.TRAEFIK_API_INSECURE
	not v.indeterminate
	lower(v.value) in {"true", "1"}
	r := traefik_insecure(v)
}

traefik_insecure(node) := result.with_evidence(
	sprintf("hub %q exposes the Traefik API and dashboard without authentication (`api.insecure`)%s", [input.unit.name, ports_note]),
	node,
	{"option": "api.insecure", "ports": published_ports},
)

deny contains r if {
	some key, v in input.service.labels
	router := dashboard_router(key, v)
	not input.service.labels[sprintf("traefik.http.routers.%s.middlewares", [router])]
	r := result.with_evidence(
		sprintf("hub %q serves the Traefik dashboard (`api@internal`) on router %q without an auth middleware", [input.unit.name, router]),
		v,
		{"router": router},
	)
}

dashboard_router(key, v) := parts[3] if {
	parts := split(key, ".")
	count(parts) == 5
	parts[0] == "traefik"
	parts[1] == "http"
	parts[2] == "routers"
	parts[4] == "service"
	not v.indeterminate
	v.value == "api@internal"
}

# --- command-line words ---

argv_values := [v |
	some key in ["entrypoint", "command"]
	v := input.service[key]
	v != null
	not v.indeterminate
]

words := [w |
	some v in argv_values
	some w in regex.split(`[ \t\r\n]+`, trim_space(v.value))
	w != ""
]

# The `command` (or else `entrypoint`) value, which findings point at.
args_node := argv_values[count(argv_values) - 1]

# Flags follow pflag rules: the last occurrence wins; a bare boolean flag is
# true, and a boolean takes a value only as `--flag=value`.
flag_true(flag) if lower(bool_flag(flag)) in {"true", "1", "t"}

flag_false(flag) if lower(bool_flag(flag)) in {"false", "0", "f"}

bool_flag(flag) := last(array.concat(bare(flag), assignments(flag)))

bare(flag) := [[i, "true"] |
	some i, w in words
	w == flag
]

# A string flag: `--flag=value` or `--flag value`.
string_flag(flag) := last(array.concat(followed(flag), assignments(flag)))

followed(flag) := [[i, words[i + 1]] |
	some i, w in words
	w == flag
	i + 1 < count(words)
]

assignments(flag) := [[i, substring(w, count(flag) + 1, -1)] |
	some i, w in words
	startswith(w, concat("", [flag, "="]))
]

# The value of the [index, value] pair with the highest index.
last(pairs) := sorted[count(sorted) - 1][1] if {
	count(pairs) > 0
	sorted := sort(pairs)
}

network_transport := t if {
	t := string_flag("--transport")
	lower(t) in {"sse", "streaming"}
}

published_ports := [port_text(p) | some p in input.service.ports]

port_text(p) := sprintf("%s:%s", [p.published, p.target]) if p.published != null

port_text(p) := p.target if p.published == null

ports_note := sprintf(" (published ports: %s)", [concat(", ", published_ports)]) if count(published_ports) > 0

ports_note := "" if count(published_ports) == 0
