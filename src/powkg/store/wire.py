"""What the remote store sends and receives: N-Triples with skolemised blank nodes, and answers read
back into pyoxigraph objects.

**Blank nodes travel as skolem IRIs** (RDF 1.1 Concepts §3.5): ``_:b1`` is written as
``<https://w3id.org/powkg/.well-known/genid/b1>`` and every such IRI in an answer is read back as the
blank node ``_:b1``. A blank node then names the same node in every request, which the union graph
needs (a triple is withdrawn from it by the graph that stated it), and no request carries a blank
node, which Virtuoso 7 refuses in INSERT DATA ("Blank node is not allowed in a constant clause").

**Answers** come as SPARQL 1.1 JSON results or N-Triples and are parsed into pyoxigraph objects, so
every store writes an answer with the same serialisers. Blank-node labels a parser refuses
(Virtuoso's ``nodeID://b10001``) are rewritten one-to-one, and ``"1"^^xsd:boolean`` (Virtuoso's JSON)
becomes the canonical ``"true"``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib.term import Node

from .terms import Answer, to_oxigraph

GENID = "https://w3id.org/powkg/.well-known/genid/"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

# A blank node as N-Triples writes one: "_:" and a label (never ending in "."), as subject (at the
# start of a line) or object (after a space, before the final dot); a literal cannot end a line, so
# "... _:x" inside quotes is never taken. Each pattern starts with the literal "_:", which the regex
# engine finds fast, and looks behind only from there (3x faster than looking behind at every byte).
_LABEL = rb"([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)"
_SUBJECT = re.compile(rb"_:(?<![^\n]_:)" + _LABEL + rb"(?=[ \t])")
_OBJECT = re.compile(rb"_:(?<=[ \t]_:)" + _LABEL + rb"(?=[ \t]*\.[ \t]*\r?$)", re.MULTILINE)


# -- out ----------------------------------------------------------------------------------------------
def ntriples(graph: Iterable[tuple[Node, Node, Node]]) -> list[bytes]:
    """The triples (a Graph, or any iterable of rdflib triples) as N-Triples lines, each term as the
    embedded store keeps it, blank nodes skolemised.

    Oxigraph stores some literals in canonical form ("5"^^xsd:nonNegativeInteger is kept as
    "5"^^xsd:integer, "007"^^xsd:integer as "7"); Virtuoso keeps them as written. Passing the triples
    through an in-memory pyoxigraph store first makes every store hold, and answer with, the same terms.
    """
    canonical = ox.Store()
    canonical.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                     for s, p, o in graph)
    triples = [ox.Triple(_skolem(q.subject), q.predicate, _skolem(q.object)) for q in canonical]  # type: ignore[arg-type]
    if not triples:
        return []
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines(keepends=True)


def skolemise(batch: bytes, scope: str) -> bytes:
    """N-Triples with every blank node written as a skolem IRI; ``scope`` keeps labels of different
    documents apart (a label is local to its document)."""
    if b"_:" not in batch:
        return batch
    skolem = b"<" + (GENID + scope + "-").encode() + rb"\1>"     # a template: no backslash in an IRI
    return _OBJECT.sub(skolem, _SUBJECT.sub(skolem, batch))


def batches(chunks: Iterable[bytes], size: int, *, first: int | None = None) -> Iterator[bytes]:
    """N-Triples chunks regrouped into batches of about ``size`` bytes, each cut after a whole line;
    with ``first``, the first batch of about ``first`` bytes and each next twice the last, up to ``size``."""
    buffer = bytearray()
    want = min(first or size, size)
    for chunk in chunks:
        buffer += chunk
        if len(buffer) >= want:
            cut = buffer.rfind(b"\n") + 1
            if cut:
                yield bytes(buffer[:cut])
                del buffer[:cut]
                want = min(want * 2, size)
    if buffer.strip():
        yield bytes(buffer) + (b"" if buffer.endswith(b"\n") else b"\n")


def _skolem(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(GENID + term.value) if isinstance(term, ox.BlankNode) else term


# -- in -----------------------------------------------------------------------------------------------
class UnreadableAnswer(ValueError):
    """The server's answer is not SPARQL JSON results or an RDF format pyoxigraph reads."""


def parse_answer(media_type: str, body: bytes) -> Answer:
    """A server's answer as pyoxigraph objects: QuerySolutions, QueryBoolean or a list of Triples."""
    kind = media_type.split(";")[0].strip().lower()
    try:
        if kind in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(normalised_json(body), format=ox.QueryResultsFormat.JSON)
        rdf_format = ox.RdfFormat.from_media_type(kind)
        if rdf_format is None:
            raise UnreadableAnswer(f"unexpected media type {kind or '(none)'!r}")
        return [ox.Triple(_unskolem(q.subject), q.predicate, _unskolem(q.object))  # type: ignore[arg-type]
                for q in ox.parse(body, format=rdf_format)]
    except (SyntaxError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableAnswer(str(exc)) from None


def normalised_json(body: bytes) -> bytes:
    """SPARQL 1.1 JSON results as pyoxigraph reads them (SPARQL Results JSON §3.2.2)."""
    data = json.loads(body)
    if "boolean" in data:
        return json.dumps({"head": {}, "boolean": bool(data["boolean"])}).encode("utf-8")
    rows = [{name: _json_term(term) for name, term in row.items()} for row in data["results"]["bindings"]]
    return json.dumps({"head": {"vars": data["head"].get("vars", [])},
                       "results": {"bindings": rows}}).encode("utf-8")


def _json_term(term: dict[str, str]) -> dict[str, str]:
    kind, value = term["type"], term["value"]
    if kind == "bnode" or (kind == "uri" and value.startswith(GENID)):
        return {"type": "bnode", "value": bnode_label(value.removeprefix(GENID))}
    if kind in ("literal", "typed-literal"):    # "typed-literal": SPARQL 1.0 JSON, still sent by Virtuoso
        literal = {"type": "literal", "value": value}
        if "xml:lang" in term:
            literal["xml:lang"] = term["xml:lang"]
        elif "datatype" in term:
            literal["datatype"] = term["datatype"]
            if term["datatype"] == XSD_BOOLEAN and value in ("0", "1"):
                literal["value"] = "true" if value == "1" else "false"
        return literal
    return {"type": kind, "value": value}


def _unskolem(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode(bnode_label(term.value.removeprefix(GENID)))
    return term


def bnode_label(label: str) -> str:
    """A blank-node label N-Triples accepts, one-to-one with the server's (nodeID://b1 -> nodeID_3a_2f_2fb1)."""
    if re.fullmatch(r"[A-Za-z0-9_]+", label):
        return label
    escaped = "".join(c if c.isascii() and (c.isalnum() or c == "_") else f"_{ord(c):02x}" for c in label)
    return escaped if escaped[0].isalnum() else "b" + escaped
