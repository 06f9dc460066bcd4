package mcp_audit.md.mcp_md_013_test

import data.mcp_audit.md.mcp_md_013
import rego.v1

loc(line) := {"file": "server.json", "line": line, "col": 3, "end_line": line, "end_col": 9}

schema(date) := sprintf("https://static.modelcontextprotocol.io/schemas/%s/server.schema.json", [date])

npm := {"registryType": "npm", "identifier": "@acme/weather-mcp", "version": "1.2.0", "transport": {"type": "stdio"}}

oci := {"registryType": "oci", "identifier": "ghcr.io/acme/weather-mcp:1.2.0", "transport": {"type": "stdio"}}

valid := {
	"$schema": schema("2025-12-11"),
	"name": "io.github.acme/weather",
	"description": "Weather data over MCP",
	"version": "1.2.0",
	"packages": [npm, oci],
	"remotes": [{"type": "streamable-http", "url": "https://mcp.acme.dev/mcp", "headers": [{"name": "Authorization", "isSecret": true}]}],
	"repository": {"url": "https://github.com/acme/weather-mcp", "source": "github"},
	"loc": loc(1),
	"key_locs": {"$schema": loc(2), "name": loc(3), "description": loc(4), "version": loc(5), "packages": loc(6)},
}

# valid_with(changes): the valid document with top-level fields replaced.
valid_with(changes) := object.union(valid, changes)

without(keys) := object.remove(valid, keys)

findings(doc) := rs if {
	rs := mcp_md_013.deny with input as {"metadata": {"format": "registry-server", "file": "server.json", "naming": "camelCase"}, "doc": doc}
}

has(doc, text) if {
	some r in findings(doc)
	contains(r.msg, text)
}

test_valid_server_json if {
	count(findings(valid)) == 0
}

test_only_registry_files_applicable if {
	not mcp_md_013.applicable with input as {"metadata": {"format": "catalog-server"}, "doc": {}}
	count(mcp_md_013.deny) == 0 with input as {"metadata": {"format": "mcp-manifest"}, "doc": {}}
}

test_no_schema if {
	rs := findings(without(["$schema"]))
	count(rs) == 1
	some r in rs
	contains(r.msg, "declares no `$schema`")
}

test_unknown_schema if {
	has(valid_with({"$schema": "https://example.com/server.schema.json"}), "not a known MCP Registry schema")
	has(valid_with({"$schema": schema("2025-08-01")}), "not a known MCP Registry schema")
	count(findings(valid_with({"$schema": schema("2026-03-01")}))) == 0
}

test_required_fields if {
	has(without(["name"]), "has no `name`")
	has(without(["description"]), "has no `description`")
	has(without(["version"]), "has no `version`")
}

test_name_pattern if {
	rs := findings(valid_with({"name": "weather"}))
	count(rs) == 1
	some r in rs
	r.loc.line == 3
	has(valid_with({"name": "io.github.acme/weather/extra"}), "`name` is not")
	has(valid_with({"name": "a/"}), "`name` is not")
	count(findings(valid_with({"name": "com.example.mcp/weather_v2.1"}))) == 0
}

test_description_and_title_length if {
	long := concat("", [c | some _ in numbers.range(1, 101); c := "x"])
	has(valid_with({"description": long}), "`description` has 101 characters")
	has(valid_with({"title": long}), "`title` has 101 characters")
	has(valid_with({"description": ""}), "`description` has 0 characters")
}

test_server_version_latest_or_range if {
	has(valid_with({"version": "latest"}), "moving `latest` tag")
	has(valid_with({"version": "^1.2.0"}), "is a version range")
	has(valid_with({"version": "1.x"}), "is a version range")
	has(valid_with({"version": ">=1.0.0"}), "is a version range")
	count(findings(valid_with({"version": "3.0.0-prerelease.2"}))) == 0
}

test_version_templates_accepted if {
	count(findings(valid_with({"version": "${VERSION}", "packages": [object.union(oci, {"identifier": "ghcr.io/acme/weather-mcp:${VERSION}"})]}))) == 0
	count(findings(valid_with({"version": "$VERSION", "packages": [object.union(npm, {"version": "$VERSION"})]}))) == 0
	count(findings(valid_with({"name": "<<McpRepositoryName>>", "version": "<<Version>>", "packages": [object.union(npm, {"version": "<<Version>>"})]}))) == 0
}

test_package_version_latest_or_range if {
	has(valid_with({"packages": [object.union(npm, {"version": "latest"})]}), "package 1 (@acme/weather-mcp) `version` \"latest\" is the moving `latest` tag")
	has(valid_with({"packages": [object.union(npm, {"version": "~1.2"})]}), "is a version range")
	has(valid_with({"packages": [object.union(npm, {"version": ""})]}), "is empty")
}

test_package_required_fields if {
	has(valid_with({"packages": [object.remove(npm, ["registryType"])]}), "has no `registryType`")
	has(valid_with({"packages": [object.remove(npm, ["identifier"])]}), "package 1 has no `identifier`")
	has(valid_with({"packages": [object.remove(npm, ["transport"])]}), "has no `transport`")
	has(valid_with({"packages": [object.union(npm, {"transport": {"type": "websocket"}})]}), "type \"websocket\" is not one of")
	has(valid_with({"packages": [object.union(npm, {"transport": {"type": "streamable-http"}})]}), "\"streamable-http\" has no `url`")
}

test_package_version_required_by_registry_type if {
	has(valid_with({"packages": [object.remove(npm, ["version"])]}), "has no `version`")
	count(findings(valid_with({"packages": [oci]}))) == 0
	has(valid_with({"$schema": schema("2025-09-29"), "packages": [oci]}), "has no `version`")
}

test_mcpb_needs_file_sha256 if {
	mcpb := {"registryType": "mcpb", "identifier": "https://github.com/acme/weather-mcp/releases/download/v1.2.0/weather.mcpb", "transport": {"type": "stdio"}}
	has(valid_with({"packages": [mcpb]}), "has no `fileSha256`")
	has(valid_with({"packages": [object.union(mcpb, {"fileSha256": "ABC"})]}), "is not 64 lowercase hex digits")
	sha := concat("", [c | some _ in numbers.range(1, 64); c := "a"])
	count(findings(valid_with({"packages": [object.union(mcpb, {"fileSha256": sha})]}))) == 0
}

test_remote_over_http if {
	rs := findings(valid_with({"remotes": [{"type": "sse", "url": "http://mcp.acme.dev/sse"}]}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "plain HTTP")
	contains(r.msg, "HIGH")
	has(valid_with({"remotes": [{"type": "sse", "url": "http://localhost:8080/sse"}]}), "(loopback only)")
}

test_remote_transport if {
	has(valid_with({"remotes": [{"type": "stdio", "url": "https://mcp.acme.dev"}]}), "remote 1 type \"stdio\" is not one of sse, streamable-http")
	has(valid_with({"remotes": [{"type": "sse"}]}), "remote 1 \"sse\" has no `url`")
}

test_repository_fields if {
	has(object.union(without(["repository"]), {"repository": {"url": "https://github.com/acme/weather-mcp"}}), "`repository` has no `source`")
}

test_snake_case_keys_under_camel_schema if {
	pkg := {"registry_type": "npm", "identifier": "@acme/weather-mcp", "version": "1.2.0", "transport": {"type": "stdio"}, "key_locs": {"registry_type": loc(9)}}
	rs := findings(valid_with({"packages": [pkg]}))
	some r in rs
	contains(r.msg, "key `registry_type` belongs to the snake_case (2025-07-09) schema, but the file declares the 2025-12-11 schema (`registryType`)")
	r.loc.line == 9
	has(valid_with({"packages": [pkg]}), "has no `registryType`")
}

test_snake_case_file_on_old_schema_is_valid if {
	old := {
		"$schema": schema("2025-07-09"),
		"name": "io.github.acme/kube",
		"description": "Kubernetes over MCP",
		"status": "active",
		"version": "2.9.4",
		"packages": [{
			"registry_type": "npm", "registry_base_url": "https://registry.npmjs.org",
			"identifier": "acme-kube-mcp", "version": "2.9.4", "transport": {"type": "stdio"},
			"environment_variables": [
				{"name": "MASK_SECRETS", "is_required": false, "format": "string"},
				{"name": "KUBE_API_TOKEN", "is_secret": true},
			],
		}],
	}
	count(findings(old)) == 0
}

test_camel_case_keys_under_old_schema if {
	has(valid_with({"$schema": schema("2025-07-09"), "packages": [npm]}), "key `registryType` belongs to the camelCase")
}

test_naming_inferred_without_schema if {
	doc := object.union(without(["$schema", "remotes"]), {"packages": [{"registry_type": "npm", "identifier": "x", "version": "1.0.0", "transport": {"type": "stdio"}, "runtime_hint": "npx"}]})
	rs := findings(doc)
	count(rs) == 1
	some r in rs
	contains(r.msg, "declares no `$schema`")
}

test_unmarked_credential_env if {
	pkg := object.union(npm, {"environmentVariables": [
		{"name": "WEATHER_API_KEY", "isRequired": true, "key_locs": {"name": loc(12)}},
		{"name": "WEATHER_UNITS"},
		{"name": "ALLOW_TOKEN_REUSE", "format": "string"},
		{"name": "SESSION_TOKEN_TTL", "format": "number"},
	]})
	rs := findings(valid_with({"packages": [pkg]}))
	count(rs) == 1
	some r in rs
	contains(r.msg, `environment variable "WEATHER_API_KEY" looks like a credential but is not marked `)
	r.loc.line == 12
}

test_unmarked_credential_header if {
	has(valid_with({"remotes": [{"type": "streamable-http", "url": "https://mcp.acme.dev/mcp", "headers": [{"name": "Authorization"}]}]}), `header "Authorization"`)
	has(valid_with({"remotes": [{"type": "streamable-http", "url": "https://mcp.acme.dev/mcp", "headers": [{"name": "X-API-Key", "isSecret": false}]}]}), `header "X-API-Key"`)
}

test_header_secret_through_variable if {
	count(findings(valid_with({"remotes": [{
		"type": "streamable-http", "url": "https://mcp.acme.dev/mcp",
		"headers": [{"name": "Authorization", "value": "Bearer {token}", "variables": {"token": {"isSecret": true}}}],
	}]}))) == 0
}

test_container_env_argument if {
	arg := {"type": "named", "name": "-e", "value": "WEATHER_TOKEN={token}", "variables": {"token": {"isRequired": true}}}
	has(valid_with({"packages": [object.union(oci, {"runtimeArguments": [arg]})]}), `container variable "WEATHER_TOKEN"`)
	marked := object.union(arg, {"variables": {"token": {"isSecret": true}}})
	count(findings(valid_with({"packages": [object.union(oci, {"runtimeArguments": [marked]})]}))) == 0
	plain := {"type": "named", "name": "-e", "value": "WEATHER_UNITS=metric"}
	count(findings(valid_with({"packages": [object.union(oci, {"runtimeArguments": [plain]})]}))) == 0
}

test_extra_fields_accepted if {
	count(findings(valid_with({"icon": "assets/icon.png", "_meta": {"io.modelcontextprotocol.registry/publisher-provided": {"registry_type": "x"}}}))) == 0
}
