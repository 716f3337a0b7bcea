"""OWL 2 RL reasoning scoped to the entailments powkg's ontology uses, as SPARQL UPDATE rules on the store.

``reasoning.infer`` (owlrl) stays the reference: the triples written here are the ones it keeps, the
OWL 2 RL closure of the ontology graph and the article graphs (OWL 2 Profiles §4.3) without the
machinery it drops (RDF/RDFS/OWL/XSD terms, statements about the ontology's own terms, triples already
asserted). The rules, read from the ontology graph when a run starts:

    prp-spo1  rdfs:subPropertyOf        prp-inv1/2  owl:inverseOf       prp-trp  owl:TransitiveProperty
    prp-symp  owl:SymmetricProperty     prp-eqp1/2  owl:equivalentProperty
    prp-dom   rdfs:domain               prp-rng     rdfs:range           cax-sco  rdfs:subClassOf
    cax-eqc1/2  owl:equivalentClass     cax-dw      owl:disjointWith (an inconsistency: ShapesError)

Any other OWL construct that carries entailments (functional properties, restrictions, property chains,
keys, owl:sameAs ...) makes ``UnsupportedOntologyError``: the rules never drop an entailment in silence.

    infer_all(store, ontology_graph, target_graph) -> int
        the closure from scratch, written to ``target_graph`` in one transaction; the number of
        inferred triples
    infer_article(store, ontology_graph, article_graph, target_graph) -> int
        after one article graph has been added: its entailments, including those it makes with what
        the store held (transitive chains through other articles), added to ``target_graph``; the
        number of triples added. Exact for an added article; after a graph is replaced by a different
        version or dropped, run infer_all.

Each run sends few SPARQL Update requests (rules to a fixpoint, checked by ASK queries; then the
clean-up and the move into the target graph). The rules that join (transitive properties) work in a
scratch graph, which is never served; infer_all derives everything else straight from the asserted
graphs into the target, so that each inferred triple is written once. Each request names the graphs it
writes, so the store keeps its union current with work in proportion to those graphs, not to the store
(``Store.update(writes=...)``, ``Store.merge_graph``).

The store needs ``query``, ``graph``, ``graph_names``, ``update`` (SPARQL 1.1 Update) and ``merge_graph``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import ShapesError, StoreError
from .iris import SCRATCH_MARK
from .store import Store

__all__ = ["Schema", "UnsupportedOntologyError", "infer_all", "infer_article", "schema_of"]

_MACHINERY = (str(RDF), str(RDFS), str(OWL), str(XSD))
ARTICLE_MARK = "/graph/article/"
# Ontology terms: statements about them are the ontology's business, not inferred facts (reasoning.py).
_TERM_TYPES = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
               RDF.Property, OWL.TransitiveProperty, OWL.Ontology)
# Constructs with OWL 2 RL entailments these rules do not implement.
_UNSUPPORTED_PREDICATES = (OWL.sameAs, OWL.propertyChainAxiom, OWL.hasKey, OWL.someValuesFrom, OWL.allValuesFrom,
                           OWL.hasValue, OWL.onProperty, OWL.intersectionOf, OWL.unionOf, OWL.oneOf,
                           OWL.complementOf, OWL.maxCardinality, OWL.maxQualifiedCardinality,
                           OWL.propertyDisjointWith, OWL.members, OWL.differentFrom, OWL.distinctMembers,
                           OWL.sourceIndividual)
_UNSUPPORTED_TYPES = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty,
                      OWL.AsymmetricProperty, OWL.AllDisjointClasses, OWL.AllDisjointProperties,
                      OWL.AllDifferent, OWL.NegativePropertyAssertion, OWL.Restriction)


class UnsupportedOntologyError(ShapesError):
    """The ontology uses an OWL construct whose entailments these rules do not compute."""


@dataclass(frozen=True)
class Schema:
    """The rules one ontology graph gives: pairs and sets of IRIs, closed where the rules chain."""

    super_properties: frozenset[tuple[str, str]] = frozenset()    # (p, q): p ⊑ q, transitively
    inverses: frozenset[tuple[str, str]] = frozenset()            # (p, q): x p y -> y q x (symmetric: p = q)
    transitive: frozenset[str] = frozenset()
    domains: frozenset[tuple[str, str]] = frozenset()             # (p, C)
    ranges: frozenset[tuple[str, str]] = frozenset()
    super_classes: frozenset[tuple[str, str]] = frozenset()       # (C, D): C ⊑ D, transitively, C != D
    disjoint: frozenset[tuple[str, str]] = frozenset()
    terms: frozenset[str] = field(default_factory=frozenset)      # the ontology's own terms

    @property
    def triggers(self) -> set[str]:
        """Properties whose edges start a rule."""
        return self.property_triggers | {p for p, _ in self.domains} | {p for p, _ in self.ranges}

    @property
    def property_triggers(self) -> set[str]:
        """Properties whose edges start a rule that infers edges (the rules that chain)."""
        return {p for p, _ in self.super_properties} | {p for p, _ in self.inverses} | set(self.transitive)

    @property
    def typed_classes(self) -> set[str]:
        """Classes whose instances start a rule (a superclass, or a disjointness to check)."""
        return {c for c, _ in self.super_classes} | {c for pair in self.disjoint for c in pair}

    def entailed_edges(self, prop: str) -> set[tuple[str, bool]]:
        """What one edge ``s prop o`` entails through sub-properties and inverses alone, without a join:
        pairs (q, flipped) for the edges ``s q o``, or ``o q s`` when flipped; ``(prop, False)`` included."""
        steps: dict[str, set[tuple[str, bool]]] = {}
        for p, q in self.super_properties:
            steps.setdefault(p, set()).add((q, False))
        for p, q in self.inverses:
            steps.setdefault(p, set()).add((q, True))
        found, todo = {(prop, False)}, [(prop, False)]
        while todo:
            p, flipped = todo.pop()
            for q, flips in steps.get(p, ()):
                if (q, flipped != flips) not in found:
                    found.add((q, flipped != flips))
                    todo.append((q, flipped != flips))
        return found

    @property
    def chain_properties(self) -> set[str]:
        """Properties whose edges can become edges of a transitive property: the only ones that join."""
        return {p for p in self.property_triggers
                if any(q in self.transitive for q, _ in self.entailed_edges(p))}

    def staged_properties(self) -> set[str]:
        """The properties of the edges the chains give (the chain properties and what they entail)."""
        return {q for p in self.chain_properties for q, _ in self.entailed_edges(p)}

    def classes_of(self, cls: str) -> set[str]:
        """``cls`` and its superclasses."""
        return {cls} | {d for c, d in self.super_classes if c == cls}


def _closure(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    closed = set(pairs)
    while True:
        extra = {(a, d) for a, b in closed for c, d in closed if b == c and a != d} - closed
        if not extra:
            return closed
        closed |= extra


def schema_of(ontology: Graph) -> Schema:
    """Read the rules from an ontology graph; UnsupportedOntologyError for constructs not covered."""
    for predicate in _UNSUPPORTED_PREDICATES:
        for s, _, _ in ontology.triples((None, predicate, None)):
            raise UnsupportedOntologyError(f"the ontology uses {predicate.n3()} (on {s}); its entailments "
                                           "are not implemented by powkg.rules: use powkg.reasoning")
    for cls in _UNSUPPORTED_TYPES:
        for s in ontology.subjects(RDF.type, cls):
            raise UnsupportedOntologyError(f"the ontology declares {s} a {cls.n3()}; its entailments are "
                                           "not implemented by powkg.rules: use powkg.reasoning")
    iri = {s for s in ontology.all_nodes() if isinstance(s, URIRef)}

    def pairs(predicate: URIRef) -> set[tuple[str, str]]:
        return {(str(s), str(o)) for s, o in ontology.subject_objects(predicate)
                if isinstance(s, URIRef) and isinstance(o, URIRef)}

    equivalent = pairs(OWL.equivalentProperty)
    sub_p = pairs(RDFS.subPropertyOf) | {(b, a) for a, b in equivalent} | equivalent
    sub_c = pairs(RDFS.subClassOf) | {(b, a) for a, b in pairs(OWL.equivalentClass)} | pairs(OWL.equivalentClass)
    inverses = pairs(OWL.inverseOf)
    inverses |= {(b, a) for a, b in inverses}
    inverses |= {(str(p), str(p)) for p in ontology.subjects(RDF.type, OWL.SymmetricProperty) if p in iri}
    disjoint = pairs(OWL.disjointWith)
    terms = {str(s) for t in _TERM_TYPES for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef)}
    return Schema(
        super_properties=frozenset((a, b) for a, b in _closure(sub_p) if a != b),
        inverses=frozenset(inverses),
        transitive=frozenset(str(p) for p in ontology.subjects(RDF.type, OWL.TransitiveProperty) if p in iri),
        domains=frozenset(pairs(RDFS.domain)),
        ranges=frozenset(pairs(RDFS.range)),
        super_classes=frozenset((a, b) for a, b in _closure(sub_c) if a != b),
        disjoint=frozenset(disjoint | {(b, a) for a, b in disjoint}),
        terms=frozenset(terms),
    )


# -- SPARQL text ---------------------------------------------------------------------------------------

def _iri(value: str) -> str:
    return f"<{value}>"


def _values(variables: str, rows: Iterable[tuple[str, ...]]) -> str:
    body = " ".join("(" + " ".join(_iri(v) for v in row) + ")" for row in sorted(rows))
    return f"VALUES ({variables}) {{ {body} }}"


def _asserted(var: str, excluded: Iterable[str]) -> str:
    excluded = list(excluded)
    return f"FILTER({var} NOT IN ({', '.join(_iri(g) for g in excluded)}))" if excluded else ""


@dataclass
class _Run:
    """One reasoning run over a store: where the asserted triples are and where the work happens."""

    store: Store
    schema: Schema
    staging: str
    excluded: tuple[str, ...]          # graphs that are not asserted data

    def update(self, *operations: str, writes: tuple[str, ...] = ()) -> None:
        """One update request; it writes the staging graph, and ``writes`` besides."""
        text = " ;\n".join(op for op in operations if op)
        if text:
            self.store.update(text, writes=(self.staging, *writes))

    def size(self) -> int:
        rows = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(self.staging)} {{ ?s ?p ?o }} }}").rows
        return int(rows[0]["n"].toPython()) if rows else 0  # type: ignore[union-attr]

    # -- the rules, inside the staging graph -----------------------------------------------------
    def property_rules(self) -> list[str]:
        st = _iri(self.staging)
        ops = []
        if self.schema.super_properties:
            ops.append(f"INSERT {{ GRAPH {st} {{ ?s ?q ?o }} }} WHERE {{ "
                       f"{_values('?p ?q', self.schema.super_properties)} GRAPH {st} {{ ?s ?p ?o }} }}")
        if self.schema.inverses:
            ops.append(f"INSERT {{ GRAPH {st} {{ ?o ?q ?s }} }} WHERE {{ "
                       f"{_values('?p ?q', self.schema.inverses)} GRAPH {st} {{ ?s ?p ?o }} FILTER(!isLiteral(?o)) }}")
        for prop in sorted(self.schema.transitive):
            ops.append(f"INSERT {{ GRAPH {st} {{ ?s {_iri(prop)} ?o }} }} WHERE {{ "
                       f"GRAPH {st} {{ ?s {_iri(prop)} ?m . ?m {_iri(prop)}+ ?o }} }}")
        return ops

    def pending(self, before: list[str] | None = None) -> bool:
        """Whether one more round of the property rules would add a triple (asked, not written)."""
        st = _iri(self.staging)
        asks = []
        if self.schema.super_properties:
            asks.append(f"{{ {_values('?p ?q', self.schema.super_properties)} GRAPH {st} {{ ?s ?p ?o }} "
                        f"FILTER NOT EXISTS {{ GRAPH {st} {{ ?s ?q ?o }} }} }}")
        if self.schema.inverses:
            asks.append(f"{{ {_values('?p ?q', self.schema.inverses)} GRAPH {st} {{ ?s ?p ?o }} FILTER(!isLiteral(?o)) "
                        f"FILTER NOT EXISTS {{ GRAPH {st} {{ ?o ?q ?s }} }} }}")
        for prop in sorted(self.schema.transitive):
            p = _iri(prop)
            asks.append(f"{{ GRAPH {st} {{ ?s {p} ?m . ?m {p} ?o }} "
                        f"FILTER NOT EXISTS {{ GRAPH {st} {{ ?s {p} ?o }} }} }}")
        for ask in asks:
            if self.store.query(f"ASK {ask}").boolean:
                return True
        return bool(before) and self._neighbours_pending()

    def _neighbours_pending(self) -> bool:
        return bool(getattr(self, "neighbour_asks", None)) and any(
            self.store.query(f"ASK {ask}").boolean for ask in self.neighbour_asks)  # type: ignore[attr-defined]

    def closure(self, first: list[str], before: list[str] | None = None, *, rounds: int = 3,
                types: bool = True) -> list[str]:
        """The operations of ``rounds`` rounds of the property rules (``before`` each round), after
        ``first``, and the type rules unless ``types`` is false: one update request. Few requests matter:
        a store may do work proportional to its size after each one."""
        ops = list(first)
        for _ in range(rounds):
            ops += [*(before or []), *self.property_rules()]
        return ops + (self.type_rules() if types else [])

    def run_to_fixpoint(self, first: list[str], before: list[str] | None = None, *, types: bool = True) -> None:
        self.update(*self.closure(first, before, types=types))
        while self.pending(before):
            self.update(*self.closure([], before, types=types))

    def type_rules(self) -> list[str]:
        st = _iri(self.staging)
        ops = []
        # DISTINCT: a triple many articles state is one solution, not one per article
        if self.schema.domains:
            ops.append(f"INSERT {{ GRAPH {st} {{ ?s a ?c }} }} WHERE {{ SELECT DISTINCT ?s ?c {{ "
                       f"{_values('?p ?c', self.schema.domains)} GRAPH {st} {{ ?s ?p ?o }} }} }}")
        if self.schema.ranges:
            ops.append(f"INSERT {{ GRAPH {st} {{ ?o a ?c }} }} WHERE {{ SELECT DISTINCT ?o ?c {{ "
                       f"{_values('?p ?c', self.schema.ranges)} GRAPH {st} {{ ?s ?p ?o }} "
                       "FILTER(!isLiteral(?o)) } }")
        if self.schema.super_classes:
            # After the domain and range rules: the types they staged are read here too.
            ops.append(f"INSERT {{ GRAPH {st} {{ ?s a ?d }} }} WHERE {{ SELECT DISTINCT ?s ?d {{ "
                       f"{_values('?c ?d', self.schema.super_classes)} GRAPH {st} {{ ?s a ?c }} }} }}")
        return ops

    def keep_only_inferences(self) -> list[str]:
        """Operations dropping from staging what infer() drops: asserted triples, machinery, the
        ontology's own terms."""
        st = _iri(self.staging)
        machinery = " || ".join(f'STRSTARTS(STR(?p), "{ns}")' for ns in _MACHINERY)
        machinery_type = " || ".join(f'STRSTARTS(STR(?o), "{ns}")' for ns in _MACHINERY)
        ops = [
            # EXISTS: a triple many articles state is one solution, not one per article
            f"DELETE {{ GRAPH {st} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {st} {{ ?s ?p ?o }} "
            f"FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {_asserted('?g', (*self.excluded, self.staging))} }} }}",
            f"DELETE {{ GRAPH {st} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {st} {{ ?s ?p ?o }} "
            f"FILTER(?p != {RDF.type.n3()} && ({machinery})) }}",
            f"DELETE {{ GRAPH {st} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {st} {{ ?s ?p ?o }} "
            f"FILTER(?p = {RDF.type.n3()} && (!isIRI(?o) || {machinery_type})) }}",
        ]
        if self.schema.terms:
            terms = " ".join(_iri(t) for t in sorted(self.schema.terms))
            ops.append(f"DELETE {{ GRAPH {st} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {terms} }} "
                       f"GRAPH {st} {{ ?s ?p ?o }} }}")
        return ops


def _prepare(store: Store, ontology_graph: str, target_graph: str,
             schema: Schema | None = None) -> tuple[Schema, str, tuple[str, ...]]:
    """The rules, a staging graph name, and the graphs that are not asserted data (the target last)."""
    if not hasattr(store, "update"):
        raise StoreError(f"{getattr(store, 'descriptor', store)}: reasoning with powkg.rules needs SPARQL Update")
    schema = schema or schema_of(store.graph(ontology_graph))
    staging = target_graph.rstrip("/") + SCRATCH_MARK + "closure"   # never served: see iris.is_served
    names = store.graph_names()
    # Asserted data: the ontology graph and the article graphs (Iris.is_article_graph, for any base).
    excluded = [g for g in names if g != ontology_graph and ARTICLE_MARK not in g and g != target_graph]
    return schema, staging, (*dict.fromkeys(excluded), target_graph)


def infer_all(store: Store, ontology_graph: str, target_graph: str) -> int:
    """Recompute ``target_graph`` from the ontology graph and every article graph; the triple count.

    Readers see the old inferred graph until the new one replaces it in one update. Raises ShapesError
    when the closure is inconsistent (owl:disjointWith), UnsupportedOntologyError (a ShapesError) for
    OWL constructs these rules do not cover, StoreError when the store cannot run SPARQL Update.
    """
    schema, staging, excluded = _prepare(store, ontology_graph, target_graph)
    run = _FullRun(store, schema, staging, excluded, ontology_graph)
    run.stage_chains()
    run.check_disjoint()
    run.replace_target(target_graph)
    return _count(store, target_graph)


# -- the full run -------------------------------------------------------------------------------------
# Writing a quad costs more than finding it (on disk, a transactional write reads first), so a full run
# writes each inferred triple once, into the target: everything that needs no join is derived straight
# from the asserted graphs, through tables the schema gives (_Entailments); only the edges that chain
# through a transitive property are closed in the staging graph first.

def _is_machinery(iri: str) -> bool:
    return iri.startswith(_MACHINERY)


@dataclass(frozen=True)
class _Entailments:
    """What one asserted edge ``s p o`` (or type ``s a C``) entails on its own, as rows for VALUES: the
    rules composed along sub-properties, inverses and subclasses, without machinery."""

    edges: frozenset[tuple[str, str]]                       # (p, q): s q o
    edges_past_inverse: frozenset[tuple[str, str]]          # (p, q): s q o, if o is not a literal
    flipped_edges: frozenset[tuple[str, str]]               # (p, q): o q s, if o is not a literal
    # The types a domain or range gives, before their superclasses (fewer rows to match each edge with):
    subject_types: frozenset[tuple[str, str]]               # (p, C): s a C
    subject_types_past_inverse: frozenset[tuple[str, str]]  # (p, C): s a C, if o is not a literal
    object_types: frozenset[tuple[str, str]]                # (p, C): o a C, if o is not a literal
    classes: frozenset[tuple[str, str]]                     # (C, D): the classes D of a C, C itself included
    super_classes: frozenset[tuple[str, str]]               # (C, D): s a C -> s a D, C != D


def _entailments(schema: Schema) -> _Entailments:
    rows: dict[str, set[tuple[str, str]]] = {name: set() for name in _Entailments.__dataclass_fields__}

    def classes(found: set[str]) -> set[str]:
        """Those of ``found`` that give a type which is not machinery."""
        return {c for c in found if any(not _is_machinery(d) for d in schema.classes_of(c))}

    domains: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for p, c in schema.domains:
        domains.setdefault(p, set()).add(c)
    for p, c in schema.ranges:
        ranges.setdefault(p, set()).add(c)
    for p in sorted(schema.triggers):
        entailed = schema.entailed_edges(p)
        # Edges reached through super-properties alone hold whatever o is; an inverse on the way makes
        # o a subject, which a literal cannot be (the inverse rule skips literals).
        plain = {q for q, flipped in entailed if not flipped and (q == p or (p, q) in schema.super_properties)}
        for q, flipped in entailed:
            if flipped:
                rows["flipped_edges"].add((p, q))
                rows["subject_types_past_inverse"] |= {(p, c) for c in classes(ranges.get(q, set()))}
                rows["object_types"] |= {(p, c) for c in classes(domains.get(q, set()))}
                continue
            if q != p:
                rows["edges" if q in plain else "edges_past_inverse"].add((p, q))
            subject = "subject_types" if q in plain else "subject_types_past_inverse"
            rows[subject] |= {(p, c) for c in classes(domains.get(q, set()))}
            rows["object_types"] |= {(p, c) for c in classes(ranges.get(q, set()))}
    rows["subject_types_past_inverse"] -= rows["subject_types"]
    for name in ("edges", "edges_past_inverse", "flipped_edges"):
        rows[name] = {(p, q) for p, q in rows[name] if not _is_machinery(q)}
    given = {c for name in ("subject_types", "subject_types_past_inverse", "object_types") for _, c in rows[name]}
    rows["classes"] = {(c, d) for c in given for d in schema.classes_of(c) if not _is_machinery(d)}
    rows["super_classes"] = {(c, d) for c, d in schema.super_classes if not _is_machinery(d)}
    return _Entailments(**{name: frozenset(found) for name, found in rows.items()})


def _groups(rows: Iterable[tuple[str, ...]], variables: str, pattern: str) -> list[str]:
    """A group joining ``pattern`` with the rows, if there are any."""
    rows = list(rows)
    return [f"{{ {_values(variables, rows)} {pattern} }}"] if rows else []


def _sources(*parts: tuple[Collection[tuple[str, ...]], str, str]) -> list[tuple[str, set[str]]]:
    """For each (rows, variables, pattern) with rows: the group joining them, and the values of the rows'
    last column (what the group binds its last variable to)."""
    return [(group, {row[-1] for row in rows}) for rows, variables, pattern in parts
            for group in _groups(rows, variables, pattern)]


def _union(groups: Iterable[str]) -> str:
    return " UNION ".join(groups) or "FILTER(false)"


def _not_literal(var: str) -> str:
    """Removes the solutions whose ``var`` is a literal, which cannot be a subject (some stores refuse the
    update). A plain FILTER would be pushed down by Oxigraph to every edge read, before DISTINCT and MINUS,
    and testing a term costs a look-up of its text: a BIND keeps the test where it is written."""
    name = "?literal_" + var.lstrip("?")
    return f"BIND(isLiteral({var}) AS {name}) FILTER(!{name})"


class _FullRun(_Run):
    """A full run: the chains closed in the staging graph, the rest derived from the asserted graphs.

    Each kind of entailment is a group of its own (one SELECT DISTINCT, one INSERT): a union of them all
    is more than Virtuoso 7's cost model can take (error SQ200)."""

    def __init__(self, store: Store, schema: Schema, staging: str, excluded: tuple[str, ...],
                 ontology_graph: str) -> None:
        super().__init__(store, schema, staging, excluded)
        self.entailments = _entailments(schema)
        self.ontology_graph = ontology_graph

    def read(self, pattern: str) -> str:
        """``pattern`` in the graphs the run reads: the asserted ones and the staging graph."""
        return f"GRAPH ?g {{ {pattern} }} {_asserted('?g', (g for g in self.excluded if g != self.staging))}"

    def minus_asserted(self, triple: str, var: str, values: Iterable[str]) -> str:
        """Removes the solutions ``triple`` is asserted for, ``var`` (its predicate or class) taking one of
        ``values``. MINUS reads those asserted triples once; FILTER NOT EXISTS, looking each solution up,
        took four times as long."""
        return (f"MINUS {{ VALUES {var} {{ {' '.join(map(_iri, sorted(set(values))))} }} GRAPH ?asserted "
                f"{{ {triple} }} {_asserted('?asserted', (*self.excluded, self.staging))} }}")

    def minus_terms(self, var: str) -> str:
        """Removes the solutions whose ``var`` is one of the ontology's terms (Schema.terms), as a MINUS:
        FILTER(... NOT IN ...) would be pushed down by Oxigraph to every edge read."""
        types = " ".join(_iri(t) for t in sorted(map(str, _TERM_TYPES)))
        return f"MINUS {{ GRAPH {_iri(self.ontology_graph)} {{ VALUES ?term_type {{ {types} }} {var} a ?term_type }} }}"

    def stage_chains(self) -> None:
        """Copy the asserted edges that can chain into the staging graph and close them there."""
        st = _iri(self.staging)
        seed = [f"DROP SILENT GRAPH {st}"]
        chain = self.schema.chain_properties
        if chain:
            # DISTINCT: a triple many articles state is inserted once, not once per article
            seed.append(f"INSERT {{ GRAPH {st} {{ ?s ?p ?o }} }} WHERE {{ SELECT DISTINCT ?s ?p ?o {{ VALUES ?p {{ "
                        f"{' '.join(_iri(p) for p in sorted(chain))} }} {self.read('?s ?p ?o')} }} }}")
        self.run_to_fixpoint(seed, types=False)

    def edge_sources(self) -> list[tuple[str, set[str]]]:
        """Groups binding ?s ?q ?o to the inferred edges (and to asserted ones), with the properties of each."""
        found = self.entailments
        staged = [(q,) for q in self.schema.staged_properties() if not _is_machinery(q)]
        return _sources((found.edges, "?p ?q", self.read("?s ?p ?o")),
                        (found.edges_past_inverse, "?p ?q", f"{self.read('?s ?p ?o')} FILTER(!isLiteral(?o))"),
                        (found.flipped_edges, "?p ?q", self.read("?o ?p ?s")),
                        (staged, "?q", f"GRAPH {_iri(self.staging)} {{ ?s ?q ?o }}"))

    def type_sources(self, only: str | None = None) -> list[tuple[str, set[str]]]:
        """Groups binding ?x ?c to the inferred types (and to asserted ones), with the classes of each;
        the class ``only``, if given."""
        found = self.entailments
        classes = [(c, d) for c, d in found.classes if only in (None, d)]
        given = {c for c, _ in classes}

        def kept(rows: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
            return [(p, c) for p, c in rows if c in given]
        # The types domains and ranges give, each (node, class) once, but those asserted: the superclasses
        # of an asserted type come from the asserted types (few are left here: the mapping types what it
        # writes). Then their superclasses.
        direct = _union(group for group, _ in _sources(
            (kept(found.subject_types), "?p ?d", self.read("?x ?p ?o")),
            (kept(found.subject_types_past_inverse), "?p ?d", f"{self.read('?x ?p ?o')} FILTER(!isLiteral(?o))"),
            (kept(found.object_types), "?p ?d", self.read("?s ?p ?x"))))
        new = (f"{{ SELECT DISTINCT ?x ?d {{ {direct} }} }} {self.minus_asserted('?x a ?d', '?d', given)} "
               f"{_not_literal('?x')}")
        supers = [(c, d) for c, d in found.super_classes if only in (None, d)]
        return _sources((classes, "?d ?c", new), (supers, "?b ?c", self.read("?x a ?b")))

    def check_disjoint(self) -> None:
        """ShapesError if a node has two disjoint types, asserted or inferred (nothing written yet)."""
        problems = []
        for a, b in sorted(self.schema.disjoint):
            if a > b:
                continue
            sides = [_union([*(group for group, _ in self.type_sources(c)), f"{{ {self.read(f'?x a {_iri(c)}')} }}"])
                     for c in (a, b)]
            rows = self.store.query(f"SELECT ?x WHERE {{ {{ SELECT DISTINCT ?x {{ {sides[0]} }} }} "
                                    f"{{ SELECT DISTINCT ?x {{ {sides[1]} }} }} }} LIMIT 5").rows
            problems += [f"{row['x']} is both a {a} and a {b}, which are disjoint" for row in rows]
        if problems:
            self.update(f"DROP SILENT GRAPH {_iri(self.staging)}")
            raise ShapesError("OWL RL reasoning found the graph inconsistent: " + "; ".join(problems))

    def replace_target(self, target_graph: str) -> None:
        """Write the inferred triples into ``target_graph`` in place of what it held, in one update,
        keeping out what infer() drops: asserted triples, machinery, statements about the ontology's terms.
        DISTINCT first: a triple many articles entail is looked up and written once."""
        target = _iri(target_graph)
        edges = [f"INSERT {{ GRAPH {target} {{ ?s ?q ?o }} }} WHERE {{ {{ SELECT DISTINCT ?s ?q ?o {{ {group} }} }} "
                 f"{self.minus_asserted('?s ?q ?o', '?q', properties)} {self.minus_terms('?s')} "
                 f"{_not_literal('?s')} }}" for group, properties in self.edge_sources()]
        types = [f"INSERT {{ GRAPH {target} {{ ?x a ?c }} }} WHERE {{ {{ SELECT DISTINCT ?x ?c {{ {group} }} }} "
                 f"{self.minus_asserted('?x a ?c', '?c', classes)} {self.minus_terms('?x')} }}"
                 for group, classes in self.type_sources()]
        self.update(f"DROP SILENT GRAPH {target}", *edges, *types, f"DROP SILENT GRAPH {_iri(self.staging)}",
                    writes=(target_graph,))


def infer_article(store: Store, ontology_graph: str, article_graph: str, target_graph: str, *,
                  schema: Schema | None = None) -> int:
    """Add to ``target_graph`` what one newly added article graph entails with the ontology and with
    everything the store held; the number of triples added. ``target_graph`` must hold the
    closure of the store before the article was added (infer_all, or earlier infer_article calls).
    ``schema``: the rules of the ontology graph, when the caller has them (reading the graph costs more
    than the rest of a small article's reasoning)."""
    schema, staging, excluded = _prepare(store, ontology_graph, target_graph, schema)
    staging = staging.removesuffix("closure") + "article"
    run = _Run(store, schema, staging, excluded)
    st = _iri(staging)
    seed = [f"DROP SILENT GRAPH {st}"]
    if schema.triggers:
        seed.append(f"INSERT {{ GRAPH {st} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?p {{ "
                    f"{' '.join(_iri(p) for p in sorted(schema.triggers))} }} "
                    f"GRAPH {_iri(article_graph)} {{ ?s ?p ?o }} }}")
    if schema.typed_classes:
        seed.append(f"INSERT {{ GRAPH {st} {{ ?s a ?c }} }} WHERE {{ VALUES ?c {{ "
                    f"{' '.join(_iri(c) for c in sorted(schema.typed_classes))} }} "
                    f"GRAPH {_iri(article_graph)} {{ ?s a ?c }} }}")
    # A transitive chain can run through edges other articles (or earlier inferences) hold: each round,
    # bring the stored edges that touch the staged ones into the staging graph, then close.
    stored = _asserted("?g", (*excluded[:-1], staging))     # asserted graphs and the inferred graph
    neighbours, asks = [], []
    for prop in sorted(schema.transitive):
        p = _iri(prop)
        for staged, found, new in (("?x {p} ?y", "?u {p} ?x", "?u {p} ?x"), ("?x {p} ?y", "?y {p} ?v", "?y {p} ?v")):
            staged, found, new = (t.format(p=p) for t in (staged, found, new))
            neighbours.append(f"INSERT {{ GRAPH {st} {{ {new} }} }} WHERE {{ GRAPH {st} {{ {staged} }} "
                              f"GRAPH ?g {{ {found} }} {stored} }}")
            asks.append(f"{{ GRAPH {st} {{ {staged} }} GRAPH ?g {{ {found} }} {stored} "
                        f"FILTER NOT EXISTS {{ GRAPH {st} {{ {new} }} }} }}")
    run.neighbour_asks = asks  # type: ignore[attr-defined]
    run.run_to_fixpoint(seed, neighbours)
    # Types the store already holds for the article's nodes take part in disjointness too.
    _check_disjoint_incremental(run, target_graph)
    run.update(*run.keep_only_inferences(), f"DELETE {{ GRAPH {st} {{ ?s ?p ?o }} }} WHERE {{ "
               f"GRAPH {st} {{ ?s ?p ?o }} GRAPH {_iri(target_graph)} {{ ?s ?p ?o }} }}")
    added = _count(store, staging)
    # What the article now asserts is no longer an inference (infer_all keeps asserted triples out).
    store.merge_graph(staging, target_graph, less=article_graph)
    return added


def _count(store: Store, graph: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}").rows
    return int(rows[0]["n"].toPython()) if rows else 0  # type: ignore[union-attr]


def _check_disjoint_incremental(run: _Run, target_graph: str) -> None:
    """Disjointness over the new types and those the store holds (asserted or inferred) for the same nodes."""
    st = _iri(run.staging)
    problems = []
    for a, b in sorted(run.schema.disjoint):
        rows = run.store.query(
            f"SELECT DISTINCT ?x WHERE {{ GRAPH {st} {{ ?x a {_iri(a)} }} GRAPH ?g {{ ?x a {_iri(b)} }} "
            f"{_asserted('?g', tuple(g for g in run.excluded if g != target_graph))} }} LIMIT 5").rows
        problems += [f"{row['x']} is both a {a} and a {b}, which are disjoint" for row in rows]
    if problems:
        run.update(f"DROP SILENT GRAPH {st}")
        raise ShapesError("OWL RL reasoning found the graph inconsistent: " + "; ".join(sorted(set(problems))))
