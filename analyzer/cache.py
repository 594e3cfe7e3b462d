"""tfattest's on-disk caches: where they live, what invalidates them, how entries are written.

Every entry is a pickle written atomically (temporary file + ``os.replace``) under the cache
directory, never inside the scanned tree. Keys include ``tool_fingerprint()`` (the version and
the size + mtime of every file of the installed package, so any code, rule-schema or data
change invalidates everything) and whatever else decides the entry's content. A corrupt,
truncated or foreign entry loads as None: the caller recomputes; a cache never changes an
answer. ``TFATTEST_CACHE_DIR`` sets the location, ``TFATTEST_NO_CACHE=1`` disables caching
(the CLI's ``--cache-dir`` / ``--no-cache`` set these for the whole process and its workers).

This module imports nothing heavy: ``tfattest rules`` and ``--version`` stay fast.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass


PACKAGE = os.path.dirname(os.path.abspath(__file__))
CACHE_FORMAT = b"tfattest-cache-3"
MAX_ENTRY_BYTES = 512 * 1024 * 1024  # an entry larger than this is not written (bounded size)


def cache_directory() -> str | None:
    """The cache root, or None when caching is disabled."""
    if os.environ.get("TFATTEST_NO_CACHE"):
        return None
    return os.environ.get("TFATTEST_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "tfattest")


_FINGERPRINT: list = []


def tool_fingerprint() -> str:
    """Changes whenever any file of the analyzer package (code, data, schema) changes."""
    if not _FINGERPRINT:
        from analyzer import __version__

        digest = hashlib.sha256(CACHE_FORMAT + __version__.encode())
        for current, dirs, files in os.walk(PACKAGE):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".tmp")):
                    continue
                path = os.path.join(current, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{os.path.relpath(path, PACKAGE)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]


def key_of(*parts) -> str:
    """A cache key from strings/bytes/reprs of plain data."""
    digest = hashlib.sha256(tool_fingerprint().encode())
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def entry_path(kind: str, key: str) -> str | None:
    base = cache_directory()
    return None if base is None else os.path.join(base, kind, key[:2], key + ".pickle")


def load(kind: str, key: str):
    """The entry stored under ``key``, or None (absent, disabled, corrupt or from another version)."""
    path = entry_path(kind, key)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            stored_key, value = pickle.load(handle)  # noqa: S301 - our own cache, outside the scanned tree
    except Exception:  # noqa: BLE001 - any unreadable entry is a miss, never an error
        return None
    return value if stored_key == key else None


def store(kind: str, key: str, value) -> None:
    """Write atomically; a read-only or full disk only costs speed."""
    path = entry_path(kind, key)
    if path is None:
        return
    try:
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > MAX_ENTRY_BYTES:
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        pass


MAX_ENTRIES = 32  # per kind of whole-scan entry ("scans"): the oldest beyond this are removed


def prune(kind: str, keep: int = MAX_ENTRIES) -> None:
    """Bounded size: keep the ``keep`` most recently written entries of ``kind``."""
    base = cache_directory()
    if base is None:
        return
    entries = []
    for current, _, files in os.walk(os.path.join(base, kind)):
        for name in files:
            path = os.path.join(current, name)
            try:
                entries.append((os.stat(path).st_mtime_ns, path))
            except OSError:
                continue
    for _, path in sorted(entries, reverse=True)[keep:]:
        try:
            os.remove(path)
        except OSError:
            pass


# --- the validated RuleSet ---------------------------------------------------------------

def _rule_files(directory: str) -> list:
    found = []
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(current, f) for f in sorted(files) if f.endswith((".yaml", ".yml")))
    return found


def rules_digest(directories) -> bytes:
    """sha256 over every rule file's path and content (what loader.load_ruleset hashes, plus
    the absolute directory, since Rule.source_path is absolute)."""
    digest = hashlib.sha256()
    for directory in directories:
        digest.update(os.path.abspath(directory).encode() + b"\0")
        if not os.path.isdir(directory):
            continue
        for path in _rule_files(directory):
            digest.update(path.encode() + b"\0")
            try:
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
            except OSError:
                digest.update(b"unreadable")
    return digest.digest()


def cached_ruleset(directories):
    """``loader.load_ruleset(directories)``, reloaded from the cache when no rule file and no
    code changed: loading and validating ~600 rules (YAML, JSON Schema, provider schemas)
    costs about a second, the cached RuleSet ~10 ms."""
    directories = list(directories)
    key = key_of("ruleset", rules_digest(directories))
    stored = load("rules", key)
    if stored is not None:
        return LoadedRuleSet(*stored)
    from analyzer.rules.loader import load_ruleset

    ruleset = load_ruleset(directories)
    # Stored as plain tuples: unpickling loader.RuleSet would import the loader and, through
    # the predicates, networkx (~0.2 s) just to list rules.
    store("rules", key, (ruleset.rules, ruleset.problems, ruleset.digest))
    return ruleset


@dataclass(frozen=True)
class LoadedRuleSet:
    """A RuleSet read from the cache: the same fields as loader.RuleSet."""

    rules: tuple
    problems: tuple
    digest: str
