#!/usr/bin/env python3
"""Process-level tests of the real fastly-emulator binary: start-up line, start-up errors, and no lost
acknowledged change when the process is killed with SIGKILL under write load (--state)."""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

BINARY = sys.argv[1]
TOKEN = "emulator-superuser-token"


def start(*args):
    proc = subprocess.Popen([BINARY, "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    prefix = "fastly-emulator listening on http://127.0.0.1:"
    if not line.startswith(prefix):
        proc.kill()
        raise AssertionError(f"unexpected start-up line {line!r}; stderr: {proc.stderr.read()}")
    return proc, int(line[len(prefix):])


def request(port, method, path, body=None, token=TOKEN, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Fastly-Key"] = token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data) if data else None


def list_group_names(port):
    names, page = set(), 1
    while page < 1000:
        status, body = request(port, "GET", f"/user-groups?page={page}&per_page=100")
        assert status == 200, body
        names.update(g["name"] for g in body["data"])
        if page >= body["meta"]["total_pages"]:
            return names
        page += 1
    raise AssertionError("pagination did not end")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def test_startup_errors(tmp):
    bad_seed = os.path.join(tmp, "bad-seed.json")
    with open(bad_seed, "w") as f:
        f.write('{"users": [{"login": "nobody", "role": "superuser"}]}')
    result = subprocess.run([BINARY, "--port", "0", "--seed", bad_seed], capture_output=True, text=True, timeout=10)
    check(result.returncode == 1, f"bad seed exit code {result.returncode}")
    check(bad_seed in result.stderr and 'users[0].login: "nobody" is not an email address' in result.stderr,
          f"bad seed message: {result.stderr!r}")

    # The control endpoints have no authentication: no address other machines reach without saying so.
    for host in ("0.0.0.0", "::", "192.0.2.1", "example.com"):
        result = subprocess.run([BINARY, "--host", host, "--port", "0"], capture_output=True, text=True, timeout=10)
        check(result.returncode == 1 and f"refusing to listen on {host}" in result.stderr
              and "--allow-non-loopback" in result.stderr, f"non-loopback {host}: {result.returncode} {result.stderr!r}")

    missing = os.path.join(tmp, "missing.json")
    result = subprocess.run([BINARY, "--seed", missing], capture_output=True, text=True, timeout=10)
    check(result.returncode == 1 and missing in result.stderr and "no such file" in result.stderr, result.stderr)

    proc, port = start()
    try:
        result = subprocess.run([BINARY, "--port", str(port)], capture_output=True, text=True, timeout=10)
        check(result.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr,
              f"busy port: {result.returncode} {result.stderr!r}")
    finally:
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=10) == 0, "SIGTERM should stop the emulator cleanly")


def test_seed_and_token(tmp):
    seed = os.path.join(tmp, "seed.json")
    with open(seed, "w") as f:
        json.dump({"users": [{"login": "boss@acme.test", "role": "superuser"}],
                   "user_groups": [{"name": "Seeded", "members": ["boss@acme.test"]}]}, f)
    proc, port = start("--seed", seed, "--token", "custom-token")
    try:
        status, me = request(port, "GET", "/current_user", token="custom-token")
        check(status == 200 and me["login"] == "boss@acme.test", me)
        check(request(port, "GET", "/current_user")[0] == 401, "the default token must not work with --token")
        check(list_group_names_with(port, "custom-token") == {"Seeded"}, "seeded group missing")
    finally:
        proc.kill()
        proc.wait()


def list_group_names_with(port, token):
    status, body = request(port, "GET", "/user-groups?per_page=100", token=token)
    return {g["name"] for g in body["data"]}


def test_sigkill_loses_no_acknowledged_change(tmp):
    state = os.path.join(tmp, "state.json")
    proc, port = start("--state", state, "--rate-limit", "100000")
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def writer(worker):
        n = 0
        while not stop.is_set():
            name = f"w{worker}-{n}"
            n += 1
            try:
                status, _ = request(port, "POST", "/user-groups", {"name": name}, timeout=5)
            except (OSError, http.client.HTTPException):
                return  # the process died mid-request: this change was never acknowledged
            if status == 201:
                with lock:
                    acknowledged.append(name)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= 40:
                break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=10)
    check(len(acknowledged) >= 40, f"only {len(acknowledged)} writes were acknowledged before the kill")

    proc, port = start("--state", state)
    try:
        names = list_group_names(port)
        lost = [name for name in acknowledged if name not in names]
        check(not lost, f"{len(lost)} acknowledged groups lost after SIGKILL, e.g. {lost[:3]}")
        status, _ = request(port, "POST", "/user-groups", {"name": "after-restart"})
        check(status == 201, "the restarted emulator must accept writes")
    finally:
        proc.kill()
        proc.wait()
    with open(state) as f:
        check("after-restart" in {g["name"] for g in json.load(f)["user_groups"]}, "state file not updated")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for test in (test_startup_errors, test_seed_and_token, test_sigkill_loses_no_acknowledged_change):
            test(tmp)
            print(f"ok - {test.__name__}")


if __name__ == "__main__":
    main()
