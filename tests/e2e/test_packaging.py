"""The Debian package: scripts/package.sh makes it from this build (FA_BUILD_DIR; nothing is compiled when
the build is up to date), `dpkg-deb -x` unpacks it into a temporary root, and what is there is checked and
run: both binaries (--version, --help, the emulator serving on port 0 and the unpacked fastly-accounts
exporting from it), the JSON Schema, a man page for every command, and the bash completion, which bash
sources and completes with.
"""
import glob
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

BUILD_DIR = os.environ.get("FA_BUILD_DIR", "")


def help_of(binary, *command):
    """(subcommands, options) listed by `binary [command] --help`."""
    text = subprocess.run([binary, *command, "--help"], capture_output=True, text=True, check=True).stdout
    commands, options, section = [], [], None
    for line in text.splitlines():
        if re.match(r"^[A-Z][A-Za-z ]*:$", line):
            section = line
            continue
        if section == "Subcommands:" and (match := re.match(r"^  ([a-z][a-z-]*)\s", line)):
            commands.append(match.group(1))
        if section == "Options:" and (match := re.match(r"^  (?:(-\w),)?(--[a-z0-9-]+)", line)):
            options += [name for name in match.groups() if name]
    return commands, options


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("cpack", "dpkg-deb", "help2man", "dpkg-shlibdeps"):
            if shutil.which(tool) is None:
                raise AssertionError("%s is missing: scripts/test.sh installs it (FA_PACKAGE_PACKAGES)" % tool)
        if not BUILD_DIR or not harness.BINARY:
            raise AssertionError("FA_BUILD_DIR and FA_BINARY must name the build")
        cls.tmp = tempfile.mkdtemp(prefix="fa-package-")
        proc = subprocess.run([os.path.join(harness.REPO, "scripts", "package.sh"), os.path.join(cls.tmp, "out")],
                              env=dict(os.environ, FA_PACKAGE_BUILD_DIR=BUILD_DIR), capture_output=True, text=True,
                              timeout=240)
        if proc.returncode != 0:
            shutil.rmtree(cls.tmp, True)
            raise AssertionError("scripts/package.sh failed: %s\n%s" % (proc.stdout, proc.stderr))
        cls.debs = glob.glob(os.path.join(cls.tmp, "out", "*.deb"))
        cls.printed = proc.stdout.strip()
        cls.root = os.path.join(cls.tmp, "root")
        for deb in cls.debs:
            subprocess.run(["dpkg-deb", "-x", deb, cls.root], check=True)
        cls.bin = os.path.join(cls.root, "usr", "bin")
        cls.version = subprocess.run([harness.BINARY, "--version"], capture_output=True, text=True,
                                     check=True).stdout.split()[-1]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def field(self, name):
        return subprocess.run(["dpkg-deb", "--field", self.debs[0], name], capture_output=True, text=True,
                              check=True).stdout.strip()

    def test_one_package_named_after_its_version(self):
        self.assertEqual([os.path.basename(d) for d in self.debs], ["fastly-accounts_%s_amd64.deb" % self.version])
        self.assertEqual(self.printed.splitlines()[-1], self.debs[0])
        self.assertEqual(self.field("Package"), "fastly-accounts")
        self.assertEqual(self.field("Version"), self.version)
        self.assertRegex(self.field("Maintainer"), r"^[^<]+ <[^@>]+@[^>]+>$")
        self.assertIn("Fastly", self.field("Description"))
        depends = self.field("Depends")
        for library in ("libyaml-cpp", "libcurl4", "libicu", "libfmt", "libspdlog", "libssl", "libstdc++6"):
            self.assertIn(library, depends)

    def test_binaries_run_from_the_unpacked_root(self):
        accounts = os.path.join(self.bin, "fastly-accounts")
        emulator = os.path.join(self.bin, "fastly-emulator")
        for binary, name in ((accounts, "fastly-accounts"), (emulator, "fastly-emulator")):
            proc = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
            self.assertEqual((proc.returncode, proc.stdout), (0, "%s %s\n" % (name, self.version)))
            proc = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("Usage: %s" % name, proc.stdout)
        # The packaged emulator serves on port 0, and the packaged fastly-accounts reads the account from it.
        server = subprocess.Popen([emulator, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)
        try:
            line = server.stdout.readline()
            url = re.match(r"fastly-emulator listening on (http://127\.0\.0\.1:\d+)$", line.strip())
            self.assertIsNotNone(url, line)
            proc = subprocess.run([accounts, "--endpoint", url.group(1), "export", "--schema", ""],
                                  capture_output=True, text=True, timeout=60,
                                  env=dict(os.environ, FASTLY_API_TOKEN=harness.SUPERUSER_TOKEN))
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("login: owner@example.com", proc.stdout)
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stdout.close()

    def test_schema_in_the_share_directory(self):
        installed = os.path.join(self.root, "usr/share/fastly-accounts/schemas/fastly-accounts.schema.json")
        with open(installed, "rb") as f, open(os.path.join(harness.REPO, "schemas/fastly-accounts.schema.json"),
                                              "rb") as g:
            data = f.read()
            self.assertEqual(data, g.read())
        self.assertEqual(json.loads(data)["$schema"], "https://json-schema.org/draft/2020-12/schema")

    def test_a_man_page_for_every_command_made_from_its_help(self):
        man = os.path.join(self.root, "usr/share/man/man1")
        commands, options = help_of(harness.BINARY)
        self.assertIn("plan", commands)
        pages = {"fastly-accounts": ((), options), "fastly-emulator": ((), help_of(harness.EMULATOR)[1])}
        for command in commands:
            pages["fastly-accounts-" + command] = ((command,), help_of(harness.BINARY, command)[1])
        self.assertEqual(sorted(os.listdir(man)), sorted(name + ".1.gz" for name in pages))
        for name, expected in pages.items():
            with gzip.open(os.path.join(man, name + ".1.gz"), "rt") as f:
                page = f.read()
            self.assertRegex(page, r'(?m)^\.TH %s "1" ".*" "%s %s"' % (name.upper(), name, re.escape(self.version)))
            self.assertIn(".SH \"SEE ALSO\"", page)
            for option in expected[1]:
                self.assertIn(option.replace("-", "\\-"), page, "%s: %s" % (name, option))

    def test_bash_completion_follows_the_cli(self):
        path = os.path.join(self.root, "usr/share/bash-completion/completions/fastly-accounts")
        with open(path) as f:
            script = f.read()
        generated = subprocess.run([harness.BINARY, "completion", "bash"], capture_output=True, text=True,
                                   check=True).stdout
        self.assertEqual(script, generated)
        # Every command and every option that --help lists is in it, with each command's own options.
        commands, options = help_of(harness.BINARY)
        self.assertNotIn("completion", commands)  # hidden
        entries = dict(re.findall(r'(?m)^        "([a-z -]*)"\) echo "([^"]*)" ;;$',
                                  script.split("_options()")[1].split("\n}\n")[0]))
        self.assertEqual(sorted(entries), sorted([""] + commands))
        self.assertEqual(entries[""].split(), options)
        for command in commands:
            own = help_of(harness.BINARY, command)[1]
            listed = entries[command].split()
            self.assertEqual([o for o in listed if o in own], own, command)
            self.assertTrue(set(options) - {"--version"} <= set(listed), command)  # the global options

        cases = [
            (["fastly-accounts", "pl"], ["plan"]),
            (["fastly-accounts", ""], commands),
            (["fastly-accounts", "plan", "--fo"], ["--format"]),
            (["fastly-accounts", "plan", "--format", ""], ["text", "json", "markdown"]),
            (["fastly-accounts", "drift", "--format", "=", "j"], ["json"]),
            (["fastly-accounts", "--log-level", "w"], ["warn"]),
            (["fastly-accounts", "--endpoint", "http://x", "ap"], ["apply"]),
            (["fastly-accounts", "apply", "--ack", "force_s"], ["force_sso"]),
            (["fastly-accounts", "plan", "-f", "acc"], ["access"]),
            (["fastly-accounts", "apply", "--no-c"], ["--no-color"]),
            (["fastly-accounts", "export", "--token-"], ["--token-file"]),
        ]
        os.makedirs(os.path.join(self.tmp, "access"), exist_ok=True)
        lines = ["source %s" % path]
        for words, _ in cases:
            lines.append("COMP_WORDS=(%s); COMP_CWORD=%d; _fastly_accounts; echo \"${COMPREPLY[*]}\""
                         % (" ".join("'%s'" % w for w in words), len(words) - 1))
        lines.append("complete -p fastly-accounts")
        proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", "\n".join(lines)], cwd=self.tmp,
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        results = proc.stdout.splitlines()
        for (words, expected), got in zip(cases, results):
            self.assertEqual(got.split(), expected, words)
        self.assertEqual(results[-1], "complete -F _fastly_accounts fastly-accounts")


if __name__ == "__main__":
    unittest.main()
