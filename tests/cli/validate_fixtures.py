#!/usr/bin/python3
"""Runs `fastly-accounts validate` on every fixture under tests/fixtures/validate and compares what it
prints with the fixture's NAME.expected, byte for byte, and its exit status with what that implies.

A fixture is NAME.yaml (run as `-f NAME.yaml`) or a directory NAME/ (run as `-f NAME`), beside
NAME.expected. An expected text starting with "valid:" means exit 0 with that on stdout; anything else
means exit 1 with exactly that on stderr. Two fixtures are made at run time rather than stored: a file
over the size limit, and a path that does not exist.

Usage: validate_fixtures.py BINARY FIXTURES_DIR [--update]
--update rewrites every NAME.expected from the current output (review the diff before committing).
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

GENERATED = {
    # name -> function(directory) that creates it there
    "too-big.yaml": lambda d: open(os.path.join(d, "too-big.yaml"), "w").write(
        "version: 1\n" + "# padding to make the file 10 MB\n" * 330_000),
    "does-not-exist.yaml": lambda d: None,
}


def cases(fixtures):
    names = []
    for entry in sorted(os.listdir(fixtures)):
        path = os.path.join(fixtures, entry)
        if entry.endswith((".yaml", ".yml")) or (os.path.isdir(path) and not entry.startswith(".")):
            names.append(entry)
    return names + sorted(GENERATED)


def expected_path(fixtures, name):
    stem = name.rsplit(".", 1)[0] if name.endswith((".yaml", ".yml")) else name
    return os.path.join(fixtures, stem + ".expected")


def run_case(binary, fixtures, workdir, name):
    if name in GENERATED:
        GENERATED[name](workdir)
        cwd = workdir
    else:
        cwd = fixtures
    proc = subprocess.run([binary, "validate", "-f", name], cwd=cwd, capture_output=True, timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary, fixtures = os.path.abspath(args[0]), os.path.abspath(args[1])
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable; build the project first", file=sys.stderr)
        return 2
    passed = failed = 0
    workdir = tempfile.mkdtemp(prefix="fa-validate-")
    try:
        for name in cases(fixtures):
            code, out, err = run_case(binary, fixtures, workdir, name)
            exp_file = expected_path(fixtures, name)
            if update:
                with open(exp_file, "w") as f:
                    f.write(out if code == 0 else err)
            if not os.path.exists(exp_file):
                print(f"FAIL {name}: no {os.path.basename(exp_file)}; run with --update to write it")
                failed += 1
                continue
            with open(exp_file) as f:
                expected = f.read()
            valid = expected.startswith("valid:")
            want_code, actual, other = (0, out, err) if valid else (1, err, out)
            problems = []
            if code != want_code:
                problems.append(f"exit status {code}, expected {want_code}")
            if actual != expected:
                diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "expected", "actual",
                                            lineterm="")
                problems.append("output differs:\n    " + "\n    ".join(diff))
            if other:
                problems.append(f"unexpected output on the other stream: {other!r}")
            if problems:
                print(f"FAIL {name}: " + "; ".join(problems))
                failed += 1
            else:
                print(f"ok   {name}")
                passed += 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
