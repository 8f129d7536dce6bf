#!/usr/bin/env bash
# The step of action.yml that installs a fastly-accounts package: FA_DEB (a path) or FA_DEB_URL (a URL,
# e.g. a release asset, fetched with curl). apt-get installs it with the runtime libraries it depends on.
# The package is built for one Debian/Ubuntu release (scripts/package.sh on it); on another, build instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

deb=${FA_DEB:-}
if [ -z "$deb" ]; then
    [ -n "${FA_DEB_URL:-}" ] || fa_action_fail "neither deb nor deb-url is given"
    [[ $FA_DEB_URL == https://* ]] || fa_action_fail "deb-url must be an https:// URL"
    deb=${RUNNER_TEMP:-/tmp}/fastly-accounts.deb
    curl -sSfL --max-time 300 --retry 3 -o "$deb" "$FA_DEB_URL" || fa_action_fail "could not download $FA_DEB_URL"
fi
[ -f "$deb" ] || fa_action_fail "no package at $deb"
deb=$(realpath "$deb")
dpkg-deb --field "$deb" Package | grep -qx fastly-accounts || fa_action_fail "$deb is not a fastly-accounts package"
# A second use of the action in one job finds the package installed already.
version=$(dpkg-deb --field "$deb" Version)
if [ "$(dpkg-query -W -f='${Status} ${Version}' fastly-accounts 2>/dev/null)" = "install ok installed $version" ]; then
    echo "fastly-accounts $version is installed already" >&2
    exit 0
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$deb"
fastly-accounts --version
