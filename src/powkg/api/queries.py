"""``/queries``: every curated query of ``queries/`` as a documented GET route (in the manner of grlc).

Each ``.rq`` file becomes ``GET /queries/{name}`` with its header's title and description, and one typed
query parameter per ``#+ param:`` line (integer, date, iri, string), so the OpenAPI document shows
them and FastAPI checks integers and dates. Values are bound by ``CuratedQuery.bind`` as RDF terms,
never pasted into the query text. Answers are SPARQL results (JSON, XML, CSV, TSV) or, for browsers,
an HTML table.
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from ..queries import CuratedQuery, Parameter
from . import html
from .context import Context, context
from .negotiation import HTML, RESULTS, negotiate

_PYTHON_TYPES: dict[str, Any] = {"integer": int, "date": date, "iri": str, "string": str}
_OFFERS = (*RESULTS, HTML)
_LIST_OFFERS = (RESULTS[0], HTML)


def router_for(queries: dict[str, CuratedQuery]) -> APIRouter:
    """One route per curated query, and the list of them."""
    router = APIRouter(tags=["Curated queries"])
    router.add_api_route("/queries", list_queries, methods=["GET"], summary="The curated queries and their parameters",
                         response_class=JSONResponse)
    for query in queries.values():
        router.add_api_route(
            f"/queries/{query.name}", _endpoint(query), methods=["GET"], summary=query.title,
            description=query.description + "\n\n```sparql\n" + query.text.strip() + "\n```",
            operation_id=f"query_{query.name.replace('-', '_')}", name=f"query:{query.name}",
            responses={200: {"description": "The answer: SPARQL results, or an HTML table for browsers",
                             "content": {r.media_type: {} for r in _OFFERS}},
                       400: {"description": "A parameter value of the wrong type"}})
    return router


def _argument(param: Parameter) -> inspect.Parameter:
    python_type = _PYTHON_TYPES[param.type]
    help_text = f"{param.help} ({param.type})" if param.help else param.type
    if param.required:
        default = Query(..., alias=param.name, description=help_text)
        annotation = python_type
    else:
        default = Query(param.default, alias=param.name, description=help_text)
        annotation = python_type | None
    return inspect.Parameter(f"p_{param.name}", inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def _endpoint(query: CuratedQuery):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request, **arguments: Any) -> Response:
        fmt = arguments.pop("format", None)
        values = {name.removeprefix("p_"): value.isoformat() if isinstance(value, date) else str(value)
                  for name, value in arguments.items() if value is not None}
        return await answer(request, query, values, fmt)

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    parameters += [_argument(p) for p in query.parameters]
    parameters.append(inspect.Parameter(
        "format", inspect.Parameter.KEYWORD_ONLY, annotation=str | None,
        default=Query(None, description="json, xml, csv, tsv or html, instead of Accept")))
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = f"query_{query.name.replace('-', '_')}"
    return endpoint


async def answer(request: Request, query: CuratedQuery, values: dict[str, str], fmt: str | None) -> Response:
    ctx = context(request)
    sparql = query.bind(values)
    representation = negotiate(request.headers.get("accept"), _OFFERS, format_param=fmt)
    if representation is HTML:
        solutions = await ctx.engine.solutions(sparql)
        body = _results_page(ctx, query, values, solutions.variables, solutions.rows)
        return Response(html.page(query.title, body), media_type=HTML.content_type, headers={"Vary": "Accept"})
    result = await ctx.engine.answer(sparql, representation)
    return Response(result.body, media_type=representation.content_type, headers={"Vary": "Accept"})


async def list_queries(request: Request, format: str | None = Query(None, description="json or html")) -> Response:
    """Every curated query: its name, route, title, description, parameters and SPARQL text."""
    ctx = context(request)
    representation = negotiate(request.headers.get("accept"), _LIST_OFFERS, format_param=format)
    if representation is HTML:
        return Response(html.page("Curated queries", _list_page(ctx)), media_type=HTML.content_type,
                        headers={"Vary": "Accept"})
    listing = [{"name": q.name, "route": f"/queries/{q.name}", "title": q.title, "description": q.description,
                "parameters": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                                "description": p.help} for p in q.parameters],
                "sparql": q.text} for q in ctx.queries.values()]
    return JSONResponse(listing, headers={"Vary": "Accept"})


# -- pages ----------------------------------------------------------------------------------------
def _input(param: Parameter) -> str:
    kind = {"integer": "number", "date": "date", "iri": "url"}.get(param.type, "text")
    required = " required" if param.required else ""
    value = f' value="{html.esc(param.default)}"' if param.default else ""
    return (f'<label>{html.esc(param.name)} <input type="{kind}" name="{html.esc(param.name)}"{value}{required}>'
            f' <small>{html.esc(param.help)}</small></label>')


def _list_page(ctx: Context) -> str:
    parts = ['<p>Each query is also a JSON, XML, CSV or TSV route for scripts; the '
             '<a href="/openapi.json">OpenAPI document</a> describes them all.</p>']
    for q in ctx.queries.values():
        fields = "".join(_input(p) for p in q.parameters)
        parts.append(
            f'<section class="curated" id="{html.esc(q.name)}"><h2>{html.esc(q.title)}</h2>'
            f'<p>{html.esc(q.description)}</p>'
            f'<form method="get" action="/queries/{html.esc(q.name)}">{fields}'
            f'<button type="submit">Run</button></form>'
            f'<details><summary>SPARQL</summary><pre class="sparql">{html.esc(q.text)}</pre></details></section>')
    return "\n".join(parts)


def _results_page(ctx: Context, query: CuratedQuery, values: dict[str, str], variables: tuple[str, ...],
                  rows: list[tuple[Any, ...]]) -> str:
    rendered = [[html.term_html(v, ctx.local_path) if v is not None else "" for v in row] for row in rows]
    here = f"/queries/{query.name}"
    query_string = urlencode(values)
    downloads = html.downloads(f"{here}?{query_string}" if query_string else here,
                               [("json", "JSON"), ("csv", "CSV"), ("tsv", "TSV"), ("xml", "XML")])
    bound = ", ".join(f"{k} = {v}" for k, v in values.items())
    return (f'<p>{html.esc(query.description)}</p>'
            + (f'<p class="bound">With {html.esc(bound)}</p>' if bound else "")
            + f'<p class="count">{len(rows)} rows</p>' + html.table(variables, rendered, cls="results")
            + downloads
            + f'<details><summary>SPARQL</summary><pre class="sparql">{html.esc(query.text)}</pre></details>')
