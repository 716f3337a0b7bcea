"""Keep ``GRAPH <iri>`` inside a query's dataset, on servers that look outside it.

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
