package mcp_audit.se.mcp_se_005_test

import data.mcp_audit.lib.testing
import data.mcp_audit.se.mcp_se_005
import data.mcp_audit.se.secrets
import rego.v1

l(line) := {"file": "Dockerfile", "line": line, "col": 1, "end_line": line, "end_col": 30}

ins(line, keyword, text, stage, in_chain) := object.union(
	mcp_audit_instruction(sprintf("%s %s", [keyword, text])),
	{"stage": stage, "in_chain": in_chain, "loc": l(line)},
)

df(instructions, args) := {"unit": {"name": "Dockerfile"}, "dockerfile": dockerfile(instructions, args)}

# The Dockerfile view as mcp-audit builds it: the `keywords` index, and ARGs with
# whether their name names a secret.
dockerfile(instructions, args) := {
	"instructions": instructions,
	"keywords": testing.keywords(instructions),
	"args": [object.union(a, {"secret_name": secrets.secret_name(a.name)}) | some a in args],
	"env": {},
}

literal := {"kind": "literal", "name_suggests": true, "placeholder": false, "credential": false}

# Seed 003 postgres/Dockerfile: `ENV PGPASSWORD=${POSTGRES_PASSWORD}`.
test_env_from_build_variable if {
	rs := mcp_se_005.deny with input as df([ins(6, "ENV", "PGPASSWORD=${POSTGRES_PASSWORD}", "#0", true)], [])
	count(rs) == 1
	some r in rs
	r.evidence.references == ["POSTGRES_PASSWORD"]
}

test_env_literal_secret if {
	count(mcp_se_005.deny) == 1 with input as df([ins(4, "ENV", `API_KEY="abc123def" LOG_LEVEL=info`, "runtime", true)], [])
	count(mcp_se_005.deny) == 1 with input as df([ins(4, "ENV", "DB_PASSWORD hunter2", "runtime", true)], [])
}

test_credential_in_any_instruction if {
	rs := mcp_se_005.deny with input as df([object.union(ins(5, "RUN", "****(60 chars, redacted)", "runtime", true), {"secrets": ["github-token"]})], [])
	count(rs) == 1
	some r in rs
	r.evidence.kind == "github-token"
}

test_arg_literal_default_in_shipped_stage if {
	count(mcp_se_005.deny) == 1 with input as df([], [{"name": "NPM_TOKEN", "default": {"value": "****", "loc": l(3), "secret": literal}, "stage": "runtime", "in_chain": true, "loc": l(3)}])
}

test_global_arg_redeclared_in_shipped_stage if {
	count(mcp_se_005.deny) == 1 with input as df([], [
		{"name": "API_TOKEN", "default": {"value": "****", "loc": l(1), "secret": literal}, "stage": "", "in_chain": true, "loc": l(1)},
		{"name": "API_TOKEN", "default": null, "stage": "runtime", "in_chain": true, "loc": l(5)},
	])
}

test_global_arg_not_redeclared_passes if {
	count(mcp_se_005.deny) == 0 with input as df([], [{"name": "API_TOKEN", "default": {"value": "****", "loc": l(1), "secret": literal}, "stage": "", "in_chain": true, "loc": l(1)}])
}

test_copy_secret_files if {
	rs := mcp_se_005.deny with input as df([
		ins(7, "COPY", ".env /app/.env", "runtime", true),
		ins(8, "COPY", "certs/server.key certs/server.pem /etc/ssl/", "runtime", true),
		object.union(ins(9, "ADD", "", "runtime", true), {"form": "exec", "words": ["id_rsa", "/root/.ssh/id_rsa"]}),
	], [])
	count(rs) == 4
}

test_copy_templates_and_public_keys_pass if {
	count(mcp_se_005.deny) == 0 with input as df([
		ins(7, "COPY", ".env.example /app/.env.example", "runtime", true),
		ins(8, "COPY", "id_rsa.pub package.json ./", "runtime", true),
	], [])
}

test_build_arg_consumed_by_shipped_stage if {
	rs := mcp_se_005.deny with input as {
		"unit": {"name": "github-mcp"},
		"service": {"build": {"args": {"GITHUB_TOKEN": {"value": "", "loc": {"file": "compose.yaml", "line": 9, "col": 23, "end_line": 9, "end_col": 38}, "vars": [{"name": "GITHUB_TOKEN", "origin": "unset"}], "indeterminate": true}}}},
		"dockerfile": dockerfile(
			[ins(4, "ARG", "GITHUB_TOKEN", "runtime", true), ins(5, "ENV", "GITHUB_PERSONAL_ACCESS_TOKEN=$GITHUB_TOKEN", "runtime", true)],
			[{"name": "GITHUB_TOKEN", "default": null, "stage": "runtime", "in_chain": true, "loc": l(4)}],
		),
	}
	count(rs) == 2
	some r in rs
	r.evidence.feeds_env == true
}

test_secret_mount_passes if {
	count(mcp_se_005.deny) == 0 with input as df([object.union(ins(6, "RUN", "npm ci", "build", false), {"flags": [{"name": "mount", "value": "type=secret,id=npmrc,target=/root/.npmrc"}]})], [])
}

test_build_stage_only_passes if {
	count(mcp_se_005.deny) == 0 with input as df(
		[ins(3, "ENV", "NPM_TOKEN=${NPM_TOKEN}", "build", false), ins(4, "COPY", ".npmrc .env ./", "build", false)],
		[{"name": "NPM_TOKEN", "default": {"value": "****", "loc": l(2), "secret": literal}, "stage": "build", "in_chain": false, "loc": l(2)}],
	)
}

test_file_paths_and_placeholders_pass if {
	count(mcp_se_005.deny) == 0 with input as df([
		ins(4, "ENV", "DB_PASSWORD_FILE=/run/secrets/db_password", "runtime", true),
		ins(5, "ENV", "API_KEY=changeme", "runtime", true),
		ins(6, "ENV", "PATH=$PATH:/app/bin NODE_ENV=production", "runtime", true),
		ins(7, "ENV", "GOOGLE_APPLICATION_CREDENTIALS=/usr/src/app/$GOOGLE_CREDENTIALS", "runtime", true),
		ins(8, "ENV", "SSL_KEY /srv/jupyterhub/secrets/jupyterhub.key", "runtime", true),
	], [{"name": "VERSION", "default": {"value": "1.2.3", "loc": l(2)}, "stage": "runtime", "in_chain": true, "loc": l(2)}])
}

# A stand-in word counts only as the whole value: `supersecret` and
# `MyPassword123` are real (weak) secrets.
test_values_that_merely_contain_a_placeholder_word if {
	rs := mcp_se_005.deny with input as df([
		ins(4, "ENV", "FLOOD_SECRET=supersecret", "runtime", true),
		ins(5, "ENV", "DB_PASSWORD=MyPassword123", "runtime", true),
		ins(6, "ENV", "API_KEY=password", "runtime", true),
	], [])
	{r.loc.line | some r in rs} == {4, 5}
}

# The text test that skips most COPY/ADD lines reads the operands of either form.
test_secret_file_prefilter_reads_both_forms if {
	mcp_se_005.may_name_secret_file(ins(7, "COPY", "certs/Server.PEM /etc/ssl/", "runtime", true))
	mcp_se_005.may_name_secret_file(object.union(ins(9, "ADD", "", "runtime", true), {"form": "exec", "words": ["id_rsa", "/root/"]}))
	not mcp_se_005.may_name_secret_file(ins(8, "COPY", "package.json src/ ./", "runtime", true))
	not mcp_se_005.may_name_secret_file(object.union(ins(9, "COPY", ".env", "runtime", true), {"form": "exec", "words": ["app.py", "/app/"]}))
}

npmrc_key := {"file": "app/.npmrc", "line": 2, "col": 1, "end_line": 2, "end_col": 32}

copied(instructions, copied_secrets) := object.union(df(instructions, []), {"dockerfile": {"copied_secrets": copied_secrets}})

test_copied_npmrc_with_a_token if {
	d := copied(
		[ins(2, "COPY", ".npmrc package.json ./", "runtime", true)],
		[{"inst": 0, "source": ".npmrc", "file": "app/.npmrc", "key": "_authToken", "loc": npmrc_key}],
	)
	rs := mcp_se_005.deny with input as d
	count(rs) == 1
	some r in rs
	[r.loc.file, r.loc.line] == ["Dockerfile", 2]
	r.related == [npmrc_key]
	r.msg == "`COPY .npmrc` in stage \"runtime\" copies app/.npmrc into the image, and it holds an npm registry credential (`_authToken`)"
}

test_copied_npmrc_in_a_build_stage_only_passes if {
	d := copied(
		[ins(2, "COPY", ". .", "build", false)],
		[{"inst": 0, "source": ".", "file": "app/.npmrc", "key": "_authToken", "loc": npmrc_key}],
	)
	count(mcp_se_005.deny) == 0 with input as d
}
