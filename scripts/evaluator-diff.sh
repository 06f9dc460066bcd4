#!/usr/bin/env bash
# Scan a directory with both regorus evaluators (the bytecode VM, default, and the
# interpreter, MCP_AUDIT_EVALUATOR=interpreter) and list the findings on which they differ.
# Exit 1 when they differ. Usage: scripts/evaluator-diff.sh [DIR] (default: fixtures)
set -euo pipefail
dir="${1:-fixtures}"
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for e in interpreter vm; do
  MCP_AUDIT_EVALUATOR=$e ./target/release/mcp-audit scan "$dir" --format "json=$tmp/$e.json" --now 2026-01-31 >/dev/null || true
done
python3 - "$tmp/interpreter.json" "$tmp/vm.json" <<'PY'
import json, sys
key = lambda f: (f["rule"], (f.get("location") or {}).get("file"), (f.get("location") or {}).get("line"), f["message"])
a, b = (set(map(key, json.load(open(p))["findings"])) for p in sys.argv[1:3])
for f in sorted(a - b): print("interpreter only:", *f)
for f in sorted(b - a): print("vm only:         ", *f)
print(f"{len(a)} findings (interpreter), {len(b)} (vm), {len(a ^ b)} differ")
# The verdicts (pass / fail / not applicable per rule and unit) and the score too.
ra, rb = (json.load(open(p)) for p in sys.argv[1:3])
va, vb = ({u["id"]: u["verdicts"] for u in r["units"]} for r in (ra, rb))
verdicts = sorted(k for k in va.keys() | vb.keys() if va.get(k) != vb.get(k))
for k in verdicts[:20]: print("verdicts differ:", k)
if ra["score"] != rb["score"]: print("score differs:", ra["score"], rb["score"])
sys.exit(1 if a != b or verdicts or ra["score"] != rb["score"] else 0)
PY
