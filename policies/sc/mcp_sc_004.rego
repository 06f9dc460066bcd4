# METADATA
# title: Unpinned dependencies or remote code at build time
# description: >-
#   A build step of the target stage's ancestry pulls code that is not pinned:
#   `curl`/`wget … | sh` (remote code execution at build time), `ADD
#   http(s)://…` without `--checksum`, `npm install -g <pkg>` or
#   `npm install <pkg>` without an exact version (ARG defaults such as
#   `ARG CLI_VERSION=latest` are resolved), a bare `npm install` with no
#   lockfile copied into the image, `pip install <pkg>` without `==<version>`
#   (the pip/setuptools/wheel toolchain aside) or from a VCS URL with no
#   `@<ref>` (`git+https://…/repo.git`), `uv sync` without `--locked` or
#   `--frozen`, `go install pkg@latest`, and `go get <module>` with no
#   `@v1.2.3` version (it takes the latest). Global options may come before
#   the subcommand (`npm -g install`, `pip --no-cache-dir install`). `npm ci`,
#   `uv sync --locked`, `pip install --require-hashes`, requirement files and
#   `ADD --checksum` pass. Stages that are not ancestors of the target are not
#   checked.
# custom:
#   id: MCP-SC-004
#   severity: LOW
#   kinds: [dockerfile, compose_service]
#   remediation: >-
#     Install from lockfiles (`npm ci`, `uv sync --locked`, hashed
#     requirements with `pip install --require-hashes -r`), pin exact versions,
#     and download files with `ADD --checksum=sha256:…` (or verify a checksum
#     or signature) instead of piping them into a shell.
#   references:
#     - CIS Docker Benchmark 4.11
#     - hadolint DL3013, DL3016, DL3020, DL3062
#     - "KICS: NPM Install Command Without Pinned Version"
#     - "KICS: Unpinned Package Version in Pip Install"
#     - OWASP MCP Top 10 MCP04
package mcp_audit.sc.mcp_sc_004

import data.mcp_audit.lib.dockerfile
import data.mcp_audit.lib.result
import rego.v1

applicable if is_object(input.dockerfile)

deny contains r if {
	some issue in issues
	inst := issue.inst
	r := result.with_evidence(
		sprintf("%s in stage %q %s", [inst.keyword, inst.stage, issue.msg]),
		inst,
		{"kind": issue.kind, "item": issue.item},
	)
}

# COPY or ADD instructions of the target's ancestry. RUN instructions are reached
# through `programs` below.
adds := dockerfile.shipped("ADD")

copies := array.concat(dockerfile.shipped("COPY"), adds)

scripts(inst) := array.concat([inst.text], object.get(inst, "heredocs", []))

# The runs of a program by RUN instructions of the target's ancestry, from the index
# mcp-audit builds (`input.dockerfile.programs`: name → {args, inst, stage, in_chain}).
program_runs(name) := [run |
	some run in object.get(input.dockerfile.programs, name, [])
	run.in_chain
]

# The arguments after a run's subcommand (`npm install …` → `…`).
sub_args(run) := array.slice(run.args, 1, count(run.args))

# A run's subcommand (its first positional) and its other words, the global options
# before it included: `npm -g install x` → ["install", ["-g", "x"]], as
# `npm install -g x`; `pip --no-cache-dir install x` likewise.
subcommand(run, value_opts) := [run.args[j], array.concat(array.slice(run.args, 0, j), array.slice(run.args, j + 1, count(run.args)))] if {
	j := positional_indices(run.args, value_opts)[0]
}

# Non-option words, skipping the values of options that take one.
positionals(a, value_opts) := [a[j] | some j in positional_indices(a, value_opts)]

positional_indices(a, value_opts) := [j |
	some j, w in a
	not startswith(w, "-")
	not after_value_option(a, j, value_opts)
]

after_value_option(a, j, value_opts) if {
	j > 0
	a[j - 1] in value_opts
}

# Variables, local paths and URLs are not registry packages.
local_or_variable(pkg) if startswith(pkg, ".")

local_or_variable(pkg) if startswith(pkg, "/")

local_or_variable(pkg) if startswith(pkg, "~")

local_or_variable(pkg) if contains(pkg, ":")

local_or_variable(pkg) if contains(pkg, "$")

# --- curl | sh

# The RUN instructions that run curl or wget (from the programs index): only their
# text goes through the regexes below.
downloading_runs := [input.dockerfile.instructions[i] |
	some i in {run.inst | some p in ["curl", "wget"]; some run in program_runs(p)}
]

shells := `(sh|bash|zsh|ash|dash|ksh|python[0-9.]*|perl|ruby|node)`

pipe_to_shell := concat("", [`(curl|wget)[^|;&\n]*\|[ \t]*(sudo([ \t]+-[A-Za-z]+)*[ \t]+)?([^ \t|;&]*/)?`, shells, `([ \t\r\n]|$)`])

shell_of_download := concat("", [shells, `[ \t]+(-c[ \t]+)?["']?(\$\(|<\()[ \t]*(curl|wget)`])

issues contains {
	"inst": inst,
	"kind": "remote-code",
	"item": "curl | sh",
	"msg": "pipes a download into a shell (`curl … | sh`): remote code execution at build time, with no checksum or signature check",
} if {
	some inst in downloading_runs
	some script in scripts(inst)
	regex.match(pipe_to_shell, script)
}

issues contains {
	"inst": inst,
	"kind": "remote-code",
	"item": "sh -c $(curl …)",
	"msg": "runs a downloaded script (`sh -c \"$(curl …)\"`): remote code execution at build time, with no checksum or signature check",
} if {
	some inst in downloading_runs
	some script in scripts(inst)
	regex.match(shell_of_download, script)
}

# --- ADD http(s)://

issues contains {
	"inst": inst,
	"kind": "remote-file",
	"item": src,
	"msg": sprintf("downloads %q without `--checksum=sha256:…`", [src]),
} if {
	some inst in adds
	not has_flag(inst, "checksum")
	ws := regex.split(`[ \t]+`, trim_space(inst.text))
	some i, src in ws
	i < count(ws) - 1
	regex.match(`^https?://`, src)
}

has_flag(inst, name) if {
	some f in inst.flags
	f.name == name
}

# --- npm

npm_value_options := {"--prefix", "--registry", "--cache", "--omit", "--include", "--tag", "-w", "--workspace", "--userconfig"}

npm_installs contains [run.inst, a] if {
	some run in program_runs("npm")
	[sub, a] := subcommand(run, npm_value_options)
	sub in {"install", "i", "add", "isntall", "in"}
}

issues contains {
	"inst": inst,
	"kind": "npm",
	"item": pkg,
	"msg": sprintf("installs npm package %q without an exact version (%s)", [pkg, why]),
} if {
	some [idx, a] in npm_installs
	inst := input.dockerfile.instructions[idx]
	some written in positionals(a, npm_value_options)
	pkg := expand(written, inst.stage)
	not local_or_variable(pkg)
	why := npm_unpinned(pkg)
}

issues contains {
	"inst": inst,
	"kind": "npm",
	"item": "npm install",
	"msg": "runs `npm install` with no lockfile copied into the image (use `npm ci` with package-lock.json)",
} if {
	some [idx, a] in npm_installs
	inst := input.dockerfile.instructions[idx]
	count(positionals(a, npm_value_options)) == 0
	not lockfile_copied
}

lockfile_copied if {
	some c in copies
	some pattern in ["package-lock.json", "npm-shrinkwrap.json", "package*.json", "*.json"]
	contains(c.text, pattern)
}

# `COPY . .` copies the whole context, lockfile included if there is one.
lockfile_copied if {
	some c in copies
	ws := regex.split(`[ \t]+`, trim_space(c.text))
	some src in array.slice(ws, 0, count(ws) - 1)
	src in {".", "./"}
}

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

npm_unpinned(pkg) := "no version" if not npm_version(pkg)

npm_unpinned(pkg) := sprintf("`@%s`", [v]) if {
	v := npm_version(pkg)
	not regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`, v)
}

# `${VERSION}` in a package spec, from Compose build args or the stage's ARG default.
expand(word, _) := word if not contains(word, "$")

expand(word, stage) := out if {
	contains(word, "$")
	vars := regex.find_all_string_submatch_n(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`, word, -1)
	count(vars) == 1
	value := arg_value(vars[0][1], stage)
	out := replace(word, vars[0][0], value)
}

arg_value(name, _) := v.value if {
	v := input.service.build.args[name]
	not v.indeterminate
}

arg_value(name, stage) := a.default.value if {
	not input.service.build.args[name]
	some a in input.dockerfile.args
	a.name == name
	a.stage == stage
	is_object(a.default)
}

# --- pip

pip_value_options := {
	"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
	"--extra-index-url", "-t", "--target", "--prefix", "--root", "-f", "--find-links",
	"--trusted-host", "--platform", "--python-version", "--implementation", "--abi",
	"--only-binary", "--no-binary", "--progress-bar", "--upgrade-strategy", "--cache-dir", "--src",
	"--proxy", "--timeout", "--retries", "--log", "--cert", "--client-cert", "--exists-action",
}

# The build toolchain itself is left to hadolint DL3013.
pip_toolchain := {"pip", "setuptools", "wheel"}

pip_installs contains [run.inst, a] if {
	some name, _ in input.dockerfile.programs
	startswith(name, "pip")
	regex.match(`^pip[0-9.]*$`, name)
	some run in program_runs(name)
	["install", a] := subcommand(run, pip_value_options)
}

# `uv pip install`
pip_installs contains [run.inst, array.slice(run.args, 2, count(run.args))] if {
	some run in program_runs("uv")
	run.args[0] == "pip"
	run.args[1] == "install"
}

issues contains {
	"inst": inst,
	"kind": "pip",
	"item": pkg,
	"msg": sprintf("installs Python package %q without `==<version>`", [pkg]),
} if {
	some [idx, a] in pip_installs
	inst := input.dockerfile.instructions[idx]
	not "--require-hashes" in a
	some pkg in positionals(a, pip_value_options)
	not local_or_variable(pkg)
	not contains(pkg, "/")
	not pip_pinned(pkg)
	not lower(regex.replace(pkg, `[\[<>=!~;].*$`, "")) in pip_toolchain
}

issues contains {
	"inst": inst,
	"kind": "pip",
	"item": pkg,
	"msg": sprintf("installs Python package from %q, a VCS URL with no `@<ref>`: whatever its default branch holds at build time", [pkg]),
} if {
	some [idx, a] in pip_installs
	inst := input.dockerfile.instructions[idx]
	some pkg in positionals(a, pip_value_options)
	regex.match(`^(git|hg|svn|bzr)\+[A-Za-z]+://`, pkg)
	not regex.match(`^[A-Za-z]+\+[A-Za-z]+://[^/]*/[^#]*@`, pkg)
}

pip_pinned(pkg) if {
	parts := split(pkg, "==")
	count(parts) == 2
	v := trim_prefix(parts[1], "=")
	v != ""
	not contains(v, "*")
	not contains(v, ",")
}

# --- uv sync

issues contains {
	"inst": inst,
	"kind": "uv",
	"item": "uv sync",
	"msg": "runs `uv sync` without `--locked` or `--frozen`, so the lockfile may be re-resolved",
} if {
	some run in program_runs("uv")
	run.args[0] == "sync"
	inst := input.dockerfile.instructions[run.inst]
	a := sub_args(run)
	count({"--locked", "--frozen"} & {x | some x in a}) == 0
}

# --- go install pkg@latest, go get pkg (at no version or a moving one)

issues contains {
	"inst": inst,
	"kind": "go",
	"item": pkg,
	"msg": sprintf("installs %q: `@%s` is not a module version", [pkg, v]),
} if {
	some run in program_runs("go")
	run.args[0] in {"install", "get"}
	inst := input.dockerfile.instructions[run.inst]
	some pkg in positionals(sub_args(run), set())
	contains(pkg, "@")
	parts := split(pkg, "@")
	v := parts[count(parts) - 1]
	not go_fixed_version(v)
}

# A release or pseudo-version (`v1.2.3`, `v0.0.0-2024…-abcdef123456`), or a commit
# hash, which Go resolves to its pseudo-version. Branches and `latest` move.
go_fixed_version(v) if regex.match(`^v[0-9]+\.[0-9]+\.[0-9]+`, v)

go_fixed_version(v) if regex.match(`^[0-9a-f]{7,40}$`, v)

# `go get <module path>` with no `@version` fetches the latest (`@upgrade`), in
# GOPATH and module mode alike. `go install` without a version builds what go.mod
# pins, and local patterns (`./...`, `.`) name the build's own packages.
issues contains {
	"inst": inst,
	"kind": "go",
	"item": pkg,
	"msg": sprintf("fetches %q with no version: `go get` takes the latest", [pkg]),
} if {
	some run in program_runs("go")
	run.args[0] == "get"
	inst := input.dockerfile.instructions[run.inst]
	some pkg in positionals(sub_args(run), set())
	not contains(pkg, "@")
	regex.match(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/`, pkg)
}
