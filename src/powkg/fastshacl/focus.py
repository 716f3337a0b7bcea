"""Focus nodes (SHACL 1.0 §2.1) as SPARQL patterns, and the plan a compiled check runs under.

A shape's focus nodes come from its targets (``sh:targetClass``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``, ``sh:targetNode``), or, for a property shape reached by ``sh:property`` from a
property shape, from the value nodes of that shape (``Chain``). ``sh:targetClass`` follows SHACL instance
semantics (§2.1.3.1: ``rdf:type/rdfs:subClassOf*``), with the subclasses read from the ontology graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import RDF, URIRef
from rdflib.paths import Path
from rdflib.term import Node

from .scopes import Fresh, Scope

Subclasses = Callable[[URIRef], list[URIRef]]


@dataclass(frozen=True)
class TargetClass:
    cls: URIRef


@dataclass(frozen=True)
class SubjectsOf:
    predicate: URIRef


@dataclass(frozen=True)
class ObjectsOf:
    predicate: URIRef


@dataclass(frozen=True)
class TargetNode:
    node: URIRef


@dataclass(frozen=True)
class Chain:
    """The value nodes of ``path`` from the focus nodes of ``parent``."""

    parent: Focus
    path: Path | URIRef


Source = TargetClass | SubjectsOf | ObjectsOf | TargetNode | Chain


@dataclass(frozen=True)
class Focus:
    sources: tuple[Source, ...]

    def forward(self) -> bool:
        """Whether finding the focus nodes follows triples from their subjects only, given roots."""
        from .scopes import is_forward

        return all(is_forward(s.path) and s.parent.forward() if isinstance(s, Chain) else True
                   for s in self.sources)


def instance_of(scope: Scope, var: str, classes: list[URIRef], fresh: Fresh) -> str:
    """``var`` is an instance of one of ``classes`` (a SHACL class and all its subclasses)."""
    branches = [scope.triple(var, RDF.type.n3(), c.n3(), fresh) for c in classes]
    if len(branches) == 1:
        return branches[0]
    return "{ " + " } UNION { ".join(branches) + " }"


@dataclass
class Plan:
    """How the checks of one run find their focus nodes and evaluate their patterns.

    ``roots`` renders the target triples (the article graph alone, the ontology alone, or the union);
    ``scope`` renders everything else. ``graph`` is the variable naming the article in each row (the
    article scope with many articles), or None. ``prefix`` goes first in every WHERE clause (a VALUES
    of article graphs); ``restrict`` limits the focus nodes (incremental validation).
    """

    scope: Scope
    roots: Scope
    subclasses: Subclasses
    graph: str | None = None
    prefix: str = ""
    restrict: tuple[str, ...] | None = None
    restrict_value: tuple[str, ...] | None = None
    target_nodes: bool = True           # False for the article branch: target nodes are everyone's
    dedupe: bool = False                # set semantics for SHACL-SPARQL aggregates over a union
    memo: dict = field(default_factory=dict)   # query results shared by the checks of one run
    literal_objects: Callable[[str], bool] | None = None   # whether a predicate's objects are all literals
    rows_are_cheap: bool = False        # the store is in this process (a scratch store): rows cost less than
                                        # expressions, so value nodes are grouped in Python

    @property
    def keys(self) -> str:
        return self.graph or ""

    def focus(self, focus: Focus, var: str, fresh: Fresh) -> str:
        """A sub-select binding ``var`` (and the article variable) to each focus node once."""
        alternatives = [self._source(s, var, fresh) for s in focus.sources
                        if self.target_nodes or not isinstance(s, TargetNode)]
        if not alternatives:
            return "{ FILTER(false) }"
        body = alternatives[0] if len(alternatives) == 1 else \
            "{ " + " } UNION { ".join(alternatives) + " }"
        restrict = f"VALUES {var} {{ {' '.join(self.restrict)} }} " if self.restrict is not None else ""
        return f"{{ SELECT DISTINCT {self.keys} {var} WHERE {{ {self.prefix} {restrict}{body} }} }}"

    def _source(self, source: Source, var: str, fresh: Fresh) -> str:
        if isinstance(source, TargetClass):
            return instance_of(self.roots, var, self.subclasses(source.cls), fresh)
        if isinstance(source, SubjectsOf):
            return self.roots.triple(var, source.predicate.n3(), fresh("o"), fresh)
        if isinstance(source, ObjectsOf):
            return self.roots.triple(fresh("s"), source.predicate.n3(), var, fresh)
        if isinstance(source, TargetNode):
            return f"BIND({source.node.n3()} AS {var})"
        parent = fresh("f")
        inner = Plan(self.scope, self.roots, self.subclasses, self.graph, self.prefix, None, None,
                     self.target_nodes)
        return f"{inner.focus(source.parent, parent, fresh)} {self.scope.path(parent, source.path, var, fresh)}"

    def values(self, path: Path | URIRef | None, this: str, value: str, fresh: Fresh) -> str:
        """The value nodes of a check: the path's objects, or the focus node itself (node shapes)."""
        if path is None:
            return f"BIND({this} AS {value})"
        return self.scope.path(this, path, value, fresh)


def term_text(node: Node) -> str:
    return node.n3()
