#!/usr/bin/env bash
# Install what is missing, then build the web app and serve it on http://127.0.0.1:8080, rebuilding
# on every change. Usage: bash scripts/serve.sh [extra trunk serve arguments, e.g. --release]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

ensure_build_tools
log "trunk serve: http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve "$@"
