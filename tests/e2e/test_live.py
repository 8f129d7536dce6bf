"""Live state: the API client, fetching and `export`, against fastly-emulator."""
import os
import shutil
import socket
import ssl
import subprocess
import threading
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

from harness import REPO, SUPERUSER_TOKEN, EmulatorTest, run


def build_account(emulator):
    """Fills the emulator through its API: 3 users, 1 invitation, 1 custom role, 2 service groups,
    2 user groups. Returns nothing; asserts every call succeeded."""
    def ok(status, body, what):
        assert 200 <= status < 300, "%s -> %d %r" % (what, status, body)
        return body

    def form(path, fields):
        body = urllib.parse.urlencode(fields)
        return ok(*emulator.request("POST", path, body, content_type="application/x-www-form-urlencoded"), path)

    form("/user", {"login": "alice@example.com", "name": "Alice", "role": "engineer"})
    form("/user", {"login": "bob+ops@example.com", "name": "Bob", "role": "user"})
    customer = ok(*emulator.request("GET", "/current_customer"), "customer")
    invitation = ok(*emulator.request("POST", "/invitations", {"data": {
        "type": "invitation", "attributes": {"email": "carol@example.com", "role": "engineer"},
        "relationships": {"customer": {"data": {"id": customer["id"], "type": "customer"}}}}},
        content_type="application/vnd.api+json"), "invite")["data"]
    role = {"id": emulator.add_custom_role("Purge Operator", "Purges", ["purge_all", "purge_select"])}
    services = ok(*emulator.request("GET", "/service"), "services")
    production = ok(*emulator.request("POST", "/service-groups", {"name": "production"}), "sg")
    ok(*emulator.request("POST", "/service-groups", {"name": "staging", "description": "Pre-release"}), "sg")
    ok(*emulator.request("POST", "/service-groups/%s/services" % production["id"],
                         {"services": [{"id": services[0]["id"]}]}), "sg services")
    users = ok(*emulator.request("GET", "/customer/%s/users" % customer["id"]), "users")
    alice = next(u for u in users if u["login"] == "alice@example.com")
    roles = ok(*emulator.request("GET", "/iam/v1/roles"), "roles")["data"]
    engineer = next(r for r in roles if r["name"] == "engineer")
    sre = ok(*emulator.request("POST", "/user-groups", {"name": "SRE", "description": "Site reliability"}), "ug")
    ok(*emulator.request("POST", "/user-groups", {"name": "Readers"}), "ug")
    ok(*emulator.request("POST", "/user-groups/%s/members" % sre["id"], {"members": [
        {"id": alice["id"], "object": "user"}, {"id": invitation["id"], "object": "invitation"}]}), "members")
    ok(*emulator.request("POST", "/user-groups/%s/roles" % sre["id"],
                         {"roles": [{"id": engineer["id"]}, {"id": role["id"]}]}), "group roles")
    ok(*emulator.request("POST", "/user-groups/%s/service-groups" % sre["id"],
                         {"service_groups": [{"id": production["id"]}]}), "group service groups")


class ExportTest(EmulatorTest):
    def test_export_of_a_fresh_emulator_validates(self):
        out = os.path.join(self.tmp, "account.yaml")
        result = self.fa("export", "--out", out)
        self.assertEqual(result.code, 0, result)
        self.assertIn("exported 1 user, 0 invitations", result.err)
        with open(out) as f:
            text = f.read()
        self.assertIn("login: owner@example.com", text)
        self.assertEqual(run(["validate", "-f", out]).code, 0)
        # No schema in the file's tree: no comment, wherever the binary was built.
        self.assertFalse(text.startswith("# yaml-language-server"), text)

    def test_export_names_the_repositorys_schema_relative_to_the_file(self):
        repo = os.path.join(self.tmp, "repo")
        os.makedirs(os.path.join(repo, ".git"))
        os.makedirs(os.path.join(repo, "schemas"))
        shutil.copy(os.path.join(REPO, "schemas", "fastly-accounts.schema.json"), os.path.join(repo, "schemas"))
        out = os.path.join(repo, "access", "account.yaml")
        os.makedirs(os.path.dirname(out))
        self.assertEqual(self.fa("export", "--out", out).code, 0)
        with open(out) as f:
            self.assertTrue(f.read().startswith("# yaml-language-server: $schema=../schemas/fastly-accounts.schema.json\n"))
        self.assertEqual(self.fa("export", "--out", out, "--schema", "https://example.com/s.json").code, 0)
        with open(out) as f:
            self.assertTrue(f.read().startswith("# yaml-language-server: $schema=https://example.com/s.json\n"))
        self.assertEqual(self.fa("export", "--out", out, "--schema", "").code, 0)
        with open(out) as f:
            self.assertTrue(f.read().startswith("version: 1"))
        # The search stops at the repository's root: a schema above it is not this repository's.
        shutil.move(os.path.join(repo, "schemas"), os.path.join(self.tmp, "schemas"))
        self.assertEqual(self.fa("export", "--out", out).code, 0)
        with open(out) as f:
            self.assertTrue(f.read().startswith("version: 1"))

    def test_export_reads_every_kind_and_names_references(self):
        build_account(self.emulator)
        result = self.fa("export")
        self.assertEqual(result.code, 0, result)
        text = result.out
        for expected in ("login: alice@example.com", "login: bob+ops@example.com", "email: carol@example.com",
                         "name: Purge Operator", "permissions: [purge_all, purge_select]",
                         "name: SRE", "roles: [Engineer, Purge Operator]", "service_groups: [production]",
                         "members: [alice@example.com, carol@example.com]", "description: Pre-release"):
            self.assertIn(expected, text)
        path = self.write("exported.yaml", text)
        self.assertEqual(run(["validate", "-f", path]).code, 0, run(["validate", "-f", path]))
        # Stable: a second export is byte for byte the same.
        self.assertEqual(self.fa("export").out, text)

    def test_reads_survive_injected_faults(self):
        build_account(self.emulator)
        clean = self.fa("export").out
        self.emulator.faults(error_rate=0.2, throttle_rate=0.1, reset_rate=0.05, latency_ms=2, seed=7)
        # One request at a time, so the seeded faults fall on the same requests on every run: with requests
        # in parallel, which request meets four faults in a row (and fails the read) was left to chance.
        result = self.fa("--log-level", "debug", "--concurrency", "1", "export")
        self.assertEqual(result.code, 0, result)
        self.assertEqual(result.out, clean)
        self.assertIn("retrying", result.err)
        self.assertRegex(result.err, r"\d+ requests \(GET \d+\), [1-9]\d* retries")

    def test_a_read_that_keeps_failing_names_the_request(self):
        self.emulator.faults(error_rate=1.0, seed=1)
        result = self.fa("export")
        self.assertEqual(result.code, 1, result)
        self.assertRegex(result.err, r"GET /current_customer -> 50[03] [A-Za-z ]+.* \(after 4 attempts\)")

    def test_a_refused_token_is_explained(self):
        result = self.fa("export", token="not-a-token")
        self.assertEqual(result.code, 1, result)
        self.assertIn("the API token was refused", result.err)
        self.assertIn("401", result.err)
        self.assertNotIn("not-a-token", result.out + result.err)

    def test_no_token_at_all(self):
        result = self.fa("export", token=None)
        self.assertEqual(result.code, 1, result)
        self.assertIn("no API token: set FASTLY_API_TOKEN, or pass --token-file PATH", result.err)

    def test_token_file(self):
        path = self.write("token", SUPERUSER_TOKEN + "\n")
        os.chmod(path, 0o600)
        result = self.fa("--token-file", path, "export", token=None)
        self.assertEqual(result.code, 0, result)
        empty = self.write("empty", "\n")
        os.chmod(empty, 0o600)
        result = self.fa("--token-file", empty, "export", token=None)
        self.assertEqual(result.code, 1)
        self.assertIn("is empty", result.err)

    def test_the_token_never_appears_in_output_or_logs(self):
        build_account(self.emulator)
        out = os.path.join(self.tmp, "account.yaml")
        for level in ("trace", "debug", "info"):
            result = self.fa("--log-level", level, "export", "--out", out)
            self.assertEqual(result.code, 0, result)
            self.assertNotIn(SUPERUSER_TOKEN, result.out + result.err)
            with open(out) as f:
                self.assertNotIn(SUPERUSER_TOKEN, f.read())
        result = self.fa("--log-level", "trace", "export", token="secret-token-123")
        self.assertNotIn("secret-token-123", result.out + result.err)


class EndpointTest(unittest.TestCase):
    def test_plain_http_is_refused_unless_loopback(self):
        result = run(["export"], endpoint="http://192.0.2.10:8080")
        self.assertEqual(result.code, 1)
        self.assertIn("refusing plain http:// to '192.0.2.10'", result.err)

    def test_an_untrusted_certificate_is_refused(self):
        import tempfile
        directory = tempfile.mkdtemp(prefix="fa-tls-")
        key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            result = run(["export"], endpoint="https://127.0.0.1:%d" % server.server_address[1])
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(result.code, 1, result)
        self.assertIn("TLS failure", result.err)


if __name__ == "__main__":
    unittest.main()
