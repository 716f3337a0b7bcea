"""Compiled constraints: each runs as one or a few SPARQL queries over every focus node at once.

Every check keeps pyshacl's meaning (the component's textual definition in SHACL 1.0 §4 and pyshacl's
reading of it): which focus nodes and value nodes get a result, how many, with which sh:value. Where a
verdict depends only on the value node itself (datatype, ranges, lengths, patterns, languages, sh:in,
node kinds, and sh:or / sh:and / sh:xone / sh:not over such shapes) the verdict is pyshacl's own: its
constraint component is run on each distinct value node once, and SPARQL then finds the focus nodes that
have the values it rejected. Everything that reads the graph (cardinalities, sh:class, pairs of
properties, qualified counts, SHACL-SPARQL) is a query.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pyshacl.pytypes import SHACLExecutor
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import SH
from rdflib.paths import Path
from rdflib.term import Node

from ..errors import QueryError, StoreError
from . import inequality, pairing
from .errors import UnsupportedShapeError
from .focus import Focus, Plan, instance_of
from .scopes import Fresh
from .sparql import ParsedSelect, Renderer, format_message

Select = Callable[[str], list[dict[str, Node]]]

#: what powkg.validation.validate asks of pyshacl: warnings allowed, rdflib (not SPARQL) mode
EXECUTOR = SHACLExecutor(allow_warnings=True, abort_on_first=False, sparql_mode=False)
_EMPTY = Graph()
_DUMMY_FOCUS = URIRef("urn:powkg:fastshacl:focus")
_BLANK = BNode("powkgfastshaclblank")
_BLANK_MARK = URIRef("urn:powkg:fastshacl:blank")
_CHUNK = 400
_PRUNE_LIMIT = 20_000       # candidate pairs of an inequality join worth restricting the query to


@dataclass(frozen=True)
class RawResult:
    """One validation result before it becomes a ValidationResult (report.py)."""

    check: Check
    focus: Node
    graph: str | None = None           # the article graph it belongs to (article scope), if any
    value: Node | None = None
    path: Node | None = None           # an explicit sh:resultPath (SHACL-SPARQL ?path)
    messages: tuple[str, ...] | None = None       # formatted messages (SHACL-SPARQL), plain strings
    component: URIRef | None = None    # when not the check's own (qualified min / max counts)


@dataclass(eq=False)
class Check:
    """A constraint component of one shape, reached through one chain of ``sh:property``."""

    shape: object                      # pyshacl's Shape
    component: URIRef                  # the constraint component's IRI
    focus: Focus
    path: Path | URIRef | None         # the shape's path (property shapes), as an rdflib path
    path_node: Node | None             # the sh:path node in the shapes graph (the report's sh:resultPath)
    severity: URIRef
    messages: tuple[Literal, ...]
    forward: bool = True               # evaluates by following triples from their subject only
    source_constraint: Node | None = None

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        raise NotImplementedError

    # -- helpers ----------------------------------------------------------------------------------
    def _head(self, plan: Plan, fresh: Fresh) -> str:
        return f"{plan.prefix} {plan.focus(self.focus, '?this', fresh)}"

    def _result(self, row: dict[str, Node], plan: Plan, value: Node | None = None) -> RawResult:
        graph = str(row["g"]) if plan.graph and "g" in row else None
        return RawResult(self, row["this"], graph, value)


def _g(plan: Plan) -> str:
    return plan.keys


# -- cardinality (SHACL 1.0 §4.2) -------------------------------------------------------------------------

@dataclass(eq=False)
class MinCount(Check):
    count: int = 1
    bounds: tuple[int | None, int | None] | None = None   # (min, max) when the shape has both

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        if self.count == 0:
            return []
        if ("fused", id(self)) in plan.memo:
            return plan.memo[("fused", id(self))]
        if self.bounds is not None:
            return [self._result(row, plan) for row, n in _counts(self, select, plan) if n < self.count]
        fresh = Fresh()
        values = plan.values(self.path, "?this", "?v", fresh)
        if self.count == 1:
            query = f"SELECT {_g(plan)} ?this WHERE {{ {self._head(plan, fresh)} FILTER NOT EXISTS {{ {values} }} }}"
        else:
            query = (f"SELECT {_g(plan)} ?this WHERE {{ {self._head(plan, fresh)} OPTIONAL {{ {values} }} }} "
                     f"GROUP BY {_g(plan)} ?this HAVING (COUNT(DISTINCT ?v) < {self.count})")
        return [self._result(row, plan) for row in select(query)]


@dataclass(eq=False)
class MaxCount(Check):
    count: int = 0
    bounds: tuple[int | None, int | None] | None = None

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        if ("fused", id(self)) in plan.memo:
            return plan.memo[("fused", id(self))]
        if self.bounds is not None:
            return [self._result(row, plan) for row, n in _counts(self, select, plan) if n > self.count]
        fresh = Fresh()
        values = plan.values(self.path, "?this", "?v", fresh)
        query = (f"SELECT {_g(plan)} ?this WHERE {{ {self._head(plan, fresh)} {values} }} "
                 f"GROUP BY {_g(plan)} ?this HAVING (COUNT(DISTINCT ?v) > {self.count})")
        return [self._result(row, plan) for row in select(query)]


def _counts(check: MinCount | MaxCount, select: Select, plan: Plan) -> list[tuple[dict[str, Node], int]]:
    """Focus nodes whose number of value nodes is out of the shape's (min, max) bounds: one query for
    sh:minCount and sh:maxCount of one shape, shared through the plan's memo."""
    key = ("counts", id(check.shape), id(check.focus))
    if key not in plan.memo:
        low, high = check.bounds  # type: ignore[misc]
        fresh = Fresh()
        values = plan.values(check.path, "?this", "?v", fresh)
        having = " || ".join(part for part in (f"?c < {low}" if low else "", f"?c > {high}" if high is not None else "")
                             if part)
        query = (f"SELECT {_g(plan)} ?this (COUNT(DISTINCT ?v) AS ?c) WHERE {{ {check._head(plan, fresh)} "
                 f"OPTIONAL {{ {values} }} }} GROUP BY {_g(plan)} ?this "
                 f"HAVING ({having.replace('?c', 'COUNT(DISTINCT ?v)')})")
        plan.memo[key] = [(row, int(row["c"].toPython())) for row in select(query)]  # type: ignore[union-attr]
    return plan.memo[key]


# -- sh:class (§4.1.1) --------------------------------------------------------------------------------------

@dataclass(eq=False)
class Class(Check):
    cls: URIRef = URIRef("urn:unset")

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        if ("fused", id(self)) in plan.memo:
            return plan.memo[("fused", id(self))]
        fresh = Fresh()
        values = plan.values(self.path, "?this", "?v", fresh)
        member = instance_of(plan.scope, "?v", plan.subclasses(self.cls), fresh)
        query = (f"SELECT DISTINCT {_g(plan)} ?this ?v WHERE {{ {self._head(plan, fresh)} {values} "
                 f"FILTER NOT EXISTS {{ {member} }} }}")
        return [self._result(row, plan, row["v"]) for row in select(query)]


# -- sh:hasValue (§4.8.2) -----------------------------------------------------------------------------------

@dataclass(eq=False)
class HasValue(Check):
    value: Node = URIRef("urn:unset")

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        fresh = Fresh()
        values = plan.values(self.path, "?this", self.value.n3(), fresh)
        query = f"SELECT {_g(plan)} ?this WHERE {{ {self._head(plan, fresh)} FILTER NOT EXISTS {{ {values} }} }}"
        return [self._result(row, plan) for row in select(query)]


# -- verdicts on value nodes alone -------------------------------------------------------------------------

@dataclass(eq=False)
class Verdicts:
    """pyshacl's verdict on single value nodes, for one constraint, cached across runs."""

    evaluate: Callable[[list[Node]], Counter[Node]]   # value nodes -> how many results each gets
    cache: dict[Node, int] = field(default_factory=dict)
    keyed: dict[tuple[str, ...], int] = field(default_factory=dict)

    def failures_by_key(self, samples: dict[tuple[str, ...], Node]) -> dict[tuple[str, ...], int]:
        """Groups of values (by key, with one sample each) and how many results each value gets."""
        todo = {k: v for k, v in samples.items() if k not in self.keyed}
        if todo:
            found = self.evaluate(list(todo.values()))
            for key, sample in todo.items():
                self.keyed[key] = found.get(sample, 0)
        return {k: self.keyed[k] for k in samples if self.keyed[k]}

    def failures(self, values: Iterable[Node]) -> dict[Node, int]:
        todo = [v for v in values if v not in self.cache]
        if todo:
            found = self.evaluate(todo)
            for v in todo:
                self.cache[v] = found.get(v, 0)
        return {v: self.cache[v] for v in values if self.cache[v]}


def component_verdicts(component) -> Callable[[list[Node]], Counter[Node]]:  # noqa: ANN001
    """Run a pyshacl constraint component on value nodes; count the results each value gets."""
    def evaluate(values: list[Node]) -> Counter[Node]:
        _, reports = component.evaluate(EXECUTOR, _EMPTY, {_DUMMY_FOCUS: values}, [component.shape, component])
        found: Counter[Node] = Counter()
        for _, _, triples in reports:
            for _, predicate, obj in triples:
                if predicate == SH.value:
                    found[obj[1] if isinstance(obj, tuple) else obj] += 1
        return found
    return evaluate


def shape_conformance(shape) -> Callable[[list[Node]], Counter[Node]]:  # noqa: ANN001
    """Run a pyshacl shape on value nodes; count 1 for each value that does NOT conform."""
    def evaluate(values: list[Node]) -> Counter[Node]:
        found: Counter[Node] = Counter()
        for v in values:
            conforms, _ = shape.validate(EXECUTOR, _EMPTY, focus=v)
            if not conforms:
                found[v] = 1
        return found
    return evaluate


@dataclass(frozen=True)
class Features:
    """What a pure verdict reads of a value node, beyond its kind, datatype and language tag (read
    from pyshacl's code for each component): the length of its string, or the term itself, for every
    value (``term``) or for literals whose datatype rdflib parses (``typed_term``: sh:datatype reads
    whether the lexical form parses). Values that agree on what is read get the same verdict, so one
    value per group is judged."""

    length: bool = False
    term: bool = False
    typed_term: bool = False


_STRINGS = ("http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_INTEGER_LEXICAL = "^[+-]?[0-9]+$"     # what Python's int() parses: rdflib's value is an int, never ill-typed
_INTEGER_CLASS = Literal("integer")


def feature_binds(features: Features) -> str:
    kind = 'IF(isIRI(?v), "I", IF(isBlank(?v), "B", "L"))'
    if features.term:
        lexical = "IF(!isBlank(?v), ?v, \"\")"
    elif features.typed_term:
        strings = ", ".join(f"<{d}>" for d in _STRINGS)
        lexical = (f"IF(isLiteral(?v) && !(DATATYPE(?v) IN ({strings})), "
                   f"IF(DATATYPE(?v) = <{_INTEGER}> && REGEX(STR(?v), \"{_INTEGER_LEXICAL}\"), "
                   f"{_INTEGER_CLASS.n3()}, ?v), \"\")")
    else:
        lexical = '""'
    length = "STRLEN(STR(?v))" if features.length else '""'
    # RDF 1.1: a language-tagged string's datatype is rdf:langString; Virtuoso 7 gives it none.
    datatype = f'IF(isLiteral(?v) && LANG(?v) != "", "{_STRINGS[1]}", COALESCE(STR(DATATYPE(?v)), ""))'
    return (f"BIND({kind} AS ?k) BIND({datatype} AS ?d) BIND(LANG(?v) AS ?l) "
            f"BIND(IF(isBlank(?v), \"\", {length}) AS ?n) BIND({lexical} AS ?t)")


def value_groups(select: Select, check: Check, plan: Plan, features: Features) -> list[dict[str, Node]]:
    """One row per group of the check's value nodes that the verdict cannot tell apart, with a sample
    value (shared through the plan's memo by the checks of one shape)."""
    key = ("groups", id(check.shape), id(check.focus), features)
    if key not in plan.memo:
        fresh = Fresh()
        query = (f"SELECT ?k ?d ?l ?n ?t (SAMPLE(?v) AS ?sample) WHERE {{ {check._head(plan, fresh)} "
                 f"{plan.values(check.path, '?this', '?v', fresh)} {feature_binds(features)} }} "
                 "GROUP BY ?k ?d ?l ?n ?t")
        plan.memo[key] = select(query)
    return plan.memo[key]


def _group_filter(row: dict[str, Node]) -> str:
    """A SPARQL condition true of exactly the value nodes of a group."""
    kind = str(row["k"])
    test = {"I": "isIRI(?v)", "B": "isBlank(?v)", "L": "isLiteral(?v)"}[kind]
    parts = [test]
    if kind == "L":
        parts.append(f"DATATYPE(?v) = <{row['d']}>" if str(row.get("d", "")) else "false")
        parts.append(f"LANG(?v) = {Literal(str(row.get('l', ''))).n3()}")
    if str(row.get("n", "")):
        parts.append(f"STRLEN(STR(?v)) = {int(str(row['n']))}")
    if row.get("t") == _INTEGER_CLASS:
        parts.append(f'REGEX(STR(?v), "{_INTEGER_LEXICAL}")')
    return "(" + " && ".join(parts) + ")"


def pairs_in_groups(select: Select, check: Check, plan: Plan,
                    groups: Sequence[dict[str, Node]]) -> list[dict[str, Node]]:
    """(focus, value) rows for the value nodes of the given groups."""
    rows: list[dict[str, Node]] = []
    terms = [g["t"] for g in groups if str(g.get("t", "")) and g["t"] != _INTEGER_CLASS]
    whole = [g for g in groups if not str(g.get("t", "")) or g["t"] == _INTEGER_CLASS]
    for start in range(0, len(terms), _CHUNK):
        fresh = Fresh()
        chunk = " ".join(t.n3() for t in terms[start:start + _CHUNK])
        rows.extend(select(f"SELECT DISTINCT {_g(plan)} ?this ?v WHERE {{ {check._head(plan, fresh)} "
                           f"{plan.values(check.path, '?this', '?v', fresh)} VALUES ?v {{ {chunk} }} }}"))
    for start in range(0, len(whole), 50):
        fresh = Fresh()
        condition = " || ".join(_group_filter(g) for g in whole[start:start + 50])
        rows.extend(select(f"SELECT DISTINCT {_g(plan)} ?this ?v WHERE {{ {check._head(plan, fresh)} "
                           f"{plan.values(check.path, '?this', '?v', fresh)} FILTER({condition}) }}"))
    return rows


def _group_key(row: dict[str, Node]) -> tuple[str, ...]:
    return tuple(str(row.get(k, "")) if k != "t" else (row["t"].n3() if str(row.get("t", "")) else "")
                 for k in ("k", "d", "l", "n", "t"))


@dataclass(eq=False)
class ValueCheck(Check):
    """A constraint whose verdict on a value node depends on that node alone: pyshacl's component judges
    one value of each group of values it cannot tell apart."""

    verdicts: Verdicts | None = None
    features: Features = Features()

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        assert self.verdicts is not None
        groups = value_groups(select, self, plan, self.features)
        keyed = {_group_key(g): g for g in groups}
        failures = self.verdicts.failures_by_key({k: g["sample"] for k, g in keyed.items()})
        if not failures:
            return []
        bad = [keyed[k] for k in failures]
        results = []
        for row in pairs_in_groups(select, self, plan, bad):
            times = failures[_value_key(row["v"], self.features)]
            results.extend([self._result(row, plan, row["v"])] * times)
        return results


def _value_key(value: Node, features: Features) -> tuple[str, ...]:
    """The group key of a value node, computed in Python as value_groups computes it in SPARQL."""
    if isinstance(value, BNode):
        return ("B", "", "", "", "")
    if isinstance(value, URIRef):
        return ("I", "", "", str(len(str(value))) if features.length else "", value.n3() if features.term else "")
    assert isinstance(value, Literal)
    datatype = str(value.datatype) if value.datatype else (_STRINGS[1] if value.language else _STRINGS[0])
    lexical = ""
    if features.term:
        lexical = value.n3()
    elif features.typed_term and datatype not in _STRINGS:
        integer = datatype == _INTEGER and re.fullmatch(r"[+-]?[0-9]+", str(value))
        lexical = _INTEGER_CLASS.n3() if integer else value.n3()
    return ("L", datatype, value.language or "", str(len(str(value))) if features.length else "", lexical)


# -- logical constraints over shapes that read the graph (§4.6) ---------------------------------------------

@dataclass(frozen=True)
class Member:
    """A shape inside sh:or / sh:and / sh:xone / sh:not / sh:qualifiedValueShape that reads the graph:
    only sh:class (node shapes) or sh:minCount / sh:maxCount 0 on a path (property shapes)."""

    classes: tuple[URIRef, ...] = ()
    path: Path | URIRef | None = None
    min_count: int | None = None
    max_count: int | None = None
    always: bool = False            # conforms whatever the node (deactivated, or a tolerated severity)

    def condition(self, plan: Plan, var: str, fresh: Fresh) -> str:
        if self.always:
            return "true"
        parts = []
        for cls in self.classes:
            parts.append(f"EXISTS {{ {instance_of(plan.scope, var, plan.subclasses(cls), fresh)} }}")
        if self.path is not None:
            hop = plan.scope.path(var, self.path, fresh("x"), fresh)
            if self.min_count:
                parts.append(f"EXISTS {{ {hop} }}")
            if self.max_count == 0:
                parts.append(f"NOT EXISTS {{ {hop} }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"


@dataclass(eq=False)
class Logical(Check):
    kind: str = "or"                # or | and | xone | not
    members: tuple[Member, ...] = ()

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        fresh = Fresh()
        conditions = [m.condition(plan, "?v", fresh) for m in self.members]
        if self.kind == "not":
            failing = conditions[0]
        elif self.kind == "or":
            failing = "!(" + " || ".join(conditions) + ")"
        elif self.kind == "and":
            failing = "!(" + " && ".join(conditions) + ")"
        else:
            # Exactly one, with && and || alone: Virtuoso 7 miscounts IF(EXISTS {...}, 1, 0).
            failing = "!(" + " || ".join("(" + " && ".join(c if i == j else f"!{c}" for j, c in enumerate(conditions))
                                         + ")" for i in range(len(conditions))) + ")"
        query = (f"SELECT DISTINCT {_g(plan)} ?this ?v WHERE {{ {self._head(plan, fresh)} "
                 f"{plan.values(self.path, '?this', '?v', fresh)} FILTER({failing}) }}")
        return [self._result(row, plan, row["v"]) for row in select(query)]


# -- pairs of properties (§4.5) -------------------------------------------------------------------------------

@dataclass(eq=False)
class Equals(Check):
    other: URIRef = URIRef("urn:unset")
    disjoint: bool = False

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        results = []
        fresh = Fresh()
        mine = plan.values(self.path, "?this", "?v", fresh)
        theirs = plan.scope.triple("?this", self.other.n3(), "?v", fresh)
        if self.disjoint:
            queries = [f"{mine} {theirs}"]
        else:
            queries = [f"{mine} FILTER NOT EXISTS {{ {theirs} }}", f"{theirs} FILTER NOT EXISTS {{ {mine} }}"]
        for body in queries:
            query = f"SELECT DISTINCT {_g(plan)} ?this ?v WHERE {{ {self._head(plan, fresh)} {body} }}"
            results.extend(self._result(row, plan, row["v"]) for row in select(query))
        return results


@dataclass(eq=False)
class Order(Check):
    """sh:lessThan / sh:lessThanOrEquals: pairs Oxigraph proves ordered (two numbers) pass; pyshacl
    judges every other pair."""

    other: URIRef = URIRef("urn:unset")
    or_equal: bool = False
    component_object: object = None

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        fresh = Fresh()
        op = "<=" if self.or_equal else "<"
        query = (f"SELECT DISTINCT {_g(plan)} ?this ?v ?c WHERE {{ {self._head(plan, fresh)} "
                 f"{plan.values(self.path, '?this', '?v', fresh)} "
                 f"{plan.scope.triple('?this', self.other.n3(), '?c', fresh)} "
                 f"FILTER(!(isNumeric(?v) && isNumeric(?c) && ?v {op} ?c)) }}")
        compare = self.component_object._compare_ltoe if self.or_equal else self.component_object._compare_lt  # type: ignore[attr-defined]
        results = []
        for row in select(query):
            _, reports = compare({row["v"]}, {row["c"]}, _EMPTY, row["this"])
            results.extend([self._result(row, plan, row["v"])] * len(reports))
        return results


# -- qualified value shapes (§4.7.3) -------------------------------------------------------------------------

@dataclass(eq=False)
class Qualified(Check):
    member: Member | None = None            # a shape that reads the graph
    verdicts: Verdicts | None = None        # or a shape judged on the value node alone
    min_count: int | None = None
    max_count: int | None = None

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        fresh = Fresh()
        values = plan.values(self.path, "?this", "?v", fresh)
        if self.member is not None:
            condition = self.member.condition(plan, "?v", fresh)
            query = (f"SELECT {_g(plan)} ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {self._head(plan, fresh)} "
                     f"OPTIONAL {{ {values} FILTER({condition}) }} }} GROUP BY {_g(plan)} ?this "
                     f"HAVING ({self._having('COUNT(DISTINCT ?v)')})")
            counts = [(row, int(row["n"].toPython())) for row in select(query)]  # type: ignore[union-attr]
        else:
            assert self.verdicts is not None
            query = (f"SELECT DISTINCT {_g(plan)} ?this ?v WHERE {{ {self._head(plan, fresh)} "
                     f"OPTIONAL {{ {values} }} }}")
            rows = select(query)
            failures = self.verdicts.failures(
                {(_BLANK if isinstance(r["v"], BNode) else r["v"]) for r in rows if "v" in r})
            per_focus: dict[tuple[str | None, Node], list] = {}
            for row in rows:
                key = (str(row.get("g")) if plan.graph else None, row["this"])
                entry = per_focus.setdefault(key, [row, 0])
                if "v" in row and not failures.get(_BLANK if isinstance(row["v"], BNode) else row["v"]):
                    entry[1] += 1
            counts = [(row, n) for row, n in per_focus.values()]
        results = []
        for row, n in counts:
            if self.max_count is not None and n > self.max_count:
                results.append(RawResult(self, row["this"], _graph(row, plan), None, None, None,
                                         SH.QualifiedMaxCountConstraintComponent))
            if self.min_count is not None and n < self.min_count:
                results.append(RawResult(self, row["this"], _graph(row, plan), None, None, None,
                                         SH.QualifiedMinCountConstraintComponent))
        return results

    def _having(self, count: str) -> str:
        parts = []
        if self.max_count is not None:
            parts.append(f"{count} > {self.max_count}")
        if self.min_count is not None:
            parts.append(f"{count} < {self.min_count}")
        return " || ".join(parts)


def _graph(row: dict[str, Node], plan: Plan) -> str | None:
    return str(row["g"]) if plan.graph and "g" in row else None


# -- sh:uniqueLang (§4.4.4) ----------------------------------------------------------------------------------

@dataclass(eq=False)
class UniqueLang(Check):
    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        fresh = Fresh()
        query = (f"SELECT {_g(plan)} ?this ?l WHERE {{ {self._head(plan, fresh)} "
                 f"{plan.values(self.path, '?this', '?v', fresh)} "
                 f"FILTER(isLiteral(?v) && LANG(?v) != \"\") BIND(LCASE(LANG(?v)) AS ?l) }} "
                 f"GROUP BY {_g(plan)} ?this ?l HAVING (COUNT(DISTINCT ?v) > 1)")
        return [self._result(row, plan) for row in select(query)]


# -- SHACL-SPARQL (§5) -------------------------------------------------------------------------------------

@dataclass(eq=False)
class Sparql(Check):
    parsed: ParsedSelect | None = None
    constraint_messages: tuple[Literal, ...] = ()
    node_shape: bool = True

    def run(self, select: Select, plan: Plan) -> list[RawResult]:
        assert self.parsed is not None
        fresh = Fresh()
        whole = plan.restrict is None and plan.restrict_value is None
        renderer = Renderer(plan.scope, fresh, dedupe_bgps=plan.dedupe and self.parsed.aggregated,
                            literal_objects=plan.literal_objects if whole else None)
        extra = [plan.graph] if plan.graph else []

        head = ""
        tail = ""
        if plan.restrict_value is not None:
            if self.parsed.aggregated or Variable("value") not in self.parsed.projected:
                return []
            restriction = f"VALUES ?value {{ {' '.join(plan.restrict_value)} }}"
            # First, so that the engine starts from the few values; after everything when the query
            # binds ?value itself (a BIND to a variable already in scope is an error).
            if self.parsed.binds_value:
                tail = restriction
            else:
                head = restriction

        def focus(f: Fresh) -> str:
            return f"{head} {plan.prefix} {plan.focus(self.focus, '?this', f)}"

        if whole and not plan.graph:
            pruned = self._pruned(select, plan)
            if pruned is not None:
                return pruned
        if not plan.graph and not tail:
            paired = self._paired(select, plan, focus)
            if paired is not None:
                return paired
        query = renderer.select(self.parsed, focus, extra, tail=tail)
        results = []
        seen: set[tuple] = set()
        for row in select(query):
            results.extend(self._row(row, plan, seen))
        return results

    def _pruned(self, select: Select, plan: Plan) -> list[RawResult] | None:
        """An inequality join (inequality.py): the constraint's query on the candidate pairs alone."""
        assert self.parsed is not None
        blocks = inequality.restrictions(self.parsed, self.focus, select, plan, limit=_PRUNE_LIMIT, chunk=_CHUNK)
        if blocks is None:
            return None
        results: list[RawResult] = []
        seen: set[tuple] = set()
        for block in blocks:
            def focus(f: Fresh, block: str = block) -> str:
                return f"{block} {plan.prefix} {plan.focus(self.focus, '?this', f)}"

            for row in select(Renderer(plan.scope, Fresh()).select(self.parsed, focus, [])):
                results.extend(self._row(row, plan, seen))
        return results

    def _paired(self, select: Select, plan: Plan, focus: Callable[[Fresh], str]) -> list[RawResult] | None:
        """A self-join (pairing.py): the halves read once and paired in Python; the focus nodes of the
        pairs Python cannot decide go to the constraint's own query."""
        assert self.parsed is not None
        renderer = Renderer(plan.scope, Fresh())
        shape = pairing.halves(self.parsed, renderer)
        # Values restricted (the focus renderer starts with a VALUES of ?value): exact for both halves
        # only when ?value is one of the keys, the same in both rows of a pair.
        if shape is None or (plan.restrict_value is not None and renderer.term(Variable("value")) not in shape.keys):
            return None
        rows = []
        try:
            for block in self._groups(select, shape, renderer, focus):
                rows.extend(select(pairing.half_query(shape, renderer, focus, block)))
        except (QueryError, StoreError):
            return None     # a store that cannot run the halves (Virtuoso 7: SQ156) runs the constraint's query
        found = pairing.pair(*pairing.half_rows(shape, rows), shape)
        if found is None:
            return None
        blocks = inequality.values_blocks(("?this",), [(node,) for node in found.undecided], _CHUNK)
        if blocks is None:
            return None
        results: list[RawResult] = []
        seen: set[tuple] = set()
        for row in found.rows:
            results.extend(self._row(row, plan, seen))
        for block in blocks:
            query = Renderer(plan.scope, Fresh()).select(self.parsed, _restricted(focus, block), [])
            for row in select(query):
                results.extend(self._row(row, plan, seen))
        return results

    @staticmethod
    def _groups(select: Select, shape: pairing.Halves, renderer: Renderer, focus: Callable[[Fresh], str]) -> list[str]:
        """VALUES blocks of the key groups whose rows can give a pair (one empty block: every group)."""
        query = pairing.groups_query(shape, renderer, focus)
        if query is None:
            return [""]
        keys = [k[1:] for k in shape.keys]
        groups = {tuple(row.get(k) for k in keys) for row in select(query)}
        blocks = inequality.values_blocks(shape.keys, groups, _CHUNK)
        return [""] if blocks is None else blocks

    def _row(self, row: dict[str, Node], plan: Plan, seen: set[tuple]) -> list[RawResult]:
        """One solution as pyshacl reads it (SPARQLBasedConstraint._validate_sparql_query)."""
        f = row["this"]
        bindings = {k: v for k, v in row.items() if k not in ("g",)}
        t = bindings.pop("this", None) if self.parsed and self.parsed.this_projected else None
        bindings.pop("this", None)
        p = bindings.pop("path", None)
        v = bindings.pop("value", None)
        if p is None and v is None and t is None:
            return []
        key = (_graph(row, plan), f, t, p, v, tuple(sorted(bindings.items())))
        if key in seen:
            return []
        seen.add(key)
        value = v if v is not None else (f if self.node_shape else None)
        bound: dict[str, object] = dict(bindings)
        for name, term in (("this", t), ("path", p), ("value", value)):
            if term is not None:
                bound[name] = term
        messages = tuple(template.format(bound) for template in self._templates)
        return [RawResult(self, t or f, _graph(row, plan), value, p, messages, None)]

    @cached_property
    def _templates(self) -> tuple[Template, ...]:
        """The message texts a result formats: the shape's, then the constraint's own not among them."""
        listed = list(self.messages) + [m for m in self.constraint_messages if m not in self.messages]
        return tuple(Template.of(str(m.value if m.value is not None else m)) for m in listed)


_PLACEHOLDER = re.compile(r"\{[?$]([^{}]*)\}")


@dataclass(frozen=True)
class Template:
    """A SHACL-SPARQL message cut at its placeholders (``{?var}``, ``{$var}``), to format many results.

    ``format_message`` substitutes one variable after another with ``re.sub``. When the text has no
    brace but those of its placeholders, no value it substitutes holds a brace and no value at all a
    backslash (which ``re.sub`` reads as an escape), no substitution can make or unmake another
    placeholder, so substituting all at once gives the same text; otherwise ``format_message`` formats it."""

    text: str
    pieces: tuple[str, ...]          # the text around the placeholders: one more than ``names``
    names: tuple[str, ...]
    written: tuple[str, ...]         # each placeholder as written: an unbound variable's stays
    plain: bool                      # no brace outside the placeholders

    @classmethod
    def of(cls, text: str) -> Template:
        parts = _PLACEHOLDER.split(text)
        pieces, names = tuple(parts[0::2]), tuple(parts[1::2])
        written = tuple(found.group(0) for found in _PLACEHOLDER.finditer(text))
        return cls(text, pieces, names, written, not any(c in piece for piece in pieces for c in "{}"))

    def format(self, bound: dict[str, object]) -> str:
        # re.sub reads every replacement, used or not: a backslash in any value is format_message's case
        if not self.plain or any("\\" in str(value) for value in bound.values()):
            return format_message(self.text, bound)
        out = [self.pieces[0]]
        for name, written, piece in zip(self.names, self.written, self.pieces[1:], strict=True):
            text = str(bound[name]) if name in bound else written
            if name in bound and ("{" in text or "}" in text):
                return format_message(self.text, bound)
            out.append(text)
            out.append(piece)
        return "".join(out)


def _restricted(focus: Callable[[Fresh], str], block: str) -> Callable[[Fresh], str]:
    """A focus renderer with a VALUES block before it."""
    return lambda fresh: f"{block} {focus(fresh)}"


def unsupported(what: str, shape: object) -> UnsupportedShapeError:
    return UnsupportedShapeError(f"shape {getattr(shape, 'node', shape)}: {what} is not supported by the "
                                 "fast engine; validate with pyshacl (powkg.validation) instead")
