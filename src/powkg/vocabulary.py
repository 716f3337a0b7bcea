"""The reference vocabulary as the extractor sees it: a gazetteer made from the ontology's labels.

One source of truth (DESIGN.md): every surface form the extractor matches is an ``rdfs:label``,
``skos:prefLabel`` or ``skos:altLabel`` of an individual in ``ontology/vocabulary.ttl``, in English,
Ukrainian or Russian. Adding a spelling means adding a label there, never a string in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .errors import ShapesError
from .iris import RDF, RDFS, SKOS, Iris

# The class of each vocabulary kind, by local name in the ontology namespace.
KIND_CLASSES = {
    "unit": ("Unit",),
    "category": ("PersonCategory",),
    "place": ("Place", "BattleLocation", "DetentionPlace", "Region"),
    "agent": ("Mediator", "StatingAgent"),
}


@dataclass(frozen=True, slots=True)
class Term:
    key: str                  # skos:notation: "armed_forces", "azovstal", "united_arab_emirates"
    kind: str                 # "unit" | "category" | "place" | "agent"
    iri: str
    label: str                # English preferred label ("Snake Island")
    classes: frozenset[str]   # local names of its ontology classes ("BattleLocation", "Mediator", ...)


@dataclass(frozen=True)
class Gazetteer:
    """Terms by key, and the surface forms (lowercased labels, every language) that name them."""

    terms: Mapping[str, Term]
    surface: Mapping[str, tuple[Term, ...]]

    def term(self, key: str) -> Term:
        return self.terms[key]

    def lookup(self, text: str) -> tuple[Term, ...]:
        return self.surface.get(text.lower(), ())

    def of_kind(self, kind: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms.values() if t.kind == kind)


def ontology_files(ontology_dir: Path) -> list[Path]:
    return sorted(ontology_dir.glob("*.ttl"))


def load_ontology(ontology_dir: Path) -> Graph:
    """The ontology and the vocabulary in one rdflib graph; ShapesError names a file that does not parse."""
    graph = Graph()
    for path in ontology_files(ontology_dir):
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser types; report them all the same way
            raise ShapesError(f"{path}: does not parse: {exc}") from exc
    return graph


def gazetteer_from_graph(graph: Graph, iris: Iris | None = None) -> Gazetteer:
    iris = iris or Iris()
    pow_ns = iris.pow
    class_kind = {pow_ns[name]: kind for kind, names in KIND_CLASSES.items() for name in names}
    terms: dict[str, Term] = {}
    surface: dict[str, list[Term]] = defaultdict(list)
    for subject, notation in graph.subject_objects(SKOS.notation):
        if not isinstance(subject, URIRef):
            continue
        classes = {c for c in graph.objects(subject, RDF.type) if c in class_kind}
        if not classes:
            continue
        kind = class_kind[next(iter(classes))]
        english = [o for o in graph.objects(subject, RDFS.label)
                   if isinstance(o, Literal) and o.language in ("en", None)]
        term = Term(key=str(notation), kind=kind, iri=str(subject),
                    label=str(english[0]) if english else str(notation),
                    classes=frozenset(str(c).rsplit("#", 1)[-1] for c in classes))
        terms[term.key] = term
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(subject, prop):
                form = str(label).lower()
                if term not in surface[form]:
                    surface[form].append(term)
    return Gazetteer(terms=terms, surface={k: tuple(v) for k, v in surface.items()})


@lru_cache(maxsize=4)
def load_gazetteer(ontology_dir: Path, base: str | None = None) -> Gazetteer:
    """The gazetteer of the vocabulary in ``ontology_dir`` (cached: it is read once per process)."""
    return gazetteer_from_graph(load_ontology(ontology_dir), Iris(base) if base else Iris())
