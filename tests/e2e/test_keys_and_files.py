"""Keys and files (issue 12, items 7 and 10): the real binary against fastly-emulator.

- Logins and emails compare with Unicode case folding: `ZOË@...` in the files is the live `zoë@...`, and
  a glob's `?` is one character.
- `-f DIR` skips nothing unnoticed: a subdirectory or another file in it is refused before the account is
  read, and the journal directory that apply makes beside the files is passed over.
"""
import os

from harness import EmulatorTest, account

SEED = account(("zo\u00eb@example.com", "Zo\u00eb", "engineer"), ("jordan@example.com", "Jordan", "user"))

PRUNING = """version: 1
policy:
  prune: [users, invitations]
"""


class Case(EmulatorTest):
    def setUp(self):
        super().setUp()
        self.emulator.set_state(SEED)

    def logins(self):
        return sorted(u["login"] for u in self.emulator.state()["users"])

    def invitations(self):
        return [i["email"] for i in self.emulator.state().get("invitations", [])]

    def apply(self, *files):
        args = []
        for f in files:
            args += ["-f", f]
        return self.fa("apply", *args, "--auto-approve")


class UnicodeKeysTest(Case):
    def test_an_upper_case_non_ascii_login_is_the_live_user(self):
        # Before: ZOË was not zoë, so plan invited ZOË (a duplicate) and, with prune, deleted the real zoë.
        for login in ("ZO\u00cb@example.com", "zoe\u0308@Example.com"):  # upper case; decomposed
            with self.subTest(login=login):
                files = self.write("access-%d/people.yaml" % len(login), PRUNING + """users:
  - login: owner@example.com
  - login: %s
    name: Zo\u00eb
  - login: jordan@example.com
""" % login)
                plan = self.fa("plan", "-f", files, "--detailed-exitcode")
                self.assertEqual(plan.code, 0, plan)
                self.assertIn("No changes. The account matches the files.", plan.out)
                result = self.apply(files)
                self.assertEqual(result.code, 0, result)
                self.assertEqual(self.logins(), ["jordan@example.com", "owner@example.com", "zo\u00eb@example.com"])
                self.assertEqual(self.invitations(), [])

    def test_a_glob_question_mark_is_one_character(self):
        # zoë is not in the files but ignored by "zo?@example.com"; before, `?` took one byte of the two of ë
        # and prune deleted her.
        files = self.write("access/people.yaml", PRUNING + """ignore:
  users: ["ZO?@EXAMPLE.COM"]
users:
  - login: owner@example.com
""")
        plan = self.fa("plan", "-f", files)
        self.assertEqual(plan.code, 0, plan)
        self.assertIn("- user 'jordan@example.com'", plan.out)
        self.assertNotIn("zo\u00eb", plan.out)
        result = self.apply(files)
        self.assertEqual(result.code, 0, result)
        self.assertEqual(self.logins(), ["owner@example.com", "zo\u00eb@example.com"])


class DirectoryTest(Case):
    FILES = PRUNING + """users:
  - login: owner@example.com
"""
    TEAM = """version: 1
users:
  - login: zo\u00eb@example.com
  - login: jordan@example.com
"""

    def test_a_subdirectory_is_refused_before_anything_is_read_or_changed(self):
        # Before: access/teams/ was skipped without a word, and prune deleted the people defined there.
        access = os.path.join(self.tmp, "access")
        self.write("access/people.yaml", self.FILES)
        self.write("access/teams/people.yaml", self.TEAM)
        self.emulator.request("DELETE", "/_emulator/stats", token=None)
        for command in (["plan", "-f", access], ["apply", "-f", access, "--auto-approve"]):
            with self.subTest(command=command[0]):
                result = self.fa(*command)
                self.assertEqual(result.code, 1, result)
                self.assertIn("%s/teams: a directory, not read: -f %s does not look inside it; add -f %s/teams "
                              "to read its files, or move them up" % (access, access, access), result.err)
        self.assertEqual(self.emulator.stats()["total"], 0)  # refused before any request
        self.assertEqual(len(self.logins()), 3)
        # Named with its own -f, the subdirectory is read: nobody is deleted, nothing is left to do.
        result = self.apply(access, os.path.join(access, "teams"))
        self.assertEqual(result.code, 0, result)
        self.assertEqual(len(self.logins()), 3)

    def test_upper_case_extensions_are_read_and_other_files_refused(self):
        access = os.path.join(self.tmp, "access")
        self.write("access/people.yaml", self.FILES)
        self.write("access/Team.YML", self.TEAM)
        self.write("access/README.md", "About these files.\n")
        plan = self.fa("plan", "-f", access, "--detailed-exitcode")
        self.assertEqual(plan.code, 0, plan)  # Team.YML read: zoë and jordan are listed, nobody to delete
        self.write("access/more-people.json", "{}\n")
        plan = self.fa("plan", "-f", access)
        self.assertEqual(plan.code, 1, plan)
        self.assertIn("%s/more-people.json: not read: -f %s reads *.yaml and *.yml files only" % (access, access),
                      plan.err)

    def test_the_journal_directory_beside_the_files_is_passed_over(self):
        access = os.path.join(self.tmp, "access")
        self.write("access/people.yaml", self.FILES + """  - login: jordan@example.com
    name: Jordan Renamed
  - login: zo\u00eb@example.com
""")
        self.assertEqual(self.apply(access).code, 0)
        self.assertTrue(os.path.exists(os.path.join(access, ".fastly-accounts", "journal.jsonl")))
        plan = self.fa("plan", "-f", access, "--detailed-exitcode")
        self.assertEqual(plan.code, 0, plan)
