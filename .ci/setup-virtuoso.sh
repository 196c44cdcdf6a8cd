#!/usr/bin/env bash
# Install Debian's Virtuoso 7 (virtuoso-t, isql-vt) so tests/test_remote.py can build into a
# real Virtuoso as well as a real `oxigraph serve`. The test skips with a reason without it.
# Idempotent: does nothing when Virtuoso is already installed. Needs root (or sudo) and apt.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    echo "setup-virtuoso: virtuoso-t already installed"
    exit 0
fi
status=0
bash "$(dirname "$0")/apt-install.sh" setup-virtuoso virtuoso-opensource-7 || status=$?
if [ "$status" -eq 3 ]; then
    echo "setup-virtuoso: the Virtuoso test will be skipped" >&2
    exit 0
fi
[ "$status" -eq 0 ] || exit "$status"
command -v virtuoso-t
