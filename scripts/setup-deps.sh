#!/usr/bin/env bash
# Installs what building and testing Raksa needs on a fresh Debian/Ubuntu machine:
# system libraries (apt), tauri-driver (cargo) and the npm packages of ui/ and tests/e2e/.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
  build-essential pkg-config file
  xvfb xauth webkit2gtk-driver   # E2E: a display and the WebKit WebDriver
  poppler-utils                  # pdftotext/pdffonts/pdftoppm for PDF checks
  mupdf-tools                    # mutool: MuPDF, one of the six PDF engines letters are read with
)
if [ "${1:-}" = "--with-test-tools" ]; then
  # A real browser for the pages raksa-server serves (tests/e2e/national-page.test.mjs).
  APT_PACKAGES+=(chromium chromium-driver)
fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--with-test-tools" ]; then
  if ! command -v tauri-driver >/dev/null 2>&1; then
    echo "==> cargo install tauri-driver"
    cargo install tauri-driver --version 2.1.0 --locked --quiet
  fi
fi

# The other PDF engines of the letters' text test: PDFium, pypdf, pdfminer.six (Python, in
# a venv of their own) and PDF.js (npm).
if [ ! -x tests/pdf-engines/.venv/bin/python ] \
  || ! tests/pdf-engines/.venv/bin/python -c "import pypdf, pdfminer, pypdfium2, pythainlp" 2>/dev/null; then
  echo "==> python venv (tests/pdf-engines)"
  python3 -m venv tests/pdf-engines/.venv
  tests/pdf-engines/.venv/bin/pip install --quiet --disable-pip-version-check -r tests/pdf-engines/requirements.txt
fi
echo "==> npm ci (tests/pdf-engines)"
(cd tests/pdf-engines && npm ci --no-audit --no-fund --loglevel=error)

echo "==> npm ci (ui)"
(cd ui && npm ci --no-audit --no-fund --loglevel=error)
if [ "${1:-}" = "--with-test-tools" ]; then
  echo "==> npm ci (tests/e2e)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
