"""Self-joins in SHACL-SPARQL constraints, paired in Python.

A conflict constraint pairs two annotations of one node that state different values in different
articles: its basic graph pattern is two halves (``?evidence1 ...`` and ``?evidence2 ...``) that meet
on a few variables (the node, the property), and its FILTER compares a variable of one half with one of
the other (``?value1 < ?value2``, ``?source1 != ?source2``). A SPARQL engine joins every annotation of a
node with every other before the filter drops most of the pairs: work quadratic in the number of
articles that report the node, where most pairs agree.

Here each half is read once, with the part of the query that comes before the basic graph pattern (the
focus nodes, and any UNION or BIND: the "anchor"). The halves are one pattern twice, so one query reads
the rows of both. The rows are joined by hashing on the variables both halves bind, and an ordering
comparison is applied by sorting and bisection (inequality.py): work in proportion to the rows read and
the pairs kept.

Python decides a comparison only where it orders and equates values exactly as SPARQL does
(inequality.comparable; IRIs and blank nodes by identity). Every conjunct of a FILTER must be true for a
solution to stay (SPARQL 1.1 §17.2), so one false comparison drops a pair whatever the others are; a pair
Python cannot decide is left to SPARQL: the constraint's own query, on the focus nodes of such pairs.

Results are sets of rows, as Sparql._row reads them: a pair of half rows gives the solution made of both,
and solutions that repeat are one result there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.paths import Path
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from . import inequality
from .inequality import Comparison
from .scopes import Fresh
from .sparql import THIS, ParsedSelect, Renderer, _inject, linked

Row = dict[str, Node]
FocusRenderer = Callable[[Fresh], str]

_ORDERING = {"<", "<=", ">", ">="}
_OPS = {**inequality.FLIP, "=": "=", "!=": "!="}
_MOST_KEYS = 2       # variables set apart to cut the pattern in two: a self-join needs one or two


@dataclass(frozen=True)
class Halves:
    """A constraint's pattern as an anchor and two halves, and how their rows are paired."""

    anchor: CompValue                        # the pattern before the basic graph pattern, focus joined in
    triples: tuple[tuple[tuple, ...], tuple[tuple, ...]]    # each half's triple patterns (algebra)
    side_variables: tuple[frozenset[str], frozenset[str]]   # what each half's query binds, anchor included
    keys: tuple[str, ...]                    # bound by both: rows are joined on equal terms
    filters: tuple[tuple[object, ...], tuple[object, ...]]  # conjuncts each half's query evaluates
    comparisons: tuple[Comparison, ...]      # conjuncts across the halves, first half's variable first
    projected: tuple[str, ...]               # the solution's variables (?this first)
    mirror: dict[str, str]                   # the second half's variables as the first's: one pattern twice

    def selected(self, side: int) -> set[str]:
        """The variables a half's rows must hold: keys, the projected variables it binds, the compared."""
        compared = {c.first if side == 0 else c.second for c in self.comparisons}
        return {*self.keys, *compared, *(v for v in self.projected if v in self.side_variables[side])}

    def compared(self, side: int) -> set[str]:
        return {c.first if side == 0 else c.second for c in self.comparisons}


def halves(parsed: ParsedSelect, renderer: Renderer) -> Halves | None:
    """The self-join in a constraint's WHERE, or None when it has not that form."""
    if parsed.aggregated:
        return None
    where, conditions = parsed.where, []
    while where.name == "Filter":
        conditions.extend(inequality.conjuncts(where.expr))
        where = where.p
    joined = _inject(where, CompValue("Focus"))
    if joined.name != "Join" or joined.p2.name != "BGP":
        return None
    anchor, triples = joined.p1, list(joined.p2.triples)
    anchor_variables = {renderer.term(v) for v in _variables_of(anchor) | {THIS}}
    pairs = [p for p in (_comparison(c, renderer) for c in conditions) if p is not None]
    named = [_names(t, renderer) for t in triples]
    seeds = {v for first, _, second in pairs for v in (first, second)} - anchor_variables
    free = sorted({n for names in named for n in names} - anchor_variables - seeds)
    for size in range(_MOST_KEYS + 1):
        for cut in combinations(free, size):
            sides = _cut(named, anchor_variables | set(cut), pairs)
            if sides is not None:
                return _halves(anchor, triples, named, sides, anchor_variables, conditions, parsed, renderer)
    return None


def _halves(anchor: CompValue, triples: list[tuple], named: list[set[str]], sides: list[int],
            anchor_variables: set[str], conditions: list[object], parsed: ParsedSelect,
            renderer: Renderer) -> Halves | None:
    """The Halves of a pattern cut in two (``sides``: the half of each triple)."""
    own = [set().union(*(named[i] for i, s in enumerate(sides) if s == side)) for side in (0, 1)]
    side_variables = (frozenset(anchor_variables | own[0]), frozenset(anchor_variables | own[1]))
    projected = tuple(dict.fromkeys([renderer.term(THIS), *(renderer.term(v) for v in parsed.projected)]))
    keys = tuple(sorted((anchor_variables & (own[0] | own[1] | set(projected))) | (own[0] & own[1])))
    if any(k[1:].startswith(Fresh.PREFIX) for k in keys):
        return None     # a blank node of the pattern shared by both halves: not worth the case
    comparisons: list[Comparison] = []
    filters: tuple[list[object], list[object]] = ([], [])
    for condition in conditions:
        pair = _comparison(condition, renderer)
        if pair is not None and pair[0] in own[0] - own[1] and pair[2] in own[1] - own[0]:
            comparisons.append(Comparison(*pair))
            continue
        if pair is not None and pair[0] in own[1] - own[0] and pair[2] in own[0] - own[1]:
            comparisons.append(Comparison(pair[2], _OPS[pair[1]], pair[0]))
            continue
        names = inequality.variables(condition, renderer)
        placed = [side for side in (0, 1) if names is not None and names <= side_variables[side]]
        if not placed:
            return None      # reads both halves, and is no comparison of two variables
        for side in placed:
            filters[side].append(condition)
    if not comparisons:
        return None
    split = tuple(tuple(t for t, s in zip(triples, sides, strict=True) if s == side) for side in (0, 1))
    mirror = _mirror(split[0], split[1], set(keys), renderer) if filters[0] == filters[1] else None
    if mirror is None:
        return None     # two different patterns: SPARQL's own join order serves them better than a guess
    return Halves(anchor, split, side_variables, keys, (tuple(filters[0]), tuple(filters[1])),  # type: ignore[arg-type]
                  tuple(comparisons), projected, mirror)


def _cut(named: list[set[str]], keys: set[str], pairs: list[tuple[str, str, str]]) -> list[int] | None:
    """The half (0 or 1) of each triple once ``keys`` are set apart, or None: the triples that the
    compared variables are in must fall in exactly two groups, each comparison across them or inside one.
    Triples of neither group go with the first half."""
    roots = linked([names - keys for names in named])
    group = {name: roots[i] for i, names in enumerate(named) for name in names - keys}
    across = [(group[a], group[b]) for a, _, b in pairs if a in group and b in group and group[a] != group[b]]
    ends = {g for pair in across for g in pair}
    if not across or len(ends) != 2:
        return None
    first = across[0][0]
    return [1 if roots[i] in ends and roots[i] != first else 0 for i in range(len(named))]


def _mirror(first: Sequence[tuple], second: Sequence[tuple], keys: set[str],
            renderer: Renderer) -> dict[str, str] | None:
    """The renaming of the second half's own variables that gives the first half, triple for triple."""
    if len(first) != len(second):
        return None
    renaming: dict[str, str] = {}
    for mine, theirs in zip(first, second, strict=True):
        for a, b in zip(mine, theirs, strict=True):
            if isinstance(a, Variable | BNode) and isinstance(b, Variable | BNode):
                a_name, b_name = renderer.term(a), renderer.term(b)
                if (a_name in keys or b_name in keys) and a_name != b_name:
                    return None
                if renaming.setdefault(b_name, a_name) != a_name:
                    return None
            elif a != b:
                return None
    if len(set(renaming.values())) != len(renaming):
        return None
    return renaming


def _comparison(expr: object, renderer: Renderer) -> tuple[str, str, str] | None:
    """``(?a, op, ?b)`` for ``?a op ?b``, op a comparison or (in)equality, else None."""
    if (isinstance(expr, CompValue) and expr.name == "RelationalExpression" and expr.op in _OPS
            and isinstance(expr.expr, Variable) and isinstance(expr.other, Variable)):
        return renderer.term(expr.expr), str(expr.op), renderer.term(expr.other)
    return None


def _names(triple: tuple, renderer: Renderer) -> set[str]:
    """The variables a triple pattern binds, as the renderer writes them (blank nodes included)."""
    return {renderer.term(t) for t in triple if isinstance(t, Variable | BNode)}


def _variables_of(node: object) -> set[Variable]:
    """Every variable a pattern mentions (its triples, BINDs and filters)."""
    if isinstance(node, Variable):
        return {node}
    if isinstance(node, CompValue):
        return set().union(set(), *(_variables_of(v) for k, v in node.items() if k != "_vars"))
    if isinstance(node, list | tuple):
        return set().union(set(), *(_variables_of(v) for v in node))
    return set()


# -- the queries --------------------------------------------------------------------------------------

def half_query(shape: Halves, renderer: Renderer, focus: FocusRenderer, groups: str = "") -> str:
    """The query that reads both halves' rows: the first half's, with what the second needs renamed;
    ``groups``, a VALUES block of keys, keeps the rows of those key groups alone."""
    mirror = shape.mirror
    selected = shape.selected(0) | {mirror.get(v, v) for v in shape.selected(1)}
    compared = sorted(shape.compared(0) | {mirror.get(v, v) for v in shape.compared(1)})
    # Only a literal's lexical form: an IRI's would cost the store a lookup, and its conversion, for nothing.
    lexical = " ".join(f"(IF(isLiteral({v}), STR({v}), {Fresh()('none')}) AS ?{inequality.lexical(v)})"
                       for v in compared)
    return f"SELECT DISTINCT {' '.join(sorted(selected))} {lexical} WHERE {_half(shape, renderer, focus, groups)}"


def groups_query(shape: Halves, renderer: Renderer, focus: FocusRenderer) -> str | None:
    """The key groups where a pair can be kept, when a comparison needs the two rows of a pair to differ
    (``<`` or ``>``, else ``!=``, between a variable and its mirror): groups whose rows give that variable
    two terms at least. Reading the rows of these groups alone spares the store the conversion of all the
    others. The query keeps only the triple patterns that bind the keys and that variable: with fewer
    patterns a group has more rows, never fewer, so no group that can give a pair is missed. None when no
    comparison is of that kind."""
    mirrored = [c for c in shape.comparisons if shape.mirror.get(c.second) == c.first]
    differing = sorted({c.first for c in mirrored if c.op in ("<", ">")} or
                       {c.first for c in mirrored if c.op == "!="})
    if not differing:
        return None
    keys = " ".join(shape.keys)
    having = " && ".join(f"COUNT(DISTINCT {v}) > 1" for v in differing)
    body = _half(shape, renderer, focus, needed={*shape.keys, *differing})
    return f"SELECT {keys} WHERE {body} GROUP BY {keys} HAVING ({having})"


def _half(shape: Halves, renderer: Renderer, focus: FocusRenderer, groups: str = "",
          needed: set[str] | None = None) -> str:
    """The first half's pattern: the anchor, its triple patterns, the filters that read it alone; with
    ``needed``, only the patterns that bind those variables (and what they hang from) and the filters
    that read nothing else."""
    anchor = renderer.pattern(shape.anchor, focus)
    bound = {renderer.term(v) for v in _variables_of(shape.anchor) | {THIS}}
    filtered = {v for c in shape.filters[0] for v in inequality.variables(c, renderer) or ()}
    triples = _from_bound(list(shape.triples[0]), bound, filtered, renderer)
    if needed is not None:
        triples = _binding(triples, bound, needed, renderer)
        bound |= {n for t in triples for n in _names(t, renderer)}
    conditions = "".join(f" FILTER({renderer.expr(c)})" for c in shape.filters[0]
                         if needed is None or (inequality.variables(c, renderer) or {"?"}) <= bound)
    patterns = " ".join(_pattern(t, renderer) for t in triples)
    # The VALUES after the anchor, not before it: the anchor may BIND a key (SPARQL 1.1 §18.2.1).
    return f"{{ {{ {anchor} }} {groups} {patterns}{conditions} }}"


def _binding(triples: list[tuple], bound: set[str], needed: set[str], renderer: Renderer) -> list[tuple]:
    """The triples (in order) that first bind a needed variable, and those that first bind a variable
    of a triple kept."""
    binder: dict[str, tuple] = {}
    for triple in triples:
        for name in _names(triple, renderer) - bound:
            binder.setdefault(name, triple)
    kept: list[tuple] = []
    todo = [binder[n] for n in needed if n in binder]
    while todo:
        triple = todo.pop()
        if triple not in kept:
            kept.append(triple)
            todo.extend(binder[n] for n in _names(triple, renderer) if n in binder)
    return [t for t in triples if t in kept]


def half_rows(shape: Halves, rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """Each half's rows, from the rows of ``half_query``."""
    names = [(n[1:], shape.mirror.get(n, n)[1:]) for n in shape.selected(1)]
    names += [(inequality.lexical(n), inequality.lexical(shape.mirror.get(n, n))) for n in shape.compared(1)]
    return rows, [{mine: row[theirs] for mine, theirs in names if theirs in row} for row in rows]


def _from_bound(triples: list[tuple], bound: set[str], filtered: set[str], renderer: Renderer) -> list[tuple]:
    """The triple patterns in an order that reaches out from the variables already bound: next, among
    those that meet a bound variable, the one that binds the fewest new ones (a check first), then one
    whose variables a FILTER reads (it drops rows before more lookups). Oxigraph keeps the written order
    in its nested-loop joins; left to itself it may start from every annotation of the store."""
    ordered: list[tuple] = []
    bound = set(bound)
    while triples:
        touching = [t for t in triples if _names(t, renderer) & bound] or triples
        best = min(touching, key=lambda t: (len(_names(t, renderer) - bound), not _names(t, renderer) & filtered))
        ordered.append(best)
        triples.remove(best)
        bound |= _names(best, renderer)
    return ordered


def _pattern(triple: tuple, renderer: Renderer) -> str:
    s, p, o = triple
    if isinstance(p, Path):
        return renderer.scope.path(renderer.term(s), p, renderer.term(o), renderer.fresh)
    return renderer.scope.triple(renderer.term(s), renderer.term(p), renderer.term(o), renderer.fresh)


# -- the pairs ---------------------------------------------------------------------------------------------

@dataclass
class Paired:
    """The solutions Python decided, and the focus nodes of the pairs it left to SPARQL."""

    rows: list[Row]
    undecided: set[Node]


Operand = tuple[Node | None, tuple[str, object] | None]     # a term, and its comparable value if any


def pair(first: Sequence[Row], second: Sequence[Row], shape: Halves) -> Paired | None:
    """Join the halves' rows; None when a key is not an IRI or a blank node in some row (rdflib may have
    rewritten a literal it read, so equal terms here need not be equal in the store)."""
    keys = [k[1:] for k in shape.keys]
    groups: dict[tuple, tuple[list[Row], list[Row]]] = defaultdict(lambda: ([], []))
    for side, rows in enumerate((first, second)):
        for row in rows:
            key = tuple(row.get(k) for k in keys)
            if not all(isinstance(t, URIRef | BNode) for t in key):
                return None
            groups[key][side].append(row)
    names = [(n[1:], 0 if n in shape.side_variables[0] else 1) for n in shape.projected
             if n in shape.side_variables[0] or n in shape.side_variables[1]]
    ordering = [c for c in shape.comparisons if c.op in _ORDERING][:2]
    ops = [c.op for c in shape.comparisons]
    found = Paired([], set())
    for mine, theirs in groups.values():
        if not mine or not theirs:
            continue
        left = [[_operand(row, c.first) for c in shape.comparisons] for row in mine]
        right = [[_operand(row, c.second) for c in shape.comparisons] for row in theirs]
        for i, j in inequality.pairs_not_ruled_out(mine, theirs, ordering):
            verdicts = [_decide(op, a, b) for op, a, b in zip(ops, left[i], right[j], strict=True)]
            if False in verdicts:
                continue
            if None in verdicts:
                found.undecided.add(mine[i]["this"])
                continue
            both = (mine[i], theirs[j])
            found.rows.append({name: both[side][name] for name, side in names if name in both[side]})
    return found


def _operand(row: Row, variable: str) -> Operand:
    return row.get(variable[1:]), inequality.compared(row, variable)


def _decide(op: str, a: Operand, b: Operand) -> bool | None:
    """``a op b`` as SPARQL evaluates it, or None where Python cannot tell."""
    (x, x_value), (y, y_value) = a, b
    if x is None or y is None:
        return False         # an unbound variable: the comparison is an error, the conjunct not true
    if op in ("=", "!=") and isinstance(x, URIRef | BNode) and isinstance(y, URIRef | BNode):
        return (x == y) == (op == "=")
    if not isinstance(x, Literal) or not isinstance(y, Literal) or x_value is None or y_value is None \
            or x_value[0] != y_value[0]:
        return None
    return _apply(op, x_value[1], y_value[1])


def _apply(op: str, x: object, y: object) -> bool:
    if op == "=":
        return x == y
    if op == "!=":
        return x != y
    if op == "<":
        return x < y  # type: ignore[operator]
    if op == "<=":
        return x <= y  # type: ignore[operator]
    if op == ">":
        return x > y  # type: ignore[operator]
    return x >= y  # type: ignore[operator]
