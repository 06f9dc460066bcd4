#!/usr/bin/env bash
# Fuzz the parsers for a bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets (fuzz/fuzz_targets/): dockerfile, compose (YAML loader + merge keys +
# interpolation + .env), metadata (server.yaml, server.json, mcp-manifest.json, client
# configs, Kubernetes manifests; the first input byte picks the parser), resolve
# (discovery + parsing + resolution of a Dockerfile, compose.yaml, override, .env and
# .mcp.json written to a temporary directory, split on "\n@@@@\n").
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`) and a C++ compiler. Only a
# stable toolchain is assumed: RUSTC_BOOTSTRAP=1 lets it accept the nightly-only flags
# cargo-fuzz passes. No sanitizer (-s none): the code is safe Rust, and panics, hangs
# (-timeout) and memory blow-ups (-rss_limit_mb) are what we look for.
#
# The corpora are seeded from the shared corpus of real files (CORPUS, default
# ../shared/corpus) into fuzz/corpus/ (git-ignored); nothing is copied into the repo.
# Crashes land in fuzz/artifacts/<target>/: minimise one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none <target> <artifact>
# and add it as a regression test (tests/hostile.rs, `fuzz_regressions`).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(dockerfile compose metadata resolve)
CORPUS=${CORPUS:-../shared/corpus}
CORPUS=$(cd "$CORPUS" 2>/dev/null && pwd || echo "$CORPUS")
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

# seed DIR SELECTOR_BYTE_OR_EMPTY FIND_ARGS...: copy small real files into DIR.
seed() {
  local dir=$1 sel=$2
  shift 2
  mkdir -p "$dir"
  [ -d "$CORPUS" ] || return 0
  [ -z "$(ls -A "$dir" 2>/dev/null)" ] || return 0 # already seeded
  # (find gets SIGPIPE when head has enough: not an error)
  { find "$CORPUS" -type f -size -64k \( "$@" \) -print0 || true; } | head -z -n 3000 |
    while IFS= read -r -d '' f; do
      local h
      h=$(sha1sum "$f" | cut -c1-16)
      if [ -n "$sel" ]; then
        { printf "\\x$sel"; cat "$f"; } >"$dir/$h"
      else
        cp "$f" "$dir/$h"
      fi
    done
}

cd fuzz
seed corpus/dockerfile "" -name 'Dockerfile*' -o -name '*.Dockerfile' -o -name 'Containerfile*'
seed corpus/compose "" -name 'compose*.y*ml' -o -name 'docker-compose*.y*ml'
if [ -z "$(ls -A corpus/metadata 2>/dev/null)" ]; then
  seed corpus/metadata/0 00 -name server.yaml
  seed corpus/metadata/1 01 -name server.json
  seed corpus/metadata/2 02 -name 'mcp-manifest.json' -o -name manifest.json
  seed corpus/metadata/3 03 -name 'mcp.json' -o -name '*mcp*config*.json' -o -name '.mcp.json'
  seed corpus/metadata/4 04 -path '*kompose*' -name '*.y*ml'
  mv corpus/metadata/?/* corpus/metadata/ 2>/dev/null || true
  rmdir corpus/metadata/? 2>/dev/null || true
fi

cargo fuzz build -s none
# resolve: a directory's Dockerfile, Compose file, override and .env, joined.
if [ -z "$(ls -A corpus/resolve 2>/dev/null)" ] && [ -d "$CORPUS" ]; then
  mkdir -p corpus/resolve
  { find "$CORPUS" ../fixtures -type f -size -64k \( -name 'compose*.y*ml' -o -name 'docker-compose*.y*ml' \) -print0 || true; } |
    head -z -n 1000 | while IFS= read -r -d '' c; do
      d=$(dirname "$c")
      {
        cat "$d/Dockerfile" 2>/dev/null || true
        printf '\n@@@@\n'
        cat "$c"
        printf '\n@@@@\n'
        cat "$d"/*override*.y*ml 2>/dev/null || true
        printf '\n@@@@\n'
        cat "$d/.env" 2>/dev/null || true
        printf '\n@@@@\n'
      } >"corpus/resolve/$(sha1sum "$c" | cut -c1-16)"
    done
fi

status=0
for t in "${TARGETS[@]}"; do
  echo "== $t: ${SECS}s, $(ls corpus/$t | wc -l) seed inputs"
  start=$(date +%s)
  if ! cargo fuzz run -s none "$t" "corpus/$t" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1 2>"artifacts-$t.log"; then
    status=1
    echo "!! $t found a problem: see fuzz/artifacts/$t/ and fuzz/artifacts-$t.log" >&2
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)" "artifacts-$t.log" || true
  echo "   ran $(($(date +%s) - start))s"
done
exit $status
