# shellcheck shell=bash
# Shared by scripts/serve.sh and scripts/test.sh (sourced, from the repository root): install each
# tool the build needs when it is missing or at the wrong version. Nothing here downloads a prebuilt
# binary: Rust tools are compiled by `cargo install` from crates.io, wasm-opt comes from the npm
# package `binaryen` (wasm/JS), Chromium from Debian's apt.

TRUNK_VERSION="0.21.14"        # newer Trunk releases need a newer rustc than 1.95
BINARYEN_VERSION="132.0.0"     # wasm-opt; Trunk.toml pins wasm_opt = "version_132"
PLAYWRIGHT_CORE_VERSION="1.65.1"
NODE_MIN_MAJOR=20              # playwright-core 1.65 needs Node >= 20

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

# Run as root directly, otherwise through sudo (apt-get only).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The version Cargo.lock pins for a crate (first match), e.g. `lock_version wasm-bindgen`.
lock_version() {
  awk -v want="name = \"$1\"" '$0 == want { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock
}

ensure_rust() {
  if [ -d "$HOME/.cargo/bin" ]; then
    case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
  fi
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_rust_components() {
  cargo fmt --version >/dev/null 2>&1 || { log "rustup component add rustfmt"; rustup component add rustfmt; }
  cargo clippy --version >/dev/null 2>&1 || { log "rustup component add clippy"; rustup component add clippy; }
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    log "cargo install --locked trunk --version $TRUNK_VERSION (compiles from source, ~10 min)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
}

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock, and Trunk.toml
# must name the same version (otherwise Trunk would try to download its own copy).
ensure_wasm_bindgen() {
  local want
  want="$(lock_version wasm-bindgen)"
  [ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
  grep -q "^wasm_bindgen = \"$want\"" Trunk.toml ||
    die "Trunk.toml [tools] wasm_bindgen must be \"$want\" (the version in Cargo.lock)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ] ||
    [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $want" ]; then
    # Without --locked: the CLI's own lock file wants a crate version crates.io no longer has.
    log "cargo install wasm-bindgen-cli --version $want (compiles from source, ~4 min)"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    die "node and npm not found: install Node.js >= $NODE_MIN_MAJOR"
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge "$NODE_MIN_MAJOR" ] || die "Node.js >= $NODE_MIN_MAJOR needed (found $(node --version))"
}

# npm dev-dependencies from package.json / package-lock.json: binaryen (wasm-opt) and playwright-core.
ensure_npm_deps() {
  ensure_node
  local have_opt have_pw
  have_opt="$(node_modules/.bin/wasm-opt --version 2>/dev/null || true)"
  have_pw="$(node -p 'require("./node_modules/playwright-core/package.json").version' 2>/dev/null || true)"
  if [ "$have_opt" != "wasm-opt version ${BINARYEN_VERSION%%.*} (version_${BINARYEN_VERSION%%.*})" ] ||
    [ "$have_pw" != "$PLAYWRIGHT_CORE_VERSION" ]; then
    log "npm ci (binaryen $BINARYEN_VERSION, playwright-core $PLAYWRIGHT_CORE_VERSION)"
    npm ci --no-audit --no-fund
  fi
  # Our wasm-opt first: never Debian's binaryen (wasm-opt 108 silently breaks the module).
  export PATH="$PWD/node_modules/.bin:$PATH"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "apt-get install -y chromium chromium-driver"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi
}

# Everything `trunk build` / `trunk serve` needs, then the crates (Trunk.toml's offline = true makes
# Trunk run cargo offline, so the registry must be fetched first).
ensure_build_tools() {
  ensure_rust
  ensure_trunk
  ensure_wasm_bindgen
  ensure_npm_deps
  export TRUNK_SKIP_VERSION_CHECK=true
  log "cargo fetch"
  cargo fetch
}
