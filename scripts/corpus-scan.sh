#!/usr/bin/env bash
# Scan a corpus directory and check the scan finished: exit 0 (clean) or 1
# (findings), never 2 (internal error) or a panic. Prints how many files could not
# be parsed (MCP-AUD-001).
set -euo pipefail
corpus="${1:-../shared/corpus}"
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
out="$(mktemp)"
set +e
./target/release/mcp-audit scan "$corpus" --format "json=$out" --format text --no-color >/dev/null 2>"$out.err"
code=$?
set -e
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  echo "corpus scan failed with exit code $code" >&2
  cat "$out.err" >&2
  exit 1
fi
python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
aud = [f for f in d["findings"] if f["rule"] == "MCP-AUD-001"]
files = sorted({f["location"]["file"] for f in aud})
print(f"corpus: {d['summary']['files_scanned']} files, {d['summary']['units']} units, "
      f"{d['summary']['findings']} findings; {len(files)} files with MCP-AUD-001 "
      f"({len(aud)} parse errors)")
missing = [f for f in aud if not f.get("location")]
assert not missing, f"{len(missing)} MCP-AUD-001 findings without a location"
assert not d["errors"]["evaluation"], d["errors"]["evaluation"][:5]
PY
rm -f "$out" "$out.err"
