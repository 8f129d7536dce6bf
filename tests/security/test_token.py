"""The API token never appears in stdout, stderr, plan files, metrics files or the journal, at any log level,
whether it comes from FASTLY_API_TOKEN or --token-file, and whether the API accepts it or refuses it (401).

Every token here is 40 random hex digits, and every 12-character piece of it is searched for, so a token
that is masked, cut or quoted in an error message counts as leaked too.
"""
import os
import shutil
import tempfile
import unittest

from security_common import EmulatorTest, has_apply, leaks, random_token, run, write_json
from standin import RecordingServer

LEVELS = ("trace", "debug", "info", "warn", "error")

DESIRED = """version: 1
policy:
  prune: false
users:
  - login: owner@example.com
    role: superuser
  - login: alice@example.com
    name: Alice Changed
    role: engineer
invitations:
  - email: newcomer@example.com
    role: user
service_groups:
  - name: production
    services: []
user_groups:
  - name: SRE
    description: Site reliability
    members: [alice@example.com, newcomer@example.com]
"""


class TokenSecrecyTest(EmulatorTest):
    token = random_token()
    emulator_args = ("--token", token)

    def setUp(self):
        super().setUp()
        self.emulator.set_state({
            "users": [{"login": "owner@example.com", "name": "Owner", "role": "superuser"},
                      {"login": "alice@example.com", "name": "Alice", "role": "engineer"}],
            "tokens": {self.token: "owner@example.com"},
            "service_groups": [{"name": "production", "services": []}],
            "user_groups": [{"name": "SRE", "members": ["alice@example.com"]}],
        })
        self.desired = self.write("desired/account.yaml", DESIRED)
        self.token_file = self.write("secret/token", self.token + "\n")
        os.chmod(self.token_file, 0o600)

    def assert_no_leak(self, token, result, files, what):
        texts = {"stdout": result.out, "stderr": result.err}
        for path in files:
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    texts[os.path.basename(path)] = f.read()
        for name, text in texts.items():
            self.assertEqual(leaks(token, text), [], "%s: the token leaked into %s:\n%r" % (what, name, result))

    def commands(self):
        """(name, args, files it writes) for every command that talks to the API."""
        out = os.path.join(self.tmp, "out")
        os.makedirs(out, exist_ok=True)
        plan_file = os.path.join(out, "plan.json")
        metrics = os.path.join(out, "drift.prom")
        exported = os.path.join(out, "export.yaml")
        return [
            ("export", ["export", "--out", exported], [exported]),
            ("plan", ["plan", "-f", self.desired, "--format", "json", "--out", plan_file], [plan_file]),
            ("plan-markdown", ["plan", "-f", self.desired, "--format", "markdown"], []),
            ("drift", ["drift", "-f", self.desired, "--format", "text", "--metrics-file", metrics], [metrics]),
        ]

    def run_everywhere(self, token, expect_code, **kwargs):
        for level in LEVELS:
            for source in ("env", "file"):
                for name, args, files in self.commands():
                    what = "%s at --log-level %s, token from %s" % (name, level, source)
                    with self.subTest(what):
                        if source == "env":
                            result = self.fa("--log-level", level, *args, token=token, **kwargs)
                        else:
                            path = self.write("secret/token-%s" % level, token + "\n")
                            os.chmod(path, 0o600)
                            result = self.fa("--log-level", level, "--token-file", path, *args, token=None, **kwargs)
                        self.assertIn(result.code, expect_code(name), "%s:\n%r" % (what, result))
                        self.assert_no_leak(token, result, files, what)
                        yield name, level, result

    def test_accepted_token_is_never_printed_or_written(self):
        for name, level, result in self.run_everywhere(self.token, lambda name: (0, 2) if name == "drift" else (0,)):
            if level == "trace":
                # The trace log shows the requests: proof that the check looked at real traffic.
                self.assertIn("GET", result.err, result)

    def test_refused_token_is_never_printed_or_written(self):
        wrong = random_token("wrong")
        for name, level, result in self.run_everywhere(wrong, lambda name: (1,)):
            self.assertIn("the API token was refused", result.err, result)
            self.assertIn("401", result.err, result)
            self.assertEqual(leaks(self.token, result.out + result.err), [])

    def test_token_is_not_echoed_when_requests_fail(self):
        # Retries, then a failure: every message names the request, none may carry the token.
        self.emulator.faults(error_rate=1.0, seed=3)
        for level in ("trace", "debug"):
            result = self.fa("--log-level", level, "--token-file", self.token_file, "export", token=None)
            self.assertEqual(result.code, 1, result)
            self.assertIn("after", result.err)
            self.assertEqual(leaks(self.token, result.out + result.err), [], result)
        # No answer at all: a closed port.
        self.emulator.stop()
        result = self.fa("--log-level", "trace", "--timeout", "5", "export", token=self.token)
        self.assertEqual(result.code, 1, result)
        self.assertEqual(leaks(self.token, result.out + result.err), [], result)

    def test_a_token_file_with_more_than_the_token_is_refused_without_echoing_it(self):
        path = self.write("secret/two-words", "%s %s\n" % (self.token, self.token))
        os.chmod(path, 0o600)
        result = self.fa("--log-level", "trace", "--token-file", path, "export", token=None)
        self.assertEqual(result.code, 1, result)
        self.assertEqual(leaks(self.token, result.out + result.err), [], result)

    def test_token_is_not_in_the_journal(self):
        if not has_apply():
            self.skipTest("this build has no `apply` command yet")
        for level in LEVELS:
            with self.subTest(level=level):
                journal = os.path.join(self.tmp, "journal-%s.jsonl" % level)
                result = self.fa("--log-level", level, "--token-file", self.token_file, "apply", "-f", self.desired,
                                 "--auto-approve", "--journal", journal, token=None)
                self.assertIn(result.code, (0, 3), result)
                self.assert_no_leak(self.token, result, [journal], "apply at %s" % level)
        wrong = random_token("wrong")
        journal = os.path.join(self.tmp, "journal-401.jsonl")
        result = self.fa("--log-level", "trace", "apply", "-f", self.desired, "--auto-approve", "--journal", journal,
                         token=wrong)
        self.assertEqual(result.code, 1, result)
        self.assert_no_leak(wrong, result, [journal], "apply with a refused token")


class TokenInjectionTest(unittest.TestCase):
    """A CR or LF (or any control character) in the token would add HTTP headers to every request: refused,
    from either source, before anything is sent and without quoting the token. Spaces and line ends around
    the token are dropped the same way for both sources. A recording stand-in shows what reached it."""

    def setUp(self):
        self.token = random_token()
        self.tmp = tempfile.mkdtemp(prefix="fa-sec-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def export(self, token, source):
        """(result, server) of `export` against the stand-in with `token` given through `source`."""
        with RecordingServer() as server:
            if source == "env":
                result = run(["--log-level", "trace", "export"], endpoint=server.url, token=token)
            else:
                path = os.path.join(self.tmp, "token")
                with open(path, "w", newline="") as f:
                    f.write(token)
                os.chmod(path, 0o600)
                result = run(["--log-level", "trace", "--token-file", path, "export"], endpoint=server.url,
                             token=None)
        return result, server

    def test_a_control_character_in_the_token_is_refused_before_anything_is_sent(self):
        cases = [("\r\nX-Injected: yes", "a carriage return (CR)"), ("\nX-Injected: yes", "a line feed (LF)"),
                 ("\x1b[2J", "a control character (0x1b)"), ("\x7f", "a control character (0x7f)"),
                 ("\u00e9", "a byte that is not ASCII (0xc3)")]
        for suffix, named in cases:
            for source in ("env", "file"):
                with self.subTest(suffix=suffix, source=source):
                    result, server = self.export(self.token + suffix + "-end", source)
                    self.assertEqual(result.code, 1, result)
                    where = "FASTLY_API_TOKEN" if source == "env" else "the token file '"
                    self.assertIn(where, result.err)
                    self.assertIn("holds %s inside the token; an API token is one word of printable ASCII" % named,
                                  result.err)
                    self.assertEqual(server.requests, [], "a request was sent with a broken token")
                    self.assertEqual(leaks(self.token, result.out + result.err), [], result)

    def test_spaces_and_line_ends_around_the_token_are_dropped_for_both_sources(self):
        for source in ("env", "file"):
            for around in (("", "\n"), ("  ", " \r\n"), ("\t", "\t")):
                with self.subTest(source=source, around=around):
                    result, server = self.export(around[0] + self.token + around[1], source)
                    self.assertEqual(result.code, 1, result)  # the stand-in answers 401
                    self.assertEqual(server.header_values("Fastly-Key"), [self.token], server.requests)
                    self.assertEqual(server.header_values("X-Injected"), [])
        result, server = self.export(self.token + " " + self.token, "env")
        self.assertEqual(result.code, 1, result)
        self.assertIn("FASTLY_API_TOKEN holds more than one word", result.err)
        self.assertEqual(server.requests, [])
        self.assertEqual(leaks(self.token, result.out + result.err), [], result)


if __name__ == "__main__":
    unittest.main()
