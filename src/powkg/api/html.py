"""HTML for people: one layout (templates/layout.html) and the few pieces pages are made of.

Plain HTML, escaped at the one place values enter it (``esc``); no template engine, no script or
style from anywhere but this server (the pages are served with a Content-Security-Policy that says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from html import escape
from pathlib import Path
from string import Template

import pyoxigraph as ox

from .. import __version__
from .negotiation import HTML

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_XSD = "http://www.w3.org/2001/XMLSchema#"

__all__ = ["HTML", "esc", "page", "table", "term_html"]


def esc(value: object) -> str:
    return escape(str(value), quote=True)


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def page(title: str, body: str, *, scripts: Sequence[str] = (), head: str = "") -> str:
    tags = "\n".join(f'<script src="/static/{esc(s)}" defer></script>' for s in scripts)
    return _template("layout.html").substitute(title=esc(title), body=body, scripts=tags, head=head,
                                               version=esc(__version__))


def link(href: str, text: str, *, cls: str = "") -> str:
    attr = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(href)}"{attr}>{esc(text)}</a>'


Localise = Callable[[str], str | None]


def term_html(term: object, localise: Localise, labels: dict[str, str] | None = None) -> str:
    """A term for people: an IRI as a link (to this server when it serves it) named by its label."""
    labels = labels or {}
    if isinstance(term, ox.NamedNode):
        iri = term.value
        href = localise(iri) or iri
        text = labels.get(iri) or short(iri)
        return f'<a href="{esc(href)}" title="{esc(iri)}">{esc(text)}</a>'
    if isinstance(term, ox.Literal):
        hint = ""
        if term.language:
            hint = f'<span class="lang">@{esc(term.language)}</span>'
        elif term.datatype.value.startswith(_XSD) and term.datatype.value != _XSD + "string":
            hint = f'<span class="datatype">{esc(term.datatype.value[len(_XSD):])}</span>'
        return f'<span class="literal">{esc(term.value)}</span>{hint}'
    if isinstance(term, ox.BlankNode):
        return f'<span class="bnode">_:{esc(term.value)}</span>'
    return esc(term)


_SHORT = (("https://w3id.org/powkg/ontology#", "pow:"), ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"),
          ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"), ("http://www.w3.org/2002/07/owl#", "owl:"),
          ("http://www.w3.org/ns/oa#", "oa:"), ("http://www.w3.org/ns/prov#", "prov:"),
          ("http://purl.org/dc/terms/", "dcterms:"), ("https://schema.org/", "schema:"),
          ("http://www.w3.org/2004/02/skos/core#", "skos:"), ("http://www.w3.org/ns/shacl#", "sh:"),
          ("https://w3id.org/powkg/id/", "id:"))


def short(iri: str) -> str:
    for namespace, prefix in _SHORT:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + iri[len(namespace):]
    return iri


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "") -> str:
    """A table of cells that are already HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<table{attr}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def downloads(path: str, names: Sequence[tuple[str, str]]) -> str:
    """Links to the same resource in other formats: (format=value, label) pairs."""
    sep = "&" if "?" in path else "?"
    items = " · ".join(link(f"{path}{sep}format={value}", label) for value, label in names)
    return f'<p class="downloads">Also as: {items}</p>'
