#!/usr/bin/python3
"""Check the JSON Schema of the desired-state format against the examples and
the invalid fixtures, and check that `fastly-accounts validate` agrees.

  check_schema.py --binary build/fastly-accounts \
                  --schema schemas/fastly-accounts.schema.json \
                  --examples examples --invalid tests/fixtures/schema-invalid

Checks, one output line each:
  - the schema is a valid JSON Schema 2020-12 document;
  - every *.yaml / *.yml under --examples (recursively, skipping directories
    named `ci`) is accepted by the schema;
  - every directory under --examples that directly holds such files (demo/,
    the small demo account; large/; governance/) is
    accepted by `BINARY validate -f DIR` (exit 0), and so are all of them
    given together (`-f DIR1 DIR2 ...`: the examples must not clash: no
    object is defined in two of them). For that run the blocks an account
    has once (customer_id, customer, policy, ignore) are left out, since two
    would be an error and one example's policy rules would judge another's
    files: each file is read here and written to a temporary directory, as
    JSON (which is YAML), without them. An
    example directory splits one desired state over several files that refer
    to each other (a user group in one file names users from another), so a
    single file of it is not valid on its own: the directory is the unit the
    binary validates, and it reads every file in it;
  - every file in --invalid is rejected by the schema, and by
    `BINARY validate -f FILE` with exit 1.
Ends with "N passed, M failed"; exits 1 if any check failed, 2 on bad usage.

Only the standard library, jsonschema (Debian's 4.10 is enough) and PyYAML.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as exc:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        "error: %s; install python3-jsonschema and python3-yaml (apt-get install "
        "python3-jsonschema python3-yaml)\n" % exc)
    sys.exit(2)

YAML_SUFFIXES = (".yaml", ".yml")
# Top-level fields an account may have in one file only (customer_id must agree across files).
ACCOUNT_WIDE = ("customer_id", "customer", "policy", "ignore")
SKIPPED_DIRS = {"ci"}
BINARY_TIMEOUT_S = 60
MAX_OUTPUT_LINES = 20


class Results:
    """Counts checks and prints one line per check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, what):
        self.passed += 1
        print("PASS  %s" % what)

    def fail(self, what, why):
        self.failed += 1
        print("FAIL  %s" % what)
        for line in why.rstrip("\n").split("\n"):
            print("        %s" % line)

    def summary(self):
        print("%d passed, %d failed" % (self.passed, self.failed))


def rel(path):
    """The path relative to the working directory when that is shorter."""
    relative = os.path.relpath(path)
    return relative if not relative.startswith("../../") else path


def clip(text):
    lines = text.rstrip("\n").split("\n")
    if len(lines) > MAX_OUTPUT_LINES:
        lines = lines[:MAX_OUTPUT_LINES] + ["... (%d more lines)" % (len(lines) - MAX_OUTPUT_LINES)]
    return "\n".join(lines)


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader made to read plain scalars as YAML 1.2 (core schema).

    PyYAML follows YAML 1.1, where `yes`, `no`, `on` and `off` are booleans,
    2024-01-01 is a date, 010 is octal and `<<` merges mappings. Editors
    (yaml-language-server) and `fastly-accounts validate` read YAML 1.2, where
    those are strings (and 010 is ten), so the schema is checked against the
    same data they see. Duplicate keys in a mapping are an error, as they are
    for both of them.
    """


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
        ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
        ("tag:yaml.org,2002:float",
         r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
         r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.0123456789"))):
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)  # only resolves explicit !!merge tags now
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark,
                "found duplicate key %r" % (key,), key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_yaml(path):
    """The document in a file, read as YAML 1.2; raises yaml.YAMLError or OSError."""
    with open(path, "rb") as stream:
        return yaml.load(stream, Loader=Yaml12Loader)  # a SafeLoader: builds plain data only


def schema_errors(validator, path):
    """Schema problems with the file, as sorted text lines ([] if it is valid).

    A file that is not YAML at all also yields a line: the schema cannot
    accept it.
    """
    try:
        document = load_yaml(path)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return ["not YAML: %s" % str(exc).replace("\n", " ")]
    errors = []
    for error in validator.iter_errors(document):
        where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        errors.append("%s: %s" % (where, error.message))
    return sorted(errors)


def run_validate(binary, targets):
    """(exit code, combined output) of `BINARY validate -f TARGET...`."""
    try:
        completed = subprocess.run(
            [binary, "validate", "-f"] + list(targets),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=BINARY_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s" % BINARY_TIMEOUT_S
    except OSError as exc:
        return None, "could not run: %s" % exc
    return completed.returncode, completed.stdout.decode("utf-8", "replace")


def describe_run(code, output):
    status = "no exit code" if code is None else "exit %d" % code
    return "%s\n%s" % (status, clip(output)) if output.strip() else status


def find_examples(root):
    """(yaml files, directories directly holding yaml files) under root, sorted."""
    files, dirs = [], []
    for current, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
        here = sorted(n for n in names if n.endswith(YAML_SUFFIXES))
        if here:
            dirs.append(current)
            files.extend(os.path.join(current, n) for n in here)
    return files, dirs


def objects_only(dirs, into):
    """Copies of `dirs` under `into` (one subdirectory each) whose files keep only their version and their
    objects: the ACCOUNT_WIDE fields are dropped. Returns the copies' paths, or raises ValueError naming
    a file that cannot be read."""
    copies = []
    for number, directory in enumerate(dirs):
        copy = os.path.join(into, "%d-%s" % (number, os.path.basename(directory)))
        os.mkdir(copy)
        for name in sorted(os.listdir(directory)):
            if not name.endswith(YAML_SUFFIXES):
                continue
            path = os.path.join(directory, name)
            try:
                document = load_yaml(path)
            except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
                raise ValueError("cannot read %s: %s" % (rel(path), exc))
            if isinstance(document, dict):
                document = {k: v for k, v in document.items() if k not in ACCOUNT_WIDE}
            with open(os.path.join(copy, name), "w", encoding="utf-8") as stream:
                json.dump(document, stream, ensure_ascii=False, indent=1)
        copies.append(copy)
    return copies


def check_examples(results, validator, binary, root):
    files, dirs = find_examples(root)
    if not files:
        results.fail("examples: %s" % rel(root), "no *.yaml or *.yml files found")
        return
    for path in files:
        errors = schema_errors(validator, path)
        if errors:
            results.fail("schema accepts %s" % rel(path), "\n".join(errors))
        else:
            results.ok("schema accepts %s" % rel(path))
    # Each directory holding YAML files is one account (examples/demo/ is the small demo account); their
    # objects must not clash when read together.
    for directory in dirs:
        code, output = run_validate(binary, [directory])
        what = "validate accepts %s" % rel(directory)
        if code == 0:
            results.ok(what)
        else:
            results.fail(what, describe_run(code, output))
    if len(dirs) < 2:
        return
    what = "validate accepts the objects of %s together" % " ".join(rel(d) for d in dirs)
    workdir = tempfile.mkdtemp(prefix="fa-examples-")
    try:
        code, output = run_validate(binary, objects_only(dirs, workdir))
    except ValueError as exc:
        code, output = None, str(exc)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if code == 0:
        results.ok(what)
    else:
        results.fail(what, describe_run(code, output))


def check_invalid(results, validator, binary, directory):
    names = sorted(n for n in os.listdir(directory)
                   if os.path.isfile(os.path.join(directory, n)))
    if not names:
        results.fail("invalid fixtures: %s" % rel(directory), "no files found")
        return
    for name in names:
        path = os.path.join(directory, name)
        schema_rejects = bool(schema_errors(validator, path))
        code, output = run_validate(binary, [path])
        validate_rejects = code == 1
        what = "rejected by schema and validate: %s" % rel(path)
        if schema_rejects and validate_rejects:
            results.ok(what)
            continue
        why = []
        if not schema_rejects:
            why.append("the schema accepts it")
        if not validate_rejects:
            why.append("validate did not exit 1: %s" % describe_run(code, output))
        results.fail(what, "\n".join(why))


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Check the desired-state JSON Schema and `fastly-accounts validate` "
                    "against the examples and the invalid fixtures.")
    parser.add_argument("--binary", required=True, help="path to the fastly-accounts executable")
    parser.add_argument("--schema", required=True, help="path to fastly-accounts.schema.json")
    parser.add_argument("--examples", required=True, help="directory of valid example files")
    parser.add_argument("--invalid", required=True,
                        help="directory of files that both the schema and validate must reject")
    return parser.parse_args(argv)


def usage_error(message):
    sys.stderr.write("error: %s\n" % message)
    sys.exit(2)


def main(argv):
    args = parse_args(argv)
    binary = os.path.abspath(args.binary)
    if not os.path.isfile(binary):
        usage_error("fastly-accounts binary not found: %s (build it with "
                    "`cmake -S . -B build && cmake --build build --target fastly-accounts`)"
                    % args.binary)
    if not os.access(binary, os.X_OK):
        usage_error("fastly-accounts binary is not executable: %s" % args.binary)
    for flag, path in (("--examples", args.examples), ("--invalid", args.invalid)):
        if not os.path.isdir(path):
            usage_error("%s: not a directory: %s" % (flag, path))
    if not os.path.isfile(args.schema):
        usage_error("schema not found: %s" % args.schema)
    try:
        with open(args.schema, encoding="utf-8") as stream:
            schema = json.load(stream)
    except (OSError, ValueError) as exc:
        usage_error("cannot read schema %s: %s" % (args.schema, exc))

    results = Results()
    validator_class = jsonschema.Draft202012Validator
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as exc:
        results.fail("schema is valid JSON Schema 2020-12: %s" % rel(args.schema), str(exc.message))
        results.summary()
        return 1
    results.ok("schema is valid JSON Schema 2020-12: %s" % rel(args.schema))
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        results.fail("schema declares draft 2020-12", "$schema is %r" % schema.get("$schema"))
    else:
        results.ok("schema declares draft 2020-12")

    validator = validator_class(schema)  # no format_checker: "format" is not asserted
    check_examples(results, validator, binary, os.path.abspath(args.examples))
    check_invalid(results, validator, binary, os.path.abspath(args.invalid))
    results.summary()
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
