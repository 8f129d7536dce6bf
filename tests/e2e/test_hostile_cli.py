"""Hostile input from the command line, the environment and the file system (issue 14 items 1, 5, 8, 9):
each is refused with one clear message and exit 1 before anything is sent, or handled as documented.

The real binary against the real emulator on port 0, or against a recording stand-in (standin.py) where
the test must see exactly what reached the server.
"""
import json
import os
import pty
import select
import subprocess
import time
import unittest

from harness import BINARY, EmulatorTest, run
from standin import RecordingServer

# A run whose endpoint check were skipped would fall back to production: route any https:// through a
# loopback port nobody listens on, so even a broken binary never leaves this machine.
NO_PRODUCTION = {"https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}

CHANGE = """version: 1
service_groups:
  - name: production
    description: Production services
"""


class EndpointRefusalTest(unittest.TestCase):
    """An empty endpoint never means production; user:password@, a query or a fragment is refused."""

    def refused(self, args, expected, env=None, secret=None):
        """Runs export with `args`, where STANDIN stands for the stand-in's host and port."""
        with RecordingServer() as server:
            result = run([a.replace("STANDIN", server.url[len("http://"):]) for a in args] + ["export"],
                         env_extra={**NO_PRODUCTION, **(env or {})})
        self.assertEqual(result.code, 1, result)
        self.assertIn(expected, result.err)
        self.assertEqual(server.requests, [], "a refused endpoint got a request")
        if secret:
            self.assertNotIn(secret, result.out + result.err)
        return result

    def test_the_stand_in_sees_a_run_with_a_good_endpoint(self):
        # The control for the tests below: an accepted endpoint does reach the stand-in.
        with RecordingServer() as server:
            result = run(["--endpoint", server.url, "export"])
        self.assertEqual(result.code, 1, result)  # the stand-in answers 401
        self.assertEqual(len(server.requests), 1, server.requests)

    def test_an_empty_endpoint_is_refused(self):
        self.refused(["--endpoint", ""], "--endpoint is empty (an unset variable?)")
        self.refused(["--endpoint="], "--endpoint is empty (an unset variable?)")
        self.refused([], "FASTLY_API_ENDPOINT is set but empty (an unset CI variable?)",
                     env={"FASTLY_API_ENDPOINT": ""})

    def test_user_and_password_are_refused_and_not_echoed(self):
        self.refused(["--endpoint", "http://deploy:s3cret-pass@STANDIN"],
                     "carries a user name or password ('user:password@')", secret="s3cret-pass")
        self.refused([], "carries a user name or password", secret="s3cret-pass",
                     env={"FASTLY_API_ENDPOINT": "https://deploy:s3cret-pass@api.fastly.com"})

    def test_a_query_or_a_fragment_is_refused(self):
        self.refused(["--endpoint", "http://STANDIN/?key=s3cret-query"], "has a query ('?...')", secret="s3cret-query")
        self.refused(["--endpoint", "http://STANDIN/?"], "has a query ('?...')")
        self.refused(["--endpoint", "http://STANDIN#s3cret-fragment"], "has a fragment ('#...')",
                     secret="s3cret-fragment")


class CommandLineTest(EmulatorTest):
    """Messages and parsing: unknown commands, global options anywhere, --help pointers, NO_COLOR."""

    def setUp(self):
        super().setUp()
        self.files = self.write("files/account.yaml", CHANGE)

    def test_an_unknown_command_is_named(self):
        result = run(["plna", "-f", self.files])
        self.assertEqual(result.code, 1, result)
        self.assertIn("fastly-accounts: unknown command 'plna' (did you mean 'plan'?); the commands are validate, "
                      "plan, apply, drift, export and review\nRun 'fastly-accounts --help' for usage.", result.err)
        result = run(["--log-level", "debug", "sync"])
        self.assertIn("unknown command 'sync'; the commands are", result.err)

    def test_global_options_are_accepted_after_the_command(self):
        token_file = self.write("token", "emulator-superuser-token\n")
        os.chmod(token_file, 0o600)
        result = run(["plan", "-f", self.files, "--no-color", "--endpoint", self.emulator.url, "--token-file",
                      token_file, "--log-level", "debug", "--detailed-exitcode"], token=None)
        self.assertEqual(result.code, 2, result)
        self.assertIn("production", result.out)
        self.assertIn("GET /current_customer", result.err)  # --log-level debug took effect
        self.assertGreater(self.emulator.stats()["total"], 0)

    def test_errors_point_at_the_commands_own_help(self):
        result = self.fa("plan", "-f", self.files, "--bogus")
        self.assertEqual(result.code, 1, result)
        self.assertIn("Run 'fastly-accounts plan --help' for usage.", result.err)
        result = self.fa("apply", "--max-wait", "-3", "-f", self.files)
        self.assertIn("Run 'fastly-accounts apply --help' for usage.", result.err)
        result = run(["--concurrency", "0", "drift", "-f", self.files])
        self.assertIn("Run 'fastly-accounts drift --help' for usage.", result.err)
        self.assertIn("Global options may come before or after the command", run(["--help"]).out)

    def on_a_terminal(self, no_color):
        """The stdout of `plan` run on a pseudo-terminal, with NO_COLOR set to `no_color`."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FASTLY_") and k != "NO_COLOR"}
        env.update(FASTLY_API_TOKEN="emulator-superuser-token", NO_COLOR=no_color)
        master, slave = pty.openpty()
        process = subprocess.Popen([BINARY, "--endpoint", self.emulator.url, "plan", "-f", self.files],
                                   stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env)
        os.close(slave)
        output = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            output += chunk
        os.close(master)
        self.assertEqual(process.wait(timeout=60), 0, process.stderr.read())
        process.stderr.close()
        return output.decode()

    def test_an_empty_no_color_leaves_colour_on(self):
        self.assertIn("\x1b[", self.on_a_terminal(""))
        plain = self.on_a_terminal("1")
        self.assertNotIn("\x1b[", plain)
        self.assertIn("production", plain)


class TokenFileTest(EmulatorTest):
    """--token-file: a directory, an unreadable or a loose file each get one message saying why."""

    def refused(self, path, expected, *extra):
        result = self.fa(*extra, "--token-file", path, "export", token=None)
        self.assertEqual(result.code, 1, result)
        self.assertIn(expected, result.err)
        self.assertEqual(self.emulator.stats()["total"], 0)
        return result

    def test_a_directory_or_an_unreadable_file_is_refused_saying_why(self):
        self.refused(self.tmp, "the token file '%s' is a directory; name the file that holds the API token" % self.tmp)
        missing = os.path.join(self.tmp, "missing")
        self.refused(missing, "cannot read the token file '%s': No such file or directory" % missing)
        loop = os.path.join(self.tmp, "loop")
        os.symlink("loop", loop)
        self.refused(loop, "cannot read the token file '%s': Too many levels of symbolic links" % loop)
        if os.geteuid() != 0:  # root reads any file
            locked = self.write("locked", "emulator-superuser-token\n")
            os.chmod(locked, 0)
            self.refused(locked, "cannot read the token file '%s': Permission denied" % locked)
        self.refused("", "--token-file is empty (an unset variable?)")

    def test_a_token_file_readable_by_others_is_refused_unless_allowed(self):
        loose = self.write("loose", "emulator-superuser-token\n")
        os.chmod(loose, 0o644)
        self.refused(loose, "the token file '%s' is readable by other users (mode 0644); make it private with "
                            "chmod 600, or pass --allow-readable-token-file" % loose)
        os.chmod(loose, 0o640)
        self.refused(loose, "is readable by other users (mode 0640)")
        result = self.fa("--allow-readable-token-file", "--token-file", loose, "export", token=None)
        self.assertEqual(result.code, 0, result)
        os.chmod(loose, 0o600)
        self.assertEqual(self.fa("--token-file", loose, "export", token=None).code, 0)


class JsonErrorTest(EmulatorTest):
    """plan and drift with --format json: any error is one JSON object on stdout, and the message on stderr."""

    def error_of(self, result):
        self.assertEqual(result.code, 1, result)
        document = json.loads(result.out)  # one object, nothing else
        self.assertEqual(list(document), ["error"])
        self.assertEqual(list(document["error"]), ["message", "exit_code", "problems"])
        self.assertEqual(document["error"]["exit_code"], 1)
        self.assertIn(document["error"]["message"], result.err)
        return document["error"]

    def test_invalid_files(self):
        bad = self.write("bad.yaml", "version: 1\nusers: 3\npolicy:\n  prune: maybe\n")
        for command in ("plan", "drift"):
            error = self.error_of(self.fa(command, "-f", bad, "--format", "json"))
            self.assertEqual(error["message"], "2 problems in 1 file")
            self.assertEqual(error["problems"][0], {"file": bad, "line": 2, "column": 8, "field": "users",
                                                    "message": "expected a list, got an integer '3'"})
            self.assertEqual(error["problems"][1]["field"], "policy.prune")
        missing = os.path.join(self.tmp, "missing.yaml")
        error = self.error_of(self.fa("plan", "-f", missing, "--format", "json"))
        self.assertEqual(error["problems"][0]["file"], missing)
        self.assertIsNone(error["problems"][0]["line"])

    def test_names_the_account_lacks(self):
        files = self.write("a.yaml", "version: 1\nroles:\n  - name: Mover\n    permissions: [move_mountains]\n")
        error = self.error_of(self.fa("plan", "-f", files, "--format", "json"))
        self.assertEqual([p["message"] for p in error["problems"]],
                         ["role 'Mover': permission 'move_mountains' does not exist (see GET /permissions)"])
        # Where the files name it: the role's place in a.yaml.
        self.assertEqual({k: v for k, v in error["problems"][0].items() if k != "message"},
                         {"file": files, "line": 3, "column": 5, "field": None})

    def test_api_failure_token_and_usage(self):
        files = self.write("a.yaml", CHANGE)
        self.emulator.faults(error_rate=1.0, seed=3)
        error = self.error_of(self.fa("drift", "-f", files, "--format", "json"))
        self.assertIn("GET /current_customer", error["message"])
        self.assertEqual(error["problems"], [])
        self.emulator.faults(error_rate=0.0)
        self.error_of(self.fa("plan", "-f", files, "--format", "json", token=None))
        error = self.error_of(self.fa("plan", "-f", files, "--format", "json", "--bogus"))
        self.assertEqual(error["message"], "The following argument was not expected: --bogus")
        other = self.write("other/customer.yaml", "version: 1\ncustomer_id: SomeOtherCustomer1\n")
        result = self.fa("drift", "-f", other, "--format", "json")
        self.assertEqual(result.code, 4, result)
        error = json.loads(result.out)["error"]
        self.assertEqual(error["exit_code"], 4)
        self.assertIn("the files are for customer SomeOtherCustomer1", error["message"])

    def test_a_guard_refusal_is_a_plan_and_text_errors_stay_off_stdout(self):
        other = self.write("other/guard.yaml", "version: 1\npolicy:\n  min_superusers: 5\n")
        result = self.fa("plan", "-f", other, "--format", "json")
        self.assertEqual(result.code, 4, result)
        self.assertNotIn("error", json.loads(result.out))
        self.assertIn("guards", json.loads(result.out))
        bad = self.write("bad.yaml", "version: 1\nusers: 3\n")
        for args in (["--format", "text"], ["--format", "markdown"], []):
            result = self.fa("plan", "-f", bad, *args)
            self.assertEqual((result.code, result.out), (1, ""), result)


class PlanOutStdoutTest(EmulatorTest):
    """plan --out - writes the saved plan alone to stdout; the plan for people goes to stderr."""

    def test_out_dash(self):
        files = self.write("files/account.yaml", CHANGE)
        for fmt, shown in (("text", "production"), ("json", '"mode": "plan"')):
            with self.subTest(fmt=fmt):
                result = self.fa("plan", "-f", files, "--format", fmt, "--out", "-", cwd=self.tmp)
                self.assertEqual(result.code, 0, result)
                saved = json.loads(result.out)
                self.assertIn("digest", saved)
                self.assertIn(shown, result.err)
                self.assertIn("wrote the saved plan to standard output", result.err)
                self.assertFalse(os.path.exists(os.path.join(self.tmp, "-")))
        path = self.write("plan.json", result.out)
        result = self.fa("apply", "-f", files, "--plan", path, "--auto-approve")
        self.assertEqual(result.code, 0, result)


class JournalPlaceTest(EmulatorTest):
    """The journal: a missing directory is an error (but the default one is made), a directory is an error,
    a symlinked journal is followed, a symlinked lock file refused. Each refusal comes before the account is read."""

    def setUp(self):
        super().setUp()
        self.files = self.write("files/account.yaml", CHANGE)

    def apply(self, *args):
        return self.fa("apply", "-f", self.files, "--auto-approve", *args)

    def refused(self, journal, expected):
        result = self.apply("--journal", journal)
        self.assertEqual(result.code, 1, result)
        self.assertIn(expected, result.err)
        self.assertEqual(self.emulator.stats()["total"], 0, "the account was read")
        return result

    def test_a_journal_in_a_missing_directory_is_an_error(self):
        typo = os.path.join(self.tmp, "jounral", "journal.jsonl")
        self.refused(typo, "the directory of the journal '%s' does not exist ('%s'); create it, or name another "
                           "--journal" % (typo, os.path.dirname(typo)))
        self.assertFalse(os.path.exists(os.path.dirname(typo)))

    def test_the_default_journal_directory_is_made(self):
        result = self.apply()
        self.assertEqual(result.code, 0, result)
        journal = os.path.join(self.tmp, "files", ".fastly-accounts", "journal.jsonl")
        self.assertIn("Journal: %s" % journal, result.err)
        with open(journal) as f:
            self.assertIn('"apply-end"', f.read())

    def test_a_journal_or_lock_that_is_a_directory_is_one_clear_error(self):
        self.refused(self.tmp, "the journal '%s' names a directory; name a file in it, such as '%s'"
                     % (self.tmp, os.path.join(self.tmp, "journal.jsonl")))
        self.assertFalse(os.path.exists(self.tmp + ".lock"))
        journal = os.path.join(self.tmp, "journal.jsonl")
        os.mkdir(journal + ".lock")
        self.refused(journal, "the journal's lock file '%s.lock' is a directory" % journal)

    def test_a_symlinked_journal_is_appended_at_its_target(self):
        real = os.path.join(self.tmp, "kept", "journal.jsonl")
        os.makedirs(os.path.dirname(real))
        with open(real, "w") as f:
            f.write('{"event":"apply-end"}\n')
        link = os.path.join(self.tmp, "journal.jsonl")
        os.symlink(os.path.join("kept", "journal.jsonl"), link)
        result = self.apply("--journal", link)
        self.assertEqual(result.code, 0, result)
        self.assertTrue(os.path.islink(link))
        with open(real) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], '{"event":"apply-end"}')
        self.assertIn('"apply-start"', lines[1])
        self.assertTrue(os.path.exists(real + ".lock"))  # beside the target: one journal, one lock
        self.assertFalse(os.path.exists(link + ".lock"))


if __name__ == "__main__":
    unittest.main()
