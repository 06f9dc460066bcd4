# Helpers shared by the secrets rules (MCP-SE-001 .. MCP-SE-006): the catalog's
# secret-name heuristic, the class of a (redacted) value, and the effective
# container environment of a Compose service. Values are already classified and
# redacted in Rust (`secret`); these helpers only fall back to the text for
# names the Rust heuristic does not know (`*_PWD`, `*_AUTH`, `*_DSN`…) and for
# connection strings, and never return a value.
package mcp_audit.se.secrets

import rego.v1

# secret_name(name): the name carries a secret (case-insensitive). The catalog's
# pattern, plus the Rust heuristic's substrings (`PGPASSWORD`, `ANTHROPIC_KEY`),
# minus the catalog's exclusions (`*_FILE`, `*_PATH`, `*_MODE`, `*_URL`…) and
# public keys (`*_PUBLIC_KEY`, `GPG_KEY`).
# Interpretations, to keep CRITICAL findings precise: `PWD` alone is the shell's
# working directory, `AUTH` counts only as a suffix (`BASIC_AUTH`, not
# `AUTH_PROVIDER`), and a qualifier after the secret word names a setting about
# the secret, not the secret (`ACCESS_TOKEN_EXPIRE_MINUTES`, `AWS_ACCESS_KEY_ID`);
# public keys are not secrets.
secret_name(name) if {
	n := upper(name)
	secret_name_pattern(n)
	not excluded_name(n)
}

secret_name_pattern(n) if regex.match(`(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_SECRET|CREDENTIALS?|DSN)($|_)|_PWD($|_)|^PWD_|(^|_)AUTH$`, n)

secret_name_pattern(n) if regex.match(`SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|_TOKEN$|^TOKEN_|_KEY$|_PAT$`, n)

# named_secret(name, v): secret_name(name) for the value `v` set under `name`. The
# resolver records the answer on Compose `environment` and `build.args` values and
# on env_file entries (`secret_name`, the same heuristic in Rust, computed once per
# value instead of once per rule); other values fall back to the name.
named_secret(_, v) if {
	v.secret_name == true
	not switch(v)
}

named_secret(name, v) if {
	not is_boolean(v.secret_name)
	secret_name(name)
	not switch(v)
}

# A yes/no switch under a secret-looking name (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`,
# `ALLOW_EMPTY_PASSWORD=no`) is a setting, not a secret; the Rust classifier
# agrees (`secrets::is_switch`), so such a value is neither classified nor redacted.
switch(v) if lower(v.value) in {"yes", "no", "true", "false", "on", "off", "y", "n", "0", "1"}

excluded_name(n) if regex.match(`_(FILE|PATH|DIR|ENABLED|ENABLE|MODE|NAME|HEADER|TTL|TIMEOUT|LENGTH)($|_)|_(URL|URI)$`, n)

excluded_name(n) if regex.match(`(PUBLIC|PUBLISHABLE)_?KEY`, n)

# A GPG/PGP key named by its fingerprint is public: the docker-library images set
# `ENV GPG_KEY A035C8…` and fetch it with `gpg --recv-keys` (`GPG_PRIVATE_KEY` and
# `GPG_PASSPHRASE` stay secrets).
excluded_name(n) if regex.match(`(^|_)(GPG|PGP)_KEYS?$`, n)

excluded_name(n) if regex.match(`(TOKEN|SECRET|PASSWORD|KEY|AUTH)_(EXPIR[A-Z]*|ISSUER|AUDIENCE|ENDPOINT|TYPE|ALGORITHM|ALG|PROVIDER|SCOPES?|PREFIX|ID|LIMIT|SIZE|COUNT|VERSION|METHOD|FORMAT|LEVEL|STRATEGY|ROTATION|REFRESH|STORE|BACKEND|SOURCE|LOCATION|POLICY)($|_)`, n)

# A connection string whose userinfo carries a password (`scheme://user:pw@host`).
# A password that is itself a shell reference (`$…`) is not a literal.
url_password(s) if regex.match(`[A-Za-z][A-Za-z0-9+.-]*://[^ \t\n/@:]*:[^ \t\n/@$][^ \t\n/@]*@`, s)

# The Rust placeholder test (regorus regexes are ASCII-only: no `(?i)`, `\s`, `\b`):
# a mark anywhere in the value, a word that is the whole value (`password`, but
# not `MyPassword123`), a `<…>` slot, or only `x`, `*` and `.`.
placeholder_pattern := `changeme|change_me|change-me|changethis|example|placeholder|dummy|xxx|todo|replace_?me|your[_-]|insert|redacted|fake|sample|<[^>]*>`

placeholder_text(s) if regex.match(placeholder_pattern, lower(s))

placeholder_text(s) if regex.match(`^(password|secret|test|testing|default)$`, lower(trim_space(s)))

placeholder_text(s) if regex.match(`^[x*.]+$`, lower(trim_space(s)))

# The team's own stand-ins (`placeholders` in `.mcp-audit.yaml`, the Rust
# `Placeholders`), given as one anchored regex over the lowercased, trimmed value.
placeholder_text(s) if {
	p := object.get(input, ["config", "placeholder_pattern"], "")
	p != ""
	regex.match(p, lower(trim_space(s)))
}

# Where a secret lives rather than the secret (the Rust `is_reference`): a variable, a
# secret store, or a file path (path characters only, no segment over 64 bytes).
reference_text(s) if regex.match(`^(/run/secrets/|\$|vault:|op://|arn:aws:secretsmanager)`, s)

reference_text(s) if {
	regex.match(`^(/|\./|\.\./|~/)[A-Za-z0-9._/~${}-]*$`, s)
	not regex.match(`[^/]{65}`, s)
}

# value_class(name, v) is "credential", "literal", "placeholder" or "reference"
# for a value node `v` (`{value, secret?}`) under `name`; undefined when it holds
# no secret. A credential-shaped value counts whatever its name; a connection
# string with a password counts whatever its name.
value_class(name, v) := "credential" if {
	v.secret.credential
} else := c if {
	named_secret(name, v)
	c := named_class(v)
} else := "literal" if {
	url_password(v.value)
}

named_class(v) := "reference" if {
	v.secret.kind == "reference"
} else := "placeholder" if {
	v.secret.placeholder
} else := "literal" if {
	v.secret.kind
} else := "reference" if {
	reference_text(v.value)
} else := "placeholder" if {
	v.value != ""
	placeholder_text(v.value)
} else := "literal" if {
	v.value != ""
}

# hard_coded(name, v): a literal (not interpolated) secret value, placeholders included.
hard_coded(name, v) if {
	count(object.get(v, "vars", [])) == 0
	value_class(name, v) in {"credential", "literal", "placeholder"}
}

# carries_secret(name, v): the value is a secret by its name or its shape, and it
# reaches the container: non-empty, or an unresolved variable that the deployment
# will supply. Secret references (`/run/secrets/…`) do not count.
carries_secret(name, v) if {
	secret_or_credential(name, v)
	present(v)
	not value_class(name, v) == "reference"
}

secret_or_credential(name, v) if named_secret(name, v)

secret_or_credential(_, v) if v.secret.credential

secret_or_credential(_, v) if url_password(v.value)

secret_or_credential(_, v) if {
	some var in v.vars
	secret_name(var.name)
}

present(v) if v.value != ""

present(v) if v.indeterminate

# node(v): where a finding about value `v` points. A value merged from an `x-*`
# anchor points at the anchor's definition, with the merge site as related.
node(v) := {"loc": v.defined, "from": [v.loc]} if v.defined

node(v) := v if not v.defined

# The effective container environment of a Compose service, key -> entry
# {node, source, file?}: Compose `environment` over `env_file` entries (the last
# file and line win) over the image's ENV.
effective_env[k] := {"node": v, "source": "environment"} if {
	some k, v in input.service.environment
}

effective_env[k] := {"node": e, "source": "env_file", "file": e.loc.file} if {
	some e in env_file_last
	k := e.key
	not input.service.environment[k]
}

effective_env[k] := {"node": v, "source": "image"} if {
	some k, v in input.dockerfile.env
	not input.service.environment[k]
	not env_file_keys[k]
}

# The entries that win, one per key: the last line of the last file that sets it
# (the resolver marks every earlier one `overridden`).
env_file_last := [e |
	some f in input.env_files
	f.exists
	some e in f.entries
	not e.overridden
]

env_file_keys contains e.key if some e in env_file_last

# The last segment of a path, for messages (locations carry the full path).
base_name(path) := parts[count(parts) - 1] if parts := split(path, "/")

# The command-line fields of a Compose service, field -> value node.
command_lines[field] := v if {
	some field, v in {
		"command": object.get(input.service, "command", null),
		"entrypoint": object.get(input.service, "entrypoint", null),
		"healthcheck.test": object.get(input.service, ["healthcheck", "test"], null),
	}
	v != null
}

# `command_secrets` (credential shapes) covers `command` and `entrypoint`
# together: these are the fields that hold a redacted word.
credential_fields contains field if {
	count(input.service.command_secrets) > 0
	some field in ["command", "entrypoint"]
	contains(command_lines[field].value, "redacted)")
}
