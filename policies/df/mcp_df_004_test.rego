package mcp_audit.df.mcp_df_004_test

import data.mcp_audit.df.mcp_df_004
import rego.v1

l := {"file": "Dockerfile", "line": 12, "col": 1, "end_line": 12, "end_col": 25}

start(form, value) := {"form": form, "value": value, "words": [], "stage": "runtime", "loc": l}

exec(words) := object.union(start("exec", concat(" ", words)), {"words": words})

df(entrypoint, cmd) := {"kind": "dockerfile", "unit": {"name": "Dockerfile"}, "dockerfile": {"entrypoint": entrypoint, "cmd": cmd}}

svc(entrypoint, cmd, service) := {
	"kind": "compose_service", "unit": {"name": "fetch"},
	"service": object.union({"entrypoint": null, "command": null, "init": null}, service),
	"dockerfile": {"entrypoint": entrypoint, "cmd": cmd},
}

test_shell_form_entrypoint if {
	rs := mcp_df_004.deny with input as df(start("shell", "node index.js"), null)
	some r in rs
	contains(r.msg, "`ENTRYPOINT node index.js`")
}

test_shell_form_cmd_without_entrypoint if {
	rs := mcp_df_004.deny with input as df(null, start("shell", "python -m mcp_server_fetch"))
	some r in rs
	contains(r.msg, "`CMD python -m mcp_server_fetch`")
}

# `node index.js /bin/sh -c --stdio`: the server gets the wrong arguments.
test_shell_form_cmd_under_exec_entrypoint if {
	rs := mcp_df_004.deny with input as df(exec(["node", "index.js"]), start("shell", "--stdio"))
	count(rs) == 1
	some r in rs
	contains(r.msg, "`ENTRYPOINT node index.js` with shell-form `CMD --stdio`")
	contains(r.msg, "`/bin/sh -c '--stdio'`")
	r.evidence.entrypoint_form == "exec"
}

test_exec_form_cmd_under_exec_entrypoint_passes if {
	count(mcp_df_004.deny) == 0 with input as df(exec(["node", "index.js"]), exec(["--stdio"]))
}

# tini runs `/bin/sh -c …` as its child and forwards signals to it.
test_shell_form_cmd_under_init_entrypoint_passes if {
	count(mcp_df_004.deny) == 0 with input as df(exec(["/usr/bin/tini", "--"]), start("shell", "jupyter notebook --ip=0.0.0.0"))
}

test_shell_form_cmd_under_exec_entrypoint_replaced_by_compose if {
	count(mcp_df_004.deny) == 0 with input as svc(exec(["node", "index.js"]), start("shell", "--stdio"), {"command": {"value": "--stdio"}})
}

test_exec_form_passes if {
	count(mcp_df_004.deny) == 0 with input as df(null, start("exec", "node index.js"))
}

test_shell_form_with_exec_passes if {
	count(mcp_df_004.deny) == 0 with input as df(null, start("shell", "exec node index.js"))
	count(mcp_df_004.deny) == 0 with input as df(null, start("shell", "cd /app && exec node index.js"))
}

test_exec_inside_a_word_does_not_count if {
	count(mcp_df_004.deny) == 1 with input as df(null, start("shell", "node executor.js"))
}

test_init_entrypoints_pass if {
	every v in ["tini -- node index.js", "/usr/bin/dumb-init node index.js", "docker-init -- node index.js"] {
		count(mcp_df_004.deny) == 0 with input as df(start("shell", v), null)
	}
}

test_compose_init_passes if {
	count(mcp_df_004.deny) == 0 with input as svc(start("shell", "node index.js"), null, {"init": {"value": true}})
}

test_compose_init_false_still_fails if {
	rs := mcp_df_004.deny with input as svc(start("shell", "node index.js"), null, {"init": {"value": false}})
	some r in rs
	contains(r.msg, "service \"fetch\"")
}

test_compose_entrypoint_replaces_it if {
	count(mcp_df_004.deny) == 0 with input as svc(start("shell", "node index.js"), null, {"entrypoint": {"value": "node index.js"}})
}

test_compose_command_replaces_cmd if {
	count(mcp_df_004.deny) == 0 with input as svc(null, start("shell", "node index.js"), {"command": {"value": "node index.js --stdio"}})
}

test_compose_command_does_not_replace_shell_entrypoint if {
	count(mcp_df_004.deny) == 1 with input as svc(start("shell", "node index.js"), null, {"command": {"value": "--stdio"}})
}

test_no_entrypoint_or_cmd if {
	count(mcp_df_004.deny) == 0 with input as df(null, null)
}
