"""SHACL-SPARQL constraints (SHACL 1.0 §5) rewritten to evaluate every focus node in one query.

pyshacl runs a constraint's SELECT once per focus node, with ``$this`` pre-bound (§5.3.1). Here the
query is parsed (rdflib's SPARQL algebra), its triple patterns are scoped to the dataset of the run
(scopes.py), and the focus nodes are joined in where ``$this`` is first needed: at the bottom-left of the
top-level group, so that every FILTER, BIND and OPTIONAL of that group sees ``$this`` bound, as it
would be pre-bound. That is the same answer as pre-binding when every other place that uses ``$this``
binds it itself; the compiler checks that and refuses the query otherwise:

- an expression (FILTER, BIND, the condition of an OPTIONAL) that uses ``$this`` where it is not
  certainly bound (SPARQL 1.1 §18.2.1 in-scope variables, counting only certain bindings);
- an OPTIONAL whose right side uses ``$this`` while its left side does not bind it;
- aggregates that are not grouped by ``$this`` (pre-binding makes one group per focus node);
- sub-queries, VALUES, MINUS, SERVICE, GRAPH, LIMIT and OFFSET (§5.3.1 forbids some; none is needed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pyshacl.helper import get_query_helper_cls
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.paths import Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
from rdflib.plugins.sparql.parserutils import CompValue, Expr

from .errors import UnsupportedShapeError
from .scopes import Fresh, Scope

THIS = Variable("this")

# Argument order of SPARQL builtins as rdflib's parser names them (REGEX: text, pattern, flags;
# SUBSTR: arg, start, length; REPLACE: arg, pattern, replacement, flags; IF: arg1, arg2, arg3).
_ARG_ORDER = ("arg", "arg1", "arg2", "arg3", "text", "pattern", "start", "length", "replacement", "flags")
_BINARY = {"ConditionalOrExpression": "||", "ConditionalAndExpression": "&&"}
_UNARY = {"UnaryNot": "!", "UnaryMinus": "-", "UnaryPlus": "+"}
_AGGREGATES = {"Aggregate_Sum": "SUM", "Aggregate_Count": "COUNT", "Aggregate_Avg": "AVG",
               "Aggregate_Min": "MIN", "Aggregate_Max": "MAX", "Aggregate_Sample": "SAMPLE",
               "Aggregate_GroupConcat": "GROUP_CONCAT"}

FocusRenderer = Callable[[Fresh], str]


@dataclass(frozen=True)
class Part:
    """A part of a basic graph pattern that shares only literal-valued variables with the others."""

    text: str                        # its triple patterns, scoped
    variables: frozenset[str]        # its variables ("?x"), other than fresh ones
    subjects: frozenset[str]         # those in subject position


@dataclass(frozen=True)
class ParsedSelect:
    """A constraint's SELECT query, parsed and checked."""

    text: str                        # the query as pyshacl runs it (prefixes applied)
    where: CompValue                 # the algebra below the projection (and any aggregation)
    projected: tuple[Variable, ...]
    distinct: bool
    this_projected: bool
    aggregated: bool
    binds_value: bool = False        # the query assigns ?value itself (BIND ... AS ?value)


def parse_constraint(shape, sparql_node, select_text: str, messages) -> ParsedSelect:  # noqa: ANN001
    """Parse a constraint exactly as pyshacl prepares it (its prefixes, its forbidden-syntax checks)."""
    helper = get_query_helper_cls()(shape, sparql_node, select_text, messages=messages)
    helper.collect_prefixes()
    _, text = helper.pre_bind_variables(URIRef("urn:powkg:focus"))
    text = helper.apply_prefixes(text)
    try:
        algebra = prepareQuery(text).algebra
    except Exception as exc:  # rdflib's parser raises pyparsing errors of several kinds
        raise UnsupportedShapeError(f"SHACL-SPARQL constraint {sparql_node} does not parse: {exc}") from exc
    node = algebra.p
    if node.name == "Slice":
        raise UnsupportedShapeError(f"{sparql_node}: LIMIT and OFFSET are not supported")
    distinct = node.name in ("Distinct", "Reduced")
    if distinct:
        node = node.p
    if node.name != "Project":
        raise UnsupportedShapeError(f"{sparql_node}: unexpected query form {node.name}")
    projected = tuple(node.PV)
    names = {v.toPython().lstrip("?$") for v in projected}
    if "failure" in names:
        raise UnsupportedShapeError(f"{sparql_node}: ?failure results are not supported")
    where = node.p
    while where.name == "OrderBy":
        where = where.p
    parsed = ParsedSelect(text=text, where=where, projected=projected, distinct=distinct,
                          this_projected=THIS in projected, aggregated=_has_aggregation(where),
                          binds_value=_binds(where, Variable("value")))
    _check(parsed, sparql_node)
    return parsed


# -- the checks that make the rewrite exact -----------------------------------------------------------

def _binds(node: object, var: Variable) -> bool:
    if isinstance(node, CompValue):
        if node.name == "Extend" and node.var == var:
            return True
        return any(_binds(v, var) for k, v in node.items() if k != "_vars")
    if isinstance(node, list | tuple):
        return any(_binds(v, var) for v in node)
    return False


def _has_aggregation(node: CompValue) -> bool:
    while node.name in ("Extend", "Filter"):
        node = node.p
    return node.name == "AggregateJoin"


def _check(parsed: ParsedSelect, where_from: object) -> None:
    node = parsed.where
    if not parsed.aggregated:
        _walk(_inject(node, CompValue("Focus")), where_from)
        return
    while node.name in ("Extend", "Filter"):   # projected aggregates and HAVING
        _walk_expr(node.expr, where_from, frozenset())
        node = node.p
    group = node.p
    if THIS not in list(group.expr or []):
        raise UnsupportedShapeError(f"{where_from}: aggregates must be grouped by $this")
    _walk(_inject(group.p, CompValue("Focus")), where_from)


def _inject(node: CompValue, focus: CompValue) -> CompValue:
    """The algebra with the focus nodes joined in at the bottom-left of the top-level group."""
    if node.name in ("Filter", "Extend"):
        copy = CompValue(node.name, **dict(node))
        copy["p"] = _inject(node.p, focus)
        return copy
    if node.name in ("Join", "LeftJoin"):
        copy = CompValue(node.name, **dict(node))
        copy["p1"] = _inject(node.p1, focus)
        return copy
    return CompValue("Join", p1=focus, p2=node)


def _certain(node: CompValue) -> set[Variable]:
    """Variables every solution of ``node`` binds."""
    name = node.name
    if name == "Focus":
        return {THIS}
    if name == "BGP":
        found: set[Variable] = set()
        for triple in node.triples:
            for term in (triple[0], triple[2], triple[1]):
                if isinstance(term, Variable):
                    found.add(term)
        return found
    if name == "Join":
        return _certain(node.p1) | _certain(node.p2)
    if name in ("LeftJoin",):
        return _certain(node.p1)
    if name == "Union":
        return _certain(node.p1) & _certain(node.p2)
    if name in ("Filter", "Extend"):
        return _certain(node.p)
    raise UnsupportedShapeError(f"SPARQL algebra {name} is not supported in a SHACL-SPARQL constraint")


def _mentions_this(item: object) -> bool:
    if isinstance(item, Variable):
        return item == THIS
    if isinstance(item, CompValue):
        if item.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            return _mentions_this(item.graph)
        return any(_mentions_this(v) for k, v in item.items() if k != "_vars")
    if isinstance(item, list | tuple):
        return any(_mentions_this(v) for v in item)
    return False


def _walk(node: CompValue, where_from: object, bound: frozenset[Variable] = frozenset()) -> None:
    """Refuse what would make joining the focus nodes differ from pre-binding ``$this``."""
    name = node.name
    if name in ("Focus", "BGP"):
        return
    if name in ("Join", "Union"):
        _walk(node.p1, where_from, bound)
        _walk(node.p2, where_from, bound)
        return
    if name == "LeftJoin":
        _walk(node.p1, where_from, bound)
        _walk(node.p2, where_from, bound)
        if THIS not in bound and THIS not in _certain(node.p1) and (_mentions_this(node.p2)
                                                                     or _mentions_this(node.expr)):
            raise UnsupportedShapeError(f"{where_from}: an OPTIONAL uses $this where it is not bound")
        return
    if name in ("Filter", "Extend"):
        _walk(node.p, where_from, bound)
        here = bound | _certain(node.p)
        if THIS not in here and _mentions_this(node.expr):
            raise UnsupportedShapeError(f"{where_from}: an expression uses $this where it is not bound")
        _walk_expr(node.expr, where_from, frozenset(here))
        return
    raise UnsupportedShapeError(f"{where_from}: SPARQL algebra {name} is not supported")


def _walk_expr(expr: object, where_from: object, bound: frozenset[Variable]) -> None:
    if isinstance(expr, CompValue):
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            _walk(_graph_of(expr), where_from, bound)
            return
        for key, value in expr.items():
            if key != "_vars":
                _walk_expr(value, where_from, bound)
    elif isinstance(expr, list | tuple):
        for value in expr:
            _walk_expr(value, where_from, bound)


def _graph_of(exists: CompValue) -> CompValue:
    graph = exists.graph   # rdflib keeps the translated pattern as an attribute, the parse tree as a key
    if graph.name == "GroupGraphPatternSub":
        graph = translateGroupGraphPattern(graph)
    return graph


# -- rendering -----------------------------------------------------------------------------------------

class Renderer:
    """Writes a checked algebra back to SPARQL, with scoped triple patterns and the focus joined in."""

    def __init__(self, scope: Scope, fresh: Fresh, *, dedupe_bgps: bool = False,
                 literal_objects: Callable[[str], bool] | None = None) -> None:
        self.scope = scope
        self.fresh = fresh
        self.dedupe_bgps = dedupe_bgps
        self.literal_objects = literal_objects
        self._blank: dict[BNode, str] = {}

    def select(self, parsed: ParsedSelect, focus: FocusRenderer, extra: Iterable[str], *,
               tail: str = "") -> str:
        """The whole query: ``extra`` (the article variable, if any), ``?this`` and the projection."""
        extra = list(extra)
        projection = [*extra, "?this"] + [self.term(v) for v in parsed.projected if v != THIS]
        keyword = "SELECT DISTINCT" if parsed.distinct else "SELECT"
        if not parsed.aggregated:
            body = self.pattern(_inject(parsed.where, CompValue("Focus")), focus)
            return f"{keyword} {' '.join(projection)} WHERE {{ {{ {body} }} {tail} }}"
        where = parsed.where
        outer: list[CompValue] = []
        while where.name in ("Extend", "Filter"):
            outer.append(where)
            where = where.p
        body = self._aggregate(where, focus, extra)
        for node in reversed(outer):
            if node.name == "Extend" and node.var == THIS:
                continue   # the group key itself is projected as ?this
            if node.name == "Extend":
                body = f"{{ {body} }} BIND({self.expr(node.expr)} AS {self.term(node.var)})"
            else:
                body = f"{{ {body} }} FILTER({self.expr(node.expr)})"
        return f"{keyword} {' '.join(projection)} WHERE {{ {{ {body} }} {tail} }}"

    def _aggregate(self, node: CompValue, focus: FocusRenderer, extra: list[str]) -> str:
        group = node.p
        aggregates = []
        for agg in node.A:
            if agg.name not in _AGGREGATES:
                raise UnsupportedShapeError(f"aggregate {agg.name} is not supported")
            distinct = "DISTINCT " if _field(agg, "distinct") else ""
            argument = "*" if _field(agg, "vars") == "*" else self.expr(agg.vars)
            separator = _field(agg, "separator")
            separator = f"; SEPARATOR={Literal(str(separator)).n3()}" if separator is not None else ""
            aggregates.append(f"({_AGGREGATES[agg.name]}({distinct}{argument}{separator}) AS {self.term(agg.res)})")
        keys = [*extra] + [self.term(v) for v in group.expr]
        inner = self.pattern(_inject(group.p, CompValue("Focus")), focus)
        return (f"{{ SELECT {' '.join(extra)} ?this {' '.join(aggregates)} WHERE {{ {inner} }} "
                f"GROUP BY {' '.join(keys)} }}")

    # -- graph patterns -------------------------------------------------------------------------
    def pattern(self, node: CompValue, focus: FocusRenderer) -> str:
        name = node.name
        if name == "Focus":
            return focus(self.fresh)
        if name == "BGP":
            return self._bgp(node)
        if name == "Join":
            return f"{{ {self.pattern(node.p1, focus)} }} {{ {self.pattern(node.p2, focus)} }}"
        if name == "LeftJoin":
            condition = "" if node.expr is None or getattr(node.expr, "name", "") == "TrueFilter" \
                else f" FILTER({self.expr(node.expr)})"
            return (f"{{ {self.pattern(node.p1, focus)} }} "
                    f"OPTIONAL {{ {self.pattern(node.p2, focus)}{condition} }}")
        if name == "Union":
            return f"{{ {self.pattern(node.p1, focus)} }} UNION {{ {self.pattern(node.p2, focus)} }}"
        if name == "Filter":
            return f"{{ {self.pattern(node.p, focus)} }} FILTER({self.expr(node.expr)})"
        if name == "Extend":
            return f"{{ {self.pattern(node.p, focus)} }} BIND({self.expr(node.expr)} AS {self.term(node.var)})"
        raise UnsupportedShapeError(f"SPARQL algebra {name} is not supported")

    def _bgp(self, node: CompValue) -> str:
        triples = self._triples(node)
        groups = self._components(triples)
        if len(groups) > 1:
            # Parts of the pattern that meet only on literal values (a measure, a key) are evaluated
            # apart and joined by value (SPARQL 1.1 §18.5: a BGP is the join of its triple patterns,
            # in any grouping), rather than by a lookup for every partial solution.
            parts = []
            for members in groups:
                names = sorted({n for i in members for n in triples[i][1]} - {"?"})
                visible = [n for n in names if not n[1:].startswith(Fresh.PREFIX)]
                parts.append(f"{{ SELECT {' '.join(visible) or '*'} WHERE {{ "
                             f"{' '.join(triples[i][0] for i in members)} }} }}")
            text = " ".join(parts)
        else:
            text = " ".join(t[0] for t in triples)
        if self.dedupe_bgps and triples:
            # Set semantics for a basic graph pattern over a union of graphs (SPARQL 1.1 §18.3):
            # a triple stated by several articles is one triple.
            variables = sorted({n for t in triples for n in t[1]})
            return f"{{ SELECT DISTINCT {' '.join(variables)} WHERE {{ {text} }} }}"
        return text

    def parts(self, node: CompValue) -> list[Part]:
        """A basic graph pattern's parts that meet only on literal-valued variables (one part if none)."""
        triples = self._triples(node)
        found = []
        for members in self._components(triples):
            names = {n for i in members for n in triples[i][1]} - {"?"}
            subjects = {triples[i][3] for i in members} & names
            found.append(Part(" ".join(triples[i][0] for i in members),
                              frozenset(n for n in names if not n[1:].startswith(Fresh.PREFIX)),
                              frozenset(n for n in subjects if not n[1:].startswith(Fresh.PREFIX))))
        return found

    def _triples(self, node: CompValue) -> list[tuple[str, set[str], str | None, str]]:
        """Each triple pattern scoped: its text, its variables, its object if literal-valued, its subject."""
        triples = []
        for s, p, o in node.triples:
            subject, obj = self.term(s), self.term(o)
            if isinstance(p, Path):
                pattern = self.scope.path(subject, p, obj, self.fresh)
                literal = False
            else:
                predicate = self.term(p)
                pattern = self.scope.triple(subject, predicate, obj, self.fresh)
                literal = (self.literal_objects is not None and predicate.startswith("<")
                           and self.literal_objects(predicate[1:-1]))
            names = {t for t in (subject, obj, self.term(p) if not isinstance(p, Path) else "") if t.startswith("?")}
            triples.append((pattern, names, obj if literal else None, subject))
        return triples

    @staticmethod
    def _components(triples: list[tuple[str, set[str], str | None, str]]) -> list[list[int]]:
        """Triple patterns grouped by the variables they share, other than literal-valued ones."""
        literal = {t[2] for t in triples if t[2]}
        roots = linked([names - literal for _, names, _, _ in triples])
        groups: dict[int, list[int]] = {}
        for i, root in enumerate(roots):
            groups.setdefault(root, []).append(i)
        return list(groups.values())

    # -- expressions ----------------------------------------------------------------------------
    def term(self, term: object) -> str:
        if isinstance(term, Variable):
            name = str(term)
            if name.startswith(Fresh.PREFIX):
                raise UnsupportedShapeError(f"variable ?{name}: names starting {Fresh.PREFIX} are reserved")
            return f"?{name}"
        if isinstance(term, BNode):
            if term not in self._blank:
                self._blank[term] = self.fresh("b")
            return self._blank[term]
        if isinstance(term, URIRef | Literal):
            return term.n3()
        raise UnsupportedShapeError(f"unexpected term {term!r} in a SHACL-SPARQL constraint")

    def expr(self, expr: object) -> str:
        if not isinstance(expr, CompValue):
            if isinstance(expr, list):
                return ", ".join(self.expr(e) for e in expr)
            return self.term(expr)
        name = expr.name
        if name in _BINARY:
            return "(" + f" {_BINARY[name]} ".join(self.expr(e) for e in [expr.expr, *expr.other]) + ")"
        if name in ("AdditiveExpression", "MultiplicativeExpression"):
            text = self.expr(expr.expr)
            for op, other in zip(expr.op, expr.other, strict=True):
                text += f" {op} {self.expr(other)}"
            return f"({text})"
        if name == "RelationalExpression":
            if expr.op in ("IN", "NOT IN"):
                return f"({self.expr(expr.expr)} {expr.op} ({self.expr(list(expr.other))}))"
            return f"({self.expr(expr.expr)} {expr.op} {self.expr(expr.other)})"
        if name in _UNARY:
            return f"({_UNARY[name]}{self.expr(expr.expr)})"
        if name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            keyword = "EXISTS" if name == "Builtin_EXISTS" else "NOT EXISTS"
            return f"{keyword} {{ {self.pattern(_graph_of(expr), _no_focus)} }}"
        if name == "Function":
            distinct = "DISTINCT " if _field(expr, "distinct") else ""
            return f"{self.term(expr.iri)}({distinct}{self.expr(list(expr.expr or []))})"
        if name.startswith("Builtin_"):
            keyword = name.removeprefix("Builtin_")
            args = []
            for key in _ARG_ORDER:
                value = _field(expr, key)
                if value is None:
                    continue
                args.append(self.expr(list(value)) if isinstance(value, list) else self.expr(value))
            return f"{keyword}({', '.join(args)})"
        if isinstance(expr, Expr) or name:
            raise UnsupportedShapeError(f"SPARQL expression {name} is not supported")
        raise UnsupportedShapeError(f"SPARQL expression {expr!r} is not supported")


def _field(node: CompValue, key: str) -> object:
    """A CompValue's field, or None (CompValue.get answers the key's own name for a missing key)."""
    return node[key] if key in node else None  # noqa: SIM401  (CompValue.get answers the key)


def _no_focus(fresh: Fresh) -> str:
    raise UnsupportedShapeError("the focus can only be joined at the top level")


# -- results -------------------------------------------------------------------------------------------

def format_message(message: str, bound: dict[str, object]) -> str:
    """pyshacl's substitution of ``{?var}`` and ``{$var}`` in a SHACL-SPARQL message (SHACL 1.0 §5.3.2),
    done the way pyshacl does it, so messages come out character for character the same."""
    import re

    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


def linked(named: Sequence[set[str]]) -> list[int]:
    """For each item, the index of one item of its group: items sharing a name are in one group."""
    parent = list(range(len(named)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, names in enumerate(named):
        for name in names:
            if name in owner:
                parent[root(i)] = root(owner[name])
            else:
                owner[name] = i
    return [root(i) for i in range(len(named))]
