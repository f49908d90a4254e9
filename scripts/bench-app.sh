#!/usr/bin/env bash
# App benchmarks (numbers go to docs/benchmarks.md): release binary size, cold start to
# the unlock screen, memory of all app processes after unlock; then the core benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
(cd ui && npx vite build --logLevel warn)
cargo build --release --bin raksa
dir=$(mktemp -d)/office
export RAKSA_PASSPHRASE="benchmark-pass-2569"
"$target/release/raksa" --data-dir "$dir" init --office-name "สำนักงานทดสอบ" --office-address "ศาลากลาง" \
  --letter-code พล --office-number 0027 --office-phone 055252222 --admin-user admin --admin-name "ผู้ดูแล" --admin-position "ทดสอบ" >/dev/null
(cd tests/e2e && RAKSA_APP="$target/release/raksa" RAKSA_BENCH_DIR="$dir" \
  xvfb-run -a -s "-screen 0 1280x860x24" node bench-app.mjs)
echo
cargo run --quiet --release -p raksa-core --example bench -- "${1:-100000}"
