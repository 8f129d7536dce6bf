# Shared by scripts/action/*.sh (sourced): messages, step outputs and the job summary.

# Prints MESSAGE as a workflow error (an annotation under Actions, a plain line elsewhere) and exits 1.
fa_action_fail() {
    if [ "${GITHUB_ACTIONS:-}" = true ]; then
        echo "::error title=fastly-accounts::$*" >&2
    else
        echo "fastly-accounts action: $*" >&2
    fi
    exit 1
}

# Sets the step output NAME to VALUE (one line), when the runner collects outputs.
fa_action_output() {
    [ -z "${GITHUB_OUTPUT:-}" ] || printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
}

# GitHub's limits: a comment holds 65,536 characters, a step summary 1 MiB.
FA_COMMENT_LIMIT=65536
FA_SUMMARY_LIMIT=1048576

# Appends the Markdown FILE to the job summary, or a line saying where it is when it is too large.
fa_action_summary() {
    [ -n "${GITHUB_STEP_SUMMARY:-}" ] || return 0
    if [ "$(wc -c < "$1")" -lt "$FA_SUMMARY_LIMIT" ]; then
        cat "$1" >> "$GITHUB_STEP_SUMMARY"
    else
        printf '\nThe report (%s bytes) is larger than a job summary holds; it is in the log above.\n' \
            "$(wc -c < "$1")" >> "$GITHUB_STEP_SUMMARY"
    fi
}

# The Markdown report of a COMMAND that failed with CODE and printed nothing on stdout: its stderr (FILE).
fa_action_failure_report() {
    printf '### fastly-accounts %s failed (exit %s)\n\n```\n' "$1" "$2"
    tail -n 60 "$3"
    printf '```\n'
}
