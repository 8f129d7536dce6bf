"""A desired-state file, or the live account, cannot make the tool write anywhere but the paths the user
passed (--out, --metrics-file, --journal): names that look like paths (`../../etc/x`, `a/b`, absolute
paths, NUL-free control characters) are data, never file names.

Each test runs the tool with its working directory deep inside a scratch tree, so that any relative escape
would still land inside the tree, where a snapshot taken before and after sees it; absolute names point
at a unique path under the tree and are checked not to exist.
"""
import os
import unittest

from security_common import EmulatorTest, has_apply, run, snapshot

ABSOLUTE_MARKER = "fa-security-absolute-escape"


def hostile_names(root):
    absolute = os.path.join(root, ABSOLUTE_MARKER)
    return {
        "logins": ["../../etc/x@example.com", "a/b/../c@example.com", "..%2F..%2Fetc@example.com",
                   "%s@example.com" % absolute.lstrip("/")],
        "groups": ["../../etc/passwd", "a/b", absolute, "..", ".", "~root/.ssh/authorized_keys", "$(touch pwned)",
                   "con:aux|nul>x"],
    }


def yaml_quote(text):
    return "'" + text.replace("'", "''") + "'"


def desired_file(names):
    lines = ["version: 1", "users:", "  - login: owner@example.com", "    role: superuser"]
    for login in names["logins"]:
        lines += ["  - login: %s" % yaml_quote(login), "    name: %s" % yaml_quote(login), "    role: user"]
    lines.append("service_groups:")
    for group in names["groups"]:
        lines += ["  - name: %s" % yaml_quote(group), "    description: %s" % yaml_quote(group), "    services: []"]
    lines.append("user_groups:")
    for group in names["groups"]:
        lines += ["  - name: %s" % yaml_quote(group), "    description: %s" % yaml_quote(group),
                  "    members: [%s]" % ", ".join(yaml_quote(login) for login in names["logins"])]
    return "\n".join(lines) + "\n"


def seed(names, with_groups):
    state = {"users": [{"login": "owner@example.com", "name": "Owner", "role": "superuser"}] +
             [{"login": login, "name": login, "role": "user"} for login in names["logins"]]}
    if with_groups:
        state["service_groups"] = [{"name": g, "description": g, "services": []} for g in names["groups"]]
        state["user_groups"] = [{"name": g, "description": g, "members": names["logins"]} for g in names["groups"]]
    return state


class OutputConfinementTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.names = hostile_names(self.tmp)
        self.cwd = os.path.join(self.tmp, "a", "b", "c", "work")
        os.makedirs(self.cwd)
        self.outdir = os.path.join(self.tmp, "out")
        os.makedirs(self.outdir)
        self.desired = self.write("desired/hostile.yaml", desired_file(self.names))

    def assert_confined(self, before, allowed, what):
        after = snapshot(self.tmp)
        created = sorted(set(after) - set(before))
        changed = sorted(p for p in set(after) & set(before) if after[p] != before[p] and not os.path.isdir(
            os.path.join(self.tmp, p)))
        allowed_rel = {os.path.relpath(p, self.tmp) for p in allowed}
        self.assertEqual([p for p in created if p not in allowed_rel], [], "%s created files it was not given" % what)
        self.assertEqual([p for p in changed if p not in allowed_rel], [], "%s changed files it was not given" % what)
        self.assertFalse(os.path.lexists(os.path.join(self.tmp, ABSOLUTE_MARKER)), what)
        self.assertFalse(os.path.lexists(os.path.join(self.cwd, "pwned")), what)

    def test_validate_writes_nothing(self):
        before = snapshot(self.tmp)
        result = run(["validate", "-f", self.desired], cwd=self.cwd)
        self.assertIn(result.code, (0, 1), result)
        self.assert_confined(before, [], "validate")

    def test_plan_drift_and_export_write_only_their_outputs(self):
        for with_groups in (False, True):
            with self.subTest(live_groups=with_groups):
                self.emulator.set_state(seed(self.names, with_groups))
                plan_file = os.path.join(self.outdir, "plan-%s.json" % with_groups)
                metrics = os.path.join(self.outdir, "drift-%s.prom" % with_groups)
                exported = os.path.join(self.outdir, "export-%s.yaml" % with_groups)
                before = snapshot(self.tmp)
                results = [
                    self.fa("plan", "-f", self.desired, "--format", "json", "--out", plan_file, cwd=self.cwd),
                    self.fa("plan", "-f", self.desired, "--format", "markdown", cwd=self.cwd),
                    self.fa("drift", "-f", self.desired, "--metrics-file", metrics, cwd=self.cwd),
                    self.fa("export", "--out", exported, cwd=self.cwd),
                    self.fa("export", cwd=self.cwd),
                ]
                for result in results:
                    self.assertIn(result.code, (0, 2), result)
                self.assert_confined(before, [plan_file, metrics, exported], "plan/drift/export")
                for path in (plan_file, metrics, exported):
                    self.assertTrue(os.path.isfile(path), path)
                # The hostile names went through as data.
                with open(exported, encoding="utf-8") as f:
                    text = f.read()
                for login in self.names["logins"]:
                    self.assertIn(login, text)
                if with_groups:
                    for group in ("../../etc/passwd", "a/b", "~root/.ssh/authorized_keys"):
                        self.assertIn(group, text)

    def test_exported_file_with_hostile_names_round_trips(self):
        self.emulator.set_state(seed(self.names, True))
        exported = os.path.join(self.outdir, "export.yaml")
        self.assertEqual(self.fa("export", "--out", exported, cwd=self.cwd).code, 0)
        before = snapshot(self.tmp)
        result = self.fa("plan", "-f", exported, "--detailed-exitcode", cwd=self.cwd)
        self.assertEqual(result.code, 0, result)
        self.assert_confined(before, [], "plan of an export")

    def test_apply_writes_only_its_journal(self):
        if not has_apply():
            self.skipTest("this build has no `apply` command yet")
        journal = os.path.join(self.outdir, "journal.jsonl")
        before = snapshot(self.tmp)
        result = self.fa("apply", "-f", self.desired, "--auto-approve", "--journal", journal, cwd=self.cwd)
        self.assertIn(result.code, (0, 3), result)
        self.assert_confined(before, [journal, journal + ".lock"], "apply")  # the lock: one apply at a time


if __name__ == "__main__":
    unittest.main()
