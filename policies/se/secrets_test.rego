package mcp_audit.se.secrets_test

import data.mcp_audit.se.secrets
import rego.v1

test_secret_names if {
	secrets.secret_name("GITHUB_TOKEN")
	secrets.secret_name("GITHUB_PERSONAL_ACCESS_TOKEN")
	secrets.secret_name("POSTGRES_PASSWORD")
	secrets.secret_name("PGPASSWORD")
	secrets.secret_name("api_key")
	secrets.secret_name("OPENAI_APIKEY")
	secrets.secret_name("DB_PWD")
	secrets.secret_name("SENTRY_DSN")
	secrets.secret_name("BASIC_AUTH")
	secrets.secret_name("GOOGLE_CREDENTIALS")
	secrets.secret_name("ANTHROPIC_KEY")
	secrets.secret_name("CLIENT_SECRET")
	secrets.secret_name("AWS_SECRET_ACCESS_KEY")
	secrets.secret_name("MYSQL_ROOT_PASSWORD")
	secrets.secret_name("JWT_SECRET_KEY")
}

test_non_secret_names if {
	not secrets.secret_name("GF_SECURITY_ADMIN_PASSWORD_FILE")
	not secrets.secret_name("SSL_KEY_PATH")
	not secrets.secret_name("SECRETS_DIR")
	not secrets.secret_name("AUTH_ENABLED")
	not secrets.secret_name("AUTH_MODE")
	not secrets.secret_name("SECRET_NAME")
	not secrets.secret_name("TOKEN_TTL")
	not secrets.secret_name("AUTH_HEADER")
	not secrets.secret_name("DATABASE_URL")
	not secrets.secret_name("LOG_LEVEL")
	not secrets.secret_name("MCP_MEMORY_LIMIT")
	not secrets.secret_name("TOKENIZER")
	not secrets.secret_name("PWD")
	not secrets.secret_name("AUTH_PROVIDER")
	not secrets.secret_name("ACCESS_TOKEN_EXPIRE_MINUTES")
	not secrets.secret_name("AWS_ACCESS_KEY_ID")
	not secrets.secret_name("JWT_SECRET_ALGORITHM")
	not secrets.secret_name("JWT_PUBLIC_KEY")
	not secrets.secret_name("GPG_KEY")
	not secrets.secret_name("WORDPRESS_CLI_GPG_KEY")
	not secrets.secret_name("HASHICORP_PGP_KEY")
	not secrets.secret_name("GPG_KEYS")
	secrets.secret_name("GPG_PRIVATE_KEY")
	secrets.secret_name("GPG_PASSPHRASE")
	secrets.secret_name("MY_GPG_KEY_PASSWORD")
}

test_connection_string_passwords if {
	secrets.url_password("postgresql://app:pw123@db:5432/app")
	not secrets.url_password("postgresql://app@db:5432/app")
	not secrets.url_password("postgresql://app:@db:5432/app")
	not secrets.url_password("postgresql://app:$(cat /run/secrets/pw)@db/app")
	not secrets.url_password("http://loki:3100")
}

test_value_classes if {
	secrets.value_class("X", {"value": "ghp_****", "secret": {"kind": "github-token", "credential": true}}) == "credential"
	secrets.value_class("DB_PASSWORD", {"value": "****", "secret": {"kind": "literal", "credential": false, "placeholder": false}}) == "literal"
	secrets.value_class("VAULT_TOKEN", {"value": "****", "secret": {"kind": "placeholder", "credential": false, "placeholder": true}}) == "placeholder"
	secrets.value_class("DB_PASSWORD", {"value": "/run/secrets/db", "secret": {"kind": "reference", "credential": false}}) == "reference"
	secrets.value_class("DB_PWD", {"value": "hunter2"}) == "literal"
	secrets.value_class("DB_PWD", {"value": "changeme"}) == "placeholder"
	secrets.value_class("DATABASE_URL", {"value": "postgresql://app:pw123@db/app"}) == "literal"
	not secrets.value_class("DB_PWD", {"value": ""})
	not secrets.value_class("LOG_LEVEL", {"value": "debug"})
}

test_the_teams_placeholders_from_the_config if {
	cfg := {"config": {"placeholder_pattern": `(?s)^(?:acme-ci-.*)$`}}
	secrets.value_class("DB_PWD", {"value": "ACME-CI-q8Z2m1LxV0pR7tYw"}) == "placeholder" with input as cfg
	secrets.value_class("DB_PWD", {"value": "x-acme-ci-1"}) == "literal" with input as cfg
	secrets.value_class("DB_PWD", {"value": "acme-ci-q8Z2m1LxV0pR7tYw"}) == "literal"
}

test_interpolated_value_is_not_hard_coded if {
	not secrets.hard_coded("DB_PASSWORD", {"value": "****", "vars": [{"name": "DB_PASSWORD", "origin": "default"}], "secret": {"kind": "literal", "credential": false}})
}

test_carries_secret if {
	secrets.carries_secret("GITHUB_PERSONAL_ACCESS_TOKEN", {"value": "", "indeterminate": true, "vars": [{"name": "GITHUB_TOKEN", "origin": "unset"}]})
	secrets.carries_secret("CONFIG", {"value": "", "indeterminate": true, "vars": [{"name": "MY_TOKEN", "origin": "required"}]})
	not secrets.carries_secret("SECRET_KEY", {"value": "", "indeterminate": false, "vars": [{"name": "SECRET_KEY", "origin": "default"}]})
	not secrets.carries_secret("DB_PASSWORD", {"value": "/run/secrets/db", "secret": {"kind": "reference", "credential": false}})
	not secrets.carries_secret("LOG_LEVEL", {"value": "debug"})
}

l(line) := {"file": "compose.yaml", "line": line, "col": 7, "end_line": line, "end_col": 20}

test_effective_env_precedence if {
	env := secrets.effective_env with input as {
		"service": {"environment": {"A": {"value": "compose", "loc": l(3)}}},
		"env_files": [
			{"exists": true, "entries": [{"key": "A", "value": "f1", "loc": l(1)}, {"key": "B", "value": "f1", "loc": l(2), "overridden": true}]},
			{"exists": true, "entries": [{"key": "B", "value": "f2", "loc": l(5)}]},
			{"exists": false, "entries": [{"key": "C", "value": "x", "loc": l(6)}]},
		],
		"dockerfile": {"env": {"A": {"value": "img", "loc": l(9)}, "D": {"value": "img", "loc": l(10)}}},
	}
	env.A.source == "environment"
	env.B.node.value == "f2"
	env.D.source == "image"
	not env.C
}

test_effective_env_file_over_image if {
	env := secrets.effective_env with input as {
		"service": {"environment": {}},
		"env_files": [{"exists": true, "entries": [
			{"key": "E", "value": "early", "loc": l(1), "overridden": true},
			{"key": "E", "value": "late", "loc": l(2)},
		]}],
		"dockerfile": {"env": {"E": {"value": "img", "loc": l(9)}, "F": {"value": "img", "loc": l(10)}}},
	}
	env.E == {"node": {"key": "E", "value": "late", "loc": l(2)}, "source": "env_file", "file": "compose.yaml"}
	env.F.source == "image"
	count(env) == 2
}

# The resolver's `secret_name` flag decides when present, whatever the name says;
# without it the name decides.
test_named_secret_reads_the_flag if {
	secrets.named_secret("LOG_LEVEL", {"value": "x", "secret_name": true})
	not secrets.named_secret("GITHUB_TOKEN", {"value": "x", "secret_name": false})
	secrets.named_secret("GITHUB_TOKEN", {"value": "x"})
	not secrets.named_secret("LOG_LEVEL", {"value": "x"})
	secrets.value_class("GITHUB_TOKEN", {"value": "abc123", "secret": {"kind": "literal"}}) == "literal"
	not secrets.value_class("GITHUB_TOKEN", {"value": "abc123", "secret_name": false})
	secrets.carries_secret("X", {"value": "abc123", "secret_name": true, "secret": {"kind": "literal"}})
	not secrets.carries_secret("GITHUB_TOKEN", {"value": "abc123", "secret_name": false})
}

test_switch_under_a_secret_name_is_a_setting if {
	not secrets.named_secret("MYSQL_ALLOW_EMPTY_PASSWORD", {"value": "yes", "secret_name": true})
	not secrets.named_secret("ALLOW_EMPTY_PASSWORD", {"value": "no"})
	not secrets.value_class("MYSQL_RANDOM_ROOT_PASSWORD", {"value": "TRUE", "secret_name": true})
	not secrets.carries_secret("ALLOW_EMPTY_PASSWORD", {"value": "1", "secret_name": true})
	not secrets.hard_coded("ALLOW_EMPTY_PASSWORD", {"value": "no"})
	secrets.value_class("DB_PASSWORD", {"value": "nope", "secret_name": true}) == "literal"
	secrets.carries_secret("DB_PASSWORD", {"value": "", "indeterminate": true, "secret_name": true})
}
