package mcp_audit.se.mcp_se_001_test

import data.mcp_audit.se.mcp_se_001
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 7, "end_line": line, "end_col": 30}

literal := {"kind": "literal", "name_suggests": true, "placeholder": false, "credential": false}

placeholder := {"kind": "placeholder", "name_suggests": true, "placeholder": true, "credential": false}

github := {"kind": "github-token", "name_suggests": false, "placeholder": false, "credential": true}

svc(env) := {"unit": {"name": "db-mcp"}, "service": {"environment": env, "command_secrets": []}, "env_files": []}

test_literal_password_in_environment if {
	rs := mcp_se_001.deny with input as svc({"POSTGRES_PASSWORD": {"value": "****(8 chars, redacted)", "loc": l(5), "secret": literal}})
	count(rs) == 1
	some r in rs
	contains(r.msg, "POSTGRES_PASSWORD")
	r.evidence.class == "literal"
	not contains(r.msg, "redacted")
}

test_credential_under_any_name if {
	rs := mcp_se_001.deny with input as svc({"GH": {"value": "ghp_****(40 chars, redacted)", "loc": l(5), "secret": github}})
	some r in rs
	r.evidence.kind == "github-token"
}

test_name_only_the_catalog_knows if {
	count(mcp_se_001.deny) == 1 with input as svc({"DB_PWD": {"value": "hunter2", "loc": l(5)}})
}

test_connection_string_password if {
	rs := mcp_se_001.deny with input as svc({"DATABASE_URL": {"value": "postgresql://app:pw123@db:5432/app", "loc": l(5)}})
	some r in rs
	r.evidence.kind == "connection-string"
	not contains(r.msg, "pw123")
}

test_anchor_value_points_at_its_definition if {
	rs := mcp_se_001.deny with input as svc({"DB_PASSWORD": {"value": "****", "loc": l(12), "defined": l(2), "secret": literal}})
	some r in rs
	r.loc.line == 2
	r.related == [l(12)]
}

test_placeholder_is_reported_as_placeholder if {
	rs := mcp_se_001.deny with input as svc({"VAULT_TOKEN": {"value": "****", "loc": l(5), "secret": placeholder}})
	some r in rs
	startswith(r.msg, "placeholder secret committed")
	r.evidence.catalog_severity == "MEDIUM"
}

test_env_file_entry if {
	rs := mcp_se_001.deny with input as {
		"unit": {"name": "mcp-github"},
		"service": {"environment": {}, "command_secrets": []},
		"env_files": [{"file": ".env.mcp", "exists": true, "entries": [
			{"key": "VAULT_TOKEN", "value": "****", "secret": placeholder, "loc": {"file": "stack/.env.mcp", "line": 6, "col": 1, "end_line": 6, "end_col": 34}},
			{"key": "MCP_LOG_LEVEL", "value": "info", "secret": null, "loc": {"file": "stack/.env.mcp", "line": 3, "col": 1, "end_line": 3, "end_col": 19}},
		]}],
	}
	count(rs) == 1
	some r in rs
	r.loc.line == 6
	contains(r.msg, `env_file ".env.mcp"`)
}

test_gitignored_env_file_is_not_shipped if {
	count(mcp_se_001.deny) == 0 with input as {
		"unit": {"name": "mcp-github"},
		"service": {"environment": {}, "command_secrets": []},
		"env_files": [{"file": ".env.mcp", "exists": true, "gitignored": true, "entries": [
			{"key": "GITHUB_TOKEN", "value": "****", "secret": literal, "loc": {"file": "stack/.env.mcp", "line": 2, "col": 1, "end_line": 2, "end_col": 50}},
		]}],
	}
}

test_build_arg_literal if {
	count(mcp_se_001.deny) == 1 with input as {
		"unit": {"name": "app-mcp"},
		"service": {"environment": {}, "command_secrets": [], "build": {"args": {"NPM_TOKEN": {"value": "****", "loc": l(8), "secret": literal}}}},
		"env_files": [],
	}
}

test_credential_on_command_line if {
	count(mcp_se_001.deny) == 1 with input as {
		"unit": {"name": "app-mcp"},
		"service": {"environment": {}, "command_secrets": ["github-token"], "command": {"value": "serve --token ghp_****(40 chars, redacted)", "loc": l(9)}},
		"env_files": [],
	}
}

test_interpolated_references_pass if {
	count(mcp_se_001.deny) == 0 with input as svc({
		"GITHUB_PERSONAL_ACCESS_TOKEN": {"value": "", "loc": l(5), "vars": [{"name": "GITHUB_TOKEN", "origin": "unset"}], "indeterminate": true},
		"API_TOKEN": {"value": "", "loc": l(6), "vars": [{"name": "API_TOKEN", "origin": "required", "message": "must be set"}], "indeterminate": true},
		"FROM_DOTENV": {"value": "ghp_****", "loc": l(7), "vars": [{"name": "T", "origin": "set", "source": ".env:1"}], "secret": github},
	})
}

test_secret_file_reference_passes if {
	count(mcp_se_001.deny) == 0 with input as svc({
		"GF_SECURITY_ADMIN_PASSWORD_FILE": {"value": "/run/secrets/grafana_password", "loc": l(5)},
		"DB_PASSWORD": {"value": "/run/secrets/db", "loc": l(6), "secret": {"kind": "reference", "credential": false, "placeholder": false}},
	})
}

test_default_is_se_002_not_se_001 if {
	count(mcp_se_001.deny) == 0 with input as svc({"POSTGRES_PASSWORD": {"value": "****", "loc": l(5), "vars": [{"name": "POSTGRES_PASSWORD", "origin": "default"}], "secret": literal}})
}

test_non_secret_values_pass if {
	count(mcp_se_001.deny) == 0 with input as svc({
		"LOG_LEVEL": {"value": "info", "loc": l(5)},
		"LOKI_URL": {"value": "http://loki:3100", "loc": l(6)},
		"AUTH_ENABLED": {"value": "true", "loc": l(7)},
		"EMPTY_TOKEN": {"value": "", "loc": l(8)},
	})
}

test_credential_in_other_fields if {
	rs := mcp_se_001.deny with input as {
		"unit": {"name": "gh-mcp"},
		"service": {"environment": {}, "command_secrets": [], "field_secrets": [{"field": "labels", "kind": "github-token", "loc": l(7)}]},
		"env_files": [],
	}
	[r.msg | some r in rs] == ["service \"gh-mcp\" has a hard-coded github-token credential in its `labels`"]
	[r.loc | some r in rs] == [l(7)]
}

configured(grants) := {
	"unit": {"name": "gh-mcp"},
	"service": {"environment": {}, "command_secrets": [], "field_secrets": []},
	"env_files": [],
	"raw": {"configs": grants},
	"project": {"configs": {
		"app": {"loc": l(10), "content_secrets": [{"kind": "github-token", "loc": l(12)}]},
		"plain": {"loc": l(14), "content_secrets": []},
	}},
}

test_credential_in_a_granted_inline_config if {
	rs := mcp_se_001.deny with input as configured(["app", "plain"])
	[r.msg | some r in rs] == ["service \"gh-mcp\" is granted config \"app\", whose inline `content` holds a hard-coded github-token credential"]
	[r.loc | some r in rs] == [l(12)]
	count(mcp_se_001.deny) == 1 with input as configured([{"source": "app", "target": "/etc/app.env"}])

	# A config the service is not granted, or one without secrets, is not its finding.
	count(mcp_se_001.deny) == 0 with input as configured(["plain"])
	count(mcp_se_001.deny) == 0 with input as configured([])
	count(mcp_se_001.deny) == 0 with input as configured("app")
}
