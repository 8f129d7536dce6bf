#!/usr/bin/env bash
# Installs what is missing, builds, starts fastly-emulator with the demo account, and walks through
# validate -> plan -> apply -> drift on examples/demo/. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fa_install_missing "${FA_PACKAGES[@]}"
fa_build fastly-accounts fastly-emulator >/dev/null
bin="$FA_BUILD_DIR/fastly-accounts"
work=$(mktemp -d)
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

step "start fastly-emulator with the demo account (examples/demo-seed.json)"
"$FA_BUILD_DIR/src/emulator/fastly-emulator" --port 0 --seed examples/demo-seed.json >"$work/emulator.out" 2>"$work/emulator.err" &
emulator=$!
for _ in $(seq 50); do
    grep -q 'listening on' "$work/emulator.out" 2>/dev/null && break
    sleep 0.1
done
endpoint=$(sed -n 's/^fastly-emulator listening on //p' "$work/emulator.out")
[ -n "$endpoint" ] || { cat "$work/emulator.err" >&2; exit 1; }
echo "$endpoint" >&2
export FASTLY_API_ENDPOINT="$endpoint" FASTLY_API_TOKEN=emulator-superuser-token

step "validate: offline checks of the files, no token needed"
"$bin" validate -f examples/demo/

step "plan: what apply would change (the account has a hand-made user and group the files do not list)"
"$bin" plan -f examples/demo/

step "apply: make the changes (--auto-approve because this is a script)"
"$bin" apply -f examples/demo/ --auto-approve --journal "$FA_BUILD_DIR/demo-journal.jsonl" >/dev/null

step "drift: the account now matches the files"
"$bin" drift -f examples/demo/

step "a change made by hand shows up as drift (exit 2)"
group=$(curl -s -H "Fastly-Key: $FASTLY_API_TOKEN" "$endpoint/user-groups?per_page=100" |
    python3 -c 'import json,sys; print(next(g["id"] for g in json.load(sys.stdin)["data"] if g["name"] == "Developers"))')
curl -s -o /dev/null -X PATCH -H "Fastly-Key: $FASTLY_API_TOKEN" -H 'Content-Type: application/json' \
    -d '{"description": "edited in the control panel"}' "$endpoint/user-groups/$group"
"$bin" drift -f examples/demo/ || echo "(drift exited $?)" >&2

step "done: the apply's journal is $FA_BUILD_DIR/demo-journal.jsonl; README.md explains the rest"
