"""Answers that are not the Fastly API (issue 14 items 3 and 4): a body or headers without end, an HTML
page, binary bytes, a redirect, JSON objects without an `id`. The real binary against a hostile stand-in
(standin.py) on loopback: each run ends with exit 1 and one line on stderr naming the request and what
came back (escaped), with its memory bounded (RLIMIT_AS, or ASan's hard RSS limit under the sanitizers),
and no request path with an empty segment (`/customer//users`) ever reaches the stand-in.
"""
import json
import os
import resource
import subprocess
import tempfile
import threading
import unittest

from harness import BINARY, SUPERUSER_TOKEN
from standin import Answer, RecordingServer

MIB = 1 << 20
# Under ASan the address space is reserved by the terabyte, so RLIMIT_AS cannot bound it: ASan's own
# hard RSS limit does, and RSS figures (shadow memory, quarantine) are not the tool's.
SANITIZED = "ASAN_OPTIONS" in os.environ

CUSTOMER = {"id": "51MumwLiSJyFTWhtbByYgR", "name": "Acme", "owner_id": "U0wner"}
TOKEN_USER = {"id": "U0wner", "login": "owner@example.com", "role": "superuser"}
USERS = [{"id": "U0wner", "login": "owner@example.com", "name": "Owner", "role": "superuser"}]


def account(*first):
    """Routes of a small, well-formed account, after the routes `first` (which win)."""
    return list(first) + [
        ("/current_customer", Answer(body=json.dumps(CUSTOMER))),
        ("/current_user", Answer(body=json.dumps(TOKEN_USER))),
        ("/customer/", Answer(body=json.dumps(USERS))),
        ("/service?", Answer(body=json.dumps([{"id": "SVC1", "name": "www"}]))),
        ("/", Answer(body='{"data": []}')),  # every IAM, JSON:API and cursor list, empty
    ]


class Run:
    def __init__(self, code, out, err, max_rss_mib):
        self.code, self.out, self.err, self.max_rss_mib = code, out, err, max_rss_mib

    def __repr__(self):
        return "exit %d, peak RSS %.0f MiB\n--- stdout\n%s--- stderr\n%s" % (
            self.code, self.max_rss_mib, self.out, self.err)


def run_bounded(args, address_space_mib=512):
    """Runs fastly-accounts with `args`, its address space bounded, and returns a Run with its peak RSS
    (from wait4, so it is this run's own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASTLY_")}
    env.update(FASTLY_API_TOKEN=SUPERUSER_TOKEN, NO_COLOR="1")
    limit = None
    if SANITIZED:
        env["ASAN_OPTIONS"] += ":hard_rss_limit_mb=%d" % (4 * address_space_mib)
    else:
        limit = address_space_mib * MIB

    def bound():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryFile("w+", errors="backslashreplace") as out, \
            tempfile.TemporaryFile("w+", errors="backslashreplace") as err:
        process = subprocess.Popen([BINARY, "--timeout", "20", *args], stdout=out, stderr=err, env=env,
                                   preexec_fn=bound if limit else None)
        watchdog = threading.Timer(120, process.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(process.returncode, out.read(), err.read(), usage.ru_maxrss / 1024)


class HostileAnswerTest(unittest.TestCase):
    def hostile(self, routes, expected, *options, command=("export",), address_space_mib=512):
        """Runs `command` against a stand-in answering `routes`; checks exit 1, one line on stderr that is
        `fastly-accounts: ` + `expected` (a str, or a tuple of the parts it holds in this order), and that no
        path with an empty segment was sent. Returns (Run, the stand-in)."""
        if not BINARY:
            self.fail("FA_BINARY must name the built binary")
        with RecordingServer(routes=routes) as server:
            result = run_bounded(["--endpoint", server.url, *options, *command], address_space_mib)
        self.assertEqual(result.code, 1, result)
        self.assertEqual(result.err.count("\n"), 1, result)
        self.assertTrue(result.err.startswith("fastly-accounts: "), result)
        line = result.err[len("fastly-accounts: "):-1]
        parts = (expected,) if isinstance(expected, str) else expected
        at = 0
        for part in parts:
            found = line.find(part, at)
            self.assertGreaterEqual(found, 0, "%r not in %r (after column %d)" % (part, line, at))
            at = found + len(part)
        if isinstance(expected, str):
            self.assertEqual(line, expected)
        self.assertEqual(server.paths_with_an_empty_segment(), [], server.requests)
        return result, server


class SizeLimitTest(HostileAnswerTest):
    """Item 3: every answer is capped; past the cap the transfer stops at once and is not retried."""

    TOO_LARGE = ("answer too large: its body passed %d MiB, the limit on one answer (status 200); the transfer "
                 "was stopped and is not retried. If the account's answers are really this large, raise the limit "
                 "with --max-response-size MIB")

    def test_an_endless_body_stops_at_the_limit_with_bounded_memory(self):
        result, server = self.hostile([("/current_customer", Answer(stream="chunked"))],
                                      "GET /current_customer -> " + self.TOO_LARGE % 1,
                                      "--max-response-size", "1", address_space_mib=256)
        self.assertEqual(len(server.requests), 1, "an answer over the limit was asked again")
        if not SANITIZED:
            self.assertLess(result.max_rss_mib, 64, result)

    def test_the_default_limit_is_64_mib(self):
        # A body that ends only with the connection, at the default limit: the address space holds the
        # limit and a half (the buffer doubling up to it) and not much more.
        result, server = self.hostile([("/current_customer", Answer(stream="close"))],
                                      "GET /current_customer -> " + self.TOO_LARGE % 64, address_space_mib=320)
        self.assertEqual(len(server.requests), 1)
        if not SANITIZED:
            self.assertLess(result.max_rss_mib, 64 * 2.5 + 32, result)

    def test_endless_lists_read_at_once_stay_bounded(self):
        # Every list endless, read by 8 workers at once: memory stays within 8 answers at the limit.
        result, server = self.hostile(account(("/customer/", Answer(stream="chunked")),
                                              ("/service", Answer(stream="close")),
                                              ("/", Answer(stream="chunked"))),
                                      ("GET /", "-> " + self.TOO_LARGE % 1), "--max-response-size", "1",
                                      address_space_mib=384)
        self.assertLessEqual(len(server.requests), 10, server.requests)  # each list asked once
        if not SANITIZED:
            self.assertLess(result.max_rss_mib, 96, result)

    def test_a_content_length_over_the_limit_reads_nothing(self):
        self.hostile([("/current_customer", Answer(content_length=25_000_000_000))],
                     "GET /current_customer -> answer too large: its Content-Length, 25000000000, passes 64 MiB, the "
                     "limit on one answer (status 200); the transfer was stopped and is not retried. If the "
                     "account's answers are really this large, raise the limit with --max-response-size MIB")

    def test_headers_are_capped_in_count_and_size(self):
        many = Answer(body=json.dumps(CUSTOMER), extra_headers=[("X-Filler-%d" % i, "v") for i in range(300)])
        large = Answer(body=json.dumps(CUSTOMER), extra_headers=[("X-Filler-%d" % i, "v" * 4000) for i in range(80)])
        endless = Answer(header_stream=True)
        suffix = " (status 200); the transfer was stopped and is not retried (no API answer comes near this limit)"
        for answer, what in ((many, "it sent more than 200 header lines, the limit on one answer"),
                             (large, "its headers passed 256 KiB, the limit on one answer"),
                             (endless, "it sent more than 200 header lines, the limit on one answer")):
            with self.subTest(what=what):
                self.hostile([("/current_customer", answer)],
                             "GET /current_customer -> answer's headers too large: " + what + suffix)

    def test_the_option_is_checked_and_a_larger_limit_is_used(self):
        with RecordingServer() as server:
            result = run_bounded(["--endpoint", server.url, "--max-response-size", "0", "export"])
        self.assertEqual(result.code, 1, result)
        self.assertIn("--max-response-size: Value 0 not in range 1 to 4096", result.err)
        self.assertEqual(server.requests, [])
        # 2 MiB of a well-formed customer passes a 3 MiB limit (and fails the next request, a 401).
        big = dict(CUSTOMER, name="A" * (2 * MIB))
        self.hostile(account(("/current_customer", Answer(body=json.dumps(big))), ("/current_user", Answer(401))),
                     ("GET /current_user -> 401",), "--max-response-size", "3")


class NotTheApiTest(HostileAnswerTest):
    """Item 4: one line naming the request and what came back, escaped; never a raw parser message."""

    def test_an_html_page(self):
        page = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>" + "x" * 500 + "</body></html>"
        self.hostile([("/current_customer", Answer(body=page, content_type="text/html; charset=utf-8"))],
                     "GET /current_customer -> 200 OK: an HTML page, not the Fastly API's JSON (text/html; "
                     "charset=utf-8, 577 bytes): <!DOCTYPE html>\\n<html><head><title>Sign in</title></head><body>"
                     + "x" * 37 + "…")

    def test_binary_bytes(self):
        body = b"\x89PNG\r\n\x1a\n\x00\x00\x1b[2J\xe2\x80\xae\xe2\x80\x8b\xff\xfe" + bytes(200)
        result, _ = self.hostile([("/current_customer", Answer(body=body, content_type="application/octet-stream"))],
                                 ("GET /current_customer -> 200 OK: binary data, not the Fastly API's JSON "
                                  "(application/octet-stream, 222 bytes): \\x89PNG\\x0d\\n\\x1a\\n\\x00\\x00\\x1b[2J"
                                  "\\u202e\\u200b\\xff\\xfe\\x00",))
        for raw in ("\x1b", "\u202e", "\u200b", "\x00", "\r"):
            self.assertNotIn(raw, result.err)

    def test_a_redirect_names_its_location_escaped(self):
        advice = ("; the Fastly API does not redirect, so the endpoint is probably wrong (check --endpoint or "
                  "FASTLY_API_ENDPOINT); redirects are not followed, as the token would go along")
        location = "https://login.example.com/\x1b[2J\u202eevil?next=/current_customer"
        for status, reason in ((301, "Moved Permanently"), (302, "Found")):
            with self.subTest(status=status):
                result, server = self.hostile(
                    [("/current_customer", Answer(status, extra_headers=[("Location", location)]))],
                    "GET /current_customer -> %d %s to https://login.example.com/\\x1b[2J\\u202eevil?next="
                    "/current_customer%s" % (status, reason, advice))
                self.assertEqual(len(server.requests), 1)
                self.assertNotIn("\u202e", result.err)
        self.hostile([("/current_customer", Answer(307, "<html>moved</html>", content_type="text/html"))],
                     "GET /current_customer -> 307 Temporary Redirect without a Location" + advice)

    def test_a_customer_without_an_id_is_refused_before_any_path_is_built_from_it(self):
        # Before: GET /customer//users was sent.
        for body, problem in (('{"name": "Acme", "owner_id": "U0wner"}', 'a customer without an "id"'),
                              ('{"id": "", "name": "Acme"}', 'a customer with an empty "id"'),
                              ('{"id": null, "name": "Acme"}', 'a customer without an "id"')):
            with self.subTest(body=body):
                _, server = self.hostile(account(("/current_customer", Answer(body=body))),
                                         "GET /current_customer -> 200 OK: %s (application/json, %d bytes): %s"
                                         % (problem, len(body), body))
                self.assertEqual([path for _, path, _ in server.requests], ["/current_customer"])

    def test_the_token_user_without_an_id(self):
        body = '{"login": "owner@example.com", "role": "superuser"}'
        self.hostile(account(("/current_user", Answer(body=body))),
                     "GET /current_user -> 200 OK: the token's user without an \"id\" (application/json, %d bytes): "
                     "%s" % (len(body), body))

    def test_list_entries_without_an_id_name_the_entry(self):
        path = "/customer/%s/users" % CUSTOMER["id"]
        # Only the users list answers so: the token list, read at the same time, must not fail first.
        self.hostile(account((path, Answer(body='[{"login": "alice@example.com", "name": "Al\\u202eice"}]'))),
                     'GET %s -> an entry could not be read: a user without an "id": {"login":"alice@example.com",'
                     '"name":"Al\\u202eice"}' % path)
        groups = '{"data": [{"name": "SRE", "users_count": 1, "invitations_count": 0}], "meta": {"total_pages": 1}}'
        self.hostile(account(("/user-groups", Answer(body=groups))),
                     'GET /user-groups -> an entry could not be read: a group or role without an "id": '
                     '{"invitations_count":0,"name":"SRE","users_count":1}')

    def test_a_create_answered_without_an_id_fails_and_nothing_is_built_from_it(self):
        # Before: the group's services went to POST /service-groups//services.
        files = tempfile.mkdtemp(prefix="fa-e2e-")
        path = os.path.join(files, "account.yaml")
        with open(path, "w") as f:
            f.write("version: 1\nservice_groups:\n  - name: production\n    description: Production\n"
                    "    services: [SVC1]\n")
        with RecordingServer(routes=account(("/service-groups", Answer(body='{"name": "production"}')))) as server:
            result = run_bounded(["--endpoint", server.url, "apply", "-f", path, "--auto-approve",
                                  "--journal", os.path.join(files, "journal.jsonl")])
        self.assertEqual(result.code, 3, result)
        self.assertIn("failed  create service group 'production' (stage 1): POST /service-groups -> 200 OK: a group "
                      "or role without an \"id\" (application/json, 22 bytes): {\"name\": \"production\"}\n", result.err)
        writes = [(method, p) for method, p, _ in server.requests if method != "GET"]
        self.assertEqual(writes, [("POST", "/service-groups")], "an answer that was read was taken for a lost one")
        self.assertEqual(server.paths_with_an_empty_segment(), [])

    def test_error_answers_that_are_pages_read_well(self):
        page = "<html><head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>"
        self.hostile([("/current_customer", Answer(502, page, content_type="text/html"))],
                     "GET /current_customer -> 502 Bad Gateway (after 4 attempts): an HTML page (text/html, 76 "
                     "bytes): <html><head><title>502 Bad Gateway</title></head>\\x0d\\n<body>nginx</body></html>")
        self.hostile([("/current_customer", Answer(404, b"\x00\x01binary", content_type=None))],
                     "GET /current_customer -> 404 Not Found: binary data (no Content-Type, 8 bytes): \\x00\\x01binary")
        # What the API says is the server's text too: shown escaped.
        said = '{"msg": "Bad \\u001b[31mrequest\\u202e", "detail": "line\\nbreak"}'
        self.hostile([("/current_customer", Answer(400, said))],
                     "GET /current_customer -> 400 Bad Request: Bad \\x1b[31mrequest\\u202e (line\\nbreak)")

    def test_malformed_json_and_other_text(self):
        for body, content_type, problem in (
                ('{"id": "C1", "na', "application/json", "malformed JSON, cut short"),
                ('{"id": "C1",, }', "application/json", "malformed JSON, invalid at byte 13"),
                ("Service unavailable, try later", "text/plain", "text, not the Fastly API's JSON"),
                ('<?xml version="1.0"?><Error/>', "application/xml", "an XML document, not the Fastly API's JSON")):
            with self.subTest(body=body):
                self.hostile([("/current_customer", Answer(body=body, content_type=content_type))],
                             "GET /current_customer -> 200 OK: %s (%s, %d bytes): %s"
                             % (problem, content_type, len(body), body))
        self.hostile([("/current_customer", Answer(body=""))],
                     "GET /current_customer -> 200 OK: an empty body, not the Fastly API's JSON (application/json, "
                     "0 bytes)")


if __name__ == "__main__":
    unittest.main()
