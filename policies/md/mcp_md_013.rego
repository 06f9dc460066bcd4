# METADATA
# title: "`server.json` invalid for its declared schema"
# description: >-
#   An official MCP Registry `server.json` does not validate against the
#   schema generation its `$schema` declares (`2025-07-09` snake_case up to
#   `2025-12-11` camelCase), or breaks the registry's publishing rules: no
#   `$schema`, or one that names no known schema; `name`, `description` or
#   `version` missing; a `name` that is not `<reverse-dns>/<server>` (3 to
#   200 characters); a `description` or `title` longer than 100 characters;
#   a `version` (server or package) of `latest` or a range (`^1.2`, `~1`,
#   `>=1`, `1.x`); a package without `registryType`, `identifier` or a valid
#   `transport` (`stdio`, or `streamable-http`/`sse` with a `url`), without
#   the `version` its registry type needs, or an `mcpb` package without
#   `fileSha256`; a remote that is not `streamable-http`/`sse` with a URL,
#   or that uses `http://`; a `repository` without `url` or `source`; keys
#   of the other naming generation (`registry_type` under a camelCase
#   schema, `registryType` under `2025-07-09`); and credential-named
#   environment variables, headers or `-e NAME=…` arguments (`*_TOKEN`,
#   `*_API_KEY`, `*_SECRET`, `Authorization`…) not marked `isSecret: true`.
#   CI-time templates (`${VERSION}`, `$VERSION`, `<<Version>>`) in `name`,
#   `version` or `identifier` are accepted, as are extra fields.
# custom:
#   id: MCP-MD-013
#   severity: MEDIUM
#   kinds: [mcp_metadata]
#   remediation: >-
#     Validate with the registry's schema (`mcp-publisher validate`), declare
#     `$schema` (current: 2025-12-11) and migrate to camelCase, pin exact
#     versions, give `mcpb` packages a `fileSha256`, serve remotes over
#     `https://`, and mark every credential `isSecret: true`.
#   references:
#     - MCP Registry server.schema.json 2025-12-11 and CHANGELOG
#     - MCP Registry publishing requirements (package versions, mcpb fileSha256)
#     - OWASP MCP Top 10 MCP01, MCP04
package mcp_audit.md.mcp_md_013

import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

applicable if input.metadata.format == "registry-server"

doc := input.doc

subject := sprintf("server.json %q", [doc.name]) if is_string(doc.name)

subject := sprintf("server.json %s", [input.metadata.file]) if not is_string(doc.name)

# --- schema generation

known_schemas := ["2025-07-09", "2025-09-16", "2025-09-29", "2025-10-11", "2025-10-17", "2025-12-11"]

schema_date := m[0][1] if {
	is_string(doc["$schema"])
	m := regex.find_all_string_submatch_n(`/schemas/([0-9]{4}-[0-9]{2}-[0-9]{2})/server\.schema\.json$`, doc["$schema"], 1)
	count(m) == 1
}

# A date newer than the newest bundled schema is validated as the newest.
known_schema if schema_date in known_schemas

known_schema if schema_date > known_schemas[count(known_schemas) - 1]

# snake_case up to 2025-09-16; without a usable `$schema`, the naming most of
# the file's schema keys use.
snake if schema_date < "2025-09-16"

snake if {
	not schema_date
	count(keys_in(camel_names)) > count(keys_in(snake_names))
}

# keys_in(m): the [mapping, key] pairs whose key is a key of m (camel_names
# for snake_case keys, snake_names for camelCase ones).
keys_in(m) := {[o, key] |
	some o in schema_objects
	some key, _ in o
	m[key]
}

deny contains r if {
	applicable
	not doc["$schema"]
	r := result.new(sprintf("%s declares no `$schema`: its schema generation (snake_case or camelCase) is unknown", [subject]), doc)
}

deny contains r if {
	applicable
	s := doc["$schema"]
	not known_schema
	r := result.with_evidence(
		sprintf("%s declares `$schema` %s, not a known MCP Registry schema (%s)", [subject, text(s), concat(", ", known_schemas)]),
		key_node(doc, "$schema"),
		{"schema": s},
	)
}

# Key names per generation: camelCase -> snake_case.
snake_names := {
	"registryType": "registry_type",
	"registryBaseUrl": "registry_base_url",
	"runtimeHint": "runtime_hint",
	"runtimeArguments": "runtime_arguments",
	"packageArguments": "package_arguments",
	"environmentVariables": "environment_variables",
	"isRequired": "is_required",
	"isSecret": "is_secret",
	"isRepeated": "is_repeated",
	"valueHint": "value_hint",
	"fileSha256": "file_sha256",
	"websiteUrl": "website_url",
}

camel_names := {s: c | some c, s in snake_names}

# k(name): the key this file's generation uses for the camelCase name.
k(name) := snake_names[name] if snake

k(name) := name if {
	not snake
	snake_names[name]
}

k(name) := name if not snake_names[name]

# --- top-level fields

deny contains r if {
	applicable
	some f in ["name", "description", "version"]
	not is_string(doc[f])
	r := result.new(sprintf("%s has no `%s` (a required string)", [subject, f]), doc)
}

deny contains r if {
	applicable
	n := doc.name
	is_string(n)
	not template(n)
	not valid_name(n)
	r := result.with_evidence(
		sprintf("%s: `name` is not `<reverse-dns namespace>/<server>` (one `/`, [a-zA-Z0-9.-] then [a-zA-Z0-9._-], 3 to 200 characters)", [subject]),
		key_node(doc, "name"),
		{"name": n},
	)
}

valid_name(n) if {
	regex.match(`^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`, n)
	count(n) >= 3
	count(n) <= 200
}

deny contains r if {
	applicable
	some f in ["description", "title"]
	v := doc[f]
	is_string(v)
	not count(v) in numbers.range(1, 100)
	r := result.with_evidence(
		sprintf("%s: `%s` has %d characters, not 1 to 100", [subject, f, count(v)]),
		key_node(doc, f),
		{"field": f, "length": count(v)},
	)
}

deny contains r if {
	applicable
	v := doc.version
	is_string(v)
	why := bad_version(v)
	r := result.with_evidence(sprintf("%s: `version` %q %s", [subject, v, why]), key_node(doc, "version"), {"version": v})
}

# bad_version(v) says why a version string is not an exact version; undefined when it is one.
bad_version(v) := "is empty" if {
	trim_space(v) == ""
} else := "is longer than 255 characters" if {
	count(v) > 255
} else := "is the moving `latest` tag, not a version" if {
	lower(trim_space(v)) == "latest"
} else := "is a version range, not an exact version" if {
	not template(v)
	version_range(v)
}

version_range(v) if regex.match(`^\s*([\^~]|[<>]=?|=)|\|\||\s-\s|(^|\.)[xX*](\.|$)|^\*$`, v)

# CI-time templates: `${VERSION}`, `$VERSION`, `<<Version>>`.
template(s) if regex.match(`\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|<<[^<>]+>>`, s)

# --- packages

packages contains [i, p] if {
	some i, p in object.get(doc, "packages", [])
	is_object(p)
}

package_name(i, p) := sprintf("package %d (%s)", [i + 1, p.identifier]) if is_string(p.identifier)

package_name(i, p) := sprintf("package %d", [i + 1]) if not is_string(p.identifier)

deny contains r if {
	applicable
	some [i, p] in packages
	some f in [k("registryType"), "identifier", "transport"]
	not p[f]
	r := result.new(sprintf("%s: %s has no `%s`", [subject, package_name(i, p), f]), p)
}

deny contains r if {
	applicable
	some [i, p] in packages
	t := p.transport
	why := bad_transport(t, {"stdio", "streamable-http", "sse"})
	r := result.with_evidence(sprintf("%s: %s transport %s", [subject, package_name(i, p), why]), key_node(p, "transport"), {"transport": object.get(t, "type", null)})
}

bad_transport(t, _) := "is not an object with a `type`" if not is_string(t.type)

bad_transport(t, allowed) := sprintf("type %q is not one of %s", [t.type, concat(", ", sort(allowed))]) if {
	is_string(t.type)
	not t.type in allowed
}

bad_transport(t, _) := sprintf("%q has no `url`", [t.type]) if {
	t.type in {"streamable-http", "sse"}
	not is_string(t.url)
}

# npm, PyPI and NuGet packages always need a version; OCI and MCPB ones only
# before the 2025-10-11 schema.
deny contains r if {
	applicable
	some [i, p] in packages
	not p.version
	version_required(p)
	r := result.new(sprintf("%s: %s has no `version`", [subject, package_name(i, p)]), p)
}

version_required(p) if not p[k("registryType")] in {"oci", "mcpb"}

version_required(_) if schema_date < "2025-10-11"

deny contains r if {
	applicable
	some [i, p] in packages
	v := p.version
	why := bad_package_version(v)
	r := result.with_evidence(sprintf("%s: %s `version` %s", [subject, package_name(i, p), why]), key_node(p, "version"), {"version": v})
}

bad_package_version(v) := "is not a string" if not is_string(v)

bad_package_version(v) := sprintf("%q %s", [v, bad_version(v)]) if is_string(v)

deny contains r if {
	applicable
	some [i, p] in packages
	p[k("registryType")] == "mcpb"
	not p[k("fileSha256")]
	r := result.new(sprintf("%s: mcpb %s has no `%s`: the bundle cannot be verified", [subject, package_name(i, p), k("fileSha256")]), p)
}

deny contains r if {
	applicable
	some [i, p] in packages
	h := p[k("fileSha256")]
	not sha256(h)
	r := result.with_evidence(sprintf("%s: %s `%s` is not 64 lowercase hex digits", [subject, package_name(i, p), k("fileSha256")]), key_node(p, k("fileSha256")), {"file_sha256": h})
}

sha256(h) if {
	is_string(h)
	regex.match(`^[a-f0-9]{64}$`, h)
}

# --- remotes

remotes contains [i, rm] if {
	some i, rm in object.get(doc, "remotes", [])
	is_object(rm)
}

deny contains r if {
	applicable
	some [i, rm] in remotes
	why := bad_transport(rm, {"streamable-http", "sse"})
	r := result.with_evidence(sprintf("%s: remote %d %s", [subject, i + 1, why]), rm, {"remote": i + 1})
}

deny contains r if {
	applicable
	some [i, rm] in remotes
	is_string(rm.url)
	startswith(lower(rm.url), "http://")
	r := result.with_evidence(
		sprintf("%s: remote %d is served over plain HTTP (`%s`)%s", [subject, i + 1, rm.url, loopback_note(rm.url)]),
		key_node(rm, "url"),
		{"url": rm.url},
	)
}

loopback(u) if regex.match(`^http://(localhost|127\.[0-9.]+|\[::1\])([:/]|$)`, lower(u))

loopback_note(u) := " (loopback only)" if loopback(u)

loopback_note(u) := "; the catalog rates a non-loopback HTTP remote HIGH" if not loopback(u)

# --- repository

deny contains r if {
	applicable
	repo := doc.repository
	some f in ["url", "source"]
	not is_string(repo[f])
	r := result.new(sprintf("%s: `repository` has no `%s`", [subject, f]), key_node(doc, "repository"))
}

# --- naming generation

# The mappings whose keys the schema names: the top level, packages, their
# transports, arguments, environment variables and headers, remotes and their
# headers, and the inputs under `variables`.
schema_objects contains doc

schema_objects contains p if some [_, p] in packages

schema_objects contains rm if some [_, rm] in remotes

schema_objects contains p.transport if {
	some [_, p] in packages
	is_object(p.transport)
}

schema_objects contains x if {
	some o in input_lists
	some x in o
	is_object(x)
}

schema_objects contains v if {
	some o in input_lists
	some x in o
	some _, v in object.get(x, "variables", {})
	is_object(v)
}

input_lists contains l if {
	some [_, p] in packages
	some f in ["runtimeArguments", "packageArguments", "environmentVariables"]
	some key in [f, snake_names[f]]
	l := p[key]
	is_array(l)
}

input_lists contains l if {
	some h in header_holders
	is_array(h.headers)
	l := h.headers
}

header_holders contains rm if some [_, rm] in remotes

header_holders contains p.transport if {
	some [_, p] in packages
	is_object(p.transport)
}

deny contains r if {
	applicable
	some o in schema_objects
	some key, _ in o
	other := wrong_generation(key)
	r := result.with_evidence(
		sprintf("%s: key `%s` belongs to the %s schema, but the file declares %s (`%s`)", [subject, key, other.gen, generation, other.expected]),
		key_node(o, key),
		{"key": key, "expected": other.expected},
	)
}

wrong_generation(key) := {"gen": "camelCase (2025-09-16 and later)", "expected": snake_names[key]} if snake

wrong_generation(key) := {"gen": "snake_case (2025-07-09)", "expected": camel_names[key]} if not snake

generation := sprintf("the %s schema", [schema_date]) if schema_date

generation := "no schema and uses snake_case" if {
	not schema_date
	snake
}

generation := "no schema and uses camelCase" if {
	not schema_date
	not snake
}

# --- credentials not marked secret

# [node, name, what]: environment variables and headers (KeyValueInput).
named_inputs contains [x, x.name, "environment variable"] if {
	some [_, p] in packages
	some key in ["environmentVariables", "environment_variables"]
	some x in object.get(p, key, [])
	is_object(x)
	is_string(x.name)
}

named_inputs contains [x, x.name, "header"] if {
	some h in header_holders
	some x in object.get(h, "headers", [])
	is_object(x)
	is_string(x.name)
}

# `-e NAME=value` / `--env NAME=value` runtime arguments.
named_inputs contains [x, name, "container variable"] if {
	some [_, p] in packages
	some key in ["runtimeArguments", "runtime_arguments"]
	some x in object.get(p, key, [])
	is_object(x)
	x.name in {"-e", "--env"}
	is_string(x.value)
	contains(x.value, "=")
	name := split(x.value, "=")[0]
}

deny contains r if {
	applicable
	some [x, name, what] in named_inputs
	credential_name(name)
	not non_secret_format(x)
	not marked_secret(x)
	r := result.with_evidence(
		sprintf("%s: %s %q looks like a credential but is not marked `%s: true`", [subject, what, name, k("isSecret")]),
		key_node(x, "name"),
		{"name": name, "kind": what},
	)
}

credential_name(n) if lower(n) in {"authorization", "proxy-authorization", "cookie"}

credential_name(n) if {
	secrets.secret_name(replace(n, "-", "_"))
	not setting_name(n)
}

# Switches about secrets, not secrets: `MASK_SECRETS`, `ALLOW_TOKEN_REUSE`.
setting_name(n) if regex.match(`^(MASK|REDACT|HIDE|SHOW|ALLOW|ENABLE|DISABLE|USE|SKIP|REQUIRE|NO)_`, upper(n))

non_secret_format(x) if x.format in {"boolean", "number"}

marked_secret(x) if x[k("isSecret")] == true

# The secret part is a `{variable}` marked secret (`Bearer {token}`).
marked_secret(x) if {
	some _, v in object.get(x, "variables", {})
	is_object(v)
	v[k("isSecret")] == true
}

# --- helpers

text(s) := sprintf("%q", [s]) if is_string(s)

text(s) := sprintf("%v", [s]) if not is_string(s)

# key_node(obj, key): the location of a key of a document mapping, else the mapping.
key_node(obj, key) := {"loc": obj.key_locs[key]}

key_node(obj, key) := obj if not obj.key_locs[key]
