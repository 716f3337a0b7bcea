"""Content negotiation (RFC 9110 §12.5.1 ``Accept``), over representations drawn from the format table.

A representation is a media type the server writes, with the other media types clients use for it
(``application/json`` for SPARQL JSON results, ``text/xml`` for SPARQL XML). For each representation
the most specific ``Accept`` range that matches it gives its quality: ``type/subtype`` before
``type/*`` before ``*/*``; ``q=0`` refuses it, even when a wildcard would accept it. The best quality
wins; between equals, the one the client listed first, then the server's order. ``format=`` (a format
name, alias, extension or media type) overrides ``Accept``. When nothing can be served, NotAcceptable
lists what can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import NotAcceptable, QueryError
from ..formats import RDF_FORMATS, RESULT_FORMATS, Format


@dataclass(frozen=True, slots=True)
class Representation:
    name: str                          # a format name (formats.py) or "html"
    media_type: str                    # what the response's Content-Type says
    aliases: tuple[str, ...] = ()      # further media types that ask for it
    keys: tuple[str, ...] = ()         # further ``format=`` values that name it
    format: Format | None = None       # the format table's entry (None for HTML)

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml", "turtle", "trig"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


# Media types clients send for a format besides its own (SPARQLWrapper, browsers, older servers).
_ALIASES = {
    "json": ("application/json", "text/javascript", "application/javascript"),
    "xml": ("application/xml", "text/xml"),
    "turtle": ("application/x-turtle", "application/turtle"),
    "ntriples": ("text/plain",),
    "jsonld": ("application/json", "application/x-json+ld"),
    "rdfxml": ("application/xml", "text/xml"),
}


# Further ``format=`` values clients send: SPARQLWrapper names Turtle "n3" (Turtle is a subset of N3),
# and "json" for a graph can only mean JSON-LD.
_KEYS = {"turtle": ("n3",), "jsonld": ("json",), "rdfxml": ("rdf+xml",)}


def _represent(fmt: Format) -> Representation:
    return Representation(fmt.name, fmt.media_type, _ALIASES.get(fmt.name, ()),
                          (fmt.name, fmt.extension, fmt.media_type, *fmt.aliases, *_KEYS.get(fmt.name, ())), fmt)


def _by_name(formats: Sequence[Format], *names: str) -> tuple[Representation, ...]:
    table = {f.name: f for f in formats}
    return tuple(_represent(table[n]) for n in names)


HTML = Representation("html", "text/html", ("application/xhtml+xml",), ("html", "htm"))
RESULTS = _by_name(RESULT_FORMATS, "json", "xml", "csv", "tsv")
GRAPHS = _by_name(RDF_FORMATS, "turtle", "ntriples", "jsonld", "rdfxml")
DATASETS = _by_name(RDF_FORMATS, "trig", "nquads")
DUMPS = _by_name(RDF_FORMATS, "turtle", "ntriples", "trig", "nquads", "jsonld", "rdfxml")


@dataclass(frozen=True, slots=True)
class _Range:
    type: str
    subtype: str
    quality: float
    order: int

    def specificity(self, media_type: str) -> int:
        """How specifically this range names ``media_type``: 3 exact, 2 type/*, 1 */*, 0 no match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != kind:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str) -> list[_Range]:
    """The media ranges of an Accept header; malformed entries are skipped (RFC 9110 lets us)."""
    ranges = []
    for order, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(1.0, max(0.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append(_Range(kind, sub, quality, order))
    return ranges


def negotiate(accept: str | None, offers: Sequence[Representation], *, format_param: str | None = None,
              ) -> Representation:
    """The representation to send; NotAcceptable lists the offers when none is acceptable."""
    if format_param:
        return by_format(format_param, offers)
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, offer in enumerate(offers):
        quality, order = _quality(offer, ranges)
        if quality <= 0:
            continue
        key = (-quality, order, position)
        if best is None or key < best:
            best, chosen = key, offer
    if chosen is None:
        raise NotAcceptable(offered(offers))
    return chosen


def _quality(offer: Representation, ranges: list[_Range]) -> tuple[float, int]:
    """The quality the client gives ``offer`` and the position of the range that gives it."""
    best_specificity, quality, order = 0, 0.0, len(ranges)
    for media_type in (offer.media_type, *offer.aliases):
        exact = media_type == offer.media_type
        for accept_range in ranges:
            specificity = accept_range.specificity(media_type)
            if specificity == 0 or (specificity < 3 and not exact):
                continue  # wildcards are matched against the representation's own type only
            if specificity > best_specificity or (
                    specificity == best_specificity and accept_range.quality > quality):
                best_specificity, quality, order = specificity, accept_range.quality, accept_range.order
    return quality, order


def by_format(value: str, offers: Sequence[Representation]) -> Representation:
    """The offer a ``format=`` value names (a name, an extension, a media type, or a comma-separated list of
    these as SPARQLWrapper sends); NotAcceptable for a known format this answer cannot take."""
    keys = [part.split(";")[0].strip().lower() for part in value.split(",") if part.strip()]
    for key in keys:
        for offer in offers:
            if key in offer.keys or key == offer.name or key == offer.media_type:
                return offer
    known = {k for rep in (*RESULTS, *DUMPS, HTML) for k in (rep.name, *rep.keys)}
    if any(key in known for key in keys):
        raise NotAcceptable(offered(offers))
    raise QueryError(f"unknown format {value!r}; this resource can be had as: "
                     + ", ".join(f"{o.name} ({o.media_type})" for o in offers))


def offered(offers: Sequence[Representation]) -> list[str]:
    return [o.media_type for o in offers]
