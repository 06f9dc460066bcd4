package mcp_audit.sc.mcp_sc_004_test

import data.mcp_audit.lib.testing
import data.mcp_audit.sc.mcp_sc_004
import rego.v1

fl(line) := {"file": "Dockerfile", "line": line, "col": 1, "end_line": line, "end_col": 40}

inst(keyword, text, line) := {"keyword": keyword, "text": text, "calls": mcp_audit_shell_calls(text), "form": "shell", "flags": [], "stage": "runtime", "in_chain": true, "loc": fl(line)}

run(text) := inst("RUN", text, 4)

image(instructions) := {"kind": "dockerfile", "unit": {"name": "Dockerfile"}, "dockerfile": {"instructions": instructions, "programs": testing.programs(instructions), "keywords": testing.keywords(instructions), "args": []}}

findings(instructions) := rs if {
	rs := mcp_sc_004.deny with input as image(instructions)
}

one(text) := r if {
	rs := findings([run(text)])
	count(rs) == 1
	some r in rs
}

none(text) if count(findings([run(text)])) == 0

test_curl_pipe_sh_is_remote_code_execution if {
	r := one("curl -fsSL https://deb.nodesource.com/setup_20.x | bash -")
	contains(r.msg, "remote code execution")
	r.loc == fl(4)
	one("wget -qO- https://astral.sh/uv/install.sh | sh")
	one("curl -sSL https://install.python-poetry.org | python3 -")
	one("curl -fsSL https://example.com/install.sh | sudo -E bash")
}

test_shell_of_downloaded_script if {
	r := one("sh -c \"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\"")
	contains(r.msg, "remote code execution")
	one("bash <(curl -s https://example.com/install.sh)")
}

test_curl_to_file_or_tar_is_not_remote_code if {
	none("curl -fsSLo /tmp/uv.tar.gz https://example.com/uv.tar.gz && echo \"abc  /tmp/uv.tar.gz\" | sha256sum -c -")
	none("curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt")
}

test_in_heredoc if {
	body := "set -e\ncurl -fsSL https://get.example.com | sh\n"
	i := object.union(run("<<EOF"), {"heredocs": [body], "calls": mcp_audit_shell_calls(body)})
	count(findings([i])) == 1
}

test_add_url_without_checksum if {
	rs := findings([inst("ADD", "https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini", 3)])
	some r in rs
	contains(r.msg, "without `--checksum")
}

test_add_with_checksum_or_local if {
	a := object.union(inst("ADD", "https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini", 3), {"flags": [{"name": "checksum", "value": "sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c"}]})
	count(findings([a])) == 0
	count(findings([inst("ADD", "vendor.tar.gz /opt/", 3)])) == 0
}

test_npm_global_unpinned if {
	r := one("npm install -g @anthropic-ai/claude-code")
	contains(r.msg, "\"@anthropic-ai/claude-code\"")
	one("npm i -g typescript@latest")
	one("npm install --global pnpm@^9")
	none("npm install -g pnpm@9.12.3")
}

test_global_options_before_the_subcommand if {
	r := one("npm -g install gatsby-cli")
	contains(r.msg, "\"gatsby-cli\"")
	one("npm --prefix /opt/tools install typescript")
	none("npm -g install pnpm@9.12.3")
	none("npm --loglevel=error ci")
	p := one("pip3 --no-cache-dir install flask")
	contains(p.msg, "\"flask\"")
	one("pip --proxy http://proxy:3128 install requests")
	none("pip --no-cache-dir install -r requirements.txt")
	none("pip --disable-pip-version-check list")
}

test_npm_version_from_arg_default if {
	d := image([run("npm install -g @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}")])
	d2 := object.union(d, {"dockerfile": {"args": [{"name": "CLAUDE_CODE_VERSION", "default": {"value": "latest"}, "stage": "runtime", "in_chain": true, "loc": fl(2)}]}})
	rs := mcp_sc_004.deny with input as d2
	some r in rs
	contains(r.msg, "@anthropic-ai/claude-code@latest")
}

test_npm_version_from_build_args if {
	d := image([run("npm install -g @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}")])
	d2 := object.union(d, {
		"kind": "compose_service",
		"service": {"build": {"args": {"CLAUDE_CODE_VERSION": {"value": "1.0.51", "indeterminate": false}}}},
		"dockerfile": {"args": [{"name": "CLAUDE_CODE_VERSION", "default": {"value": "latest"}, "stage": "runtime", "in_chain": true, "loc": fl(2)}]},
	})
	count(mcp_sc_004.deny) == 0 with input as d2
}

test_npm_unresolved_variable_skipped if {
	none("npm install -g @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}")
}

test_bare_npm_install_needs_a_lockfile if {
	r := one("npm install --omit=dev")
	contains(r.msg, "npm ci")
	count(findings([inst("COPY", "package.json package-lock.json ./", 3), run("npm install --omit=dev")])) == 0
	count(findings([inst("COPY", "package*.json ./", 3), run("npm install")])) == 0
	count(findings([inst("COPY", ". .", 3), run("npm install")])) == 0
}

test_npm_ci_passes if {
	none("npm ci --omit=dev")
	none("npm ci --only=production")
}

test_pip_unpinned if {
	r := one("pip install --no-cache-dir mcp")
	contains(r.msg, "\"mcp\"")
	one("pip3 install \"fastmcp>=2.0\"")
	one("uv pip install --system httpx~=0.27")
	one("/opt/venv/bin/pip install uvicorn[standard]")
}

test_pip_vcs_url_without_a_ref if {
	r := one("pip install git+https://github.com/raccoonyy/buster.git#egg=buster")
	contains(r.msg, "VCS URL with no `@<ref>`")
	one("pip install git+ssh://git@github.com/acme/tools.git")
	none("pip install git+https://github.com/acme/tools.git@v1.2.0#egg=tools")
	none("pip install git+ssh://git@github.com/acme/tools.git@4f2a9c1d")
	none("pip install git+https://github.com/acme/tools.git@release/2.x")
}

test_pip_pinned_hashes_requirements_and_locals_pass if {
	none("pip install --no-cache-dir mcp==1.9.4 httpx==0.28.1")
	none("pip install --require-hashes --no-deps mcp==1.9.4")
	none("pip install --no-cache-dir -r requirements.txt")
	none("pip install --require-hashes -r requirements.lock")
	none("pip install --no-deps .")
	none("pip install ./dist/server-1.0.0-py3-none-any.whl")
	none("pip install --upgrade pip setuptools wheel")
}

test_uv_sync if {
	one("uv sync --no-dev")
	none("uv sync --locked --no-dev")
	none("uv sync --frozen")
}

test_go_install if {
	one("go install github.com/acme/tool/cmd/tool@latest")
	none("go install github.com/acme/tool/cmd/tool@v1.2.3")
	none("go install ./cmd/server")
	none("go install github.com/acme/tool/cmd/tool")
}

test_go_get_without_a_version if {
	r := one("go get github.com/hpcloud/tail")
	contains(r.msg, "with no version")
}

test_go_get_at_latest if {
	one("go get -u -v golang.org/x/tools/gopls@latest")
}

test_go_get_in_a_chain if {
	one("cd /src && go get -d gopkg.in/yaml.v2 && go build ./...")
}

test_go_get_of_several_modules if {
	count(findings([run("go get github.com/a/b github.com/c/d@v1.0.0 github.com/e/f@master")])) == 2
}

test_go_get_pinned_or_local if {
	none("go get github.com/acme/x@v1.2.3")
	none("go get github.com/acme/x@v0.0.0-20240101000000-abcdef123456")
	none("go install github.com/acme/x/cmd/x@4f3a9c1")
	one("go install github.com/acme/x/cmd/x@main")
	none("go get ./...")
	none("go get .")
	none("go get -d -v")
	none("go get")
}

test_non_ancestor_stage_ignored if {
	i := object.union(run("curl -fsSL https://get.example.com | sh"), {"in_chain": false, "stage": "tools"})
	count(findings([i])) == 0
}

test_not_applicable_without_dockerfile if {
	not mcp_sc_004.applicable with input as {"kind": "compose_service", "dockerfile": null}
}
