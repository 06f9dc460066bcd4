package mcp_audit.sc.mcp_sc_003_test

import data.mcp_audit.lib.testing
import data.mcp_audit.sc.mcp_sc_003
import rego.v1

l := {"file": "compose.yaml", "line": 5, "col": 14, "end_line": 5, "end_col": 60}

fl(line) := {"file": "Dockerfile", "line": line, "col": 1, "end_line": line, "end_col": 40}

compose(command) := {
	"kind": "compose_service",
	"unit": {"name": "fs-mcp"},
	"service": {"command": {"value": command, "loc": l, "indeterminate": false}, "command_calls": mcp_audit_shell_calls(command), "entrypoint": null},
	"dockerfile": null,
}

image(cmd_form, cmd, runs) := with_instructions(
	{
		"kind": "dockerfile",
		"unit": {"name": "Dockerfile"},
		"dockerfile": {
			"entrypoint": null,
			"cmd": {"form": cmd_form, "value": cmd, "calls": mcp_audit_shell_calls(cmd), "words": [], "stage": "runtime", "loc": fl(12)},
		},
	},
	[{"keyword": "RUN", "text": t, "calls": mcp_audit_shell_calls(t), "form": "shell", "flags": [], "stage": "runtime", "in_chain": true, "loc": fl(i + 2)} | some i, t in runs],
)

with_instructions(doc, instructions) := object.union(doc, {"dockerfile": {"instructions": instructions, "programs": testing.programs(instructions)}})

pinned(cmd) if count(mcp_sc_003.deny) == 0 with input as compose(cmd)

flagged(cmd) := r if {
	rs := mcp_sc_003.deny with input as compose(cmd)
	count(rs) == 1
	some r in rs
}

test_npx_without_version if {
	r := flagged("npx -y @modelcontextprotocol/server-filesystem /data")
	contains(r.msg, "`npx @modelcontextprotocol/server-filesystem`")
	contains(r.msg, "compose `command` of service \"fs-mcp\"")
	r.loc == l
}

test_npx_latest_next_and_ranges if {
	every pkg in ["mcp-server-kubernetes@latest", "@upstash/context7-mcp@next", "mcp-remote@^0.1.0", "mcp-remote@0.1", "mcp-remote@~0.1.2"] {
		flagged(sprintf("npx --yes %s", [pkg]))
	}
}

test_npx_exact_versions_pass if {
	pinned("npx -y @modelcontextprotocol/server-filesystem@2025.8.21 /data")
	pinned("npx -y mcp-remote@0.1.18 https://example.com/mcp")
	pinned("npx -p @acme/tools@1.2.3 acme-mcp --stdio")
}

test_npx_package_option if {
	r := flagged("npx --package @acme/tools acme-mcp --stdio")
	r.evidence.package == "@acme/tools"
	r2 := flagged("npx --package=@acme/tools@latest acme-mcp")
	r2.evidence.package == "@acme/tools@latest"
}

test_other_js_runners if {
	flagged("bunx @playwright/mcp")
	flagged("pnpm dlx @playwright/mcp --headless")
	flagged("yarn dlx @playwright/mcp")
	flagged("npm exec -- @playwright/mcp")
	pinned("bunx @playwright/mcp@0.0.41")
}

test_uvx if {
	r := flagged("uvx mcp-server-fetch")
	contains(r.msg, "no `==<version>`")
	flagged("uvx mcp-server-fetch@latest")
	flagged("uvx --from mcp-server-git mcp-server-git --repository /repo")
	flagged("uv tool run mcp-server-time")
	flagged("uvx mcp-server-fetch>=2025.1")
	pinned("uvx mcp-server-fetch==2025.4.7")
	pinned("uvx mcp-server-fetch@2025.4.7")
	pinned("uvx --python 3.12 --from mcp-server-git==2025.1.14 mcp-server-git")
}

test_pipx if {
	flagged("pipx run mcp-server-sqlite --db-path /data/db.sqlite")
	flagged("pipx run --spec mcp-server-sqlite mcp-server-sqlite")
	pinned("pipx run mcp-server-sqlite==0.6.2 --db-path /data/db.sqlite")
}

test_go_run if {
	flagged("go run github.com/acme/mcp-server/cmd/server@latest")
	pinned("go run github.com/acme/mcp-server/cmd/server@v1.4.0")
	pinned("go run ./cmd/server")
}

test_dnx if {
	flagged("dnx Acme.McpServer --yes")
	pinned("dnx Acme.McpServer@1.2.0 --yes")
	pinned("dnx Acme.McpServer --version 1.2.0")
}

test_local_paths_and_variables_pass if {
	pinned("npx -y ./packages/server")
	pinned("uvx --from . mcp-server")
	pinned("npx -y $MCP_PACKAGE")
	pinned("node /app/node_modules/.bin/mcp-server")
}

test_runner_inside_shell_wrapper if {
	r := flagged("sh -c \"npx -y mcp-remote https://mcp.example.com/sse && echo done\"")
	r.evidence.package == "mcp-remote"
}

test_words_after_a_separator_are_not_the_package if {
	pinned("npx -y; echo npx")
}

test_dockerfile_cmd_and_run if {
	rs := mcp_sc_003.deny with input as image("exec", "npx -y @modelcontextprotocol/server-memory", ["npm ci --omit=dev", "uvx mcp-server-fetch --help"])
	count(rs) == 2
	locs := {r.loc | some r in rs}
	locs == {fl(12), fl(3)}
}

test_dockerfile_cmd_replaced_by_compose_command if {
	d := object.union(image("exec", "npx -y @modelcontextprotocol/server-memory", []), {
		"kind": "compose_service", "unit": {"name": "memory"},
		"service": {"command": {"value": "node /app/dist/index.js", "loc": l, "indeterminate": false}, "entrypoint": null},
	})
	count(mcp_sc_003.deny) == 0 with input as d
}

test_runs_outside_the_chain_are_ignored if {
	d := image("exec", "node index.js", [])
	lint := {"keyword": "RUN", "text": "uvx ruff check .", "calls": mcp_audit_shell_calls("uvx ruff check ."), "form": "shell", "flags": [], "stage": "lint", "in_chain": false, "loc": fl(3)}
	d2 := with_instructions(d, [lint])
	count(mcp_sc_003.deny) == 0 with input as d2
}

test_runner_programs_are_the_first_words_of_the_runners if {
	mcp_sc_003.runner_programs == {rn.words[0] | some rn in mcp_sc_003.runners}
}

cl := {"file": ".mcp.json", "line": 3, "col": 23, "end_line": 3, "end_col": 28}

al := {"file": ".mcp.json", "line": 3, "col": 45, "end_line": 3, "end_col": 86}

client(calls) := {
	"kind": "mcp_client",
	"unit": {"name": "fs"},
	"server": {"command": {"value": "npx", "loc": cl, "indeterminate": false}, "args": [{"value": "-y", "loc": cl}, {"value": "@modelcontextprotocol/server-filesystem", "loc": al}]},
	"calls": calls,
}

test_client_entries if {
	rs := mcp_sc_003.deny with input as client([{"program": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/data"]}])
	count(rs) == 1
	some r in rs
	r.loc == al
	r.msg == "client entry \"fs\" runs `npx @modelcontextprotocol/server-filesystem` without a pinned version (no version)"
	count(mcp_sc_003.deny) == 0 with input as client([{"program": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/data"]}])
	# (a package no argument names exactly is reported at the command)
	rs2 := mcp_sc_003.deny with input as client([{"program": "uvx", "args": ["mcp-server-fetch"]}])
	[r2.loc | some r2 in rs2] == [cl]
	count(mcp_sc_003.deny) == 0 with input as client([{"program": "node", "args": ["/srv/index.js"]}])
	count(mcp_sc_003.deny) == 0 with input as client([])
}

vl := {"file": "server.json", "line": 11, "col": 7, "end_line": 11, "end_col": 16}

server_json(type, id, version) := {"kind": "mcp_metadata", "metadata": {"format": "registry-server"}, "doc": {"packages": [{"registryType": type, "identifier": id, "version": version, "loc": cl, "key_locs": {"version": vl}}]}}

test_server_json_packages if {
	rs := mcp_sc_003.deny with input as server_json("npm", "@acme/server", "latest")
	[r.msg | some r in rs] == ["`server.json` npm package \"@acme/server\" has version `latest`, which is not an exact version"]
	[r.loc | some r in rs] == [vl]
	count(mcp_sc_003.deny) == 1 with input as server_json("npm", "@acme/server", "^1.2.0")
	count(mcp_sc_003.deny) == 1 with input as server_json("pypi", "acme-server", null)
	count(mcp_sc_003.deny) == 1 with input as server_json("nuget", "Acme.Server", "")
	count(mcp_sc_003.deny) == 0 with input as server_json("npm", "@acme/server", "1.2.0")
	count(mcp_sc_003.deny) == 0 with input as server_json("pypi", "acme-server", "2025.4.7")
	count(mcp_sc_003.deny) == 0 with input as server_json("pypi", "acme-server", "$VERSION")
	count(mcp_sc_003.deny) == 0 with input as server_json("npm", "<<NpmPackageName>>", "<<Version>>")
	count(mcp_sc_003.deny) == 0 with input as server_json("oci", "ghcr.io/acme/server", null)
}

test_metadata_without_runner_packages_is_not_applicable if {
	not mcp_sc_003.applicable with input as server_json("oci", "ghcr.io/acme/server:1.0.0", null)
	mcp_sc_003.applicable with input as server_json("npm", "@acme/server", "1.2.0")
	mcp_sc_003.applicable with input as client([])
}
