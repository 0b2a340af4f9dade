"""Shared by the benchmarks: the wall-clock times of repeated calls."""

from __future__ import annotations

import time
from collections.abc import Callable


def times_ms(action: Callable[[], object], repeat: int) -> list[float]:
    """Call ``action`` ``repeat`` times; return each call's duration in milliseconds."""
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        result.append((time.perf_counter() - started) * 1000)
    return result
