#!/usr/bin/env bash
# Runs every check and test of Raksa: hygiene (rustfmt, cargo audit against the offline
# RustSec snapshot, clippy, tsc, eslint), layer boundaries, generated TypeScript bindings
# up to date, Rust tests of every crate, front-end unit tests, the end-to-end test of the
# real app under Xvfb, and the .deb built, installed and run. Exits non-zero on the first
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export PATH="$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TARGET_DIR="$target"

step() { printf '\n==> %s\n' "$*"; }

step "dependencies"
bash scripts/setup-deps.sh --with-test-tools

step "front-end hygiene: tsc --noEmit, eslint"
(cd ui && npx tsc --noEmit && npx eslint . --max-warnings 0)

step "front-end unit tests (vitest)"
(cd ui && npx vitest run)

step "build the UI (embedded into the app binary)"
(cd ui && npx vite build --logLevel warn)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo audit: no known vulnerability, every warning decided (docs/security.md)"
advisory_db="$PWD/../shared/advisory-db"
if [ -d "$advisory_db" ]; then
  command -v cargo-audit >/dev/null 2>&1 || cargo install cargo-audit --version 0.22.2 --locked --quiet
  # The IDs the table in docs/security.md decided to accept.
  ignores=()
  for id in $(grep -oE '^\| RUSTSEC-[0-9]{4}-[0-9]{4}' docs/security.md | tr -d '| '); do
    ignores+=(--ignore "$id")
  done
  cargo audit --db "$advisory_db" --no-fetch --deny warnings "${ignores[@]}"
elif [ -n "${CI:-}" ]; then
  echo "the advisory database ../shared/advisory-db is missing" >&2
  exit 1
else
  echo "(no ../shared/advisory-db here: skipped)"
fi

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "layer boundaries: the server and the domain crate link no SQLCipher, PDF or spreadsheet reader"
bad="$(cargo tree --locked -p raksa-server -e normal,build --prefix none | grep -E '^(raksa-core|krilla|calamine) ' || true)"
bad="$bad$(cargo tree --locked -p raksa-server -e features -i libsqlite3-sys --prefix none | grep -E 'bundled-sqlcipher' || true)"
bad="$bad$(cargo tree --locked -p raksa-domain -e normal --prefix none | grep -E '^(rusqlite|libsqlite3-sys|postgres|krilla|calamine|printpdf) ' || true)"
if [ -n "$bad" ]; then echo "$bad"; echo "a layer links what it must not (see ARCHITECTURE.md)" >&2; exit 1; fi

step "PostgreSQL for the server tests (127.0.0.1:5432)"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432

step "Rust tests (core, letters, protocol, server on SQLite and PostgreSQL, desktop/CLI)"
cargo build --locked -p raksa-server   # the end-to-end sync test runs the real server binary
cargo test --workspace --locked

step "TypeScript bindings generated from Rust are committed and current"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  echo "ui/src/bindings changed when regenerated: run 'cargo test -p raksa-core' and commit them." >&2
  exit 1
fi

step "end-to-end test of the real app (tauri-driver + WebKitWebDriver under Xvfb)"
(cd tests/e2e && RAKSA_APP="$target/debug/raksa" xvfb-run -a -s "-screen 0 1280x860x24" \
  node --test --test-concurrency=1 ./*.test.mjs)

step "the installer: build the .deb, install it with dpkg, run the installed app"
bash scripts/test-installer.sh

printf '\nAll checks and tests passed.\n'
