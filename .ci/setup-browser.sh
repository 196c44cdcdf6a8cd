#!/usr/bin/env bash
# Install what the browser tests (tests/browser/) need: Debian's chromium at /usr/bin/chromium.
# Playwright drives it through executable_path and never downloads a browser of its own.
# Idempotent: does nothing when chromium is already installed. Needs root (or sudo) and apt.
set -euo pipefail

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
    echo "setup-browser: $(/usr/bin/chromium --version 2>/dev/null | head -n 1) already installed"
    exit 0
fi
bash "$(dirname "$0")/apt-install.sh" setup-browser chromium fonts-dejavu-core
/usr/bin/chromium --version
