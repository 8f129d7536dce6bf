"""Checks the README's layering rules against the includes of every source file, and fails naming each
include that breaks one. Modules are the folders under src/ and include/fastly_accounts/; the rules say
which modules each may include, and which third-party headers only one module may use.

Usage: check_layers.py REPO
"""
import os
import re
import sys

# Module -> the modules it may include (itself always allowed). README.md, "Architecture".
ALLOWED = {
    "util": set(),
    "model": {"util"},
    "config": {"model", "util"},
    "http": {"util"},
    "live": {"model", "http", "util"},
    "plan": {"model", "util"},
    "render": {"plan", "model", "util"},
    "apply": {"plan", "live", "model", "util"},
    "review": {"plan", "model", "util"},
    "cli": {"util", "model", "config", "http", "live", "plan", "render", "apply", "review"},
}
# Third-party headers only one module may include (a prefix of the include path) -> that module.
ONLY_IN = {
    "yaml-cpp/": "config",
    "curl/": "http",
    "unicode/": "util",
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def module_of(relative):
    parts = relative.split(os.sep)
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    if parts[:2] == ["include", "fastly_accounts"] and len(parts) > 3:
        return parts[2]
    return None


def main(repo):
    problems = []
    checked = 0
    for top in ("src", os.path.join("include", "fastly_accounts")):
        for directory, _, files in os.walk(os.path.join(repo, top)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp", ".h")):
                    continue
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, repo)
                module = module_of(relative)
                if module is None:
                    continue  # src/main.cpp: the composition root's entry point
                with open(path, encoding="utf-8") as f:
                    lines = f.read().splitlines()
                checked += 1
                for number, line in enumerate(lines, 1):
                    match = INCLUDE.match(line)
                    if not match:
                        continue
                    header = match.group(1)
                    where = "%s:%d" % (relative, number)
                    if module == "emulator":
                        if header.startswith("fastly_accounts/"):
                            problems.append("%s: the emulator includes <%s>; it shares no code with the tool"
                                            % (where, header))
                        continue
                    if module not in ALLOWED:
                        problems.append("%s: module '%s' is not in the layering rules" % (where, module))
                        continue
                    if header.startswith("fastly_accounts/"):
                        target = header.split("/")[1]
                        if target != module and target not in ALLOWED[module]:
                            problems.append("%s: %s includes <%s>, but %s may include only %s" % (
                                where, module, header, module, ", ".join(sorted(ALLOWED[module])) or "nothing"))
                    for prefix, owner in ONLY_IN.items():
                        if header.startswith(prefix) and module != owner:
                            problems.append("%s: <%s> belongs to %s/ only, but %s includes it"
                                            % (where, header, owner, module))
    for problem in problems:
        print(problem)
    print("layering: %d files checked, %d %s" % (checked, len(problems),
                                                 "problem" if len(problems) == 1 else "problems"))
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
