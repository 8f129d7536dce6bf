"""Issue 16, against the real emulator: the account's security settings as code. Turning force_2fa on names
who lacks 2FA and is refused without --ack; the allowlist and contacts round-trip through export; a setting
switched by hand is drift and shows in the metrics; an allowlist that leaves out the caller is refused by
the API and nothing changes; contacts are set before a user who was one is deleted."""
import json
import os
import re
import unittest

from harness import EmulatorTest

OWNER = {"login": "owner@acme.test", "name": "Owner", "role": "superuser", "two_factor_auth_enabled": True}


def seed(**customer):
    doc = {"customer": dict({"name": "Acme", "owner": "owner@acme.test"}, **customer),
           "users": [OWNER,
                     {"login": "alice@acme.test", "name": "Alice", "role": "engineer",
                      "two_factor_auth_enabled": False},
                     {"login": "bob@acme.test", "name": "Bob", "role": "engineer"},
                     {"login": "carol@acme.test", "name": "Carol", "role": "billing",
                      "two_factor_auth_enabled": True}],
           "tokens": {"alice-secret": "alice@acme.test", "carol-secret": "carol@acme.test"}}
    return doc


PEOPLE = """version: 1
users:
  - login: owner@acme.test
  - login: alice@acme.test
  - login: bob@acme.test
  - login: carol@acme.test
"""


class CustomerSettingsTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state(seed())

    def files(self, customer, people=PEOPLE):
        self.write("files/people.yaml", people)
        self.write("files/customer.yaml", "version: 1\ncustomer:\n" + customer)
        return os.path.join(self.tmp, "files")

    def customer(self):
        return self.emulator.state()["customer"]

    def apply(self, files, *extra):
        return self.fa("apply", "-f", files, "--auto-approve", *extra)

    def test_force_2fa_names_who_lacks_it_and_is_refused_without_the_ack(self):
        files = self.files("  force_2fa: true\n")
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 4, plan)
        self.assertIn("force_2fa on: 2 users without 2FA (two_factor_auth_enabled false or not set) are logged out, "
                      "and their API tokens refused, until they turn it on: alice@acme.test, bob@acme.test", plan.out)
        self.assertIn("apply refuses this unless run with --ack force_2fa", plan.out)
        self.assertIn("Stage 8: enforce the account's security settings", plan.out)
        refused = self.apply(files)
        self.assertEqual(refused.code, 4, refused)
        self.assertFalse(self.customer().get("force_2fa"))
        self.assertEqual(self.emulator.request("GET", "/current_user", token="alice-secret")[0], 200)
        # Acknowledged for the run: applied, and the users without 2FA are shut out.
        self.assertEqual(self.fa("plan", "-f", files, "--ack", "force_2fa").code, 0)
        result = self.apply(files, "--ack", "force_2fa")
        self.assertEqual(result.code, 0, result)
        self.assertTrue(self.customer()["force_2fa"])
        self.assertEqual(self.emulator.request("GET", "/current_user", token="alice-secret")[0], 401)
        self.assertEqual(self.emulator.request("GET", "/current_user", token="carol-secret")[0], 200)
        self.assertEqual(self.fa("plan", "-f", files, "--detailed-exitcode").code, 0)
        # An acknowledgement names one of the three guards.
        wrong = self.fa("plan", "-f", files, "--ack", "force_3fa")
        self.assertEqual(wrong.code, 1, wrong)
        self.assertIn("force_3fa", wrong.err)

    def test_a_saved_plan_is_stale_once_someone_else_would_be_logged_out(self):
        files = self.files("  force_2fa: true\n")
        saved = os.path.join(self.tmp, "plan.json")
        self.assertEqual(self.fa("plan", "-f", files, "--ack", "force_2fa", "--out", saved).code, 0)
        # carol turns 2FA off after the review: the reviewed plan did not say she would be logged out.
        status, body = self.emulator.request("PUT", "/_emulator/users/carol@acme.test/two_factor_auth",
                                             {"enabled": False}, token=None)
        self.assertLess(status, 300, body)
        result = self.apply(files, "--plan", saved, "--ack", "force_2fa")
        self.assertNotEqual(result.code, 0, result)
        self.assertIn("carol@acme.test", result.err)
        self.assertFalse(self.customer().get("force_2fa"))

    def test_deleting_a_user_who_is_a_contact_is_refused_unless_the_files_name_another(self):
        self.emulator.set_state(seed(billing_contact_id="bob@acme.test"))
        people = PEOPLE.replace("  - login: bob@acme.test\n", "") + "policy:\n  prune: [users]\n"
        self.write("files/people.yaml", people)
        plan = self.fa("plan", "-f", self.write("files/people.yaml", people))
        self.assertEqual(plan.code, 1, plan)
        self.assertIn("user 'bob@acme.test' is the account's billing contact, and this plan deletes them", plan.err)
        self.assertEqual(self.fa("plan", "-f", self.files("  contacts:\n    billing: null\n", people)).code, 0)

    def test_the_allowlist_and_contacts_round_trip_through_export(self):
        files = self.files("  ip_allowlist: [127.0.0.1, 203.0.113.0/24, \"2001:db8::/48\"]\n"
                           "  contacts:\n    security: alice@acme.test\n    technical: CAROL@acme.test\n"
                           "    billing: null\n")
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 4, plan)
        self.assertIn("ip_allowlist: from any address to 127.0.0.1, 2001:db8::/48, 203.0.113.0/24", plan.out)
        result = self.apply(files, "--ack", "ip_allowlist")
        self.assertEqual(result.code, 0, result)
        users = {u["id"]: u["login"] for u in self.emulator.state()["users"]}
        customer = self.customer()
        self.assertEqual(users[customer["security_contact_id"]], "alice@acme.test")
        self.assertEqual(users[customer["technical_contact_id"]], "carol@acme.test")
        exported = os.path.join(self.tmp, "exported.yaml")
        self.assertEqual(self.fa("export", "--out", exported).code, 0)
        with open(exported) as f:
            text = f.read()
        self.assertRegex(text, r"customer:\n  force_2fa: false\n  force_sso: false\n  ip_allowlist: \[")
        self.assertIn("security: alice@acme.test", text)
        self.assertIn("billing: ~", text)
        self.assertEqual(self.fa("plan", "-f", exported, "--detailed-exitcode").code, 0)
        self.assertEqual(self.fa("plan", "-f", files, "--detailed-exitcode").code, 0)

    def test_a_setting_switched_by_hand_is_drift_and_in_the_metrics(self):
        files = self.files("  force_sso: false\n  force_2fa: false\n")
        metrics = os.path.join(self.tmp, "drift.prom")
        self.assertEqual(self.fa("drift", "-f", files, "--metrics-file", metrics).code, 0)
        with open(metrics) as f:
            self.assertIn('fastly_accounts_customer_setting{setting="force_sso"} 0', f.read())
        status, body = self.emulator.request("PUT", "/customer/%s" % self.customer()["id"], "force_sso=true",
                                             content_type="application/x-www-form-urlencoded")
        self.assertEqual(status, 200, body)
        drift = self.fa("drift", "-f", files, "--metrics-file", metrics)
        self.assertEqual(drift.code, 2, drift)
        self.assertIn("force_sso: true → false", drift.out)
        with open(metrics) as f:
            text = f.read()
        self.assertIn('fastly_accounts_customer_setting{setting="force_sso"} 1', text)
        self.assertIn('fastly_accounts_drift_objects{kind="customer"} 1', text)
        # Turning it off again shuts nobody out: no acknowledgement needed.
        self.assertEqual(self.apply(files).code, 0)
        self.assertFalse(self.customer()["force_sso"])

    def test_an_allowlist_that_leaves_out_the_caller_is_refused_and_nothing_changes(self):
        files = self.files("  ip_allowlist: [203.0.113.0/24]\n  contacts:\n    security: alice@acme.test\n")
        before = self.customer()
        result = self.apply(files, "--ack", "ip_allowlist")
        self.assertEqual(result.code, 3, result)
        self.assertIn("lock you out", result.err)
        after = self.customer()
        self.assertEqual(after["ip_whitelist"], before["ip_whitelist"])
        # The contact, in stage 5, is not part of the refused change.
        users = {u["id"]: u["login"] for u in self.emulator.state()["users"]}
        self.assertEqual(users[after["security_contact_id"]], "alice@acme.test")
        # From an address the list allows, the same files apply.
        self.emulator.request("PUT", "/_emulator/caller_ip", {"ip": "203.0.113.9"}, token=None)
        self.assertEqual(self.apply(files, "--ack", "ip_allowlist").code, 0)
        self.assertEqual(self.customer()["ip_whitelist"], "203.0.113.0/24")

    def test_contacts_are_set_before_a_user_who_was_one_is_deleted(self):
        self.emulator.compat(delete_contact_user="refuse")
        self.emulator.set_state(seed(security_contact_id="bob@acme.test"))
        people = PEOPLE.replace("  - login: bob@acme.test\n", "") + "policy:\n  prune: [users]\n"
        files = self.files("  contacts:\n    security: alice@acme.test\n", people)
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 0, plan)
        self.assertLess(plan.out.index("Stage 5: set the account's contacts"),
                        plan.out.index("Stage 6: delete user groups, invitations and users"))
        result = self.apply(files)
        self.assertEqual(result.code, 0, result)
        self.assertNotIn("bob@acme.test", [u["login"] for u in self.emulator.state()["users"]])
        # A contact naming a user this plan deletes, or someone who is not a user, is refused by plan.
        self.emulator.set_state(seed())
        files = self.files("  contacts:\n    security: bob@acme.test\n    legal: nobody@acme.test\n", people)
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 1, plan)
        self.assertRegex(plan.err, r"customer\.yaml:4:15: customer\.contacts\.security: 'bob@acme\.test' is a user "
                                   r"this plan deletes")
        self.assertIn("customer.contacts.legal: 'nobody@acme.test' is not a user of the account", plan.err)


if __name__ == "__main__":
    unittest.main()
