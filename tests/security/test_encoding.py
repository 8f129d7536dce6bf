"""Logins and names with characters that mean something in a URL (`+`, `%`, `/`, `?`, `#`, `&`, `;`) or
outside ASCII travel through the API unharmed: an account seeded with them exports them byte for byte,
`plan` against that export shows no change, every request the tool made matched a known route of the API
(nothing was cut at a `/` or `?`), and no login or name ever appears raw in a request path.
"""
import os
import re
import unittest

from security_common import EmulatorTest, has_apply

LOGINS = [
    "bob+ops@example.com",
    "100%done@example.com",
    "pct%2Fslash@example.com",
    "a/b@example.com",
    "q?x=1&y=2#frag@example.com",
    "semi;colon=eq@example.com",
    "zoë.ünïcødé@exämple.com",
    "日本語@example.jp",
    "plus+%2B+space@example.com",
]
GROUPS = ["SRE/oncall", "100% ops", "a+b", "q?x#y&z", "Ünïcødé 組", "..", "%2F%2e%2e"]

# Route templates the emulator counts requests under: placeholders only, never a value.
ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/[A-Za-z0-9_\-./{}]*)$")


class LoginEncodingTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state({
            "users": [{"login": "owner@example.com", "name": "Owner", "role": "superuser"}] +
                     [{"login": login, "name": "Name of " + login, "role": "engineer"} for login in LOGINS],
            "service_groups": [{"name": g, "description": "about " + g, "services": []} for g in GROUPS],
            "user_groups": [{"name": g, "description": "about " + g, "members": LOGINS,
                             "roles": ["engineer"], "service_groups": [g]} for g in GROUPS],
            "invitations": [{"email": "inv+" + login, "role": "user"} for login in LOGINS[:3]],
        })

    def assert_routes_clean(self):
        stats = self.emulator.stats()
        self.assertGreater(stats["total"], 0)
        for route, count in stats["requests"].items():
            self.assertRegex(route, ROUTE, "request counted under an unexpected route")
            for value in LOGINS + GROUPS:
                if len(value) > 2:
                    self.assertNotIn(value, route)

    def test_export_round_trips_special_logins_and_names(self):
        self.emulator.request("DELETE", "/_emulator/stats", token=None)
        exported = os.path.join(self.tmp, "export.yaml")
        result = self.fa("export", "--out", exported)
        self.assertEqual(result.code, 0, result)
        with open(exported, encoding="utf-8") as f:
            text = f.read()
        for login in LOGINS:
            self.assertIn(login, text)
        for group in GROUPS:
            self.assertIn(group, text)
        self.assert_routes_clean()
        # The same account read twice gives the same bytes, to a file or on stdout, but for the schema
        # comment, which depends on where the file goes (stdout: the working directory, in this repository).
        first, again = self.fa("export"), self.fa("export")
        self.assertEqual(again.code, 0, again)
        self.assertEqual(again.out, first.out)

        def body(exported_text):
            return exported_text.split("\n", 1)[1] if exported_text.startswith("# yaml-language-server") else exported_text

        self.assertEqual(body(again.out), body(text))

    def test_plan_against_the_export_shows_no_change(self):
        exported = os.path.join(self.tmp, "export.yaml")
        self.assertEqual(self.fa("export", "--out", exported).code, 0)
        self.emulator.request("DELETE", "/_emulator/stats", token=None)
        result = self.fa("plan", "-f", exported, "--detailed-exitcode")
        self.assertEqual(result.code, 0, result)
        result = self.fa("drift", "-f", exported)
        self.assertEqual(result.code, 0, result)
        self.assert_routes_clean()

    def test_a_changed_name_is_planned_for_exactly_that_user(self):
        exported = os.path.join(self.tmp, "export.yaml")
        self.assertEqual(self.fa("export", "--out", exported).code, 0)
        with open(exported, encoding="utf-8") as f:
            text = f.read()
        changed = text.replace("name: Name of a/b@example.com", "name: Renamed")
        self.assertNotEqual(changed, text)
        path = self.write("changed.yaml", changed)
        result = self.fa("plan", "-f", path, "--format", "json", "--detailed-exitcode")
        self.assertEqual(result.code, 2, result)
        self.assertIn('"a/b@example.com"', result.out)
        self.assertEqual(result.out.count('"Renamed"'), 1, result.out)

    def test_apply_creates_and_updates_users_with_special_logins(self):
        if not has_apply():
            self.skipTest("this build has no `apply` command yet")
        self.emulator.set_state({"users": [{"login": "owner@example.com", "name": "Owner", "role": "superuser"}]})
        lines = ["version: 1", "policy:", "  missing_users: create", "users:",
                 "  - login: owner@example.com", "    role: superuser"]
        for login in LOGINS:
            lines += ["  - login: '%s'" % login, "    name: 'Name of %s'" % login, "    role: engineer"]
        path = self.write("create.yaml", "\n".join(lines) + "\n")
        result = self.fa("apply", "-f", path, "--auto-approve")
        self.assertEqual(result.code, 0, result)
        live = sorted(u["login"] for u in self.emulator.state()["users"])
        self.assertEqual(live, sorted(LOGINS + ["owner@example.com"]))
        self.assertEqual(self.fa("plan", "-f", path, "--detailed-exitcode").code, 0)
        self.assert_routes_clean()


if __name__ == "__main__":
    unittest.main()
