# METADATA
# title: Inline shell or interpreter execution as a server command
# description: >-
#   The server is started as inline code rather than a program or script
#   file: the entry's `command` (or, for `docker run`, the container command
#   after the image) is a shell or interpreter with an inline-code option
#   among its leading options: `sh` / `bash` / `zsh` / `dash` / `ksh` `-c`
#   (also clustered, `-lc`), `cmd` `/c` or `/k`, `powershell` / `pwsh`
#   `-Command` / `-c` / `-EncodedCommand` (any prefix) before `-File`,
#   `python*` `-c`, `node` / `bun` `-e` / `--eval` / `-p` / `--print`,
#   `ruby -e`, `perl -e` / `-E`. Otherwise, an argument with shell
#   metacharacters that chain or fetch code: a `curl` / `wget` download piped
#   on, `| sh` / `| bash` / `| python`…, `base64 -d`, `&&`, `;` followed by a
#   space, a backtick or `$(`. Not reported: an interpreter with a script path
#   or module (`python server.py`, `python -m pkg`, `node dist/index.js`,
#   `pwsh -File run.ps1`), and `;` inside a value such as a connection string
#   (`Server=x;Database=y`).
# custom:
#   id: MCP-CC-006
#   severity: HIGH
#   kinds: [mcp_client]
#   remediation: >-
#     Point `command` at a pinned executable or a reviewed script file in the
#     repository (`node dist/index.js`, `uvx pkg==1.2.3`); no inline code, no
#     pipes or command chaining in the arguments.
#   references:
#     - OWASP MCP Top 10 MCP05
#     - getjavelin/ramparts MCPConfigRisk
#     - MCP SEP-1024 (show the full command before a local install)
package mcp_audit.cc.mcp_cc_006

import data.mcp_audit.cc.common
import data.mcp_audit.lib.result
import rego.v1

applicable if is_string(common.server.command.value)

deny contains r if {
	some inv in invocations
	some f in inline_flags(inv)
	r := result.with_evidence(
		sprintf("client entry %q runs inline code as its %s: `%s %s`", [input.unit.name, inv.where, inv.program, f.value]),
		f,
		{"program": inv.program, "option": f.value},
	)
}

deny contains r if {
	count({f | some inv in invocations; some f in inline_flags(inv)}) == 0
	some i, a in common.args
	found := sort([what | some what, pattern in metacharacters; regex.match(pattern, a.value)])
	count(found) > 0
	r := result.with_evidence(
		sprintf("client entry %q has %s in `args[%d]`: started through a shell, it runs more than the server", [input.unit.name, concat(" and ", found), i]),
		a,
		{"argument": i, "patterns": found},
	)
}

metacharacters := {
	"a `curl`/`wget` download piped on": `(^|[^A-Za-z0-9_-])(curl|wget)[ \t].*\|`,
	"a pipe into a shell or interpreter": `\|[ \t]*(sudo[ \t]+)?(sh|bash|zsh|dash|ksh|python[0-9.]*|node|perl|ruby|pwsh|powershell|iex)([ \t]|$)`,
	"`base64 -d` (decoded code)": `base64[ \t]+(-d|-D|--decode)`,
	"`&&` command chaining": `&&`,
	"`;` command chaining": `;([ \t]|$)`,
	"a backtick command substitution": "`",
	"a `$(…)` command substitution": `\$\(`,
}

# --- invocations: {program, where, args (nodes)}

invocations contains {"program": common.program, "where": "command", "args": common.args} if common.program

invocations contains {"program": common.base_program(cmd.value), "where": "container command", "args": array.slice(common.args, k + 1, count(common.args))} if {
	k := common.image_index + 1
	cmd := common.args[k]
}

# inline_flags(inv): the inline-code options among the interpreter's leading options.
inline_flags(inv) := {a |
	fam := family(inv.program)
	some j, a in inv.args
	j < options_end(fam, inv.args)
	inline(fam, a.value)
}

family(p) := "shell" if p in {"sh", "bash", "zsh", "dash", "ksh", "ash"}

family(p) := "cmd" if p == "cmd"

family(p) := "powershell" if p in {"powershell", "pwsh"}

family(p) := "python" if regex.match(`^(python[0-9.]*|py|pypy[0-9.]*)$`, p)

family(p) := "node" if p in {"node", "nodejs", "bun"}

family(p) := "ruby" if p == "ruby"

family(p) := "perl" if p == "perl"

inline("shell", a) if regex.match(`^-[A-Za-z]*c[A-Za-z]*$`, a)

inline("cmd", a) if lower(a) in {"/c", "/k", "/r"}

inline("powershell", a) if regex.match(`^[-/](c|co|com|comm|comma|comman|command|commandwithargs|cwa|e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)$`, lower(a))

inline("python", a) if regex.match(`^-[A-Za-z]*c$`, a)

inline("node", a) if regex.match(`^(-e|-p|-pe|-ep|--eval|--print)(=.*)?$`, a)

inline("ruby", a) if regex.match(`^-[A-Za-z]*e$`, a)

inline("perl", a) if regex.match(`^-[A-Za-z]*[eE]$`, a)

# options_end(fam, args): the index of the first argument that is not one of the
# interpreter's own options (a script path, a module, a subcommand).
options_end(fam, args) := min({j | some j, _ in args; ends_options(fam, args, j)} | {count(args)})

ends_options(fam, args, j) if {
	not option_like(fam, args[j].value)
	not option_value(fam, args, j)
}

ends_options("python", args, j) if args[j].value == "-m"

ends_options("powershell", args, j) if lower(args[j].value) in {"-file", "-f", "/file"}

option_like("cmd", a) if regex.match(`^/[A-Za-z]`, a)

option_like(fam, a) if {
	fam != "cmd"
	startswith(a, "-")
}

option_like("shell", a) if startswith(a, "+")

# Option values: the argument after an option that takes one (case matters:
# ruby's `-E` takes an encoding, its `-e` is inline code).
option_value(fam, args, j) if {
	j > 0
	args[j - 1].value in value_options[fam]
}

# PowerShell's parameters take values freely: every argument after an option is
# read as one, up to `-File`.
option_value("powershell", args, j) if {
	some k, a in args
	k < j
	option_like("powershell", a.value)
}

value_options := {
	"shell": {"-o", "+o", "-O", "+O", "--rcfile", "--init-file"},
	"cmd": set(),
	"powershell": set(),
	"python": {"-W", "-X"},
	"node": {"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions", "--env-file", "--title"},
	"ruby": {"-I", "-C", "-E"},
	"perl": {"-I"},
}
