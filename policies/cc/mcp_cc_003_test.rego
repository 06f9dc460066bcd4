package mcp_audit.cc.mcp_cc_003_test

import data.mcp_audit.cc.mcp_cc_003
import rego.v1

l(line) := {"file": "claude_desktop_config.json", "line": line, "col": 9, "end_line": line, "end_col": 20}

# entry(options): a `docker run` entry with the given options ([name, value|null]), one line each.
entry(options) := {"unit": {"name": "idp-central"}, "server": {
	"name": "idp-central",
	"command": {"value": "docker", "loc": l(1)},
	"docker": {
		"image": {"value": "localhost:5000/idp/mcp-bridge:1.0.0", "loc": l(99)},
		"options": [{"name": o[0], "value": o[1], "loc": l(i + 2)} | some i, o in options],
	},
}}

findings(options) := rs if {
	rs := mcp_cc_003.deny with input as entry(options)
}

test_seed_001_network_host if {
	rs := findings([["rm", null], ["i", null], ["network", "host"], ["e", "MCP_HUB_URL=http://localhost:3012"]])
	count(rs) == 1
	some r in rs
	r.loc.line == 4
	contains(r.msg, "`--network host`")
	r.evidence.catalog_severity == "HIGH"
}

test_net_host_and_namespaces if {
	count(findings([["net", "host"], ["pid", "host"], ["ipc", "host"], ["uts", "host"], ["userns", "host"]])) == 5
}

test_privileged if {
	rs := findings([["privileged", null]])
	count(rs) == 1
	some r in rs
	r.evidence.catalog_severity == "CRITICAL"
}

test_privileged_false_passes if {
	count(findings([["privileged", "false"]])) == 0
}

test_docker_socket if {
	rs := findings([["v", "/var/run/docker.sock:/var/run/docker.sock:ro"]])
	count(rs) == 1
	some r in rs
	contains(r.msg, "`:ro` does not help")
}

test_socket_through_mount if {
	count(findings([["mount", "type=bind,source=/run/podman/podman.sock,target=/var/run/docker.sock"]])) == 1
}

test_mount_src_alias if {
	count(findings([["mount", "type=bind,src=/etc,dst=/host-etc,readonly"]])) == 1
}

test_root_filesystem if {
	count(findings([["v", "/:/host:ro"]])) == 1
}

test_home_and_ssh if {
	count(findings([["v", "$HOME:/home/me"], ["volume", "~/.ssh:/root/.ssh:ro"], ["v", "/etc:/host-etc"]])) == 3
}

test_dangerous_capabilities if {
	rs := findings([["cap-add", "SYS_ADMIN"], ["cap-add", "ALL"], ["cap-add", "CAP_NET_ADMIN"]])
	count(rs) == 3
}

test_net_bind_service_passes if {
	count(findings([["cap-drop", "ALL"], ["cap-add", "NET_BIND_SERVICE"]])) == 0
}

test_confinement_disabled if {
	count(findings([["security-opt", "seccomp=unconfined"], ["security-opt", "apparmor:unconfined"]])) == 2
}

test_user_root if {
	count(findings([["u", "0"]])) == 1
	count(findings([["user", "root:root"]])) == 1
}

test_safe_options_pass if {
	count(findings([
		["network", "none"],
		["network", "mcp-internal"],
		["v", "./workspace:/workspace:ro"],
		["v", "mcp-cache:/cache"],
		["mount", "type=volume,source=mcp-data,target=/data"],
		["v", "/etc/localtime:/etc/localtime:ro"],
		["u", "1000:1000"],
		["security-opt", "no-new-privileges"],
	])) == 0
}

test_not_applicable_without_docker if {
	not mcp_cc_003.applicable with input as {"unit": {"name": "fs"}, "server": {"name": "fs", "command": {"value": "npx", "loc": l(1)}, "docker": null}}
}

test_use_api_socket if {
	rs := findings([["use-api-socket", null]])
	count(rs) == 1
	some r in rs
	contains(r.msg, "`--use-api-socket`")
	contains(r.msg, "registry credentials")
	r.evidence.catalog_severity == "CRITICAL"
	count(findings([["use-api-socket", "false"]])) == 0
}
