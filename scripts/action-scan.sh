#!/usr/bin/env bash
# The GitHub Action's scan step (action.yml): one scan writing SARIF, JSON for the
# outputs, a markdown summary and annotations (and an SBOM when asked); then the step
# fails by the thresholds. Reads INPUT_* variables; writes GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY.
set -uo pipefail
bin="${MCP_AUDIT_BIN:-mcp-audit}"
tmp="$(mktemp -d)"
args=(scan)
read -r -a paths <<< "${INPUT_PATH:-.}"
args+=("${paths[@]}")
sarif="${INPUT_SARIF_FILE:-mcp-audit.sarif}"
args+=(--format "sarif=$sarif" --format "json=$tmp/result.json" --format "markdown=$tmp/summary.md" --format github)
[ -n "${INPUT_SBOM_FILE:-}" ] && args+=(--format "spdx=$INPUT_SBOM_FILE")
if [ -n "${INPUT_FORMAT:-}" ]; then
  read -r -a extra <<< "$INPUT_FORMAT"
  for f in "${extra[@]}"; do args+=(--format "$f"); done
fi
args+=(--fail-on "${INPUT_FAIL_ON:-high}")
[ -n "${INPUT_MIN_SCORE:-}" ] && args+=(--min-score "$INPUT_MIN_SCORE")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
if [ -n "${INPUT_POLICY:-}" ]; then
  read -r -a pols <<< "$INPUT_POLICY"
  for p in "${pols[@]}"; do args+=(--policy "$p"); done
fi
"$bin" "${args[@]}"
code=$?
if [ -f "$tmp/result.json" ]; then
  score="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["project_score"])' "$tmp/result.json")"
  rate="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["compliance_rate"])' "$tmp/result.json")"
  {
    echo "score=$score"
    echo "compliance-rate=$rate"
    echo "sarif-file=$sarif"
  } >> "${GITHUB_OUTPUT:-/dev/null}"
fi
[ -f "$tmp/summary.md" ] && cat "$tmp/summary.md" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
rm -rf "$tmp"
exit "$code"
