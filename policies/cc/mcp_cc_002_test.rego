package mcp_audit.cc.mcp_cc_002_test

import data.mcp_audit.cc.mcp_cc_002
import rego.v1

l(line) := {"file": ".mcp.json", "line": line, "col": 9, "end_line": line, "end_col": 20}

val(v, line) := {"value": v, "loc": l(line)}

# args(values): argument nodes, one line each.
args(values) := [val(v, i + 1) | some i, v in values]

entry(command, values) := {"unit": {"name": "github"}, "server": {"name": "github", "command": val(command, 1), "args": args(values), "docker": docker(command, values)}}

# The parsed `docker run` of the Rust side, as far as these tests need it: where the image is.
docker(command, values) := {"image": val(values[i], i + 1)} if {
	command == "docker"
	i := min({k | some k, v in values; k > 0; not startswith(v, "-"); not value_taking(values, k)})
}

docker(command, _) := null if command != "docker"

value_taking(values, k) if values[k - 1] in {"-e", "--env", "-v", "--network", "-u"}

findings(command, values) := rs if {
	rs := mcp_cc_002.deny with input as entry(command, values)
}

test_docker_e_literal if {
	rs := findings("docker", ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN=****(40 chars, redacted)", "ghcr.io/github/github-mcp-server:1.0.0"])
	count(rs) == 1
	some r in rs
	r.loc.line == 5
	contains(r.msg, "`GITHUB_PERSONAL_ACCESS_TOKEN=…`")
	contains(r.msg, "literal")
	r.evidence.catalog_severity == "HIGH"
	not contains(r.msg, "redacted")
}

test_docker_e_interpolated if {
	rs := findings("docker", ["run", "-i", "--rm", "-e", "GITHUB_TOKEN=${GITHUB_TOKEN}", "ghcr.io/github/github-mcp-server:1.0.0"])
	count(rs) == 1
	some r in rs
	r.evidence.value == "interpolated"
	r.evidence.catalog_severity == "MEDIUM"
}

test_env_equals_form if {
	count(findings("docker", ["run", "-i", "--env=SLACK_BOT_TOKEN=${env:SLACK_BOT_TOKEN}", "mcp/slack:1.0.0"])) == 1
}

test_docker_e_passthrough_passes if {
	count(findings("docker", ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server:1.0.0"])) == 0
}

test_env_file_passes if {
	count(findings("docker", ["run", "-i", "--rm", "--env-file", "./github.env", "ghcr.io/github/github-mcp-server:1.0.0"])) == 0
}

test_non_secret_assignment_passes if {
	count(findings("docker", ["run", "-i", "--rm", "-e", "MCP_HUB_URL=http://localhost:3012", "-e", "LOG_LEVEL=info", "mcp/bridge:1.0.0"])) == 0
}

test_api_key_option if {
	rs := findings("npx", ["-y", "@acme/mcp-server@1.2.3", "--api-key", "Zx9fK2pQ7rT4vW8yB3nM6cL1"])
	count(rs) == 1
	some r in rs
	r.loc.line == 4
	not contains(r.msg, "Zx9f")
}

test_token_equals_option if {
	count(findings("uvx", ["acme-mcp==1.2.3", "--token=${ACME_TOKEN}"])) == 1
}

test_password_option_after_docker_image if {
	count(findings("docker", ["run", "-i", "--rm", "mcp/postgres:1.0.0", "--password", "hunter2"])) == 1
}

test_token_file_option_passes if {
	count(findings("npx", ["-y", "@acme/mcp-server@1.2.3", "--token-file", "/run/secrets/acme_token"])) == 0
}

test_private_key_path_passes if {
	count(findings("npx", ["-y", "@acme/mcp-server@1.2.3", "--private-key", "./keys/app.pem"])) == 0
}

test_mcp_remote_authorization_header if {
	rs := findings("npx", ["-y", "mcp-remote@0.1.18", "https://mcp.example.com/sse", "--header", "Authorization: Bearer ${AUTH_TOKEN}"])
	count(rs) == 1
	some r in rs
	r.loc.line == 5
	contains(r.msg, "header `Authorization: …`")
}

test_header_equals_form if {
	count(findings("npx", ["-y", "mcp-remote@0.1.18", "https://mcp.example.com/sse", "--header=X-Api-Key:abcdef"])) == 1
}

test_neutral_header_passes if {
	count(findings("npx", ["-y", "mcp-remote@0.1.18", "https://mcp.example.com/sse", "--header", "X-Request-Source: claude"])) == 0
}

test_not_applicable_without_command if {
	not mcp_cc_002.applicable with input as {"unit": {"name": "hub"}, "server": {"name": "hub", "command": null, "url": val("https://hub.internal/mcp", 2), "args": []}}
}
