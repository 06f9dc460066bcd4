# METADATA
# title: Docker catalog `server.yaml` policy violation
# description: >-
#   A Docker MCP catalog entry (`servers/<name>/server.yaml` of
#   docker/mcp-registry, or a gateway catalog entry) breaks the registry's
#   validation or security policy: `name` or `type` missing (`type` is
#   `server`, `remote` or `poci`), a local `server` without `image` or
#   without `source.commit` pinned to 40 lowercase hex digits, a secret
#   whose name is not `<prefix>.<name>` or that names no `env`, a
#   credential-named `config.env` variable (`*_TOKEN`, `*_API_KEY`,
#   `*_SECRET`…) that is not declared as a secret, a `config.env` value
#   template not prefixed `{{<name>.`, a `remote` without a `url` or with a
#   `transport_type` outside `stdio`, `sse`, `streamable-http`, a
#   `remote.url` that is not `https://`, a `remote.headers` value that
#   references a `${ENV}` no secret declares or that hard-codes a
#   credential, `run.user` root, and a `run.volumes` or `poci`
#   `tools[].container.volumes` entry that bind-mounts a sensitive host path
#   (the MCP-CS-012 list) or the container-runtime socket (a `poci` tool
#   mounting the Docker socket is root on the host). Templated volumes
#   (`{{x.paths|volume|into}}`), named volumes and an untagged `image`
#   (Docker pins it at build time) are not violations.
# custom:
#   id: MCP-MD-014
#   severity: MEDIUM
#   kinds: [mcp_metadata]
#   remediation: >-
#     Pin `source.commit`, declare every credential under `config.secrets`
#     (`name: <server>.<secret>`, `env: ENV_NAME`), use `https://` remotes
#     whose headers reference declared secrets, run as a non-root user, and
#     mount only project paths (set `run.allowHosts` or `run.disableNetwork`
#     as well).
#   references:
#     - docker/mcp-registry cmd/validate (commit pin, secret names, remote transport)
#     - CIS Docker Benchmark 5.6, 5.32 (analogues)
#     - OWASP MCP Top 10 MCP01, MCP04
package mcp_audit.md.mcp_md_014

import data.mcp_audit.cs.mcp_cs_002
import data.mcp_audit.cs.mcp_cs_012
import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

applicable if input.metadata.format == "catalog-server"

doc := input.doc

# How messages name the entry.
entry := sprintf("catalog entry %q", [doc.name]) if is_string(doc.name)

entry := sprintf("catalog entry %s", [input.metadata.file]) if not is_string(doc.name)

# --- required fields

deny contains r if {
	applicable
	not non_empty(doc.name)
	r := result.new(sprintf("%s has no `name`", [entry]), doc)
}

deny contains r if {
	applicable
	not doc.type
	r := result.new(sprintf("%s has no `type` (`server`, `remote` or `poci`)", [entry]), doc)
}

deny contains r if {
	applicable
	doc.type
	not doc.type in {"server", "remote", "poci"}
	r := result.new(sprintf("%s has `type: %v`, not `server`, `remote` or `poci`", [entry, doc.type]), key_node(doc, "type"))
}

deny contains r if {
	applicable
	doc.type == "server"
	not non_empty(doc.image)
	r := result.new(sprintf("%s is a local server without `image`", [entry]), key_node(doc, "type"))
}

# --- source pin

deny contains r if {
	applicable
	doc.type == "server"
	not doc.source.commit
	r := result.new(sprintf("%s is a local server whose `source.commit` is not pinned: the image is built from a moving branch", [entry]), source_node)
}

deny contains r if {
	applicable
	doc.type == "server"
	c := doc.source.commit
	not pinned_commit(c)
	r := result.with_evidence(
		sprintf("%s pins `source.commit: %v`, not a 40-hex lowercase commit id", [entry, c]),
		key_node(doc.source, "commit"),
		{"commit": c},
	)
}

source_node := key_node(doc.source, "commit") if is_object(doc.source)

source_node := key_node(doc, "type") if not is_object(doc.source)

pinned_commit(c) if {
	is_string(c)
	regex.match(`^[0-9a-f]{40}$`, c)
}

# --- secrets

# `config.secrets` (registry form) and top-level `secrets` (gateway catalog form).
declared_secrets contains s if {
	some s in object.get(doc, ["config", "secrets"], [])
	is_object(s)
}

declared_secrets contains s if {
	some s in object.get(doc, "secrets", [])
	is_object(s)
}

declared_envs contains s.env if {
	some s in declared_secrets
	is_string(s.env)
}

deny contains r if {
	applicable
	some s in declared_secrets
	not valid_secret_name(s.name)
	r := result.with_evidence(
		sprintf("%s declares secret %s, not of the form `<prefix>.<name>` (e.g. `%s.api_key`)", [entry, quoted(s.name), prefix]),
		key_node(s, "name"),
		{"secret": object.get(s, "name", null)},
	)
}

deny contains r if {
	applicable
	some s in declared_secrets
	not non_empty(s.env)
	r := result.with_evidence(
		sprintf("%s declares secret %s without the `env` variable that receives it", [entry, quoted(s.name)]),
		key_node(s, "name"),
		{"secret": object.get(s, "name", null)},
	)
}

valid_secret_name(n) if {
	is_string(n)
	regex.match(`^[A-Za-z0-9_-]+\.[A-Za-z0-9._-]+$`, n)
}

prefix := doc.name if is_string(doc.name)

prefix := "<server>" if not is_string(doc.name)

# Plain configuration variables (`config.env`, or top-level `env` in the gateway form).
plain_env contains e if {
	some e in object.get(doc, ["config", "env"], [])
	is_object(e)
}

plain_env contains e if {
	some e in object.get(doc, "env", [])
	is_object(e)
}

deny contains r if {
	applicable
	some e in plain_env
	is_string(e.name)
	secrets.secret_name(e.name)
	not file_path_value(e)
	not e.name in declared_envs
	r := result.with_evidence(
		sprintf("%s passes credential %q as a plain `config.env` parameter instead of declaring it under `config.secrets`", [entry, e.name]),
		key_node(e, "name"),
		{"env": e.name},
	)
}

# A variable that holds the path of a credential file (`GOOGLE_APPLICATION_CREDENTIALS`), not the credential.
file_path_value(e) if regex.match(`^(/|~/|\./)`, e.value)

deny contains r if {
	applicable
	some e in plain_env
	is_string(e.value)
	contains(e.value, "{{")
	not startswith(e.value, sprintf("{{%s.", [prefix]))
	r := result.with_evidence(
		sprintf("%s sets `config.env` %s from template `%s`, not prefixed `{{%s.`", [entry, quoted(e.name), e.value, prefix]),
		key_node(e, "value"),
		{"env": object.get(e, "name", null), "value": e.value},
	)
}

# --- remotes

remote := doc.remote if is_object(doc.remote)

deny contains r if {
	applicable
	doc.type == "remote"
	not non_empty(remote.url)
	r := result.new(sprintf("%s is a remote server without `remote.url`", [entry]), key_node(doc, "type"))
}

deny contains r if {
	applicable
	doc.type == "remote"
	not remote.transport_type in {"stdio", "sse", "streamable-http"}
	r := result.with_evidence(
		sprintf("%s %s", [entry, transport_text]),
		remote_node("transport_type"),
		{"transport_type": object.get(object.get(doc, "remote", {}), "transport_type", null)},
	)
}

transport_text := sprintf("has `remote.transport_type: %v`, not `stdio`, `sse` or `streamable-http`", [remote.transport_type])

transport_text := "has no `remote.transport_type` (`stdio`, `sse` or `streamable-http`)" if not remote.transport_type

remote_node(k) := key_node(remote, k)

remote_node(_) := key_node(doc, "type") if not remote

deny contains r if {
	applicable
	u := remote.url
	is_string(u)
	not templated(u)
	not startswith(lower(u), "https://")
	r := result.with_evidence(
		sprintf("%s reaches its remote over `%s`, not `https://`", [entry, u]),
		key_node(remote, "url"),
		{"url": u},
	)
}

deny contains r if {
	applicable
	some h, v in remote.headers
	is_string(v)
	some ref in regex.find_all_string_submatch_n(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`, v, -1)
	not ref[1] in declared_envs
	r := result.with_evidence(
		sprintf("%s header %q references `${%s}`, which no `config.secrets[].env` declares", [entry, h, ref[1]]),
		key_node(remote.headers, h),
		{"header": h, "env": ref[1]},
	)
}

deny contains r if {
	applicable
	some h, v in remote.headers
	not h in {"loc", "key_locs"}
	is_string(v)
	credential_header(h)
	not contains(v, "${")
	not templated(v)
	r := result.with_evidence(
		sprintf("%s hard-codes the value of credential header %q instead of referencing a declared secret (`${ENV}`)", [entry, h]),
		key_node(remote.headers, h),
		{"header": h},
	)
}

credential_header(h) if lower(h) in {"authorization", "proxy-authorization", "cookie"}

credential_header(h) if secrets.secret_name(replace(h, "-", "_"))

# --- run

deny contains r if {
	applicable
	u := doc.run.user
	root_user(u)
	r := result.with_evidence(
		sprintf("%s runs its container as root (`run.user: %v`)", [entry, u]),
		key_node(doc.run, "user"),
		{"user": u},
	)
}

root_user(u) if {
	is_string(u)
	name := split(trim_space(u), ":")[0]
	name in {"root", "0"}
}

root_user(u) if u == 0

# Every volume string with the node its finding points at and where it comes from.
volumes contains [v, key_node(doc.run, "volumes"), "`run.volumes`"] if {
	some v in object.get(doc, ["run", "volumes"], [])
}

volumes contains [v, key_node(t.container, "volumes"), sprintf("poci tool %q", [t.name])] if {
	some t in object.get(doc, "tools", [])
	some v in object.get(t, ["container", "volumes"], [])
}

deny contains r if {
	applicable
	some [v, node, where] in volumes
	src := host_source(v)
	m := mcp_cs_002.runtime_socket_mount({"source": src})
	r := result.with_evidence(
		sprintf("%s mounts `%s` in %s: %s, root on the host%s", [entry, v, where, m.what, poci_note(where)]),
		node,
		{"volume": v, "host_path": src},
	)
}

deny contains r if {
	applicable
	some [v, node, where] in volumes
	src := host_source(v)
	not mcp_cs_002.runtime_socket_mount({"source": src})
	mcp_cs_012.sensitive(mcp_cs_012.normalise(src))
	r := result.with_evidence(
		sprintf("%s mounts sensitive host path `%s` in %s", [entry, src, where]),
		node,
		{"volume": v, "host_path": src},
	)
}

poci_note(where) := " (MCP-MD-014 rates a poci tool with the Docker socket HIGH)" if startswith(where, "poci")

poci_note(where) := "" if not startswith(where, "poci")

# The literal host path of a `src:dst[:mode]` volume string; undefined for named
# volumes and templates.
host_source(v) := src if {
	is_string(v)
	not templated(v)
	src := split(v, ":")[0]
	regex.match(`^(/|~)`, src)
}

# --- helpers

templated(s) if contains(s, "{{")

non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

quoted(s) := sprintf("%q", [s]) if is_string(s)

quoted(s) := "(no name)" if not is_string(s)

# key_node(obj, k): the location of key k of a mapping of the document, else the mapping.
key_node(obj, k) := {"loc": obj.key_locs[k]}

key_node(obj, k) := obj if not obj.key_locs[k]
