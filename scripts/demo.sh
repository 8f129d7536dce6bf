#!/usr/bin/env bash
# Installs what is missing, builds, and walks through the tool on examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGES[@]}"
fa_build fastly-accounts >/dev/null
bin="$FA_BUILD_DIR/fastly-accounts"

fa_log "validate the small demo account (examples/*.yaml)"
"$bin" validate -f examples/
fa_log "validate the larger account (examples/large/)"
"$bin" validate -f examples/large/
fa_log "a file with mistakes: every problem is reported, each with its place"
"$bin" validate -f tests/fixtures/validate/bad-references.yaml || true
