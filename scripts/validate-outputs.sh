#!/usr/bin/env bash
# Validate the SARIF the tool produces with the real external validators:
# the SARIF 2.1.0 JSON schema (Python jsonschema) and Microsoft's SARIF multitool
# (npm @microsoft/sarif-multitool) with the SARIF and GitHub-ingestion rule sets.
# Fails on any schema error and on any multitool error or warning.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="target/ci-tools"
mkdir -p "$tools"
if [ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  (cd "$tools" && npm install --no-audit --no-fund --silent @microsoft/sarif-multitool@5 >/dev/null)
  chmod u+x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
fi
multitool="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
python3 -c "import jsonschema, spdx_tools, ntia_conformance_checker, cyclonedx" 2>/dev/null \
  || python3 -m pip install --quiet jsonschema spdx-tools ntia-conformance-checker "cyclonedx-python-lib[json-validation]"

cargo build --release --locked --quiet
out="target/ci-sarif"
rm -rf "$out" && mkdir -p "$out"
n=0
for target in fixtures/stacks/* fixtures/MCP-*/fail fixtures/MCP-*/pass; do
  [ -d "$target" ] || continue
  name="$(echo "$target" | tr '/' '_')"
  set +e
  ./target/release/mcp-audit scan "$target" --format "sarif=$out/$name.sarif" >/dev/null 2>&1
  code=$?
  set -e
  if [ "$code" -gt 1 ]; then echo "scan of $target failed ($code)" >&2; exit 1; fi
  n=$((n + 1))
done
python3 - "$out" tests/schemas/sarif-2.1.0.json <<'PY'
import json, sys, pathlib, jsonschema
out, schema = pathlib.Path(sys.argv[1]), json.load(open(sys.argv[2]))
validator = jsonschema.Draft7Validator(schema)
bad = 0
for f in sorted(out.glob("*.sarif")):
    for e in validator.iter_errors(json.load(open(f))):
        bad += 1
        print(f"{f}: schema: {'/'.join(map(str, e.path))}: {e.message}")
print(f"sarif schema: {len(list(out.glob('*.sarif')))} files, {bad} errors")
sys.exit(1 if bad else 0)
PY
# The manifest schema is a valid draft-07 schema, and the example manifests validate
# against it with the reference validator as they do with mcp-audit's own.
./target/release/mcp-audit schema manifest > "$out/mcp-manifest.schema.json"
python3 - "$out/mcp-manifest.schema.json" fixtures/stacks/*/servers/*/mcp-manifest.json <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
for f in sys.argv[2:]:
    errs = list(jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(json.load(open(f))))
    assert not errs, f"{f}: {[e.message for e in errs]}"
print(f"manifest schema: valid; {len(sys.argv) - 2} example manifests validate")
PY

# SBOMs of every example stack: SPDX 2.3 validated by the reference tools (pyspdxtools,
# NTIA minimum elements), CycloneDX 1.5 by its JSON schema.
for stack in fixtures/stacks/*/; do
  name="$(basename "$stack")"
  set +e
  ./target/release/mcp-audit scan "$stack" --now 2026-01-31 --format "spdx=$out/$name.spdx.json" --format "cyclonedx=$out/$name.cdx.json" >/dev/null 2>&1
  set -e
  pyspdxtools -i "$out/$name.spdx.json"
  ntia="$(ntia-checker --file "$out/$name.spdx.json" 2>&1 || true)"
  case "$ntia" in *"Conformant: True"*) ;; *) echo "$ntia"; exit 1 ;; esac
  python3 - "$out/$name.cdx.json" <<'PY'
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
err = JsonStrictValidator(SchemaVersion.V1_5).validate_str(open(sys.argv[1]).read())
if err:
    sys.exit(f"{sys.argv[1]}: {err}")
PY
  echo "sbom: $name: SPDX valid and NTIA-conformant, CycloneDX 1.5 valid"
done

fail=0
for f in "$out"/*.sarif; do
  "$multitool" validate --rule-kind "Gh;Sarif" --level "Error;Warning" --log ForceOverwrite -o "$f.validation" "$f" >/dev/null 2>&1 || true
  count=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][0].get('results',[]); [print(x['ruleId'], x['message'].get('arguments') or x['message'].get('text'), file=sys.stderr) for x in r]; print(len(r))" "$f.validation")
  if [ "$count" != "0" ]; then echo "$f: $count multitool errors/warnings" >&2; fail=1; fi
done
echo "sarif multitool: $n files validated"
exit $fail
