"""Curated queries: the ``.rq`` files of ``queries/``, their headers, and safe parameter binding.

Each file starts with a header of ``#+`` lines (in the manner of grlc's decorators):

    #+ title: Exchanges by date
    #+ description: Every exchange with its date, its total and the articles that report it.
    #+ param: year integer optional -- only exchanges of this year

A parameter NAME is the variable ``?_NAME`` in the query text. A value given for it is parsed by its
type and written into the query as an RDF term serialised by rdflib (quotes and backslashes escaped),
never pasted as raw text; a parameter left out stays an unbound variable. An optional filter is
written ``FILTER(!BOUND(?_NAME) || ...)``: with a value, ``BOUND(?_NAME)`` becomes ``true``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .errors import QueryError, UnknownQuery

PARAM_TYPES = ("iri", "string", "integer", "date")

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(optional|required)(?:\s+default=(\S+))?\s*(?:--\s*(.*))?$")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str
    required: bool
    default: str | None
    help: str


@dataclass(frozen=True, slots=True)
class CuratedQuery:
    name: str                  # the file's name without .rq
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    def bind(self, values: dict[str, str]) -> str:
        """The query with each given parameter bound as an RDF term; QueryError names a bad value."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(unknown)}; "
                             f"it takes: {', '.join(known) or 'none'}")
        text = self.text
        for param in self.parameters:
            raw = values.get(param.name, param.default)
            if raw is None:
                if param.required:
                    raise QueryError(f"query {self.name!r} needs the parameter {param.name!r} ({param.help})")
                continue
            term = to_term(param, raw)
            text = re.sub(rf"BOUND\(\s*\?_{param.name}\s*\)", "true", text)
            text = re.sub(rf"\?_{param.name}\b", lambda _m, t=term: t.n3(), text)
        return text


def to_term(param: Parameter, raw: str) -> URIRef | Literal:
    try:
        if param.type == "iri":
            if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", raw, re.IGNORECASE):
                raise ValueError("not an absolute IRI")
            return URIRef(raw)
        if param.type == "integer":
            return Literal(int(raw), datatype=XSD.integer)
        if param.type == "date":
            return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
        return Literal(raw)
    except ValueError as exc:
        raise QueryError(f"parameter {param.name!r}: {raw!r} is not a valid {param.type} ({exc})") from None


def parse_query_file(path: Path) -> CuratedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match:
            header.setdefault(match.group(1), []).append(match.group(2).strip())
    params = []
    for spec in header.get("param", []):
        match = _PARAM.match(spec)
        if not match or match.group(2) not in PARAM_TYPES:
            raise QueryError(f"{path}: bad parameter line {spec!r}; expected "
                             f"'NAME TYPE optional|required [default=VALUE] -- help' with TYPE in {PARAM_TYPES}")
        name, kind, need, default, help_text = match.groups()
        params.append(Parameter(name, kind, need == "required", default, help_text or ""))
    if "title" not in header:
        raise QueryError(f"{path}: the header has no '#+ title:' line")
    return CuratedQuery(name=path.stem, title=header["title"][0],
                        description=" ".join(header.get("description", [])),
                        parameters=tuple(params), text=text)


def load_queries(queries_dir: Path) -> dict[str, CuratedQuery]:
    return {q.name: q for q in (parse_query_file(p) for p in sorted(queries_dir.glob("*.rq")))}


def resolve(name_or_path: str, queries_dir: Path) -> CuratedQuery:
    """A curated query by name, or any ``.rq`` file by path."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return parse_query_file(path)
    candidate = queries_dir / f"{name_or_path}.rq"
    if candidate.is_file():
        return parse_query_file(candidate)
    names = ", ".join(sorted(load_queries(queries_dir)))
    raise UnknownQuery(f"no curated query named {name_or_path!r} and no such .rq file; curated: {names}")
