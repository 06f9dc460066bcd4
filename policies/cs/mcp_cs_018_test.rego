package mcp_audit.cs.mcp_cs_018_test

import data.mcp_audit.cs.mcp_cs_018
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 5, "end_line": line, "end_col": 30}

val(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

port(published, target, line) := {"host_ip": null, "published": published, "target": target, "protocol": "tcp", "loc": l(line), "indeterminate": false}

doc(role, service, raw) := {
	"unit": {"name": "mcp-gateway", "role": role},
	"service": object.union(
		{
			"name": "mcp-gateway", "loc": l(2), "image": val("docker/mcp-gateway:v0.20.0", 3),
			"command": null, "entrypoint": null, "environment": {}, "labels": {}, "ports": [],
		},
		service,
	),
	"raw": raw,
}

hub(service) := doc("hub", service, {})

findings(d) := rs if {
	rs := mcp_cs_018.deny with input as d
}

cmd(text) := {"command": val(text, 4)}

test_applicable_to_hub if {
	mcp_cs_018.applicable with input as hub({})
}

test_not_applicable_to_mcp_server if {
	not mcp_cs_018.applicable with input as doc("mcp-server", cmd("--api.insecure=true"), {})
}

# --- docker/mcp-gateway ---

test_verify_signatures_false if {
	rs := findings(hub(cmd("--servers=fetch --verify-signatures=false")))
	count(rs) == 1
	some r in rs
	r.loc == l(4)
	r.evidence.flag == "--verify-signatures"
}

test_block_secrets_false if {
	count(findings(hub(cmd("--block-secrets=false")))) == 1
}

test_log_calls_false if {
	count(findings(hub(cmd("--log-calls=0")))) == 1
}

test_three_controls_three_findings if {
	count(findings(hub(cmd("--verify-signatures=false --block-secrets=false --log-calls=false")))) == 3
}

test_flag_in_entrypoint if {
	count(findings(hub({"entrypoint": val("/docker-mcp gateway run --block-secrets=false", 4)}))) == 1
}

test_last_occurrence_wins if {
	count(findings(hub(cmd("--log-calls=false --log-calls=true")))) == 0
}

test_allow_unauthenticated_streaming_published if {
	d := hub(object.union(cmd("--transport=streaming --port=8080 --allow-unauthenticated"), {"ports": [port("8080", "8080", 6)]}))
	rs := findings(d)
	count(rs) == 1
	some r in rs
	r.evidence.transport == "streaming"
}

test_allow_unauthenticated_sse_space_separated if {
	d := hub(object.union(cmd("--transport sse --allow-unauthenticated=true"), {"ports": [port("8080", "8080", 6)]}))
	count(findings(d)) == 1
}

test_allow_unauthenticated_without_ports_passes if {
	count(findings(hub(cmd("--transport=sse --allow-unauthenticated")))) == 0
}

test_allow_unauthenticated_stdio_passes if {
	d := hub(object.union(cmd("--transport=stdio --allow-unauthenticated"), {"ports": [port("8080", "8080", 6)]}))
	count(findings(d)) == 0
}

test_dind_env if {
	rs := findings(hub({"environment": {"DOCKER_MCP_IN_DIND": val("1", 7)}}))
	count(rs) == 1
	some r in rs
	r.loc == l(7)
}

test_dind_image if {
	rs := findings(hub({"image": val("docker/mcp-gateway:dind", 3)}))
	count(rs) == 1
	some r in rs
	r.loc == l(3)
}

test_dind_with_sysbox_runtime_passes if {
	count(findings(doc("hub", {"image": val("docker/mcp-gateway:dind", 3)}, {"runtime": "sysbox-runc"}))) == 0
}

test_gateway_defaults_pass if {
	d := hub(object.union(cmd("--servers=fetch --transport=streaming --port=8080"), {"ports": [port("8080", "8080", 6)]}))
	count(findings(d)) == 0
}

test_controls_explicitly_on_pass if {
	count(findings(hub(cmd("--verify-signatures --block-secrets=true --log-calls")))) == 0
}

test_auth_token_secret_passes if {
	d := hub(object.union(cmd("--transport=streaming --port=8080"), {
		"ports": [port("8080", "8080", 6)],
		"environment": {"MCP_GATEWAY_AUTH_TOKEN": {"value": "***", "loc": l(7), "indeterminate": false, "secret": {"kind": "reference"}}},
	}))
	count(findings(d)) == 0
}

test_indeterminate_command_skipped if {
	count(findings(hub({"command": {"value": "--block-secrets=false", "loc": l(4), "indeterminate": true}}))) == 0
}

# --- Traefik ---

traefik(service) := hub(object.union({"image": val("traefik:v3.0", 3)}, service))

test_traefik_api_insecure if {
	d := traefik(object.union(
		cmd("--api.insecure=true --providers.docker=true --entrypoints.mcp.address=:8080"),
		{"ports": [port("8580", "8080", 6), port("8581", "8081", 7)]},
	))
	rs := findings(d)
	count(rs) == 1
	some r in rs
	r.loc == l(4)
	contains(r.msg, "8581:8081")
}

test_traefik_api_insecure_bare_flag if {
	count(findings(traefik(cmd("--api.insecure --providers.docker")))) == 1
}

test_traefik_api_insecure_env if {
	count(findings(traefik({"environment": {"TRAEFIK_API_INSECURE": val("true", 8)}}))) == 1
}

test_traefik_dashboard_router_without_middleware if {
	labels := {
		"traefik.http.routers.dash.rule": val("Host(`traefik.local`)", 9),
		"traefik.http.routers.dash.service": val("api@internal", 10),
	}
	rs := findings(traefik({"labels": labels}))
	count(rs) == 1
	some r in rs
	r.loc == l(10)
	r.evidence.router == "dash"
}

test_traefik_dashboard_router_with_auth_passes if {
	labels := {
		"traefik.http.routers.dash.service": val("api@internal", 10),
		"traefik.http.routers.dash.middlewares": val("dash-auth", 11),
		"traefik.http.middlewares.dash-auth.basicauth.usersfile": val("/run/secrets/htpasswd", 12),
	}
	count(findings(traefik({"labels": labels}))) == 0
}

test_traefik_api_insecure_false_passes if {
	count(findings(traefik(cmd("--api.insecure=false --api.dashboard=true")))) == 0
}

test_traefik_secure_defaults_pass if {
	count(findings(traefik(cmd("--providers.docker=true --providers.docker.exposedbydefault=false")))) == 0
}

test_dind_image_with_env_override_passes if {
	count(findings(hub({"image": val("docker/mcp-gateway:dind", 3), "environment": {"DOCKER_MCP_IN_DIND": val("0", 7)}}))) == 0
}

test_dind_with_kata_runtime_passes if {
	count(findings(doc("hub", {"environment": {"DOCKER_MCP_IN_DIND": val("1", 7)}}, {"runtime": "kata-qemu"}))) == 0
}
