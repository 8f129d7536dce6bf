"""plan --base: each change marked as the pull request's or as drift already in the account (issue 18).

The account is made to match the base files, then edited by hand; the head files make one change of their
own. The plan of the head files against the base files must tell the two apart, in every rendering.
"""
import json
import os
import unittest

from harness import EmulatorTest, account

BASE = """version: 1
users:
  - login: owner@example.com
    role: superuser
  - login: ana@example.com
    name: Ana
    role: engineer
  - login: bo@example.com
    name: Bo
    role: engineer
  - login: cy@example.com
    name: Cy
    role: engineer
user_groups:
  - name: Ops
    members: [ana@example.com]
"""


class PlanBaseTest(EmulatorTest):
    emulator_args = ()

    def setUp(self):
        super().setUp()
        self.emulator.set_state(account(("ana@example.com", "Ana", "engineer"), ("bo@example.com", "Bo", "engineer"),
                                        ("cy@example.com", "Cy", "engineer")))
        self.base = self.write("base/access.yaml", BASE)
        applied = self.fa("apply", "-f", self.base, "--auto-approve")
        self.assertEqual(applied.code, 0, applied)

    def user_id(self, login):
        users = self.emulator.request("GET", "/customer/51MumwLiSJyFTWhtbByYgR/users")[1]
        return next(u["id"] for u in users if u["login"] == login)

    def by_hand(self, login, **fields):
        status, body = self.emulator.request("PUT", "/user/%s" % self.user_id(login), fields)
        self.assertLess(status, 300, body)

    def head(self, text):
        return self.write("head/access.yaml", text)

    def plan(self, head, *args):
        return self.fa("plan", "-f", head, "--base", self.base, *args)

    def test_one_change_and_one_hand_edit_make_two_sections_of_one_change_each(self):
        self.by_hand("bo@example.com", name="Bo By Hand")
        head = self.head(BASE.replace("name: Ana\n    role: engineer", "name: Ana\n    role: billing"))

        text = self.plan(head)
        self.assertEqual(text.code, 0, text)
        mine, _, drift = text.out.partition("Drift already in the account: 1 object")
        self.assertIn("This change: 1 object", mine)
        self.assertIn("user 'ana@example.com'", mine)
        self.assertIn('role: "engineer" → "billing"', mine)
        self.assertNotIn("bo@example.com", mine)
        self.assertIn("user 'bo@example.com'", drift)
        self.assertIn('name: "Bo By Hand" → "Bo"', drift)
        self.assertNotIn("ana@example.com", drift)
        self.assertNotIn("Drift this change keeps", text.out)

        markdown = self.plan(head, "--format", "markdown")
        self.assertEqual(markdown.code, 0, markdown)
        mine, _, drift = markdown.out.partition("#### Drift already in the account: 1 object")
        self.assertIn("#### This change: 1 object", mine)
        self.assertIn("`ana@example.com`", mine)
        self.assertNotIn("bo@example.com", mine)
        self.assertIn("`bo@example.com`", drift)
        self.assertNotIn("ana@example.com", drift)

        document = json.loads(self.plan(head, "--format", "json").out)
        origins = {c["key"]: c["origin"] for c in document["changes"]}
        self.assertEqual(origins, {"ana@example.com": "change", "bo@example.com": "drift"})
        self.assertEqual(document["adopted_drift"], [])

        # Without --base the plan is as it always was: no sections, no origins.
        plain = self.fa("plan", "-f", head)
        self.assertNotIn("This change", plain.out)
        plain_json = json.loads(self.fa("plan", "-f", head, "--format", "json").out)
        self.assertNotIn("origin", plain_json["changes"][0])
        self.assertNotIn("adopted_drift", plain_json)

    def test_a_hand_edit_the_head_files_now_match_is_adopted_drift(self):
        # Cy's role was raised by hand, and the pull request writes the raised role into the files: the
        # plan has nothing to do for Cy, but the reviewer must see that the merge keeps a hand edit.
        self.by_hand("cy@example.com", role="superuser")
        head = self.head(BASE.replace("name: Cy\n    role: engineer", "name: Cy\n    role: superuser"))
        text = self.plan(head)
        self.assertEqual(text.code, 0, text)
        self.assertNotIn("This change:", text.out)
        self.assertIn("Drift this change keeps: 1 change", text.out)
        self.assertIn("No changes. The account matches the files.", text.out)
        kept = text.out.split("Drift this change keeps", 1)[1]
        self.assertIn("user 'cy@example.com'", kept)
        self.assertIn('role: "superuser" stays (the base files have "engineer")', kept)
        document = json.loads(self.plan(head, "--format", "json").out)
        self.assertEqual(document["changes"], [])
        self.assertEqual([c["key"] for c in document["adopted_drift"]], ["cy@example.com"])
        self.assertNotIn("requests", document["adopted_drift"][0])
        # Who made the hand edit the pull request keeps, from the audit log.
        self.assertEqual(document["adopted_drift"][0]["author"]["login"], "owner@example.com")
        self.assertIn("by owner@example.com", kept)
        markdown = self.plan(head, "--format", "markdown").out
        self.assertIn("<b>Drift this change keeps</b>: 1 change", markdown)

    def test_a_hand_made_superuser_kept_beside_a_fix_of_the_same_user_is_shown_and_marked(self):
        # By hand, Bo became a superuser named "Bo By Hand"; the pull request fixes the name and writes the
        # superuser role into the files. The name fix is drift; the role that stays must be shown and marked.
        self.by_hand("bo@example.com", name="Bo By Hand", role="superuser")
        head = self.head(BASE.replace("name: Bo\n    role: engineer", "name: Bo\n    role: superuser"))
        document = json.loads(self.plan(head, "--format", "json").out)
        self.assertEqual([(c["key"], c["origin"]) for c in document["changes"]], [("bo@example.com", "drift")])
        [kept] = document["adopted_drift"]
        self.assertEqual([(f["field"], f["from"], f["to"]) for f in kept["fields"]], [("role", "superuser", "engineer")])
        self.assertTrue(kept["sensitive"] and kept["sensitive"][0].startswith("kept:"), kept)
        text = self.plan(head).out
        self.assertIn('role: "superuser" stays (the base files have "engineer")', text)
        self.assertIn("! kept:", text)
        markdown = self.plan(head, "--format", "markdown").out
        warning = markdown.split("> [!WARNING]", 1)[1].split("\n\n", 1)[0]
        self.assertIn("bo@example.com", warning)
        self.assertIn("kept:", warning)

    def test_a_renamed_group_is_one_object_in_both_plans(self):
        # The pull request renames Ops (previously:); by hand, Bo was added to it. The base files would take Bo
        # out too: that part is drift the renamed group's change also undoes, never "kept".
        status, groups = self.emulator.request("GET", "/user-groups")
        ops = next(g for g in groups["data"] if g["name"] == "Ops")
        status, body = self.emulator.request("POST", "/user-groups/%s/members" % ops["id"],
                                             {"members": [{"id": self.user_id("bo@example.com"), "object": "user"}]})
        self.assertLess(status, 300, body)
        head = self.head(BASE.replace("  - name: Ops\n", "  - name: SRE\n    previously: [Ops]\n"))
        document = json.loads(self.plan(head, "--format", "json").out)
        # The rename (stage 3) and Bo's removal (stage 4): one object, the pull request's, half of it drift.
        self.assertEqual([(c["key"], c["id"], c["origin"]) for c in document["changes"]],
                         [("SRE", ops["id"], "change")] * 2)
        self.assertEqual([c["also_drift"] for c in document["changes"]], [[], ["members"]])
        self.assertEqual(document["adopted_drift"], [])

    def test_a_change_that_also_undoes_drift_is_the_pull_requests_and_says_what_was_drift(self):
        self.by_hand("ana@example.com", name="Ana By Hand")
        head = self.head(BASE.replace("name: Ana\n    role: engineer", "name: Ana\n    role: billing"))
        text = self.plan(head)
        self.assertIn("This change: 1 object", text.out)
        self.assertIn("Drift already in the account: 0 objects", text.out)
        self.assertIn("also undoes drift already in the account: name", text.out)
        change = json.loads(self.plan(head, "--format", "json").out)["changes"][0]
        self.assertEqual((change["origin"], change["also_drift"]), ("change", ["name"]))

    def test_a_membership_change_and_a_hand_removed_member_are_told_apart(self):
        # The pull request adds Bo to Ops; by hand, Ana was taken out of it. One object, two origins in it.
        status, groups = self.emulator.request("GET", "/user-groups")
        ops = next(g for g in groups["data"] if g["name"] == "Ops")
        status, body = self.emulator.request("DELETE", "/user-groups/%s/members" % ops["id"],
                                             {"members": [{"id": self.user_id("ana@example.com"), "object": "user"}]})
        self.assertLess(status, 300, body)
        head = self.head(BASE.replace("members: [ana@example.com]", "members: [ana@example.com, bo@example.com]"))
        change = json.loads(self.plan(head, "--format", "json").out)["changes"]
        self.assertEqual([(c["key"], c["origin"]) for c in change], [("Ops", "change")])
        self.assertEqual(change[0]["also_drift"], ["members"])
        self.assertIn("also undoes drift already in the account: members", self.plan(head).out)

    def test_base_files_that_cannot_be_used_leave_every_change_the_pull_requests_with_a_note(self):
        self.by_hand("bo@example.com", name="Bo By Hand")
        head = self.head(BASE)
        broken = self.write("broken/access.yaml", "version: 1\nusers:\n  - name: no login\n")
        for base, why in ((broken, "the base files (--base) cannot be used: "),
                          (os.path.join(self.tmp, "missing"), "no such file")):
            result = self.fa("plan", "-f", head, "--base", base, "--format", "json")
            self.assertEqual(result.code, 0, result)
            document = json.loads(result.out)
            self.assertEqual([c["origin"] for c in document["changes"]], ["change"])
            self.assertTrue(any(why in note for note in document["notes"]), document["notes"])
        result = self.fa("plan", "-f", head, "--base", broken)
        self.assertIn("broken/access.yaml:3", result.out)

    def test_a_saved_plan_made_with_base_files_applies_as_any_other(self):
        self.by_hand("bo@example.com", name="Bo By Hand")
        head = self.head(BASE.replace("name: Ana\n    role: engineer", "name: Ana\n    role: billing"))
        saved = os.path.join(self.tmp, "plan.json")
        self.assertEqual(self.plan(head, "--out", saved).code, 0)
        applied = self.fa("apply", "-f", head, "--plan", saved, "--auto-approve")
        self.assertEqual(applied.code, 0, applied)
        self.assertEqual(self.fa("plan", "-f", head, "--detailed-exitcode").code, 0)


if __name__ == "__main__":
    unittest.main()
