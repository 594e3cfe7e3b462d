"""The pre-commit hook, run for real with `pre-commit try-repo` against a temporary git repo.

The default test uses a test-only copy of .pre-commit-hooks.yaml with ``language: system``
(this checkout's Python, no install, no network); everything else — which files pre-commit
passes, staging, exit codes — is pre-commit's own. The real ``language: python`` hook
(pre-commit pip-installs this checkout) runs in CI or with TFATTEST_TEST_PRECOMMIT_INSTALL=1.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRE_COMMIT = shutil.which("pre-commit") or os.path.join(os.path.dirname(sys.executable), "pre-commit")
pytestmark = pytest.mark.skipif(not os.path.exists(PRE_COMMIT) or shutil.which("git") is None,
                                reason="pre-commit (test extra) or git is not installed")

ROOT_TF = """module "sg" {
  source = "./modules/sg"
  cidr   = var.cidr
}
variable "cidr" {
  default = "0.0.0.0/0"
}
"""
SG_TF = """variable "cidr" {}
resource "aws_security_group" "this" {
  name = "web"
  ingress {
    from_port   = PORT
    to_port     = PORT
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}


def _git(cwd, *args):
    subprocess.run(["git", "-c", "core.hooksPath=/dev/null", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


@pytest.fixture
def hook_repo(tmp_path):
    """A test-only hook repository: the real hook definition, run with this checkout's Python."""
    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        hooks = yaml.safe_load(handle)
    assert hooks[0]["entry"] == "tfattest precommit" and hooks[0]["pass_filenames"]
    hooks[0]["language"] = "system"
    hooks[0]["entry"] = f"{sys.executable} -m analyzer precommit"
    repo = tmp_path / "hooks"
    _write(str(repo / ".pre-commit-hooks.yaml"), yaml.safe_dump(hooks))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "hooks")
    return str(repo)


@pytest.fixture
def project(tmp_path):
    repo = tmp_path / "project"
    _write(str(repo / "stack" / "main.tf"), ROOT_TF.replace('"0.0.0.0/0"', '"10.0.0.0/8"'))
    _write(str(repo / "stack" / "modules" / "sg" / "main.tf"), SG_TF.replace("PORT", "443"))
    _write(str(repo / "stack" / "terraform.tfvars"), 'cidr = "0.0.0.0/0"\n')
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    return str(repo)


def _try_repo(hook_repo, project):
    env = {**os.environ, "PYTHONPATH": ROOT, "PRE_COMMIT_HOME": os.path.join(os.path.dirname(project), "pc-home"),
           "NO_COLOR": "1", **GIT_ENV}
    done = subprocess.run([PRE_COMMIT, "try-repo", hook_repo, "tfattest", "--color", "never"], cwd=project,
                          capture_output=True, text=True, env=env, timeout=600)
    return done.returncode, done.stdout + done.stderr


def test_child_module_change_is_scanned_through_its_root(hook_repo, project):
    sg = os.path.join(project, "stack", "modules", "sg", "main.tf")
    _write(sg, SG_TF.replace("PORT", "22"))
    _git(project, "add", "-A")
    code, out = _try_repo(hook_repo, project)
    assert code != 0, out
    assert "AWS-EC2-001" in out and "stack/modules/sg/main.tf" in out, out
    assert "module.sg.aws_security_group.this" in out
    # the fix makes it pass
    _write(sg, SG_TF.replace("PORT", "443"))
    _git(project, "add", "-A")
    code, out = _try_repo(hook_repo, project)
    assert code == 0, out


def test_root_change_and_tfvars_change(hook_repo, project):
    main = os.path.join(project, "stack", "main.tf")
    _write(main, ROOT_TF.replace('"0.0.0.0/0"', '"10.0.0.0/8"') + """resource "aws_security_group" "rdp" {
  name = "rdp"
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
""")
    _git(project, "add", "-A")
    code, out = _try_repo(hook_repo, project)
    assert code != 0 and "aws_security_group.rdp" in out and "stack/main.tf" in out, out
    _git(project, "reset", "-q", "--hard")
    # the tfvars file makes the child module's port 22 world-open: found through the root
    _write(os.path.join(project, "stack", "modules", "sg", "main.tf"), SG_TF.replace("PORT", "22"))
    _write(os.path.join(project, "stack", "terraform.tfvars"), 'cidr = "10.0.0.0/8"\n')
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "ssh from the office only")
    _write(os.path.join(project, "stack", "terraform.tfvars"), 'cidr = "0.0.0.0/0"\n')
    _git(project, "add", "stack/terraform.tfvars")
    code, out = _try_repo(hook_repo, project)
    assert code != 0 and "AWS-EC2-001" in out and "module.sg.aws_security_group.this" in out, out


@pytest.mark.skipif(not (os.environ.get("CI") or os.environ.get("TFATTEST_TEST_PRECOMMIT_INSTALL")),
                    reason="installs this checkout into a pre-commit venv (~30 s, needs the package index): "
                           "runs in CI or with TFATTEST_TEST_PRECOMMIT_INSTALL=1")
def test_real_hook_definition_installs_and_runs(project):
    if not os.path.isdir(os.path.join(ROOT, ".git")) and not os.path.isfile(os.path.join(ROOT, ".git")):
        pytest.skip("this checkout is not a git repository: pre-commit try-repo needs one")
    _write(os.path.join(project, "stack", "modules", "sg", "main.tf"), SG_TF.replace("PORT", "22"))
    _git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": os.path.join(os.path.dirname(project), "pc-home"), **GIT_ENV}
    done = subprocess.run([PRE_COMMIT, "try-repo", ROOT, "tfattest", "--color", "never"], cwd=project,
                          capture_output=True, text=True, env=env, timeout=900)
    out = done.stdout + done.stderr
    if "Installing environment" in out and done.returncode not in (0, 1):
        pytest.skip(f"pre-commit could not install the hook environment (offline?): {out[-300:]}")
    assert done.returncode == 1 and "AWS-EC2-001" in out, out
