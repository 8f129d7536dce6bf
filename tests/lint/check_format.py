"""Checks that every C++ source of the repository is formatted as .clang-format says, and fails naming
each file that is not (fix them all with: scripts/format.sh). Lint fixtures are test data and left out.

Usage: check_format.py CLANG_FORMAT REPO [STYLE_FILE]
  STYLE_FILE defaults to REPO/.clang-format.
"""
import os
import subprocess
import sys

SOURCES = ("src", "include", "tests", "bench")
LEFT_OUT = (os.path.join("tests", "lint", "fixtures"),)


def sources(repo):
    for top in SOURCES:
        for root, dirs, files in os.walk(os.path.join(repo, top)):
            relative = os.path.relpath(root, repo)
            dirs[:] = sorted(d for d in dirs if not os.path.join(relative, d).startswith(LEFT_OUT))
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp", ".h")):
                    yield os.path.join(root, name)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    clang_format, repo = sys.argv[1], sys.argv[2]
    style = sys.argv[3] if len(sys.argv) == 4 else os.path.join(repo, ".clang-format")
    files = list(sources(repo))
    unformatted = []
    for path in files:
        result = subprocess.run([clang_format, "--style=file:" + style, "--dry-run", "--Werror", path],
                                capture_output=True, text=True)
        if result.returncode != 0:
            first = next((line for line in result.stderr.splitlines() if "error:" in line), result.stderr.strip())
            reason = first.split("error:", 1)[-1].strip()
            unformatted.append("%s: not formatted (%s)" % (os.path.relpath(path, repo), reason))
    for line in unformatted:
        print(line)
    print("format: %d files checked, %d not formatted%s" %
          (len(files), len(unformatted), "; run scripts/format.sh" if unformatted else ""))
    sys.exit(1 if unformatted or not files else 0)


if __name__ == "__main__":
    main()
