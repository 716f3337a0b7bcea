"""Where a compiled pattern finds its triples: the dataset a SHACL run sees, written into the query.

A powkg store holds one named graph per article, the ontology graph and graphs that validation must
not see (inferred triples, quarantine). pyshacl is given an rdflib graph that is exactly the data
graph; here every triple pattern is wrapped in ``GRAPH`` clauses so that one query over the whole
store sees exactly the data graph of the run:

    OntologyScope   the ontology-and-vocabulary graph alone
    ArticleScope    one article graph plus the ontology graph, for every article at once: ``?g`` is
                    the article, and a pattern matches in ``GRAPH ?g`` or ``GRAPH <ontology>`` as the
                    data allows (SHACL 1.0 §3.1: the data graph is the union of both)
    UnionScope      the union of the article graphs and the ontology graph (every graph but the
                    excluded ones), for the cross-article shapes

Terms are SPARQL text (``?x``, ``<iri>``, a literal in N3). Property paths are expanded into triple
patterns (SPARQL 1.1 §18.4: a sequence is a join over a fresh variable, an alternative a union), so
that every hop is scoped on its own; a closure path (``*``, ``+``, ``?``) is kept whole and must live
in one graph, or the scope refuses it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, URIRef
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath

from .errors import UnsupportedShapeError

RDF_TYPE = RDF.type.n3()

#: the kinds of graph a triple pattern can match in, for the article scope
ARTICLES, ONTOLOGY = "A", "O"


class Fresh:
    """Fresh variable names for one query (``?fs_1``, ``?fs_2`` ...), never a user's variable."""

    PREFIX = "fs_"

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self, stem: str = "v") -> str:
        return f"?{self.PREFIX}{stem}{next(self._counter)}"


class Kinds:
    """Which predicates (and which classes, for ``rdf:type``) occur in the article graphs and in the
    ontology graph: what lets a pattern be sent to one graph instead of both. Answers come from
    ``lookup(kind, what, iri)`` (kind "A" or "O", what "predicate" or "class") and are cached."""

    def __init__(self, lookup) -> None:  # noqa: ANN001
        self._lookup = lookup
        self._cache: dict[tuple[str, str, str], bool] = {}

    def _has(self, kind: str, what: str, iri: str) -> bool:
        key = (kind, what, iri)
        if key not in self._cache:
            self._cache[key] = bool(self._lookup(kind, what, iri))
        return self._cache[key]

    def of(self, predicate: str, obj: str) -> frozenset[str]:
        """The graphs a pattern with this predicate (and object) can match in: a subset of {A, O}."""
        if predicate.startswith("?"):
            return frozenset({ARTICLES, ONTOLOGY})
        if predicate == RDF_TYPE and obj.startswith("<"):
            what, iri = "class", obj[1:-1]
        else:
            what, iri = "predicate", predicate[1:-1]
        return frozenset(k for k in (ARTICLES, ONTOLOGY) if self._has(k, what, iri))


class Scope:
    """Renders triple patterns and closure paths for one dataset."""

    def triple(self, s: str, p: str, o: str, fresh: Fresh) -> str:
        raise NotImplementedError

    def alternatives(self, s: str, p: str, o: str, fresh: Fresh) -> list[str]:
        """The patterns whose union ``triple`` is, for a caller that must negate each on its own."""
        return [self.triple(s, p, o, fresh)]

    def closure(self, s: str, path: str, o: str, predicates: Iterable[str], fresh: Fresh) -> str:
        raise NotImplementedError

    # -- paths ------------------------------------------------------------------------------------
    def path(self, s: str, path: Path | URIRef, o: str, fresh: Fresh) -> str:
        """``s path o`` as scoped patterns (SPARQL 1.1 §18.4 path translation)."""
        if isinstance(path, URIRef):
            return self.triple(s, path.n3(), o, fresh)
        if isinstance(path, InvPath):
            return self.path(o, path.arg, s, fresh)
        if isinstance(path, SequencePath):
            hops = list(path.args)
            nodes = [s] + [fresh("p") for _ in hops[:-1]] + [o]
            return " ".join(self.path(nodes[i], hop, nodes[i + 1], fresh) for i, hop in enumerate(hops))
        if isinstance(path, AlternativePath):
            return "{ " + " } UNION { ".join(self.path(s, alt, o, fresh) for alt in path.args) + " }"
        if isinstance(path, MulPath):
            return self._mul(s, path, o, fresh)
        if isinstance(path, NegatedPath):
            raise UnsupportedShapeError(f"negated property path {path.n3()}")
        raise UnsupportedShapeError(f"property path {path!r}")


    def _mul(self, s: str, path: MulPath, o: str, fresh: Fresh) -> str:
        """``p+`` inside one graph; ``p*`` and ``p?`` add the zero-length path, which SPARQL 1.1 §18.4
        defines for any term, while a GRAPH clause in Oxigraph matches only terms of that graph."""
        if path.mod == "+":
            return self.closure(s, f"{path_text(path.path)}+", o, path_predicates(path), fresh)
        more = (self.closure(s, f"{path_text(path.path)}+", o, path_predicates(path), fresh)
                if path.mod == "*" else self.path(s, path.path, o, fresh))
        return f"{{ {zero_length(s, o)} }} UNION {{ {more} }}"


def zero_length(s: str, o: str) -> str:
    """The zero-length path between two terms, one of which must be bound in the query text."""
    if s.startswith("?") and not o.startswith("?"):
        return f"BIND({o} AS {s})"
    if o.startswith("?") and not s.startswith("?"):
        return f"BIND({s} AS {o})"
    if not s.startswith("?"):
        return "" if s == o else "FILTER(false)"
    raise UnsupportedShapeError(f"a zero-length path between two variables ({s}, {o}) is not supported")


def path_text(path: Path | URIRef) -> str:
    """A path in SPARQL syntax, with full IRIs."""
    if isinstance(path, URIRef):
        return path.n3()
    if isinstance(path, InvPath):
        return f"^({path_text(path.arg)})"
    if isinstance(path, SequencePath):
        return "(" + "/".join(path_text(a) for a in path.args) + ")"
    if isinstance(path, AlternativePath):
        return "(" + "|".join(path_text(a) for a in path.args) + ")"
    if isinstance(path, MulPath):
        return f"({path_text(path.path)}){path.mod}"
    raise UnsupportedShapeError(f"property path {path!r}")


def path_predicates(path: Path | URIRef) -> set[str]:
    if isinstance(path, URIRef):
        return {str(path)}
    if isinstance(path, InvPath):
        return path_predicates(path.arg)
    if isinstance(path, SequencePath | AlternativePath):
        return set().union(*(path_predicates(a) for a in path.args))
    if isinstance(path, MulPath):
        return path_predicates(path.path)
    raise UnsupportedShapeError(f"property path {path!r}")


def is_forward(path: Path | URIRef) -> bool:
    """Whether the path only follows triples from their subject (no inverse step)."""
    if isinstance(path, URIRef):
        return True
    if isinstance(path, SequencePath | AlternativePath):
        return all(is_forward(a) for a in path.args)
    if isinstance(path, MulPath):
        return is_forward(path.path)
    return False


def values_clause(var: str, terms: Iterable[str]) -> str:
    return f"VALUES {var} {{ {' '.join(terms)} }}"


@dataclass
class OntologyScope(Scope):
    """The ontology graph alone."""

    ontology: str

    def triple(self, s: str, p: str, o: str, fresh: Fresh) -> str:
        return f"GRAPH <{self.ontology}> {{ {s} {p} {o} }}"

    def closure(self, s: str, path: str, o: str, predicates: Iterable[str], fresh: Fresh) -> str:
        return f"GRAPH <{self.ontology}> {{ {s} {path} {o} }}"


@dataclass
class ArticleOnlyScope(Scope):
    """The article graph alone (``graph``: ``?g`` or an IRI): where the article's own targets are."""

    graph: str

    def triple(self, s: str, p: str, o: str, fresh: Fresh) -> str:
        return f"GRAPH {self.graph} {{ {s} {p} {o} }}"

    def closure(self, s: str, path: str, o: str, predicates: Iterable[str], fresh: Fresh) -> str:
        return f"GRAPH {self.graph} {{ {s} {path} {o} }}"


@dataclass
class ArticleScope(Scope):
    """One article graph (``graph``: the variable ``?g`` or an IRI) plus the ontology graph.

    A pattern whose predicate occurs in both kinds of graph matches in either: ``{ GRAPH ?g {t} }
    UNION { GRAPH <O> {t} }``. That is the union the data graph is, as long as no triple is in both
    (the engine sends articles that repeat an ontology triple to a scratch store instead).
    """

    graph: str
    ontology: str
    kinds: Kinds

    def triple(self, s: str, p: str, o: str, fresh: Fresh) -> str:
        branches = self.alternatives(s, p, o, fresh)
        return branches[0] if len(branches) == 1 else "{ " + " } UNION { ".join(branches) + " }"

    def alternatives(self, s: str, p: str, o: str, fresh: Fresh) -> list[str]:
        kinds = self.kinds.of(p, o)
        article = f"GRAPH {self.graph} {{ {s} {p} {o} }}"
        onto = f"GRAPH <{self.ontology}> {{ {s} {p} {o} }}"
        if kinds == {ARTICLES, ONTOLOGY}:
            return [article, onto]
        if kinds == {ONTOLOGY}:
            return [onto]
        return [article]   # articles only, or nowhere (then it matches nothing, as it should)

    def closure(self, s: str, path: str, o: str, predicates: Iterable[str], fresh: Fresh) -> str:
        kinds: set[str] = set()
        for predicate in predicates:
            kinds |= self.kinds.of(f"<{predicate}>", "?x")
        if kinds <= {ONTOLOGY}:
            return f"GRAPH <{self.ontology}> {{ {s} {path} {o} }}"
        if kinds == {ARTICLES}:
            return f"GRAPH {self.graph} {{ {s} {path} {o} }}"
        raise UnsupportedShapeError(
            f"the closure path {path} follows predicates that occur both in article graphs and in the "
            "ontology graph; a closure over two graphs cannot be scoped per article")


@dataclass
class UnionScope(Scope):
    """Every named graph but the ``excluded`` ones (inferred, quarantine, reports ...).

    A pattern whose predicate (or rdf:type class) no excluded served graph states is matched in the
    store's default graph, once per triple; any other pattern matches once per graph stating the
    triple, so compiled queries use DISTINCT, EXISTS and COUNT(DISTINCT ...) where that would change
    an answer.
    ``closure_graphs`` gives, for a predicate followed by a closure path, the one graph it occurs in.
    """

    excluded: tuple[str, ...]
    closure_graphs: dict[str, str | None] = field(default_factory=dict)
    # What the excluded graphs that the store's default graph holds (the inferred one) state: predicates,
    # and classes of rdf:type. A pattern on any other predicate (or class) is matched in the default
    # graph, the set union of the served graphs: once per triple, and by one index scan.
    excluded_predicates: frozenset[str] | None = None
    excluded_classes: frozenset[str] = frozenset()

    def _filter(self, var: str) -> str:
        if not self.excluded:
            return ""
        return f" FILTER({var} NOT IN ({', '.join(f'<{g}>' for g in self.excluded)}))"

    def triple(self, s: str, p: str, o: str, fresh: Fresh) -> str:
        if self._in_default_graph(p, o):
            return f"{{ {s} {p} {o} }}"
        g = fresh("g")
        return f"{{ GRAPH {g} {{ {s} {p} {o} }}{self._filter(g)} }}"

    def _in_default_graph(self, p: str, o: str) -> bool:
        if self.excluded_predicates is None or not p.startswith("<"):
            return False
        if p[1:-1] not in self.excluded_predicates:
            return True
        return p == RDF_TYPE and o.startswith("<") and o[1:-1] not in self.excluded_classes

    def closure(self, s: str, path: str, o: str, predicates: Iterable[str], fresh: Fresh) -> str:
        graphs = {self.closure_graphs.get(p, "?") for p in predicates}
        known = graphs - {None}
        if "?" in graphs or len(known) > 1:
            raise UnsupportedShapeError(
                f"the closure path {path} follows predicates that occur in several graphs; "
                "the union scope evaluates closure paths inside one graph only")
        if not known:   # the predicates occur nowhere
            return "FILTER(false)"
        return f"GRAPH <{known.pop()}> {{ {s} {path} {o} }}"
