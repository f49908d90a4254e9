#!/usr/bin/env bash
# Builds the installers for this platform with the Tauri CLI (pinned to the app's Tauri
# version): .deb and AppImage on Linux, .msi on Windows (run from Git Bash there, with
# the WiX toolset that the Tauri CLI fetches or that is installed). Output:
# $CARGO_TARGET_DIR/release/bundle/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
export TAURI_FRONTEND_PATH=ui
# On Linux the default is the .deb: the AppImage step downloads linuxdeploy and its
# plugins at build time, which a build machine without internet cannot do. Where it can,
# `bash scripts/build-installers.sh --bundles appimage` makes one.
if [ $# -eq 0 ] && [ "$(uname -s)" = Linux ]; then
  set -- --bundles deb
fi
# Signed updates (docs/releases.md): the ministry's public key is compiled in; without it
# the build works but never updates itself.
if [ -z "${RAKSA_UPDATE_PUBKEY:-}" ]; then
  echo "note: RAKSA_UPDATE_PUBKEY is not set: this build will not update itself (docs/releases.md)" >&2
fi
npx --yes @tauri-apps/cli@2.12.5 build "$@"
