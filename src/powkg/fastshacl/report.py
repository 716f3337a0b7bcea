"""Compiled results -> powkg's Report: the ValidationResult tuples and the SHACL report graph in Turtle.

The fields are those ``powkg.validation.validate`` reads from pyshacl's report graph (SHACL 1.0 §3.6),
including ``articles``: the ids of the articles whose graphs state the focus node, found with the same
rules as ``powkg.validation.articles_stating`` (the article itself; pow:reportedIn, pow:statedIn; the
sources of its evidence), in the data graph the result belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..iris import DCTERMS, OA, Iris
from ..model import Report, ValidationResult
from .checks import RawResult
from .scopes import Fresh, Scope

Select = Callable[[str], list[dict[str, Node]]]
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_CHUNK = 500


def _rank(severity: str) -> int:
    return {"Violation": 0, "Warning": 1, "Info": 2}.get(severity, 3)


def sort_key(result: ValidationResult) -> tuple:
    return (_rank(result.severity), result.focus_node, result.message)


# -- articles stating a node -----------------------------------------------------------------------------

def articles_stating(select: Select, scope: Scope, graph_var: str | None, iris: Iris,
                     keys: Iterable[tuple[str | None, Node]]) -> dict[tuple[str | None, Node], tuple[str, ...]]:
    """For each (article graph or None, node): the ids of the articles stating the node.

    ``graph_var`` is the variable the scope uses for the article (None when the scope has none).
    Blank nodes state nothing here, as in powkg.validation (only IRIs are looked up).
    """
    pow_ns = iris.pow
    wanted = sorted({k for k in keys if isinstance(k[1], URIRef)}, key=lambda k: (k[0] or "", str(k[1])))
    found: dict[tuple[str | None, Node], set[Node]] = {k: set() for k in wanted}
    routes = [
        [("?node", RDF.type.n3(), pow_ns.Article.n3())],
        [("?node", pow_ns.reportedIn.n3(), "?article")],
        [("?node", pow_ns.statedIn.n3(), "?article")],
        [("?node", pow_ns.evidence.n3(), "?e"), ("?e", OA.hasTarget.n3(), "?t"), ("?t", OA.hasSource.n3(), "?article")],
        [("?node", RDF.type.n3(), pow_ns.Evidence.n3()), ("?node", OA.hasTarget.n3(), "?t"),
         ("?t", OA.hasSource.n3(), "?article")],
    ]
    head = f"{graph_var} ?node" if graph_var else "?node"
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        if graph_var:
            values = f"VALUES ({head}) {{ {' '.join(f'(<{g}> {n.n3()})' for g, n in chunk)} }}"
        else:
            values = f"VALUES ?node {{ {' '.join(n.n3() for _, n in chunk)} }}"
        for index, route in enumerate(routes):
            fresh = Fresh()
            body = " ".join(scope.triple(s, p, o, fresh) for s, p, o in route)
            target = "?node" if index == 0 else "?article"
            rows = select(f"SELECT DISTINCT {head} ({target} AS ?a) WHERE {{ {values} {body} "
                          f"FILTER(isIRI({target})) }}")
            for row in rows:
                key = (str(row[graph_var[1:]]) if graph_var else None, row["node"])
                if key in found:
                    found[key].add(row["a"])
    ids: dict[tuple[str | None, Node], str] = {}
    pairs = sorted({(k[0], a) for k, arts in found.items() for a in arts}, key=lambda p: (p[0] or "", str(p[1])))
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start:start + _CHUNK]
        if graph_var:
            values = f"VALUES ({graph_var} ?a) {{ {' '.join(f'(<{g}> {a.n3()})' for g, a in chunk)} }}"
        else:
            values = f"VALUES ?a {{ {' '.join(a.n3() for _, a in chunk)} }}"
        fresh = Fresh()
        rows = select(f"SELECT {graph_var or ''} ?a ?id WHERE {{ {values} "
                      f"{scope.triple('?a', DCTERMS.identifier.n3(), '?id', fresh)} }}")
        for row in rows:
            key = (str(row[graph_var[1:]]) if graph_var else None, row["a"])
            # rdflib's Graph.value picks one of several identifiers; the smallest, here, to be stable.
            if key not in ids or str(row["id"]) < str(ids[key]):
                ids[key] = row["id"]  # type: ignore[assignment]
    return {k: tuple(sorted({str(ids.get((k[0], a)) or a) for a in arts})) for k, arts in found.items()}


# -- results and the report --------------------------------------------------------------------------------

def to_result(raw: RawResult, articles: tuple[str, ...]) -> ValidationResult:
    check = raw.check
    messages = raw.messages if raw.messages is not None else check.messages
    path = raw.path if raw.path is not None else check.path_node
    return ValidationResult(
        severity=_SEVERITY.get(check.severity, str(check.severity)),  # type: ignore[arg-type]
        focus_node=str(raw.focus),
        message=" ".join(sorted(str(m) for m in messages)),
        source_shape=str(check.shape.node),  # type: ignore[attr-defined]
        constraint=str(raw.component or check.component),
        path=str(path) if path is not None else None,
        value=str(raw.value) if raw.value is not None else None,
        articles=articles,
    )


def build_report(results: Sequence[tuple[RawResult, tuple[str, ...]]], shapes: Graph, *, dedupe: bool,
                 with_turtle: bool = True) -> Report:
    """A Report: deduplicated (many articles merged, as powkg.validation.merge does) or not (one data
    graph, as powkg.validation.validate keeps pyshacl's results)."""
    pairs = [(to_result(raw, articles), raw) for raw, articles in results]
    if dedupe:
        unique: dict[ValidationResult, RawResult] = {}
        for result, raw in pairs:
            unique.setdefault(result, raw)
        pairs = list(unique.items())
    pairs.sort(key=lambda p: sort_key(p[0]))
    conforms = not any(r.severity == "Violation" for r, _ in pairs)
    turtle = report_turtle(pairs, shapes, conforms) if with_turtle else ""
    return Report(conforms=conforms, results=tuple(r for r, _ in pairs), turtle=turtle)


def report_turtle(pairs: Sequence[tuple[ValidationResult, RawResult]], shapes: Graph, conforms: bool) -> str:
    """The SHACL validation report graph (SHACL 1.0 §3.6), with the blank-node shapes, paths and
    SHACL-SPARQL constraints it points at copied from the shapes graph, as pyshacl does."""
    quads: list[ox.Triple] = []
    _ox = _Terms()
    report = ox.BlankNode()
    add = quads.append
    # The predicates once: a report of a hundred thousand results names each a million times.
    a, result, result_class, focus_node, severity, component, source_shape, result_path, value, constraint, \
        message = map(_ox, (RDF.type, SH.result, SH.ValidationResult, SH.focusNode, SH.resultSeverity,
                            SH.sourceConstraintComponent, SH.sourceShape, SH.resultPath, SH.value,
                            SH.sourceConstraint, SH.resultMessage))
    add(ox.Triple(report, a, _ox(SH.ValidationReport)))
    add(ox.Triple(report, _ox(SH.conforms), _ox(Literal(conforms))))
    copied: set[BNode] = set()

    def copy(node: Node) -> None:
        if not isinstance(node, BNode) or node in copied:
            return
        copied.add(node)
        for p, o in shapes.predicate_objects(node):
            add(ox.Triple(_ox(node), _ox(p), _ox(o)))
            copy(o)

    for _, raw in pairs:
        check = raw.check
        node = ox.BlankNode()
        add(ox.Triple(report, result, node))
        add(ox.Triple(node, a, result_class))
        add(ox.Triple(node, focus_node, _ox(raw.focus)))
        add(ox.Triple(node, severity, _ox(check.severity)))
        add(ox.Triple(node, component, _ox(raw.component or check.component)))
        add(ox.Triple(node, source_shape, _ox(check.shape.node)))  # type: ignore[attr-defined]
        copy(check.shape.node)  # type: ignore[attr-defined]
        path = raw.path if raw.path is not None else check.path_node
        if path is not None:
            add(ox.Triple(node, result_path, _ox(path)))
            copy(path)
        if raw.value is not None:
            add(ox.Triple(node, value, _ox(raw.value)))
        if check.source_constraint is not None:
            add(ox.Triple(node, constraint, _ox(check.source_constraint)))
            copy(check.source_constraint)
        for text in (raw.messages if raw.messages is not None else check.messages):
            add(ox.Triple(node, message, _ox(text)))
    prefixes = {"sh": str(SH), "rdf": str(RDF)}
    return ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


class _Terms:
    """rdflib terms as pyoxigraph terms; one blank node for each rdflib blank node, and each IRI
    converted once (focus nodes, shapes, severities repeat in every result)."""

    def __init__(self) -> None:
        self._blank: dict[BNode, ox.BlankNode] = {}
        self._named: dict[URIRef, ox.NamedNode] = {}

    def __call__(self, term: Node | str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, URIRef):
            if term not in self._named:
                self._named[term] = ox.NamedNode(str(term))
            return self._named[term]
        if isinstance(term, BNode):
            if term not in self._blank:
                self._blank[term] = ox.BlankNode()
            return self._blank[term]
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        if isinstance(term, str):        # a formatted SHACL-SPARQL message (checks.Template)
            return ox.Literal(term)
        raise TypeError(f"cannot write {term!r} in a report")
