"""Values from the account that could disguise what a reviewer reads (issue 14 item 6), against the real
emulator: export writes only files that validate and round-trip, and every rendering shows such names
escaped, never raw."""
import json
import os
import unittest

from harness import EmulatorTest

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
ZWSP = "\u200b"  # ZERO WIDTH SPACE


def seed():
    return {
        "customer": {"name": "Acme", "owner": "owner@acme.test"},
        "users": [
            {"login": "owner@acme.test", "name": "Owner", "role": "superuser"},
            {"login": "alice@acme.test", "name": "yes", "role": "engineer", "roles": [" Ops "]},
            {"login": "bob@acme.test", "name": "Bob " + RLO + "evil", "role": "engineer", "roles": ["x" + ZWSP]},
        ],
        "roles": [{"name": " Ops ", "description": "padded", "permissions": ["purge_all"]},
                  {"name": "x" + ZWSP, "description": "zero width", "permissions": ["purge_all"]}],
        "user_groups": [
            {"name": "ops" + RLO + "nimda", "members": ["alice@acme.test"]},
            {"name": "SRE", "roles": ["x" + ZWSP], "members": ["alice@acme.test", "bob@acme.test"]},
        ],
    }


class HostileValuesTest(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state(seed())
        self.exported = os.path.join(self.tmp, "export", "account.yaml")
        os.makedirs(os.path.dirname(self.exported))
        self.export = self.fa("export", "--out", self.exported)

    def test_export_writes_a_file_that_validates_and_round_trips(self):
        self.assertEqual(self.export.code, 0, self.export)
        self.assertIn("export: not exported: user group 'ops\\u202enimda': its name holds U+202E RIGHT-TO-LEFT "
                      "OVERRIDE", self.export.err)
        self.assertIn("export: not exported: role 'x\\u200b'", self.export.err)
        self.assertIn("not exported: the roles of user 'bob@acme.test'", self.export.err)
        self.assertNotIn(RLO, self.export.err)
        with open(self.exported, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('name: "yes"', text)  # a YAML 1.1 boolean, quoted
        self.assertIn('name: " Ops "', text)
        self.assertNotIn(ZWSP, text)
        validate = self.fa("validate", "-f", self.exported)
        self.assertEqual(validate.code, 0, validate)
        plan = self.fa("plan", "-f", self.exported, "--detailed-exitcode")
        self.assertEqual(plan.code, 0, plan)  # nothing is taken away: the lists naming them are left out

    def test_every_rendering_shows_disguising_characters_escaped(self):
        self.assertEqual(self.export.code, 0, self.export)
        for fmt in ("text", "markdown", "json"):
            result = self.fa("drift", "-f", self.exported, "--format", fmt)
            self.assertIn(result.code, (0, 2), result)
            self.assertNotIn(RLO, result.out, fmt)
            self.assertNotIn(ZWSP, result.out, fmt)
            self.assertIn("nimda", result.out, fmt)  # the unmanaged group is listed, escaped
        document = json.loads(self.fa("plan", "-f", self.exported, "--format", "json").out)
        self.assertIn("ops" + RLO + "nimda", [u["key"] for u in document["unmanaged"]])  # same data, escaped bytes


if __name__ == "__main__":
    unittest.main()


class OutputPathTest(EmulatorTest):
    """--out and --metrics-file never replace a symlink or a device (issue 14 item 5)."""

    def test_a_symlinked_out_file_is_written_through_the_link(self):
        target = os.path.join(self.tmp, "real", "account.yaml")
        os.makedirs(os.path.dirname(target))
        with open(target, "w") as f:
            f.write("old\n")
        os.chmod(target, 0o600)
        link = os.path.join(self.tmp, "account.yaml")
        os.symlink(os.path.join("real", "account.yaml"), link)
        result = self.fa("export", "--out", link)
        self.assertEqual(result.code, 0, result)
        self.assertTrue(os.path.islink(link))
        with open(target) as f:
            self.assertIn("version: 1", f.read())
        self.assertEqual(os.stat(target).st_mode & 0o777, 0o600)  # its permissions are kept
        dangling = os.path.join(self.tmp, "dangling.yaml")
        os.symlink("made-through-the-link.yaml", dangling)
        self.assertEqual(self.fa("export", "--out", dangling).code, 0)
        self.assertTrue(os.path.islink(dangling))
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "made-through-the-link.yaml")))

    def test_a_device_is_written_in_place_and_a_directory_refused(self):
        files = self.write("files/account.yaml", "version: 1\n")
        before = os.lstat("/dev/stdout")
        result = self.fa("drift", "-f", files, "--metrics-file", "/dev/stdout")
        self.assertIn(result.code, (0, 2), result)
        self.assertIn("fastly_accounts_drift_objects", result.out)  # written into this run's stdout pipe
        self.assertEqual(os.lstat("/dev/stdout").st_mode, before.st_mode)  # still what it was, not a file
        result = self.fa("export", "--out", self.tmp)
        self.assertEqual(result.code, 1, result)
        self.assertIn("cannot write '%s': it is a directory; name a file" % self.tmp, result.err)
        result = self.fa("export", "--out", "-")
        self.assertEqual(result.code, 0, result)
        self.assertIn("version: 1", result.out)
        self.assertFalse(os.path.exists("-"))
