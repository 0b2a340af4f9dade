"""Run a coroutine to its end from a test, even while another event loop runs in this thread.

Playwright's sync API (the browser tests, same pytest session) keeps an event loop running in the main thread,
where ``asyncio.run`` refuses to start a second one; a worker thread has none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` in a fresh event loop on a worker thread and return its result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
