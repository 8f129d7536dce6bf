#!/usr/bin/env bash
# Builds the Debian package of fastly-accounts with CPack into DIR: both binaries in /usr/bin, the JSON
# Schema in /usr/share/fastly-accounts/schemas/, man pages made from --help (help2man), the bash completion
# in /usr/share/bash-completion/completions/, the README and the CI examples in /usr/share/doc/; the
# runtime libraries it depends on found by dpkg-shlibdeps. Installs the missing Debian packages first, then
# builds Release binaries in build-release/ (as scripts/install.sh does) and packages them. Prints the
# package's path.
#
# Usage: scripts/package.sh DIR
# Env:   FA_PACKAGE_BUILD_DIR=DIR packages what that configured build directory already holds instead of
#        building build-release/ (the tests package build/); nothing is compiled when it is up to date.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 1; }
mkdir -p "$1"
dest=$(realpath "$1")
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGE_PACKAGES[@]}"
if [ -n "${FA_PACKAGE_BUILD_DIR:-}" ]; then
    build=$(realpath "$FA_PACKAGE_BUILD_DIR")
    [ -f "$build/CPackConfig.cmake" ] || { echo "$0: $build is not a configured build directory" >&2; exit 1; }
else
    fa_install_missing "${FA_PACKAGES[@]}"
    # Set, not given as a prefix of the call: bash would pass an array prefix as the string "(...)".
    FA_BUILD_DIR=build-release FA_BUILD_TYPE=Release FA_CMAKE_ARGS=(-DFASTLY_ACCOUNTS_BUILD_TESTS=OFF)
    fa_build fastly-accounts fastly-emulator
    build=$PWD/build-release
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
if ! cpack --config "$build/CPackConfig.cmake" -G DEB -B "$staging" > "$staging/cpack.log" 2>&1; then
    cat "$staging/cpack.log" >&2
    echo "$0: cpack failed" >&2
    exit 1
fi
debs=("$staging"/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { cat "$staging/cpack.log" >&2; echo "$0: cpack made no package" >&2; exit 1; }

# The package's version is the one the program reports.
version=$(dpkg-deb --field "${debs[0]}" Version)
reported=$("$build/fastly-accounts" --version)
if [ "$reported" != "fastly-accounts $version" ]; then
    echo "$0: the package is version $version but the program says '$reported'" >&2
    exit 1
fi
mv "${debs[0]}" "$dest/"
fa_log "built $(dpkg-deb --field "$dest/$(basename "${debs[0]}")" Package) $version"
echo "$dest/$(basename "${debs[0]}")"
