package mcp_audit.cs.mcp_cs_002_test

import data.mcp_audit.cs.mcp_cs_002
import rego.v1

l := {"file": "compose.yaml", "line": 8, "col": 9, "end_line": 8, "end_col": 55}

vol(source, ro) := {"type": "bind", "source": source, "target": "/var/run/docker.sock", "read_only": ro, "loc": l, "indeterminate": false}

svc(vols) := svc_env(vols, {})

svc_env(vols, env) := {
	"unit": {"name": "tools-mcp", "role": "mcp-server"},
	"config": {"socket_proxies": ["docker-socket-proxy", "*/socket-proxy:*"]},
	"service": {"image": {"value": "mcp/tools:1.0.0", "loc": l}, "volumes": vols, "environment": env},
	"env_files": [],
}

fires(source) if {
	rs := mcp_cs_002.deny with input as svc([vol(source, false)])
	count(rs) == 1
}

test_default_socket_short_and_long_syntax if {
	fires("/var/run/docker.sock")
	fires("/run/docker.sock")
}

test_docker_desktop_socket if fires("~/.docker/run/docker.sock")

test_rootless_socket if fires("/run/user/1000/docker.sock")

test_podman_socket if {
	fires("/run/podman/podman.sock")
	fires("/run/user/1000/podman/podman.sock")
}

test_containerd_socket if fires("/run/containerd/containerd.sock")

test_slashes_normalised if fires("//var/run//docker.sock/")

test_parent_directory_mounts if {
	fires("/var/run")
	fires("/var/run/")
	fires("/run")
	fires("/")
	fires("/run/user/1000")
	fires("~/.docker")
}

test_windows_named_pipe if fires(`\\.\pipe\docker_engine`)

test_read_only_does_not_exempt if {
	rs := mcp_cs_002.deny with input as svc([vol("/var/run/docker.sock", true)])
	some r in rs
	r.loc == l
	contains(r.msg, "`:ro` does not help")
	r.evidence.read_only == true
}

test_message_names_service_and_source if {
	rs := mcp_cs_002.deny with input as svc([vol("/var/run/docker.sock", false)])
	some r in rs
	startswith(r.msg, "service \"tools-mcp\" mounts `/var/run/docker.sock`, the container-runtime socket")
}

test_other_mounts_do_not_fire if {
	count(mcp_cs_002.deny) == 0 with input as svc([
		vol("./config", true),
		vol("/var/lib/docker", false),
		vol("/home/dev/code", false),
		vol("/run/secrets", true),
		{"type": "volume", "source": "docker.sock", "target": "/data", "read_only": false, "loc": l, "indeterminate": false},
	])
}

test_unresolved_source_is_indeterminate if {
	count(mcp_cs_002.deny) == 0 with input as svc([{"type": "volume", "source": "", "target": "/var/run/docker.sock", "read_only": false, "loc": l, "indeterminate": true}])
}

test_hub_is_not_applicable if {
	inp := object.union(svc([vol("/var/run/docker.sock", false)]), {"unit": {"name": "mcp-hub", "role": "hub"}})
	not mcp_cs_002.applicable with input as inp
	count(mcp_cs_002.deny) == 0 with input as inp
}

test_socket_proxy_by_name_is_exempt if {
	inp := object.union(svc([vol("/var/run/docker.sock", true)]), {"unit": {"name": "docker-socket-proxy", "role": "supporting-service"}})
	count(mcp_cs_002.deny) == 0 with input as inp
}

test_socket_proxy_by_image_is_exempt if {
	inp := object.union(svc([vol("/var/run/docker.sock", true)]), {
		"unit": {"name": "dockerproxy", "role": "supporting-service"},
		"service": {"image": {"value": "ghcr.io/tecnativa/socket-proxy:0.3.0", "loc": l}},
	})
	count(mcp_cs_002.deny) == 0 with input as inp
}

test_supporting_service_is_not_exempt if {
	inp := object.union(svc([vol("/var/run/docker.sock", false)]), {"unit": {"name": "governance-scanner", "role": "supporting-service"}})
	count(mcp_cs_002.deny) == 1 with input as inp
}

env(v) := {"DOCKER_HOST": {"value": v, "loc": l, "indeterminate": false}}

test_docker_host_plain_tcp if {
	rs := mcp_cs_002.deny with input as svc_env([], env("tcp://docker-socket-proxy:2375"))
	some r in rs
	contains(r.msg, "plain TCP")
	r.evidence.variable == "DOCKER_HOST"
	count(mcp_cs_002.deny) == 1 with input as svc_env([], env("tcp://10.0.0.5"))
	count(mcp_cs_002.deny) == 1 with input as svc_env([], env("TCP://[::1]:2375/"))
}

test_docker_host_from_env_file if {
	inp := object.union(svc([]), {"env_files": [{"file": ".env.mcp", "exists": true, "entries": [{"key": "DOCKER_HOST", "value": "tcp://dind:2375", "loc": l}]}]})
	count(mcp_cs_002.deny) == 1 with input as inp
}

test_docker_host_tls_or_unix_does_not_fire if {
	count(mcp_cs_002.deny) == 0 with input as svc_env([], env("tcp://docker:2376"))
	count(mcp_cs_002.deny) == 0 with input as svc_env([], env("unix:///var/run/docker.sock"))
	tls := object.union(env("tcp://docker"), {"DOCKER_TLS_VERIFY": {"value": "1", "loc": l, "indeterminate": false}})
	count(mcp_cs_002.deny) == 0 with input as svc_env([], tls)
}

test_docker_host_unresolved_is_indeterminate if {
	count(mcp_cs_002.deny) == 0 with input as svc_env([], {"DOCKER_HOST": {"value": "", "loc": l, "indeterminate": true}})
}

test_docker_host_from_image_env if {
	inp := object.union(svc([]), {"dockerfile": {"env": {"DOCKER_HOST": {"value": "tcp://docker:2375", "loc": l}}}})
	count(mcp_cs_002.deny) == 1 with input as inp
}

test_compose_environment_overrides_image_env if {
	inp := object.union(svc_env([], env("unix:///var/run/docker.sock")), {"dockerfile": {"env": {"DOCKER_HOST": {"value": "tcp://docker:2375", "loc": l}}}})
	count(mcp_cs_002.deny) == 0 with input as inp
}

api_socket(value, indeterminate) := object.union(svc([]), {"service": {"use_api_socket": {"value": value, "raw": "x", "loc": l, "indeterminate": indeterminate}}})

test_use_api_socket if {
	rs := mcp_cs_002.deny with input as api_socket(true, false)
	count(rs) == 1
	some r in rs
	r.loc == l
	r.msg == "service \"tools-mcp\" sets `use_api_socket: true`: it gets the container-runtime API socket, read-write, and the user's registry credentials"

	# `false`, or an unset variable (MCP-EC-004), does not fire; nor on a socket proxy.
	count(mcp_cs_002.deny) == 0 with input as api_socket(false, false)
	count(mcp_cs_002.deny) == 0 with input as api_socket(false, true)
	count(mcp_cs_002.deny) == 0 with input as object.union(api_socket(true, false), {"unit": {"name": "docker-socket-proxy"}})
}
