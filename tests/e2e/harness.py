"""Test harness for end-to-end tests: the real fastly-emulator on port 0, the real fastly-accounts
binary against it. Standard library only.

The binaries come from the environment: FA_BINARY (fastly-accounts) and FA_EMULATOR (fastly-emulator),
which tests/CMakeLists.txt sets for every e2e test. FA_EMULATOR_COMPAT, a comma-separated list of
KEY=VALUE, starts every emulator with those compat switches (src/emulator/README.md); tests that depend on
one read COMPAT. tests/e2e/compat_matrix.py runs the suites under each switch setting.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

BINARY = os.environ.get("FA_BINARY", "")
EMULATOR = os.environ.get("FA_EMULATOR", "")
SUPERUSER_TOKEN = "emulator-superuser-token"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The compat switches every emulator of this run starts with, as {key: value}.
COMPAT = dict(item.split("=", 1) for item in os.environ.get("FA_EMULATOR_COMPAT", "").split(",") if "=" in item)


def legacy_roles_retired():
    """True when this run's emulators answer 404 on the legacy /roles API."""
    return COMPAT.get("legacy_roles") == "retired"


class Emulator:
    """A fastly-emulator process on 127.0.0.1 and a free port, stopped by stop() or the with-block."""

    def __init__(self, *args):
        # stderr goes to a file: a pipe nobody reads would fill up and stall the emulator.
        self.log = tempfile.TemporaryFile(mode="w+")
        compat = [a for key, value in COMPAT.items() for a in ("--compat", "%s=%s" % (key, value))]
        self.process = subprocess.Popen([EMULATOR, "--host", "127.0.0.1", "--port", "0", *compat, *args],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"fastly-emulator listening on (http://[\d.]+:\d+)", line)
        if not match:
            self.process.kill()
            self.process.wait()
            self.log.seek(0)
            raise RuntimeError("the emulator did not start: %r %r" % (line, self.log.read()))
        self.url = match.group(1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def request(self, method, path, body=None, token=SUPERUSER_TOKEN, content_type="application/json"):
        """(status, parsed JSON body or None) of one request; never raises for HTTP error statuses."""
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Fastly-Key", token)
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw = error.read()
            status = error.code
        return status, (json.loads(raw) if raw.strip() else None)

    def state(self):
        return self.request("GET", "/_emulator/state", token=None)[1]

    def set_state(self, state):
        status, body = self.request("PUT", "/_emulator/state", state, token=None)
        if status >= 300:
            raise RuntimeError("PUT /_emulator/state -> %d %r" % (status, body))

    def faults(self, **settings):
        status, body = self.request("PUT", "/_emulator/faults", settings, token=None)
        if status >= 300:
            raise RuntimeError("PUT /_emulator/faults -> %d %r" % (status, body))

    def stats(self):
        return self.request("GET", "/_emulator/stats", token=None)[1]

    def requests(self):
        """Every API request the emulator received, in order: [{"method", "path", "status", "dropped"}]."""
        return self.request("GET", "/_emulator/requests", token=None)[1]["requests"]

    def compat(self, **switches):
        status, body = self.request("PUT", "/_emulator/compat", switches, token=None)
        if status >= 300:
            raise RuntimeError("PUT /_emulator/compat -> %d %r" % (status, body))
        return body

    def add_custom_role(self, name, description, permission_names):
        """Makes a custom role with these permissions: through the legacy /roles API when it answers,
        else through the state (custom roles cannot be made any other way then). Returns its id."""
        if not legacy_roles_retired():
            status, role = self.request("POST", "/roles", {"name": name, "description": description})
            assert status == 201, (status, role)
            permissions = self.request("GET", "/permissions")[1]
            permissions = permissions["data"] if isinstance(permissions, dict) else permissions
            ids = [{"id": p["id"]} for p in permissions if p["name"] in permission_names]
            status, body = self.request("POST", "/roles/%s/permissions" % role["id"], {"permissions": ids})
            assert status == 201, (status, body)
            return role["id"]
        state = self.state()
        names = {p["id"]: p["name"] for p in state["permissions"]}
        by_name = {v: k for k, v in names.items()}
        state["roles"].append({"name": name, "description": description,
                               "permissions": [by_name[p] for p in permission_names]})
        self.set_state(state)
        return next(r["id"] for r in self.state()["roles"] if r["name"] == name)


def account(*users):
    """A small account in the emulator's seed format (--seed, PUT /_emulator/state): the customer Acme,
    owned by owner@example.com (a superuser, whose token the tests use), and one user for each
    (login, name, role) in `users`."""
    people = [{"login": "owner@example.com", "name": "Owner", "role": "superuser"}]
    people += [{"login": login, "name": name, "role": role} for login, name, role in users]
    return {"customer": {"id": "51MumwLiSJyFTWhtbByYgR", "name": "Acme", "owner": "owner@example.com"},
            "users": people}


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return "exit %d\n--- stdout\n%s--- stderr\n%s" % (self.code, self.out, self.err)


def run(args, endpoint=None, token=SUPERUSER_TOKEN, cwd=None, env_extra=None, stdin=None, timeout=300):
    """Runs fastly-accounts with `args` (global options first when endpoint is given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASTLY_")}
    env["NO_COLOR"] = "1"
    if token is not None:
        env["FASTLY_API_TOKEN"] = token
    if env_extra:
        env.update(env_extra)
    cmd = [BINARY] + (["--endpoint", endpoint] if endpoint else []) + list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, input=stdin, timeout=timeout)
    return Result(proc)


class EmulatorTest(unittest.TestCase):
    """A test case with a fresh emulator per test and a scratch directory."""

    emulator_args = ()

    def setUp(self):
        if not BINARY or not EMULATOR:
            self.fail("FA_BINARY and FA_EMULATOR must name the built binaries")
        self.emulator = Emulator(*self.emulator_args)
        self.addCleanup(self.emulator.stop)
        self.tmp = tempfile.mkdtemp(prefix="fa-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def fa(self, *args, **kwargs):
        return run(args, endpoint=self.emulator.url, **kwargs)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path
