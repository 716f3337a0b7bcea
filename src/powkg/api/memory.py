"""A read-only server answers from a copy of its on-disk store in memory.

Nothing can change the graph under a read-only server: it holds the store's lock, so no other process
writes, and it accepts no update. It may then answer from a copy, and the copy is much faster to read:
every IRI and long literal of an answer is a key-value look-up in the on-disk store (RocksDB), about ten
times slower than in pyoxigraph's in-memory store. The copy is made in a background thread while the
on-disk store answers, then takes its place; ``/health`` says how far it got.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from ..store.embedded import OxigraphStore
from .context import Context

log = logging.getLogger("powkg.serve")


class MemoryCopy:
    """The copy's state: off, loading, serving, too large (past the memory_quads setting) or failed."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.state = "off"
        self._thread: threading.Thread | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        store, settings = self.ctx.store, self.ctx.settings
        if not isinstance(store, OxigraphStore) or not store.on_disk:
            return                  # already in memory, or a remote store
        if settings.update_token or not settings.memory_quads:
            return                  # a copy would miss the updates (or copying is turned off)
        self.state = "loading"
        self._thread = threading.Thread(target=self._load, args=(store, settings.memory_quads, loop),
                                        name="powkg-memory-copy", daemon=True)
        self._thread.start()

    def _load(self, store: OxigraphStore, at_most: int, loop: asyncio.AbstractEventLoop) -> None:
        started = time.monotonic()
        try:
            copy = store.in_memory(at_most=at_most)
        except (OSError, MemoryError, ValueError) as exc:
            self.state = "failed"
            log.warning("powkg: answering from the store on disk: copying it into memory failed: %s", exc)
            return
        if copy is None:
            self.state = "too large"
            log.info("powkg: answering from the store on disk: it holds more than %s quads (POWKG_MEMORY_QUADS)",
                     f"{at_most:,}")
            return
        loop.call_soon_threadsafe(self._serve, copy, time.monotonic() - started)

    def _serve(self, copy: OxigraphStore, seconds: float) -> None:
        self.ctx.use_store(copy)
        self.state = "serving"
        log.info("powkg: answering from a copy of the store in memory (copied in %.1f s)", seconds)
