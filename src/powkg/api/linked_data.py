"""Linked data: every IRI under the base IRI dereferences here, with content negotiation.

    BASE/id/...        a resource: for people, its facts with the evidence behind each value (the quote,
                       its place in the text, who said it, and a link to the source article), values the
                       sources disagree on side by side; for machines, its triples and their evidence
    BASE/ontology#T    the ontology and reference vocabulary
    BASE/graph/...     a named graph: an article's graph, the ontology, the inferred triples

The configured base IRI maps to this server: ``/id/exchange/2024-12-30`` serves
``{base_iri}id/exchange/2024-12-30``, and pages link to this server for every IRI it serves
(Cool URIs for the Semantic Web, W3C Interest Group Note 2008: one URI, several representations,
``Vary: Accept``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from . import html
from .context import Context, Document, context
from .engine import Dataset, rows_as_dicts, write_rdf
from .exports import stream_graphs
from .negotiation import DATASETS, GRAPHS, HTML, Representation, negotiate

router = APIRouter(tags=["Linked data"])

_OFFERS = (HTML, *GRAPHS)
_FORMAT_HELP = "html, turtle, jsonld, ntriples or rdfxml, instead of Accept"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OA = "http://www.w3.org/ns/oa#"
_DCT = "http://purl.org/dc/terms/"
_SCHEMA = "https://schema.org/"
_LINKS_SHOWN = 300


def not_found(what: str) -> HTTPException:
    return HTTPException(404, what)


@router.get("/id/{path:path}", summary="A resource of the graph (linked data)",
            responses={200: {"content": {r.media_type: {} for r in _OFFERS}}, 404: {"description": "No such resource"}})
async def resource(request: Request, path: str, format: str | None = Query(None, description=_FORMAT_HELP)) -> Response:
    ctx = context(request)
    iri = ctx.id_iri(path)
    representation = negotiate(request.headers.get("accept"), _OFFERS, format_param=format)
    key, generation = (iri, representation.name), ctx.generation
    document = ctx.documents.get(key)
    if document is None:
        document = await _document(ctx, iri, representation, request.url.path)
        if ctx.generation == generation:    # no write while it was being made
            ctx.documents.put(key, document)
    headers = {"Vary": "Accept", "Link": _alternates(request.url.path), "ETag": document.etag}
    if {document.etag, "*"} & _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(document.body, media_type=document.media_type, headers=headers)


async def _document(ctx: Context, iri: str, representation: Representation, path: str) -> Document:
    if representation is HTML:
        view = await _view(ctx, iri)
        if view.empty:
            raise not_found(f"<{iri}> is not in the graph")
        return Document.of(html.page(view.title, _resource_page(ctx, view, path)).encode("utf-8"),
                           HTML.content_type)
    triples = await ctx.engine.triples(_describe(ctx, iri))
    if not triples and not await _mentioned(ctx, iri):
        raise not_found(f"<{iri}> is not in the graph")
    assert representation.format is not None
    return Document.of(write_rdf(list(dict.fromkeys(triples)), representation.format), representation.content_type)


def _etags(header: str | None) -> set[str]:
    """The entity tags of an If-None-Match header (RFC 9110 §13.1.2), weak ones compared weakly."""
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


@router.get("/ontology", summary="The ontology and reference vocabulary",
            responses={200: {"content": {r.media_type: {} for r in _OFFERS}}})
async def ontology(request: Request, format: str | None = Query(None, description=_FORMAT_HELP)) -> Response:
    ctx = context(request)
    representation = negotiate(request.headers.get("accept"), _OFFERS, format_param=format)
    name = ctx.iris.ontology_graph
    if representation is HTML:
        return Response(html.page("The powkg ontology", await _ontology_page(ctx)),
                        media_type=HTML.content_type, headers={"Vary": "Accept"})
    return stream_graphs(ctx, representation, [name], filename=None)


@router.get("/graph/{path:path}", summary="A named graph: an article's, the ontology, the inferred triples",
            responses={200: {"content": {r.media_type: {} for r in (*_OFFERS, *DATASETS)}}})
async def named_graph(request: Request, path: str,
                      format: str | None = Query(None, description=_FORMAT_HELP + ", trig or nquads")) -> Response:
    ctx = context(request)
    name = f"{ctx.iris.base}graph/{path}"
    representation = negotiate(request.headers.get("accept"), (*_OFFERS, *DATASETS), format_param=format)
    if not await ctx.engine.call(_graph_exists, ctx, name):
        raise not_found(f"there is no named graph <{name}>")
    if representation is HTML:
        return Response(html.page("Named graph", await _graph_page(ctx, name, request.url.path)),
                        media_type=HTML.content_type, headers={"Vary": "Accept"})
    return stream_graphs(ctx, representation, [name], filename=None)


def _graph_exists(ctx: Context, name: str) -> bool:
    return name in ctx.store.graph_names()


# -- machines ---------------------------------------------------------------------------------
def _describe(ctx: Context, iri: str) -> str:
    """The resource's own triples, and its evidence annotations down to their selectors."""
    return f"""PREFIX oa: <{_OA}>
CONSTRUCT {{ <{iri}> ?p ?o . ?ev ?ep ?eo . ?t ?tp ?to . ?sel ?sp ?so }} WHERE {{
  {{ <{iri}> ?p ?o }}
  UNION {{ ?ev oa:hasBody <{iri}> ; ?ep ?eo }}
  UNION {{ ?ev oa:hasBody <{iri}> ; oa:hasTarget ?t . ?t ?tp ?to }}
  UNION {{ ?ev oa:hasBody <{iri}> ; oa:hasTarget/oa:hasSelector ?sel . ?sel ?sp ?so }}
}}"""


async def _mentioned(ctx: Context, iri: str) -> bool:
    rows = await ctx.engine.solutions(f"SELECT ?s WHERE {{ ?s ?p <{iri}> }} LIMIT 1")
    return bool(rows.rows)


def _alternates(path: str) -> str:
    return ", ".join(f'<{path}?format={r.name}>; rel="alternate"; type="{r.media_type}"' for r in _OFFERS)


# -- people -----------------------------------------------------------------------------------
@dataclass
class Quote:
    value: Any
    text: str
    start: int | None
    end: int | None
    article: str
    article_id: str
    title: str | None
    url: str | None
    published: str | None
    publisher: str | None
    stated_by: str | None
    qualifier: str | None


@dataclass
class View:
    iri: str
    title: str = ""
    facts: list[tuple[str, Any, list[str]]] = field(default_factory=list)     # (property, value, graphs)
    evidence: dict[str, list[Quote]] = field(default_factory=lambda: defaultdict(list))
    incoming: list[tuple[Any, str]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    single_valued: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.facts and not self.incoming

    def conflicts(self) -> dict[str, dict[str, list[Quote]]]:
        """Properties of one value per thing for which the sources state different values."""
        disputed = {}
        for prop, quotes in self.evidence.items():
            by_value: dict[str, list[Quote]] = defaultdict(list)
            for quote in quotes:
                by_value[quote.value.value if hasattr(quote.value, "value") else str(quote.value)].append(quote)
            if len(by_value) > 1 and prop in self.single_valued:
                disputed[prop] = dict(by_value)
        return disputed


async def _view(ctx: Context, iri: str) -> View:
    engine, pow_ns = ctx.engine, str(ctx.iris.pow)
    view = View(iri=iri, single_valued=await _single_valued(ctx))
    facts: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for row in rows_as_dicts(await engine.solutions(
            f"SELECT ?p ?o ?g WHERE {{ {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} UNION {{ <{iri}> ?p ?o }} }}")):
        key = (row["p"].value, row["o"])
        if "g" in row:
            facts[key].append(row["g"].value)
        else:
            facts.setdefault(key, [])
    view.facts = [(p, o, graphs) for (p, o), graphs in facts.items()]
    evidence = await engine.solutions(_evidence_query(iri, pow_ns))
    for prop, quote in _quotes(iri, pow_ns, evidence.rows):
        view.evidence[prop].append(quote)
    for row in rows_as_dicts(await engine.solutions(
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(isIRI(?s) && ?p != <{_OA}hasBody> "
            f"&& ?p != <{pow_ns}evidence>) }} ORDER BY ?p ?s LIMIT {_LINKS_SHOWN}")):
        view.incoming.append((row["s"], row["p"].value))
    names = {iri} | {p for p, _, _ in view.facts} | {p for _, p in view.incoming}
    names |= {o.value for _, o, _ in view.facts if isinstance(o, ox.NamedNode)}
    names |= {s.value for s, _ in view.incoming if isinstance(s, ox.NamedNode)}
    view.labels = await _labels(ctx, names)
    view.title = view.labels.get(iri) or html.short(iri)
    return view


def _evidence_query(iri: str, pow_ns: str) -> str:
    """The triples of the resource's evidence nodes, their targets, selectors and source articles, and the
    labels of who stated them. Generic ``?s ?p ?o`` patterns from the bound ``oa:hasBody`` keep Oxigraph's
    plan anchored on the resource; a query with one OPTIONAL per field took seconds at a million triples."""
    return f"""PREFIX oa: <{_OA}> PREFIX pow: <{pow_ns}> PREFIX rdfs: <{_RDFS}>
SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ ?s oa:hasBody <{iri}> . ?s ?p ?o }}
  UNION {{ ?ev oa:hasBody <{iri}> ; oa:hasTarget ?s . ?s ?p ?o }}
  UNION {{ ?ev oa:hasBody <{iri}> ; oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o }}
  UNION {{ {{ SELECT DISTINCT ?s {{ ?ev oa:hasBody <{iri}> ; oa:hasTarget/oa:hasSource ?s }} }} ?s ?p ?o }}
  UNION {{ ?ev oa:hasBody <{iri}> ; pow:attributedTo ?s . ?s rdfs:label ?o BIND(rdfs:label AS ?p) }}
}}"""


def _quotes(iri: str, pow_ns: str, rows: list[tuple[Any, ...]]) -> list[tuple[str, Quote]]:
    """(property, quote) for each evidence node of ``iri``, ordered by property, value, article and offset."""
    about: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in rows:
        about[s][p.value].append(o)

    def one(node: Any, prop: str) -> Any:
        values = about.get(node, {}).get(prop)
        return values[0] if values else None

    def text(node: Any, prop: str) -> str | None:
        value = one(node, prop)
        return value.value if value is not None else None

    def selector(target: Any, kind: str) -> Any:
        return next((s for s in about.get(target, {}).get(_OA + "hasSelector", [])
                     if ox.NamedNode(_OA + kind) in about.get(s, {}).get(_RDF + "type", [])), None)

    def label(agent: Any) -> str | None:
        labels = [t for t in about.get(agent, {}).get(_RDFS + "label", []) if t.language in (None, "en")]
        return labels[0].value if labels else None

    found = []
    body = ox.NamedNode(iri)
    for ev, props in about.items():
        if body not in props.get(_OA + "hasBody", ()):
            continue
        agent = one(ev, pow_ns + "attributedTo")
        for prop in props.get(pow_ns + "supports", ()):
            for value in props.get(_RDF + "value", ()):
                for target in props.get(_OA + "hasTarget", ()):
                    for article in about.get(target, {}).get(_OA + "hasSource", ()):
                        quote = selector(target, "TextQuoteSelector")
                        position = selector(target, "TextPositionSelector")
                        found.append((prop.value, Quote(
                            value=value, text=text(quote, _OA + "exact") or "",
                            start=_number(one(position, _OA + "start")), end=_number(one(position, _OA + "end")),
                            article=article.value, article_id=text(article, _DCT + "identifier") or article.value,
                            title=text(article, _DCT + "title"), url=text(article, _SCHEMA + "url"),
                            published=text(article, _SCHEMA + "datePublished"),
                            publisher=text(article, _DCT + "publisher"),
                            stated_by=label(agent) if agent is not None else None,
                            qualifier=text(ev, pow_ns + "qualifier"))))
    found.sort(key=lambda item: (item[0], _order(item[1].value), item[1].article_id, item[1].start or -1))
    return found


def _order(term: Any) -> tuple[int, Any]:
    """A sort key close to SPARQL's ORDER BY: numbers by value, then other terms by their text."""
    number = _number(term)
    return (0, number) if number is not None else (1, getattr(term, "value", str(term)))


def _number(term: Any) -> int | None:
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


async def _single_valued(ctx: Context) -> frozenset[str]:
    """Properties a thing has one value of: where two sources differ, they conflict (queries/conflicts.rq)."""
    async def compute() -> frozenset[str]:
        pow_ns = str(ctx.iris.pow)
        rows = await ctx.engine.solutions(
            "SELECT DISTINCT ?p WHERE { ?p a <http://www.w3.org/2002/07/owl#FunctionalProperty> }")
        declared = {r["p"].value for r in rows_as_dicts(rows)}
        named = {pow_ns + n for n in ("returnedToUkraine", "count", "minCount", "date", "ordinal",
                                      "handedOverToRussia", "oldestAge", "youngestAge")}
        return frozenset(declared | named)
    return await ctx.cached("single-valued", compute)  # type: ignore[no-any-return]


async def _labels(ctx: Context, iris: set[str]) -> dict[str, str]:
    """An English (or untagged) label for each IRI that has one."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(iris) if _safe_iri(i))
    rows = await ctx.engine.solutions(
        f"SELECT ?x ?label WHERE {{ VALUES ?x {{ {values} }} ?x <{_RDFS}label> ?label "
        f'FILTER(lang(?label) = "en" || lang(?label) = "") }}')
    labels: dict[str, str] = {}
    for row in rows_as_dicts(rows):
        labels.setdefault(row["x"].value, row["label"].value)
    return labels


def _safe_iri(iri: str) -> bool:
    return not any(c in iri for c in '<>" {}|\\^`\n')


def _text(row: dict[str, Any], name: str) -> str | None:
    return row[name].value if name in row else None


def _quote_html(ctx: Context, quote: Quote) -> str:
    article_href = ctx.local_path(quote.article) or quote.article
    name = quote.title or quote.article_id
    source = f'<a href="{html.esc(article_href)}">{html.esc(name)}</a>'
    if quote.url:
        source += f' (<a href="{html.esc(quote.url)}" rel="external nofollow">original</a>)'
    details = [d for d in (quote.publisher, quote.published) if d]
    if quote.stated_by:
        details.append(f"stated by {quote.stated_by}")
    if quote.start is not None and quote.end is not None:
        details.append(f"characters {quote.start}–{quote.end}")
    hedge = f'<span class="qualifier">{html.esc(quote.qualifier)}</span> ' if quote.qualifier else ""
    return (f'<blockquote class="evidence">{hedge}“{html.esc(quote.text)}”'
            f'<footer>{source}{" · " + html.esc(" · ".join(details)) if details else ""}</footer></blockquote>')


def _resource_page(ctx: Context, view: View, path: str) -> str:
    local, labels = ctx.local_path, view.labels
    parts = [f'<p class="iri"><code>{html.esc(view.iri)}</code></p>']
    conflicts = view.conflicts()
    if conflicts:
        parts.append('<section class="conflicts"><h2>Sources disagree</h2>')
        for prop, by_value in conflicts.items():
            sides = "".join(
                f'<div class="side"><p class="value">{html.term_html(quotes[0].value, local, labels)}</p>'
                f'<p class="sources">{_sources(len({q.article for q in quotes}))}</p>'
                + "".join(_quote_html(ctx, q) for q in quotes) + "</div>"
                for quotes in by_value.values())
            parts.append(f'<div class="conflict"><h3>{html.term_html(ox.NamedNode(prop), local, labels)}</h3>'
                         f'<div class="sides">{sides}</div></div>')
        parts.append("</section>")
    rows = []
    hidden = {str(ctx.iris.pow) + "evidence"}     # each value's evidence is shown beside it instead
    shown = [f for f in view.facts if f[0] not in hidden]
    for prop, value, graphs in sorted(shown, key=lambda f: (f[0] != _RDF + "type", labels.get(f[0], f[0]))):
        quotes = [q for q in view.evidence.get(prop, []) if _same(q.value, value)]
        if quotes:
            support = "".join(_quote_html(ctx, q) for q in quotes)
        elif any(g == ctx.iris.inferred_graph for g in graphs):
            support = '<span class="inferred">inferred by OWL 2 RL reasoning</span>'
        elif any(g == ctx.iris.ontology_graph for g in graphs):
            support = '<span class="vocabulary">from the ontology and vocabulary</span>'
        else:
            support = ""
        rows.append((html.term_html(ox.NamedNode(prop), local, labels), html.term_html(value, local, labels), support))
    parts.append('<section class="facts"><h2>Facts</h2>'
                 + html.table(("property", "value", "evidence"), rows, cls="facts") + "</section>")
    if view.incoming:
        linked = [(html.term_html(s, local, labels), html.term_html(ox.NamedNode(p), local, labels))
                  for s, p in view.incoming]
        more = f"<p>The first {_LINKS_SHOWN} are shown.</p>" if len(view.incoming) >= _LINKS_SHOWN else ""
        parts.append('<section class="incoming"><h2>Referred to by</h2>'
                     + html.table(("resource", "property"), linked, cls="incoming") + more + "</section>")
    parts.append(html.downloads(path, [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"),
                                       ("rdfxml", "RDF/XML")]))
    return "\n".join(parts)


def _sources(count: int) -> str:
    return "1 source" if count == 1 else f"{count} sources"


def _same(stated: Any, value: Any) -> bool:
    if isinstance(stated, ox.Literal) and isinstance(value, ox.Literal):
        return bool(stated.value == value.value)
    return bool(stated == value)


async def _ontology_page(ctx: Context) -> str:
    rows = rows_as_dicts(await ctx.engine.solutions(f"""
SELECT ?term ?kind ?label ?comment WHERE {{ GRAPH <{ctx.iris.ontology_graph}> {{
  ?term a ?kind FILTER(?kind IN (<http://www.w3.org/2002/07/owl#Class>, <http://www.w3.org/2002/07/owl#ObjectProperty>,
                                  <http://www.w3.org/2002/07/owl#DatatypeProperty>))
  FILTER(STRSTARTS(STR(?term), "{ctx.iris.pow}"))
  OPTIONAL {{ ?term <{_RDFS}label> ?label FILTER(lang(?label) = "en" || lang(?label) = "") }}
  OPTIONAL {{ ?term <{_RDFS}comment> ?comment FILTER(lang(?comment) = "en" || lang(?comment) = "") }}
}} }} ORDER BY ?kind ?term""", dataset=Dataset(named=(ctx.iris.ontology_graph,), default=())))
    cells = []
    for row in rows:
        term = row["term"].value
        anchor = term.rsplit("#", 1)[-1]
        cells.append((f'<span id="{html.esc(anchor)}"><code>pow:{html.esc(anchor)}</code></span>',
                      html.esc(html.short(row["kind"].value)), html.esc(_text(row, "label") or ""),
                      html.esc(_text(row, "comment") or "")))
    return (f'<p>Namespace <code>{html.esc(ctx.iris.pow)}</code>.</p>'
            + html.table(("term", "kind", "label", "comment"), cells, cls="ontology")
            + html.downloads("/ontology", [("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples")]))


async def _graph_page(ctx: Context, name: str, path: str) -> str:
    rows = rows_as_dicts(await ctx.engine.solutions(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
        dataset=Dataset(default=(), named=(name,))))
    about = rows_as_dicts(await ctx.engine.solutions(
        f"SELECT ?p ?o WHERE {{ GRAPH <{name}> {{ <{name}> ?p ?o }} }}", dataset=Dataset(default=(), named=(name,))))
    facts = [(html.term_html(r["p"], ctx.local_path), html.term_html(r["o"], ctx.local_path)) for r in about]
    count = int(rows[0]["n"].value) if rows else 0
    return (f'<p class="iri"><code>{html.esc(name)}</code>: {count} triples.</p>'
            + (html.table(("property", "value"), facts, cls="facts") if facts else "")
            + html.downloads(path, [("trig", "TriG"), ("turtle", "Turtle"), ("ntriples", "N-Triples"),
                                    ("jsonld", "JSON-LD")]))
