"""Checks overlapped on the machine's cores.

The store evaluates a query without holding the GIL (pyoxigraph works in Rust; a remote store waits on
the network), so independent checks run in a few threads finish sooner than one after another. Results
come back in the order of the work given, so reports do not depend on timing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_MOST_THREADS = 4


def concurrently(work: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``[work(item) for item in items]``, evaluated in up to one thread per core."""
    items = list(items)
    threads = min(len(items), os.cpu_count() or 1, _MOST_THREADS)
    if threads <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="powkg-check") as pool:
        return list(pool.map(work, items))
