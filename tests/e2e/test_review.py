"""Issue 17, against the real emulator: the access review. A seeded account's review lists the superuser
without 2FA, last logins (from the audit log), the expired invitation and a never-expiring token, in every
format; with the files, each grant says whether they give it and why; the events log unreadable is a note."""
import calendar
import csv
import io
import json
import os
import time
import unittest

from harness import EmulatorTest

NOW = "2027-03-01T12:00:00Z"


def seed():
    return {"customer": {"id": "51MumwLiSJyFTWhtbByYgR", "name": "Acme", "owner": "owner@acme.test"},
            "users": [{"login": "owner@acme.test", "name": "Owner", "role": "superuser",
                       "two_factor_auth_enabled": True, "created_at": "2020-01-01T00:00:00Z"},
                      {"login": "root@acme.test", "name": "=HYPERLINK(\"http://evil\")", "role": "superuser",
                       "two_factor_auth_enabled": False, "created_at": "2021-05-01T00:00:00Z"},
                      {"login": "lim@acme.test", "name": "Limited", "role": "engineer", "limit_services": True,
                       "services": {"www.acme.test": "purge_all"}, "two_factor_auth_enabled": True},
                      {"login": "dev@acme.test", "name": "Dev", "role": "engineer", "two_factor_auth_enabled": True}],
            "services": [{"id": "SU1Z0isxPaozGVKXdv0eY", "name": "www.acme.test"}],
            "roles": [{"name": "Unused Role", "description": "nobody", "permissions": ["purge_all"]}],
            "service_groups": [{"name": "production", "description": "Prod", "services": ["www.acme.test"]}],
            "user_groups": [{"name": "SRE", "description": "", "roles": ["engineer"],
                             "service_groups": ["production"], "members": ["dev@acme.test"]}],
            "invitations": [{"email": "old@acme.test", "role": "engineer", "created_at": "2027-01-01T00:00:00Z"},
                            {"email": "new@acme.test", "role": "user", "created_at": "2027-02-28T00:00:00Z"}],
            "tokens": {"root-ci": {"user": "root@acme.test", "name": "CI deploy", "scope": "global",
                                   "expires_at": None, "last_used_at": "2026-01-01T00:00:00Z"},
                       "dev-token": {"user": "dev@acme.test", "name": "laptop", "expires_at": "2027-12-31T00:00:00Z",
                                     "last_used_at": "2027-02-27T00:00:00Z"}},
            "events": [{"event_type": "user.login", "user_id": "dev@acme.test", "ip": "192.0.2.10",
                        "created_at": "2027-02-20T08:00:00Z"},
                       {"event_type": "user.login", "user_id": "dev@acme.test", "ip": "192.0.2.10",
                        "created_at": "2027-02-25T08:00:00Z"},
                       {"event_type": "user.login", "user_id": "root@acme.test", "ip": "192.0.2.11",
                        "created_at": "2027-01-15T09:30:00Z"}]}


class ReviewTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state(seed())
        # Moves the emulator's clock to NOW, so that the invitations' ages are those of the review's --now.
        clock = self.emulator.request("GET", "/_emulator/clock", token=None)[1]
        target = calendar.timegm(time.strptime(NOW, "%Y-%m-%dT%H:%M:%SZ"))
        self.emulator.request("POST", "/_emulator/clock", {"advance_seconds": target - clock["epoch"]}, token=None)

    def review(self, *args):
        result = self.fa("review", "--now", NOW, *args)
        self.assertEqual(result.code, 0, result)
        return result.out

    def test_every_format_lists_the_superuser_without_2fa_logins_the_expired_invitation_and_the_token(self):
        text = self.review()
        self.assertIn("superusers without 2FA (off or not known): root@acme.test", text)
        self.assertIn("last login 2027-02-25T08:00:00Z", text)  # the latest of dev's two
        self.assertIn("last login 2027-01-15T09:30:00Z", text)
        self.assertIn("last login none in the last 90 days", text)
        self.assertIn("tokens: 1 (0 never expiring, 0 unused for 90 days)", text)  # dev's laptop token
        self.assertIn("old@acme.test (role engineer): 59 days old, EXPIRED", text)
        self.assertIn("new@acme.test (role user): 1 days old, pending", text)
        self.assertIn("tokens: 1 (1 never expiring, 1 unused for 90 days)", text)
        self.assertIn("custom roles nobody holds: Unused Role", text)
        self.assertIn("users in no group: owner@acme.test, root@acme.test, lim@acme.test", text)
        self.assertIn("service 'www.acme.test' (purge_all)", text)
        self.assertIn("service 'www.acme.test' (Engineer) through user group 'SRE', service group 'production'", text)

        document = json.loads(self.review("--format", "json"))
        self.assertEqual(document["account"]["superusers_without_2fa"], ["root@acme.test"])
        users = {u["login"]: u for u in document["users"]}
        self.assertEqual(users["dev@acme.test"]["last_login"], "2027-02-25T08:00:00Z")
        self.assertEqual(users["root@acme.test"]["tokens"], {"count": 1, "never_expiring": 1, "unused_90_days": 1})
        self.assertEqual(users["root@acme.test"]["two_factor_auth_enabled"], False)
        invitations = {i["email"]: i for i in document["invitations"]}
        self.assertTrue(invitations["old@acme.test"]["expired"])
        self.assertFalse(invitations["new@acme.test"]["expired"])

        markdown = self.review("--format", "markdown")
        self.assertIn("superusers without 2FA (off or not known): root@acme.test", markdown)
        self.assertIn("| root@acme.test |", markdown)
        self.assertIn("2027-01-15T09:30:00Z", markdown)
        self.assertIn("EXPIRED", markdown)
        self.assertIn("1 (1 never expiring, 1 unused for 90 days)", markdown)

        rows = list(csv.DictReader(io.StringIO(self.review("--format", "csv"))))
        by_login = {r["login"]: r for r in rows}
        self.assertEqual(by_login["root@acme.test"]["2fa"], "no")
        self.assertEqual(by_login["root@acme.test"]["tokens_never_expiring"], "1")
        self.assertEqual(by_login["dev@acme.test"]["last_login"], "2027-02-25T08:00:00Z")
        self.assertEqual(by_login["old@acme.test"]["kind"], "expired invitation")
        # A name that a spreadsheet would run as a formula is made inert.
        self.assertEqual(by_login["root@acme.test"]["name"], "'=HYPERLINK(\"http://evil\")")

    def test_with_the_files_each_grant_says_whether_they_give_it_and_why(self):
        self.write("files/people.yaml", """version: 1
users:
  - login: owner@acme.test
  - login: dev@acme.test
    owner: cto@acme.test
    reason: web team
  - login: lim@acme.test
    limit_services: true
    services:
      www.acme.test: {permission: purge_all, reason: purges for the shop, expires: 2027-03-05}
user_groups:
  - name: SRE
    members:
      - {login: dev@acme.test, reason: on-call, owner: cto@acme.test}
  - name: Old
    members:
      - {login: owner@acme.test, expires: 2027-02-01, reason: migration}
""")
        state = self.emulator.state()
        state["user_groups"].append({"name": "Old", "description": "", "members": ["owner@acme.test"]})
        self.emulator.set_state(state)
        out = self.review("-f", os.path.join(self.tmp, "files"), "--format", "json")
        users = {u["login"]: u for u in json.loads(out)["users"]}
        self.assertFalse(users["root@acme.test"]["in_files"])
        self.assertEqual(users["dev@acme.test"]["terms"]["reason"], "web team")
        group = next(g for g in users["dev@acme.test"]["grants"] if g["type"] == "user_group")
        self.assertEqual((group["in_files"], group["terms"]["reason"]), (True, "on-call"))
        service = next(g for g in users["lim@acme.test"]["grants"] if g["type"] == "service")
        self.assertEqual((service["in_files"], service["terms"]["expires"]), (True, "2027-03-05T00:00:00Z"))
        document = json.loads(out)
        self.assertIn("expires 2027-03-05, in 4 days: the grant of service 'www.acme.test' to 'lim@acme.test'",
                      document["deadlines"][0])
        # Expired in the files: the membership is one they no longer give.
        old = next(g for g in users["owner@acme.test"]["grants"] if g["type"] == "user_group")
        self.assertEqual((old["name"], old["in_files"]), ("Old", False))
        text = self.review("-f", os.path.join(self.tmp, "files"))
        self.assertIn("root@acme.test (=HYPERLINK(\"http://evil\"))  [NOT in the files]", text)
        self.assertIn("member of user group 'SRE': in the files (owner: cto@acme.test; reason: on-call)", text)

    def test_a_token_that_cannot_read_the_audit_log_gets_a_note_not_a_failure(self):
        result = self.fa("review", "--now", NOW, token="dev-token")
        self.assertEqual(result.code, 0, result)
        self.assertIn("the audit log (GET /events) could not be read, so last logins are unknown", result.out)
        self.assertIn("last login unknown", result.out)  # never "none": nobody knows
        self.assertIn("tokens: unknown", result.out)
        self.assertNotIn("last login none", result.out)

    def test_a_bounded_read_of_the_audit_log_says_what_it_left_out(self):
        for _ in range(120):  # more than one page of 100
            self.emulator.request("POST", "/_emulator/users/owner@acme.test/login", {}, token=None)
        out = self.review("--max-event-pages", "1")
        self.assertIn("logins were read back to 2027-03-01T12:00:00Z only (1 pages of the audit log, "
                      "--max-event-pages): the 3 users without a login shown may have logged in before that", out)
        self.assertIn("last login none since 2027-03-01T12:00:00Z (older logins not read)", out)
        # Read whole, the same log gives root's login of January.
        self.assertIn("last login 2027-01-15T09:30:00Z", self.review())


if __name__ == "__main__":
    unittest.main()
