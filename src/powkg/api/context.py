"""What every router needs, built once per app: settings, store, engine, IRIs, curated queries.

Handlers reach it with ``context(request)``; nothing here reads the environment or holds domain logic.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ..iris import Iris
from ..queries import CuratedQuery
from ..settings import Settings
from ..store import Store
from .engine import Engine

if TYPE_CHECKING:
    from ..pipeline import Project

# The characters an IRI path may keep as they are in a URL path (RFC 3986 pchar and "/").
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True, slots=True)
class Document:
    """A representation ready to send, with its entity tag (RFC 9110 §8.8.3)."""

    body: bytes
    media_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Document:
        return cls(body, media_type, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


class Documents:
    """The representations last sent, most recently used kept, at most ``budget`` bytes of them.

    For a store this process alone writes (the embedded one holds a lock on its folder): then nothing
    changes the graph but the writes this server makes, and each of them empties the cache. A remote
    store may be written by anyone, so nothing is kept for it (``budget`` 0)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._kept: OrderedDict[tuple[str, ...], Document] = OrderedDict()
        self._size = 0

    def get(self, key: tuple[str, ...]) -> Document | None:
        document = self._kept.get(key)
        if document is not None:
            self._kept.move_to_end(key)
        return document

    def put(self, key: tuple[str, ...], document: Document) -> None:
        if len(document.body) > self.budget // 8:
            return                          # one large page must not push out many small ones
        old = self._kept.pop(key, None)
        self._size += len(document.body) - (len(old.body) if old else 0)
        self._kept[key] = document
        while self._size > self.budget:
            _, dropped = self._kept.popitem(last=False)
            self._size -= len(dropped.body)

    def clear(self) -> None:
        self._kept.clear()
        self._size = 0


@dataclass
class Context:
    settings: Settings
    store: Store
    engine: Engine
    iris: Iris
    queries: dict[str, CuratedQuery]
    project: Project | None = None
    generation: int = 0                        # bumped by every write through the API; keys the caches
    documents: Documents = field(default_factory=lambda: Documents(0))
    _cache: dict[str, tuple[int, Any]] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    # -- the base IRI and the server ---------------------------------------------------------
    def local_path(self, iri: str) -> str | None:
        """The server path that serves ``iri``, for IRIs under the base IRI this server serves."""
        base = self.iris.base
        if not iri.startswith(base):
            return None
        rest = iri[len(base):]
        if rest.startswith(("id/", "graph/")):
            return "/" + quote(rest, safe=_PATH_SAFE)
        if rest == "ontology" or rest.startswith("ontology#"):
            return "/" + rest
        return None

    def id_iri(self, path: str) -> str:
        return f"{self.iris.id}{path}"

    # -- loaded or computed on first use -------------------------------------------------------
    async def loaded_project(self) -> Project:
        """The ontology and shapes (raises ShapesError when they do not parse)."""
        if self.project is None:
            from ..pipeline import Project

            self.project = await run_in_threadpool(Project.load, self.settings)
        return self.project

    async def cached(self, key: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        """``compute()`` once per generation of the store; concurrent callers wait for one computation."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == self.generation:
                return hit[1]
            generation = self.generation
            value = await compute()
            self._cache[key] = (generation, value)
            return value

    def use_store(self, store: Store) -> None:
        """Answer from ``store`` from now on: the same graph, kept elsewhere (see ``memory``)."""
        self.store = store
        self.engine.store = store

    def changed(self) -> None:
        self.generation += 1
        self.documents.clear()


def context(request: Request) -> Context:
    return request.app.state.powkg  # type: ignore[no-any-return]


def server_url(request: Request, path: str = "/") -> str:
    """An absolute URL on this server, as the client reached it."""
    return str(request.base_url).rstrip("/") + path
