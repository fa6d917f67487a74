#!/usr/bin/env bash
# Install what is missing, then run every check: formatting, clippy (native and wasm32), native
# tests, wasm tests in headless Chromium, a release build with Trunk, and the browser end-to-end
# tests against that build. Every phase runs even if an earlier one failed (the end-to-end tests are
# skipped when the build failed); the exit status is non-zero if any phase failed.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

ensure_build_tools
ensure_rust_components
ensure_chromium
# wasm-bindgen-test-runner: always Chromium (it would pick Firefox if geckodriver came first).
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
results=()
phases=()
failed=0
build_ok=1

# phase NAME COMMAND...: run, time, keep the output for the summary.
phase() {
  local name="$1"
  shift
  log "[$name] $*"
  phases+=("$name")
  local start end rc
  start="$(date +%s.%N)"
  set +e
  "$@" 2>&1 | tee "$logs/$name.log"
  rc="${PIPESTATUS[0]}"
  set -e
  end="$(date +%s.%N)"
  local secs
  secs="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
  if [ "$rc" -eq 0 ]; then
    results+=("PASS  $(printf '%-14s %7ss' "$name" "$secs")")
  else
    results+=("FAIL  $(printf '%-14s %7ss  (exit %s)' "$name" "$secs" "$rc")")
    failed=1
  fi
  return "$rc"
}

total_start="$(date +%s)"

phase fmt cargo fmt --all -- --check || true
phase clippy cargo clippy --workspace --all-targets -- -D warnings || true
# The engine's own tests need proptest, which does not build for wasm32-unknown-unknown; on wasm32
# clippy checks every library and binary, and all targets (tests included) of the web app.
phase clippy-wasm bash -c 'cargo clippy --workspace --target wasm32-unknown-unknown -- -D warnings &&
  cargo clippy -p svcsim-web --all-targets --target wasm32-unknown-unknown -- -D warnings' || true
phase test cargo test --workspace || true
# Issue 14: a quick performance regression check (CPU time, at the bench profile, 3x budgets;
# crates/bench/src/budget.rs). The full-size measurements are the criterion benches, out of CI.
phase budget cargo run --quiet --profile bench -p svcsim-bench -- budget || true
# From .cargo/config.toml: the runner (wasm-bindgen-test-runner, in headless Chromium) and the
# wasm-test profile (dev without debug info: test modules 10x smaller, wasm-bindgen 10x faster).
phase test-wasm cargo test -p svcsim-web --target wasm32-unknown-unknown --profile wasm-test || true
phase trunk-build trunk build --release || build_ok=0
# The Pages workflow's build (.github/workflows/pages.yml): the same command under a repository
# sub-path; tests/e2e/subpath.test.mjs serves it at /svcsim/ and checks the page works there.
phase trunk-subpath trunk build --release --public-url /svcsim/ --dist target/dist-subpath || build_ok=0
if [ "$build_ok" -eq 1 ]; then
  phase e2e node --test --test-reporter=spec tests/e2e/ || true
else
  results+=("SKIP  e2e            (the release build failed)")
  failed=1
fi

total_end="$(date +%s)"
log "summary"
echo "Runner summaries:"
for name in "${phases[@]}"; do
  # cargo/libtest and wasm-bindgen-test-runner: `test result:`; node --test: `ℹ tests|pass|fail …`.
  lines="$(grep -E '^test result:|^[[:space:]]*(ℹ|#) (tests|pass|fail|cancelled|skipped|todo|duration_ms) ' \
    "$logs/$name.log" || true)"
  if [ -n "$lines" ]; then
    printf '  [%s]\n    %s\n' "$name" "${lines//$'\n'/$'\n'    }"
  fi
done
echo
echo "Phases:"
printf '  %s\n' "${results[@]}"
echo "  total $((total_end - total_start))s"
if [ "$failed" -ne 0 ]; then
  echo "FAILED"
  exit 1
fi
echo "ALL PASSED"
