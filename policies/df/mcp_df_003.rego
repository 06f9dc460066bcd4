# METADATA
# title: USER cannot be resolved or refers to an unknown account
# description: >-
#   The USER of the Dockerfile's target stage (followed through its
#   `FROM <stage>` ancestry) cannot work: `USER ${X}` where X has no value in
#   the stage (no in-stage `ARG X=…`/`ENV X=…`, no `build.args`; a global ARG
#   that is not re-declared inside the stage expands to an empty string), or a
#   named account that no stage of the ancestry creates (`adduser`, `useradd`,
#   an `/etc/passwd` write or copy) and that is not a known base-image account
#   (`node`, `nonroot`, `nobody`, `app`…; the service account an official
#   image creates, named like its repository: `postgres` on `postgres:16`; the
#   account a namespace's images share: `jovyan` on `jupyter/*`; the accounts
#   `base_images` of `.mcp-audit.yaml` lists for the base image). The container
#   then fails with "unable to find user". Numeric uids need no passwd entry
#   and pass.
# custom:
#   id: MCP-DF-003
#   severity: LOW
#   kinds: [dockerfile, compose_service]
#   remediation: >-
#     Declare `ARG UID=1001` inside the stage (or pass it in `build.args`) and
#     create the account in the runtime stage or an ancestor
#     (`adduser -S -u 1001 mcp`), or use a numeric uid (`USER 1001:1001`).
#   references:
#     - hadolint DL3066
#     - Dockerfile reference, ARG scope
package mcp_audit.df.mcp_df_003

import data.mcp_audit.lib.image
import data.mcp_audit.lib.result
import rego.v1

applicable if is_object(input.dockerfile)

# Accounts that common base images already provide.
known_accounts := {"root", "nobody", "nonroot", "node", "app", "daemon", "bin", "www-data"}

# Options of adduser/useradd that take a value (the value is not the account name).
value_options := {
	"-u", "--uid", "-g", "--gid", "-G", "--groups", "--ingroup", "-h", "-d",
	"--home", "--home-dir", "-s", "--shell", "-c", "--comment", "--gecos",
	"-k", "--skel", "-K", "--key", "-e", "--expiredate", "-f", "--inactive",
	"-p", "--password", "-R", "--root", "-b", "--base-dir", "-Z",
	"--selinux-user", "--firstuid", "--lastuid", "--conf",
}

deny contains r if {
	u := stage_user
	unresolved(u)
	not fed_by_indeterminate_build_arg(u)
	r := result.with_evidence(
		sprintf(
			"`USER %s` in stage %q does not resolve to a user: %s",
			[u.value, u.stage, unresolved_reason(u)],
		),
		u,
		{"user": u.value, "stage": u.stage},
	)
}

deny contains r if {
	u := stage_user
	not unresolved(u)
	name := u.uid
	not regex.match(`^[0-9]+$`, name)
	not name in known_accounts
	not name in object.get(input.dockerfile, "base_accounts", [])
	not base_account(name)
	not created_in_chain(name, u.value)
	r := result.with_evidence(
		sprintf(
			"`USER %s` in stage %q names account %q, which no stage of the target's ancestry creates (no adduser/useradd or /etc/passwd write) and which base image %q is not known to provide (`base_images` in .mcp-audit.yaml can list it); the container would fail with \"unable to find user\"",
			[u.value, u.stage, name, input.dockerfile.base_image],
		),
		u,
		{"user": u.value, "account": name, "stage": u.stage},
	)
}

# Accounts official images create for their service: one named like the base
# image's repository (`FROM postgres:16` … `USER postgres`; nginx, redis, mysql,
# jenkins/jenkins, grafana/grafana…), or the one a namespace's images share.
base_account(name) if name == base_path[count(base_path) - 1]

base_account(name) if {
	some part in base_path
	name == namespace_accounts[part]
}

namespace_accounts := {"jupyter": "jovyan", "selenium": "seluser", "mongo": "mongodb", "memcached": "memcache", "jboss": "jboss", "ocaml": "opam"}

# The base image's repository path, without tag and digest
# (`docker.io/jupyter/base-notebook:x` → ["docker.io", "jupyter", "base-notebook"]).
base_path := array.concat(array.slice(parts, 0, n - 1), [split(parts[n - 1], ":")[0]]) if {
	parts := split(image.undigested(input.dockerfile.base_image), "/")
	n := count(parts)
}

# The USER instruction that wins in the target stage's ancestry (not a default).
stage_user := u if {
	u := input.dockerfile.user
	u.source == "USER"
}

unresolved(u) if u.indeterminate

unresolved(u) if trim_space(u.uid) == ""

vars(s) := {m[1] | some m in regex.find_all_string_submatch_n(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`, s, -1)}

# Variables declared only by a global ARG (before the first FROM): not visible in the stage.
global_only(u) := {v |
	some v in vars(u.value)
	some a in input.dockerfile.args
	a.name == v
	a.stage == ""
	not declared_in_chain(v)
}

declared_in_chain(v) if {
	some a in input.dockerfile.args
	a.name == v
	a.stage != ""
	a.in_chain
}

unresolved_reason(u) := sprintf("the global ARG %s is not re-declared inside the stage, so it expands to an empty string", [names(global_only(u))]) if {
	count(global_only(u)) > 0
}

unresolved_reason(u) := sprintf("%s has no default in an in-stage ARG or ENV and no build arg", [names(vars(u.value))]) if {
	count(global_only(u)) == 0
	count(vars(u.value)) > 0
}

unresolved_reason(u) := "it expands to an empty string" if count(vars(u.value)) == 0

names(vs) := concat(", ", [sprintf("`%s`", [v]) | some v in vs])

# A Compose build arg that itself is an unresolved variable: MCP-EC-004's business.
fed_by_indeterminate_build_arg(u) if {
	some v in vars(u.value)
	input.service.build.args[v].indeterminate == true
}

chain_instructions := [inst |
	some inst in input.dockerfile.instructions
	inst.in_chain
]

scripts(inst) := array.concat([inst.text], object.get(inst, "heredocs", []))

# Shell words, with command separators turned into ";" tokens.
tokens(s) := [w |
	some raw in regex.split(`[ \t\r\n]+`, regex.replace(s, `&&|\|\||[;|()\n]`, " ; "))
	w := trim(raw, "\"'`")
	w != ""
]

command_name(w) := parts[count(parts) - 1] if parts := split(w, "/")

# Words that name the account in an adduser/useradd command (mcp-audit indexes the
# programs RUN instructions run, with their arguments, in `programs`).
created_names contains name if {
	some program in ["adduser", "useradd"]
	some run in object.get(input.dockerfile.programs, program, [])
	run.in_chain
	some j, name in run.args
	not startswith(name, "-")
	not after_value_option(run.args, j)
}

after_value_option(ws, j) if {
	j > 0
	ws[j - 1] in value_options
}

created_in_chain(name, _) if name in created_names

# `adduser ${APP_USER}` creates whatever `USER ${APP_USER}` resolves to.
created_in_chain(_, written) if {
	some created in created_names
	count(vars(created) & vars(written)) > 0
}

# `echo "mcp:x:1001:1001::/app:/sbin/nologin" >> /etc/passwd`
created_in_chain(name, _) if {
	some inst in chain_instructions
	inst.keyword == "RUN"
	some script in scripts(inst)
	contains(script, "/etc/passwd")
	some w in tokens(script)
	startswith(w, concat("", [name, ":"]))
}

# `COPY --from=build /etc/passwd /etc/passwd`: the accounts are not visible here.
created_in_chain(_, _) if {
	some inst in chain_instructions
	inst.keyword in {"COPY", "ADD"}
	contains(inst.text, "/etc/passwd")
}
