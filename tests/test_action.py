"""action.yml, run the way a GitHub runner runs a composite action: each ``run:`` step with bash,
``${{ inputs.* }}``/``${{ steps.*.outputs.* }}`` substituted, an event payload, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE. ``uses:`` steps (setup-python, upload-sarif) are not
run; their conditions are checked. The install step (pip install of this checkout) is simulated
with this checkout's Python unless TFATTEST_TEST_ACTION_INSTALL=1 or CI is set.
Also: the README's workflow is valid for this action and runs through the simulation."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

import analyzer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="git and bash are needed")


_INSTALLED: dict = {}


def load_action() -> dict:
    with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _value(expression: str, inputs: dict, steps: dict) -> str:
    if expression.startswith("inputs."):
        return str(inputs[expression[len("inputs."):]])
    if expression == "github.action_path":
        return ROOT
    match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
    if match:
        return steps.get(match.group(1), {}).get(match.group(2), "")
    raise AssertionError(f"the simulator does not know the expression {expression!r}")


def _condition(text, inputs, steps) -> bool:
    """The few `if:` forms action.yml uses: always(), ==/!= on inputs and step outputs, &&."""
    if text is None:
        return True
    body = EXPR.sub(lambda m: m.group(1), str(text)).strip()
    for part in (p.strip() for p in body.split("&&")):
        if part == "always()":
            continue
        match = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", part)
        assert match, f"unsupported condition {part!r}"
        left = _value(match.group(1), inputs, steps)
        if (left == match.group(3)) != (match.group(2) == "=="):
            return False
    return True


def _parse_outputs(path: str) -> dict:
    outputs = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8").read().splitlines():
            if "=" in line:
                key, _, value = line.partition("=")
                outputs[key] = value
    return outputs


def run_action(workspace, tmp_path, with_inputs: dict, event_name="pull_request", event=None):
    action = load_action()
    unknown = set(with_inputs) - set(action["inputs"])
    assert not unknown, f"inputs the action does not have: {unknown}"
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update({k: str(v) for k, v in with_inputs.items()})
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event or {}))
    summary = tmp_path / "summary.md"
    summary.write_text("")
    real_install = bool(os.environ.get("CI") or os.environ.get("TFATTEST_TEST_ACTION_INSTALL"))
    steps: dict = {}
    log = []
    ran = []
    for index, step in enumerate(action["runs"]["steps"]):
        if not _condition(step.get("if"), inputs, steps):
            continue
        if "uses" in step:
            ran.append(step["uses"])
            continue
        step_id = step.get("id", f"step{index}")
        if step_id == "install" and not real_install:
            steps["install"] = {"python": sys.executable}
            continue
        if step_id == "install" and _INSTALLED:  # one real install per test session is enough
            steps["install"] = dict(_INSTALLED)
            continue
        output_file = tmp_path / f"output-{index}"
        output_file.write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "TFATTEST_"))}
        env.update({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path),
                    "GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary),
                    "GITHUB_WORKSPACE": str(workspace), "GITHUB_SERVER_URL": "https://github.com",
                    "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "abc123", "RUNNER_TEMP": str(tmp_path),
                    "PYTHONPATH": ROOT, **GIT_ENV})
        env.update({k: EXPR.sub(lambda m: _value(m.group(1), inputs, steps), str(v))
                    for k, v in (step.get("env") or {}).items()})
        script = EXPR.sub(lambda m: _value(m.group(1), inputs, steps), step["run"])
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=workspace,
                              env=env, capture_output=True, text=True, timeout=900)
        log.append(done.stdout + done.stderr)
        steps[step_id] = _parse_outputs(str(output_file))
        steps[step_id]["__exit__"] = done.returncode
        if step_id == "install":
            assert done.returncode == 0, done.stdout + done.stderr
            _INSTALLED.update(steps["install"])
        ran.append(step_id)
    return {"steps": steps, "log": "\n".join(log), "summary": summary.read_text(), "ran": ran}


def _git(cwd, *args):
    subprocess.run(["git", "-c", "core.hooksPath=/dev/null", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def _sg(name, port):
    return (f'resource "aws_security_group" "{name}" {{\n  name = var.region\n  ingress {{\n'
            f'    from_port   = {port}\n    to_port     = {port}\n    protocol    = "tcp"\n'
            f'    cidr_blocks = ["0.0.0.0/0"]\n  }}\n}}\n')


@pytest.fixture
def pr_repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    (repo / "infra" / "main.tf").write_text('variable "region" {}\n' + _sg("old", 22))
    (repo / "infra" / "prod.tfvars").write_text('region = "eu-west-1"\n')
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    (repo / "infra" / "new.tf").write_text(_sg("rdp", 3389))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "pr")
    return repo, base


def test_action_on_a_pull_request(pr_repo, tmp_path):
    repo, base = pr_repo
    result = run_action(repo, tmp_path, {"path": "infra", "only": "AWS-EC2-001", "args": "--var 'region=us west'"},
                        event={"pull_request": {"base": {"sha": base}}})
    scan = result["steps"]["scan"]
    assert scan["exit-code"] == "1", result["log"]
    assert scan["findings"] == "1" and scan["new-findings"] == "1", result["log"]
    assert scan["sarif-exists"] == "true" and os.path.isfile(repo / scan["sarif-file"])
    assert "does not exist" not in result["log"]  # the quoted value stayed one argument
    assert "--var 'region=us west'" in result["log"]
    assert "::error file=infra/new.tf,line=" in result["log"] and "AWS-EC2-001" in result["log"]
    assert "github/codeql-action/upload-sarif@v3" in result["ran"]
    assert result["steps"]["step4"]["__exit__"] == 1  # the last step fails the job
    summary = result["summary"]
    assert "1 new · 0 fixed · 1 unchanged" in summary and "| failing | 1 | 0 | 0 | 0 |" in summary
    assert "**By TSC criterion:**" in summary
    assert "(https://github.com/acme/infra/blob/abc123/infra/new.tf#L" in summary
    assert result["log"].count("tfattest: ") >= 1 and result["log"].count("-m analyzer scan") == 1  # one scan


def test_action_without_findings_or_sarif(pr_repo, tmp_path):
    repo, _base = pr_repo
    result = run_action(repo, tmp_path, {"path": "infra", "only": "AWS-EC2-001", "fail-on": "none",
                                         "args": "--var region=x", "summary": "false"}, event_name="push")
    assert result["steps"]["scan"]["exit-code"] == "0" and result["summary"] == ""
    result = run_action(repo, tmp_path, {"path": "no-such-dir", "args": "--var region=x"}, event_name="push")
    scan = result["steps"]["scan"]
    assert scan["exit-code"] == "2" and scan["sarif-exists"] == "false"
    assert "github/codeql-action/upload-sarif@v3" not in result["ran"]  # no file, no upload


def _readme_workflow() -> dict:
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    workflows = [yaml.safe_load(b) for b in blocks if "tfattest/tfattest@" in b and "jobs:" in b]
    assert workflows, "README has no complete workflow using the action"
    return workflows[0]


def test_readme_workflow_runs_and_is_pinned_to_this_version(pr_repo, tmp_path):
    workflow = _readme_workflow()
    job = next(iter(workflow["jobs"].values()))
    permissions = {**workflow.get("permissions", {}), **job.get("permissions", {})}
    assert permissions == {"contents": "read", "security-events": "write", "actions": "read"}
    step = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("tfattest/tfattest@"))
    assert step["uses"] == f"tfattest/tfattest@v{analyzer.__version__}"
    checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout.get("with", {}).get("fetch-depth") == 0  # the PR's base commit must be there
    repo, base = pr_repo
    result = run_action(repo, tmp_path, {**step.get("with", {}), "only": "AWS-EC2-001"},
                        event={"pull_request": {"base": {"sha": base}}})
    assert result["steps"]["scan"]["exit-code"] == "1", result["log"]
    assert result["steps"]["scan"]["new-findings"] == "1"


def test_readme_versions_match_the_package():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    pins = re.findall(r"rev:\s*(v[\w.]+)", text) + re.findall(r"tfattest/tfattest@([\w.]+)", text)
    assert pins and set(pins) == {f"v{analyzer.__version__}"}, pins
    changelog = open(os.path.join(ROOT, "CHANGELOG.md"), encoding="utf-8").read()
    assert f"## [{analyzer.__version__}]" in changelog
