"""The GitHub Action's steps (action.yml runs scripts/action/run.sh) as plain shell: the real
fastly-accounts against the real fastly-emulator on port 0, and the plan comment posted to a local fake of
GitHub's comments API (tests/e2e/fake_github.py), as on a pull request: validate, plan posting the comment,
a second plan updating that comment, apply of the saved plan, a stale saved plan refused, drift, the access review.
"""
import json
import os
import subprocess
import unittest

import harness
from fake_github import FakeGitHub

RUN = os.path.join(harness.REPO, "scripts", "action", "run.sh")
GITHUB_TOKEN = "gh-test-token-4d2c"
MARKER = "<!-- fastly-accounts plan -->"

FILES = """version: 1
users:
  - login: alice@example.com
    role: engineer
user_groups:
  - name: SRE
    description: Site reliability
    members: [alice@example.com]
"""
SECOND_GROUP = """  - name: Billing Team
    description: Invoices
    members: [alice@example.com]
"""


class ActionSteps(harness.EmulatorTest):
    emulator_args = ()

    def setUp(self):
        super().setUp()
        self.emulator.set_state(harness.account(("alice@example.com", "Alice", "engineer")))
        self.github = FakeGitHub("acme/access", GITHUB_TOKEN)
        self.addCleanup(self.github.stop)
        # Someone else's comments first: 150 of them, so that the plan comment is on the second page.
        for i in range(150):
            self.github.add_comment(7, "looks good %d" % i)
        self.files = self.write("access/account.yaml", FILES)
        self.event = self.write("event.json", json.dumps({"pull_request": {"number": 7}}))

    def step(self, command, **inputs):
        """Runs the action's step for `command` as the runner would: the inputs as environment variables,
        GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. Returns (exit code, stdout, stderr, outputs, summary)."""
        output = os.path.join(self.tmp, "github-output")
        summary = os.path.join(self.tmp, "step-summary")
        for path in (output, summary):
            open(path, "w").close()
        env = {
            "PATH": os.environ["PATH"], "HOME": self.tmp, "LANG": "C.UTF-8",
            "FA_BINARY": harness.BINARY, "FA_COMMAND": command, "FA_FILES": "access/",
            "FA_ENDPOINT": self.emulator.url, "FASTLY_API_TOKEN": harness.SUPERUSER_TOKEN,
            "FA_COMMENT": "true", "GITHUB_TOKEN": GITHUB_TOKEN, "GITHUB_API_URL": self.github.url,
            "GITHUB_REPOSITORY": "acme/access", "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": self.event, "GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary,
            "RUNNER_TEMP": self.tmp,
        }
        env.update(inputs)
        proc = subprocess.run(["bash", RUN], cwd=self.tmp, env=env, capture_output=True, text=True, timeout=120)
        with open(output) as f:
            outputs = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        with open(summary) as f:
            summary_text = f.read()
        for text in (proc.stdout, proc.stderr, summary_text, json.dumps(outputs)):
            self.assertNotIn(harness.SUPERUSER_TOKEN, text)
            self.assertNotIn(GITHUB_TOKEN, text)
        return proc.returncode, proc.stdout, proc.stderr, outputs, summary_text

    def plan_comments(self):
        return [c for c in self.github.comments[7] if c["body"].startswith(MARKER)]

    def group_names(self):
        return sorted(g["name"] for g in self.emulator.state()["user_groups"])

    def test_validate_plan_twice_apply_and_drift(self):
        code, out, err, outputs, _ = self.step("validate")
        self.assertEqual((code, outputs.get("exit-code")), (0, "0"), err)
        self.assertIn("valid: 1 user", out + err)

        # The first plan posts the comment (after reading both pages of comments), and saves the plan.
        code, out, err, outputs, summary = self.step("plan", FA_PLAN_FILE="first-plan.json")
        self.assertEqual((code, outputs.get("exit-code")), (0, "0"), err)
        self.assertEqual(self.github.writes(), [("POST", "/repos/acme/access/issues/7/comments")])
        pages = [path for method, path, _ in self.github.requests if method == "GET"]
        self.assertEqual(pages, ["/repos/acme/access/issues/7/comments?per_page=100&page=1",
                                 "/repos/acme/access/issues/7/comments?per_page=100&page=2"])
        [comment] = self.plan_comments()
        self.assertEqual(outputs["comment-id"], str(comment["id"]))
        self.assertIn("**create** `SRE`", comment["body"])
        self.assertEqual(comment["body"].count(MARKER), 1)
        self.assertIn("**create** `SRE`", summary)
        with open(outputs["report"]) as f:
            self.assertIn("**create** `SRE`", f.read())
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "first-plan.json")))

        # The files change: the second plan updates the same comment; none is added.
        # With the base branch's files (base-files), SRE, not yet applied, is drift from them; the new group is
        # this change's.
        self.write("access/account.yaml", FILES + SECOND_GROUP)
        self.write("base/account.yaml", FILES)
        code, out, err, outputs, _ = self.step("plan", FA_PLAN_FILE="plan.json", FA_BASE_FILES="base/")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.github.writes(), [("POST", "/repos/acme/access/issues/7/comments"),
                                                ("PATCH", "/repos/acme/access/issues/comments/%d" % comment["id"])])
        [updated] = self.plan_comments()
        self.assertEqual(updated["id"], comment["id"])
        self.assertIn("**create** `Billing Team`", updated["body"])
        mine, _, drift = updated["body"].partition("#### Drift already in the account: 1 object")
        self.assertIn("#### This change: 1 object", mine)
        self.assertIn("`Billing Team`", mine)
        self.assertIn("`SRE`", drift)
        self.assertEqual(len(self.github.comments[7]), 151)

        # The first saved plan is stale now: its files changed. Refused, nothing written.
        code, out, err, outputs, _ = self.step("apply", FA_PLAN_FILE="first-plan.json")
        self.assertEqual((code, outputs.get("exit-code")), (4, "4"), err)
        self.assertIn("access/account.yaml", err)
        self.assertEqual(self.group_names(), [])

        # The plan reviewed last is applied exactly.
        code, out, err, outputs, _ = self.step("apply", FA_PLAN_FILE="plan.json",
                                               FA_ARGS="--journal %s/journal.jsonl" % self.tmp)
        self.assertEqual((code, outputs.get("exit-code")), (0, "0"), err)
        self.assertEqual(self.group_names(), ["Billing Team", "SRE"])
        self.assertTrue(os.path.getsize(os.path.join(self.tmp, "journal.jsonl")) > 0)

        code, out, err, outputs, _ = self.step("drift")
        self.assertEqual((code, outputs.get("exit-code")), (0, "0"), err)

        # A change by hand in the account: drift finds it, reports it in the summary and fails the step.
        group = next(g for g in self.emulator.state()["user_groups"] if g["name"] == "SRE")
        status, _ = self.emulator.request("PATCH", "/user-groups/%s" % group["id"], {"description": "by hand"})
        self.assertEqual(status, 200)
        code, out, err, outputs, summary = self.step("drift")
        self.assertEqual((code, outputs.get("exit-code")), (2, "2"), err)
        self.assertIn("by hand", summary)
        self.assertEqual(len(self.plan_comments()), 1)  # drift posts nothing

        # The nightly access review: its Markdown in the summary, the group's members listed.
        code, out, err, outputs, summary = self.step("review")
        self.assertEqual((code, outputs.get("exit-code")), (0, "0"), err)
        self.assertIn("## Access review of", summary)
        self.assertTrue(outputs.get("report", "").endswith("review.md"), outputs)

    def test_plan_with_detailed_exitcode_and_guard(self):
        # Changes pending with --detailed-exitcode: exit-code 2, and the step succeeds.
        code, out, err, outputs, _ = self.step("plan", FA_ARGS="--detailed-exitcode")
        self.assertEqual((code, outputs.get("exit-code")), (0, "2"), err)
        # A guard that trips (more deletions than allowed): the comment still shows why; the step fails.
        self.emulator.set_state(harness.account(("alice@example.com", "Alice", "engineer"),
                                                ("bob@example.com", "Bob", "engineer")))
        self.write("access/account.yaml", FILES.replace("version: 1\n", "version: 1\npolicy:\n  prune: [users]\n"
                                                        "  max_deletions: 0\n"))
        code, out, err, outputs, _ = self.step("plan")
        self.assertEqual((code, outputs.get("exit-code")), (4, "4"), err)
        [comment] = self.plan_comments()
        self.assertIn("max_deletions", comment["body"])

    def test_failures(self):
        # A plan that fails (a token the emulator refuses) still updates the comment, with the error.
        code, out, err, outputs, _ = self.step("plan", FASTLY_API_TOKEN="not-a-valid-token")
        self.assertEqual(code, 1, err)
        [comment] = self.plan_comments()
        self.assertIn("fastly-accounts plan failed (exit 1)", comment["body"])
        self.assertIn("the API token was refused (GET /current_customer -> 401", comment["body"])
        # GitHub refusing the comment fails the step, naming the request; the plan's own code is still an output.
        self.github.refuse = {"PATCH": 403}
        code, out, err, outputs, _ = self.step("plan")
        self.assertEqual((code, outputs.get("exit-code")), (1, "0"), err)
        self.assertIn("PATCH /repos/acme/access/issues/comments/%d -> 403" % comment["id"], err)
        # Not a pull request: nothing posted, the plan still runs.
        self.github.refuse = {}
        code, out, err, outputs, _ = self.step("plan", GITHUB_EVENT_PATH=self.write("push.json", "{}"))
        self.assertEqual(code, 0, err)
        self.assertIn("not a pull request", err)
        # Inputs the action refuses, before running anything.
        for inputs, message in [({"FA_COMMAND": "destroy"}, "command must be validate, plan, apply, drift or review"),
                                ({"FA_FILES": "  "}, "no files given"),
                                ({"FA_PLAN_FILE": "p.json", "FA_COMMAND": "drift"}, "plan-file is for plan and apply"),
                                ({"FA_BASE_FILES": "base/", "FA_COMMAND": "apply"}, "base-files is for plan only")]:
            code, out, err, outputs, _ = self.step(inputs.pop("FA_COMMAND", "plan"), **inputs)
            self.assertEqual(code, 1, err)
            self.assertIn(message, err)
        # Under Actions the Fastly token is masked first.
        code, out, err, outputs, _ = self.step("validate", GITHUB_ACTIONS="true", FASTLY_API_TOKEN="tok-abc")
        self.assertEqual(out.splitlines()[0], "::add-mask::tok-abc")


class ActionDefinition(unittest.TestCase):
    """action.yml and the workflows of examples/ci that use it agree: inputs, scripts, the plan artifact."""

    def load(self, *path):
        import yaml  # python3-yaml, installed by scripts/test.sh
        with open(os.path.join(harness.REPO, *path)) as f:
            return yaml.safe_load(f)

    def test_examples_use_the_action_as_defined(self):
        action = self.load("action.yml")
        inputs = action["inputs"]
        self.assertEqual(action["runs"]["using"], "composite")
        # Each step runs a script of scripts/action/ that exists; the run step gets every input but the
        # install ones.
        for step in action["runs"]["steps"]:
            if "run" in step:
                script = step["run"].split('"$GITHUB_ACTION_PATH/')[1].split('"')[0]
                self.assertTrue(os.access(os.path.join(harness.REPO, script), os.X_OK), script)
        run_step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
        mapped = {value.strip("${} ").replace("inputs.", "") for value in run_step["env"].values()}
        self.assertEqual(mapped, set(inputs) - {"deb", "deb-url"})

        uses = {}
        for name in ("plan", "apply", "drift"):
            workflow = self.load("examples", "ci", name + ".yml")
            for job in workflow["jobs"].values():
                for step in job["steps"]:
                    if step.get("uses") == "./.fastly-accounts":
                        self.assertTrue(set(step["with"]) <= set(inputs), step["with"])
                        uses.setdefault(name, []).append(step)
                    if "actions/upload-artifact" in step.get("uses", "") or \
                            "actions/download-artifact" in step.get("uses", ""):
                        uses.setdefault(name + "-artifacts", []).append(step["with"])
        self.assertEqual([s["with"]["command"] for s in uses["plan"]], ["validate", "plan"])
        self.assertEqual([s["with"]["command"] for s in uses["apply"]], ["apply"])
        self.assertEqual([s["with"]["command"] for s in uses["drift"]], ["drift", "review"])
        # The pull request's job saves the plan and uploads it; the merge job downloads it and applies it.
        plan_file = uses["plan"][1]["with"]["plan-file"]
        [uploaded] = [a for a in uses["plan-artifacts"]]
        self.assertEqual(uploaded["path"], plan_file)
        downloaded = uses["apply-artifacts"][0]
        self.assertEqual(downloaded["name"], uploaded["name"])
        self.assertEqual(uses["apply"][0]["with"]["plan-file"], plan_file)


if __name__ == "__main__":
    unittest.main()
