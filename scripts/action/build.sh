#!/usr/bin/env bash
# The step of action.yml that builds the package from the action's own source and installs it, when no
# package is given. With `key`, prints instead the cache key of this source (key=SHA256 for GITHUB_OUTPUT):
# the action restores build-release/ and the ccache directory under that key, or a previous one.
# Env: FA_CCACHE_DIR (default ~/.cache/fastly-accounts-ccache).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
here=$source_dir/scripts/action
. "$here/lib.sh"

if [ "${1:-}" = key ]; then
    cd "$source_dir"
    key=$(find CMakeLists.txt cmake include src schemas scripts -type f -print0 | sort -z | xargs -0 sha256sum |
        sha256sum | cut -c1-32)
    echo "key=$key"
    exit 0
fi

# A second use of the action in one job (RUNNER_TEMP is the job's) finds the package built and installed.
marker=${RUNNER_TEMP:-/tmp}/fastly-accounts-built
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$source_dir" ] && command -v fastly-accounts >/dev/null; then
    echo "$(fastly-accounts --version) is built and installed already" >&2
    exit 0
fi

. "$source_dir/scripts/lib/common.sh"
fa_install_missing ccache
export CCACHE_DIR=${FA_CCACHE_DIR:-$HOME/.cache/fastly-accounts-ccache} CCACHE_BASEDIR=$source_dir
export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
out=${RUNNER_TEMP:-/tmp}/fastly-accounts-package
"$source_dir/scripts/package.sh" "$out"
ccache --show-stats || true
FA_DEB=$(ls "$out"/fastly-accounts_*.deb) "$here/install.sh"
echo "$source_dir" > "$marker"
