package mcp_audit.cc.common_test

import data.mcp_audit.cc.common
import rego.v1

test_base_program if {
	common.base_program("/usr/local/bin/Python3.EXE") == "python3"
	common.base_program(`C:\Windows\System32\cmd.exe`) == "cmd"
}

test_references if {
	common.reference("${input:pat}")
	common.reference("${env:GITHUB_PAT}")
	common.reference("${GITHUB_TOKEN}")
	common.reference("$GITHUB_TOKEN")
	common.reference("%GITHUB_TOKEN%")
	common.reference("/run/secrets/github_pat")
	not common.reference("Zx9fK2pQ7rT4vW8yB3nM6cL1")
}

test_interpolation_default if {
	common.interpolation_default("${A:-abc}") == "abc"
	common.interpolation_default("${A-abc}") == "abc"
	not common.interpolation_default("${A}")
	not common.interpolation_default("${A:-${B}}")
	not common.interpolation_default("${A:-}")
}

test_credential_kinds if {
	common.credential_kind("ghp_0123456789abcdefghijABCDEFGHIJklmnop") == "github-token"
	common.credential_kind("glpat-abcdefghij0123456789") == "gitlab-token"
	common.credential_kind("AIzaSyA0123456789abcdefghijklmnopqrstuv") == "google-api-key"
	common.credential_kind("sk_live_0123456789abcdefABCDEF") == "stripe-key"
	common.credential_kind("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijk") == "jwt"
	common.credential_kind("x AKIAIOSFODNN7EXAMPLE y") == "aws-access-key"
	not common.credential_kind("info")
	not common.credential_kind("AKIAIOSFODNN7EXAMPLEXX")
}

test_high_entropy if {
	common.high_entropy("Zx9fK2pQ7rT4vW8yB3nM6cL1")
	not common.high_entropy("aaaaaaaaaaaaaaaaaaaaaaaa")
	not common.high_entropy("Zx9fK2pQ7rT4")
}

test_literal_secret_kind if {
	common.literal_secret_kind("Zx9fK2pQ7rT4vW8yB3nM6cL1") == "high-entropy"
	not common.literal_secret_kind("your_api_key_goes_here_please")
	not common.literal_secret_kind("${env:ABCDEFGHIJKLMNOPQRSTUV}")
}

test_secret_header if {
	common.secret_header("Authorization")
	common.secret_header("proxy-authorization")
	common.secret_header("X-Api-Key")
	common.secret_header("X-Auth-Token")
	not common.secret_header("Accept")
	not common.secret_header("X-Request-Id")
}

test_auth_value if {
	common.auth_value("Bearer ${env:TOKEN}") == "${env:TOKEN}"
	common.auth_value("basic dXNlcjpwYXNz") == "dXNlcjpwYXNz"
	common.auth_value("Zx9fK2pQ7rT4vW8yB3nM6cL1") == "Zx9fK2pQ7rT4vW8yB3nM6cL1"
}

test_secret_flag if {
	common.secret_flag("--api-key")
	common.secret_flag("--api_key=abc")
	common.secret_flag("--github-token")
	common.secret_flag("--client-secret")
	common.secret_flag("--password")
	not common.secret_flag("--token-file")
	not common.secret_flag("--port")
	not common.secret_flag("-t")
}

test_url_parts if {
	p := common.url_parts("http://user:pw@mcp.example.com:8080/mcp?api_key=abc&x=1")
	p.scheme == "http"
	p.host == "mcp.example.com"
	p.port == "8080"
	p.userinfo == "user:pw"
	p.query == "api_key=abc&x=1"
	common.endpoint("HTTP://[::1]:3012/sse") == "http://[::1]:3012"
	common.endpoint("https://hub.internal/mcp") == "https://hub.internal"
}

test_urls_in_text if {
	common.urls("MCP_HUB_URL=http://localhost:3012") == ["http://localhost:3012"]
	count(common.urls("--registry ghcr.io/x")) == 0
}

test_loopback if {
	common.is_loopback("localhost")
	common.is_loopback("127.0.0.1")
	common.is_loopback("[::1]")
	common.is_loopback("host.docker.internal")
	common.is_loopback("app.localhost")
	common.is_loopback("mcp.example.com") == false
	common.is_loopback("10.0.0.5") == false
}

test_query_params if {
	common.query_params("https://h/x?a=1&key=a=b&flag") == [{"name": "a", "value": "1"}, {"name": "key", "value": "a=b"}]
}

test_root_user if {
	common.root_user("0")
	common.root_user("root:root")
	common.root_user("0:1000")
	not common.root_user("1000:1000")
	not common.root_user("mcp")
}

test_setting_from_input_config if {
	common.setting(["hub", "allowed_endpoints"], []) == ["https://a/"] with input as {"config": {"hub": {"allowed_endpoints": ["https://a/"]}}}
		with data.mcp_audit.config as {"hub": {"allowed_endpoints": ["https://b/"]}}
}

test_setting_from_policy_data if {
	common.setting(["hub", "allowed_endpoints"], []) == ["https://b/"] with input as {"config": {}}
		with data.mcp_audit.config as {"hub": {"allowed_endpoints": ["https://b/"]}}
}

test_setting_fallback if {
	common.setting(["hub", "allowed_endpoints"], []) == [] with input as {"config": {}}
}
