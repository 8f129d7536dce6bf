#!/usr/bin/python3
"""Runs the read, plan and apply e2e tests under each setting of the emulator's compat switches (the ways
Fastly's API may behave where it is not recorded; src/emulator/README.md), one setting at a time, through
FA_EMULATOR_COMPAT (harness.py). The client must be correct under all of them.

Each setting runs the same representative subset, chosen to stay near two minutes on two cores: the
export tests of test_live (every kind, a failing read, a refused token), the fidelity tests (lists longer
than their pages, /service past its first pages, a sparse account, token holders, the role rules), and
the plan/apply tests that read, write and converge. The whole of test_plan_apply runs with the default
setting under e2e_plan_apply. Where the legacy /roles API is retired, the plan/apply tests of the demo
account are left out: its files create a custom role, which is then refused by design (LegacyRolesTest
checks that refusal).

Usage: compat_matrix.py [SETTING ...]   (default: every setting below; a setting is KEY=VALUE[,KEY=VALUE])
Env: FA_BINARY, FA_EMULATOR as for the other e2e tests.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

SETTINGS = [
    "legacy_roles=retired",
    "iam_envelope=data",
    "iam_envelope=array",
    "page_size_max=20,page_size_over=reject",
    "page_size_max=20,page_size_over=clamp",
    # A short page without meta: the API's own page size, or the end? Only an empty page tells.
    "iam_envelope=data,page_size_max=20,page_size_over=clamp",
    "iam_envelope=array,page_size_max=20,page_size_over=clamp",
    "paging=ignored",
    "paging=ignored,iam_envelope=data",
    "paging=first_page",
    "permissions_envelope=array",
    "list_entries=minimal",
    "group_counts=none",
    "group_counts=all",
    "error_bodies=jsonapi",
    "delete_user_with_tokens=refuse",
    "invitation_attributes=email_only",
    "service_auth_bulk_delete=deleted",
    "service_auth_bulk_delete=no_content",
    "delete_contact_user=refuse",
    "ip_whitelist_empty=any",
    # The audit log as recorded in 2019 (no meta), and sorted oldest first as documented: only the review
    # and the authors of drift read it, so only their tests run there (AUDIT_LOG).
    "events_meta=absent",
    "events_default_sort=created_at",
    # Events whose metadata does not name their objects: drift then shows no author rather than a guess.
    "events_metadata=changes_only",
]
AUDIT_LOG_SETTINGS = {"events_meta=absent", "events_default_sort=created_at", "events_metadata=changes_only"}
AUDIT_LOG = ["test_review", "test_authors"]

# Not the test of random injected faults: which requests a fault hits depends on how many requests a
# setting makes, so a seed that every read survives at one setting may fail four attempts in a row at
# another. It runs with the default setting under e2e_live.
READS = [
    "test_live.ExportTest.test_export_of_a_fresh_emulator_validates",
    "test_live.ExportTest.test_export_reads_every_kind_and_names_references",
    "test_live.ExportTest.test_a_read_that_keeps_failing_names_the_request",
    "test_live.ExportTest.test_a_refused_token_is_explained",
    "test_fidelity",
    # Service authorizations: JSON:API pages, bulk writes, grants read back after each apply.
    "test_service_access.ServiceAccessTest.test_grants_are_applied_changed_and_revoked_and_hand_grants_are_drift",
    "test_service_access.ServiceAccessTest.test_export_round_trips_grants",
    "test_customer_settings",
    "test_review",
]
PLAN_APPLY = [
    "test_plan_apply.ApplyTest.test_export_round_trips_through_plan",
    "test_plan_apply.ApplyTest.test_apply_from_an_empty_account_and_from_a_drifted_one",
    "test_plan_apply.ApplyTest.test_apply_makes_exactly_the_planned_writes",
    "test_plan_apply.PlanTest.test_plan_in_three_formats",
    "test_plan_apply.PlanTest.test_drift_and_metrics",
]
# Without the legacy roles API the demo files' custom role cannot be created: those tests expect it to be.
ROLE_FREE_PLAN_APPLY = ["test_plan_apply.ApplyTest.test_export_round_trips_through_plan"]


def tests_for(setting):
    if setting in AUDIT_LOG_SETTINGS:
        return AUDIT_LOG
    plan_apply = ROLE_FREE_PLAN_APPLY if "legacy_roles=retired" in setting else PLAN_APPLY
    return READS + plan_apply


def main():
    settings = sys.argv[1:] or SETTINGS
    failed = []
    for setting in settings:
        env = dict(os.environ, FA_EMULATOR_COMPAT=setting, PYTHONDONTWRITEBYTECODE="1")
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "unittest", *tests_for(setting)], cwd=HERE, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        seconds = time.monotonic() - started
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no output)"
        print("%-58s %-6s %5.1f s  %s" % (setting, "ok" if done.returncode == 0 else "FAILED", seconds, summary),
              flush=True)
        if done.returncode != 0:
            failed.append(setting)
            print(done.stdout, flush=True)
    if failed:
        print("failed under: " + "; ".join(failed))
        return 1
    print("every setting passed (%d)" % len(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
