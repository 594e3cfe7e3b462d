"""Worker processes: how many, and a pool that falls back to serial work.

Work sent to workers is a pure function of plain, picklable data (a file path, a root module
directory and the scan options), and the results are plain data too, so a parallel scan gives
byte-identical results to a serial one (tests/test_scan_cache.py); only the wall time changes.
"""
from __future__ import annotations

import os


def available_jobs() -> int:
    """``--jobs`` (TFATTEST_JOBS) when given, else the cores this process may run on."""
    configured = os.environ.get("TFATTEST_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run_parallel(function, items: list, workers: int, chunksize: int = 1):
    """``[function(item) for item in items]`` over ``workers`` processes (fork where the platform
    has it), in order. Callers sort ``items`` largest first so no worker is left with the big
    one at the end. Falls back to serial when processes are not available."""
    if workers < 2 or len(items) < 2:
        return [function(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context) as pool:
            return list(pool.map(function, items, chunksize=chunksize))
    except (OSError, RuntimeError):  # no process support here (sandbox): serial
        return [function(item) for item in items]
