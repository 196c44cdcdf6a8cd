#!/usr/bin/env bash
# Install what the browser tests (tests/browser/) need: Debian's chromium at /usr/bin/chromium.
# Playwright drives it through executable_path and never downloads a browser of its own.
# Idempotent: does nothing when chromium is already installed. Needs root (or sudo) and apt.
set -euo pipefail

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
    echo "setup-browser: $(/usr/bin/chromium --version 2>/dev/null | head -n 1) already installed"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-browser: apt-get not found; install Chromium so that /usr/bin/chromium exists" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
