#!/usr/bin/env bash
# Checks the ways users run mcp-audit: the GitHub Action (structure, and its scan step
# in a simulated runner), the pre-commit hook (structure, and `pre-commit try-repo` on a
# flawed then fixed Dockerfile), and the project's own Dockerfile (dogfooded: no finding).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
python3 -c "import yaml" 2>/dev/null || python3 -m pip install --quiet pyyaml
cargo build --release --locked --quiet
bin="$repo/target/release/mcp-audit"

# 1. Structure of action.yml and .pre-commit-hooks.yaml.
python3 - <<'PY'
import re, yaml, tomllib
a = yaml.safe_load(open("action.yml"))
for k in ("name", "description", "inputs", "outputs", "runs"):
    assert k in a, f"action.yml: missing {k}"
assert a["runs"]["using"] == "composite"
steps_text = yaml.safe_dump(a["runs"]["steps"])
for name in a["inputs"]:
    assert f"inputs.{name}" in steps_text, f"action.yml: input {name} is not used by any step"
for name, o in a["outputs"].items():
    m = re.search(r"steps\.(\w+)\.outputs\.([\w-]+)", o["value"])
    assert m, f"action.yml: output {name} has no step value"
    assert any(s.get("id") == m.group(1) for s in a["runs"]["steps"]), f"output {name}: no step {m.group(1)}"
hooks = yaml.safe_load(open(".pre-commit-hooks.yaml"))
h = next(x for x in hooks if x["id"] == "mcp-audit")
for k in ("name", "entry", "language", "files"):
    assert k in h, f"hook: missing {k}"
assert h["language"] == "rust"
bins = [b["name"] for b in tomllib.load(open("Cargo.toml", "rb"))["bin"]]
assert h["entry"].split()[0] in bins, f"hook entry {h['entry']} is not a binary of this crate: {bins}"
files = re.compile(h["files"])
for ok in ["Dockerfile", "svc/Dockerfile.prod", "a/compose.yaml", "docker-compose.override.yml", "s/mcp-manifest.json", ".cursor/mcp.json", "server.yaml"]:
    assert files.search(ok), f"hook files regex misses {ok}"
for no in ["README.md", "src/main.rs", "package.json"]:
    assert not files.search(no), f"hook files regex matches {no}"
print("integrations: action.yml and .pre-commit-hooks.yaml are well-formed")
PY

# 2. The action's scan step in a simulated runner, on the seed's Compose project alone
#    (the seed's Claude config beside it has a CRITICAL finding, CC-003, which would
#    trip even --fail-on critical).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
set +e
( cd "$tmp" && GITHUB_OUTPUT="$tmp/out" GITHUB_STEP_SUMMARY="$tmp/summary.md" MCP_AUDIT_BIN="$bin" \
  INPUT_PATH="$repo/fixtures/stacks/001-central-hub/mcp-central" INPUT_SARIF_FILE="$tmp/r.sarif" INPUT_SBOM_FILE="$tmp/sbom.spdx.json" \
  INPUT_FAIL_ON=critical INPUT_MIN_SCORE=10 bash "$repo/scripts/action-scan.sh" > "$tmp/annotations" )
code=$?
set -e
[ "$code" = 0 ] || { echo "action step exited $code" >&2; exit 1; }
grep -q '^score=[0-9.]*$' "$tmp/out" && grep -q '^compliance-rate=[0-9.]*$' "$tmp/out" && grep -q "^sarif-file=$tmp/r.sarif$" "$tmp/out"
grep -q '## mcp-audit' "$tmp/summary.md"
grep -q '^::warning file=' "$tmp/annotations"
python3 -c "import json,sys; json.load(open(sys.argv[1])); json.load(open(sys.argv[2]))" "$tmp/r.sarif" "$tmp/sbom.spdx.json"
set +e
( cd "$tmp" && GITHUB_OUTPUT="$tmp/out2" GITHUB_STEP_SUMMARY="$tmp/s2" MCP_AUDIT_BIN="$bin" \
  INPUT_PATH="$repo/fixtures/stacks/001-central-hub/mcp-central" INPUT_FAIL_ON=critical INPUT_MIN_SCORE=100 bash "$repo/scripts/action-scan.sh" >/dev/null 2>&1 )
code=$?
set -e
[ "$code" = 1 ] || { echo "action step should fail below min-score, exited $code" >&2; exit 1; }
echo "integrations: action scan step writes outputs, summary, annotations, SARIF, SBOM; fails by threshold"

# 3. The project's own Dockerfile passes its own rules.
out="$("$bin" scan Dockerfile --format json --fail-on info)"
python3 -c "import json,sys; d=json.loads(sys.argv[1]); f=[x for x in d['findings'] if not x.get('suppressed')]; assert not f, f" "$out"
echo "integrations: mcp-audit scan Dockerfile reports nothing"

# 4. pre-commit try-repo: the hook fails on a flawed Dockerfile and passes once fixed.
command -v pre-commit >/dev/null || python3 -m pip install --quiet pre-commit
work="$tmp/repo"
mkdir -p "$work" && cd "$work" && git init -q .
printf 'FROM python:3.12.7-slim\nCOPY server.py /app/server.py\nCMD ["python", "/app/server.py"]\n' > Dockerfile
git add Dockerfile
set +e
pre-commit try-repo "$repo" mcp-audit --files Dockerfile > "$tmp/pc1" 2>&1
first=$?
set -e
[ "$first" != 0 ] || { cat "$tmp/pc1"; echo "the hook should fail on a Dockerfile without USER" >&2; exit 1; }
grep -q "MCP-DF-001" "$tmp/pc1" || { cat "$tmp/pc1"; exit 1; }
printf 'FROM python:3.12.7-slim\nCOPY server.py /app/server.py\nUSER 1001\nCMD ["python", "/app/server.py"]\n' > Dockerfile
git add Dockerfile
pre-commit try-repo "$repo" mcp-audit --files Dockerfile > "$tmp/pc2" 2>&1 || { cat "$tmp/pc2"; echo "the hook should pass after the fix" >&2; exit 1; }
echo "integrations: pre-commit hook fails on the flaw and passes after the fix"
