package mcp_audit.se.mcp_se_006_test

import data.mcp_audit.se.mcp_se_006
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 14, "end_line": line, "end_col": 60}

svc(s) := {"unit": {"name": "mcp-memory-init"}, "service": object.union({"command_secrets": [], "command": null, "entrypoint": null, "healthcheck": null}, s)}

# Seed 003 mcp-memory-init: `… WITH PASSWORD '\''${MEMORY_DB_PASSWORD}'\'';'` (unset at scan time).
test_secret_variable_in_command if {
	rs := mcp_se_006.deny with input as svc({"command": {
		"value": `sh -c "psql -U admin -c 'CREATE USER memory_user WITH PASSWORD '\'''\'';'"`,
		"loc": l(90),
		"vars": [{"name": "MEMORY_DB_PASSWORD", "origin": "unset"}],
		"indeterminate": true,
	}})
	count(rs) == 1
	some r in rs
	r.evidence == {"field": "command", "variable": "MEMORY_DB_PASSWORD"}
}

test_secret_variable_in_healthcheck if {
	count(mcp_se_006.deny) == 1 with input as svc({"healthcheck": {"test": {"value": `curl -H "Authorization: Bearer " http://localhost:8080/health`, "loc": l(12), "vars": [{"name": "API_TOKEN", "origin": "unset"}], "indeterminate": true}}})
}

test_credential_in_entrypoint if {
	rs := mcp_se_006.deny with input as svc({"command_secrets": ["github-token"], "entrypoint": {"value": "/entry.sh --token ghp_****(40 chars, redacted)", "loc": l(7)}})
	count(rs) == 1
	some r in rs
	r.evidence.field == "entrypoint"
}

test_literal_password_forms if {
	count(mcp_se_006.deny) == 1 with input as svc({"command": {"value": "server --password=hunter2", "loc": l(5)}})
	count(mcp_se_006.deny) == 1 with input as svc({"command": {"value": "sh -c 'mysqladmin -uroot -phunter2 ping'", "loc": l(5)}})
	count(mcp_se_006.deny) == 1 with input as svc({"command": {"value": "psql -c \"ALTER USER app WITH PASSWORD 'hunter2'\"", "loc": l(5)}})
	count(mcp_se_006.deny) == 1 with input as svc({"command": {"value": "migrate --db postgres://app:hunter2@db/app up", "loc": l(5)}})
	count(mcp_se_006.deny) == 1 with input as svc({"command": {"value": "server --token  s3cr3t-t0ken", "loc": l(5)}})
}

test_an_option_after_a_switch_is_not_its_value if {
	count(mcp_se_006.deny) == 0 with input as svc({"command": {"value": "psql --password -h db -U app", "loc": l(5)}})
}

test_secret_read_from_file_passes if {
	count(mcp_se_006.deny) == 0 with input as svc({"command": {"value": `sh -c 'psql "--password=$(cat /run/secrets/db_password)" -c "SELECT 1"'`, "loc": l(5)}})
	count(mcp_se_006.deny) == 0 with input as svc({"command": {"value": `sh -c 'mysql -uroot -p"$(cat /run/secrets/db)" -e "SELECT 1"'`, "loc": l(5)}})
	count(mcp_se_006.deny) == 0 with input as svc({"command": {"value": "sh -c 'psql -c \"ALTER USER app WITH PASSWORD '$PW'\"'", "loc": l(5)}})
}

test_ordinary_commands_pass if {
	count(mcp_se_006.deny) == 0 with input as svc({
		"command": {"value": "--api.insecure=true --providers.docker=true --entrypoints.mcp.address=:8080", "loc": l(5)},
		"healthcheck": {"test": {"value": "CMD curl -f http://localhost:8080/health", "loc": l(9)}},
	})
	count(mcp_se_006.deny) == 0 with input as svc({"command": {"value": "psql -h postgres -p 5432 -U admin", "loc": l(5), "vars": [{"name": "PGHOST", "origin": "set"}]}})
	count(mcp_se_006.deny) == 0 with input as svc({"command": {"value": "sh -c 'mysqladmin -h db -P3306 ping'", "loc": l(5)}})
}
