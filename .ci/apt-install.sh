#!/usr/bin/env bash
# Usage: apt-install.sh NAME PACKAGE... — install Debian packages with apt-get, as root or through
# sudo, quietly and without recommends. Exits 3 (after saying so) when apt-get is missing.
set -euo pipefail
name=$1; shift
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: apt-get not found; install $* by other means" >&2
    exit 3
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
