"""The HTTP layer: ``create_app(settings, store)`` and ``serve(settings, store)``.

    /                    a page for people: query editor, timeline of exchanges
    /sparql              SPARQL 1.1 Protocol (query; update with a token); Service Description
    /queries, /queries/N the curated queries of queries/, one documented GET route each
    /id/..., /ontology,  linked data with content negotiation (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)
    /graph/...
    /export, /export/F   the whole graph, streamed (Turtle, N-Triples, TriG, N-Quads, JSON-LD, RDF/XML)
    /void                VoID description of the dataset
    /validation          SHACL report of the graph (GET), or of a posted Turtle document (POST)
    /health              liveness, how busy the query workers are, whether the memory copy serves
    /openapi.json        the OpenAPI document of all of the above

Guarantees: the server is read-only unless ``update_token`` is set; it never fetches a URL a client
names (SERVICE and LOAD are refused); store calls run on a bounded pool of worker threads, never on
the event loop; every answer is bounded by ``query_timeout`` and ``result_limit``, every request body
by ``max_body_bytes``; no client ever sees a stack trace. A read-only server over an on-disk store
answers from a copy of it in memory once the copy is loaded (``memory``). The routers hold no domain
logic: they call the store, ``queries``, ``pipeline`` and ``validation`` as the CLI does.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..iris import Iris
from ..queries import load_queries
from ..settings import Settings
from ..store import Store
from ..store.embedded import OxigraphStore
from . import exports, linked_data, pages, problems, queries, sparql, validation
from .context import Context, Documents
from .engine import Engine
from .guard import Guard
from .html import STATIC
from .memory import MemoryCopy

if TYPE_CHECKING:   # the pipeline (and the extractor under it) loads only when validation is first asked for
    from ..pipeline import Project

__all__ = ["create_app", "serve"]

DESCRIPTION = """A knowledge graph of the prisoner-of-war exchanges between Ukraine and Russia, built from news
articles. Every value links to the exact words of the article that states it; conflicting values are kept
side by side. Query it with SPARQL at `/sparql`, through the curated queries under `/queries`, or follow
the IRIs under `/id/`."""


def create_app(settings: Settings, store: Store, *, project: Project | None = None,
               workers: int | None = None) -> FastAPI:
    """The powkg web application over ``store``.

    ``project`` (ontology and shapes) is loaded on first use when not given; ``workers`` bounds the
    threads that run store calls (default: four per core, at most 16).
    """
    engine = Engine(store, timeout=settings.query_timeout, result_limit=settings.result_limit, workers=workers)
    ctx = Context(settings=settings, store=store, engine=engine, iris=Iris(settings.base_iri),
                  queries=load_queries(settings.queries_dir), project=project)
    if isinstance(store, OxigraphStore):    # nothing but this server writes it: see Documents
        ctx.documents = Documents(settings.cache_bytes)
    memory = MemoryCopy(ctx)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What is loaded by now (ontology, shapes, the app) lives as long as the server: keeping it out of
        # the collector's scans stops every full collection from walking it, mid-request.
        gc.collect()
        gc.freeze()
        memory.start(asyncio.get_running_loop())
        yield
        engine.close()

    app = FastAPI(title="powkg", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  # FastAPI's /docs and /redoc pages load their scripts from a CDN; powkg fetches nothing.
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.powkg = ctx
    app.state.memory = memory
    app.include_router(pages.router)
    app.include_router(sparql.router)
    app.include_router(queries.router_for(ctx.queries))
    app.include_router(linked_data.router)
    app.include_router(exports.router)
    app.include_router(validation.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    problems.install(app)
    app.add_middleware(Guard, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                       allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Accept", "Authorization", "Content-Type"],
                       expose_headers=["Content-Disposition", "Link", "SHACL-Conforms"], max_age=600)
    return app


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(settings: Settings, store: Store, *, project: Project | None = None) -> None:
    """Serve ``store`` on ``settings.host``:``settings.port`` until interrupted."""
    import uvicorn

    app = create_app(settings, store, project=project)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info", access_log=False,
                            server_header=False)
    url = url_of(settings.host, settings.port)
    print(f"powkg: serving the graph at {url} (SPARQL endpoint {url}sparql); Ctrl+C stops it", file=sys.stderr)
    uvicorn.Server(config).run()
