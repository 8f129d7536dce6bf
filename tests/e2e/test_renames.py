"""Renames in place (`previously:`): the real binary against fastly-emulator. A user group, a service group and a
custom role renamed in the files keep their IDs, members, services and permissions; a name that exists beside a
former one is matched by name; a saved plan goes stale when the object is renamed by hand after it was made, or
when an object of its new name is made by hand; a rename done is noted while `previously:` stays."""
import json
import os
import unittest

from harness import EmulatorTest, account, legacy_roles_retired

SERVICE = "SU1Z0isxPaozGVKXdv0eY"
# Custom roles can be renamed only where the legacy /roles API answers (the plan's custom_roles guard says so
# elsewhere): without it the role stays out of the files.
ROLES = not legacy_roles_retired()


def files(group, group_before=(), service_group="prod", service_group_before=(), role="Purger", role_before=()):
    def previously(names):
        return "    previously: [%s]\n" % ", ".join(names) if names else ""

    text = "version: 1\nusers:\n  - login: alice@example.com\n  - login: bob@example.com\n"
    if ROLES:
        text += "roles:\n  - name: %s\n%s    permissions: [purge_all]\n" % (role, previously(role_before))
    text += "service_groups:\n  - name: %s\n%s    services: [%s]\n" % (service_group,
                                                                      previously(service_group_before), SERVICE)
    text += "user_groups:\n  - name: %s\n%s    roles: [Engineer%s]\n    service_groups: [%s]\n" % (
        group, previously(group_before), ", " + role if ROLES else "", service_group)
    text += "    members: [alice@example.com, bob@example.com]\n"
    return text


class RenameTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        seed = account(("alice@example.com", "Alice", "engineer"), ("bob@example.com", "Bob", "engineer"))
        seed["services"] = [{"id": SERVICE, "name": "www"}]
        self.emulator.set_state(seed)
        self.journal = os.path.join(self.tmp, "journal.jsonl")
        self.apply_files(files("Ops"))

    def apply_files(self, text, *args, expect=0):
        path = self.write("account.yaml", text)
        result = self.fa("apply", "-f", path, "--auto-approve", "--journal", self.journal, *args)
        self.assertEqual(result.code, expect, result)
        return result

    def plan(self, text, *args):
        return self.fa("plan", "-f", self.write("account.yaml", text), *args)

    def get(self, path):
        status, body = self.emulator.request("GET", path)
        self.assertEqual(status, 200, (path, body))
        return body

    def listed(self, path):
        body = self.get(path)
        return body["data"] if isinstance(body, dict) else body

    def object_named(self, path, name):
        found = [o for o in self.listed(path) if o["name"] == name]
        self.assertEqual(len(found), 1, (path, name, self.listed(path)))
        return found[0]

    def holdings(self):
        """Every object by id, with its name and what it holds, as ids."""
        out = {}
        for group in self.listed("/user-groups"):
            out[group["id"]] = (group["name"],
                                sorted(m["id"] for m in self.listed("/user-groups/%s/members" % group["id"])),
                                sorted(r["id"] for r in self.listed("/user-groups/%s/roles" % group["id"])),
                                sorted(g["id"] for g in self.listed("/user-groups/%s/service-groups" % group["id"])))
        for group in self.listed("/service-groups"):
            out[group["id"]] = (group["name"],
                                sorted(s["id"] for s in self.listed("/service-groups/%s/services" % group["id"])))
        if ROLES:
            for role in self.listed("/roles"):
                if role.get("custom"):
                    out[role["id"]] = (role["name"],
                                       sorted(p["id"] for p in self.listed("/roles/%s/permissions" % role["id"])))
        return out

    def test_plan_shows_renames_and_apply_keeps_ids_and_what_each_holds(self):
        before = self.holdings()
        renamed = files("SRE", ["Site Reliability", "Ops"], "production", ["prod"], "Purge Operator", ["Purger"])
        text = self.plan(renamed, "--detailed-exitcode")
        self.assertEqual(text.code, 2, text)
        for expected in ('name: "Ops" → "SRE"', 'name: "prod" → "production"', "renamed from 'Ops'",
                         "~ user group 'SRE'", "~ service group 'production'"):
            self.assertIn(expected, text.out)
        if ROLES:
            self.assertIn('name: "Purger" → "Purge Operator"', text.out)
        for unwanted in ("+ user group", "- user group", "+ service group", "- service group", "+ role", "- role"):
            self.assertNotIn(unwanted, text.out)
        markdown = self.plan(renamed, "--format", "markdown").out
        self.assertIn("Ops", markdown)
        self.assertIn("SRE", markdown)
        document = json.loads(self.plan(renamed, "--format", "json").out)
        changes = document["changes"]
        self.assertEqual(len(changes), 3 if ROLES else 2, changes)
        self.assertEqual({c["action"] for c in changes}, {"update"})
        by_key = {c["key"]: c for c in changes}
        group = by_key["SRE"]
        self.assertIn({"field": "name", "from": "Ops", "to": "SRE"}, group["fields"])
        self.assertEqual(group["id"], self.object_named("/user-groups", "Ops")["id"])

        self.apply_files(renamed)
        after = self.holdings()
        self.assertEqual(set(after), set(before))  # the same objects, by id: nothing made, nothing deleted
        renames = {"Ops": "SRE", "prod": "production", "Purger": "Purge Operator"}
        for object_id, held in before.items():
            self.assertEqual(after[object_id], (renames.get(held[0], held[0]),) + held[1:], object_id)
        self.assertEqual(len(after[self.object_named("/user-groups", "SRE")["id"]][1]), 2)  # alice and bob

        again = self.plan(renamed, "--detailed-exitcode")
        self.assertEqual(again.code, 0, again)
        self.assertIn("No changes. The account matches the files.", again.out)
        # The rename is done: each plan says so, so that a future 'Ops' is not renamed to 'SRE'.
        self.assertIn("user group 'SRE': previously: [Site Reliability, Ops] is done (no 'Site Reliability' or "
                      "'Ops' in the account); remove it so that a future 'Site Reliability' or 'Ops' is not "
                      "renamed to 'SRE'", again.out)
        self.assertIn("service group 'production': previously: [prod] is done", again.out)

    def test_a_name_that_exists_beside_a_former_one_is_matched_and_the_former_left_unmanaged(self):
        ops = self.object_named("/user-groups", "Ops")["id"]
        status, made = self.emulator.request("POST", "/user-groups", {"name": "SRE"})
        self.assertEqual(status, 201, made)
        wanted = files("SRE", ["Ops"])
        text = self.plan(wanted)
        self.assertIn("'Ops', one of its former names, also exists in the account; 'SRE' is matched by its name",
                      text.out)
        self.assertNotIn("renamed from", text.out)
        document = json.loads(self.plan(wanted, "--format", "json").out)
        self.assertEqual([c["key"] for c in document["changes"]], ["SRE"])
        self.assertIn({"kind": "user_groups", "key": "Ops"}, document["unmanaged"])

        self.apply_files(wanted)
        self.assertEqual(self.object_named("/user-groups", "SRE")["id"], made["id"])
        self.assertEqual(self.object_named("/user-groups", "Ops")["id"], ops)  # unmanaged, untouched
        self.assertEqual(self.plan(wanted, "--detailed-exitcode").code, 0)

    def test_a_saved_rename_goes_stale_when_the_group_is_renamed_by_hand(self):
        saved = os.path.join(self.tmp, "plan.json")
        renamed = files("SRE", ["Ops"])
        result = self.plan(renamed, "--out", saved)
        self.assertEqual(result.code, 0, result)
        ops = self.object_named("/user-groups", "Ops")["id"]
        status, body = self.emulator.request("PATCH", "/user-groups/%s" % ops, {"name": "Operations"})
        self.assertEqual(status, 200, body)
        before = self.emulator.state()
        refused = self.apply_files(renamed, "--plan", saved, expect=4)
        self.assertIn("refusing the saved plan", refused.err)
        self.assertIn("user group 'SRE'", refused.err)
        self.assertEqual(self.emulator.state(), before)  # nothing written

        # Renamed by hand to another former name the files list: the rename the plan saved would now start from
        # another name, so the plan is stale; made again, it renames the same group in place.
        both = files("SRE", ["Ops", "Site Reliability"])
        self.emulator.request("PATCH", "/user-groups/%s" % ops, {"name": "Ops"})
        self.assertEqual(self.plan(both, "--out", saved).code, 0)
        self.emulator.request("PATCH", "/user-groups/%s" % ops, {"name": "Site Reliability"})
        stale = self.apply_files(both, "--plan", saved, expect=4)
        self.assertIn("refusing the saved plan", stale.err)
        self.assertIn('"Site Reliability"', stale.err)
        self.assertEqual(self.object_named("/user-groups", "Site Reliability")["id"], ops)
        self.apply_files(both)
        self.assertEqual(self.object_named("/user-groups", "SRE")["id"], ops)

    def test_a_saved_rename_goes_stale_when_its_new_name_is_made_by_hand(self):
        saved = os.path.join(self.tmp, "plan.json")
        renamed = files("SRE", ["Ops"])
        self.assertEqual(self.plan(renamed, "--out", saved).code, 0)
        status, made = self.emulator.request("POST", "/user-groups", {"name": "SRE"})
        self.assertEqual(status, 201, made)
        before = self.emulator.state()
        refused = self.apply_files(renamed, "--plan", saved, expect=4)
        self.assertIn("refusing the saved plan", refused.err)
        self.assertIn("update user group 'SRE': a user group named 'SRE' exists now (id %s); 'Ops' would no longer "
                      "be renamed" % made["id"], refused.err)
        self.assertNotIn("deleted and made again", refused.err)
        self.assertEqual(self.emulator.state(), before)  # nothing written


if __name__ == "__main__":
    unittest.main()
