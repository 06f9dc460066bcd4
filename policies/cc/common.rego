# Helpers shared by the MCP client-configuration rules (MCP-CC-001 .. MCP-CC-008):
# the launched program and its arguments, `docker run` options, secret-bearing
# names and values, and URLs. A unit is one server entry of a client file
# (`input.server`). Secret values are classified and redacted in Rust where the
# name or shape is known (`secret`); these helpers add the catalog's patterns the
# Rust classifier lacks (GitLab, Google, Stripe keys, JWTs) and the names it does
# not treat as secret (`Authorization`, `X-Api-Key`, `--api-key`). They never
# return a value: findings name the field, not its content.
package mcp_audit.cc.common

import data.mcp_audit.se.secrets
import rego.v1

# --- settings

# setting(path, fallback): a client-rule setting from the `.mcp-audit.yaml` keys
# passed in `input.config`; else from Rego data, package `mcp_audit.config` in a
# directory listed under `policies:` (for settings the configuration file does
# not carry yet, e.g. `hub := {"allowed_endpoints": [...]}`); else `fallback`.
setting(path, fallback) := v if {
	v := object.get(input, array.concat(["config"], path), null)
	v != null
} else := v if {
	v := object.get(policy_config, path, null)
	v != null
} else := fallback

policy_config := c if {
	c := data.mcp_audit.config
} else := {}

# --- the launched program

server := object.get(input, "server", {})

args := object.get(server, "args", [])

# base_program(path): the lower-case base name of an executable, without `.exe`.
base_program(path) := trim_suffix(lower(parts[count(parts) - 1]), ".exe") if {
	parts := regex.split(`[/\\]`, path)
}

# program: the command the client starts, when the entry has one.
program := base_program(server.command.value) if is_string(server.command.value)

# docker: the parsed `docker|podman run` of the entry, undefined otherwise.
docker := server.docker if is_object(server.docker)

# image_index: the position of the image in `args`.
image_index := i if {
	some i, a in args
	a.loc == docker.image.loc
}

# In a `docker run` entry, the arguments before the image are Docker's own options.
docker_option_arg(i) if {
	i > 0
	i < image_index
}

# option(names): the `docker run` options named one of `names` (without dashes).
option(names) := [o | some o in docker.options; o.name in names]

# A user that is root: `0`, `root`, `0:0`, `root:root`, `0:1000`…
root_user(u) if regex.match(`^(0|root)(:.*)?$`, lower(trim_space(u)))

# --- values

# The redacted form the Rust classifier writes for secret values.
redacted(s) if regex.match(`\*\*\*\*\([0-9]+ chars, redacted\)`, s)

# A reference to a value held elsewhere: `${VAR}`, `${VAR:-…}`, `${env:VAR}`,
# `${input:id}`, `$VAR`, `%VAR%`, `/run/secrets/…`, vault / 1Password / AWS refs.
reference(s) if regex.match(`^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%)$`, trim_space(s))

reference(s) if secrets.reference_text(trim_space(s))

# interpolated(s): the value contains a variable the client (or shell) expands.
interpolated(s) if regex.match(`\$\{[^}]+\}|\$[A-Za-z_]|%[A-Za-z_][A-Za-z0-9_]*%`, s)

# interpolation_default(s): the literal default of `${VAR:-default}` / `${VAR-default}`.
interpolation_default(s) := d if {
	m := regex.find_all_string_submatch_n(`^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$`, trim_space(s), 1)
	d := m[0][1]
	d != ""
	not reference(d)
}

placeholder(s) if secrets.placeholder_text(s)

# Credential shapes of the catalog (mcp-security-scanner patterns, OWASP MCP01).
credential_patterns := {
	"github-token": `(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})`,
	"gitlab-token": `glpat-[A-Za-z0-9_-]{20,}`,
	"aws-access-key": `(^|[^A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}($|[^A-Z0-9])`,
	"anthropic-key": `sk-ant-[A-Za-z0-9_-]{20,}`,
	"openai-key": `sk-(proj-)?[A-Za-z0-9_-]{20,}`,
	"stripe-key": `(sk|rk)_live_[A-Za-z0-9]{16,}`,
	"slack-token": `xox[baprs]-[A-Za-z0-9-]{10,}`,
	"google-api-key": `AIza[0-9A-Za-z_-]{35}`,
	"jwt": `eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
	"private-key": `-----BEGIN [A-Z ]*PRIVATE KEY-----`,
}

# credential_kind(s): the kinds of credential shapes found in s, comma-separated.
credential_kind(s) := concat(", ", kinds) if {
	kinds := sort([k | some k, pattern in credential_patterns; regex.match(pattern, s)])
	count(kinds) > 0
}

# high_entropy(s): the catalog's "entropy ≥ 3.5 bits/char" on a value of 16 or
# more characters. Rego has no logarithm: at least 12 distinct characters is
# the necessary condition (log2 12 ≈ 3.58) and is used as the test.
high_entropy(s) if {
	count(s) >= 16
	count({c | some c in split(s, "")}) >= 12
}

# literal_secret_kind(s): s, found under a secret name, is a real-looking literal secret.
literal_secret_kind(s) := k if {
	k := credential_kind(s)
} else := "high-entropy" if {
	not reference(s)
	not placeholder(s)
	high_entropy(s)
}

# --- secret-bearing names

# env_secret_name(name): a variable / assignment name that carries a secret.
env_secret_name(name) if secrets.secret_name(name)

# secret_header(name): an HTTP header that carries a credential.
secret_header(name) if regex.match(`^(PROXY_)?AUTHORIZATION$|^COOKIE$|^X_.*(KEY|TOKEN|SECRET|AUTH)$`, header_key(name))

secret_header(name) if secrets.secret_name(header_key(name))

header_key(name) := upper(replace(trim_space(name), "-", "_"))

# auth_value(v): a header value without its scheme (`Bearer …`, `Basic …`, `Token …`).
auth_value(v) := trim_space(substring(t, indexof(t, " ") + 1, -1)) if {
	t := trim_space(v)
	regex.match(`^(?i)(bearer|basic|token|bot|apikey|api-key|digest)[ \t]+[^ \t]`, t)
} else := trim_space(v)

# secret_flag(arg): a command-line option that takes a secret (`--token`,
# `--api-key`, `--password`, `--client-secret`…), written `--x` or `--x=…`.
secret_flag(a) if regex.match(`^([a-z0-9]+-)*(token|api-?key|apikey|password|passwd|secret|secret-key|access-key|private-key|pat|credentials?)$`, flag_name(a))

flag_name(a) := lower(replace(trim_left(split(a, "=")[0], "-"), "_", "-")) if startswith(a, "--")

# A value that names a file holding the secret, not the secret.
file_value(v) if regex.match(`^(/|\./|\.\./|~/|@)|\.(pem|key|json|txt|env)$`, v)

# secret_flags: `--flag value` / `--flag=value` pairs with a secret-named flag,
# `{flag, value, node, index}` (`node` is the argument holding the value). A
# Docker option region (before the image) is not a program's option list.
secret_flags contains {"flag": split(a.value, "=")[0], "value": substring(a.value, indexof(a.value, "=") + 1, -1), "node": a, "index": i} if {
	some i, a in args
	not docker_option_arg(i)
	contains(a.value, "=")
	secret_flag(a.value)
}

secret_flags contains {"flag": a.value, "value": v.value, "node": v, "index": i + 1} if {
	some i, a in args
	not docker_option_arg(i)
	not contains(a.value, "=")
	secret_flag(a.value)
	v := args[i + 1]
	not startswith(v.value, "-")
}

# --- URLs

url_pattern := `(?i)(https?|wss?)://[^ \t"'<>]+`

# urls(s): the URLs written in s.
urls(s) := regex.find_n(url_pattern, s, -1)

# url_parts(u): {scheme, host, port, userinfo, query} of an absolute URL.
url_parts(u) := {"scheme": lower(m[1]), "userinfo": m[3], "host": lower(m[4]), "port": m[6], "query": m[8]} if {
	m := regex.find_all_string_submatch_n(`^([A-Za-z][A-Za-z0-9+.-]*)://(([^/?#@]*)@)?(\[[^\]]*\]|[^/?#:]*)(:([0-9]*))?[^?#]*(\?([^#]*))?`, u, 1)[0]
}

# endpoint(u): `scheme://host[:port]`, the part of a URL a message may show.
endpoint(u) := concat("", [p.scheme, "://", p.host, port_suffix(p.port)]) if p := url_parts(u)

port_suffix(port) := "" if port == ""

port_suffix(port) := concat("", [":", port]) if port != ""

# Loopback hosts: `localhost` (and `*.localhost`), 127.0.0.0/8, `::1`, `host.docker.internal`.
# is_loopback(host) is true or false.
is_loopback(host) := true if loopback(host) else := false

loopback(host) if host in {"localhost", "[::1]", "::1", "host.docker.internal"}

loopback(host) if endswith(host, ".localhost")

loopback(host) if regex.match(`^127\.[0-9]+\.[0-9]+\.[0-9]+$`, host)

# query_params(u): the `name=value` pairs of a URL's query string.
query_params(u) := [{"name": kv[0], "value": concat("=", array.slice(kv, 1, count(kv)))} |
	some pair in split(url_parts(u).query, "&")
	kv := split(pair, "=")
	count(kv) > 1
]
