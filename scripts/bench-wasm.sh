#!/usr/bin/env bash
# Time the engine's apply benchmark as WebAssembly: build crates/bench/src/main.rs for
# wasm32-wasip1 and run it under Node's WASI (the same code `cargo run -p svcsim-bench`
# times natively). Usage: bash scripts/bench-wasm.sh [large|thresholds|small|dataplane|page] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip1 >/dev/null 2>&1 || true
cargo build --release -p svcsim-bench --target wasm32-wasip1
node --no-warnings scripts/wasi-run.mjs target/wasm32-wasip1/release/bench_apply.wasm "${1:-large}" "${2:-5}"
