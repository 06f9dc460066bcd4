# METADATA
# title: Secret on a container command line
# description: >-
#   A secret is part of the container's command line, where `docker inspect`,
#   `ps` on the host and process listings inside the container show it: a
#   secret-named variable interpolated into Compose `command`, `entrypoint` or
#   `healthcheck.test` (`… WITH PASSWORD '${DB_PASSWORD}'`), a credential-shaped
#   string there, or a literal `--password=…`, `--token=…`, `mysql -p<pw>`,
#   `PASSWORD '…'` or `scheme://user:pw@` argument. Commands that read the
#   secret from a file inside the container (`$$(cat /run/secrets/x)`, which
#   Compose leaves as `$(cat …)`) do not count. The list form of `command` /
#   `entrypoint` carries no variable provenance in the input, so only its
#   literals and credential shapes are checked.
# custom:
#   id: MCP-SE-006
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Pass the secret as a file (Compose secret at `/run/secrets/<name>`, read
#     with `$$(cat /run/secrets/<name>)` inside the container shell, or a
#     `PGPASSFILE` / `--password-file` style option), never as an argument.
#   references:
#     - CWE-214 Invocation of Process Using Visible Sensitive Information
#     - Docker docs "Manage secrets securely in Docker Compose"
#     - OWASP MCP Top 10 MCP01
package mcp_audit.se.mcp_se_006

import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

# A secret-named variable interpolated into the command line.
deny contains r if {
	some field, v in secrets.command_lines
	some name in secret_vars(v)
	r := result.with_evidence(
		sprintf("service %q interpolates secret %s into its `%s`", [input.unit.name, name, field]),
		v,
		{"field": field, "variable": name},
	)
}

# A credential-shaped string in `command` / `entrypoint`.
deny contains r if {
	some kind in input.service.command_secrets
	some field in secrets.credential_fields
	r := result.with_evidence(
		sprintf("service %q has a %s credential in its `%s`", [input.unit.name, kind, field]),
		secrets.command_lines[field],
		{"field": field, "kind": kind},
	)
}

# A literal password argument (no secret variable and no credential shape in that field).
deny contains r if {
	some field, v in secrets.command_lines
	count(secret_vars(v)) == 0
	not field in secrets.credential_fields
	some form in literal_forms(v.value)
	r := result.with_evidence(
		sprintf("service %q passes a literal secret as %s in its `%s`", [input.unit.name, form, field]),
		v,
		{"field": field, "form": form},
	)
}

secret_vars(v) := {var.name |
	some var in object.get(v, "vars", [])
	secrets.secret_name(var.name)
}

# Literal forms. A value that starts with `$` is read inside the container
# (`$(cat /run/secrets/x)`, `$PGPASSWORD`), not a literal; `\'` is the shell's
# quote-in-quote idiom around an interpolated (then empty) variable.
literal_forms(s) := {form |
	some form, pattern in any_case_patterns
	regex.match(pattern, lower(s))
} | {form |
	some form, pattern in exact_patterns
	regex.match(pattern, s)
} | {"a connection-string password" | secrets.url_password(s)}

# A value after a space is not another option: psql's `--password` only prompts.
any_case_patterns := {
	"`--password=…`": `--(password|passwd|pass|token|api-key|apikey|secret|client-secret)(=['"]?[^ \t\n'"$\\]| +['"]?[^- \t\n'"$\\])`,
	"`PASSWORD '…'`": `password[ \t]+'[^'$\\]`,
}

# `-p<pw>` of the MySQL clients (`-P` is the port: case matters).
exact_patterns := {"`-p<password>`": `(mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)[ \t].*[ \t]-p[^ \t\n'"$\\]`}
