"""Issue 17, against the real emulator: access that expires, and the rules of `policy:`. A membership that
expires tomorrow is warned about today and removed by a plan run with --now three days later; a file that
breaks a rule fails validate at FILE:LINE:COL; a rule the live account breaks is drift (exit 2), and a plan
that would break one is refused (exit 4)."""
import json
import os
import unittest

from harness import EmulatorTest

TODAY = "2027-01-30T09:00:00Z"


def seed():
    return {"customer": {"id": "51MumwLiSJyFTWhtbByYgR", "name": "Acme", "owner": "owner@acme.test"},
            "users": [{"login": "owner@acme.test", "name": "Owner", "role": "superuser",
                       "two_factor_auth_enabled": True},
                      {"login": "alice@acme.test", "name": "Alice", "role": "engineer",
                       "two_factor_auth_enabled": True},
                      {"login": "bob@acme.test", "name": "Bob", "role": "engineer",
                       "two_factor_auth_enabled": False}],
            "user_groups": [{"name": "On-call", "description": "", "members": ["alice@acme.test", "bob@acme.test"]}]}


PEOPLE = """version: 1
users:
  - login: owner@acme.test
  - login: alice@acme.test
  - login: bob@acme.test
"""

ONCALL = """version: 1
user_groups:
  - name: On-call
    members:
      - alice@acme.test
      - {login: bob@acme.test, expires: 2027-01-31, reason: cover for the January rota, owner: alice@acme.test}
"""


class GovernanceTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state(seed())

    def files(self, people=PEOPLE, groups=ONCALL, policy=None):
        self.write("files/people.yaml", people)
        self.write("files/groups.yaml", groups)
        if policy is not None:
            self.write("files/policy.yaml", "version: 1\npolicy:\n" + policy)
        return os.path.join(self.tmp, "files")

    def members(self, group):
        state = self.emulator.state()
        logins = {u["id"]: u["login"] for u in state["users"]}
        found = next(g for g in state["user_groups"] if g["name"] == group)
        return sorted(logins.get(m.get("user", m) if isinstance(m, dict) else m, m) for m in found["members"])

    def test_a_membership_expiring_tomorrow_is_warned_about_today_and_removed_three_days_later(self):
        files = self.files()
        today = self.fa("plan", "-f", files, "--now", TODAY, "--detailed-exitcode")
        self.assertEqual(today.code, 0, today)
        self.assertIn("expires 2027-01-31, within a day: the membership of 'bob@acme.test' in the user group "
                      "'On-call' (reason: cover for the January rota; owner: alice@acme.test)", today.out)
        drift = self.fa("drift", "-f", files, "--now", TODAY, "--format", "json")
        self.assertEqual(drift.code, 0, drift)
        deadline = json.loads(drift.out)["deadlines"][0]
        self.assertEqual(deadline, {"type": "expires", "kind": "user_groups",
                                    "subject": "the membership of 'bob@acme.test' in the user group 'On-call'",
                                    "person": "bob@acme.test", "at": "2027-01-31T00:00:00Z", "passed": False,
                                    "owner": "alice@acme.test", "reason": "cover for the January rota"})

        later = "2027-02-02T09:00:00Z"
        plan = self.fa("plan", "-f", files, "--now", later, "--detailed-exitcode")
        self.assertEqual(plan.code, 2, plan)
        self.assertIn("expired 2027-01-31: the membership of 'bob@acme.test' in the user group 'On-call'", plan.out)
        self.assertIn("- bob@acme.test", plan.out)
        # Drift at that time sees the membership as one the files no longer give.
        metrics_file = os.path.join(self.tmp, "drift.prom")
        self.assertEqual(self.fa("drift", "-f", files, "--now", later, "--metrics-file", metrics_file).code, 2)
        with open(metrics_file, encoding="utf-8") as f:
            self.assertIn('fastly_accounts_access_deadlines{state="expired"} 1', f.read())
        # Apply changes the account at the real clock only: a clock set back would keep expired access.
        refused = self.fa("apply", "-f", files, "--auto-approve", "--now", later)
        self.assertEqual(refused.code, 1, refused)
        self.assertIn("apply runs at the system clock", refused.err)

        # A plan saved before an expiry is stale after it: apply makes the plan again at its own clock. (The
        # real clock is past 2026-11-15 whenever this runs.)
        past = self.files(groups=ONCALL.replace("2027-01-31", "2026-11-15"))
        saved = os.path.join(self.tmp, "plan.json")
        self.assertEqual(self.fa("plan", "-f", past, "--now", "2026-11-01", "--out", saved).code, 0)
        stale = self.fa("apply", "-f", past, "--plan", saved, "--auto-approve")
        self.assertEqual(stale.code, 4, stale)
        self.assertIn("the plan is not the same", stale.err)
        self.assertEqual(self.members("On-call"), ["alice@acme.test", "bob@acme.test"])
        applied = self.fa("apply", "-f", past, "--auto-approve")
        self.assertEqual(applied.code, 0, applied)
        self.assertEqual(self.members("On-call"), ["alice@acme.test"])
        self.assertEqual(self.fa("plan", "-f", past, "--detailed-exitcode").code, 0)

    def test_an_expired_user_is_handled_like_an_unlisted_one(self):
        people = PEOPLE.replace("  - login: bob@acme.test\n",
                                "  - login: bob@acme.test\n    expires: 2027-01-01\n    reason: contractor\n")
        unpruned = self.fa("plan", "-f", self.files(people=people, groups="version: 1\n"), "--now", TODAY)
        self.assertEqual(unpruned.code, 0, unpruned)
        self.assertIn("expired 2027-01-01: the user 'bob@acme.test' (reason: contractor); treated as absent", unpruned.out)
        self.assertIn("bob@acme.test", unpruned.out.split("nmanaged")[-1])
        # Still in the account with every access: drift says so (exit 2) until it is deleted.
        drift = self.fa("drift", "-f", os.path.join(self.tmp, "files"), "--now", TODAY, "--format", "json")
        self.assertEqual(drift.code, 2, drift)
        self.assertEqual([v["rule"] for v in json.loads(drift.out)["policy_violations"]], ["expires"])
        pruned = self.fa("plan", "-f", self.files(people=people, groups="version: 1\n", policy="  prune: [users]\n"),
                         "--now", TODAY, "--detailed-exitcode")
        self.assertEqual(pruned.code, 2, pruned)
        self.assertIn("  - user 'bob@acme.test'", pruned.out)

    def test_a_file_breaking_a_rule_fails_validate_at_its_place(self):
        policy = "  allowed_email_domains: [acme.test]\n  require: [reason]\n"
        people = PEOPLE + "  - login: eve@elsewhere.example\n    reason: audit\n"
        result = self.fa("validate", "-f", self.files(people=people, policy=policy))
        self.assertEqual(result.code, 1, result)
        self.assertIn("people.yaml:6:5: the login 'eve@elsewhere.example' is not in policy.allowed_email_domains "
                      "(acme.test)", result.err)
        self.assertIn("people.yaml:3:5: the user 'owner@acme.test' gives no reason, which policy.require asks of "
                      "every user and every grant; write reason: on it", result.err)
        self.assertIn("groups.yaml:5:9: the membership of 'alice@acme.test' in the user group 'On-call' gives no "
                      "reason", result.err)
        self.assertNotIn("eve@elsewhere.example' gives no reason", result.err)
        bad_date = self.fa("validate", "-f", self.files(groups=ONCALL.replace("2027-01-31", "2027-02-30")))
        self.assertEqual(bad_date.code, 1, bad_date)
        self.assertIn("groups.yaml:6:41: user_groups[0].members[1].expires: '2027-02-30' is not a date or a time",
                      bad_date.err)

    def test_a_live_violation_is_drift_and_a_plan_that_would_break_a_rule_is_refused(self):
        files = self.files(policy="  require_2fa_for: [superuser]\n  max_superusers: 1\n")
        clean = self.fa("drift", "-f", files, "--now", TODAY)
        self.assertEqual(clean.code, 0, clean)
        # Made superuser by hand, without 2FA: two rules broken at once.
        status, _ = self.emulator.request("PUT", "/user/%s" % self.user_id("bob@acme.test"), {"role": "superuser"})
        self.assertEqual(status, 200)
        drift = self.fa("drift", "-f", self.files(people=PEOPLE.replace("bob@acme.test", "bob@acme.test\n    role: superuser"),
                                                  policy="  require_2fa_for: [superuser]\n  max_superusers: 1\n"),
                        "--now", TODAY, "--format", "json")
        self.assertEqual(drift.code, 2, drift)
        rules = sorted(v["rule"] for v in json.loads(drift.out)["policy_violations"])
        self.assertEqual(rules, ["max_superusers", "require_2fa_for"])
        # Text names each violation, and says that the account matches the files otherwise.
        text = self.fa("drift", "-f", os.path.join(self.tmp, "files"), "--now", TODAY)
        self.assertEqual(text.code, 2, text)
        self.assertIn("The account matches the files, but it breaks the policy: 2 violations (see the notes).",
                      text.out)
        self.assertIn("policy: the user 'bob@acme.test' holds superuser without two-factor authentication", text.out)
        self.assertIn("policy: the account has 2 superusers (bob@acme.test, owner@acme.test), more than "
                      "policy.max_superusers 1", text.out)
        metrics_file = os.path.join(self.tmp, "drift.prom")
        self.fa("drift", "-f", os.path.join(self.tmp, "files"), "--now", TODAY, "--metrics-file", metrics_file)
        with open(metrics_file, encoding="utf-8") as f:
            metrics = f.read()
        self.assertIn('fastly_accounts_policy_violations{rule="max_superusers"} 1', metrics)
        self.assertIn('fastly_accounts_policy_violations{rule="require_2fa_for"} 1', metrics)
        self.assertIn('fastly_accounts_policy_violations{rule="allowed_email_domains"} 0', metrics)
        # Back to engineer by hand; a plan making Bob superuser again is refused by the policy guard.
        self.emulator.request("PUT", "/user/%s" % self.user_id("bob@acme.test"), {"role": "engineer"})
        plan = self.fa("plan", "-f", self.files(people=PEOPLE.replace("bob@acme.test", "bob@acme.test\n    role: superuser"),
                                                policy="  require_2fa_for: [superuser]\n  max_superusers: 1\n"),
                       "--now", TODAY)
        self.assertEqual(plan.code, 4, plan)
        self.assertIn("gives superuser to 'bob@acme.test', who has no two-factor authentication", plan.out)
        self.assertIn("makes bob@acme.test superuser, leaving 2 superusers (invitations counted as accepted), more "
                      "than policy.max_superusers 1",
                      plan.out)

    def test_an_unknown_role_in_require_2fa_for_is_a_plan_error(self):
        plan = self.fa("plan", "-f", self.files(policy="  require_2fa_for: [Superusr]\n"))
        self.assertEqual(plan.code, 1, plan)
        self.assertIn("policy.require_2fa_for names 'Superusr'", plan.err)

    def user_id(self, login):
        return next(u["id"] for u in self.emulator.state()["users"] if u["login"] == login)


if __name__ == "__main__":
    unittest.main()
