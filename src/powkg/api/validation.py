"""``/validation``: the SHACL shapes run over the current graph, or over a posted document.

GET runs what ``powkg validate`` runs (``pipeline.validate_store``: each article graph against the
article shapes, the union against the graph shapes) and answers with the SHACL validation report
(SHACL §3.6) as Turtle, N-Triples or JSON-LD, or as a page for people. The report is computed once per
generation of the store. POST validates a Turtle document the same way, in a store of its own that is
dropped afterwards: nothing posted is ever stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from rdflib import Graph
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..errors import InputError
from ..model import Report
from ..store import Store, open_store
from ..store.terms import to_rdflib
from . import html
from .context import Context, context
from .engine import write_rdf
from .negotiation import GRAPHS, HTML, Representation, negotiate

if TYPE_CHECKING:
    from ..pipeline import Project

router = APIRouter(tags=["Validation"])

_OFFERS = (GRAPHS[0], HTML, GRAPHS[1], GRAPHS[2])     # Turtle first: it is what the report is
_TURTLE_TYPES = ("text/turtle", "application/x-turtle", "application/turtle", "application/n-triples", "text/plain")
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The SHACL validation report", "content": {r.media_type: {} for r in _OFFERS}}}


@router.get("/validation", summary="Validate the whole graph with the SHACL shapes", responses=_RESPONSES)
async def validate_graph(request: Request,
                         format: str | None = Query(None, description="turtle, ntriples, jsonld or html")) -> Response:
    ctx = context(request)
    representation = negotiate(request.headers.get("accept"), _OFFERS, format_param=format)
    project = await ctx.loaded_project()

    async def compute() -> Report:
        from ..pipeline import validate_store

        return await run_in_threadpool(validate_store, ctx.store, project)

    report: Report = await ctx.cached("validation", compute)
    return _report_response(ctx, report, representation, "The graph against the shapes")


@router.post("/validation", summary="Validate a posted Turtle document with the SHACL shapes (nothing is stored)",
             responses=_RESPONSES,
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"text/turtle": {"schema": {"type": "string"}}}}})
async def validate_document(request: Request,
                            format: str | None = Query(None, description="turtle, ntriples, jsonld or html"),
                            ) -> Response:
    ctx = context(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in _TURTLE_TYPES:
        raise HTTPException(415, f"post the document as text/turtle; got {media_type or 'no Content-Type'}")
    representation = negotiate(request.headers.get("accept"), _OFFERS, format_param=format)
    body = await request.body()
    project = await ctx.loaded_project()
    report = await run_in_threadpool(_validate_posted, body, project)
    return _report_response(ctx, report, representation, "The posted document against the shapes")


def _validate_posted(body: bytes, project: Project) -> Report:
    from ..pipeline import validate_store

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the posted document is not UTF-8: {exc}") from None
    graph = Graph()
    try:
        for quad in ox.parse(text, format=ox.RdfFormat.TURTLE):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    except SyntaxError as exc:
        raise InputError(f"the posted document is not valid Turtle: {exc}") from None
    scratch: Store = open_store("memory:")
    try:
        scratch.replace_graph(project.iris.article_graph("posted"), graph)
        return validate_store(scratch, project)
    finally:
        scratch.close()


def _report_response(ctx: Context, report: Report, representation: Representation, title: str) -> Response:
    headers = {"Vary": "Accept", "SHACL-Conforms": "true" if report.conforms else "false"}
    if representation is HTML:
        return Response(html.page(title, _report_page(ctx, report)), media_type=HTML.content_type, headers=headers)
    assert representation.format is not None
    if representation.format.name == "turtle":
        body = report.turtle.encode("utf-8")
    else:
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(report.turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
        body = write_rdf(triples, representation.format)
    return Response(body, media_type=representation.content_type, headers=headers)


def _report_page(ctx: Context, report: Report) -> str:
    verdict = ('<p class="verdict conforms">The graph conforms to the shapes.</p>' if report.conforms else
               '<p class="verdict violates">The graph does <strong>not</strong> conform to the shapes.</p>')
    counts = (f'<p class="counts">{report.count("Violation")} violations, {report.count("Warning")} warnings, '
              f'{report.count("Info")} notes.</p>')
    rows = []
    for result in report.results:
        focus = ctx.local_path(result.focus_node)
        focus_html = html.link(focus, html.short(result.focus_node)) if focus else html.esc(result.focus_node)
        rows.append((f'<span class="severity {html.esc(result.severity.lower())}">{html.esc(result.severity)}</span>',
                     focus_html, html.esc(result.message), html.esc(html.short(result.path or "")),
                     html.esc(result.value or ""), html.esc(", ".join(result.articles))))
    found = html.table(("severity", "focus node", "message", "path", "value", "articles"), rows, cls="report") \
        if rows else ""
    return (verdict + counts + found + '<p>Validate a document of your own: <code>curl -X POST -H '
            '"Content-Type: text/turtle" --data-binary @graph.ttl /validation</code>.</p>'
            + html.downloads("/validation", [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples")]))
