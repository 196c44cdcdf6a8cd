#!/usr/bin/env bash
# Install Debian's Virtuoso 7 (virtuoso-t, isql-vt) so tests/test_remote.py can build into a
# real Virtuoso as well as a real `oxigraph serve`. The test skips with a reason without it.
# Idempotent: does nothing when Virtuoso is already installed. Needs root (or sudo) and apt.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    echo "setup-virtuoso: virtuoso-t already installed"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-virtuoso: apt-get not found; the Virtuoso test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource-7 >/dev/null
command -v virtuoso-t
