"""Incremental scans: evaluated root modules reused while nothing they read has changed.

A scan keeps one index entry (analyzer/cache.py) per invocation shape (the scanned paths,
source root, options, limits, TF_VAR_* environment, the ruleset digest and the selected rules;
the tool fingerprint is part of every key). The index holds:

- for every Terraform file of the scan, its sha256 and a ``FileSummary`` (parse problems,
  inline suppressions, the local modules it calls): what the scan needs of a file it does not
  evaluate again, so an unchanged tree is hashed, never parsed or unpickled file by file;
- for every root module, a ``RootEntry``: what its evaluation read (each file's sha256, each
  directory's listing, a missing file or directory as None: creating it invalidates too) and
  what came out of it (resources, reference edges, results, problems) as plain data.

A root is reused only when every recorded dependency is unchanged; one changed file
re-evaluates only the roots that read it. Roots are evaluated with a fresh Project each, so a
root's entry never depends on which other roots ran in the same scan: cached, uncached,
parallel and serial scans produce the same Report (tests/test_scan_cache.py).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from analyzer import cache as store
from analyzer.model import ParsedFile

INDEX_KIND = "scans"


@dataclass(frozen=True)
class FileSummary:
    path: str
    sha256: str
    problems: tuple
    suppressions: tuple
    targets: tuple  # normalised directories of local modules (source = "./..", "../..") it calls


@dataclass(frozen=True)
class ScopeData:
    """An EvaluatedScope as plain data (the graph as its edge list), for the cache and workers."""

    name: str
    anchor: object
    resources: tuple
    edges: tuple
    results: tuple
    problems: tuple
    project_problems: tuple


@dataclass(frozen=True)
class RootEntry:
    files: dict  # path -> sha256 (None: missing) of every file the evaluation read
    directories: dict  # directory -> sorted listing (None: missing)
    summaries: tuple  # FileSummary of every Terraform file the evaluation parsed
    scope: ScopeData


def summarize(parsed: ParsedFile) -> FileSummary:
    from analyzer import expr as E

    directory = os.path.dirname(parsed.path)
    targets = []
    for block in parsed.blocks:
        source = block.attributes.get("source") if block.type == "module" else None
        if source and isinstance(source.expr, E.Literal) and isinstance(source.expr.value, str) \
                and source.expr.value.startswith(("./", "../")):
            targets.append(os.path.normpath(os.path.join(directory, source.expr.value)))
    return FileSummary(parsed.path, parsed.sha256, tuple(parsed.problems), tuple(parsed.suppressions),
                       tuple(targets))


def file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def listing(directory: str):
    try:
        return tuple(sorted(os.listdir(directory)))
    except OSError:
        return None


class RecordingCache:
    """The scan's ParseCache as seen by one root's evaluation, noting everything it reads."""

    def __init__(self, inner):
        self.inner = inner
        self.parsed: dict = {}
        self.directories: dict = {}
        self.reads: dict = {}

    def file(self, path: str) -> ParsedFile:
        parsed = self.inner.file(path)
        self.parsed[os.path.normpath(path)] = parsed
        return parsed

    def directory(self, directory: str) -> list:
        self.directories[os.path.normpath(directory)] = listing(directory)
        files = self.inner.directory(directory)
        for parsed in files:
            self.parsed[os.path.normpath(parsed.path)] = parsed
        return files

    def note_read(self, path: str) -> None:
        """file()/templatefile()/fileexists() inputs, hashed when read (None: missing)."""
        self.reads[path] = file_digest(path)

    def __getattr__(self, name):  # prefetch, all_files, workers ...: the shared cache's
        return getattr(self.inner, name)


class Session:
    """One scan's view of the index: current digests (memoised), reusable roots, new entries."""

    def __init__(self, parse_cache, key_parts: tuple):
        self.parse_cache = parse_cache
        self.key = store.key_of("scan-index", *key_parts) if store.cache_directory() else None
        stored = store.load(INDEX_KIND, self.key) if self.key else None
        valid = isinstance(stored, dict) and isinstance(stored.get("files"), dict) \
            and isinstance(stored.get("roots"), dict)
        self.old_files: dict = stored["files"] if valid else {}
        self.old_roots: dict = stored["roots"] if valid else {}
        self.summaries: dict = {}  # path -> FileSummary of this scan's files
        self.roots: dict = {}  # root -> RootEntry of this scan
        self._digests: dict = {}
        self._listings: dict = {}
        self.reused = 0

    # --- what is on disk now ---------------------------------------------------------
    def digest(self, path: str):
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]

    def listing(self, directory: str):
        if directory not in self._listings:
            self._listings[directory] = listing(directory)
        return self._listings[directory]

    # --- files -----------------------------------------------------------------------
    def prefetch(self, paths) -> None:
        """Summaries of ``paths``: from the index when the content hash matches, else parsed."""
        misses = []
        for path in sorted({os.path.normpath(p) for p in paths} - set(self.summaries)):
            old = self.old_files.get(path)
            if old is not None and old.sha256 and old.sha256 == self.digest(path):
                self.summaries[path] = old
            else:
                misses.append(path)
        if misses:
            self.parse_cache.prefetch(misses)
            for path in misses:
                self.summaries[path] = summarize(self.parse_cache.file(path))

    def targets(self, directory: str) -> set:
        from analyzer.load.files import terraform_files_in

        paths = [os.path.normpath(p) for p in terraform_files_in(directory)]
        self.prefetch(paths)
        return {target for path in paths for target in self.summaries[path].targets}

    # --- roots -----------------------------------------------------------------------
    def reusable(self, root: str):
        entry = self.old_roots.get(root)
        if not isinstance(entry, RootEntry):
            return None
        if any(self.digest(path) != sha for path, sha in entry.files.items()):
            return None
        if any(self.listing(directory) != names for directory, names in entry.directories.items()):
            return None
        return entry

    def add(self, root: str, entry: RootEntry, reused: bool) -> None:
        self.roots[root] = entry
        self.reused += reused
        for summary in entry.summaries:
            self.summaries.setdefault(os.path.normpath(summary.path), summary)

    def all_summaries(self) -> list:
        return [self.summaries[path] for path in sorted(self.summaries)]

    def save(self) -> None:
        if self.key is None:
            return
        if self.reused == len(self.roots) and set(self.old_files) == set(self.summaries) \
                and all(self.old_files[p] == self.summaries[p] for p in self.summaries):
            return  # nothing changed: no rewrite
        store.store(INDEX_KIND, self.key, {"files": dict(self.summaries), "roots": dict(self.roots)})
        store.prune(INDEX_KIND)


def record_entry(recording: RecordingCache, root: str, extra_files, scope: ScopeData) -> RootEntry:
    """What one root's evaluation read, with the digests of the content it actually used."""
    files = {os.path.normpath(p): parsed.sha256 or None for p, parsed in recording.parsed.items()}
    files.update(recording.reads)
    for path in extra_files:  # tfvars, -var-file, the modules manifest: read outside the cache
        files.setdefault(os.path.normpath(path), file_digest(path))
    summaries = tuple(summarize(recording.parsed[p]) for p in sorted(recording.parsed))
    return RootEntry(files, dict(recording.directories), summaries, scope)


# --- evaluating roots: cached, serial or in worker processes ---------------------------

PARALLEL_MIN_ROOTS = 6  # below this, starting worker processes costs more than it saves
_JOB: dict = {}  # set before the pool forks: workers inherit it (fork only, see evaluate_roots)


def _evaluate(root: str) -> RootEntry:
    from analyzer.evaluate.module import Project
    from analyzer.load.files import tfvars_files

    job = _JOB
    recording = RecordingCache(job["parse_cache"])
    project = Project(recording, job["source_root"])
    scope = job["evaluate"](root, project)
    extra = list(tfvars_files(root)) + [os.path.abspath(p) for p in job["var_files"]] + [
        os.path.join(root, ".terraform", "modules", "modules.json")]
    return record_entry(recording, root, extra, scope)


def evaluate_roots(session: Session, roots: list, evaluate, source_root: str, var_files, workers: int) -> list:
    """ScopeData per root, in ``roots`` order: reused when unchanged, else evaluated (``evaluate(root,
    project) -> ScopeData``), the misses over ``workers`` processes, largest root first."""
    misses = []
    for root in roots:
        entry = session.reusable(root)
        if entry is not None:
            session.add(root, entry, reused=True)
        else:
            misses.append(root)
    _JOB.update(parse_cache=session.parse_cache, source_root=source_root, evaluate=evaluate, var_files=var_files)
    try:
        import multiprocessing

        if workers > 1 and len(misses) >= PARALLEL_MIN_ROOTS and "fork" in multiprocessing.get_all_start_methods():
            from analyzer.parallel import run_parallel

            ordered = sorted(misses, key=lambda r: (-_size(r, session), r))
            entries = dict(zip(ordered, run_parallel(_evaluate, ordered, workers)))
        else:
            entries = {root: _evaluate(root) for root in misses}
    finally:
        _JOB.clear()
    for root in misses:
        session.add(root, entries[root], reused=False)
    return [session.roots[root].scope for root in roots]


def _size(root: str, session: Session) -> int:
    """Work estimate: bytes of the root's own files and of the local modules it calls."""
    from analyzer.load.files import terraform_files_in

    total, seen, todo = 0, set(), [root]
    while todo:
        directory = todo.pop()
        if directory in seen:
            continue
        seen.add(directory)
        for path in terraform_files_in(directory):
            try:
                total += os.path.getsize(path)
            except OSError:
                pass
            summary = session.summaries.get(os.path.normpath(path))
            todo.extend(summary.targets if summary else ())
    return total
