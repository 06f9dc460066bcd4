package mcp_audit.se.mcp_se_003_test

import data.mcp_audit.se.mcp_se_003
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 7, "end_line": line, "end_col": 30}

svc(env, labels) := {"unit": {"name": "github-mcp"}, "service": {"environment": env, "labels": labels}, "env_files": [], "dockerfile": null}

# Seed 001: `GITHUB_PERSONAL_ACCESS_TOKEN: ${GITHUB_TOKEN}`, unset at scan time.
interpolated_token := {"GITHUB_PERSONAL_ACCESS_TOKEN": {"value": "", "loc": l(38), "vars": [{"name": "GITHUB_TOKEN", "origin": "unset"}], "indeterminate": true}}

test_token_interpolated_from_the_host if {
	rs := mcp_se_003.deny with input as svc(interpolated_token, {})
	count(rs) == 1
	some r in rs
	r.evidence == {"variable": "GITHUB_PERSONAL_ACCESS_TOKEN", "source": "environment"}
}

test_literal_secret_also_counts if {
	count(mcp_se_003.deny) == 1 with input as svc({"DB_PASSWORD": {"value": "****", "loc": l(5), "secret": {"kind": "literal", "credential": false, "placeholder": false}}}, {})
}

test_secret_variable_under_another_name if {
	count(mcp_se_003.deny) == 1 with input as svc({"CONFIG_SEED": {"value": "", "loc": l(5), "vars": [{"name": "API_TOKEN", "origin": "required"}], "indeterminate": true}}, {})
}

test_env_file_and_image_env if {
	rs := mcp_se_003.deny with input as {
		"unit": {"name": "mcp-main"},
		"service": {"environment": {"LOG_LEVEL": {"value": "info", "loc": l(3)}}, "labels": {}},
		"env_files": [{"file": ".env.mcp", "exists": true, "entries": [{"key": "VAULT_TOKEN", "value": "****", "secret": {"kind": "placeholder", "placeholder": true, "credential": false}, "loc": {"file": "stack/.env.mcp", "line": 6, "col": 1, "end_line": 6, "end_col": 34}}]}],
		"dockerfile": {"env": {"SIGNING_KEY": {"value": "****", "loc": {"file": "Dockerfile", "line": 4, "col": 1, "end_line": 4, "end_col": 30}, "secret": {"kind": "high-entropy", "credential": false, "placeholder": false}}}},
	}
	count(rs) == 2
	some r in rs
	contains(r.msg, `env_file ".env.mcp"`)
	some r2 in rs
	contains(r2.msg, "image ENV")
}

test_environment_overrides_image_env if {
	count(mcp_se_003.deny) == 0 with input as {
		"unit": {"name": "app"},
		"service": {"environment": {"API_KEY": {"value": "", "loc": l(3), "vars": [{"name": "API_KEY", "origin": "default"}]}}, "labels": {}},
		"env_files": [],
		"dockerfile": {"env": {"API_KEY": {"value": "****", "loc": l(4), "secret": {"kind": "literal", "credential": false}}}},
	}
}

test_file_pattern_passes if {
	count(mcp_se_003.deny) == 0 with input as svc({
		"GF_SECURITY_ADMIN_PASSWORD_FILE": {"value": "/run/secrets/grafana_password", "loc": l(5)},
		"DB_PASSWORD": {"value": "/run/secrets/db", "loc": l(6), "secret": {"kind": "reference", "credential": false}},
		"LOG_LEVEL": {"value": "info", "loc": l(7)},
	}, {})
}

test_empty_secret_passes if {
	count(mcp_se_003.deny) == 0 with input as svc({"SECRET_KEY": {"value": "", "loc": l(5), "vars": [{"name": "SECRET_KEY", "origin": "default"}]}}, {})
}

test_env_only_waiver_makes_it_not_applicable if {
	not mcp_se_003.applicable with input as svc(interpolated_token, {"mcp.secrets.env-only": {"value": "github-mcp-server reads only GITHUB_PERSONAL_ACCESS_TOKEN", "loc": l(44)}})
}

test_waiver_needs_a_reason if {
	mcp_se_003.applicable with input as svc(interpolated_token, {"mcp.secrets.env-only": {"value": " ", "loc": l(44)}})
	mcp_se_003.applicable with input as svc(interpolated_token, {})
}
