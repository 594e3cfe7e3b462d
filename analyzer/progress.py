"""A progress line on a terminal for scans that take more than about a second.

Only used when stderr is a terminal and --quiet is not given; it rewrites one line with ``\\r``
and clears it when the scan is done, so piped output and logs never see it.
"""
from __future__ import annotations

import os
import time

# Seconds before the first line: quick scans stay silent (TFATTEST_PROGRESS_DELAY for tests).
DELAY = float(os.environ.get("TFATTEST_PROGRESS_DELAY", "1.0"))


class Progress:
    def __init__(self, stream, delay: float = DELAY):
        self.stream = stream
        self.started = time.monotonic()
        self.delay = delay
        self.shown = False

    def step(self, what: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < self.delay:
            return
        self.stream.write(f"\r\033[Ktfattest: {done}/{total} {what} ({time.monotonic() - self.started:.0f} s)")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
