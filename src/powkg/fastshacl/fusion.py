"""One query for many checks: the checks of the property shapes of one node shape share their focus
nodes, so their sh:class, cardinality and value-node checks run as one query each, the paths told apart
by an index ``?i`` (each path in its own UNION branch). Results are those of the checks run one by one;
only the number of passes over the data changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from rdflib import BNode, Literal
from rdflib.term import Node

from . import checks as c
from .focus import Plan
from .parallel import concurrently
from .scopes import Fresh

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def prefetch(checks: Sequence[c.Check], select: c.Select, plan: Plan) -> None:
    """Run the fusable checks in groups sharing a focus; their results wait in ``plan.memo``."""
    by_focus: dict[int, list[c.Check]] = defaultdict(list)
    for check in checks:
        by_focus[id(check.focus)].append(check)
    queries = []
    for group in by_focus.values():
        classes = [ch for ch in group if isinstance(ch, c.Class)]
        if len(classes) > 1:
            queries.append((_classes, classes))
        counts = _count_checks(group)
        if len(counts) > 1:
            queries.append((_counts, counts))
        values = [ch for ch in group if isinstance(ch, c.ValueCheck)]
        if len(values) > 1:
            queries.append((_values, values))
    concurrently(lambda query: query[0](query[1], select, plan), queries)


def _branches(items: Sequence[tuple[int, c.Check]], plan: Plan, fresh: Fresh, extra: str = "") -> str:
    parts = []
    for index, check in items:
        parts.append(f"{{ {plan.values(check.path, '?this', '?v', fresh)} BIND({index} AS ?i) "
                     f"{extra.replace('$i', str(index)) if extra else ''} }}")
    return " UNION ".join(parts)


def _classes(group: list[c.Class], select: c.Select, plan: Plan) -> None:
    fresh = Fresh()
    # one branch per distinct (shape, path), each check's classes keyed by the check's own index
    paths: dict[tuple[int, str], int] = {}
    items: list[tuple[int, c.Check]] = []
    allowed = []
    for index, check in enumerate(group):
        key = (id(check.shape), repr(check.path))
        if key not in paths:
            paths[key] = len(items)
            items.append((len(items), check))
        for cls in plan.subclasses(check.cls):
            allowed.append(f"({paths[key]} {index} {cls.n3()})")
    # One NOT EXISTS per graph the type may be in, joined by &&, never one over their UNION: Virtuoso 7
    # answers NOT EXISTS { VALUES ... { A } UNION { B } } as if it were always true.
    kinds = f"VALUES (?i ?j ?t) {{ {' '.join(allowed)} }}"
    unless = " && ".join(f"NOT EXISTS {{ {kinds} {member} }}"
                         for member in plan.scope.alternatives("?v", _RDF_TYPE, "?t", fresh))
    query = (f"SELECT DISTINCT {plan.keys} ?this ?i ?j ?v WHERE {{ {group[0]._head(plan, fresh)} "
             f"{_branches(items, plan, fresh)} VALUES (?i ?j) {{ {' '.join(_pairs(paths, group))} }} "
             f"FILTER({unless}) }}")
    found: dict[int, list[c.RawResult]] = defaultdict(list)
    for row in select(query):
        found[int(_int(row["j"]))].append(group[int(_int(row["j"]))]._result(row, plan, row["v"]))
    for index, check in enumerate(group):
        plan.memo[("fused", id(check))] = found.get(index, [])


def _pairs(paths: dict[tuple[int, str], int], group: Sequence[c.Check]) -> list[str]:
    return [f"({paths[(id(ch.shape), repr(ch.path))]} {j})" for j, ch in enumerate(group)]


def _count_checks(group: list[c.Check]) -> list[c.Check]:
    return [ch for ch in group if isinstance(ch, c.MinCount | c.MaxCount)
            and not (isinstance(ch, c.MinCount) and ch.count == 0)]


def _counts(group: list[c.Check], select: c.Select, plan: Plan) -> None:
    fresh = Fresh()
    paths: dict[tuple[int, str], int] = {}
    items: list[tuple[int, c.Check]] = []
    for check in group:
        key = (id(check.shape), repr(check.path))
        if key not in paths:
            paths[key] = len(items)
            items.append((len(items), check))
    conditions = []
    for check in group:
        index = paths[(id(check.shape), repr(check.path))]
        op = "<" if isinstance(check, c.MinCount) else ">"
        conditions.append(f"(?i = {index} && COUNT(DISTINCT ?v) {op} {check.count})")  # type: ignore[attr-defined]
    query = (f"SELECT {plan.keys} ?this ?i (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {group[0]._head(plan, fresh)} "
             f"VALUES ?i {{ {' '.join(str(i) for i, _ in items)} }} OPTIONAL {{ {_branches(items, plan, fresh)} }} }} "
             f"GROUP BY {plan.keys} ?this ?i HAVING ({' || '.join(conditions)})")
    found: dict[int, list[c.RawResult]] = defaultdict(list)
    rows = select(query)
    for position, check in enumerate(group):
        index = paths[(id(check.shape), repr(check.path))]
        for row in rows:
            if int(_int(row["i"])) != index:
                continue
            n = int(_int(row["n"]))
            failing = n < check.count if isinstance(check, c.MinCount) else n > check.count  # type: ignore[attr-defined]
            if failing:
                found[position].append(check._result(row, plan))
        plan.memo[("fused", id(check))] = found.get(position, [])


def _values(group: list[c.ValueCheck], select: c.Select, plan: Plan) -> None:
    """The value groups of every pure check of one focus, from one query; each check's groups are then
    judged and its failing values looked up as when run alone."""
    fresh = Fresh()
    paths: dict[tuple[int, str, c.Features], int] = {}
    items: list[tuple[int, c.Check, c.Features]] = []
    for check in group:
        key = (id(check.shape), repr(check.path), check.features)
        if key not in paths:
            paths[key] = len(items)
            items.append((len(items), check, check.features))
    head = group[0]._head(plan, fresh)
    found = _grouped_here(items, head, select, plan, fresh) if plan.rows_are_cheap else \
        _grouped_by_store(items, head, select, plan, fresh)
    for check in group:
        index = paths[(id(check.shape), repr(check.path), check.features)]
        plan.memo[("groups", id(check.shape), id(check.focus), check.features)] = found.get(index, [])


def _grouped_by_store(items: list[tuple[int, c.Check, c.Features]], head: str, select: c.Select, plan: Plan,
                      fresh: Fresh) -> dict[int, list[dict[str, Node]]]:
    """The group rows of each path (by index), grouped by the store: few rows, whatever the data."""
    branches = " UNION ".join(
        f"{{ {plan.values(check.path, '?this', '?v', fresh)} BIND({index} AS ?i) {c.feature_binds(features)} }}"
        for index, check, features in items)
    query = f"SELECT ?i ?k ?d ?l ?n ?t (SAMPLE(?v) AS ?sample) WHERE {{ {head} {branches} }} GROUP BY ?i ?k ?d ?l ?n ?t"
    rows: dict[int, list[dict[str, Node]]] = defaultdict(list)
    for row in select(query):
        rows[int(_int(row["i"]))].append(row)
    return rows


def _grouped_here(items: list[tuple[int, c.Check, c.Features]], head: str, select: c.Select, plan: Plan,
                  fresh: Fresh) -> dict[int, list[dict[str, Node]]]:
    """The group rows of each path (by index), from its distinct values: what feature_binds computes
    of each value costs an in-process store more than it costs here, once per distinct value."""
    branches = " UNION ".join(f"{{ {plan.values(check.path, '?this', '?v', fresh)} BIND({index} AS ?i) }}"
                              for index, check, _ in items)
    groups: dict[int, dict[tuple, dict[str, Node]]] = defaultdict(dict)
    for row in select(f"SELECT DISTINCT ?i ?v WHERE {{ {head} {branches} }}"):
        index = int(_int(row["i"]))
        found = _group_row(row["v"], items[index][2])
        groups[index].setdefault(tuple(found.get(k) for k in _GROUP_KEYS), found)
    return {index: list(rows.values()) for index, rows in groups.items()}


_GROUP_KEYS = ("k", "d", "l", "n", "t")
_TEXT: dict[object, Literal] = {}       # the few plain literals group rows are made of


def _text(value: object) -> Literal:
    if value not in _TEXT:
        _TEXT[value] = Literal(value)
    return _TEXT[value]


def _group_row(value: Node, features: c.Features) -> dict[str, Node]:
    """The row checks.value_groups gives a value node's group (with the value as its sample): the
    bindings of checks.feature_binds, computed as SPARQL computes them (LANG of a term that is not a
    literal is an error, which leaves ?l unbound)."""
    empty = _text("")
    if isinstance(value, BNode):
        return {"k": _text("B"), "d": empty, "n": empty, "t": empty, "sample": value}
    row: dict[str, Node] = {"k": _text("I"), "d": empty, "t": empty, "sample": value}
    datatype = ""
    if isinstance(value, Literal):
        datatype = c._STRINGS[1] if value.language else str(value.datatype or c._STRINGS[0])
        row.update(k=_text("L"), d=_text(datatype), l=_text(value.language or ""))
    row["n"] = _text(len(str(value))) if features.length else empty
    if features.term:
        row["t"] = value
    elif features.typed_term and isinstance(value, Literal) and datatype not in c._STRINGS:
        integer = datatype == c._INTEGER and _INTEGER_LEXICAL.fullmatch(str(value))
        row["t"] = c._INTEGER_CLASS if integer else value
    return row


_INTEGER_LEXICAL = re.compile(c._INTEGER_LEXICAL.strip("^$"))


def _int(term: Node) -> int:
    return int(term.toPython()) if isinstance(term, Literal) else int(str(term))
