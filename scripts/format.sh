#!/usr/bin/env bash
# Formats every C++ source of the repository as .clang-format says (the lint_format test checks it).
set -euo pipefail
cd "$(dirname "$0")/.."
find src include tests bench \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -not -path 'tests/lint/fixtures/*' -print0 |
    xargs -0 clang-format-14 --style=file -i
