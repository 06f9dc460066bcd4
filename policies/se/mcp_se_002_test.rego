package mcp_audit.se.mcp_se_002_test

import data.mcp_audit.se.mcp_se_002
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 7, "end_line": line, "end_col": 30}

svc(env) := {"unit": {"name": "contextforge"}, "service": {"environment": env}}

dflt(name) := [{"name": name, "origin": "default"}]

test_secret_with_default if {
	rs := mcp_se_002.deny with input as svc({"POSTGRES_PASSWORD": {"value": "****(16 chars, redacted)", "loc": l(5), "vars": dflt("POSTGRES_PASSWORD")}})
	count(rs) == 1
	some r in rs
	r.evidence.variable == "POSTGRES_PASSWORD"
	not contains(r.msg, "redacted")
}

test_default_inside_database_url if {
	rs := mcp_se_002.deny with input as svc({"DATABASE_URL": {"value": "postgresql://postgres:mysecretpassword@db:5432/mcp", "loc": l(5), "vars": dflt("POSTGRES_PASSWORD")}})
	some r in rs
	contains(r.msg, "environment.DATABASE_URL")
	not contains(r.msg, "mysecretpassword")
}

test_non_secret_variable_feeding_a_secret_key if {
	count(mcp_se_002.deny) == 1 with input as svc({"BETTER_AUTH_SECRET": {"value": "****", "loc": l(5), "vars": dflt("AUTH_KEY_SEED")}})
}

test_build_arg_and_command_defaults if {
	count(mcp_se_002.deny) == 2 with input as {"unit": {"name": "app"}, "service": {
		"environment": {},
		"build": {"args": {"NPM_TOKEN": {"value": "****", "loc": l(8), "vars": dflt("NPM_TOKEN")}}},
		"command": {"value": "serve --key abc", "loc": l(9), "vars": dflt("API_KEY")},
	}}
}

test_required_variable_passes if {
	count(mcp_se_002.deny) == 0 with input as svc({"POSTGRES_PASSWORD": {"value": "", "loc": l(5), "indeterminate": true, "vars": [{"name": "POSTGRES_PASSWORD", "origin": "required", "message": "must be set"}]}})
}

test_empty_default_passes if {
	count(mcp_se_002.deny) == 0 with input as svc({
		"SECRET_KEY": {"value": "", "loc": l(5), "vars": dflt("SECRET_KEY")},
		"DATABASE_URL": {"value": "postgresql://postgres:@db:5432/mcp", "loc": l(6), "vars": dflt("POSTGRES_PASSWORD")},
	})
}

test_non_secret_default_passes if {
	count(mcp_se_002.deny) == 0 with input as svc({
		"MCP_MEMORY_LIMIT": {"value": "1g", "loc": l(5), "vars": dflt("MCP_MEMORY_LIMIT")},
		"LOG_LEVEL": {"value": "info", "loc": l(6), "vars": dflt("LOG_LEVEL")},
	})
}

test_set_variable_passes if {
	count(mcp_se_002.deny) == 0 with input as svc({"POSTGRES_PASSWORD": {"value": "****", "loc": l(5), "vars": [{"name": "POSTGRES_PASSWORD", "origin": "set", "source": ".env:3"}]}})
}
