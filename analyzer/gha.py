"""The GitHub Action's scan step (action.yml runs ``python -m analyzer.gha``).

Reads the action's inputs from INPUT_* variables, splits ``args`` and ``path`` with shlex (a
quoted value stays one argument), scans ONCE writing SARIF, JSON and Markdown, then writes the
step outputs (GITHUB_OUTPUT), the job summary (GITHUB_STEP_SUMMARY: counts by severity and TSC
criterion, new vs fixed on pull requests, the top findings with links) and lists the failing
findings in the job log as error annotations. On pull_request events the PR's base SHA is the
default ``diff-base``. The exit code is tfattest's; the action's last step fails the job with it.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile

TOP_FINDINGS = 30


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", default).strip()


def _truthy(value: str) -> bool:
    return value.lower() in ("true", "1", "yes", "on")


def _event() -> dict:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or not os.path.isfile(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def diff_base() -> str:
    """The diff-base input, else the PR's base SHA on pull_request events; 'none' turns it off."""
    value = _input("diff-base")
    if value.lower() in ("none", "false", "off"):
        return ""
    if value:
        return value
    if os.environ.get("GITHUB_EVENT_NAME", "") in ("pull_request", "pull_request_target"):
        return str(_event().get("pull_request", {}).get("base", {}).get("sha") or "")
    return ""


def _have_commit(sha: str) -> bool:
    return subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "cat-file", "-e", f"{sha}^{{commit}}"],
                          capture_output=True, check=False).returncode == 0


def ensure_base(sha: str) -> bool:
    """A shallow checkout may lack the base commit: fetch just that commit (the only network step)."""
    if _have_commit(sha):
        return True
    subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "fetch", "--no-tags", "--depth=1", "origin", sha],
                   capture_output=True, check=False)
    return _have_commit(sha)


def build_command(python: str, outputs: dict, base: str) -> list:
    command = [python, "-m", "analyzer", "scan", *shlex.split(_input("path", ".") or ".")]
    for plan in shlex.split(_input("plan")):
        command += ["--plan", plan]
    if _input("config"):
        command += ["--config", _input("config")]
    if _input("fail-on"):
        command += ["--fail-on", _input("fail-on")]
    if _input("unknown"):
        command += ["--unknown", _input("unknown")]
    for flag in ("only", "skip"):
        for value in _input(flag).replace(",", " ").split():
            command += [f"--{flag}", value]
    if base:
        command += ["--diff-base", base]
    if _input("baseline"):
        command += ["--baseline", _input("baseline")]
    if _input("evidence"):
        command += ["--evidence", _input("evidence")]
    for fmt, path in outputs.items():
        command += ["-o", f"{fmt}:{path}"]
    return command + ["--quiet"] + shlex.split(_input("args"))


def _write(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def _escape(text: str, property_value: bool = False) -> str:
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def main() -> int:
    python = sys.executable
    sarif = _input("sarif-file", "tfattest.sarif") or "tfattest.sarif"
    work = tempfile.mkdtemp(prefix="tfattest-action-")
    outputs = {"sarif": sarif, "json": os.path.join(work, "report.json")}
    if os.path.isfile(sarif):  # a file from an earlier step or run must not be uploaded as this one
        os.remove(sarif)
    base = diff_base()
    if base and not ensure_base(base):
        print(f"::warning::tfattest: base commit {base} is not available (use actions/checkout with "
              "fetch-depth: 0); reporting all findings")
        base = ""
    try:
        command = build_command(python, outputs, base)
    except ValueError as err:  # shlex: unbalanced quotes in args or path
        print(f"::error::tfattest: cannot split the action's args/path input: {err}")
        _write("GITHUB_OUTPUT", "exit-code=2\nsarif-exists=false\nfindings=0\nnew-findings=0\n"
               f"sarif-file={sarif}\n")
        return 2
    print("tfattest: " + shlex.join(command[1:]), flush=True)
    done = subprocess.run(command, check=False)
    code = done.returncode
    report = None
    if os.path.isfile(outputs["json"]):
        with open(outputs["json"], encoding="utf-8") as handle:
            report = json.load(handle)
    findings = new = 0
    if report is not None:
        failing = [r for r in report["results"] if r["status"] == "fail"]
        findings = len(failing)
        new = report["options"]["diff"]["new"] if "diff" in report["options"] else findings
        _log_findings(report, failing)
        if _truthy(_input("summary", "true")):
            _write("GITHUB_STEP_SUMMARY", summary(report) + "\n")
    elif code != 0:
        print(f"::error::tfattest exited with {code} and wrote no report")
    _write("GITHUB_OUTPUT", f"exit-code={code}\nsarif-file={sarif}\nsarif-exists="
           f"{'true' if os.path.isfile(sarif) else 'false'}\nfindings={findings}\nnew-findings={new}\n")
    return code


def _workspace_path(report: dict, path: str) -> str:
    workspace = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    absolute = os.path.normpath(os.path.join(report.get("source_root", "."), path))
    relative = os.path.relpath(absolute, workspace)
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _log_findings(report: dict, failing: list) -> None:
    """Each failing finding in the job log, as an annotation on its line (no need to open SARIF)."""
    rules = {r["id"]: r for r in report["rules"]}
    for result in failing:
        rule = rules.get(result["rule_id"], {})
        path = _workspace_path(report, result["region"]["path"])
        line = result["region"]["start_line"]
        title = f"{result['rule_id']} ({rule.get('severity', '')}, TSC {', '.join(rule.get('tsc', []))})"
        print(f"::error file={_escape(path, True)},line={line},title={_escape(title, True)}::"
              f"{_escape(result['message'])}")
    print(f"tfattest: {len(failing)} failing finding{'s' if len(failing) != 1 else ''}", flush=True)


def summary(report_data: dict) -> str:
    """The job summary: the Markdown report, top findings only, with links to the lines."""
    from analyzer.convert import report_from_json
    from analyzer.report.markdown import render

    workspace = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    prefix = os.path.relpath(report_data.get("source_root", workspace), workspace)
    os.environ["TFATTEST_PATH_PREFIX"] = "" if prefix in (".", "") or prefix.startswith("..") else prefix + "/"
    report = report_from_json(report_data)
    return render(report, report_data.get("options", {}).get("unknown", "report"), False, max_rows=TOP_FINDINGS)


if __name__ == "__main__":
    sys.exit(main())
