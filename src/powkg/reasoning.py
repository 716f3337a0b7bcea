"""OWL 2 RL reasoning: the entailments of the ontology over the asserted facts.

``infer`` runs owlrl's OWL RL closure on an rdflib graph (owlrl cannot write into a pyoxigraph store,
ENGINES.md) and keeps only what a user queries: new types and new values of properties that are not
RDF/RDFS/OWL machinery. The closure's owl:sameAs for every resource, literal typing
("5" a xsd:integer) and axioms about the ontology's own terms are dropped, and so is any triple with a
literal subject, which an RDF store cannot hold.
"""

from __future__ import annotations

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import ShapesError

_MACHINERY = (str(RDF), str(RDFS), str(OWL), str(XSD), str(ERRNS))
_TERM_TYPES = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
               RDF.Property, OWL.TransitiveProperty, OWL.Ontology)


def _worth_keeping(s: object, p: URIRef, o: object) -> bool:
    if isinstance(s, Literal):
        return False
    if p == RDF.type:
        return isinstance(o, URIRef) and not str(o).startswith(_MACHINERY)
    return not str(p).startswith(_MACHINERY)


def closure(asserted: Graph, ontology: Graph) -> Graph:
    """The full OWL RL closure of ontology and facts, as owlrl computes it."""
    work = Graph()
    for triple in ontology:
        work.add(triple)
    for triple in asserted:
        work.add(triple)
    # improved_datatypes=False: owlrl's own lexical converters reject valid xsd:gMonthDay ("--01-31")
    # and are installed process-wide while it runs.
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False,
                           datatype_axioms=False, improved_datatypes=False).expand(work)
    return work


def infer(asserted: Graph, ontology: Graph) -> Graph:
    """The triples OWL RL entails from ``asserted`` and ``ontology`` that neither already holds.

    Raises ShapesError when the closure is inconsistent (owlrl's error messages name the cause).
    """
    work = closure(asserted, ontology)
    errors = inconsistencies(work)
    if errors:
        raise ShapesError("OWL RL reasoning found the graph inconsistent: " + "; ".join(errors))
    ontology_terms = {s for t in _TERM_TYPES for s in ontology.subjects(RDF.type, t)}
    inferred = Graph()
    for s, p, o in work:
        if (s, p, o) in asserted or (s, p, o) in ontology:
            continue
        if s in ontology_terms:
            continue
        if _worth_keeping(s, p, o):  # type: ignore[arg-type]
            inferred.add((s, p, o))
    return inferred


def inconsistencies(graph: Graph) -> list[str]:
    """The inconsistencies owlrl recorded in a closure, as readable strings (empty when consistent)."""
    return sorted(str(message) for message in graph.objects(None, ERRNS.error))
