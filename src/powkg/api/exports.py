"""Exports and the dataset's description: ``/export`` (the whole graph), ``/void`` (VoID).

An export is streamed: a worker thread writes the store's serialisation into a bounded queue in 64 KiB
chunks and the response sends each chunk as it comes, so a dump of millions of triples never sits in
memory whole, and a client that goes away stops the writer. Which graphs go in is what ``powkg export``
writes: every article graph, with ``ontology=true`` the ontology and vocabulary, with ``inferred=true``
the inferred triples. TriG and N-Quads keep each graph apart; the other formats merge them.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from collections.abc import AsyncIterator, Sequence

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response, StreamingResponse

from ..formats import PREFIXES, rdf_format
from . import html
from .context import Context, context, server_url
from .describe import DUMP_FILES, dataset_stats, void_description
from .engine import write_rdf
from .negotiation import DUMPS, GRAPHS, HTML, Representation, by_format, negotiate

router = APIRouter(tags=["Exports"])
log = logging.getLogger("powkg.api")

CHUNK = 64 * 1024
_DONE = object()
_EXPORT_OFFERS = (*DUMPS, HTML)
_VOID_OFFERS = (*GRAPHS, HTML)
_INFERRED_HELP = "Include the triples inferred by OWL 2 RL reasoning (kept in their own graph)"
_ONTOLOGY_HELP = "Include the ontology and reference vocabulary"


@router.get("/export", summary="The whole graph, streamed (Turtle, N-Triples, TriG, N-Quads, JSON-LD, RDF/XML)",
            responses={200: {"content": {r.media_type: {} for r in _EXPORT_OFFERS}}})
async def export(request: Request, format: str | None = Query(None, description="turtle, ntriples, trig, nquads, "
                                                                                 "jsonld or rdfxml, instead of Accept"),
                 inferred: bool = Query(False, description=_INFERRED_HELP),
                 ontology: bool = Query(False, description=_ONTOLOGY_HELP)) -> Response:
    ctx = context(request)
    representation = negotiate(request.headers.get("accept"), _EXPORT_OFFERS, format_param=format)
    if representation is HTML:
        return Response(html.page("Downloads", _downloads_page()), media_type=HTML.content_type,
                        headers={"Vary": "Accept"})
    graphs = await run_in_threadpool(export_graphs, ctx, inferred, ontology)
    return stream_graphs(ctx, representation, graphs, filename=f"powkg.{representation.format.extension}"
                         if representation.format else None)


@router.get("/export/{filename}", summary="The whole graph as a file; its extension names the format",
            responses={200: {"content": {r.media_type: {} for r in DUMPS}}})
async def export_file(request: Request, filename: str,
                      inferred: bool = Query(False, description=_INFERRED_HELP),
                      ontology: bool = Query(False, description=_ONTOLOGY_HELP)) -> Response:
    ctx = context(request)
    stem, dot, extension = filename.rpartition(".")
    if not dot or not stem:
        raise HTTPException(404, f"{filename}: name a file with the extension of its format, such as powkg.ttl")
    representation = by_format(extension, DUMPS)
    graphs = await run_in_threadpool(export_graphs, ctx, inferred, ontology)
    return stream_graphs(ctx, representation, graphs, filename=filename)


@router.get("/void", summary="A VoID description of the dataset",
            responses={200: {"content": {r.media_type: {} for r in _VOID_OFFERS}}})
async def void(request: Request,
               format: str | None = Query(None, description="turtle, ntriples, jsonld, rdfxml or html, "
                                                            "instead of Accept")) -> Response:
    ctx = context(request)
    representation = negotiate(request.headers.get("accept"), _VOID_OFFERS, format_param=format)
    triples = void_description(ctx, server_url(request, ""), await dataset_stats(ctx))
    prefixes = {**PREFIXES, "void": "http://rdfs.org/ns/void#", "foaf": "http://xmlns.com/foaf/0.1/"}
    if representation is HTML:
        turtle = write_rdf(triples, rdf_format("turtle"), prefixes).decode("utf-8")
        body = (f'<pre class="turtle">{html.esc(turtle)}</pre>'
                + html.downloads("/void", [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples")]))
        return Response(html.page("VoID description", body), media_type=HTML.content_type, headers={"Vary": "Accept"})
    assert representation.format is not None
    body_bytes = write_rdf(triples, representation.format, prefixes)
    return Response(body_bytes, media_type=representation.content_type, headers={"Vary": "Accept"})


@router.get("/.well-known/void", summary="The VoID description's well-known address (VoID §7.2)",
            include_in_schema=False)
async def well_known_void() -> Response:
    return RedirectResponse("/void", status_code=303)


def export_graphs(ctx: Context, inferred: bool, ontology: bool) -> list[str]:
    """The graphs ``powkg export`` writes with the same options."""
    iris = ctx.iris
    graphs = [g for g in ctx.store.graph_names() if iris.is_article_graph(g)]
    if ontology:
        graphs.insert(0, iris.ontology_graph)
    if inferred:
        graphs.append(iris.inferred_graph)
    return graphs


def _downloads_page() -> str:
    items = []
    for name, fmt in DUMP_FILES:
        everything = html.link(f"/export/{name}?inferred=true&ontology=true", "with ontology and inferred triples")
        items.append(f'<li>{html.link("/export/" + name, name)} ({html.esc(fmt)}) · {everything}</li>')
    return ("<p>The whole graph, every article's named graph, as one file. TriG keeps each article's graph apart "
            "with its provenance; the other formats merge them.</p>"
            f"<ul>{''.join(items)}</ul>"
            '<p>Single resources are at their own IRIs under <code>/id/</code>; the dataset is described in '
            '<a href="/void">VoID</a>; the SHACL report is under <a href="/validation">validation</a>.</p>')


# -- streaming ----------------------------------------------------------------------------------
class _Pipe(io.RawIOBase):
    """A file that hands what is written to a bounded queue, and fails once the reader has gone."""

    def __init__(self, chunks: queue.Queue[object], stop: threading.Event) -> None:
        super().__init__()
        self._chunks = chunks
        self._stop = stop

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
        chunk = bytes(data)
        while not self._stop.is_set():
            try:
                self._chunks.put(chunk, timeout=0.5)
                return len(chunk)
            except queue.Full:
                continue
        raise BrokenPipeError("the client stopped reading the export")


def stream_graphs(ctx: Context, representation: Representation, graphs: Sequence[str], *,
                  filename: str | None) -> StreamingResponse:
    """The given graphs streamed in ``representation`` (an RDF format)."""
    fmt = representation.format
    assert fmt is not None and not fmt.results
    chunks: queue.Queue[object] = queue.Queue(maxsize=16)
    stop = threading.Event()

    def produce() -> None:
        outcome: object = _DONE
        try:
            with io.BufferedWriter(_Pipe(chunks, stop), buffer_size=CHUNK) as out:
                ctx.store.export(out, fmt, graphs)
        except BrokenPipeError:
            return
        except Exception as exc:  # the worker's boundary: the reader must learn the stream broke  # noqa: BLE001
            log.error("export to %s failed", fmt.name, exc_info=exc)
            outcome = exc
        while not stop.is_set():
            try:
                chunks.put(outcome, timeout=0.5)
                return
            except queue.Full:
                continue

    def next_chunk() -> object:
        while not stop.is_set():
            try:
                return chunks.get(timeout=0.5)
            except queue.Empty:
                continue
        return _DONE

    async def body() -> AsyncIterator[bytes]:
        threading.Thread(target=produce, name="powkg-export", daemon=True).start()
        try:
            while True:
                item = await run_in_threadpool(next_chunk)
                if item is _DONE:
                    return
                if isinstance(item, Exception):
                    raise RuntimeError("the export failed part way; the response is incomplete") from item
                assert isinstance(item, bytes)
                yield item
        finally:
            stop.set()

    headers = {"Vary": "Accept"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return StreamingResponse(body(), media_type=representation.content_type, headers=headers)
