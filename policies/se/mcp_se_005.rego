# METADATA
# title: Secret baked into the image
# description: >-
#   A secret ends up in the image that ships (the target stage and its
#   `FROM <stage>` ancestry), where anyone who can pull it reads it from the
#   image config or `docker history`: an `ENV` or `ARG` default with a
#   secret-named key and a literal value; `ENV SECRET=${ARG_OR_ENV}` (the build
#   value persists in the image config); a credential-shaped string in any
#   instruction; a `COPY`/`ADD` of `.env*`, `*.pem`, `*.key`, `*.p12`, `*.pfx`,
#   `id_rsa*` or `credentials*` files, or of an `.npmrc` of the build context
#   that holds a literal `_authToken`/`_auth`/`_password` (named as a source,
#   or copied with the context root `COPY . .` when `.dockerignore` does not
#   exclude it; `${NPM_TOKEN}` templates do not count); or a Compose
#   `build.args` secret consumed
#   by an `ARG` of a shipped stage (build arguments are recorded in the image
#   history). `RUN --mount=type=secret`, `*_FILE` paths, placeholder defaults
#   (built-in ones or the config's `placeholders`),
#   `.env.example`-style templates and ARGs of stages that are not ancestors of
#   the target do not count.
# custom:
#   id: MCP-SE-005
#   severity: HIGH
#   kinds: [compose_service, dockerfile]
#   remediation: >-
#     Pass build-time secrets with BuildKit secret mounts
#     (`RUN --mount=type=secret,id=npm_token …`, Compose `build.secrets`) and
#     runtime secrets as Compose secrets; never put them in ENV, ARG, or copied
#     files. Rotate any secret already pushed in an image.
#   references:
#     - CIS Docker Benchmark 4.10
#     - hadolint DL3064
#     - Trivy DS-0031
#     - Dockle CIS-DI-0010
#     - Docker build check SecretsUsedInArgOrEnv
#     - OWASP MCP Top 10 MCP01
package mcp_audit.se.mcp_se_005

import data.mcp_audit.lib.dockerfile
import data.mcp_audit.lib.result
import data.mcp_audit.se.secrets
import rego.v1

# Instructions of the stages that end up in the target image.
# (An array, not a set: a set of instruction objects costs a deep comparison per
# insertion.)
shipped := [i |
	some i in input.dockerfile.instructions
	i.in_chain
]

# ENV with a literal secret value.
deny contains r if {
	some [i, p] in shipped_env_pairs
	p.secret_name
	[k, v] := [p.name, p.value]
	not contains(v, "$")
	literal(v)
	r := result.with_evidence(sprintf("`ENV %s` in stage %q sets a literal secret value in the image config", [k, i.stage]), i, {"instruction": "ENV", "variable": k})
}

# ENV copying a build value into the image config. A file path built from a value
# (`/usr/src/app/$GOOGLE_CREDENTIALS`) says where the secret lives, not what it is.
deny contains r if {
	some [i, p] in shipped_env_pairs
	count(object.get(p, "refs", [])) > 0
	secret_ref(p)
	not regex.match(`^(/|\./|\.\./|~/)`, p.value)
	k := p.name
	refs := [ref.name | some ref in p.refs]
	r := result.with_evidence(sprintf("`ENV %s` in stage %q copies the build value of %s into the image config, where it persists", [k, i.stage, concat(", ", refs)]), i, {"instruction": "ENV", "variable": k, "references": refs})
}

# A credential-shaped string in any shipped instruction (ARG defaults below).
deny contains r if {
	some i in shipped
	i.keyword != "ARG"
	some kind in i.secrets
	r := result.with_evidence(sprintf("%s instruction in stage %q contains a %s credential", [i.keyword, i.stage, kind]), i, {"instruction": i.keyword, "kind": kind})
}

# ARG with a literal secret default, in a shipped stage.
deny contains r if {
	some a in input.dockerfile.args
	a.in_chain
	a.stage != ""
	baked_default(a)
	r := result.with_evidence(sprintf("`ARG %s` in stage %q has a literal secret default, recorded in the image history", [a.name, a.stage]), a.default, {"instruction": "ARG", "variable": a.name})
}

# A global ARG default that a shipped stage re-declares without a value of its own.
deny contains r if {
	some a in input.dockerfile.args
	a.stage == ""
	baked_default(a)
	some b in input.dockerfile.args
	b.name == a.name
	b.stage != ""
	b.in_chain
	b.default == null
	r := result.with_evidence(sprintf("global `ARG %s` has a literal secret default that stage %q inherits into the image history", [a.name, b.stage]), a.default, {"instruction": "ARG", "variable": a.name})
}

# COPY / ADD of secret files into a shipped stage.
deny contains r if {
	some keyword in ["COPY", "ADD"]
	some i in dockerfile.shipped(keyword)
	may_name_secret_file(i)
	some src in sources(i)
	secret_file(src)
	r := result.with_evidence(sprintf("`%s %s` in stage %q copies a secret file into the image", [i.keyword, src, i.stage]), i, {"instruction": i.keyword, "source": src})
}

# A build-context file with a registry credential that a COPY/ADD of a shipped stage
# copies (mcp-audit reads the context: an `.npmrc` with a literal `_authToken`).
deny contains r if {
	some c in object.get(input.dockerfile, "copied_secrets", [])
	i := input.dockerfile.instructions[c.inst]
	i.in_chain
	r := result.with_evidence(
		sprintf("`%s %s` in stage %q copies %s into the image, and it holds an npm registry credential (`%s`)", [i.keyword, c.source, i.stage, c.file, c.key]),
		{"loc": i.loc, "from": [c.loc]},
		{"instruction": i.keyword, "source": c.source, "file": c.file, "key": c.key},
	)
}

# Compose `build.args` secret consumed by an ARG of a shipped stage.
deny contains r if {
	some k, v in input.service.build.args
	secrets.carries_secret(k, v)
	some a in input.dockerfile.args
	a.name == k
	a.stage != ""
	a.in_chain
	r := result.with_evidence(
		sprintf("service %q passes secret build arg %s to `ARG %s` of shipped stage %q: build args are recorded in the image history", [input.unit.name, k, k, a.stage]),
		secrets.node(v),
		{"build_arg": k, "stage": a.stage, "feeds_env": feeds_env(k)},
	)
}

# KEY=VALUE pairs of an ENV instruction (or the legacy `ENV KEY value`), values
# unquoted: mcp-audit lists them as `pairs`, with whether the key names a secret
# and the variables the value references (`refs`: `$X`, `${X}`, `${X:-…}`, each with
# whether its name names a secret).
env_pairs(i) := object.get(i, "pairs", []) if count(object.get(i, "secrets", [])) == 0

# Each pair of the shipped ENV instructions with its instruction, gathered once for
# the rules that read them.
shipped_env_pairs := [[i, p] |
	some i in dockerfile.shipped("ENV")
	some p in env_pairs(i)
]

# The pair's key, or a variable its value references, names a secret.
secret_ref(p) if p.secret_name

secret_ref(p) if {
	some ref in p.refs
	ref.secret_name
}

literal(v) if {
	v != ""
	not secrets.reference_text(v)
	not secrets.placeholder_text(v)
}

# mcp-audit masks secret values in instruction text with `*` (same length) before
# evaluation, so a fully masked value is a literal secret that was written there.
literal(v) if regex.match(`^[*]+$`, v)

baked_default(a) if {
	a.default.secret.credential
}

baked_default(a) if {
	a.secret_name
	secrets.value_class(a.name, a.default) == "literal"
}

# Source operands of COPY/ADD (the last operand is the destination).
sources(i) := array.slice(ops, 0, count(ops) - 1) if {
	count(object.get(i, "heredocs", [])) == 0
	ops := operands(i)
}

operands(i) := i.words if i.form == "exec"

operands(i) := [w | some w in split(i.text, " "); w != ""] if i.form != "exec"

secret_file(path) if {
	name := lower(secrets.base_name(path))
	possibly_secret_file(name)
	regex.match(`^\.env($|\.)|\.(pem|key|p12|pfx)$|^id_(rsa|dsa|ecdsa|ed25519)|^credentials`, name)
	not regex.match(`\.(pub|example|sample|template|dist|defaults)$`, name)
}

# Cheaper still, per instruction: an operand can name a secret file (below) only if
# the operands' text holds one of the telltale parts of such a name (a file name is
# the end of its operand).
may_name_secret_file(i) if {
	text := lower(operand_text(i))
	some part in [".env", "id_", "credentials", ".pem", ".key", ".p12", ".pfx"]
	contains(text, part)
}

operand_text(i) := concat(" ", i.words) if i.form == "exec"

operand_text(i) := i.text if i.form != "exec"

# Cheap tests first: most copied files are not secret-named, and a regex costs more.
possibly_secret_file(name) if strings.any_prefix_match(name, [".env", "id_", "credentials"])

possibly_secret_file(name) if strings.any_suffix_match(name, [".pem", ".key", ".p12", ".pfx"])

feeds_env(k) if {
	some [_, p] in shipped_env_pairs
	some ref in object.get(p, "refs", [])
	ref.name == k
} else := false
