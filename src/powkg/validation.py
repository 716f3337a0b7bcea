"""SHACL validation: ``validate(data, shapes) -> Report``, with pyshacl as the engine.

Shapes come in two scopes (shapes/README.md): ``shapes/article.ttl`` checks one article's named graph
(with the ontology and vocabulary beside it), ``shapes/graph.ttl`` checks the union of all article
graphs for what only shows across sources (conflicts, running totals that go down). Validation runs on
asserted triples, never on inferred ones: an ``rdfs:range`` must not make a wrong value look right
(ENGINES.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from .errors import ShapesError
from .iris import DCTERMS, OA, Iris
from .model import Report, ValidationResult

ARTICLE_SHAPES = "article.ttl"
GRAPH_SHAPES = "graph.ttl"

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def load_shapes(shapes_dir: Path, name: str) -> Graph:
    path = shapes_dir / name
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # any parser error is a broken shapes file, reported with its path
        raise ShapesError(f"{path}: does not parse: {exc}") from exc
    return graph


def validate(data: Graph, shapes: Graph, *, iris: Iris | None = None) -> Report:
    """Validate ``data`` against ``shapes``; results name the articles that state each focus node."""
    conforms, report_graph, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True,
        abort_on_first=False, meta_shacl=False)
    results = tuple(sorted(_results(report_graph, data, iris or Iris()),
                           key=lambda r: (_rank(r.severity), r.focus_node, r.message)))
    return Report(conforms=not any(r.severity == "Violation" for r in results), results=results,
                  turtle=report_graph.serialize(format="turtle"))


def merge(reports: Iterable[Report], *, with_turtle: bool = True) -> Report:
    """One report of many (per-article checks and the cross-article check), its results in one order
    whatever the order of the parts."""
    graph = Graph()
    results: set[ValidationResult] = set()
    for report in reports:
        results.update(report.results)
        if report.turtle and with_turtle:
            graph.parse(data=report.turtle, format="turtle")
    # Each partial report has its own sh:ValidationReport node; the merged one states one verdict.
    conforms = not any(r.severity == "Violation" for r in results)
    for node in list(graph.subjects(RDF.type, SH.ValidationReport)):
        graph.remove((node, SH.conforms, None))
        graph.add((node, SH.conforms, Literal(conforms)))
    unique = tuple(sorted(results, key=result_order))
    return Report(conforms=conforms, results=unique, turtle=graph.serialize(format="turtle") if with_turtle else "")


def result_order(result: ValidationResult) -> tuple:
    """Severity first, then the focus node and the message, then every other field: a total order."""
    return (_rank(result.severity), result.focus_node, result.message, result.path or "", result.value or "",
            result.source_shape, result.constraint, result.articles)


def _rank(severity: str) -> int:
    return {"Violation": 0, "Warning": 1, "Info": 2}.get(severity, 3)


def _results(report: Graph, data: Graph, iris: Iris) -> Iterable[ValidationResult]:
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = report.value(node, SH.resultSeverity)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        yield ValidationResult(
            severity=_SEVERITY.get(severity, str(severity)),  # type: ignore[arg-type]
            focus_node=str(focus),
            message=" ".join(str(m) for m in report.objects(node, SH.resultMessage)),
            source_shape=str(report.value(node, SH.sourceShape)),
            constraint=str(report.value(node, SH.sourceConstraintComponent)),
            path=str(path) if path is not None else None,
            value=str(value) if value is not None else None,
            articles=articles_stating(data, focus, iris) if isinstance(focus, URIRef) else (),
        )


def articles_stating(data: Graph, node: URIRef, iris: Iris) -> tuple[str, ...]:
    """Ids of the articles whose evidence supports a value of ``node`` (or that it describes)."""
    pow_ns = Namespace(iris.pow)
    articles: set[URIRef] = set()
    if (node, RDF.type, pow_ns.Article) in data:
        articles.add(node)
    for prop in (pow_ns.reportedIn, pow_ns.statedIn):
        articles.update(o for o in data.objects(node, prop) if isinstance(o, URIRef))
    evidences = set(data.objects(node, pow_ns.evidence))
    if (node, RDF.type, pow_ns.Evidence) in data:
        evidences.add(node)
    for evidence in evidences:
        for target in data.objects(evidence, OA.hasTarget):
            articles.update(o for o in data.objects(target, OA.hasSource) if isinstance(o, URIRef))
    ids = {str(data.value(a, DCTERMS.identifier) or a) for a in articles}
    return tuple(sorted(ids))
