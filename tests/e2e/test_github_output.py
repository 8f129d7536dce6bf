"""GitHub-ready output (issue 18): the real binary, and for plans the real emulator.

- `validate --format github` prints one workflow command per problem, escaped as GitHub's rules say, and
  `--format json` one document; the exit status and stderr are those of `--format text`;
- `plan --format markdown` fits a GitHub comment: the first plan of a 2,000-user account (bench/make_account
  against an account holding only its owner) is at most 65,536 characters, its summary and every sensitive
  change kept, and it points at the full plan; a plan within the bound is printed as without one.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from harness import REPO, EmulatorTest, run

VALIDATE = os.path.join(REPO, "tests", "fixtures", "validate")
SCHEMA_INVALID = os.path.join(REPO, "tests", "fixtures", "schema-invalid")
MAKE_ACCOUNT = os.path.join(REPO, "bench", "make_account")
DISGUISING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
COMMAND = re.compile(r"^::error(?: file=[^,:]+(?:,line=[1-9]\d*,col=[1-9]\d*)?)?::[^\r\n]+$")


def comment_length(text):
    """Characters as the bound counts them: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class ValidateFormatsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fa-gh-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def validate(self, *args, cwd=VALIDATE):
        return run(["validate", *args], token=None, cwd=cwd)

    def test_github_prints_one_workflow_command_per_problem(self):
        text = self.validate("-f", "bad-references.yaml")
        result = self.validate("-f", "bad-references.yaml", "--format", "github")
        self.assertEqual(result.code, 1, result)
        self.assertEqual(result.err, text.err)
        self.assertEqual(result.out.splitlines(), [
            "::error file=bad-references.yaml,line=4,col=13::users[0].roles[0]: unknown role 'Purge Operater'; "
            "did you mean 'Purge Operator'?",
            "::error file=bad-references.yaml,line=10,col=11::roles[1].name: 'Engineer' is the name of a predefined "
            "role; predefined roles are referenced by name, not defined, so choose another name for this custom role",
            "::error file=bad-references.yaml,line=15,col=35::user_groups[0].roles[2]: unknown role 'Auditor'; "
            "define it under roles, or use a predefined role (User, Billing, Engineer, Superuser, TLS Viewer, "
            "TLS Admin)",
            "::error file=bad-references.yaml,line=16,col=34::user_groups[0].service_groups[1]: unknown service "
            "group 'staging'; define it under service_groups",
            "::error file=bad-references.yaml,line=17,col=53::user_groups[0].members[2]: 'dave@example.com' is "
            "neither a listed user nor a listed invitation; add it under users or invitations",
        ])

    def test_github_escapes_percent_newline_comma_and_colon(self):
        directory = os.path.join(self.tmp, "a,b:c")
        os.makedirs(directory)
        with open(os.path.join(directory, "bad.yaml"), "w") as f:
            f.write('version: 1\nusers:\n  - login: alice@example.com\n    role: engineer\n'
                    '    roles: ["Purge 100% of it\\nnow\\r"]\n')
        result = self.validate("-f", "a,b:c", "--format", "github", cwd=self.tmp)
        self.assertEqual(result.code, 1, result)
        # The newline and CR are shown as \n and \x0d before GitHub's escaping, so the command stays one line;
        # `%` is %25 in the message, and `,` `:` are %2C %3A in the file property.
        self.assertEqual(result.out,
                         "::error file=a%2Cb%3Ac/bad.yaml,line=5,col=13::users[0].roles[0]: 'Purge 100%25 of "
                         "it\\nnow\\x0d' contains U+000A <control-000A>, a control or invisible character that can "
                         "disguise text; logins, emails and names must not hold one\n")

    def test_github_keeps_disguising_characters_escaped(self):
        result = self.validate("-f", "disguised-keys.yaml", "--format", "github")
        self.assertEqual(result.code, 1, result)
        self.assertIsNone(DISGUISING.search(result.out), result.out)
        self.assertIn("::user_groups[0].name: 'ops\\u202egpj' contains U+202E RIGHT-TO-LEFT OVERRIDE", result.out)
        self.assertEqual(len(result.out.splitlines()), 6)

    def test_github_without_a_position_and_without_a_file(self):
        result = self.validate("-f", "does-not-exist.yaml", "--format", "github", cwd=self.tmp)
        self.assertEqual((result.code, result.out), (1, "::error file=does-not-exist.yaml::no such file or directory\n"))
        result = self.validate("-f", "x.yaml", "--format", "github", "--bogus", cwd=self.tmp)
        self.assertEqual((result.code, result.out), (1, "::error::The following argument was not expected: --bogus\n"))

    def test_github_and_json_on_valid_files(self):
        text = self.validate("-f", "anchors-ok.yaml")
        github = self.validate("-f", "anchors-ok.yaml", "--format", "github")
        self.assertEqual((github.code, github.out, github.err), (0, text.out, ""))
        result = self.validate("-f", "anchors-ok.yaml", "--format", "json")
        self.assertEqual((result.code, result.err), (0, ""))
        self.assertEqual(result.out, json.dumps({
            "valid": True, "files": ["anchors-ok.yaml"],
            "counts": {"users": 2, "invitations": 0, "roles": 0, "service_groups": 0, "user_groups": 0,
                       "memberships": 0},
            "problems": [], "error": None}, indent=2) + "\n")

    def test_json_on_invalid_files(self):
        text = self.validate("-f", "bad-references.yaml")
        result = self.validate("-f", "bad-references.yaml", "--format", "json")
        self.assertEqual(result.code, 1, result)
        self.assertEqual(result.err, text.err)
        document = json.loads(result.out)
        self.assertEqual(list(document), ["valid", "files", "counts", "problems", "error"])
        self.assertEqual((document["valid"], document["files"], document["counts"]), (False, None, None))
        self.assertEqual(document["error"], {"message": "5 problems in 1 file", "exit_code": 1,
                                             "problems": document["problems"]})
        self.assertEqual(document["problems"][0], {
            "file": "bad-references.yaml", "line": 4, "column": 13, "field": "users[0].roles[0]",
            "message": "unknown role 'Purge Operater'; did you mean 'Purge Operator'?"})
        # The same problems, in the same order, as the text lines on stderr.
        lines = text.err.splitlines()[:-1]
        self.assertEqual(["%s:%d:%d: %s: %s" % (p["file"], p["line"], p["column"], p["field"], p["message"])
                          for p in document["problems"]], lines)
        disguised = self.validate("-f", "disguised-keys.yaml", "--format", "json")
        self.assertIsNone(DISGUISING.search(disguised.out))
        self.assertIn("ops\\\\u202egpj", disguised.out)

    def test_every_schema_invalid_fixture_in_each_format(self):
        for name in sorted(os.listdir(SCHEMA_INVALID)):
            with self.subTest(name):
                text = self.validate("-f", name, cwd=SCHEMA_INVALID)
                github = self.validate("-f", name, "--format", "github", cwd=SCHEMA_INVALID)
                document = json.loads(self.validate("-f", name, "--format", "json", cwd=SCHEMA_INVALID).out)
                problems = len(text.err.splitlines()) - 1
                self.assertEqual((text.code, github.code), (1, 1))
                self.assertGreater(problems, 0)
                self.assertEqual(len(github.out.splitlines()), problems)
                for line in github.out.splitlines():
                    self.assertRegex(line, COMMAND)
                    self.assertIn("::error file=%s" % name, line)
                self.assertEqual(len(document["problems"]), problems)
                self.assertIs(document["valid"], False)


class MarkdownBoundTest(EmulatorTest):
    """The markdown plan of the 2,000-user onboarding fits a GitHub comment."""

    @classmethod
    def setUpClass(cls):
        cls.account = tempfile.mkdtemp(prefix="fa-gh-2k-")
        subprocess.run([sys.executable, MAKE_ACCOUNT, "--users", "2000", "--seed", "1", "--out", cls.account],
                       check=True, capture_output=True, timeout=300)
        with open(os.path.join(cls.account, "seed.json")) as f:
            seed = json.load(f)
        owner = seed["customer"]["owner"]
        cls.empty = {"customer": seed["customer"], "users": [u for u in seed["users"] if u["login"] == owner],
                     "services": seed["services"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.account, True)

    def plan(self, *args):
        result = self.fa("plan", "-f", os.path.join(self.account, "desired"), *args)
        self.assertEqual(result.code, 0, result.err)
        return result.out

    def test_the_2000_user_onboarding_fits_with_its_summary(self):
        self.emulator.set_state(self.empty)
        plan = json.loads(self.plan("--format", "json"))
        full = self.plan("--format", "markdown", "--max-markdown-chars", "0")
        out = self.plan("--format", "markdown")
        self.assertGreater(comment_length(full), 300000)
        self.assertLessEqual(comment_length(out), 65536)
        self.assertLessEqual(comment_length(out), 65536 - 65536 // 64)
        self.assertTrue(out.startswith("<!-- fastly-accounts plan -->\n### fastly-accounts plan\n"))
        s = plan["summary"]
        self.assertIn("| %d | %d | %d | %d | %d of 1000 per hour assumed" % (
            s["create"], s["update"], s["delete"], s["replace"], s["write_requests"]), out)
        self.assertIn("apply will meet the rate limit before it finishes", out)
        self.assertIn("> **%d changes need a careful look**" % s["sensitive"], out)
        # Every sensitive change named, each on a line of its own; every kind's heading with its count.
        sensitive = [c for c in plan["changes"] if c["sensitive"]]
        self.assertEqual(len(sensitive), s["sensitive"])
        nouns = {"users": "user", "invitations": "invitation", "roles": "role", "service_groups": "service group",
                 "user_groups": "user group"}
        for change in sensitive:
            self.assertIn("> - ⚠️ %s '%s': " % (nouns[change["kind"]], change["key"].replace("_", "\\_")), out)
        for kind, title in (("invitations", "Invitations"), ("user_groups", "User groups")):
            count = len({c["key"] for c in plan["changes"] if c["kind"] == kind})
            self.assertIn("<b>%s</b>: %d changes (%d create)</summary>" % (title, count, count), out)
        self.assertIn("not shown here", out)
        self.assertIn("> [!NOTE]\n> Shortened to fit a comment of 65536 characters: ", out)
        self.assertTrue(out.endswith("*Shortened to fit 65536 characters;* the full plan: `fastly-accounts plan "
                                     "--format markdown --max-markdown-chars 0` (or the plan saved with `--out`).\n"))
        self.assertIsNone(DISGUISING.search(out.replace("\n", "")))

    def test_a_link_to_the_saved_plan_and_another_bound(self):
        self.emulator.set_state(self.empty)
        out = self.plan("--format", "markdown", "--max-markdown-chars", "20000",
                        "--full-plan-url", "https://github.com/o/r/actions/runs/1#artifacts")
        self.assertLessEqual(comment_length(out), 20000)
        self.assertIn("[the saved plan](https://github.com/o/r/actions/runs/1#artifacts)", out)

    def test_the_drift_report_of_the_same_account_fits_too(self):
        self.emulator.set_state(self.empty)
        result = self.fa("drift", "-f", os.path.join(self.account, "desired"), "--format", "markdown")
        self.assertEqual(result.code, 2, result.err)
        self.assertLessEqual(comment_length(result.out), 65536)
        self.assertIn("not shown here", result.out)
        whole = self.fa("drift", "-f", os.path.join(self.account, "desired"), "--format", "markdown",
                        "--max-markdown-chars", "0")
        self.assertGreater(comment_length(whole.out), 300000)

    def test_a_plan_within_the_bound_is_printed_as_without_one(self):
        self.emulator.set_state(self.empty)
        self.write("small/users.yaml", "version: 1\nusers:\n  - login: a@example.com\n    role: superuser\n")
        files = os.path.join(self.tmp, "small")
        bounded = self.fa("plan", "-f", files, "--format", "markdown")
        whole = self.fa("plan", "-f", files, "--format", "markdown", "--max-markdown-chars", "0")
        self.assertEqual((bounded.code, whole.code), (0, 0))
        self.assertEqual(bounded.out, whole.out)
        self.assertIn("invited as superuser", bounded.out)
        self.assertNotIn("Shortened", bounded.out)

    def test_bad_bounds_and_urls_are_refused(self):
        for args, message in ((("--max-markdown-chars", "100"), "'100' is not 0 or a number of characters from 1024 up"),
                              (("--max-markdown-chars", "-1"), "'-1' is not 0 or a number of characters from 1024 up"),
                              (("--full-plan-url", "javascript:alert(1)"), "expected an http:// or https:// URL"),
                              (("--full-plan-url", "https://x.example/a b"), "expected an http:// or https:// URL")):
            with self.subTest(args):
                result = self.fa("plan", "-f", os.path.join(self.account, "desired"), "--format", "markdown", *args)
                self.assertEqual(result.code, 1, result)
                self.assertIn(message, result.err)
                self.assertEqual(result.out, "")


if __name__ == "__main__":
    unittest.main()
