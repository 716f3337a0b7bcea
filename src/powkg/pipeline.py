"""The only place where stages are composed (DESIGN.md, "The flow of data").

    read -> extract -> map -> check -> store -> reason -> validate

One broken file never stops the rest: each input ends as an ``IngestOutcome`` (stored, unchanged,
quarantined with its report, or refused with its reason), and what cannot be kept as fact is kept in a
quarantine graph with the reason, outside every query's default graph.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from . import __version__
from .extraction import extract_facts
from .fastshacl import ArticleChecker, stated_nodes, validate_articles, validate_cross
from .fastshacl import validate_store as fast_validate_store
from .iris import DCTERMS, RDF, RDFS, Iris
from .mapping import Triple, to_triples
from .model import Article, IngestOutcome, Report, Unreadable
from .reading import article_files, read_file
from .rules import Schema, infer_all, infer_article, schema_of
from .settings import Settings
from .store import Store
from .store.terms import from_ntriples, to_ntriples
from .validation import ARTICLE_SHAPES, GRAPH_SHAPES, load_shapes, merge
from .vocabulary import Gazetteer, gazetteer_from_graph, load_ontology

Progress = Callable[[IngestOutcome], None]


@dataclass(frozen=True)
class Project:
    """What the stages need, loaded once: settings, IRIs, ontology with vocabulary, gazetteer, shapes."""

    settings: Settings
    iris: Iris
    ontology: Graph
    gazetteer: Gazetteer
    article_shapes: Graph
    graph_shapes: Graph

    @cached_property
    def checker(self) -> ArticleChecker:
        """The check stage's engine: the article shapes compiled to SPARQL (pyshacl's results, faster)."""
        return ArticleChecker(self.article_shapes, self.ontology, iris=self.iris)

    @cached_property
    def ontology_digest(self) -> str:
        """A digest of the ontology and vocabulary: an edit that keeps the number of triples shows too."""
        lines = sorted(" ".join(term.n3() for term in triple) for triple in self.ontology)
        return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

    @cached_property
    def rules(self) -> Schema:
        """The OWL 2 RL rules the ontology gives (powkg.rules), read once."""
        return schema_of(self.ontology)

    @classmethod
    def load(cls, settings: Settings) -> Project:
        iris = Iris(settings.base_iri)
        ontology = load_ontology(settings.ontology_dir)
        return cls(settings=settings, iris=iris, ontology=ontology,
                   gazetteer=gazetteer_from_graph(ontology, iris),
                   article_shapes=load_shapes(settings.shapes_dir, ARTICLE_SHAPES),
                   graph_shapes=load_shapes(settings.shapes_dir, GRAPH_SHAPES))


@dataclass(frozen=True)
class BuildResult:
    outcomes: tuple[IngestOutcome, ...]
    inferred: int
    report: Report
    seconds: tuple[tuple[str, float], ...] = ()     # wall time of each stage, in order


# -- ingest -------------------------------------------------------------------------------------
def ensure_ontology(store: Store, project: Project) -> bool:
    """Load the ontology and vocabulary into their graph when the store lacks them or they changed;
    whether they were (re)loaded. The graph states the digest of the files it was loaded from."""
    name = project.iris.ontology_graph
    loaded_from = (URIRef(name), DCTERMS.hasVersion, Literal(project.ontology_digest))
    if store.query(f"ASK {{ GRAPH <{name}> {{ {' '.join(t.n3() for t in loaded_from)} }} }}").boolean:
        return False
    store.replace_graph(name, [*project.ontology, loaded_from])
    return True


@dataclass(frozen=True)
class Prepared:
    """An article read, extracted and mapped (the pure part of ingest), or why it could not be."""

    source: str
    article: Article | None = None
    graph: tuple[Triple, ...] | None = None     # the triples of its named graph, until it is checked
    ntriples: bytes = b""                       # the same as N-Triples: what crosses processes and is stored
    triples: int = 0
    exchanges: int = 0
    failure: str | None = None
    report: Report | None = None                # its check report, when checked as it was prepared


def ingest(paths: Iterable[Path], store: Store, project: Project, progress: Progress | None = None, *,
           workers: int = 1, overrides: Mapping[str, Any] | None = None) -> list[IngestOutcome]:
    """Ingest files and folders of articles; each article's graph is replaced as a whole (``Store``).

    Reading, extraction, mapping and the check are pure, so with ``workers`` > 1 and enough files they
    run in that many processes; storing stays in this one, in the order of the files, a chunk at a time.
    """
    ensure_ontology(store, project)
    files = article_files(paths)
    outcomes = []
    for chunk in _batches(_prepare_all(files, store, project, workers, dict(overrides or {}))):
        for batch in _without_repeats(chunk):
            for outcome in commit(batch, store, project):
                outcomes.append(outcome)
                if progress:
                    progress(outcome)
    return outcomes


def _current_graphs(store: Store, project: Project, among: Collection[str] | None = None) -> frozenset[str]:
    """The article graphs (of those ``among``, or all) this extractor version wrote: their articles need
    no check again."""
    among_them = "" if among is None else f"VALUES ?g {{ {' '.join(f'<{g}>' for g in sorted(among))} }} "
    rows = store.query(f"SELECT ?g WHERE {{ {among_them}GRAPH ?g {{ ?g <{project.iris.pow.extractorVersion}> "
                       f'?version }} FILTER(STR(?version) = "{__version__}") }}').rows
    return frozenset(str(row["g"]) for row in rows)


def prepare_file(path: Path, project: Project, overrides: Mapping[str, Any] | None = None) -> list[Prepared]:
    """Read one file (a .jsonl file may hold many articles), then extract and map each article; a file
    or record that cannot be read is a failure of its own. ``overrides`` go to the reader (a language
    given there is not detected)."""
    found = read_file(path, max_bytes=project.settings.max_article_bytes, **(overrides or {}))
    return [Prepared(source=a.source, failure=str(a)) if isinstance(a, Unreadable) else prepare(a, project)
            for a in found]


def prepare(article: Article, project: Project) -> Prepared:
    try:
        facts = extract_facts(article, project.gazetteer)
        graph = to_triples(facts, article, gazetteer=project.gazetteer, iris=project.iris)
    # The per-article boundary: a fault in extraction must cost this article only, and leave a trace.
    except Exception as exc:  # noqa: BLE001
        return Prepared(source=article.source, article=article,
                        failure=f"extraction failed: {type(exc).__name__}: {exc}")
    return Prepared(source=article.source, article=article, graph=graph, ntriples=to_ntriples(graph),
                    triples=len(graph), exchanges=len(facts.exchanges))


def prepare_chunk(paths: Sequence[Path], project: Project, overrides: Mapping[str, Any] | None = None,
                  current: Callable[[Collection[str]], Collection[str]] | None = None) -> list[Prepared]:
    """``prepare_file`` of each path, then the check of each article graph that ``current`` (given the
    chunk's graph names) does not name as stored by this version, all in one pass: its queries cost
    about as much for many graphs as for one."""
    prepared = [p for path in paths for p in prepare_file(path, project, overrides)]
    names = {i: project.iris.article_graph(p.article.digest) for i, p in enumerate(prepared)
             if p.article is not None and p.graph is not None}
    stored = current(names.values()) if current is not None and names else ()
    new = [i for i, name in names.items() if name not in stored]
    reports = project.checker.check_many([prepared[i].graph or () for i in new], with_turtle=False) if new else []
    for i, report in zip(new, reports, strict=True):
        prepared[i] = replace(prepared[i], report=report)
    # From here on the N-Triples stand for the graph: rdflib terms cost ten times more to pickle to
    # another process, and to keep for a batch.
    return [replace(p, graph=None) for p in prepared]


# Files prepared (and checked) together, in this process or in one task of a worker.
_CHUNK = 64
# Worker processes inherit the project and the current graphs through fork; only file paths and results
# cross processes.
_WORKER_PROJECT: Project | None = None
_WORKER_CURRENT: frozenset[str] = frozenset()
_PARALLEL_FROM = 64


def _prepare_in_worker(job: tuple[list[Path], dict[str, Any]]) -> list[Prepared]:
    assert _WORKER_PROJECT is not None
    return prepare_chunk(job[0], _WORKER_PROJECT, job[1], lambda _names: _WORKER_CURRENT)


def _prepare_all(files: list[Path], store: Store, project: Project, workers: int,
                 overrides: dict[str, Any]) -> Iterator[list[Prepared]]:
    global _WORKER_PROJECT, _WORKER_CURRENT
    parallel = workers > 1 and len(files) >= _PARALLEL_FROM and "fork" in mp.get_all_start_methods()
    # Chunks small enough that every worker gets one, large enough for the check's pass to pay.
    size = min(_CHUNK, -(-len(files) // workers)) if parallel else _CHUNK
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    if not parallel:
        # The store is asked about each chunk's graphs alone: an ingest of a few articles costs in
        # proportion to them, not to the store.
        for chunk in chunks:
            yield prepare_chunk(chunk, project, overrides, partial(_current_graphs, store, project))
        return
    _ = project.checker       # compiled once, before the workers fork
    # The workers cannot ask the store: every current graph is listed once, for all of them.
    _WORKER_PROJECT, _WORKER_CURRENT = project, _current_graphs(store, project)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_prepare_in_worker, [(chunk, overrides) for chunk in chunks])
    finally:
        _WORKER_PROJECT, _WORKER_CURRENT = None, frozenset()


def commit(batch: Sequence[Prepared], store: Store, project: Project) -> list[IngestOutcome]:
    """Store prepared articles (the new graphs in one ``add_graphs``), or keep in quarantine those whose
    check fails, with the reason. No two articles of ``batch`` may share a graph or a source: what the
    store holds is asked once for the batch."""
    iris = project.iris
    names = {p.source: iris.article_graph(p.article.digest) for p in batch if p.article is not None}
    stored = _stored_by(store, list(names.values()), project)
    earlier = _other_versions(store, [p.article for p in batch if p.article is not None], project)
    outcomes: list[IngestOutcome | None] = []
    kept: dict[str, Prepared] = {}
    for prepared in batch:
        article = prepared.article
        if article is None or prepared.failure is not None:
            outcomes.append(refuse(prepared.source, prepared.failure or "unknown failure", store, project,
                                   article=article))
            continue
        name = names[prepared.source]
        if stored.get(name) == __version__:
            outcomes.append(IngestOutcome(source=article.source, article_id=article.id, graph=name,
                                          status="unchanged"))
            continue
        report = prepared.report or check(_triples(prepared), project, with_turtle=False)
        if not report.conforms:
            outcomes.append(quarantine(prepared, store, project))
            continue
        kept[name] = replace(prepared, report=report)
        outcomes.append(None)           # stored below, with the others
    store.add_graphs({name: prepared.ntriples for name, prepared in kept.items()})
    for name, prepared in kept.items():
        for graph in [*earlier.get(prepared.source, ()), iris.quarantine_graph(prepared.article.digest)]:  # type: ignore[union-attr]
            if graph != name:
                store.drop_graph(graph)
    written = iter(kept.items())
    return [outcome or _stored(*next(written), stored, earlier) for outcome in outcomes]


def _stored(name: str, prepared: Prepared, stored: Mapping[str, str],
            earlier: Mapping[str, list[str]]) -> IngestOutcome:
    article, report = prepared.article, prepared.report
    assert article is not None and report is not None
    stale = tuple(g for g in earlier.get(prepared.source, ()) if g != name)
    return IngestOutcome(source=article.source, article_id=article.id, graph=name, exchanges=prepared.exchanges,
                         triples=prepared.triples, report=report,
                         warnings=tuple(f"{r.severity}: {r.message}" for r in report.results),
                         replaced=(*stale, name) if name in stored else stale)


def quarantine(prepared: Prepared, store: Store, project: Project) -> IngestOutcome:
    """Keep an article whose graph fails the article shapes in quarantine, with the full report."""
    article, graph = prepared.article, _triples(prepared)
    assert article is not None
    iris = project.iris
    report = check(graph, project)
    quarantined = Graph()
    for triple in graph:
        quarantined.add(triple)
    quarantined.parse(data=report.turtle, format="turtle")
    store.replace_graph(iris.quarantine_graph(article.digest), quarantined)
    store.drop_graph(iris.article_graph(article.digest))
    return IngestOutcome(source=article.source, article_id=article.id, graph=iris.quarantine_graph(article.digest),
                         status="quarantined", exchanges=prepared.exchanges, triples=prepared.triples,
                         reason=f"{report.violations} violation(s) of the article shapes", report=report)


def _triples(prepared: Prepared) -> Sequence[Triple]:
    return prepared.graph if prepared.graph is not None else from_ntriples(prepared.ntriples)


# Articles stored together: the bulk loader's cost per call grows with the store (bench/README.md).
_BATCH = 512


def _batches(chunks: Iterable[list[Prepared]]) -> Iterator[list[Prepared]]:
    """The prepared chunks joined into batches of at least ``_BATCH`` articles (the last one smaller)."""
    batch: list[Prepared] = []
    for chunk in chunks:
        batch += chunk
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _without_repeats(chunk: Sequence[Prepared]) -> Iterator[list[Prepared]]:
    """The chunk cut where an article repeats the graph or the source of one before it in the same
    piece (a file given twice, two versions of one article): each piece is committed after the last."""
    piece: list[Prepared] = []
    seen: set[str] = set()
    for prepared in chunk:
        keys = {prepared.source} | ({prepared.article.digest} if prepared.article is not None else set())
        if keys & seen:
            yield piece
            piece, seen = [], set()
        piece.append(prepared)
        seen |= keys
    if piece:
        yield piece


def check(graph: Iterable[Triple], project: Project, *, with_turtle: bool = True) -> Report:
    """SHACL on one article's graph alone (with the ontology and vocabulary beside it)."""
    return project.checker.check(graph, with_turtle=with_turtle)


def refuse(source: str, reason: str, store: Store, project: Project, *,
           article: Article | None = None) -> IngestOutcome:
    """Keep a record of an input that could not become facts, with its reason, in quarantine."""
    digest = article.digest if article else hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    name = project.iris.quarantine_graph(digest)
    record = Graph()
    node = URIRef(name)
    record.add((node, RDF.type, project.iris.pow.QuarantinedInput))
    record.add((node, DCTERMS.source, Literal(source)))
    record.add((node, RDFS.comment, Literal(reason)))
    store.replace_graph(name, record)
    return IngestOutcome(source=source, article_id=article.id if article else None, graph=name,
                         status="refused", reason=reason)


def _stored_by(store: Store, graph_names: Sequence[str], project: Project) -> dict[str, str]:
    """The extractor version that wrote each of the graphs the store holds ("" if it states none)."""
    if not graph_names:
        return {}
    listed = " ".join(f"<{g}>" for g in sorted(set(graph_names)))
    rows = store.query(f"SELECT ?g ?version WHERE {{ VALUES ?g {{ {listed} }} "
                       f"GRAPH ?g {{ ?g <{project.iris.pow.extractorVersion}> ?version }} }}").rows
    versions = {str(row["g"]): str(row["version"]) for row in rows}
    if len(versions) < len(set(graph_names)):
        # Graphs that state no version: listed, not matched (an empty GRAPH pattern is not portable).
        held = set(store.graph_names())
        versions.update({name: "" for name in graph_names if name in held and name not in versions})
    return versions


def _other_versions(store: Store, articles: Sequence[Article], project: Project) -> dict[str, list[str]]:
    """The graphs of each article's source, by source: a corrected article replaces what it said before."""
    if not articles:
        return {}
    sources = " ".join(Literal(a.source).n3() for a in articles)
    answer = store.query(f"SELECT DISTINCT ?source ?g WHERE {{ VALUES ?source {{ {sources} }} "
                         f"GRAPH ?g {{ ?a a <{project.iris.pow.Article}> ; <{DCTERMS.source}> ?source }} }}")
    found: dict[str, list[str]] = {}
    for row in answer.rows:
        found.setdefault(str(row["source"]), []).append(str(row["g"]))
    return {source: sorted(graphs) for source, graphs in found.items()}


# -- reason and validate ------------------------------------------------------------------------
def article_graph_names(store: Store, project: Project) -> list[str]:
    return [g for g in store.graph_names() if project.iris.is_article_graph(g)]


def reason(store: Store, project: Project) -> int:
    """Recompute the inferred graph from the ontology and every article graph; the number of triples.

    The OWL 2 RL rules the ontology uses run as SPARQL Update on the store (powkg.rules); owlrl
    (powkg.reasoning) is the reference the tests compare them with.
    """
    return infer_all(store, project.iris.ontology_graph, project.iris.inferred_graph)


def validate_store(store: Store, project: Project, *, checked: Mapping[str, Report] | None = None) -> Report:
    """Whole-graph validation: each article graph on its own, then the union for cross-article checks.

    The shapes run as SPARQL on the store (powkg.fastshacl), which gives pyshacl's results; the
    tests compare the two on the development corpus and on planted violations. ``checked``: the check
    reports of article graphs, which the article shapes then skip; the report has no Turtle then.
    """
    iris = project.iris
    if not checked:
        return fast_validate_store(store, project.article_shapes, project.graph_shapes,
                                   ontology_graph=iris.ontology_graph, iris=iris)
    others = [g for g in article_graph_names(store, project) if g not in checked]
    articles = validate_articles(store, project.article_shapes, others, ontology_graph=iris.ontology_graph,
                                 iris=iris, with_turtle=False) if others else None
    cross = validate_cross(store, project.graph_shapes, ontology_graph=iris.ontology_graph, iris=iris,
                           with_turtle=False)
    return merge([*checked.values(), *([articles] if articles else []), cross], with_turtle=False)


def build(paths: Iterable[Path], store: Store, project: Project, progress: Progress | None = None, *,
          workers: int = 1, overrides: Mapping[str, Any] | None = None, with_turtle: bool = False) -> BuildResult:
    """Ingest, then reason and validate over the whole graph.

    The article shapes ran on each article checked as it was ingested, and run again only on the
    graphs this build did not check (stored earlier by this version); ``with_turtle`` asks for the
    report as Turtle too, which runs them on every graph.
    """
    clock = _Stopwatch()
    outcomes = clock.lap("ingest", ingest, paths, store, project, progress, workers=workers, overrides=overrides)
    inferred = clock.lap("reasoning", reason, store, project)
    checked = None if with_turtle else \
        {o.graph: o.report for o in outcomes if o.status == "stored" and o.graph and o.report is not None}
    report = clock.lap("validation", validate_store, store, project, checked=checked)
    return BuildResult(outcomes=tuple(outcomes), inferred=inferred, report=report, seconds=tuple(clock.laps))


class _Stopwatch:
    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []

    def lap(self, stage: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return work(*args, **kwargs)
        finally:
            self.laps.append((stage, time.perf_counter() - started))


# Past this many new articles in one call, one full reasoning run costs less than one run per article.
_INFER_EACH_UP_TO = 32


def extend(paths: Iterable[Path], store: Store, project: Project, progress: Progress | None = None, *,
           workers: int = 1, overrides: Mapping[str, Any] | None = None) -> BuildResult:
    """Ingest, then reason over what the new articles add and validate what they touch: work in
    proportion to the change, not to the graph. ``inferred`` is the number of triples inferred anew.

    The results are those of a full run (build) about the stored articles' nodes. Reasoning is
    incremental for articles added to a closed graph (rules.infer_article); when an article replaced
    an earlier version, the ontology changed, or the inferred graph is missing, it runs in full.
    """
    reloaded = ensure_ontology(store, project)
    closed = not reloaded and _closed(store, project)
    outcomes = ingest(paths, store, project, progress, workers=workers, overrides=overrides)
    stored = [o for o in outcomes if o.status == "stored" and o.graph is not None]
    if not stored:
        inferred = 0 if closed else reason(store, project)
    elif closed and len(stored) <= _INFER_EACH_UP_TO and not any(o.replaced for o in stored):
        iris = project.iris
        inferred = sum(infer_article(store, iris.ontology_graph, o.graph, iris.inferred_graph, schema=project.rules)
                       for o in stored)
    else:
        inferred = reason(store, project)
    # The article shapes ran on each new graph when it was checked; the cross-article shapes run on
    # the nodes the new graphs state something about: together, what a full run reports about them.
    touched = stated_nodes(store, [o.graph for o in stored if o.graph is not None])
    cross = validate_cross(store, project.graph_shapes, touched, ontology_graph=project.iris.ontology_graph,
                           iris=project.iris, with_turtle=False)
    report = merge([*(o.report for o in stored if o.report is not None), cross], with_turtle=False)
    return BuildResult(outcomes=tuple(outcomes), inferred=inferred, report=report)


def _closed(store: Store, project: Project) -> bool:
    """Whether the inferred graph holds the closure: it exists, or there is nothing to infer from."""
    iris = project.iris
    if store.query(f"ASK {{ GRAPH <{iris.inferred_graph}> {{ ?s ?p ?o }} }}").boolean:
        return True
    return not article_graph_names(store, project)
