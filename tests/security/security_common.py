"""Shared by the security tests: the e2e harness (tests/e2e/harness.py) and a few helpers.

The binaries come from the environment (FA_BINARY, FA_EMULATOR), as for the e2e tests.
"""
import json
import os
import secrets
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

from harness import BINARY, EMULATOR, REPO, Emulator, EmulatorTest, Result, run  # noqa: E402,F401


def random_token(prefix="sec"):
    """A token that cannot occur in any output by chance: 40 random hex digits after `prefix`."""
    return "%s-%s" % (prefix, secrets.token_hex(20))


def has_apply():
    """True once the binary has an `apply` command (it is being written while these tests are)."""
    proc = subprocess.run([BINARY, "apply", "--help"], capture_output=True, text=True, timeout=60)
    return proc.returncode == 0 and "Usage: fastly-accounts apply" in proc.stdout


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False)
    return path


def snapshot(root):
    """{relative path: (size, mtime_ns)} of every file and directory under `root`."""
    out = {}
    for directory, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(directory, name)
            st = os.lstat(path)
            out[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return out


def leaks(token, text, window=12):
    """The substrings of `token` at least `window` long that occur in `text` (a masked or cut token is still
    a leak); empty when none does."""
    found = []
    for start in range(0, len(token) - window + 1):
        piece = token[start:start + window]
        if piece in text:
            found.append(piece)
    return found
