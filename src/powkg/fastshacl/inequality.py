"""Inequality joins in SHACL-SPARQL constraints, pruned in Python before SPARQL decides.

A constraint such as "a later total is not below an earlier one" pairs every solution of one part of
its pattern with every solution of another that agrees on a few literal values (a measure, a starting
point), and keeps the pairs where ``?earlier < ?later && ?count < ?earlierCount``. A SPARQL engine forms
all the pairs of each group before filtering them: quadratic work for a handful of results.

When a constraint's WHERE is a FILTER over a basic graph pattern whose parts meet only on literal-valued
variables (sparql.Renderer.parts), and the filter's conjuncts compare a variable of one part with one
of the other by ``<``, ``<=``, ``>`` or ``>=``, each part is evaluated alone, the candidate pairs are found
here (a hash on the shared values, then the one or two comparisons by sorting and bisection, in time
proportional to n log n plus the pairs found), and the constraint's own query is run again on the
candidates alone (a VALUES block of the parts' subjects, ``?this`` and ``?value``). Python only prunes,
and only drops a pair that SPARQL could not keep: a conjunct of a FILTER that is not true (false, or an
error) drops the solution (SPARQL 1.1 §17.2), and two values are compared here only when both are of one
kind Python orders exactly as SPARQL does (§17.3 operator mapping), read from their lexical forms:

    integers and decimals   op:numeric-less-than, exact for both (decimals of at most 18 fraction digits)
    doubles                 op:numeric-less-than on IEEE doubles (NaN left to SPARQL)
    dates                   op:date-less-than, naive dates with naive dates, dates with a timezone with
                            dates with a timezone (compared as the instants that start them)
    plain strings           fn:compare, by code points

Any other pair of values (a number and a date, a float, a language-tagged string, an IRI) stays a
candidate, for SPARQL to judge. Conjuncts that read one part alone are evaluated with it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from itertools import product

from rdflib import Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from .focus import Focus, Plan
from .scopes import Fresh
from .sparql import THIS, ParsedSelect, Part, Renderer

Select = Callable[[str], list[dict[str, Node]]]

FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
# Kept out of a part's query: a new value in each query (RAND, NOW, UUID ...), or a pattern of its own.
_VOLATILE = {"Builtin_RAND", "Builtin_NOW", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE",
             "Builtin_EXISTS", "Builtin_NOTEXISTS"}


@dataclass(frozen=True)
class Comparison:
    """``first op second``: a variable of the first part against one of the second."""

    first: str
    op: str
    second: str


@dataclass(frozen=True)
class Split:
    """A constraint's pattern as two parts joined on equal values and compared by inequalities."""

    parts: tuple[Part, Part]                 # the part that binds ?this first
    filters: tuple[tuple[str, ...], tuple[str, ...]]   # conjuncts that read one part alone, rendered
    keys: tuple[str, ...]                    # the variables both parts bind: joined on equal terms
    comparisons: tuple[Comparison, ...]      # one or two, compared here
    ids: tuple[tuple[str, ...], tuple[str, ...]]       # what names a row of each part in the final query

    def columns(self, side: int) -> list[str]:
        """What a part's query projects: its ids, the keys, the compared values and their lexical forms
        (rdflib rewrites some literals it reads: ``"2023-01-02+12:00"^^xsd:date`` loses its timezone)."""
        own = sorted({c.first if side == 0 else c.second for c in self.comparisons})
        return [*sorted({*self.ids[side], *self.keys, *own}), *(f"(STR({v}) AS ?{lexical(v)})" for v in own)]


def lexical(variable: str) -> str:
    """The name of the column holding a compared variable's lexical form."""
    return f"{Fresh.PREFIX}str_{variable[1:]}"


def split(parsed: ParsedSelect, renderer: Renderer) -> Split | None:
    """The inequality join in a constraint's WHERE, or None when it has not that form."""
    if parsed.aggregated:
        return None
    where, conditions = parsed.where, []
    while where.name == "Filter":
        conditions.extend(conjuncts(where.expr))
        where = where.p
    if where.name != "BGP":
        return None
    parts = renderer.parts(where)
    this = renderer.term(THIS)
    if len(parts) != 2 or (this in parts[0].variables) == (this in parts[1].variables):
        return None
    first, second = parts if this in parts[0].variables else parts[::-1]
    keys = first.variables & second.variables
    own = (first.variables - keys, second.variables - keys)
    comparisons: list[Comparison] = []
    filters: tuple[list[str], list[str]] = ([], [])
    for conjunct in conditions:
        pair = comparison(conjunct, renderer)
        if pair is not None and pair[0] in own[0] and pair[2] in own[1]:
            comparisons.append(Comparison(*pair))
        elif pair is not None and pair[0] in own[1] and pair[2] in own[0]:
            comparisons.append(Comparison(pair[2], FLIP[pair[1]], pair[0]))
        else:
            names = variables(conjunct, renderer)
            if names is None:
                continue
            for side, part in enumerate((first, second)):
                if names <= part.variables:
                    filters[side].append(renderer.expr(conjunct))
    if not comparisons:
        return None
    ids = (tuple(sorted(first.subjects or first.variables)), tuple(sorted(second.subjects or second.variables)))
    return Split((first, second), (tuple(filters[0]), tuple(filters[1])), tuple(sorted(keys)),
                 tuple(comparisons[:2]), ids)


def restrictions(parsed: ParsedSelect, focus: Focus, select: Select, plan: Plan, *, limit: int,
                 chunk: int) -> list[str] | None:
    """VALUES blocks that restrict the constraint's query to the candidate pairs of its inequality join
    (none when no pair remains), or None: not an inequality join, or more than ``limit`` candidates."""
    fresh = Fresh()
    shape = split(parsed, Renderer(plan.scope, fresh, literal_objects=plan.literal_objects))
    if shape is None:
        return None
    rows = []
    for side, part in enumerate(shape.parts):
        head = f"{plan.prefix} {plan.focus(focus, '?this', fresh)}" if side == 0 else ""
        conditions = "".join(f" FILTER({c})" for c in shape.filters[side])
        columns = " ".join(shape.columns(side))
        rows.append(select(f"SELECT DISTINCT {columns} WHERE {{ {head} {part.text}{conditions} }}"))
    found = candidates(rows[0], rows[1], shape, limit)
    return None if found is None else values_blocks(shape.ids[0] + shape.ids[1], found, chunk)


def values_blocks(names: Sequence[str], rows: Iterable[tuple[Node, ...]], chunk: int) -> list[str] | None:
    """VALUES blocks of at most ``chunk`` rows binding ``names``, or None when a term is not an IRI."""
    # IRIs only: VALUES cannot name a blank node (SPARQL 1.1 §10.2.1), and a literal may have been
    # rewritten by rdflib when read (store/terms.py), so would not name the store's term
    ordered = sorted(rows, key=lambda row: [str(t) for t in row])
    if any(not isinstance(t, URIRef) for row in ordered for t in row):
        return None
    return [f"VALUES ({' '.join(names)}) {{ " + " ".join("(" + " ".join(t.n3() for t in row) + ")"
                                                       for row in ordered[start:start + chunk]) + " }"
            for start in range(0, len(ordered), chunk)]


def conjuncts(expr: object) -> list[object]:
    """The operands of a FILTER's top-level ``&&``."""
    if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression":
        return [c for e in [expr.expr, *expr.other] for c in conjuncts(e)]
    return [expr]


def comparison(expr: object, renderer: Renderer) -> tuple[str, str, str] | None:
    """``(?a, op, ?b)`` for ``?a op ?b`` with op one of < <= > >=, else None."""
    if (isinstance(expr, CompValue) and expr.name == "RelationalExpression" and expr.op in FLIP
            and isinstance(expr.expr, Variable) and isinstance(expr.other, Variable)):
        return renderer.term(expr.expr), str(expr.op), renderer.term(expr.other)
    return None


def variables(expr: object, renderer: Renderer) -> set[str] | None:
    """The variables an expression reads, or None if its value could differ between two queries."""
    found: set[str] = set()

    def walk(item: object) -> bool:
        if isinstance(item, Variable):
            found.add(renderer.term(item))
        elif isinstance(item, CompValue):
            if item.name in _VOLATILE:
                return False
            return all(walk(v) for k, v in item.items() if k != "_vars")
        elif isinstance(item, list | tuple):
            return all(walk(v) for v in item)
        return True

    return found if walk(expr) else None


# -- the values, as Python orders them ----------------------------------------------------------------

_INTEGERS = {XSD[n] for n in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                              "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                              "unsignedShort", "unsignedByte")}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(INF|inf)")   # rdflib writes inf
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")


def comparable(term: object, text: str) -> tuple[str, object] | None:
    """A value's kind and a Python value that orders as SPARQL orders values of that kind, or None:
    ``term`` gives the datatype, ``text`` is its lexical form as the store holds it."""
    if not isinstance(term, Literal) or term.language:
        return None
    datatype = term.datatype
    try:
        if datatype is None or datatype == XSD.string:
            return "string", text
        if datatype in _INTEGERS:
            return ("number", int(text)) if _INTEGER.fullmatch(text) else None
        if datatype == XSD.decimal:
            if not _DECIMAL.fullmatch(text):
                return None
            value = Decimal(text)
            exponent = value.as_tuple().exponent
            return ("number", value) if isinstance(exponent, int) and exponent >= -18 else None
        if datatype == XSD.double:
            if not _DOUBLE.fullmatch(text):
                return None
            return "double", float(text)
        if datatype == XSD.date:
            return _date(text)
    except (ValueError, InvalidOperation, OverflowError):
        return None
    return None


def _date(text: str) -> tuple[str, object] | None:
    found = _DATE.fullmatch(text)
    if found is None:
        return None
    day = date(int(found[1]), int(found[2]), int(found[3]))
    zone = found[4]
    if zone is None:
        return "date", day
    offset = timedelta() if zone == "Z" else \
        (1 if zone[0] == "+" else -1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return "zoned date", datetime(day.year, day.month, day.day, tzinfo=timezone(offset))


# -- the candidate pairs ---------------------------------------------------------------------------------

Row = dict[str, Node]


def candidates(first: Sequence[Row], second: Sequence[Row], shape: Split,
               limit: int) -> set[tuple[Node, ...]] | None:
    """The distinct (first part's ids, second part's ids) of the pairs of rows that agree on the keys
    and that no comparison rules out; None when there are more than ``limit`` of them."""
    keys = [k[1:] for k in shape.keys]
    ids = ([n[1:] for n in shape.ids[0]], [n[1:] for n in shape.ids[1]])
    groups: dict[tuple, tuple[list[Row], list[Row]]] = defaultdict(lambda: ([], []))
    for side, rows in enumerate((first, second)):
        for row in rows:
            groups[tuple(row[k] for k in keys)][side].append(row)
    found: set[tuple[Node, ...]] = set()
    budget = 8 * limit + 1000      # pairs of rows looked at: several rows can name one pair of ids
    for mine, theirs in groups.values():
        if not mine or not theirs:
            continue
        for i, j in pairs_not_ruled_out(mine, theirs, shape.comparisons):
            found.add(tuple(mine[i][n] for n in ids[0]) + tuple(theirs[j][n] for n in ids[1]))
            budget -= 1
            if len(found) > limit or budget < 0:
                return None
    return found


def pairs_not_ruled_out(mine: list[Row], theirs: list[Row],
                        comparisons: Sequence[Comparison]) -> Iterator[tuple[int, int]]:
    """Indices of the pairs of rows of one group that the comparisons do not rule out (no comparison:
    every pair). The rows hold each compared variable's lexical form (``lexical``)."""
    values = ([[compared(row, c.first) for c in comparisons] for row in mine],
              [[compared(row, c.second) for c in comparisons] for row in theirs])
    classes: tuple[dict[tuple, list[int]], dict[tuple, list[int]]] = ({}, {})
    for side in (0, 1):
        for index, vals in enumerate(values[side]):
            classes[side].setdefault(tuple(v[0] if v else None for v in vals), []).append(index)
    for (kinds_a, rows_a), (kinds_b, rows_b) in product(classes[0].items(), classes[1].items()):
        active = [n for n, (a, b) in enumerate(zip(kinds_a, kinds_b, strict=True)) if a is not None and a == b]
        if not active:
            yield from product(rows_a, rows_b)
            continue
        a_values = [[values[0][i][n][1] for n in active] for i in rows_a]  # type: ignore[index]
        b_values = [[values[1][j][n][1] for n in active] for j in rows_b]  # type: ignore[index]
        ops = [comparisons[n].op for n in active]
        for i, j in _dominated(a_values, b_values, ops):
            yield rows_a[i], rows_b[j]


def compared(row: Row, variable: str) -> tuple[str, object] | None:
    """``comparable`` of a row's value for a compared variable."""
    text = row.get(lexical(variable))
    return comparable(row[variable[1:]], str(text)) if text is not None else None


def _range(keys: list, value: object, op: str) -> tuple[int, int]:
    """The slice of sorted ``keys`` holding every key k with ``value op k``."""
    if op == "<":
        return bisect_right(keys, value), len(keys)
    if op == "<=":
        return bisect_left(keys, value), len(keys)
    if op == ">":
        return 0, bisect_left(keys, value)
    return 0, bisect_right(keys, value)


def _dominated(a_values: list[list], b_values: list[list], ops: list[str]) -> Iterator[tuple[int, int]]:
    """Pairs (i, j) with ``a_values[i][n] ops[n] b_values[j][n]`` for every n (one or two comparisons)."""
    order = sorted(range(len(b_values)), key=lambda j: b_values[j][0])
    firsts = [b_values[j][0] for j in order]
    if len(ops) == 1:
        for i, a in enumerate(a_values):
            lo, hi = _range(firsts, a[0], ops[0])
            for position in range(lo, hi):
                yield i, order[position]
        return
    # A merge-sort tree over the rows sorted by the first value: each node holds its rows sorted by the
    # second, so a range of the first order is O(log n) nodes, each cut by bisection.
    size = 1
    while size < len(order):
        size *= 2
    nodes: list[tuple[list, list[int]]] = [([], []) for _ in range(2 * size)]
    for position, j in enumerate(order):
        nodes[size + position] = ([b_values[j][1]], [j])
    for node in range(size - 1, 0, -1):
        # two sorted runs: the sort merges them in linear time
        merged = [*zip(*nodes[2 * node], strict=True), *zip(*nodes[2 * node + 1], strict=True)]
        merged.sort(key=lambda kv: kv[0])
        nodes[node] = ([k for k, _ in merged], [j for _, j in merged])
    for i, a in enumerate(a_values):
        lo, hi = _range(firsts, a[0], ops[0])
        lo, hi = lo + size, hi + size
        while lo < hi:
            if lo & 1:
                yield from ((i, j) for j in _cut(nodes[lo], a[1], ops[1]))
                lo += 1
            if hi & 1:
                hi -= 1
                yield from ((i, j) for j in _cut(nodes[hi], a[1], ops[1]))
            lo //= 2
            hi //= 2


def _cut(node: tuple[list, list[int]], value: object, op: str) -> list[int]:
    keys, rows = node
    lo, hi = _range(keys, value, op)
    return rows[lo:hi]
