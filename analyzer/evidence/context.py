"""Who, what and when of a scan: from the GitHub Actions environment, else from the git
metadata on disk. Git is never run: a repository's own config can make git execute programs
(core.fsmonitor, hooks), and tfattest never executes anything from the scanned repository."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ChangeContext:
    repository: str | None = None
    commit: str | None = None
    base: str | None = None
    branch: str | None = None
    pull_request: int | None = None
    actor: str | None = None
    run_url: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def from_environment(environ, source_root: str) -> ChangeContext:
    """GitHub Actions variables when present (a pull_request event gives the PR number and the
    base SHA), else what .git on disk says (HEAD commit and branch)."""
    event = _event(environ.get("GITHUB_EVENT_PATH"))
    pull = event.get("pull_request") or {}
    git_commit, git_branch = read_git_head(source_root)
    repository = environ.get("GITHUB_REPOSITORY")
    run_url = None
    if repository and environ.get("GITHUB_RUN_ID"):
        server = environ.get("GITHUB_SERVER_URL", "https://github.com")
        run_url = f"{server}/{repository}/actions/runs/{environ['GITHUB_RUN_ID']}"
    return ChangeContext(
        repository=repository or _remote_name(source_root),
        commit=(pull.get("head") or {}).get("sha") or environ.get("GITHUB_SHA") or git_commit,
        base=(pull.get("base") or {}).get("sha") or environ.get("TFATTEST_BASE_SHA"),
        branch=environ.get("GITHUB_HEAD_REF") or environ.get("GITHUB_REF_NAME") or git_branch,
        pull_request=pull.get("number") if isinstance(pull.get("number"), int) else None,
        actor=environ.get("GITHUB_ACTOR") or environ.get("USER"),
        run_url=run_url,
    )


def _event(path) -> dict:
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _git_dir(start: str) -> str | None:
    current = os.path.abspath(start)
    while True:
        candidate = os.path.join(current, ".git")
        if os.path.isdir(candidate):
            return candidate
        if os.path.isfile(candidate):  # a worktree or submodule: "gitdir: <path>"
            try:
                with open(candidate, encoding="utf-8") as handle:
                    text = handle.read().strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                return os.path.normpath(os.path.join(current, text[len("gitdir:"):].strip()))
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def read_git_head(start: str) -> tuple[str | None, str | None]:
    """(commit sha, branch) of HEAD, read from .git files; (None, None) when not a repository."""
    git_dir = _git_dir(start)
    if git_dir is None:
        return None, None
    head = _read(os.path.join(git_dir, "HEAD"))
    if head is None:
        return None, None
    if not head.startswith("ref:"):
        return head or None, None
    ref = head[len("ref:"):].strip()
    branch = ref[len("refs/heads/"):] if ref.startswith("refs/heads/") else ref
    common = _read(os.path.join(git_dir, "commondir"))
    roots = [git_dir] + ([os.path.normpath(os.path.join(git_dir, common))] if common else [])
    for root in roots:
        sha = _read(os.path.join(root, *ref.split("/")))
        if sha:
            return sha, branch
        packed = _read(os.path.join(root, "packed-refs"))
        for line in (packed or "").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref:
                return parts[0], branch
    return None, branch


def _remote_name(start: str) -> str | None:
    """owner/name from the origin URL in .git/config (read as text, never through git)."""
    git_dir = _git_dir(start)
    config = _read(os.path.join(git_dir, "config")) if git_dir else None
    in_origin = False
    for line in (config or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_origin = stripped.replace(" ", "") in ('[remote"origin"]',)
        elif in_origin and stripped.startswith("url"):
            url = stripped.split("=", 1)[1].strip()
            tail = url.rstrip("/").removesuffix(".git").replace(":", "/").split("/")
            return "/".join(tail[-2:]) if len(tail) >= 2 else url
    return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except (OSError, UnicodeDecodeError):
        return None
