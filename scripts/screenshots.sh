#!/usr/bin/env bash
# Regenerates docs/screenshots/ from the real app (the E2E flow saves them as it goes).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
rm -f docs/screenshots/*.png
(cd ui && npx vite build --logLevel warn)
cargo build --bin raksa
(cd tests/e2e && RAKSA_APP="$target/debug/raksa" RAKSA_SCREENSHOT_DIR="$PWD/../../docs/screenshots" \
  xvfb-run -a -s "-screen 0 1280x860x24" node --test --test-concurrency=1 ./*.test.mjs)
ls -1 docs/screenshots
