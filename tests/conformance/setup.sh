#!/usr/bin/env bash
# Installs the official Fastly clients used by the conformance tests (npm ci from the committed lock file).
# Usage: tests/conformance/setup.sh [DIR]   DIR defaults to this folder; e.g. build/conformance.
# Quick when nothing changed: npm ci runs only when node_modules is missing or older than the lock file.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-$here}"
if ! command -v npm >/dev/null 2>&1; then
    echo "conformance setup: npm not found; the conformance test will be skipped" >&2
    exit 0
fi
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
if [ "$dest" != "$here" ]; then
    for file in package.json package-lock.json; do
        # Copy only changed files, so an unchanged lock file stays older than the installed tree.
        cmp -s "$here/$file" "$dest/$file" || cp "$here/$file" "$dest/$file"
    done
fi
marker="$dest/node_modules/.package-lock.json"
if [ -f "$marker" ] && [ "$marker" -nt "$dest/package-lock.json" ] \
    && [ -x "$dest/node_modules/@fastly/cli-linux-x64/fastly" ] && [ -d "$dest/node_modules/fastly" ]; then
    echo "conformance setup: $dest/node_modules is up to date"
    exit 0
fi
echo "conformance setup: npm ci in $dest"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
