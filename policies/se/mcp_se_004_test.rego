package mcp_audit.se.mcp_se_004_test

import data.mcp_audit.se.mcp_se_004
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 30}

grant(name, line) := {"value": name, "loc": l(line), "indeterminate": false}

svc(s, project_secrets) := {
	"unit": {"name": "grafana"},
	"service": object.union({"environment": {}, "secrets": [], "volumes": []}, s),
	"project": {"secrets": project_secrets},
	"env_files": [],
	"dockerfile": null,
	"raw": {},
}

defined := {"grafana_password": {"file": "./secrets/grafana_password.txt", "external": false, "loc": l(40)}}

password_file := {"GF_SECURITY_ADMIN_PASSWORD_FILE": {"value": "/run/secrets/grafana_password", "loc": l(80)}}

# Seed 001 grafana: granted, but no top-level `secrets:`.
test_grant_of_undefined_secret if {
	rs := mcp_se_004.deny with input as svc({"environment": password_file, "secrets": [grant("grafana_password", 87)]}, {})
	count(rs) == 1
	some r in rs
	r.evidence.defect == "undefined"
	r.loc.line == 87
}

test_file_variable_without_grant if {
	rs := mcp_se_004.deny with input as svc({"environment": password_file}, defined)
	count(rs) == 1
	some r in rs
	r.evidence.defect == "not-granted"
}

test_file_variable_in_image_env_without_grant if {
	count(mcp_se_004.deny) == 1 with input as object.union(svc({}, defined), {"dockerfile": {"env": {"DB_PASSWORD_FILE": {"value": "/run/secrets/db", "loc": l(7)}}}})
}

# Seed 004: `../secrets/github_token.txt:/run/secrets/github_token:ro`.
test_bind_mount_into_run_secrets if {
	rs := mcp_se_004.deny with input as svc({"volumes": [
		{"type": "bind", "source": "../secrets/github_token.txt", "target": "/run/secrets/github_token", "read_only": true, "loc": l(40)},
		{"type": "bind", "source": "./secrets", "target": "/run/secrets", "read_only": false, "loc": l(41)},
	]}, {})
	count(rs) == 2
	some r in rs
	r.evidence.catalog_severity == "LOW"
	some r2 in rs
	r2.evidence.catalog_severity == "MEDIUM"
	contains(r2.msg, "(writable)")
}

test_bind_mounted_file_is_not_also_ungranted if {
	count(mcp_se_004.deny) == 1 with input as svc({
		"environment": {"GITHUB_TOKEN_FILE": {"value": "/run/secrets/github_token", "loc": l(38)}},
		"volumes": [{"type": "bind", "source": "../secrets/github_token.txt", "target": "/run/secrets/github_token", "read_only": true, "loc": l(40)}],
	}, {})
}

test_defined_and_granted_passes if {
	count(mcp_se_004.deny) == 0 with input as svc({"environment": password_file, "secrets": [grant("grafana_password", 87)]}, defined)
}

test_external_secret_passes if {
	count(mcp_se_004.deny) == 0 with input as svc({"secrets": [grant("gh_token", 87)]}, {"gh_token": {"file": null, "external": true, "loc": l(40)}})
}

test_long_form_target if {
	i := object.union(svc(
		{"environment": {"TOKEN_FILE": {"value": "/run/secrets/app/token", "loc": l(30)}}, "secrets": [grant("gh_token", 33)]},
		{"gh_token": {"file": "./gh_token.txt", "external": false, "loc": l(40)}},
	), {"raw": {"secrets": [{"source": "gh_token", "target": "app/token"}]}})
	count(mcp_se_004.deny) == 0 with input as i
}

test_named_volume_and_other_binds_pass if {
	count(mcp_se_004.deny) == 0 with input as svc({"volumes": [
		{"type": "volume", "source": "grafana-data", "target": "/var/lib/grafana", "read_only": false, "loc": l(50)},
		{"type": "bind", "source": "./dashboards", "target": "/etc/grafana/provisioning/dashboards", "read_only": true, "loc": l(51)},
	]}, {})
}

file_secret(local) := {"grafana_password": {"file": "./secrets/grafana_password.txt", "external": false, "loc": l(40), "file_loc": l(41), "local": local}}

test_secret_file_in_the_working_tree if {
	granted := {"secrets": [grant("grafana_password", 87)]}
	rs := mcp_se_004.deny with input as svc(granted, file_secret({"exists": true, "gitignored": false}))
	[[r.evidence.defect, r.evidence.catalog_severity, r.loc.line] | some r in rs] == [["file-not-gitignored", "HIGH", 41]]
	missing := mcp_se_004.deny with input as svc(granted, file_secret({"exists": false, "gitignored": false}))
	[r.evidence.defect | some r in missing] == ["file-missing"]
	count(mcp_se_004.deny) == 0 with input as svc(granted, file_secret({"exists": true, "gitignored": true}))
	count(mcp_se_004.deny) == 0 with input as svc(granted, file_secret({"exists": false, "gitignored": true}))
	# An absolute or home path (`local: null`) is the deploy host's: not judged.
	count(mcp_se_004.deny) == 0 with input as svc(granted, file_secret(null))
}
