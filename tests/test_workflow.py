"""The developer's loop through the CLI: config as documented, many outputs from one scan,
convert, PR mode (--diff-base, --diff-base-plan), baselines, explain/rules, exit codes in --help."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def cli(*args, cwd=None):
    """Run ``python -m analyzer`` (a real process: stdout/stderr/exit code as a user sees them)."""
    done = subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": ROOT, "NO_COLOR": "1"}, timeout=300)
    return done


def sg(name: str, port: int, cidr: str = "0.0.0.0/0") -> str:
    return f'''resource "aws_security_group" "{name}" {{
  name = "{name}"
  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["{cidr}"]
  }}
}}
'''


def write(path, text):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def git(cwd, *args):
    subprocess.run(["git", "-c", "core.hooksPath=/dev/null", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


# --- 8: config that works as documented -------------------------------------------------------

def test_config_unquoted_dates_no_approver_and_parent_lookup(tmp_path):
    write(tmp_path / ".tfattest.yaml", "fail_on: high\nexceptions:\n  - rule: AWS-EC2-001\n"
          "    resource: aws_security_group.ssh\n    reason: bastion\n    expires: 2999-03-31\n")
    write(tmp_path / "infra" / "main.tf", sg("ssh", 22))
    done = cli("scan", str(tmp_path / "infra"), "--only", "AWS-EC2-001", "-f", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["results"][0]
    assert result["status"] == "suppressed" and result["suppression"]["expires"] == "2999-03-31"


def test_config_error_points_at_the_key_and_require_approver(tmp_path):
    write(tmp_path / "main.tf", sg("ssh", 443))
    write(tmp_path / ".tfattest.yaml", "fail_on: high\nskip: []\nexceptions:\n  - rule: AWS-EC2-001\n"
          "    reason: x\n    colour: red\n")
    done = cli("scan", str(tmp_path), "-q")
    assert done.returncode == 3
    assert ".tfattest.yaml:6:" in done.stdout + done.stderr, done.stdout + done.stderr
    write(tmp_path / ".tfattest.yaml", "require_approver: true\nexceptions:\n  - rule: AWS-EC2-001\n"
          "    reason: x\n")
    done = cli("scan", str(tmp_path), "-q")
    assert done.returncode == 3 and ".tfattest.yaml:3:" in done.stdout and "approver" in done.stdout


def test_exclude_globs_from_config_and_flag(tmp_path):
    write(tmp_path / "infra" / "main.tf", sg("ok", 443, "10.0.0.0/8"))
    write(tmp_path / "examples" / "demo" / "main.tf", sg("demo", 22))
    write(tmp_path / "tests" / "main.tf", sg("test", 3389))
    assert cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "-q").returncode == 1
    assert cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "--exclude", "examples", "--exclude", "tests/",
               "-q").returncode == 0
    write(tmp_path / ".tfattest.yaml", "exclude: [examples, tests]\n")
    assert cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "-q").returncode == 0


# --- 4: one scan, many outputs; convert -------------------------------------------------------

def test_many_outputs_from_one_scan_and_convert(tmp_path):
    write(tmp_path / "infra" / "main.tf", sg("ssh", 22))
    sarif, md, js, other = (str(tmp_path / n) for n in ("r.sarif", "s.md", "r.json", "x.txt"))
    done = cli("scan", str(tmp_path / "infra"), "--only", "AWS-EC2-001", "-o", sarif, "-o", md, "-o", js,
               "-o", f"sarif:{other}")
    assert done.returncode == 1
    assert json.load(open(sarif))["version"] == "2.1.0" and json.load(open(other))["version"] == "2.1.0"
    assert open(md).read().startswith("## ")
    assert json.load(open(js))["schema_version"]
    assert "1 failing finding" in done.stderr  # the summary, on stderr
    converted = cli("convert", js, "-f", "sarif")
    assert converted.returncode == 0
    assert json.loads(converted.stdout)["runs"][0]["results"][0]["ruleId"] == "AWS-EC2-001"
    text = cli("convert", js, "-f", "text").stdout
    assert "AWS-EC2-001" in text and "aws_security_group.ssh" in text
    assert "AWS-EC2-001" in cli("convert", js, "-f", "markdown").stdout
    assert cli("convert", md, "-f", "text").returncode == 2


# --- 2: PR mode -------------------------------------------------------------------------------

def _estate(repo):
    for f in range(5):
        write(repo / "infra" / f"sg{f}.tf", "".join(sg(f"old_{f}_{i}", 22) for i in range(10)))


@needs_git
def test_diff_base_reports_exactly_the_new_findings(tmp_path):
    repo = tmp_path / "repo"
    _estate(repo)
    write(repo / "infra" / "fixed.tf", sg("gone", 3389))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "mv", "infra/sg0.tf", "infra/renamed.tf")  # a rename, same addresses
    text = open(repo / "infra" / "sg1.tf").read()
    write(repo / "infra" / "sg1.tf", "# moved\n\n\n" + text)  # line moves
    os.remove(repo / "infra" / "fixed.tf")  # a fixed finding
    write(repo / "infra" / "new.tf", sg("new_a", 3389) + sg("new_b", 22))
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout
    done = cli("scan", "infra", "--only", "AWS-EC2-001", "--diff-base", "HEAD", "-o", "r.json", cwd=repo)
    assert done.returncode == 1, done.stderr
    report = json.load(open(repo / "r.json"))
    failing = [r["address"] for r in report["results"] if r["status"] == "fail"]
    assert sorted(failing) == ["aws_security_group.new_a", "aws_security_group.new_b"]
    diff = report["options"]["diff"]
    assert (diff["new"], diff["fixed"], diff["unchanged"]) == (2, 1, 50)
    assert diff["fixed_findings"][0]["address"] == "aws_security_group.gone"
    # the user's tree is untouched: same HEAD, the rename still staged, no stray files
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout == head
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert "R  infra/sg0.tf -> infra/renamed.tf" in status
    # exit code judged on new findings only: nothing new -> 0
    os.remove(repo / "infra" / "new.tf")
    assert cli("scan", "infra", "--only", "AWS-EC2-001", "--diff-base", "HEAD", "-q", cwd=repo).returncode == 0
    bad = cli("scan", "infra", "--diff-base", "no-such-ref", "-q", cwd=repo)
    assert bad.returncode == 2 and "no-such-ref" in bad.stderr


def test_diff_base_plan(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from plan_from_hcl import plan_document

    base_dir, head_dir = tmp_path / "base", tmp_path / "head"
    write(base_dir / "main.tf", sg("old", 22))
    write(head_dir / "main.tf", sg("old", 22) + sg("new", 3389))
    for directory in (base_dir, head_dir):
        write(directory / "plan.json", json.dumps(plan_document(str(directory))))
    done = cli("scan", "--plan", str(head_dir / "plan.json"), "--diff-base-plan", str(base_dir / "plan.json"),
               "--only", "AWS-EC2-001", "-f", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [r["address"] for r in report["results"] if r["status"] == "fail"] == ["aws_security_group.new"]
    assert report["options"]["diff"]["unchanged"] == 1


# --- 3: baselines -----------------------------------------------------------------------------

def test_baseline_create_hide_changed_and_show(tmp_path):
    write(tmp_path / "infra" / "main.tf", sg("a", 22) + sg("b", 3389) + sg("c", 22))
    base = str(tmp_path / "baseline.json")
    done = cli("baseline", "create", str(tmp_path / "infra"), "--only", "AWS-EC2-001", "-o", base)
    assert done.returncode == 0, done.stderr
    data = json.load(open(base))
    assert len(data["findings"]) == 3 and all(len(e["config_hash"]) == 32 for e in data["findings"])
    scan = ("scan", str(tmp_path / "infra"), "--only", "AWS-EC2-001", "--baseline", base)
    assert cli(*scan).returncode == 0
    # b's relevant configuration changes (another world-open port): reported again; c is fixed; d is new
    write(tmp_path / "infra" / "main.tf", "\n\n" + sg("a", 22) + sg("b", 0).replace("to_port     = 0",
          "to_port     = 65535") + sg("c", 443, "10.0.0.0/8") + sg("d", 22))
    done = cli(*scan, "-f", "json")
    failing = sorted(r["address"] for r in json.loads(done.stdout)["results"] if r["status"] == "fail")
    assert failing == ["aws_security_group.b", "aws_security_group.d"]
    assert json.loads(done.stdout)["options"]["baseline"] == {"file": base, "hidden": 1, "changed": 1, "stale": 1}
    shown = cli("baseline", "show", base, str(tmp_path / "infra"), "--only", "AWS-EC2-001")
    assert "stale    AWS-EC2-001  aws_security_group.c" in shown.stdout
    assert "changed  AWS-EC2-001  aws_security_group.b" in shown.stdout
    assert "1 still hidden, 1 changed, 1 stale" in shown.stdout


# --- 9: plain UX ------------------------------------------------------------------------------

def test_help_rules_explain_and_colour(tmp_path):
    assert "Exit codes:" in cli("--help").stdout and "Exit codes:" in cli("scan", "--help").stdout
    rules = cli("rules")
    assert rules.stdout.splitlines()[0].split()[:3] == ["ID", "SEVERITY", "CONTROL"]
    assert "opt-in" in rules.stderr
    explained = cli("explain", "aws-ec2-001")
    assert explained.returncode == 0 and "How to fix:" in explained.stdout and "docs/rules.md#aws-ec2-001" in explained.stdout
    assert "did you mean" in cli("explain", "AWS-EC2-01").stderr
    write(tmp_path / "main.tf", sg("ssh", 22))
    assert "\033[" in cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "--color", "always").stdout
    assert "\033[" in cli("scan", "--color", str(tmp_path), "--only", "AWS-EC2-001").stdout
    assert "\033[" not in cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "--color", "never").stdout
    assert "\033[" not in cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "--no-color").stdout
    piped = cli("scan", str(tmp_path), "--only", "AWS-EC2-001")
    assert "\r" not in piped.stderr  # no progress line when not on a terminal
    assert "1 finding at or above --fail-on low" in piped.stdout


# --- the README's config and suppression examples, as written ---------------------------------

def _readme_block(lang: str, needle: str) -> str:
    import re

    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    blocks = [b for b in re.findall(rf"```{lang}\n(.*?)```", text, re.S) if needle in b]
    assert blocks, f"no {lang} block with {needle!r} in README"
    return blocks[0]


def _still_valid(text: str) -> str:
    """The README's dates are real dates; after they pass, the examples would (rightly) expire."""
    import datetime
    import re

    for date in set(re.findall(r"\d{4}-\d{2}-\d{2}", text)):
        if datetime.date.fromisoformat(date) < datetime.date.today():
            text = text.replace(date, "2999-12-31")
    return text


def test_readme_config_and_suppression_examples_work(tmp_path):
    config = _still_valid(_readme_block("yaml", "exceptions:"))
    write(tmp_path / ".tfattest.yaml", config)
    (tmp_path / "policies").mkdir()
    inline = _still_valid(_readme_block("hcl", "tfattest:ignore")).replace("{ ... }", "{\n  bucket = \"site\"\n}")
    write(tmp_path / "web" / "main.tf", 'module "site" {\n  source = "../modules/site"\n}\n')
    write(tmp_path / "modules" / "site" / "main.tf", 'resource "aws_s3_bucket" "this" {\n  bucket = "w"\n}\n')
    write(tmp_path / "app" / "main.tf", inline)
    done = cli("scan", str(tmp_path), "--only", "AWS-S3-002", "-f", "json", "--fail-on", "low", cwd=str(tmp_path))
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr
    report = json.loads(done.stdout)
    assert not [p for p in report["problems"] if p["kind"] == "config-error"]
    by_address = {r["address"]: r for r in report["results"] if r["rule_id"] == "AWS-S3-002"}
    assert by_address["aws_s3_bucket.site"]["status"] == "suppressed"
    assert by_address["aws_s3_bucket.site"]["suppression"]["kind"] == "inline"


# --- 7: findings a person can act on ----------------------------------------------------------

def test_module_reached_from_many_roots_is_one_finding_with_callers(tmp_path):
    write(tmp_path / "modules" / "sg" / "main.tf", sg("this", 22) + 'module "vpc" {\n  source = "acme/nothere/aws"\n}\n')
    for i in range(7):
        write(tmp_path / "examples" / f"e{i}" / "main.tf", 'module "sg" {\n  source = "../../modules/sg"\n}\n')
    done = cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "-f", "json")
    failing = [r for r in json.loads(done.stdout)["results"] if r["status"] == "fail"]
    assert len(failing) == 1
    assert failing[0]["callers"] == [f"examples/e{i}" for i in range(7)]
    assert done.stderr.count("acme/nothere/aws") == 1  # a missing module: one warning per source
    text = cli("scan", str(tmp_path), "--only", "AWS-EC2-001").stdout
    assert text.count("CRITICAL AWS-EC2-001") == 1 and "via examples/e0, examples/e1" in text


def test_finding_points_at_the_offending_ingress_block(tmp_path):
    body = sg("multi", 443).rstrip().rstrip("}")
    for port in (80, 22):
        body += f'''  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
'''
    write(tmp_path / "main.tf", body + "}\n")
    lines = (body + "}\n").splitlines()
    ssh_block = [i for i, line in enumerate(lines, start=1) if "from_port   = 22" in line][0] - 1
    report = json.loads(cli("scan", str(tmp_path), "--only", "AWS-EC2-001", "-f", "json").stdout)
    region = report["results"][0]["region"]
    assert ssh_block <= region["start_line"] <= ssh_block + 5, (region, ssh_block)


def _scan_on_terminal(tmp_path, *extra):
    """stderr on a pseudo-terminal (as in an interactive shell), stdout piped."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", str(tmp_path), "--only", "AWS-EC2-001",
                                *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=slave,
                               env={**os.environ, "PYTHONPATH": ROOT, "TFATTEST_PROGRESS_DELAY": "0"})
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_progress_line_on_a_terminal_only(tmp_path):
    write(tmp_path / "a" / "main.tf", sg("a", 443, "10.0.0.0/8"))
    write(tmp_path / "b" / "main.tf", sg("b", 443, "10.0.0.0/8"))
    assert "root modules evaluated" in _scan_on_terminal(tmp_path)
    assert "root modules evaluated" not in _scan_on_terminal(tmp_path, "--quiet")


@needs_git
def test_plan_against_the_base_revision_sources(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from plan_from_hcl import plan_document

    repo = tmp_path / "repo"
    write(repo / "infra" / "main.tf", sg("old", 22))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    write(repo / "infra" / "main.tf", sg("old", 22) + sg("new", 3389))
    write(tmp_path / "plan.json", json.dumps(plan_document(str(repo / "infra"))))
    done = cli("scan", "--plan", str(tmp_path / "plan.json"), "infra", "--diff-base", "HEAD", "--only", "AWS-EC2-001",
               "-f", "json", cwd=str(repo))
    report = json.loads(done.stdout)
    assert [r["address"] for r in report["results"] if r["status"] == "fail"] == ["aws_security_group.new"], done.stderr


def test_config_selector_errors_point_at_their_line(tmp_path):
    write(tmp_path / "main.tf", sg("ok", 443, "10.0.0.0/8"))
    write(tmp_path / ".tfattest.yaml", "fail_on: high\nskip:\n  - AWS-EC2-001\n  - AWS-NOPE-001\n")
    done = cli("scan", str(tmp_path), "-q")
    assert done.returncode == 3 and ".tfattest.yaml:4:" in done.stdout, done.stdout
