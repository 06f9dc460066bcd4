# METADATA
# title: Tools auto-approved without confirmation
# description: >-
#   A client entry lets tools run without asking the user: a non-empty
#   `alwaysAllow` list (Cline, Roo Code), an `autoApprove` list (Kilo Code,
#   Windsurf-style configs) or `autoApprove: true`. A tool that writes, runs
#   commands or reaches a database then acts on a prompt-injected instruction
#   with nobody in the loop. `*` or `true` approves every tool, the catalog's
#   HIGH variant: the message and evidence (`all: true`) say so. Not
#   reported: an empty list, and tools on the configured read-only allowlist
#   (`auto_approve_allowlist` in `.mcp-audit.yaml`, glob patterns, or Rego
#   data in package `mcp_audit.config` of a `policies:` directory).
# custom:
#   id: MCP-CC-008
#   severity: MEDIUM
#   kinds: [mcp_client]
#   remediation: >-
#     Remove write, exec and database tools from `alwaysAllow` /
#     `autoApprove` and keep human confirmation; auto-approve at most
#     reviewed read-only tools.
#   references:
#     - OWASP MCP Top 10 MCP02, MCP06
#     - snyk/agent-scan W019/W020 (destructive capabilities)
package mcp_audit.cc.mcp_cc_008

import data.mcp_audit.cc.common
import data.mcp_audit.lib.result
import rego.v1

raw := object.get(input, ["server", "raw"], {})

allowlist := common.setting(["auto_approve_allowlist"], [])

deny contains r if {
	some key in ["alwaysAllow", "autoApprove"]
	tools := approved(raw[key])
	count(tools) > 0
	everything := every_tool(raw[key])
	r := result.with_evidence(
		sprintf("client entry %q runs %s without confirmation (`%s`)%s", [input.unit.name, what(tools, everything), key, high_note[everything]]),
		{"loc": raw.key_locs[key]},
		{"key": key, "tools": tools, "all": everything},
	)
}

# approved(v): the auto-approved tools not on the read-only allowlist.
approved(v) := ["*"] if v == true

approved(v) := [t |
	some t in v
	is_string(t)
	t != ""
	not allowed(t)
] if is_array(v)

allowed(t) if {
	t != "*"
	some p in allowlist
	glob.match(p, [], t)
}

every_tool(v) := true if v == true

every_tool(v) := true if {
	is_array(v)
	"*" in v
}

every_tool(v) := false if {
	is_array(v)
	not "*" in v
}

what(_, true) := "every tool"

what(tools, false) := sprintf("tool%s %s", [plural(tools), concat(", ", [sprintf("`%s`", [t]) | some t in tools])])

plural(tools) := "" if count(tools) == 1

plural(tools) := "s" if count(tools) > 1

high_note := {
	true: ": every tool call, including writes and command execution, runs unattended",
	false: "",
}
