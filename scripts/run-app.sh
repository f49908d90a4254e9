#!/usr/bin/env bash
# Builds and starts the Raksa desktop app (release build). Extra arguments go to the app,
# e.g. `scripts/run-app.sh --data-dir /tmp/office`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
echo "==> building the UI"
(cd ui && npm run build --silent)
echo "==> building and starting the app"
exec cargo run --release --bin raksa -- "$@"
