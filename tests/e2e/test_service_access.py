"""Issue 15, against the real emulator: a service-limited engineer's grants applied from the files, changed
and revoked; an engineer with grants made `user` in one apply; grants made by hand are drift; export round-trips
grants; a user holding API tokens deleted cleanly whichever way DELETE /user treats tokens; what the plan
shows is what is sent."""
import json
import os
import re
import unittest

from harness import EmulatorTest

SERVICES = [{"id": "SvcWww0000000000000001", "name": "www"},
            {"id": "SvcApi0000000000000002", "name": "api"},
            {"id": "SvcDocs000000000000003", "name": "docs"},
            {"id": "SvcTwin000000000000004", "name": "twin"},
            {"id": "SvcTwin000000000000005", "name": "twin"}]
BY_NAME = {"www": SERVICES[0]["id"], "api": SERVICES[1]["id"], "docs": SERVICES[2]["id"]}


def seed(lee_services=None, lee_role="engineer", tokens=None):
    lee = {"login": "lee@acme.test", "name": "Lee", "role": lee_role, "limit_services": True}
    if lee_services is not None:
        lee["services"] = lee_services
    doc = {"customer": {"name": "Acme", "owner": "owner@acme.test"},
           "users": [{"login": "owner@acme.test", "name": "Owner", "role": "superuser"}, lee,
                     {"login": "kim@acme.test", "name": "Kim", "role": "engineer"}],
           "services": SERVICES}
    if tokens:
        doc["tokens"] = tokens
    return doc


PEOPLE = """version: 1
users:
  - login: owner@acme.test
    name: Owner
    role: superuser
  - login: kim@acme.test
    name: Kim
    role: engineer
"""


class ServiceAccessTest(EmulatorTest):
    def files(self, lee):
        directory = os.path.join(self.tmp, "files")
        self.write("files/people.yaml", PEOPLE)
        self.write("files/lee.yaml", "version: 1\nusers:\n" + lee)
        return directory

    def grants(self, login="lee@acme.test"):
        """{service id: permission} of the user `login`, as the API lists them."""
        user_id = next(u["id"] for u in self.emulator.state()["users"] if u["login"] == login)
        grants = {}
        for number in range(1, 50):  # pages of 20, the API's default size
            status, body = self.emulator.request("GET", "/service-authorizations?page%%5Bnumber%%5D=%d" % number)
            self.assertEqual(status, 200, body)
            grants.update({a["relationships"]["service"]["data"]["id"]: a["attributes"]["permission"]
                           for a in body["data"] if a["relationships"]["user"]["data"]["id"] == user_id})
            if "next" not in body.get("links", {}):
                return grants
        self.fail("GET /service-authorizations never ended")

    def apply(self, files, *extra):
        return self.fa("apply", "-f", files, "--auto-approve", "--journal", os.path.join(self.tmp, "journal.jsonl"),
                       *extra)

    def assert_converged(self, files):
        plan = self.fa("plan", "-f", files, "--detailed-exitcode")
        self.assertEqual(plan.code, 0, plan)

    def test_grants_are_applied_changed_and_revoked_and_hand_grants_are_drift(self):
        self.emulator.set_state(seed())
        files = self.files("  - login: lee@acme.test\n    limit_services: true\n"
                           "    services: {www: full, SvcApi0000000000000002: read_only}\n")
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 0, plan)
        self.assertIn("service_authorizations:\n        + SvcApi0000000000000002 (api): read_only\n"
                      "        + SvcWww0000000000000001 (www): full\n", plan.out)
        self.assertEqual(self.apply(files).code, 0)
        self.assertEqual(self.grants(), {BY_NAME["www"]: "full", BY_NAME["api"]: "read_only"})
        self.assert_converged(files)

        # Changed: www revoked, api's permission changed, docs granted.
        self.files("  - login: lee@acme.test\n    limit_services: true\n"
                   "    services: {api: purge_all, docs: read_only}\n")
        plan = self.fa("plan", "-f", files, "--format", "json")
        change = json.loads(plan.out)["changes"][0]
        self.assertEqual([(r["method"], r["path"].split("/")[1]) for r in change["requests"]],
                         [("DELETE", "service-authorizations"), ("POST", "service-authorizations"),
                          ("PATCH", "service-authorizations")])
        self.assertEqual(json.loads(plan.out)["summary"]["removals"], 1)
        self.assertEqual(self.apply(files).code, 0)
        self.assertEqual(self.grants(), {BY_NAME["api"]: "purge_all", BY_NAME["docs"]: "read_only"})
        self.assert_converged(files)

        # A grant made by hand on a managed user is drift; apply revokes it.
        lee_id = next(u["id"] for u in self.emulator.state()["users"] if u["login"] == "lee@acme.test")
        status, body = self.emulator.request(
            "POST", "/service-authorizations",
            {"data": {"type": "service_authorization", "attributes": {"permission": "full"},
                      "relationships": {"service": {"data": {"type": "service", "id": BY_NAME["www"]}},
                                        "user": {"data": {"type": "user", "id": lee_id}}}}},
            content_type="application/vnd.api+json")
        self.assertEqual(status, 200, body)
        drift = self.fa("drift", "-f", files)
        self.assertEqual(drift.code, 2, drift)
        self.assertIn("SvcWww0000000000000001 (www): full", drift.out)
        self.assertEqual(self.apply(files).code, 0)
        self.assertEqual(self.grants(), {BY_NAME["api"]: "purge_all", BY_NAME["docs"]: "read_only"})

        # Every grant revoked: one bulk DELETE, counted as such, and two removals against the guard.
        self.files("  - login: lee@acme.test\n    limit_services: true\n    services: {}\n")
        plan = json.loads(self.fa("plan", "-f", files, "--format", "json").out)
        self.assertEqual(plan["summary"]["bulk_requests"], 1)
        self.assertEqual(plan["summary"]["removals"], 2)
        refused = self.fa("plan", "-f", files, "--allow-removals", "1")
        self.assertEqual(refused.code, 4, refused)
        self.assertEqual(self.apply(files).code, 0)
        self.assertEqual(self.grants(), {})
        self.assert_converged(files)

    def test_an_engineer_with_grants_becomes_user_in_one_apply(self):
        self.emulator.set_state(seed({"www": "full", "api": "purge_select"}))
        files = self.files("  - login: lee@acme.test\n    role: user\n    limit_services: false\n")
        result = self.apply(files)
        self.assertEqual(result.code, 0, result)
        lee = next(u for u in self.emulator.state()["users"] if u["login"] == "lee@acme.test")
        self.assertEqual((lee["role"], lee["limit_services"]), ("user", False))
        self.assertEqual(self.grants(), {})
        self.assert_converged(files)
        # Left service-limited, `user` is refused by plan, before anything is sent.
        self.emulator.set_state(seed({"www": "full"}))
        files = self.files("  - login: lee@acme.test\n    role: user\n")
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 1, plan)
        self.assertIn("role 'user' cannot be service-limited", plan.err)

    def test_services_the_account_lacks_or_names_twice_are_refused_with_the_candidates(self):
        self.emulator.set_state(seed())
        files = self.files("  - login: lee@acme.test\n    limit_services: true\n"
                           "    services: {wwww: full, twin: read_only}\n")
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 1, plan)
        self.assertRegex(plan.err, r"lee\.yaml:\d+:\d+: user 'lee@acme.test': services: no service of the account "
                                   r"is named or has the ID 'wwww'; did you mean 'www'\?")
        self.assertIn("2 services are named 'twin' (SvcTwin000000000000004, SvcTwin000000000000005)", plan.err)
        self.assertEqual(self.grants(), {})

    def test_export_round_trips_grants(self):
        self.emulator.set_state(seed({"www": "full", "SvcTwin000000000000004": "read_only"}))
        exported = os.path.join(self.tmp, "exported.yaml")
        self.assertEqual(self.fa("export", "--out", exported).code, 0)
        with open(exported) as f:
            text = f.read()
        # By name where the name names one service; by ID where two share it.
        self.assertRegex(text, r"services:\n\s+SvcTwin000000000000004: read_only\n\s+www: full\n")
        self.assert_converged(exported)

    def test_grants_of_a_user_who_is_not_service_limited_are_left_alone(self):
        doc = seed()
        doc["users"][2]["services"] = {"www": "full"}  # kim: not service-limited, yet holds a grant
        self.emulator.set_state(doc)
        exported = os.path.join(self.tmp, "exported.yaml")
        self.assertEqual(self.fa("export", "--out", exported).code, 0)
        self.assert_converged(exported)
        self.assertEqual(self.grants("kim@acme.test"), {BY_NAME["www"]: "full"})

    def test_an_invitation_sends_its_grants_and_they_hold_once_accepted(self):
        self.emulator.set_state(seed())
        files = self.files("  - login: lee@acme.test\n    limit_services: true\n    services: {}\n"
                           "  - login: new@acme.test\n    role: engineer\n    limit_services: true\n"
                           "    services: {docs: purge_all}\n")
        self.assertEqual(self.apply(files).code, 0)
        invitation = next(i for i in self.emulator.state()["invitations"] if i["email"] == "new@acme.test")
        status, body = self.emulator.request("POST", "/_emulator/invitations/%s/accept" % invitation["id"], {},
                                             token=None)
        self.assertLess(status, 300, body)
        self.assertEqual(self.grants("new@acme.test"), {BY_NAME["docs"]: "purge_all"})
        self.assert_converged(files)

    def test_what_the_plan_shows_is_what_is_sent(self):
        self.emulator.set_state(seed({"www": "full", "api": "read_only", "docs": "full"}))
        files = self.files("  - login: lee@acme.test\n    limit_services: true\n    services: {twin: full}\n"
                           .replace("twin", "SvcTwin000000000000004"))
        self.emulator.request("DELETE", "/_emulator/requests", token=None)
        self.assertEqual(self.apply(files).code, 0)
        received = [(r["method"], r["path"]) for r in self.emulator.requests() if r["method"] != "GET"]
        with open(os.path.join(self.tmp, "journal.jsonl")) as f:
            changes = [e for e in map(json.loads, f) if e["event"] == "change"]
        shown = [(r["method"], r["path"]) for e in changes for r in e["requests"]]
        sent = [(s["method"], s["target"]) for e in changes for s in e["sent"] if s["method"] != "GET"]
        self.assertEqual(shown, [("DELETE", "/service-authorizations"), ("POST", "/service-authorizations")])
        self.assertEqual(sent, shown)
        self.assertEqual(received, shown)


class OffboardingTest(EmulatorTest):
    TOKENS = {"lee-deploy-secret": {"user": "lee@acme.test", "name": "deploy", "scope": "global",
                                    "last_used_at": "2026-11-30T10:00:00Z"},
              "lee-purge-secret": {"user": "lee@acme.test", "name": "purge", "scope": "purge_all"}}

    def offboard(self, switch):
        self.emulator.set_state(seed({"www": "full"}, tokens=self.TOKENS))
        self.emulator.compat(delete_user_with_tokens=switch)
        directory = os.path.join(self.tmp, "files")
        self.write("files/people.yaml", PEOPLE + "policy:\n  prune: [users]\n")
        plan = self.fa("plan", "-f", directory)
        self.assertEqual(plan.code, 0, plan)
        self.assertIn("- user 'lee@acme.test'", plan.out)
        self.assertIn("'deploy' (scope global, last used 2026-11-30T10:00:00Z, never expires)", plan.out)
        self.assertIn("revokes 2 API tokens first ('deploy', 'purge')", plan.out)
        self.assertNotIn("secret", plan.out)
        result = self.fa("apply", "-f", directory, "--auto-approve")
        self.assertEqual(result.code, 0, result)
        state = self.emulator.state()
        self.assertNotIn("lee@acme.test", [u["login"] for u in state["users"]])
        customer = state["customer"]["id"]
        status, tokens = self.emulator.request("GET", "/customer/%s/tokens" % customer)
        self.assertEqual(status, 200, tokens)
        self.assertEqual([t for t in tokens if t.get("name") in ("deploy", "purge")], [])
        # The revoked secrets no longer authenticate.
        self.assertEqual(self.emulator.request("GET", "/current_user", token="lee-deploy-secret")[0], 401)
        self.assertEqual(self.fa("plan", "-f", directory, "--detailed-exitcode").code, 0)

    def test_a_user_holding_tokens_is_deleted_when_delete_user_refuses_while_tokens_remain(self):
        self.offboard("refuse")

    def test_a_user_holding_tokens_is_deleted_when_delete_user_takes_the_tokens_along(self):
        self.offboard("cascade")


if __name__ == "__main__":
    unittest.main()
