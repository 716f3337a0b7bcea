"""Running compiled shapes on a store: the article scope for many articles at once, the cross-article
scope over the union, and the check of one article that is not stored yet.

The article scope (shapes/article.ttl) is defined per article: the data graph is one article graph plus
the ontology graph. Run for every article at once, each check is split by where its focus nodes come
from (SHACL 1.0 §2.1.3):

- focus nodes found in an article graph are checked with ``?g`` bound to that article, every pattern
  matching in ``GRAPH ?g`` or in the ontology graph (ArticleScope);
- focus nodes found in the ontology graph (the vocabulary) are checked once against the ontology
  graph alone, and that result holds for every *clean* article: one that states nothing about a node
  of the ontology graph (no triple whose subject is such a node). A check that only follows triples
  from their subject cannot reach a triple of a clean article from a vocabulary node, so its answer is
  the same in every clean article's data graph. Checks that follow triples backwards (inverse paths,
  SHACL-SPARQL) are run per article instead.

Articles that are not clean are checked one by one in a scratch store (what a single-article check
does anyway), where the union of their graph and the ontology graph is exact by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from threading import RLock
from typing import Protocol

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..iris import Iris, is_served
from ..store import QueryResult, Store
from . import fusion
from .checks import Check, RawResult
from .compiler import CompiledShapes
from .focus import ObjectsOf, Plan, SubjectsOf, TargetClass, TargetNode
from .parallel import concurrently
from .report import articles_stating, build_report
from .scopes import ARTICLES, ONTOLOGY, ArticleOnlyScope, ArticleScope, Kinds, OntologyScope, UnionScope
from .scratch import ScratchStore, Terms, graph_quads

Select = Callable[[str], list[dict[str, Node]]]
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_VALUES_LIMIT = 60          # up to this many articles, name them in a VALUES clause


class Readable(Protocol):
    """What the article scope reads from a store: a powkg Store, or a scratch store."""

    def query(self, sparql: str) -> QueryResult: ...

    def graph(self, name: str) -> Graph: ...


def selector(store: Readable) -> Select:
    def select(sparql: str) -> list[dict[str, Node]]:
        return list(store.query(sparql).rows)
    return select


def _ask(store: Readable, sparql: str) -> bool:
    return bool(store.query(sparql).boolean)


def literal_objects(store: Readable) -> Callable[[str], bool]:
    """Whether every object of a predicate, in any graph, is a literal (cached for one run)."""
    known: dict[str, bool] = {}

    def check(predicate: str) -> bool:
        if predicate not in known:
            known[predicate] = (_ask(store, f"ASK {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }}") and not
                                _ask(store, f"ASK {{ GRAPH ?g {{ ?s <{predicate}> ?o FILTER(!isLiteral(?o)) }} }}"))
        return known[predicate]
    return check


@dataclass
class Ontology:
    """What the checks need from the ontology graph: its IRI and the subclasses of a class."""

    iri: str
    select: Select
    _subclasses: dict[URIRef, list[URIRef]] = field(default_factory=dict)

    def subclasses(self, cls: URIRef) -> list[URIRef]:
        """The class and every class below it by rdfs:subClassOf in the ontology graph."""
        if cls not in self._subclasses:
            rows = self.select(f"SELECT DISTINCT ?c WHERE {{ GRAPH <{self.iri}> {{ ?c <{_SUBCLASS}>+ {cls.n3()} }} }}")
            found = [cls] + sorted({URIRef(str(r["c"])) for r in rows if isinstance(r.get("c"), URIRef)} - {cls})
            self._subclasses[cls] = found
        return self._subclasses[cls]


# -- which graphs a run sees -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Articles:
    """The article graphs a run covers, and how a query names them."""

    names: tuple[str, ...]
    others: tuple[str, ...]          # every other graph of the store (ontology, inferred, quarantine ...)
    # Name the others however few the articles: in a scratch store they are the ontology graph and a few
    # unclean articles, and pyoxigraph matches GRAPH ?g far faster under that FILTER than under a VALUES.
    by_exclusion: bool = False

    def prefix(self, var: str = "?g") -> str:
        if len(self.names) <= _VALUES_LIMIT and not self.by_exclusion:
            return f"VALUES {var} {{ {' '.join(f'<{n}>' for n in self.names)} }}"
        return f"FILTER({var} NOT IN ({', '.join(f'<{g}>' for g in self.others)}))" if self.others else ""


def _kinds(store: Readable, articles: Articles, ontology: str,
           known: dict[tuple[str, str], bool] | None = None) -> Kinds:
    """``known``: answers about the ontology graph kept from earlier runs on the same ontology graph."""
    known = {} if known is None else known

    def lookup(kind: str, what: str, iri: str) -> bool:
        pattern = f"?s <{iri}> ?o" if what == "predicate" else f"?s a <{iri}>"
        if kind == ONTOLOGY:
            if (what, iri) not in known:
                known[(what, iri)] = _ask(store, f"ASK {{ GRAPH <{ontology}> {{ {pattern} }} }}")
            return known[(what, iri)]
        return _ask(store, f"ASK {{ {articles.prefix()} GRAPH ?g {{ {pattern} }} }}")
    return Kinds(lookup)


def _require_ontology_subclasses(kinds: Kinds) -> None:
    from .errors import UnsupportedShapeError

    if ARTICLES in kinds.of(f"<{_SUBCLASS}>", "?x"):
        raise UnsupportedShapeError("an article graph states rdfs:subClassOf: SHACL class membership "
                                    "would then differ per article, which the fast engine does not model")


def _target_nodes(compiled: CompiledShapes) -> list[URIRef]:
    """The nodes the shapes name with sh:targetNode."""
    return [s.node for ch in compiled.checks for s in ch.focus.sources if isinstance(s, TargetNode)]


def _ontology_nodes(store: Readable, ontology: str) -> set[str]:
    return {str(r["n"]) for r in store.query(
        f"SELECT DISTINCT ?n WHERE {{ GRAPH <{ontology}> {{ {{ ?n ?p ?o }} UNION {{ ?s ?p ?n }} }} "
        "FILTER(isIRI(?n)) }").rows}


def _dirty(store: Readable, articles: Articles, ontology: str, target_nodes: Iterable[URIRef],
           ontology_nodes: set[str] | None = None) -> set[str]:
    """Article graphs with a triple whose subject is a node of the ontology graph (or a target node)."""
    nodes = (ontology_nodes if ontology_nodes is not None else _ontology_nodes(store, ontology)) | \
        {str(n) for n in target_nodes}
    dirty: set[str] = set()
    ordered = sorted(nodes)
    for start in range(0, len(ordered), 500):
        chunk = " ".join(f"<{n}>" for n in ordered[start:start + 500])
        rows = store.query(f"SELECT DISTINCT ?g WHERE {{ VALUES ?n {{ {chunk} }} GRAPH ?g {{ ?n ?p ?o }} "
                           f"{articles.prefix()} }}").rows
        dirty |= {str(r["g"]) for r in rows}
    return dirty & set(articles.names)


def _branches(check: Check, kinds: Kinds, ontology: Ontology) -> tuple[bool, bool]:
    """Whether the check's focus nodes can come from article graphs, and from the ontology graph."""
    article = onto = False
    focus = check.focus
    while len(focus.sources) == 1 and hasattr(focus.sources[0], "parent"):
        focus = focus.sources[0].parent  # type: ignore[union-attr]
    for source in focus.sources:
        if isinstance(source, TargetNode):
            onto = True
            continue
        if isinstance(source, TargetClass):
            found: frozenset[str] = frozenset()
            for cls in ontology.subclasses(source.cls):
                found |= kinds.of("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", cls.n3())
        elif isinstance(source, SubjectsOf | ObjectsOf):
            found = kinds.of(source.predicate.n3(), "?o")
        else:   # a chain inside a union of sources: both, to be safe
            found = frozenset({ARTICLES, ONTOLOGY})
        article = article or ARTICLES in found
        onto = onto or ONTOLOGY in found
    return article, onto


# -- the article scope --------------------------------------------------------------------------------------

Item = tuple[RawResult, tuple[str, ...]]


def run_articles(store: Readable, compiled: CompiledShapes, articles: Articles, ontology_iri: str, iris: Iris, *,
                 scratch: ScratchChecker | None = None, dirty: set[str] | None = None) -> list[Item]:
    """Article-scope results for many articles, each with the ids of the articles stating its focus node
    in its own data graph."""
    select = selector(store)
    ontology = scratch.vocabulary if scratch else Ontology(ontology_iri, select)
    kinds = _kinds(store, articles, ontology_iri, scratch.known if scratch else None)
    _require_ontology_subclasses(kinds)
    target_nodes = _target_nodes(compiled)
    dirty = _dirty(store, articles, ontology_iri, target_nodes) if dirty is None else dirty
    clean = [n for n in articles.names if n not in dirty]
    per_article: list[RawResult] = []
    everyone: list[RawResult] = []          # results on the ontology graph, true in every clean article
    if clean:
        scope_articles = Articles(tuple(clean), tuple(sorted(set(articles.others) | dirty)), articles.by_exclusion)
        article_scope = ArticleScope("?g", ontology_iri, kinds)
        onto_scope = OntologyScope(ontology_iri)
        literal = literal_objects(store)
        cheap = scratch is not None       # the store is a scratch store
        own = Plan(article_scope, ArticleOnlyScope("?g"), ontology.subclasses, graph="?g",
                   prefix=scope_articles.prefix(), target_nodes=False, literal_objects=literal, rows_are_cheap=cheap)
        shared = Plan(onto_scope, onto_scope, ontology.subclasses, literal_objects=literal, rows_are_cheap=cheap)
        each = Plan(article_scope, onto_scope, ontology.subclasses, graph="?g",
                    prefix=f"GRAPH ?g {{}} {scope_articles.prefix()}", literal_objects=literal, rows_are_cheap=cheap)
        branches = {id(check): _branches(check, kinds, ontology) for check in compiled.checks}
        # A scratch checker keeps the results on the ontology graph alone, which are the same every run.
        kept = scratch.ontology_results() if scratch else None
        fusion.prefetch([ch for ch in compiled.checks if branches[id(ch)][0]], select, own)
        if kept is None:
            fusion.prefetch([ch for ch in compiled.checks if branches[id(ch)][1] and ch.forward], select, shared)
        fusion.prefetch([ch for ch in compiled.checks if branches[id(ch)][1] and not ch.forward], select, each)

        def run(check: Check) -> tuple[list[RawResult], list[RawResult]]:
            from_articles, from_ontology = branches[id(check)]
            mine = check.run(select, own) if from_articles else []
            if from_ontology and not check.forward:
                mine += check.run(select, each)
            if not (from_ontology and check.forward):
                return mine, []
            return mine, (check.run(select, shared) if kept is None else kept.get(id(check), []))

        for mine, common in concurrently(run, compiled.checks):
            per_article.extend(mine)
            everyone.extend(common)
    scope = ArticleScope("?g", ontology_iri, kinds)
    stating = articles_stating(select, scope, "?g", iris, [(r.graph, r.focus) for r in per_article])
    stating.update(articles_stating(select, OntologyScope(ontology_iri), None, iris,
                                    [(None, r.focus) for r in everyone]))
    items: list[Item] = [(r, stating.get((r.graph, r.focus), ())) for r in per_article]
    items.extend((r, stating.get((None, r.focus), ())) for r in everyone)
    if dirty:
        checker = scratch or ScratchChecker(compiled, store.graph(ontology_iri))
        for name in sorted(dirty):
            items.extend((replace(raw, graph=name), stating) for raw, stating in checker.items(store.graph(name), iris))
    return items


class ScratchChecker:
    """Checks one article graph (stored or not) in a scratch store holding the ontology graph.

    The article's triples that the ontology graph already holds are left out, so that every triple of
    the data graph is in exactly one of the two graphs.
    """

    # Scratch graphs (iris.SCRATCH_MARK): the store keeps no union of them, which would be wasted work.
    ARTICLE = "urn:powkg:fastshacl/scratch/article"
    ONTOLOGY = "urn:powkg:fastshacl/scratch/ontology"

    def __init__(self, compiled: CompiledShapes, ontology: Graph) -> None:
        self.compiled = compiled
        self.ontology = ontology
        self._ontology_triples = frozenset(ontology)
        self._ontology_quads = graph_quads(self.ONTOLOGY, ontology)
        self._terms = Terms()      # shared by the scratch stores
        # What is known of the ontology graph holds in every scratch store: it is asked once, here.
        alone = self._store({})
        self._alone = selector(alone)
        self._nodes = _ontology_nodes(alone, self.ONTOLOGY)
        self.vocabulary = Ontology(self.ONTOLOGY, self._alone)
        self.known: dict[tuple[str, str], bool] = {}     # _kinds' answers about the ontology graph
        self._lock = RLock()     # run_articles, called under it, checks an unclean article with items()
        self._from_ontology: dict[int, list[RawResult]] | None = None

    def _store(self, graphs: dict[str, list[tuple[Node, Node, Node]]]) -> ScratchStore:
        """A new scratch store holding the ontology graph and ``graphs``."""
        return ScratchStore(graphs, self._terms, base=self._ontology_quads)

    def _own(self, graph: Iterable[tuple[Node, Node, Node]]) -> list[tuple[Node, Node, Node]]:
        # A list, not a Graph: the store only iterates it, and a Graph costs far more per triple. A triple
        # given twice is written twice and stored once.
        return [t for t in graph if t not in self._ontology_triples]

    def items(self, graph: Iterable[tuple[Node, Node, Node]], iris: Iris) -> list[Item]:
        """The article-scope results for ``graph`` (pyshacl's multiplicities kept), with the articles
        stating each focus node."""
        with self._lock:
            store = self._store({self.ARTICLE: self._own(graph)})
            select = selector(store)
            kinds = _kinds(store, Articles((self.ARTICLE,), (self.ONTOLOGY,)), self.ONTOLOGY, self.known)
            raws = self._run(store, select, kinds)
            scope = ArticleScope(f"<{self.ARTICLE}>", self.ONTOLOGY, kinds)
            stating = articles_stating(select, scope, None, iris, [(None, r.focus) for r in raws])
            return [(r, stating.get((None, r.focus), ())) for r in raws]

    def items_many(self, graphs: Sequence[Iterable[tuple[Node, Node, Node]]], iris: Iris) -> list[list[Item]]:
        """``items`` of each graph, all checked in one pass (run_articles): a few queries for the lot
        instead of a few for each."""
        with self._lock:
            names = [f"{self.ARTICLE}/{number}" for number in range(len(graphs))]
            store = self._store({name: self._own(graph) for name, graph in zip(names, graphs, strict=True)})
            articles = Articles(tuple(names), (self.ONTOLOGY,), by_exclusion=True)
            target_nodes = _target_nodes(self.compiled)
            dirty = _dirty(store, articles, self.ONTOLOGY, target_nodes, self._nodes)
            items = run_articles(store, self.compiled, articles, self.ONTOLOGY, iris, scratch=self, dirty=dirty)
        found: dict[str | None, list[Item]] = {name: [] for name in names}
        found[None] = []              # results on the ontology graph: true in every clean article's data graph
        for raw, stating in items:
            found[raw.graph].append((replace(raw, graph=None), stating))
        return [found[name] + ([] if name in dirty else found[None]) for name in names]

    def _run(self, store: Readable, select: Select, kinds: Kinds) -> list[RawResult]:
        ontology = self.vocabulary
        articles = Articles((self.ARTICLE,), (self.ONTOLOGY,))
        _require_ontology_subclasses(kinds)
        target_nodes = _target_nodes(self.compiled)
        clean = not _dirty(store, articles, self.ONTOLOGY, target_nodes, self._nodes)
        scope = ArticleScope(f"<{self.ARTICLE}>", self.ONTOLOGY, kinds)
        own = Plan(scope, ArticleOnlyScope(f"<{self.ARTICLE}>"), ontology.subclasses, target_nodes=False,
                   rows_are_cheap=True)
        theirs_plan = Plan(scope, OntologyScope(self.ONTOLOGY), ontology.subclasses, rows_are_cheap=True)
        branches = {id(check): _branches(check, kinds, ontology) for check in self.compiled.checks}
        fusion.prefetch([ch for ch in self.compiled.checks if branches[id(ch)][0]], select, own)
        fusion.prefetch([ch for ch in self.compiled.checks if branches[id(ch)][1] and not (clean and ch.forward)],
                        select, theirs_plan)
        results: list[RawResult] = []
        for check in self.compiled.checks:
            from_articles, from_ontology = branches[id(check)]
            mine = check.run(select, own) if from_articles else []
            theirs: list[RawResult] = []
            if from_ontology and clean and check.forward:
                theirs = self.ontology_results().get(id(check), [])
            elif from_ontology:
                theirs = check.run(select, theirs_plan)
            # A focus node found in both graphs is one focus node: its results come from one branch.
            seen = {r.focus for r in mine}
            results.extend(mine)
            results.extend(r for r in theirs if r.focus not in seen)
        return results

    def ontology_results(self) -> dict[int, list[RawResult]]:
        """The results of each forward check (by id) on the ontology graph alone (computed once)."""
        with self._lock:
            if self._from_ontology is None:
                scope = OntologyScope(self.ONTOLOGY)
                plan = Plan(scope, scope, self.vocabulary.subclasses, rows_are_cheap=True)
                forward = [check for check in self.compiled.checks if check.forward]
                fusion.prefetch(forward, self._alone, plan)
                self._from_ontology = {id(check): check.run(self._alone, plan) for check in forward}
            return self._from_ontology


# -- the cross-article scope -------------------------------------------------------------------------------

def run_union(store: Store, compiled: CompiledShapes, articles: Articles, ontology_iri: str, iris: Iris, *,
              touched: Sequence[str] | None = None) -> list[Item]:
    """Results over the union of the article graphs and the ontology graph; with ``touched``, only those
    whose focus node or sh:value is one of the touched nodes (IRIs)."""
    select = selector(store)
    ontology = Ontology(ontology_iri, select)
    closure_graphs = _closure_graphs(store, articles, [_SUBCLASS], ontology_iri)
    if closure_graphs[_SUBCLASS] not in (None, ontology_iri):
        from .errors import UnsupportedShapeError

        raise UnsupportedShapeError("rdfs:subClassOf occurs outside the ontology graph")
    excluded = tuple(g for g in articles.others if g != ontology_iri)
    predicates, classes = _stated_in(store, [g for g in excluded if is_served(g)])
    scope = UnionScope(excluded, closure_graphs, excluded_predicates=predicates, excluded_classes=classes)
    terms = tuple(f"<{t}>" for t in touched) if touched is not None else None
    out: list[RawResult] = []
    seen: set[tuple] = set()
    plans = [Plan(scope, scope, ontology.subclasses, restrict=terms, dedupe=True,
                  literal_objects=literal_objects(store))]
    if terms is not None:
        plans.append(Plan(scope, scope, ontology.subclasses, restrict_value=terms, dedupe=True))
    fusion.prefetch(compiled.checks, select, plans[0])
    if terms is not None and not terms:
        plans = []
    for found in concurrently(lambda check: [raw for plan in plans for raw in check.run(select, plan)],
                              compiled.checks):
        for raw in found:
            key = (id(raw.check), raw.focus, raw.value, raw.path, raw.messages, raw.component)
            if terms is not None and key in seen:
                continue
            seen.add(key)
            out.append(raw)
    stating = articles_stating(select, scope, None, iris, [(None, r.focus) for r in out])
    return [(r, stating.get((None, r.focus), ())) for r in out]


def _stated_in(store: Store, graphs: Sequence[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The predicates the ``graphs`` use, and the classes they give with rdf:type."""
    if not graphs:
        return frozenset(), frozenset()
    listed = " ".join(f"<{g}>" for g in graphs)
    predicates = store.query(f"SELECT DISTINCT ?p WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }}").rows
    classes = store.query(f"SELECT DISTINCT ?c WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s a ?c }} }}").rows
    return frozenset(str(r["p"]) for r in predicates), frozenset(str(r["c"]) for r in classes)


def _closure_graphs(store: Store, articles: Articles, predicates: Iterable[str],
                    ontology: str) -> dict[str, str | None]:
    """For each predicate, the one graph of the union it occurs in (None: nowhere; '?': several)."""
    found: dict[str, str | None] = {}
    for predicate in predicates:
        rows = store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} "
                           f"FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in articles.others if g != ontology)})) }} "
                           "LIMIT 2").rows if articles.others else \
            store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }} LIMIT 2").rows
        graphs = [str(r["g"]) for r in rows]
        found[predicate] = None if not graphs else (graphs[0] if len(graphs) == 1 else "?")
    return found


def articles_of(store: Store, iris: Iris, article_graphs: Sequence[str] | None) -> Articles:
    names = store.graph_names()
    chosen = tuple(sorted(article_graphs)) if article_graphs is not None else \
        tuple(g for g in names if iris.is_article_graph(g))
    return Articles(chosen, tuple(g for g in names if g not in set(chosen)))


__all__ = ["Articles", "ScratchChecker", "articles_of", "build_report", "run_articles", "run_union"]
