#!/usr/bin/env python3
"""Benchmark runner (a script, not a timed test): cold, warm and one-file-changed scans.

    python bench/run.py [--estates 100,1000,5000] [--modules 2000,8000,32000] [--jobs 1,2]
                        [--checkov /tmp/checkov-venv] [--work /tmp/tfattest-bench]

For every size it generates a synthetic input (bench/generate.py), then runs the CLI as a
fresh process (`python -m analyzer scan DIR -f sarif -o out.sarif`, import time included):
- cold: empty cache directory;
- warm: the same cache, nothing changed;
- changed: one file edited (a flag flipped), the same cache;
and, with --checkov PATH (a venv or a directory holding bin/checkov), Checkov on the same
input (`checkov -d DIR --framework terraform -o json`) and the ratio to tfattest's cold scan.
Each row: wall seconds, CPU seconds (user+system of the process and its workers), peak RSS
of the largest process, and files/s. Prints a Markdown table for docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402  (bench/generate.py, next to this file)


def measure(command: list, env: dict | None = None, cwd: str = REPO) -> dict:
    """Wall, CPU (this child and its waited-for children) and peak RSS of one process run."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=null, stderr=null)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "exit": process.returncode}


def tfattest(target: str, cache: str, jobs: int | None, output: str) -> dict:
    command = [sys.executable, "-m", "analyzer", "scan", target, "-f", "sarif", "-o", output]
    if jobs:
        command += ["--jobs", str(jobs)]
    return measure(command, env={"TFATTEST_CACHE_DIR": cache})


def checkov(install: str, target: str) -> dict:
    binary = os.path.join(install, "bin", "checkov") if os.path.isdir(install) else install
    return measure([binary, "-d", target, "--framework", "terraform", "-o", "json", "--quiet"],
                   env={"BC_SKIP_MAPPING": "TRUE", "CKV_IGNORE_HIDDEN_DIRECTORIES": "true"}, cwd=target)


def count_files(target: str) -> int:
    return sum(1 for _, _, files in os.walk(target) for name in files if name.endswith(".tf"))


def change_one_file(target: str) -> None:
    """Flip one flag in the first main.tf found: a real content change, same size class."""
    for current, dirs, files in sorted(os.walk(target)):
        dirs.sort()
        if "main.tf" in files:
            path = os.path.join(current, "main.tf")
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            text = text.replace("true", "false", 1) if "true" in text else text + "\n# changed\n"
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            return


def row(label: str, files: int, result: dict, extra: str = "") -> str:
    rate = files / result["wall"] if result["wall"] else 0
    return (f"| {label} | {result['wall']:.2f} | {result['cpu']:.2f} | {result['rss_mib']:.0f} | "
            f"{rate:,.0f} | {extra} |")


def run_size(label: str, target: str, work: str, jobs_list: list, checkov_path: str | None) -> list:
    files = count_files(target)
    output = os.path.join(work, "out.sarif")
    lines = []
    cold = None
    for jobs in jobs_list:
        cache = os.path.join(work, f"cache-{jobs}")
        shutil.rmtree(cache, ignore_errors=True)
        result = tfattest(target, cache, jobs, output)
        cold = cold or result
        lines.append(row(f"{label}: cold, --jobs {jobs}" if jobs else f"{label}: cold", files, result,
                         f"exit {result['exit']}"))
    cache = os.path.join(work, f"cache-{jobs_list[-1]}")
    warm = tfattest(target, cache, jobs_list[-1], output)
    lines.append(row(f"{label}: warm, nothing changed", files, warm, f"exit {warm['exit']}"))
    change_one_file(target)
    changed = tfattest(target, cache, jobs_list[-1], output)
    lines.append(row(f"{label}: warm, one file changed", files, changed, f"exit {changed['exit']}"))
    if checkov_path:
        result = checkov(checkov_path, target)
        lines.append(row(f"{label}: Checkov", files, result,
                         f"exit {result['exit']}; {result['wall'] / cold['wall']:.1f}x tfattest cold"))
    for line in lines:
        print(line, flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--estates", default="100,1000,5000", help="file counts of multi-root estates")
    parser.add_argument("--modules", default="2000,8000,32000", help="resource counts of one-module inputs")
    parser.add_argument("--jobs", default="", help="comma-separated --jobs values for the cold scan (e.g. 1,2)")
    parser.add_argument("--checkov", help="a Checkov install: venv directory or the checkov executable")
    parser.add_argument("--work", default="/tmp/tfattest-bench")
    args = parser.parse_args()
    jobs_list = [int(j) for j in args.jobs.split(",") if j] or [None]
    os.makedirs(args.work, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.platform()}")
    print("| input | wall s | CPU s | peak RSS MiB | files/s | notes |")
    print("|---|---|---|---|---|---|")
    for size in [int(s) for s in args.estates.split(",") if s]:
        target = os.path.join(args.work, f"estate-{size}")
        generate.fresh(target)
        generate.estate(target, size)
        run_size(f"{size:,} files", target, args.work, jobs_list, args.checkov)
    for size in [int(s) for s in args.modules.split(",") if s]:
        target = os.path.join(args.work, f"module-{size}")
        generate.fresh(target)
        generate.single_module(target, size)
        run_size(f"1 module, {size:,} resources", target, args.work, jobs_list, args.checkov)


if __name__ == "__main__":
    main()
