#!/usr/bin/env bash
# Builds the Linux installer (.deb) with the README's command, installs it on this machine
# with dpkg and runs the *installed* program: --version, a headless set-up and check of an
# office in a throwaway folder, and the window under Xvfb. Also checks what a packager
# would: a real maintainer, a stripped binary. CI runs it from scripts/test-all.sh.
# (The AppImage needs downloads a build machine without internet cannot make: see README.)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TARGET_DIR="$target"

for p in x11-utils dpkg-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

echo "==> build the .deb (bash scripts/build-installers.sh --bundles deb)"
rm -f "$target"/release/bundle/deb/*.deb
bash scripts/build-installers.sh --bundles deb >/tmp/raksa-installer-build.log 2>&1 || {
  tail -40 /tmp/raksa-installer-build.log
  exit 1
}
deb="$(ls "$target"/release/bundle/deb/*.deb | head -1)"
echo "built $deb ($(du -h "$deb" | cut -f1))"

fail() { echo "installer test: $*" >&2; exit 1; }

maintainer="$(dpkg-deb -f "$deb" Maintainer)"
echo "Maintainer: $maintainer"
case "$maintainer" in *Raksa*) ;; *) fail "the package's maintainer is '$maintainer'" ;; esac

echo "==> dpkg -i (dependencies from apt)"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null
bin="$(command -v raksa)" || fail "raksa is not on PATH after installing"
[ "$bin" = /usr/bin/raksa ] || fail "raksa installed at $bin"
file "$bin" | grep -q ", stripped" || fail "the installed binary is not stripped: $(file "$bin")"
echo "installed $bin ($(du -h "$bin" | cut -f1), stripped)"

echo "==> the installed raksa: --version, init, check"
"$bin" --version | grep -q "^raksa 0\.1\.0" || fail "--version: $("$bin" --version)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export RAKSA_PASSPHRASE="รหัสผ่านทดสอบติดตั้ง-2569"
"$bin" --data-dir "$work/office" init --office-name "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก" \
  --office-address "ศาลากลางจังหวัดพิษณุโลก" --letter-code พล --office-number 0027 --office-phone 055-252-222 \
  --admin-user somchai --admin-name "นายสมชาย ใจดี" --admin-position "นักสังคมสงเคราะห์" >"$work/init.txt"
"$bin" --data-dir "$work/office" check --user somchai >"$work/check.txt" || fail "check: $(cat "$work/check.txt")"
unset RAKSA_PASSPHRASE

echo "==> the installed raksa opens its window under Xvfb"
RAKSA_DATA_DIR="$work/window" xvfb-run -a -s "-screen 0 1280x860x24" bash -c '
  raksa & pid=$!
  for _ in $(seq 1 60); do
    if xwininfo -root -tree 2>/dev/null | grep -q "Raksa"; then
      echo "window: $(xwininfo -root -tree | grep -m1 "Raksa" | sed "s/^ *//")"
      kill "$pid"; wait "$pid" 2>/dev/null || true; exit 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "raksa exited before showing a window" >&2; exit 1; }
    sleep 0.5
  done
  echo "no Raksa window within 30 s" >&2; kill "$pid"; exit 1
'
echo "installer test passed"
