#!/usr/bin/env bash
# Makes what the package installs beside the binaries, from the built binaries themselves:
#   OUT/man/*.1.gz                 man pages, by help2man from --help and --version: fastly-accounts(1),
#                                  one per command (fastly-accounts-plan(1), ...) and fastly-emulator(1);
#   OUT/completion/fastly-accounts the bash completion, from `fastly-accounts completion bash`.
# Run by `cmake --install` (cmake/packaging.cmake), so by CPack too.
# Usage: scripts/package-docs.sh FASTLY_ACCOUNTS FASTLY_EMULATOR OUT
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 FASTLY_ACCOUNTS FASTLY_EMULATOR OUT" >&2; exit 1; }
accounts=$(realpath "$1")
emulator=$(realpath "$2")
out=$3
command -v help2man >/dev/null || { echo "$0: help2man is missing (apt-get install help2man)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/man" "$out/completion"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The commands listed in the "Subcommands:" section of --help (hidden ones are not listed).
commands=$("$accounts" --help | sed -n '/^Subcommands:/,/^[^ ]/{s/^  \([a-z][a-z-]*\) .*/\1/p}')
[ -n "$commands" ] || { echo "$0: no command found in '$accounts --help'" >&2; exit 1; }
version=$("$accounts" --version)

see_also="fastly-accounts(1), fastly-emulator(1)"
for command in $commands; do
    see_also+=", fastly-accounts-$command(1)"
done
printf '[SEE ALSO]\n%s\n\nREADME.md in /usr/share/doc/fastly-accounts holds the file format and the exit codes.\n' \
    "$see_also" > "$work/see-also.h2m"

# help2man names a page after the program it runs: each command gets a small program of its own name.
page() {  # NAME DESCRIPTION PROGRAM [help2man options]
    local name=$1 description=$2 program=$3
    shift 3
    help2man --no-info --section 1 --name "$description" --include "$work/see-also.h2m" "$@" \
        --output "$work/$name.1" "$program"
    gzip -9n -c "$work/$name.1" > "$out/man/$name.1.gz"
}

page fastly-accounts "manage a Fastly account's access as code" "$accounts"
page fastly-emulator "a local emulator of the Fastly Account and IAM API" "$emulator"
for command in $commands; do
    description=$("$accounts" "$command" --help | head -n 1)
    description=${description%.}
    printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$accounts" "$command" > "$work/fastly-accounts-$command"
    chmod +x "$work/fastly-accounts-$command"
    page "fastly-accounts-$command" "${description,}" "$work/fastly-accounts-$command" \
        --version-string "${version##* }"
done

"$accounts" completion bash > "$out/completion/fastly-accounts"
bash -n "$out/completion/fastly-accounts"
