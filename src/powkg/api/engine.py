"""Running store calls off the event loop, within a time limit and a size limit.

Every call into the store runs on a bounded pool of worker threads (ENGINES.md, "Over HTTP": a
blocking call inside an ``async`` handler stalls every other request). pyoxigraph releases the GIL
while it evaluates, so workers run queries in parallel and the event loop keeps answering.

The time limit counts from the moment the request arrives, queueing included. When it passes, the
client gets QueryTimeout at once. An answer that streams (rows or triples coming one by one) is
abandoned at the next row; pyoxigraph 0.5 has no way to cancel an operator that must see all its
input before it yields (ORDER BY, GROUP BY, a FILTER that rejects everything), so such a query keeps
its worker until the engine is done with it. ``status()`` counts those, and the pool's bound keeps
them from taking more than their share of the machine.

The size limit counts rows (SELECT) or triples (CONSTRUCT, DESCRIBE) as they are read, and stops the
query at the first one past the limit.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pyoxigraph as ox

from ..errors import PowkgError, QueryError, QueryTimeout, StoreError
from ..formats import PREFIXES, Format
from ..store import Store
from .negotiation import Representation
from .results import SOLUTION_WRITERS, Row, write_boolean

T = TypeVar("T")

# Read the clock every this many rows: often enough to stop within milliseconds, rarely enough to cost nothing.
_CLOCK_EVERY = 64


@dataclass(frozen=True, slots=True)
class Dataset:
    """The RDF dataset of one query (SPARQL 1.1 Protocol §2.1.4).

    ``default``/``named`` come from default-graph-uri/named-graph-uri; both None means the server's
    dataset (the union of every graph but the quarantined ones), unless the query has its own FROM.
    """

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    from_query: bool = False

    def options(self) -> dict[str, Any]:
        if self.default is None and self.named is None:
            return {"query_dataset": self.from_query}
        return {"default_graphs": list(self.default or ()),
                "named_graphs": list(self.named) if self.named is not None else []}


SERVER_DATASET = Dataset()


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str                       # "select" | "ask" | "graph"
    body: bytes
    size: int                       # rows or triples


@dataclass(frozen=True, slots=True)
class Solutions:
    variables: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass
class _Job:
    started: float
    deadline: float
    done: bool = field(default=False)


class Engine:
    """The store, reached from async handlers through a bounded pool of threads."""

    def __init__(self, store: Store, *, timeout: float, result_limit: int, workers: int | None = None) -> None:
        self.store = store
        self.timeout = timeout
        self.result_limit = result_limit
        self.workers = workers or min(16, (os.cpu_count() or 1) * 4)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="powkg-engine")
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()

    # -- the pool ------------------------------------------------------------------------------
    async def call(self, function: Callable[..., T], *args: Any, deadline: float | None = None) -> T:
        """``function(*args)`` on a worker; QueryTimeout when it has not returned by ``deadline``."""
        deadline = deadline if deadline is not None else self.deadline()
        job_id = next(self._ids)

        def work() -> T:
            with self._lock:
                self._jobs[job_id] = _Job(time.monotonic(), deadline)
            try:
                return function(*args)
            finally:
                with self._lock:
                    self._jobs.pop(job_id, None)

        future = asyncio.get_running_loop().run_in_executor(self._pool, work)
        try:
            return await asyncio.wait_for(future, timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise self._timeout() from None

    def deadline(self) -> float:
        return time.monotonic() + self.timeout

    def _timeout(self) -> QueryTimeout:
        return QueryTimeout(f"the query did not finish within {self.timeout:g} s (the query_timeout setting, "
                            "POWKG_QUERY_TIMEOUT); narrow it, or add a LIMIT")

    def status(self) -> dict[str, int]:
        now = time.monotonic()
        with self._lock:
            jobs = list(self._jobs.values())
        return {"workers": self.workers, "running": len(jobs),
                "past_deadline": sum(1 for j in jobs if j.deadline < now)}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- queries -------------------------------------------------------------------------------
    async def answer(self, sparql: str, representation: Representation, *,
                     dataset: Dataset = SERVER_DATASET, deadline: float | None = None) -> Answer:
        """The answer to ``sparql`` written as ``representation`` (a results or an RDF format)."""
        deadline = deadline if deadline is not None else self.deadline()
        return await self.call(self._answer, sparql, representation, dataset, deadline, deadline=deadline)

    async def solutions(self, sparql: str, *, dataset: Dataset = SERVER_DATASET) -> Solutions:
        """The rows of a SELECT, as pyoxigraph terms (for pages the server renders itself)."""
        deadline = self.deadline()
        return await self.call(self._solutions, sparql, dataset, deadline, deadline=deadline)

    async def triples(self, sparql: str, *, dataset: Dataset = SERVER_DATASET) -> list[ox.Triple]:
        deadline = self.deadline()
        return await self.call(self._triples, sparql, dataset, deadline, deadline=deadline)

    async def update(self, sparql: str) -> None:
        await self.call(self.store.update, sparql)

    # -- on a worker ---------------------------------------------------------------------------
    def _evaluate(self, sparql: str, dataset: Dataset) -> Any:
        evaluate = getattr(self.store, "evaluate", None)
        if evaluate is None:
            raise StoreError(f"the store {self.store.descriptor} cannot answer queries over HTTP: "
                             "it has no evaluate() (the Store protocol's lazy query)")
        return evaluate(sparql, **dataset.options())

    # pyoxigraph's answers must be dropped on the thread that made them: no exception may leave a frame
    # that still holds one, so each method below drops its answer before it raises.
    def _answer(self, sparql: str, representation: Representation, dataset: Dataset, deadline: float) -> Answer:
        fmt = representation.format
        if fmt is None:
            raise QueryError(f"a SPARQL answer cannot be written as {representation.name}")
        answer = self._evaluate(sparql, dataset)
        kind = _kind(answer)
        if (kind == "graph") == fmt.results:
            del answer
            raise QueryError(f"a {_FORMS[kind]} answer cannot be written as {fmt.name}")
        if kind == "ask":
            return Answer("ask", write_boolean(bool(answer), fmt.name), 1)
        variables = tuple(v.value for v in answer.variables) if kind == "select" else ()
        items, error = self._drain(answer, deadline, "rows" if kind == "select" else "triples")
        del answer
        if error:
            raise error
        if kind == "select":
            return Answer("select", SOLUTION_WRITERS[fmt.name](variables, items), len(items))
        return Answer("graph", write_rdf(items, fmt), len(items))

    def _solutions(self, sparql: str, dataset: Dataset, deadline: float) -> Solutions:
        answer = self._evaluate(sparql, dataset)
        if _kind(answer) != "select":
            del answer
            raise QueryError("expected a SELECT query")
        variables = tuple(v.value for v in answer.variables)
        rows, error = self._drain(answer, deadline, "rows")
        del answer
        if error:
            raise error
        return Solutions(variables, rows)

    def _triples(self, sparql: str, dataset: Dataset, deadline: float) -> list[ox.Triple]:
        answer = self._evaluate(sparql, dataset)
        if _kind(answer) != "graph":
            del answer
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        triples, error = self._drain(answer, deadline, "triples")
        del answer
        if error:
            raise error
        return triples

    def _drain(self, answer: Any, deadline: float, what: str) -> tuple[list[Any], PowkgError | None]:
        """Read the answer's rows or triples, stopping at the deadline or past the size limit.

        Returns the error instead of raising it: pyoxigraph's answer iterators must be dropped on the
        thread that made them, and a raised exception would carry this frame, and the iterator with it,
        to the event loop's thread. The callers drop the answer first, then raise.
        """
        limit = self.result_limit
        kept: list[Any] = []
        try:
            for count, item in enumerate(answer, start=1):
                if count > limit:
                    return kept, QueryError(f"the answer has more than {limit} {what} (the result_limit setting, "
                                            "POWKG_RESULT_LIMIT); add LIMIT and OFFSET to read it in pages")
                if count % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
                    return kept, self._timeout()
                kept.append(tuple(item) if what == "rows" else item)
        except (OSError, ValueError, TypeError) as exc:   # evaluation errors surface while iterating
            return kept, QueryError(f"the query could not be evaluated: {exc}")
        if time.monotonic() > deadline:
            return kept, self._timeout()
        return kept, None


def write_rdf(triples: list[ox.Triple], fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in an RDF format of the format table, with the project's prefixes."""
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes or PREFIXES)  # type: ignore[arg-type]
    assert body is not None   # without an output file, pyoxigraph returns the bytes
    return body


_FORMS = {"ask": "ASK", "select": "SELECT", "graph": "CONSTRUCT or DESCRIBE"}


def _kind(answer: Any) -> str:
    if isinstance(answer, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(answer, ox.QuerySolutions) else "graph"


def rows_as_dicts(solutions: Solutions) -> list[dict[str, Any]]:
    """Rows as {variable: term}, unbound variables left out."""
    names = solutions.variables
    return [{n: v for n, v in zip(names, row, strict=True) if v is not None} for row in solutions.rows]


__all__ = ["Answer", "Dataset", "Engine", "Row", "SERVER_DATASET", "Solutions", "rows_as_dicts", "write_rdf"]
