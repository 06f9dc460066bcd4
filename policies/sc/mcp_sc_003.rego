# METADATA
# title: Unpinned package runner
# description: >-
#   The server (or its build) is started through a package runner that
#   downloads the latest matching release at every start: `npx`/`npm exec`,
#   `bunx`, `pnpm dlx`, `yarn dlx` without an exact `@<version>` (or with
#   `@latest`, `@next`, a range); `uvx`/`uv tool run` without `==<version>`
#   or `@<version>`; `pipx run` without `==<version>`; `go run pkg@latest`;
#   `dnx` without a version. Checked in the Compose `entrypoint`/`command`,
#   the effective Dockerfile ENTRYPOINT/CMD they do not replace, the RUN
#   instructions of the target stage's ancestry, and the `command`/`args` of
#   client configuration entries (`.mcp.json`, `claude_desktop_config.json`,
#   `.vscode/mcp.json`; through `cmd /c` and `sh -c` too). Local paths pass.
#   The npm, PyPI and NuGet packages of a registry `server.json`, which
#   clients start with `npx`, `uvx` and `dnx`, need an exact `version` too
#   (`$VERSION`-style templates are not judged).
# custom:
#   id: MCP-SC-003
#   severity: MEDIUM
#   kinds: [compose_service, dockerfile, mcp_client, mcp_metadata]
#   remediation: >-
#     Pin the exact version (`npx -y @modelcontextprotocol/server-filesystem@2025.8.21`,
#     `uvx mcp-server-fetch==2025.4.7`), or install the package at build time
#     from a lockfile and run the installed binary; prefer hub-managed,
#     digest-pinned images.
#   references:
#     - OWASP MCP Top 10 MCP04
#     - MCP registry server.json (version "latest" is rejected)
package mcp_audit.sc.mcp_sc_003

import data.mcp_audit.lib.image
import data.mcp_audit.lib.result
import rego.v1

deny contains r if {
	some src in sources
	some call in src.calls
	some u in unpinned(call)
	r := result.with_evidence(
		sprintf("%s runs `%s %s` without a pinned version (%s)", [src.where, u.runner, u.package, u.why]),
		at_package(src, u.package),
		{"runner": u.runner, "package": u.package},
	)
}

# A client entry's finding points at the argument that names the package.
at_package(src, pkg) := args[min(at)] if {
	args := object.get(src, "args", [])
	at := {i |
		some i, a in args
		a.value == pkg
	}
	count(at) > 0
} else := src.node

# RUN instructions of the target's ancestry, through the index of the programs they
# run (`input.dockerfile.programs`): only runners are looked at.
deny contains r if {
	some name, runs in object.get(input.dockerfile, "programs", {})
	name in runner_programs
	some run in runs
	run.in_chain
	some u in unpinned({"program": name, "args": run.args})
	inst := input.dockerfile.instructions[run.inst]
	r := result.with_evidence(
		sprintf("RUN in stage %q runs `%s %s` without a pinned version (%s)", [inst.stage, u.runner, u.package, u.why]),
		inst,
		{"runner": u.runner, "package": u.package},
	)
}

# A metadata file is judged only for the runner packages of a registry `server.json`.
applicable if input.kind != "mcp_metadata"

applicable if count(server_json_packages) > 0

# The runner packages of a registry `server.json`: a client runs the `version` given.
server_json_packages contains [eco, p] if {
	input.metadata.format == "registry-server"
	some p in object.get(input.doc, "packages", [])
	is_object(p)
	eco := server_json_ecosystems[lower(object.get(p, "registryType", ""))]
	is_string(p.identifier)
	not image.template(p.identifier)
}

deny contains r if {
	some [eco, p] in server_json_packages
	id := p.identifier
	v := object.get(p, "version", null)
	why := server_json_unpinned(eco, v)
	r := result.with_evidence(
		sprintf("`server.json` %s package %q %s", [p.registryType, id, why]),
		{"loc": object.get(p, ["key_locs", "version"], object.get(p, ["key_locs", "identifier"], p.loc))},
		{"registry_type": p.registryType, "package": id, "version": v},
	)
}

server_json_ecosystems := {"npm": "npm", "pypi": "pypi", "nuget": "nuget"}

server_json_unpinned(_, v) := "has no `version`, so clients run the latest release" if not is_string(v)

server_json_unpinned(_, v) := "has no `version`, so clients run the latest release" if v == ""

server_json_unpinned(eco, v) := sprintf("has version `%s`, which is not an exact version", [v]) if {
	is_string(v)
	v != ""
	not image.template(v)
	not exact_version(eco, v)
}

exact_version("npm", v) if exact_semver(v)

exact_version(eco, v) if {
	eco != "npm"
	exact_python(v)
}

# --- where commands come from (mcp-audit lists the programs each runs as `calls`)

svc := object.get(input, "service", {})

compose_set(key) if object.get(svc, key, null) != null

sources contains {"where": sprintf("compose `%s` of service %q", [key, input.unit.name]), "node": svc[key], "calls": object.get(svc, concat("_", [key, "calls"]), [])} if {
	some key in ["entrypoint", "command"]
	compose_set(key)
	not svc[key].indeterminate
}

# A client entry's `command` and `args` (mcp-audit lists the programs they run).
sources contains {"where": sprintf("client entry %q", [input.unit.name]), "node": input.server.command, "args": input.server.args, "calls": input.calls} if {
	input.kind == "mcp_client"
	count(input.calls) > 0
}

sources contains {"where": sprintf("ENTRYPOINT of stage %q", [c.stage]), "node": c, "calls": c.calls} if {
	c := object.get(input.dockerfile, "entrypoint", null)
	is_object(c)
	not compose_set("entrypoint")
}

sources contains {"where": sprintf("CMD of stage %q", [c.stage]), "node": c, "calls": c.calls} if {
	c := object.get(input.dockerfile, "cmd", null)
	is_object(c)
	not compose_set("entrypoint")
	not compose_set("command")
}



# --- runners: the words that start them, their ecosystem, and their options

runners := [
	{"words": ["npx"], "eco": "npm"},
	{"words": ["npm", "exec"], "eco": "npm"},
	{"words": ["bunx"], "eco": "npm"},
	{"words": ["pnpm", "dlx"], "eco": "npm"},
	{"words": ["yarn", "dlx"], "eco": "npm"},
	{"words": ["uvx"], "eco": "uv"},
	{"words": ["uv", "tool", "run"], "eco": "uv"},
	{"words": ["pipx", "run"], "eco": "pipx"},
	{"words": ["go", "run"], "eco": "go"},
	{"words": ["dnx"], "eco": "dnx"},
]

# Options that name the package explicitly.
package_options := {
	"npm": {"-p", "--package"},
	"uv": {"--from"},
	"pipx": {"--spec"},
	"go": set(),
	"dnx": set(),
}

# Options that take a value (which is then not the package).
value_options := {
	"npm": {"-p", "--package", "-c", "--call", "--registry", "--cache", "--userconfig", "-w", "--workspace"},
	"uv": {
		"--from", "--with", "--with-editable", "--with-requirements", "-p", "--python",
		"--index", "--index-url", "--extra-index-url", "--default-index", "-f", "--find-links",
		"-c", "--constraints", "--overrides", "--cache-dir", "--directory", "--project",
		"--config-file", "--env-file",
	},
	"pipx": {"--spec", "--python", "--index-url", "-i", "--pip-args"},
	"go": {"-C", "-exec", "-tags", "-ldflags", "-gcflags", "-mod", "-modfile", "-o", "-p"},
	"dnx": {"--version", "--source", "--configfile", "--framework"},
}

# The first words of `runners`, written out: a constant set costs nothing per
# evaluation (the test checks it matches `runners`).
runner_programs := {"npx", "npm", "bunx", "pnpm", "yarn", "uvx", "uv", "pipx", "go", "dnx"}

# The runner a call starts, with the arguments after the runner's words.
invocation(call) := {"eco": rn.eco, "runner": concat(" ", rn.words), "args": array.slice(call.args, n, count(call.args))} if {
	some rn in runners
	call.program == rn.words[0]
	n := count(rn.words) - 1
	array.slice(call.args, 0, n) == array.slice(rn.words, 1, count(rn.words))
}

explicit_packages(eco, a) := {a[k + 1] |
	some k, w in a
	w in package_options[eco]
	k + 1 < count(a)
} | {substring(w, count(opt) + 1, -1) |
	some w in a
	some opt in package_options[eco]
	startswith(w, concat("", [opt, "="]))
}

positional(eco, a) := a[min({j |
	some j, w in a
	not startswith(w, "-")
	not after_value_option(eco, a, j)
})]

after_value_option(eco, a, j) if {
	j > 0
	a[j - 1] in value_options[eco]
}

packages(eco, a) := explicit_packages(eco, a) if count(explicit_packages(eco, a)) > 0

packages(eco, a) := {positional(eco, a)} if count(explicit_packages(eco, a)) == 0

# Variables, local paths and URLs (file:, git+https:, github:) are not registry packages.
not_registry(pkg) if contains(pkg, "$")

not_registry(pkg) if startswith(pkg, ".")

not_registry(pkg) if startswith(pkg, "/")

not_registry(pkg) if startswith(pkg, "~")

not_registry(pkg) if contains(pkg, ":")

unpinned(call) := {{"runner": inv.runner, "package": pkg, "why": why} |
	inv := invocation(call)
	a := inv.args
	some pkg in packages(inv.eco, a)
	not not_registry(pkg)
	why := unpinned_reason(inv.eco, pkg, a)
}

# --- versions

exact_semver(v) if regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`, v)

exact_python(v) if regex.match(`^[0-9][0-9A-Za-z.+!-]*$`, v)

# npm: `name@version` or `@scope/name@version`.
npm_version(pkg) := substring(rest, i + 1, -1) if {
	startswith(pkg, "@")
	rest := substring(pkg, 1, -1)
	i := indexof(rest, "@")
	i >= 0
}

npm_version(pkg) := substring(pkg, i + 1, -1) if {
	not startswith(pkg, "@")
	i := indexof(pkg, "@")
	i > 0
}

unpinned_reason("npm", pkg, _) := "no version" if not npm_version(pkg)

unpinned_reason("npm", pkg, _) := sprintf("`@%s` is not an exact version", [v]) if {
	v := npm_version(pkg)
	not exact_semver(v)
}

# uv and pipx: `name==version`; uvx also accepts `name@version`.
python_version(pkg) := substring(pkg, indexof(pkg, "==") + 2, -1) if contains(pkg, "==")

python_version(pkg) := substring(pkg, indexof(pkg, "@") + 1, -1) if {
	not contains(pkg, "==")
	contains(pkg, "@")
}

unpinned_reason(eco, pkg, _) := "no `==<version>`" if {
	eco in {"uv", "pipx"}
	not python_version(pkg)
}

unpinned_reason(eco, pkg, _) := sprintf("`%s` is not an exact version", [v]) if {
	eco in {"uv", "pipx"}
	v := python_version(pkg)
	not exact_python(v)
}

unpinned_reason("pipx", pkg, _) := "`pipx run` takes `==<version>`, not `@`" if {
	not contains(pkg, "==")
	contains(pkg, "@")
	exact_python(python_version(pkg))
}

# go run: only module queries (`pkg@version`) download code; `latest` or a branch is not pinned.
unpinned_reason("go", pkg, _) := sprintf("`@%s` is not a module version", [v]) if {
	contains(pkg, "@")
	parts := split(pkg, "@")
	v := parts[count(parts) - 1]
	not regex.match(`^v[0-9]+\.[0-9]+\.[0-9]+`, v)
}

unpinned_reason("dnx", pkg, a) := "no version" if {
	not contains(pkg, "@")
	not "--version" in a
}

unpinned_reason("dnx", pkg, _) := sprintf("`@%s` is not an exact version", [v]) if {
	contains(pkg, "@")
	v := substring(pkg, indexof(pkg, "@") + 1, -1)
	not exact_semver(v)
}
