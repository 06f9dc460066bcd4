package mcp_audit.cc.mcp_cc_001_test

import data.mcp_audit.cc.mcp_cc_001
import rego.v1

l(line) := {"file": "claude_desktop_config.json", "line": line, "col": 5, "end_line": line, "end_col": 9}

entry(server) := {"unit": {"name": "github"}, "server": object.union({"name": "github", "args": [], "env": {}, "headers": {}, "url": null}, server)}

val(v, line) := {"value": v, "loc": l(line), "indeterminate": false}

secret_val(v, line, kind) := object.union(val(v, line), {"secret": {"kind": kind, "name_suggests": true, "placeholder": kind == "placeholder", "credential": kind in {"github-token", "openai-key"}}})

fires(server) := n if {
	rs := mcp_cc_001.deny with input as entry(server)
	n := count(rs)
}

# --- env

test_env_credential_shape if {
	rs := mcp_cc_001.deny with input as entry({"env": {"GITHUB_PERSONAL_ACCESS_TOKEN": secret_val("ghp_****(40 chars, redacted)", 3, "github-token")}})
	count(rs) == 1
	some r in rs
	contains(r.msg, "`env.GITHUB_PERSONAL_ACCESS_TOKEN`")
	contains(r.msg, "github-token")
	not contains(r.msg, "****")
	r.evidence.kind == "github-token"
}

test_env_high_entropy_literal if {
	fires({"env": {"OPENAI_API_KEY": secret_val("****(24 chars, redacted)", 3, "high-entropy")}}) == 1
}

test_env_credential_under_any_name if {
	# A JWT the Rust classifier does not know, under a neutral name.
	fires({"env": {"SESSION": val("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijk", 3)}}) == 1
}

test_env_vscode_input_reference_passes if {
	fires({"env": {"GITHUB_PERSONAL_ACCESS_TOKEN": secret_val("${input:pat}", 3, "reference")}}) == 0
}

test_env_env_reference_passes if {
	fires({"env": {"GITHUB_PERSONAL_ACCESS_TOKEN": secret_val("${env:GITHUB_PAT}", 3, "reference")}}) == 0
}

test_env_claude_code_variable_passes if {
	fires({"env": {"API_KEY": secret_val("${API_KEY}", 3, "reference"), "LOG_LEVEL": val("${LOG_LEVEL:-info}", 4)}}) == 0
}

test_env_placeholder_passes if {
	fires({"env": {"GITHUB_TOKEN": secret_val("****(15 chars, redacted)", 3, "placeholder")}}) == 0
}

test_env_low_entropy_literal_passes if {
	fires({"env": {"DB_PASSWORD": secret_val("****(7 chars, redacted)", 3, "literal")}}) == 0
}

test_env_default_with_credential_shape if {
	rs := mcp_cc_001.deny with input as entry({"env": {"GITHUB_TOKEN": secret_val("${GITHUB_TOKEN:-ghp_0123456789abcdefghijABCDEFGHIJklmnop}", 3, "reference")}})
	count(rs) == 1
	some r in rs
	contains(r.msg, "default")
	not contains(r.msg, "ghp_")
}

test_env_default_high_entropy_under_secret_name if {
	fires({"env": {"API_KEY": secret_val("${API_KEY:-Zx9fK2pQ7rT4vW8yB3nM6cL1}", 3, "reference")}}) == 1
}

test_env_default_placeholder_passes if {
	fires({"env": {"API_KEY": secret_val("${API_KEY:-your_api_key_here_12345}", 3, "reference")}}) == 0
}

test_env_non_secret_values_pass if {
	fires({"env": {"LOG_LEVEL": val("info", 3), "MCP_HUB_URL": val("https://hub.internal/mcp", 4)}}) == 0
}

# --- headers

test_header_bearer_jwt if {
	rs := mcp_cc_001.deny with input as entry({"headers": {"Authorization": val("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijk", 5)}})
	count(rs) == 1
	some r in rs
	contains(r.msg, "header `Authorization`")
	not contains(r.msg, "eyJ")
}

test_header_high_entropy_api_key if {
	fires({"headers": {"X-Api-Key": val("Zx9fK2pQ7rT4vW8yB3nM6cL1", 5)}}) == 1
}

test_header_references_pass if {
	fires({"headers": {
		"Authorization": val("Bearer ${MCP_HUB_TOKEN}", 5),
		"X-Api-Key": val("${env:API_KEY}", 6),
		"X-Other-Key": val("${input:key}", 7),
	}}) == 0
}

test_header_placeholder_and_neutral_pass if {
	fires({"headers": {"Authorization": val("Bearer <YOUR_TOKEN_HERE_PLEASE>", 5), "Accept": val("application/json, text/event-stream", 6)}}) == 0
}

# --- args

test_args_credential_found_by_rust if {
	fires({"args": [val("-y", 2), object.union(val("--token=ghp_****(40 chars, redacted)", 3), {"secrets": ["github-token"]})]}) == 1
}

test_args_credential_shape_unknown_to_rust if {
	fires({"args": [val("--gitlab-token", 2), val("glpat-abcdefghij0123456789", 3)]}) == 1
}

test_args_secret_option_high_entropy if {
	rs := mcp_cc_001.deny with input as entry({"args": [val("-y", 1), val("@acme/mcp@1.2.3", 2), val("--api-key", 3), val("Zx9fK2pQ7rT4vW8yB3nM6cL1", 4)]})
	count(rs) == 1
	some r in rs
	r.loc.line == 4
	contains(r.msg, "`--api-key`")
}

test_args_secret_option_reference_passes if {
	fires({"args": [val("--api-key", 3), val("${env:ACME_API_KEY}", 4), val("--api-key=${ACME_API_KEY}", 5)]}) == 0
}

# --- url

test_url_credential_in_query if {
	fires({"url": val("https://maps.example.com/mcp?key=AIzaSyA0123456789abcdefghijklmnopqrstuv", 2)}) == 1
}

test_url_high_entropy_query_parameter if {
	rs := mcp_cc_001.deny with input as entry({"url": val("https://mcp.example.com/sse?api_key=Zx9fK2pQ7rT4vW8yB3nM6cL1", 2)})
	count(rs) == 1
	some r in rs
	contains(r.msg, "`api_key`")
	not contains(r.msg, "Zx9f")
}

test_url_two_secret_parameters if {
	fires({"url": val("https://mcp.example.com/sse?api_key=Zx9fK2pQ7rT4vW8yB3nM6cL1&token=Qw8eR5tY2uI9oP4aS7dF1gH3", 2)}) == 2
}

test_url_password if {
	fires({"url": val("https://bot:Hunter2Hunter2@mcp.example.com/mcp", 2)}) == 1
}

test_url_without_credential_passes if {
	fires({"url": val("https://mcp.example.com/mcp?api_key=${env:KEY}&region=eu", 2)}) == 0
}
