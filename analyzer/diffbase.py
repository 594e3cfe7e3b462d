"""PR mode (``--diff-base REF``) and baselines: which findings are new.

The base revision is read from git objects into a temporary directory (``git ls-tree`` and
``git cat-file --batch``); the user's work tree, index and HEAD are never touched, no hook or
fsmonitor runs (``-c core.fsmonitor=false -c core.hooksPath=/dev/null``), and git is run only to
read objects. Matching is by fingerprint (rule + file + address), then, for what is left, by
rule + address alone, so a finding survives line moves and a file rename with the same address.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace

from analyzer.report.summary import fingerprint

GIT_SAFE = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never",
            "--no-pager"]
# Only what a scan reads; the config and rules of the working tree apply to both scans.
SOURCE_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
FINDING = ("fail", "unknown")


class GitError(Exception):
    pass


def _git(args, cwd, stdin: bytes | None = None) -> bytes:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        done = subprocess.run(GIT_SAFE + list(args), cwd=cwd, input=stdin, capture_output=True, env=env,
                              timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise GitError(f"cannot run git: {err}") from err
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout


def repo_root(path: str) -> str:
    start = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path)) or "."
    return _git(["rev-parse", "--show-toplevel"], start).decode().strip()


@contextmanager
def base_tree(ref: str, start: str = "."):
    """(repository top, temporary directory holding REF's Terraform sources and configs)."""
    top = repo_root(start)
    commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top).decode().strip()
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit], top).split(b"\0")
    entries = []
    for line in listing:
        if not line:
            continue
        meta, _, name = line.partition(b"\t")
        mode, kind, sha = meta.split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode != b"120000" and path.endswith(SOURCE_SUFFIXES):
            entries.append((sha.decode(), path))
    with tempfile.TemporaryDirectory(prefix="tfattest-base-") as tmp:
        if entries:
            data = _git(["cat-file", "--batch"], top, stdin=b"".join(f"{sha}\n".encode() for sha, _ in entries))
            offset = 0
            for _sha, path in entries:
                header_end = data.index(b"\n", offset)
                size = int(data[offset:header_end].split()[2])
                body = data[header_end + 1:header_end + 1 + size]
                offset = header_end + 1 + size + 1
                target = os.path.join(tmp, *path.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(body)
        yield top, tmp, commit


def map_into(path: str, top: str, tmp: str) -> str:
    """``path`` (in the work tree) as the same path inside the base tree."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, top)
    if relative.startswith(".."):
        return path  # outside the repository (a shared var file): the same file for both scans
    return os.path.join(tmp, relative) if relative != "." else tmp


@contextmanager
def working_directory(path: str):
    previous = os.getcwd()
    os.makedirs(path, exist_ok=True)
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def findings(report) -> list:
    return [r for r in report.results if r.status in FINDING]


def match(current, previous) -> tuple[list, list, list]:
    """(new, fixed, unchanged) findings: by fingerprint, then by rule + address for the rest."""
    by_print = defaultdict(list)
    for result in previous:
        by_print[(fingerprint(result), result.status)].append(result)
    new, unchanged, left = [], [], []
    for result in current:
        bucket = by_print.get((fingerprint(result), result.status))
        if bucket:
            unchanged.append(bucket.pop())
        else:
            left.append(result)
    by_address = defaultdict(list)
    for results in by_print.values():
        for result in results:
            by_address[(result.rule_id, result.address, result.status)].append(result)
    for result in left:
        bucket = by_address.get((result.rule_id, result.address, result.status))
        if bucket:
            unchanged.append(bucket.pop())
        else:
            new.append(result)
    fixed = [r for results in by_address.values() for r in results]
    return new, fixed, unchanged


def _brief(result) -> dict:
    return {"rule_id": result.rule_id, "address": result.address, "path": result.location.path,
            "line": result.region.start_line, "status": result.status, "fingerprint": fingerprint(result),
            "message": result.message}


def apply_diff(report, base_report, base_name: str):
    """The report with only new findings (passes etc. kept); fixed and unchanged in options['diff']."""
    new, fixed, unchanged = match(findings(report), findings(base_report))
    keep = {id(r) for r in new}
    results = tuple(r for r in report.results if r.status not in FINDING or id(r) in keep)
    diff = {"base": base_name, "new": len(new), "fixed": len(fixed), "unchanged": len(unchanged),
            "fixed_findings": [_brief(r) for r in fixed]}
    return replace(report, results=results, options={**report.options, "diff": diff})
