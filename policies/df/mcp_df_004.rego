# METADATA
# title: Server process started with shell-form ENTRYPOINT/CMD
# description: >-
#   The effective ENTRYPOINT of the Dockerfile's target stage (or its CMD when
#   there is no ENTRYPOINT), followed through the `FROM <stage>` ancestry, is
#   in shell form (`ENTRYPOINT node index.js`). `/bin/sh -c` then runs as PID 1:
#   SIGTERM is not forwarded to the server and the stdio JSON-RPC stream passes
#   through a shell. Also a shell-form CMD under an exec-form ENTRYPOINT:
#   Docker appends it as `/bin/sh -c '…'`, so the entrypoint gets those
#   arguments instead, and an entrypoint script that runs "$@" starts the
#   server under a shell. Exec form, a shell form that `exec`s the server, an init
#   (`tini`, `dumb-init`, `docker-init`), Compose `init: true`, or a Compose
#   `entrypoint:`/`command:` that replaces the instruction do not trigger.
# custom:
#   id: MCP-DF-004
#   severity: LOW
#   kinds: [dockerfile, compose_service]
#   remediation: >-
#     Use the JSON exec form (`ENTRYPOINT ["node", "index.js"]`), and add
#     `init: true` in Compose (or tini) for long-running servers.
#   references:
#     - hadolint DL3025
#     - "KICS: Not Using JSON In CMD And ENTRYPOINT Arguments"
#     - docker/mcp-gateway runs servers with --init
package mcp_audit.df.mcp_df_004

import data.mcp_audit.lib.result
import rego.v1

applicable if is_object(input.dockerfile)

init_programs := {"tini", "tini-static", "dumb-init", "docker-init"}

deny contains r if {
	some [keyword, c] in start_instruction
	c.form == "shell"
	not execs(c.value)
	not starts_init(c.value)
	not input.service.init.value == true
	r := result.with_evidence(
		sprintf(
			"%s the server with shell-form `%s %s` (stage %q): `/bin/sh -c` runs as PID 1 and does not forward SIGTERM",
			[subject, keyword, c.value, c.stage],
		),
		c,
		{"instruction": keyword, "form": c.form, "stage": c.stage},
	)
}

# A shell-form CMD that an exec-form ENTRYPOINT receives as `/bin/sh -c '…'`.
deny contains r if {
	ep := object.get(input.dockerfile, "entrypoint", null)
	ep != null
	ep.form == "exec"
	not compose_set("entrypoint")
	not compose_set("command")
	c := object.get(input.dockerfile, "cmd", null)
	c != null
	c.form == "shell"
	not execs(c.value)
	not starts_init(concat(" ", ep.words))
	not input.service.init.value == true
	r := result.with_evidence(
		sprintf(
			"%s `ENTRYPOINT %s` with shell-form `CMD %s` (stage %q): Docker appends the CMD as `/bin/sh -c '%s'`, so the entrypoint gets those arguments instead, and an entrypoint script that runs \"$@\" starts the server under a shell that does not forward SIGTERM",
			[subject, ep.value, c.value, c.stage, c.value],
		),
		c,
		{"instruction": "CMD", "form": c.form, "stage": c.stage, "entrypoint_form": ep.form},
	)
}

subject := sprintf("service %q starts", [input.unit.name]) if input.kind == "compose_service"

subject := "the image starts" if input.kind != "compose_service"

# The instruction that starts the container, unless Compose replaces it:
# `entrypoint:` replaces ENTRYPOINT and CMD, `command:` replaces CMD.
start_instruction contains ["ENTRYPOINT", c] if {
	c := object.get(input.dockerfile, "entrypoint", null)
	c != null
	not compose_set("entrypoint")
}

start_instruction contains ["CMD", c] if {
	object.get(input.dockerfile, "entrypoint", null) == null
	c := object.get(input.dockerfile, "cmd", null)
	c != null
	not compose_set("entrypoint")
	not compose_set("command")
}

compose_set(key) if object.get(object.get(input, "service", {}), key, null) != null

# `exec node index.js`, `cd /app && exec node index.js`
execs(v) if regex.match(`(^|[;&|][ \t]*)exec[ \t]`, trim_space(v))

starts_init(v) if {
	first := regex.split(`[ \t\r\n]+`, trim_space(v))[0]
	parts := split(first, "/")
	parts[count(parts) - 1] in init_programs
}
