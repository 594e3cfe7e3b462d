"""Find Terraform files and root modules, read them safely, parse each file once.

Nothing from the scanned tree is executed; files are read as bytes, hashed (for the
evidence trail) and decoded as UTF-8. Hidden directories and ``.terraform/`` are skipped
during discovery; ``.terraform/modules/modules.json`` is read only to locate modules that
``terraform init`` already downloaded.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle

from analyzer.load.hcl import parse_blocks
from analyzer.load.tfjson import parse_json_blocks
from analyzer.model import ParsedFile, Problem
from analyzer.load.comments import parse_suppressions

TF_SUFFIXES = (".tf", ".tf.json")
MAX_FILE_BYTES = 20 * 1024 * 1024


def is_terraform_file(name: str) -> bool:
    return name.endswith(TF_SUFFIXES)


def is_override_file(path: str) -> bool:
    """override.tf, *_override.tf (and .tf.json): Terraform merges them into the other files' blocks."""
    name = os.path.basename(path)
    stem = name[: -len(".tf.json")] if name.endswith(".tf.json") else name[: -len(".tf")]
    return stem == "override" or stem.endswith("_override")


def parse_file(path: str) -> ParsedFile:
    """One file -> ParsedFile. Never raises for bad content: problems are values."""
    data, cached, hit = read_cached(path)
    if hit is not None:
        return hit
    if isinstance(data, ParsedFile):
        return data
    parsed = parse_bytes(path, data)
    if cached is not None:
        _store(cached, parsed)
    return parsed


def read_cached(path: str):
    """(bytes or a read-error ParsedFile, cache entry path, cached ParsedFile or None)."""
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return ParsedFile(path, "", (), (Problem(path, 1, "file too large to analyze", "read-error"),)), None, None
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        return ParsedFile(path, "", (), (Problem(path, 1, f"cannot read file: {err.strerror}", "read-error"),)), None, None
    cached = _cache_path(path, data)
    if cached is not None:
        try:
            with open(cached, "rb") as handle:
                return data, cached, pickle.load(handle)  # noqa: S301 - our own cache, outside the scanned tree
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            pass
    return data, cached, None


def cache_directory() -> str | None:
    """Where parse results are kept between runs, keyed by content; None when disabled.

    ``TFATTEST_CACHE_DIR`` overrides the location; ``TFATTEST_NO_CACHE=1`` disables it.
    The cache lives in the user's cache directory, never in the scanned repository.
    """
    if os.environ.get("TFATTEST_NO_CACHE"):
        return None
    base = os.environ.get("TFATTEST_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "tfattest")
    return base


_FINGERPRINT: list = []


def _parser_fingerprint() -> bytes:
    """Changes whenever the code that produces a ParsedFile changes, so stale entries never match."""
    if not _FINGERPRINT:
        from analyzer import __version__

        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        from analyzer.limits import MAX_EXPRESSION_DEPTH

        digest = hashlib.sha256(f"{__version__} {MAX_EXPRESSION_DEPTH}".encode())
        for name in ("load/hcl.py", "load/tfjson.py", "load/template.py", "load/files.py", "load/comments.py",
                     "expr.py", "model.py"):
            try:
                with open(os.path.join(package, name), "rb") as handle:
                    digest.update(handle.read())
            except OSError:
                digest.update(name.encode())
        _FINGERPRINT.append(digest.hexdigest().encode())
    return _FINGERPRINT[0]


def _cache_path(path: str, data: bytes) -> str | None:
    base = cache_directory()
    if base is None:
        return None
    key = hashlib.sha256(b"\0".join([_parser_fingerprint(), os.path.abspath(path).encode(), data])).hexdigest()
    return os.path.join(base, "parse", key[:2], key + ".pickle")


def _store(target: str, parsed: ParsedFile) -> None:
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        temporary = f"{target}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump(parsed, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError:
        pass  # a read-only home directory only costs speed


def parse_bytes(path: str, data: bytes) -> ParsedFile:
    digest = hashlib.sha256(data).hexdigest()
    if b"\x00" in data:
        return ParsedFile(path, digest, (), (Problem(path, 1, "binary file, not Terraform", "read-error"),))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return ParsedFile(path, digest, (), (Problem(path, line, "file is not valid UTF-8", "read-error"),))
    # Windows checkouts: the grammar only knows "\n"; line numbers are unchanged.
    text = text.replace("\r\n", "\n")
    too_deep = nesting_problem(text, path)
    if too_deep is not None:
        return ParsedFile(path, digest, (), (too_deep,), parse_suppressions(text, path))
    if path.endswith(".json"):
        blocks, problems = parse_json_blocks(text, path)
    else:
        blocks, problems = parse_blocks(text, path)
    return ParsedFile(path, digest, blocks, problems, parse_suppressions(text, path))


def nesting_problem(text: str, path: str) -> Problem | None:
    """A file nested deeper than limits.MAX_EXPRESSION_DEPTH brackets is not parsed (the parser
    and evaluator recurse per level): a limit-exceeded Problem at the line where the cap is
    crossed. Brackets inside strings, comments and heredoc bodies do not count."""
    from analyzer.limits import MAX_EXPRESSION_DEPTH
    from analyzer.load.brackets import first_too_deep

    line = first_too_deep(text, MAX_EXPRESSION_DEPTH)
    if line is None:
        return None
    return Problem(path, line, f"brackets nested more than {MAX_EXPRESSION_DEPTH} levels deep "
                               "(TFATTEST_MAX_EXPRESSION_DEPTH); the file is not analyzed", "limit-exceeded")


def terraform_files_in(directory: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names
            if is_terraform_file(n) and not n.startswith(".") and os.path.isfile(os.path.join(directory, n))]


def module_directories(path: str) -> list[str]:
    """Every directory under ``path`` holding Terraform files (hidden and .terraform skipped)."""
    if os.path.isfile(path):
        return [os.path.dirname(path) or "."]
    found = []
    for current, dirs, files in os.walk(path, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        if any(is_terraform_file(f) for f in files):
            found.append(current)
    return found


def tfvars_files(directory: str) -> list[str]:
    """terraform.tfvars(.json) then *.auto.tfvars(.json) in lexical order, as Terraform loads them."""
    names = []
    for name in ("terraform.tfvars", "terraform.tfvars.json"):
        if os.path.isfile(os.path.join(directory, name)):
            names.append(name)
    try:
        listing = sorted(os.listdir(directory))
    except OSError:
        listing = []
    names += [n for n in listing if n.endswith((".auto.tfvars", ".auto.tfvars.json"))
              and os.path.isfile(os.path.join(directory, n))]  # never a FIFO or device: reading would hang
    return [os.path.join(directory, n) for n in names]


def read_modules_manifest(root_dir: str) -> dict:
    """``.terraform/modules/modules.json`` as {module key: directory}, or {} when absent."""
    manifest = os.path.join(root_dir, ".terraform", "modules", "modules.json")
    try:
        with open(manifest, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    result = {}
    for entry in data.get("Modules", []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and entry.get("Key") and entry.get("Dir"):
            result[entry["Key"]] = os.path.normpath(os.path.join(root_dir, entry["Dir"]))
    return result


PARALLEL_MIN_FILES = 24  # below this, starting worker processes costs more than it saves


class ParseCache:
    """Parses each file at most once per scan (a module called twice is parsed once)."""

    def __init__(self, workers: int | None = None):
        self._files: dict[str, ParsedFile] = {}
        from analyzer.parallel import available_jobs

        self.workers = workers if workers is not None else available_jobs()

    def prefetch(self, paths) -> None:
        """Parse many files up front, the cache misses over several processes when it pays off.

        Cache hits are loaded here, never in a worker (a worker would unpickle and re-pickle
        them); misses go to the pool largest first. Parsing is a pure function of the file
        (ParsedFile is plain, picklable data), so the results are identical to parsing one by
        one; only the wall time changes.
        """
        todo = sorted({os.path.normpath(p) for p in paths} - set(self._files))
        misses = []
        for path in todo:
            data, _, hit = read_cached(path)
            if hit is not None:
                self._files[path] = hit
            elif isinstance(data, ParsedFile):
                self._files[path] = data
            else:
                misses.append((len(data), path))
        if len(misses) < PARALLEL_MIN_FILES or self.workers < 2:
            for _, path in misses:
                self.file(path)
            return
        from analyzer.parallel import run_parallel

        ordered = [path for _, path in sorted(misses, key=lambda item: (-item[0], item[1]))]
        for path, parsed in zip(ordered, run_parallel(parse_file, ordered, self.workers, chunksize=4)):
            self._files[path] = parsed

    def file(self, path: str) -> ParsedFile:
        key = os.path.normpath(path)
        if key not in self._files:
            self._files[key] = parse_file(path)
        return self._files[key]

    def directory(self, directory: str) -> list[ParsedFile]:
        return [self.file(p) for p in terraform_files_in(directory)]

    def all_files(self) -> list[ParsedFile]:
        return list(self._files.values())
