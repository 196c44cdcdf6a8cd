#!/usr/bin/env bash
# Install the Node clients the tests run against the live server (Comunica, the W3C
# rdf-test-suite runner) exactly as locked in tests/clients/package-lock.json.
# Without node/npm this says so and succeeds: those tests then skip with that reason.
set -euo pipefail
cd "$(dirname "$0")/../tests/clients"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "setup-node: node/npm not found; the Comunica and rdf-test-suite tests will be skipped" >&2
    exit 0
fi
stamp=node_modules/.kg-installed
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
