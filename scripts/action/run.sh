#!/usr/bin/env bash
# The step of action.yml that runs fastly-accounts: validate, plan (posting or updating the pull request's
# plan comment), apply, drift or review. Plain shell, configured by the environment the action maps its inputs
# to:
#   FA_COMMAND     validate | plan | apply | drift | review
#   FA_FILES       desired-state files or directories, separated by spaces or new lines (each one -f)
#   FA_BASE_FILES  plan: the base branch's files, each passed as --base
#   FA_PLAN_FILE   plan: save the plan there (--out); apply: apply exactly that saved plan (--plan)
#   FA_ENDPOINT    --endpoint, when not empty (an empty one is never passed: the CLI would refuse it)
#   FA_ARGS        more arguments, split at spaces
#   FA_COMMENT     plan: "true" posts the plan on the pull request (scripts/action/comment.sh)
#   FA_BINARY      the program, default fastly-accounts (from PATH)
#   FA_OUTPUT_DIR  where the report (plan.md, drift.md, review.md) goes, default $RUNNER_TEMP/fastly-accounts
#   FASTLY_API_TOKEN, and for the comment GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY,
#   GITHUB_EVENT_PATH (or FA_PULL_REQUEST, the number); GITHUB_OUTPUT and GITHUB_STEP_SUMMARY when set.
# Outputs: exit-code (the command's), report (the Markdown report's path: plan, drift and review).
# Exit status: the command's, except that plan's 2 (changes pending, with --detailed-exitcode) is success;
# drift's 2 (drift found) fails the step, so that it shows.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

command=${FA_COMMAND:-}
binary=${FA_BINARY:-fastly-accounts}
case $command in
    validate | plan | apply | drift | review) ;;
    *) fa_action_fail "command must be validate, plan, apply, drift or review, not '$command'" ;;
esac
# The token came in as an input: keep it out of the log even when it was not a secret.
if [ -n "${FASTLY_API_TOKEN:-}" ] && [ "${GITHUB_ACTIONS:-}" = true ]; then
    echo "::add-mask::$FASTLY_API_TOKEN"
fi
[ -n "${FASTLY_API_TOKEN:-}" ] || unset FASTLY_API_TOKEN

args=()
[ -z "${FA_ENDPOINT:-}" ] || args+=(--endpoint "$FA_ENDPOINT")
args+=("$command")
read -r -d '' -a files < <(printf '%s\0' "${FA_FILES:-}") || true
[ ${#files[@]} -gt 0 ] || fa_action_fail "no files given (input 'files')"
for file in "${files[@]}"; do
    args+=(-f "$file")
done
if [ -n "${FA_BASE_FILES:-}" ]; then
    [ "$command" = plan ] || fa_action_fail "base-files is for plan only"
    read -r -d '' -a base < <(printf '%s\0' "$FA_BASE_FILES") || true
    for file in "${base[@]}"; do
        args+=(--base "$file")
    done
fi
if [ -n "${FA_PLAN_FILE:-}" ]; then
    case $command in
        plan) args+=(--out "$FA_PLAN_FILE") ;;
        apply) args+=(--plan "$FA_PLAN_FILE" --auto-approve) ;;
        *) fa_action_fail "plan-file is for plan and apply only" ;;
    esac
elif [ "$command" = apply ]; then
    args+=(--auto-approve)   # CI has no terminal to confirm on
fi
case $command in
    plan | drift | review) args+=(--format markdown) ;;
    validate)
        # Under Actions, problems as workflow commands (annotations on the files), where the CLI has them.
        if [ "${GITHUB_ACTIONS:-}" = true ] && "$binary" validate --help 2>/dev/null | grep -q -- '--format.*github'; then
            args+=(--format github)
        fi
        ;;
esac
read -r -d '' -a extra < <(printf '%s\0' "${FA_ARGS:-}") || true
args+=(${extra[@]+"${extra[@]}"})

out_dir=${FA_OUTPUT_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/fastly-accounts}
mkdir -p "$out_dir"
report=$out_dir/$command.md
errors=$out_dir/$command.stderr
: > "$report"

echo "fastly-accounts ${args[*]}" >&2
# stderr goes to the log as it comes (apply's progress) and to a file, for the comment of a failed plan.
exec 3>&1
set +e
if [ "$command" = plan ] || [ "$command" = drift ] || [ "$command" = review ]; then
    NO_COLOR=1 "$binary" "${args[@]}" 2>&1 > "$report" 3>&- | tee "$errors" >&2
else
    NO_COLOR=1 "$binary" "${args[@]}" 2>&1 1>&3 3>&- | tee "$errors" >&2
fi
code=${PIPESTATUS[0]}
set -e
fa_action_output exit-code "$code"

if [ "$command" = plan ] || [ "$command" = drift ] || [ "$command" = review ]; then
    [ -s "$report" ] || fa_action_failure_report "$command" "$code" "$errors" > "$report"
    cat "$report"
    fa_action_output report "$report"
    fa_action_summary "$report"
fi
if [ "$command" = plan ] && [ "${FA_COMMENT:-false}" = true ]; then
    "$here/comment.sh" "$report"
fi

if [ "$command" = plan ] && [ "$code" -eq 2 ]; then
    exit 0
fi
exit "$code"
