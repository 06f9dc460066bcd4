package mcp_audit.md.mcp_md_014_test

import data.mcp_audit.md.mcp_md_014
import rego.v1

loc(line) := {"file": "servers/acme/server.yaml", "line": line, "col": 1, "end_line": line, "end_col": 5}

# kl(keys): key_locs of a mapping, each key on its own line from 10.
kl(keys) := {k: loc(10 + i) | some i, k in keys}

pinned := "b4ee623039a6c60053ce67269701ad9e95073306"

server(extra) := object.union(
	{
		"name": "acme", "image": "mcp/acme", "type": "server",
		"source": {"project": "https://github.com/acme/acme-mcp", "commit": pinned, "key_locs": kl(["project", "commit"]), "loc": loc(5)},
		"loc": loc(1), "key_locs": kl(["name", "image", "type", "source", "config", "run", "remote"]),
	},
	extra,
)

remote_entry(remote, config) := {
	"name": "acme", "type": "remote", "remote": remote, "config": config,
	"loc": loc(1), "key_locs": kl(["name", "type", "remote", "config"]),
}

md(doc) := {"metadata": {"format": "catalog-server", "file": "servers/acme/server.yaml"}, "doc": doc}

findings(doc) := rs if {
	rs := mcp_md_014.deny with input as md(doc)
}

has(doc, text) if {
	some r in findings(doc)
	contains(r.msg, text)
}

test_valid_local_server if {
	count(findings(server({}))) == 0
}

test_only_catalog_entries_applicable if {
	mcp_md_014.applicable with input as md(server({}))
	not mcp_md_014.applicable with input as {"metadata": {"format": "registry-server"}, "doc": server({})}
	count(mcp_md_014.deny) == 0 with input as {"metadata": {"format": "registry-server"}, "doc": server({"source": {}})}
}

test_required_fields if {
	has({"image": "mcp/x", "loc": loc(1)}, "has no `name`")
	has({"name": "x", "image": "mcp/x", "loc": loc(1)}, "has no `type`")
	has(server({"type": "container"}), "`type: container`, not")
	has(object.remove(server({}), ["image"]), "local server without `image`")
}

test_untagged_image_is_fine if {
	count(findings(server({"image": "mcp/acme"}))) == 0
}

test_unpinned_commit if {
	has(object.remove(server({}), ["source"]), "`source.commit` is not pinned")
	has(object.union(object.remove(server({}), ["source"]), {"source": {"project": "https://github.com/acme/acme-mcp", "branch": "main"}}), "`source.commit` is not pinned")
}

test_abbreviated_or_uppercase_commit if {
	has(server({"source": {"commit": "b4ee623", "key_locs": kl(["commit"])}}), "not a 40-hex lowercase commit")
	has(server({"source": {"commit": upper(pinned), "key_locs": kl(["commit"])}}), "not a 40-hex lowercase commit")
}

test_commit_not_required_for_remote_and_poci if {
	count(findings(remote_entry({"transport_type": "streamable-http", "url": "https://mcp.acme.dev/mcp"}, {}))) == 0
	count(findings({"name": "curl", "type": "poci", "tools": []})) == 0
}

test_secret_name_without_prefix if {
	rs := findings(server({"config": {"secrets": [{"name": "acme_api_key", "env": "ACME_API_KEY", "key_locs": kl(["name", "env"])}]}}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "not of the form `<prefix>.<name>` (e.g. `acme.api_key`)")
	r.loc.line == 10
}

test_secret_without_env if {
	has(server({"config": {"secrets": [{"name": "acme.api_key"}]}}), "without the `env` variable")
}

test_gateway_form_top_level_secrets if {
	has(server({"secrets": [{"name": "SECRET_KEY", "env": "SECRET_KEY"}]}), "declares secret \"SECRET_KEY\"")
	count(findings(server({"secrets": [{"name": "acme.SECRET_KEY", "env": "SECRET_KEY"}]}))) == 0
}

test_credential_in_plain_config_env if {
	rs := findings(server({"config": {"env": [{"name": "ACME_API_TOKEN", "value": "{{acme.api_token}}", "key_locs": kl(["name", "value"])}]}}))
	count(rs) == 1
	some r in rs
	contains(r.msg, `passes credential "ACME_API_TOKEN" as a plain`)
}

test_plain_config_env_not_credentials if {
	count(findings(server({"config": {"env": [
		{"name": "ACME_TOKEN_URL", "value": "{{acme.token_url}}"},
		{"name": "NEO4J_RESPONSE_TOKEN_LIMIT", "value": "{{acme.limit}}"},
		{"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/app/.config/gcloud/credentials.json"},
		{"name": "LOG_LEVEL", "value": "info"},
	]}}))) == 0
}

test_credential_env_also_declared_as_secret if {
	count(findings(server({"config": {
		"secrets": [{"name": "acme.api_key", "env": "ACME_API_KEY"}],
		"env": [{"name": "ACME_API_KEY", "value": "{{acme.api_key}}"}],
	}}))) == 0
}

test_env_template_prefix if {
	has(server({"config": {"env": [{"name": "MODE", "value": "{{other.mode}}"}]}}), "not prefixed `{{acme.`")
	count(findings(server({"config": {"env": [{"name": "PATHS", "value": "{{acme.paths|into}}"}]}}))) == 0
}

test_remote_over_http if {
	rs := findings(remote_entry({"transport_type": "sse", "url": "http://mcp.acme.dev/sse", "key_locs": kl(["transport_type", "url"])}, {}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "over `http://mcp.acme.dev/sse`, not `https://`")
	r.loc.line == 11
}

test_remote_required_fields if {
	has(remote_entry({"url": "https://mcp.acme.dev/mcp"}, {}), "no `remote.transport_type`")
	has(remote_entry({"transport_type": "websocket", "url": "https://mcp.acme.dev/mcp"}, {}), "`remote.transport_type: websocket`")
	has(remote_entry({"transport_type": "sse"}, {}), "without `remote.url`")
	has({"name": "acme", "type": "remote"}, "without `remote.url`")
}

test_header_references_undeclared_env if {
	rs := findings(remote_entry(
		{"transport_type": "streamable-http", "url": "https://mcp.acme.dev/mcp", "headers": {"Authorization": "Bearer ${ACME_TOKEN}", "key_locs": kl(["Authorization"])}},
		{"secrets": [{"name": "acme.api_key", "env": "ACME_API_KEY"}]},
	))
	count(rs) == 1
	some r in rs
	contains(r.msg, "`${ACME_TOKEN}`, which no `config.secrets[].env` declares")
}

test_header_references_declared_secret if {
	count(findings(remote_entry(
		{"transport_type": "streamable-http", "url": "https://mcp.acme.dev/mcp", "headers": {"Authorization": "Bearer ${ACME_API_KEY}"}},
		{"secrets": [{"name": "acme.api_key", "env": "ACME_API_KEY"}]},
	))) == 0
}

test_hard_coded_credential_header if {
	rs := findings(remote_entry(
		{"transport_type": "streamable-http", "url": "https://mcp.acme.dev/mcp", "headers": {"X-API-Key": "k-123", "X-Tenant": "acme"}},
		{},
	))
	count(rs) == 1
	some r in rs
	contains(r.msg, `credential header "X-API-Key"`)
	not contains(r.msg, "k-123")
}

test_run_user_root if {
	has(server({"run": {"user": "root"}}), "runs its container as root")
	has(server({"run": {"user": "0:0"}}), "runs its container as root")
	count(findings(server({"run": {"user": "1000:1000"}}))) == 0
	count(findings(server({"run": {"user": "{{acme.container_user}}"}}))) == 0
}

test_sensitive_run_volume if {
	rs := findings(server({"run": {"volumes": ["~/.ssh:/home/mcp/.ssh:ro"], "key_locs": kl(["volumes"])}}))
	count(rs) == 1
	some r in rs
	contains(r.msg, "sensitive host path `~/.ssh`")
	has(server({"run": {"volumes": ["/etc:/host/etc"]}}), "sensitive host path `/etc`")
}

test_socket_run_volume if {
	has(server({"run": {"volumes": ["/var/run/docker.sock:/var/run/docker.sock"]}}), "the container-runtime socket")
}

test_templated_and_named_volumes_pass if {
	count(findings(server({"run": {"volumes": ["{{acme.paths|volume|into}}", "acme-data:/data", "{{acme.kubeconfig}}:/home/mcp/.kube/config"]}}))) == 0
}

test_poci_tool_mounting_docker_socket if {
	doc := {"name": "docker", "type": "poci", "tools": [{
		"name": "docker",
		"container": {"image": "docker:cli", "volumes": ["/var/run/docker.sock:/var/run/docker.sock"], "key_locs": kl(["image", "volumes"])},
	}]}
	rs := findings(doc)
	count(rs) == 1
	some r in rs
	contains(r.msg, `poci tool "docker"`)
	contains(r.msg, "HIGH")
}

test_poci_tool_with_templated_volume if {
	count(findings({"name": "ffmpeg", "type": "poci", "tools": [{"name": "ffmpeg", "container": {"image": "linuxserver/ffmpeg", "volumes": ["{{basedir}}:{{basedir}}"]}}]})) == 0
}
