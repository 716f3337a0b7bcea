"""The page for people at ``/`` (a query editor and a timeline of exchanges), and ``/health``.

The page is plain HTML; ``static/editor.js`` runs queries against ``/sparql`` and draws the answer,
``static/timeline.js`` draws the exchanges from the curated query ``exchanges-by-date``. Both are
served from this server: nothing is fetched from anywhere else, at build time or at run time.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from .. import __version__
from ..errors import QueryError
from ..queries import CuratedQuery
from . import html
from .context import Context, context
from .describe import dataset_stats

router = APIRouter()

EXAMPLE = """PREFIX pow: <{pow}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Every exchange with its date and the number returned to Ukraine, as each source states it
SELECT ?exchange ?date ?returned WHERE {{
  ?exchange a pow:Exchange .
  OPTIONAL {{ ?exchange pow:date ?date }}
  OPTIONAL {{ ?exchange pow:returnedToUkraine ?returned }}
}}
ORDER BY ?date
LIMIT 100
"""


@router.get("/", include_in_schema=False)
async def home(request: Request) -> Response:
    ctx = context(request)
    stats = await dataset_stats(ctx)
    classes = dict(stats.classes)
    pow_ns = str(ctx.iris.pow)
    body = _home(ctx, stats.triples, classes.get(pow_ns + "Exchange", 0), classes.get(pow_ns + "Article", 0))
    return Response(html.page("Prisoner-of-war exchanges between Ukraine and Russia", body,
                              scripts=("editor.js", "timeline.js")), media_type=html.HTML.content_type)


@router.get("/health", summary="Whether the server answers, and how busy its query workers are", tags=["Service"])
async def health(request: Request) -> JSONResponse:
    ctx = context(request)
    return JSONResponse({"status": "ok", "version": __version__, "engine": ctx.engine.status(),
                         "memory_copy": request.app.state.memory.state})


def _home(ctx: Context, triples: int, exchanges: int, articles: int) -> str:
    options = "".join(
        f'<option value="{html.esc(q.name)}" data-sparql="{html.esc(_bound_text(q))}">{html.esc(q.title)}</option>'
        for q in ctx.queries.values())
    formats = "".join(f'<option value="{v}">{label}</option>' for v, label in (
        ("", "table"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"), ("tsv", "TSV"),
        ("turtle", "Turtle (CONSTRUCT)"), ("jsonld", "JSON-LD (CONSTRUCT)")))
    example = html.esc(EXAMPLE.format(pow=ctx.iris.pow))
    return f"""<p class="lead">{exchanges} exchanges reported in {articles} articles, {triples} triples.
Every number links to the sentence that states it; where sources disagree, both values are kept.</p>
<section id="editor" data-base="{html.esc(ctx.iris.base)}">
<h2>Ask the graph in SPARQL</h2>
<form id="query-form" method="get" action="/sparql">
<textarea id="query" name="query" rows="14" spellcheck="false" aria-label="SPARQL query">{example}</textarea>
<div class="controls">
<label>Start from <select id="examples"><option value="">a curated query…</option>{options}</select></label>
<label>Answer as <select id="format" name="format">{formats}</select></label>
<button type="submit" id="run">Run</button> <span class="hint">Ctrl+Enter runs the query</span>
</div>
</form>
<div id="result" aria-live="polite"></div>
<p class="note">The endpoint is <a href="/sparql">/sparql</a> (SPARQL 1.1 Protocol); curated queries are
<a href="/queries">documented routes</a>; the whole graph is a <a href="/export">download</a>.</p>
</section>
<section id="timeline">
<h2>Exchanges, by date</h2>
<div id="timeline-chart" data-source="/queries/exchanges-by-date"><p class="loading">Loading the exchanges…</p></div>
<noscript><p>The timeline needs JavaScript; the same list is at
<a href="/queries/exchanges-by-date">/queries/exchanges-by-date</a>.</p></noscript>
</section>"""


def _bound_text(query: CuratedQuery) -> str:
    """A curated query with its defaults bound, or as written when a parameter is required."""
    try:
        return query.bind({})
    except QueryError:   # a required parameter: the text with its ?_name variable, for the user to fill in
        return query.text
