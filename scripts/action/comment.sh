#!/usr/bin/env bash
# Posts the Markdown FILE as the pull request's plan comment, or updates the one this action posted before:
# one sticky comment per pull request, found by its hidden first line (FA_COMMENT_MARKER). Uses the GitHub
# REST API with curl: GET /repos/R/issues/N/comments (every page), then PATCH /repos/R/issues/comments/ID
# or POST /repos/R/issues/N/comments.
# Env: GITHUB_TOKEN (pull-requests: write), GITHUB_REPOSITORY (owner/name), GITHUB_API_URL (default
#      https://api.github.com), FA_PULL_REQUEST or GITHUB_EVENT_PATH (the pull request's number),
#      FA_COMMENT_MARKER (default <!-- fastly-accounts plan -->).
# Usage: scripts/action/comment.sh FILE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

report=${1:?usage: comment.sh FILE}
marker=${FA_COMMENT_MARKER:-<!-- fastly-accounts plan -->}
api=${GITHUB_API_URL:-https://api.github.com}
repo=${GITHUB_REPOSITORY:-}
number=${FA_PULL_REQUEST:-}
if [ -z "$number" ] && [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
    number=$(python3 -c 'import json, sys; print((json.load(sys.stdin).get("pull_request") or {}).get("number") or "")' \
        < "$GITHUB_EVENT_PATH")
fi
if [ -z "$number" ]; then
    echo "fastly-accounts action: not a pull request: the plan is not posted as a comment" >&2
    exit 0
fi
[[ $number =~ ^[0-9]+$ ]] || fa_action_fail "the pull request number '$number' is not a number"
[[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fa_action_fail "GITHUB_REPOSITORY '$repo' is not owner/name"
[ -n "${GITHUB_TOKEN:-}" ] || fa_action_fail "no GITHUB_TOKEN to post the plan comment with (input github-token)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The token goes to curl in a file, never on its command line (where ps shows it).
(umask 077 && printf 'Authorization: Bearer %s\n' "$GITHUB_TOKEN" > "$work/auth")

# api METHOD PATH [BODY_FILE]: the answer's body on stdout; fails naming the request on any error.
api() {
    local method=$1 path=$2 status
    local data=(--retry 2)   # only reads are retried: a POST retried after a lost answer could post twice
    [ $# -lt 3 ] || data=(--data-binary "@$3" -H "Content-Type: application/json")
    status=$(curl -sS -o "$work/answer" -w '%{http_code}' -X "$method" -H "@$work/auth" \
        -H "Accept: application/vnd.github+json" -H "X-GitHub-Api-Version: 2022-11-28" \
        --max-time 30 "${data[@]}" "$api$path") ||
        fa_action_fail "$method $path: the request failed (curl exit $?)"
    if [ "${status:0:1}" != 2 ]; then
        fa_action_fail "$method $path -> $status: $(head -c 300 "$work/answer" | tr -d '\r' | tr '\n' ' ')"
    fi
    cat "$work/answer"
}

# The body: the marker, then the report, cut to what a comment holds.
python3 - "$marker" "$report" "$FA_COMMENT_LIMIT" > "$work/body.json" <<'PY'
import json, sys
marker, path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, encoding="utf-8", errors="replace") as f:
    text = f.read()
body = text if text.startswith(marker) else marker + "\n" + text   # plan's Markdown starts with it
if len(body) > limit:
    note = "\n\n*The plan is cut here: it is longer than a comment holds. The full plan is in the job summary and log.*\n"
    body = body[: limit - len(note)] + note
json.dump({"body": body}, sys.stdout)
PY

# The comment posted before: the first one whose body starts with the marker, on any page.
id=
for ((page = 1; page <= 100; page++)); do
    api GET "/repos/$repo/issues/$number/comments?per_page=100&page=$page" > "$work/page.json"
    read -r id count < <(python3 -c '
import json, sys
comments = json.load(open(sys.argv[1]))
if not isinstance(comments, list):
    sys.exit("the comment list is not a JSON array")
found = next((str(c["id"]) for c in comments if str(c.get("body") or "").startswith(sys.argv[2])), "-")
print(found, len(comments))' "$work/page.json" "$marker")
    [ "$id" = - ] && id=
    [ -z "$id" ] && [ "$count" -eq 100 ] || break
done

if [ -n "$id" ]; then
    [[ $id =~ ^[0-9]+$ ]] || fa_action_fail "comment id '$id' is not a number"
    api PATCH "/repos/$repo/issues/comments/$id" "$work/body.json" > "$work/posted.json"
    echo "fastly-accounts action: updated the plan comment $id on pull request $number" >&2
else
    api POST "/repos/$repo/issues/$number/comments" "$work/body.json" > "$work/posted.json"
    id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' < "$work/posted.json")
    echo "fastly-accounts action: posted the plan comment $id on pull request $number" >&2
fi
fa_action_output comment-id "$id"
