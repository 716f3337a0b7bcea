"""SHACL validation that scales with the graph: the shapes compiled into SPARQL queries that check every
focus node at once on the store, with pyshacl's results.

pyshacl (powkg.validation) stays the reference; this engine gives the same results (focus nodes,
constraint components, paths, severities, values, messages, and the articles each result names) for the
SHACL features powkg's shapes use, and raises ``UnsupportedShapeError`` when compiling a shape that uses
anything else. The two scopes of shapes/README.md:

    validate_articles(store, shapes, article_graphs=None, ontology_graph=None) -> Report
        shapes/article.ttl on each article graph plus the ontology graph, all articles in one pass
        (what pipeline.validate_store does article by article), results merged as validation.merge does
    validate_cross(store, shapes, touched=None, ...) -> Report
        shapes/graph.ttl on the union of the article graphs plus the ontology graph; with ``touched``,
        only the results whose focus node or sh:value is a touched node (incremental validation)
    validate_store(store, article_shapes, graph_shapes, ...) -> Report
        both, merged: the whole-graph validation run
    ArticleChecker(shapes, ontology).check(graph) -> Report, .check_many(graphs) -> list[Report]
        shapes/article.ttl on one article graph that is not stored yet (the pipeline's check stage),
        or on many at once
    touched_nodes(graph) -> list[str], stated_nodes(store, graphs) -> list[str]
        the nodes an article graph states something about: what an ingest touches

What the data graph is, exactly: the triples as the store holds them. Oxigraph stores xsd:integer
subtypes (xsd:nonNegativeInteger ...) as xsd:integer and literals in canonical form, so results equal
pyshacl's on the same triples read back from the store (tests/test_shacl_fast.py compares them so).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from weakref import WeakKeyDictionary

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..iris import Iris
from ..model import Report
from ..store import Store
from .compiler import CompiledShapes, compile_shapes
from .engine import ScratchChecker, articles_of, run_articles, run_union
from .errors import UnsupportedShapeError
from .report import build_report

__all__ = ["ArticleChecker", "CompiledShapes", "UnsupportedShapeError", "compile_shapes", "stated_nodes",
           "touched_nodes", "validate_articles", "validate_cross", "validate_store"]

_COMPILED: WeakKeyDictionary[Graph, CompiledShapes] = WeakKeyDictionary()


def compiled(shapes: Graph | CompiledShapes) -> CompiledShapes:
    """The compiled form of a shapes graph (compiled once per Graph object)."""
    if isinstance(shapes, CompiledShapes):
        return shapes
    if shapes not in _COMPILED:
        _COMPILED[shapes] = compile_shapes(shapes)
    return _COMPILED[shapes]


def validate_articles(store: Store, shapes: Graph | CompiledShapes, article_graphs: Sequence[str] | None = None,
                      ontology_graph: str | None = None, *, iris: Iris | None = None,
                      with_turtle: bool = True) -> Report:
    """The article shapes on every article graph (or those named), each with the ontology graph beside
    it; one Report with duplicates merged. Raises UnsupportedShapeError (a ShapesError)."""
    iris = iris or Iris()
    shapes_c = compiled(shapes)
    articles = articles_of(store, iris, article_graphs)
    if not articles.names:
        return build_report([], shapes_c.graph, dedupe=True, with_turtle=with_turtle)
    items = run_articles(store, shapes_c, articles, ontology_graph or iris.ontology_graph, iris)
    return build_report(items, shapes_c.graph, dedupe=True, with_turtle=with_turtle)


def validate_cross(store: Store, shapes: Graph | CompiledShapes, touched: Sequence[str] | None = None, *,
                   ontology_graph: str | None = None, article_graphs: Sequence[str] | None = None,
                   iris: Iris | None = None, with_turtle: bool = True) -> Report:
    """The cross-article shapes on the union of the article graphs (or those named) and the ontology
    graph. With ``touched`` (IRIs), only the results whose focus node or sh:value is touched: exactly
    those results of a full run. pyshacl's multiplicities are kept, as powkg.validation.validate keeps them."""
    iris = iris or Iris()
    shapes_c = compiled(shapes)
    articles = articles_of(store, iris, article_graphs)
    items = run_union(store, shapes_c, articles, ontology_graph or iris.ontology_graph, iris, touched=touched)
    return build_report(items, shapes_c.graph, dedupe=False, with_turtle=with_turtle)


def validate_store(store: Store, article_shapes: Graph | CompiledShapes, graph_shapes: Graph | CompiledShapes, *,
                   ontology_graph: str | None = None, iris: Iris | None = None, with_turtle: bool = True) -> Report:
    """Whole-graph validation, as pipeline.validate_store computes it: every article graph with the
    article shapes, the union with the cross-article shapes, one merged Report."""
    iris = iris or Iris()
    onto = ontology_graph or iris.ontology_graph
    articles = articles_of(store, iris, None)
    article_c, graph_c = compiled(article_shapes), compiled(graph_shapes)
    items = run_articles(store, article_c, articles, onto, iris) if articles.names else []
    items += run_union(store, graph_c, articles, onto, iris)
    merged = Graph()
    for triple in article_c.graph:
        merged.add(triple)
    for triple in graph_c.graph:
        merged.add(triple)
    return build_report(items, merged, dedupe=True, with_turtle=with_turtle)


class ArticleChecker:
    """The check stage for one article graph before it is stored: the article shapes on that graph and
    the ontology graph, in a scratch store owned by this object (thread-safe; results of the ontology
    graph alone are computed once)."""

    def __init__(self, shapes: Graph | CompiledShapes, ontology: Graph, *, iris: Iris | None = None) -> None:
        self.iris = iris or Iris()
        self.compiled = compiled(shapes)
        self._scratch = ScratchChecker(self.compiled, ontology)

    def check(self, graph: Iterable[tuple[Node, Node, Node]], *, with_turtle: bool = True) -> Report:
        """What powkg.validation.validate(ontology + graph, article shapes) reports (on the triples as a
        store holds them); ``graph`` is an rdflib Graph or any iterable of its triples."""
        items = self._scratch.items(graph, self.iris)
        return build_report(items, self.compiled.graph, dedupe=False, with_turtle=with_turtle)

    def check_many(self, graphs: Sequence[Iterable[tuple[Node, Node, Node]]], *,
                   with_turtle: bool = True) -> list[Report]:
        """``check`` of each graph, all in one pass: what a build checks with far fewer queries."""
        return [build_report(items, self.compiled.graph, dedupe=False, with_turtle=with_turtle)
                for items in self._scratch.items_many(graphs, self.iris)]


def touched_nodes(graph: Graph) -> list[str]:
    """The IRIs an article graph states something about (its subjects): the exchanges, cohorts, running
    totals, evidence and the article an ingest touches, for ``validate_cross(touched=...)``."""
    return sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)})


def stated_nodes(store: Store, graphs: Sequence[str]) -> list[str]:
    """``touched_nodes`` of graphs the store holds."""
    if not graphs:
        return []
    names = " ".join(f"<{g}>" for g in graphs)
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} "
                       "FILTER(isIRI(?s)) }").rows
    return sorted(str(row["s"]) for row in rows)
