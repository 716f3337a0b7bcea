"""SPARQL text read token by token for the remote store: ``confine`` keeps ``GRAPH <iri>`` inside a
query's dataset; ``unskolemised_tests`` lets isBlank see skolemised blank nodes; ``mentions_graph``,
``written_graphs`` and ``drops_everything`` say what a query reads and what an update may write or wipe.

SPARQL 1.1 Query §13.3: ``GRAPH <g> { ... }`` matches nothing when ``<g>`` is not a named graph of the
dataset, whatever the store holds. Virtuoso 7 honours ``named-graph-uri`` (and FROM NAMED) for
``GRAPH ?g`` but reads a constant graph from the whole store, so a query could see a quarantined graph
that the protocol left out. ``confine`` rewrites each constant graph name outside the dataset to a graph
that holds nothing, which changes no answer on a server that follows the standard.

A graph name bound through a variable (``VALUES ?g { <q> } GRAPH ?g``) is not rewritten; Virtuoso's
optimiser folds those into constants too, so on Virtuoso that form can still reach outside the dataset.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# One token at a time: whitespace, comments, strings and IRIs are skipped whole, so a "GRAPH" inside
# them is never taken for the keyword. PN_PREFIX/PN_LOCAL are approximated (no escapes, no %-encoding).
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:[\w.:-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def confine(sparql: str, named: Collection[str], nothing: str) -> str:
    """``sparql`` with every ``GRAPH <iri>`` (or ``GRAPH prefix:name``) outside ``named`` made ``GRAPH <nothing>``."""
    prefixes: dict[str, str] = {}
    out: list[str] = []
    state = ""                 # "graph": the next name is a graph's; "prefix"/"prefix-iri": a PREFIX line
    declared = ""
    for match in _TOKEN.finditer(sparql):
        kind, text = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            out.append(text)
            continue
        if state == "graph" and kind in ("iri", "pname"):
            iri = text[1:-1] if kind == "iri" else _expand(text, prefixes)
            if iri is not None and iri not in named:
                text = f"<{nothing}>"
        elif state == "prefix" and kind == "pname":
            declared, state = text[:-1] if text.endswith(":") else text, "prefix-iri"
            out.append(text)
            continue
        elif state == "prefix-iri" and kind == "iri":
            prefixes[declared] = text[1:-1]
        state = ""
        if kind == "word" and text.upper() in ("GRAPH", "PREFIX"):
            state = text.lower()
        out.append(text)
    return "".join(out)


def _expand(pname: str, prefixes: dict[str, str]) -> str | None:
    prefix, _, local = pname.partition(":")
    namespace = prefixes.get(prefix)
    return None if namespace is None else namespace + local


def written_graphs(update: str) -> set[str]:
    """The graphs an update names as constants where it may write: after GRAPH, WITH, INTO and TO,
    and the graphs MOVE empties (with COPY's and ADD's sources, which it reads).

    Graphs reached only through variables (``INSERT { GRAPH ?g {...} } WHERE {...}``) are not seen.
    """
    prefixes: dict[str, str] = {}
    found: set[str] = set()
    state, declared = "", ""
    for match in _TOKEN.finditer(update):
        kind, text = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            continue
        if state == "graph" and kind in ("iri", "pname"):
            iri = text[1:-1] if kind == "iri" else _expand(text, prefixes)
            if iri is not None:
                found.add(iri)
        elif state == "prefix" and kind == "pname":
            declared, state = text[:-1] if text.endswith(":") else text, "prefix-iri"
            continue
        elif state == "prefix-iri" and kind == "iri":
            prefixes[declared] = text[1:-1]
        word = text.upper() if kind == "word" else ""
        if state == "graph" and word in ("GRAPH", "SILENT"):       # INTO GRAPH <g>, MOVE SILENT <g>
            continue
        state = ("graph" if word in ("GRAPH", "WITH", "INTO", "TO", "MOVE", "COPY", "ADD") else
                 "prefix" if word == "PREFIX" else "")
    return found


def has_own_dataset(update: str) -> bool:
    """Whether the update names its own dataset (USING, USING NAMED or WITH): then the protocol's
    using-graph-uri and using-named-graph-uri must not be sent (SPARQL 1.1 Protocol §2.2.3)."""
    return any(m.lastgroup == "word" and m.group().upper() in ("USING", "WITH") for m in _TOKEN.finditer(update))


def drops_everything(update: str) -> bool:
    """Whether the update drops or clears ALL, NAMED or DEFAULT rather than graphs by name."""
    words = [m.group().upper() for m in _TOKEN.finditer(update) if m.lastgroup not in ("space", "comment")]
    for i, word in enumerate(words):
        if word in ("DROP", "CLEAR"):
            rest = words[i + 1:i + 3]
            target = rest[1] if rest[:1] == ["SILENT"] and len(rest) > 1 else rest[0] if rest else ""
            if target in ("ALL", "NAMED", "DEFAULT"):
                return True
    return False


def mentions_graph(sparql: str) -> bool:
    """Whether the query has a GRAPH pattern (without one, its named graphs cannot matter)."""
    return any(m.lastgroup == "word" and m.group().upper() == "GRAPH" for m in _TOKEN.finditer(sparql))


def unskolemised_tests(sparql: str, genid: str) -> str:
    """``isBlank``, ``isIRI`` and ``isURI`` made to see skolem IRIs (under ``genid``) as blank nodes.

    The remote store writes blank nodes as skolem IRIs (see ``wire``); a query asking whether a term
    is blank must still say yes for them, as it would in the embedded store.
    """
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(sparql)]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        name = text.upper() if kind == "word" else ""
        if name in ("ISBLANK", "ISIRI", "ISURI"):
            found = _parenthesised(tokens, i + 1)
            if found is not None:
                opening, end = found
                argument = unskolemised_tests("".join(t for _, t in tokens[opening + 1:end]), genid)
                skolem = f'(isIRI({argument}) && STRSTARTS(STR({argument}), "{genid}"))'
                out.append(f"(isBlank({argument}) || {skolem})" if name == "ISBLANK"
                           else f"({text}({argument}) && !{skolem})")
                i = end + 1
                continue
        out.append(text)
        i += 1
    return "".join(out)


def _parenthesised(tokens: list[tuple[str | None, str]], start: int) -> tuple[int, int] | None:
    """The indexes of the parenthesis opening at ``start`` (after optional space) and of its closing one."""
    while start < len(tokens) and tokens[start][0] in ("space", "comment"):
        start += 1
    if start >= len(tokens) or tokens[start][1] != "(":
        return None
    depth = 0
    for index in range(start, len(tokens)):
        text = tokens[index][1] if tokens[index][0] == "other" else ""
        depth += (text == "(") - (text == ")")
        if depth == 0:
            return start, index
    return None
