"""``/sparql``: the SPARQL 1.1 Protocol (W3C Recommendation, 2013).

- §2.1 query operation: GET with ``query=``, POST form-encoded, POST ``application/sparql-query``;
  ``default-graph-uri`` and ``named-graph-uri`` (§2.1.4) set the dataset and win over FROM / FROM NAMED.
- §2.2 update operation: POST form-encoded ``update=`` or ``application/sparql-update``; refused unless
  the server has an update token and the request carries it (``Authorization: Bearer TOKEN``).
- ``SERVICE`` and ``LOAD`` are refused before anything runs: the server never fetches a URL a client names.
- Without a query, GET answers with a SPARQL 1.1 Service Description (§2 of that Recommendation).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.datastructures import ImmutableMultiDict, MultiDict
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..errors import InputError, QueryError, QueryRefused
from ..formats import PREFIXES, rdf_format
from . import html
from .context import context, server_url
from .describe import dataset_stats, service_description
from .engine import Dataset, write_rdf
from .negotiation import GRAPHS, HTML, RESULTS, Representation, by_format, negotiate
from .sparql_text import Operation, inspect

router = APIRouter(tags=["SPARQL 1.1 Protocol"])

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"

_QUERY_HELP = "A SPARQL 1.1 query. Without one, the answer is the SPARQL 1.1 Service Description."
_FORMAT_HELP = ("The answer's format, instead of Accept: json, xml, csv, tsv (SELECT, ASK); turtle, ntriples, "
                "jsonld, rdfxml (CONSTRUCT, DESCRIBE)")
_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"description": "The answer, in the negotiated format",
                    "content": {r.media_type: {} for r in (*RESULTS, *GRAPHS)}},
              400: {"description": "Malformed query (the parser's message), or a bad parameter"},
              403: {"description": "SERVICE, LOAD or SPARQL Update on a read-only endpoint"},
              406: {"description": "No acceptable format; the body lists the available ones"},
              503: {"description": "The query did not finish within the time limit"}}
_POST_BODY = {"requestBody": {"content": {
    FORM: {"schema": {"type": "object", "properties": {
        "query": {"type": "string"}, "update": {"type": "string"},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
    QUERY: {"schema": {"type": "string"}},
    UPDATE: {"schema": {"type": "string"}}}}}


# The parameters are read from the request itself (repeated names, both transports) and documented here,
# which also spares FastAPI's per-request validation on the hottest route.
_GET_PARAMETERS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}, "description": _QUERY_HELP},
    {"name": "default-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "description": "Graphs merged into the default graph"},
    {"name": "named-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "description": "Graphs the query may name"},
    {"name": "format", "in": "query", "required": False, "schema": {"type": "string"}, "description": _FORMAT_HELP},
]


@router.get("/sparql", summary="SPARQL 1.1 query (GET), or the Service Description", responses=_RESPONSES,
            openapi_extra={"parameters": _GET_PARAMETERS})
async def sparql_get(request: Request) -> Response:
    params = request.query_params
    if "update" in params:
        raise QueryError("SPARQL Update is sent with POST, never GET (SPARQL 1.1 Protocol §2.2)")
    if "query" not in params:
        return await _service_description(request)
    return await _query(request, params)


@router.post("/sparql", summary="SPARQL 1.1 query or update (POST)", responses=_RESPONSES,
             openapi_extra=_POST_BODY)
async def sparql_post(request: Request) -> Response:
    media_type, charset = _content_type(request.headers.get("content-type", ""))
    if media_type == FORM:
        params = MultiDict([*request.query_params.multi_items(), *_form(await request.body())])
        if "update" in params:
            if "query" in params:
                raise QueryError("a request carries query= or update=, not both")
            return await _update(request, params)
        return await _query(request, params)
    if media_type in (QUERY, UPDATE):
        if charset not in ("", "utf-8", "utf8"):
            raise InputError(f"the body must be UTF-8 (SPARQL 1.1 Protocol §2.1.3); got charset={charset}")
        text = _utf8(await request.body())
        params = MultiDict([*request.query_params.multi_items(), ("update" if media_type == UPDATE else "query", text)])
        if media_type == UPDATE:
            return await _update(request, params)
        return await _query(request, params)
    raise HTTPException(415, f"a POST to /sparql is {FORM}, {QUERY} or {UPDATE}; "
                             f"got {media_type or 'no Content-Type'}")


# -- queries --------------------------------------------------------------------------------------
async def _query(request: Request, params: ImmutableMultiDict[str, str]) -> Response:
    ctx = context(request)
    queries = params.getlist("query")
    if len(queries) != 1:
        raise QueryError("a request carries exactly one query= parameter" if queries else
                         "a POST to /sparql carries query= (a query) or update= (an update)")
    text = queries[0]
    operation = _inspect(text)
    _refuse_fetching(operation)
    if operation.is_update:
        raise QueryError(f"this is a SPARQL Update ({operation.form}), not a query: send it as update= "
                         f"or {UPDATE} (SPARQL 1.1 Protocol §2.2)")
    offers = GRAPHS if operation.is_graph else RESULTS if operation.form else (*RESULTS, *GRAPHS)
    representation = negotiate(request.headers.get("accept"), offers, format_param=_format(params, offers))
    dataset = _dataset(params, operation)
    answer = await ctx.engine.answer(text, representation, dataset=dataset)
    return Response(answer.body, media_type=representation.content_type, headers={"Vary": "Accept"})


@lru_cache(maxsize=512)
def _inspect_short(text: str) -> Operation:
    return inspect(text)


def _inspect(text: str) -> Operation:
    """``inspect``, remembered for short texts: clients send the same queries again and again."""
    return _inspect_short(text) if len(text) <= 8192 else inspect(text)


def _dataset(params: ImmutableMultiDict[str, str], operation: Operation) -> Dataset:
    default = params.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri")
    if not default and not named:
        return Dataset(from_query=operation.has_dataset)
    for iri in (*default, *named):
        if not iri or any(c in iri for c in '<>" {}|\\^`') or ":" not in iri:
            raise QueryError(f"{iri!r} is not an absolute IRI (default-graph-uri, named-graph-uri)")
    return Dataset(default=tuple(default), named=tuple(named))


def _refuse_fetching(operation: Operation) -> None:
    if operation.fetches:
        raise QueryRefused(f"{' and '.join(sorted(operation.fetches))} is refused here: this endpoint never "
                           "fetches a URL that a request names (federated queries and LOAD are off)")


# -- updates --------------------------------------------------------------------------------------
async def _update(request: Request, params: ImmutableMultiDict[str, str]) -> Response:
    ctx = context(request)
    token = ctx.settings.update_token
    if not token:
        raise QueryRefused("this endpoint is read-only: SPARQL Update is off (the server enables it when "
                           "POWKG_UPDATE_TOKEN is set)")
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(credentials.strip().encode(), token.encode()):
        raise HTTPException(401, "SPARQL Update needs the update token: 'Authorization: Bearer TOKEN'",
                            headers={"WWW-Authenticate": 'Bearer realm="powkg"'})
    updates = params.getlist("update")
    if len(updates) != 1:
        raise QueryError("a request carries exactly one update= parameter")
    if params.getlist("using-graph-uri") or params.getlist("using-named-graph-uri"):
        raise QueryError("using-graph-uri and using-named-graph-uri are not supported here; "
                         "write USING / USING NAMED in the update itself")
    operation = inspect(updates[0])
    _refuse_fetching(operation)
    await ctx.engine.update(updates[0])
    ctx.changed()
    return Response(status_code=204)


# -- the service description ------------------------------------------------------------------
async def _service_description(request: Request) -> Response:
    ctx = context(request)
    representation = negotiate(request.headers.get("accept"), (*GRAPHS, HTML),
                               format_param=request.query_params.get("format"))
    stats = await dataset_stats(ctx)
    triples = service_description(ctx, server_url(request, "/sparql"), stats)
    if representation is HTML:
        turtle = write_rdf(triples, rdf_format("turtle"), _SD_PREFIXES).decode("utf-8")
        body = ('<p>This is a SPARQL 1.1 endpoint: send a query as <code>?query=</code>, or use the '
                '<a href="/#editor">query editor</a>. Its Service Description:</p>'
                f'<pre class="turtle">{html.esc(turtle)}</pre>'
                + html.downloads("/sparql", [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples")]))
        return Response(html.page("SPARQL endpoint", body), media_type=HTML.content_type, headers={"Vary": "Accept"})
    assert representation.format is not None
    body_bytes = write_rdf(triples, representation.format, _SD_PREFIXES)
    return Response(body_bytes, media_type=representation.content_type, headers={"Vary": "Accept"})


_SD_PREFIXES = {"sd": "http://www.w3.org/ns/sparql-service-description#", "void": "http://rdfs.org/ns/void#",
                "dcterms": PREFIXES["dcterms"], "formats": "http://www.w3.org/ns/formats/"}


# -- request bodies ---------------------------------------------------------------------------
def _content_type(header: str) -> tuple[str, str]:
    media_type, *params = (p.strip() for p in header.split(";"))
    charset = ""
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the body is not UTF-8 (SPARQL 1.1 Protocol §2.1.3): {exc}") from None


def _form(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(_utf8(body), keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError as exc:
        raise InputError(f"a form field is not UTF-8 once percent-decoded: {exc}") from None


def _format(params: ImmutableMultiDict[str, str], offers: Sequence[Representation]) -> str | None:
    """The ``format=`` value; SPARQLWrapper sends it twice, once as a name and once as a media type."""
    values = params.getlist("format")
    if len({by_format(v, offers).name for v in values}) > 1:
        raise QueryError(f"format= is given different values: {', '.join(values)}; give one")
    return values[0] if values else None
