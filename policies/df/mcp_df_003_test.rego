package mcp_audit.df.mcp_df_003_test

import data.mcp_audit.df.mcp_df_003
import data.mcp_audit.lib.testing
import rego.v1

l := {"file": "Dockerfile", "line": 9, "col": 1, "end_line": 9, "end_col": 9}

user(value, resolved, indeterminate) := {
	"value": value, "resolved": resolved, "uid": split(resolved, ":")[0],
	"root": false, "indeterminate": indeterminate, "source": "USER", "stage": "runtime", "loc": l,
}

run(text, in_chain) := {"keyword": "RUN", "text": text, "calls": mcp_audit_shell_calls(text), "form": "shell", "flags": [], "stage": "base", "in_chain": in_chain, "loc": l}

doc(u, instructions) := {"kind": "dockerfile", "unit": {"name": "Dockerfile"}, "dockerfile": {
	"base_image": "node:20-alpine", "user": u, "instructions": instructions, "programs": testing.programs(instructions),
}}

test_unresolved_arg_without_default if {
	rs := mcp_df_003.deny with input as doc(user("${UID}", "", true), [])
	some r in rs
	contains(r.msg, "`UID`")
	contains(r.msg, "does not resolve")
}

test_global_arg_not_redeclared_expands_empty if {
	d := doc(user("${UID}", "", true), [])
	global := {"name": "UID", "default": {"value": "1001"}, "stage": "", "in_chain": true, "loc": l}
	rs := mcp_df_003.deny with input as object.union(d, {"dockerfile": {"args": [global]}})
	some r in rs
	contains(r.msg, "global ARG `UID` is not re-declared")
}

test_empty_expansion_counts_as_unresolved if {
	count(mcp_df_003.deny) == 1 with input as doc(user("${UID}", "", false), [])
}

test_unresolved_from_unset_compose_build_arg_is_skipped if {
	d := object.union(doc(user("${UID}", "", false), []), {"kind": "compose_service", "service": {"build": {"args": {"UID": {"value": "", "indeterminate": true}}}}})
	count(mcp_df_003.deny) == 0 with input as d
}

test_in_stage_arg_resolves_numeric if {
	count(mcp_df_003.deny) == 0 with input as doc(user("${UID}", "1001", false), [])
}

test_numeric_uid_passes if {
	count(mcp_df_003.deny) == 0 with input as doc(user("1001:1001", "1001:1001", false), [])
}

test_unknown_named_account if {
	rs := mcp_df_003.deny with input as doc(user("mcp", "mcp", false), [run("pip install -r requirements.txt", true)])
	some r in rs
	contains(r.msg, "unable to find user")
	r.evidence.account == "mcp"
}

test_account_created_in_ancestor if {
	count(mcp_df_003.deny) == 0 with input as doc(user("mcp", "mcp", false), [run("addgroup -g 1001 -S mcp && adduser -S mcp -u 1001", true)])
}

test_useradd_with_group_option if {
	count(mcp_df_003.deny) == 0 with input as doc(user("mcp:mcp", "mcp:mcp", false), [run("groupadd -r -g 1001 mcp && useradd -r -u 1001 -g mcp -d /app mcp", true)])
}

test_group_option_value_is_not_the_account if {
	count(mcp_df_003.deny) == 1 with input as doc(user("mcp", "mcp", false), [run("useradd -r -g mcp agent", true)])
}

test_account_created_in_non_ancestor_stage_does_not_count if {
	count(mcp_df_003.deny) == 1 with input as doc(user("mcp", "mcp", false), [run("adduser -D mcp", false)])
}

test_account_in_other_command_segment_does_not_count if {
	count(mcp_df_003.deny) == 1 with input as doc(user("mcp", "mcp", false), [run("adduser -D agent && mkdir /home/mcp", true)])
}

test_account_created_through_variable if {
	count(mcp_df_003.deny) == 0 with input as doc(user("${APP_USER}", "mcp", false), [run("adduser -D \"${APP_USER}\"", true)])
}

test_account_created_in_heredoc if {
	inst := object.union(run("<<EOF", true), {"heredocs": ["set -e\nuseradd --system --uid 1001 mcp\n"], "calls": mcp_audit_shell_calls("set -e\nuseradd --system --uid 1001 mcp\n")})
	count(mcp_df_003.deny) == 0 with input as doc(user("mcp", "mcp", false), [inst])
}

test_passwd_write if {
	count(mcp_df_003.deny) == 0 with input as doc(user("mcp", "mcp", false), [run("echo \"mcp:x:1001:1001::/app:/sbin/nologin\" >> /etc/passwd", true)])
}

test_passwd_copied if {
	inst := {"keyword": "COPY", "text": "/etc/passwd /etc/passwd", "form": "shell", "flags": [{"name": "from", "value": "build"}], "stage": "runtime", "in_chain": true, "loc": l}
	count(mcp_df_003.deny) == 0 with input as doc(user("mcp", "mcp", false), [inst])
}

test_known_base_accounts if {
	every name in ["node", "nonroot", "nobody", "app"] {
		count(mcp_df_003.deny) == 0 with input as doc(user(name, name, false), [])
	}
}

on_base(name, base) := object.union(doc(user(name, name, false), []), {"dockerfile": {"base_image": base}})

test_accounts_of_official_base_images if {
	count(mcp_df_003.deny) == 0 with input as on_base("postgres", "postgres:16.4-alpine")
	count(mcp_df_003.deny) == 0 with input as on_base("postgres", "postgres:-alpine")
	count(mcp_df_003.deny) == 0 with input as on_base("nginx", "docker.io/library/nginx:1.27@sha256:0000000000000000000000000000000000000000000000000000000000000000")
	count(mcp_df_003.deny) == 0 with input as on_base("jenkins", "jenkins/jenkins:2.479.1-lts")
	count(mcp_df_003.deny) == 0 with input as on_base("jovyan", "quay.io/jupyter/scipy-notebook:2024-10-07")
	count(mcp_df_003.deny) == 0 with input as on_base("seluser", "selenium/standalone-chrome:131.0")
	count(mcp_df_003.deny) == 1 with input as on_base("postgres", "node:20-alpine")
	count(mcp_df_003.deny) == 1 with input as on_base("jovyan", "python:3.12-slim")
	count(mcp_df_003.deny) == 1 with input as on_base("localhost", "localhost:5000/idp/base:1")
}

test_accounts_configured_for_the_base_image if {
	d := object.union(on_base("mcp", "localhost:5000/idp/base-python:3.12"), {"dockerfile": {"base_accounts": ["mcp", "svc"]}})
	count(mcp_df_003.deny) == 0 with input as d
	rs := mcp_df_003.deny with input as on_base("mcp", "localhost:5000/idp/base-python:3.12")
	some r in rs
	contains(r.msg, "(`base_images` in .mcp-audit.yaml can list it)")
}

test_default_user_not_judged if {
	u := object.union(user("root", "root", false), {"source": "default", "root": true})
	count(mcp_df_003.deny) == 0 with input as doc(u, [])
}

test_not_applicable_without_dockerfile if {
	not mcp_df_003.applicable with input as {"kind": "compose_service", "dockerfile": null}
}
