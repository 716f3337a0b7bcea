"""The one table of formats: names, media types and file extensions, shared by the CLI and HTTP.

Two families: RDF serialisations (graphs and datasets) and SPARQL query-result formats
(SPARQL 1.1 Query Results JSON, XML, CSV and TSV).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class Format:
    name: str                   # the value of --format and ?format=
    media_type: str
    extension: str
    dataset: bool = False       # keeps named graphs
    results: bool = False       # a SPARQL results format (else RDF)
    aliases: tuple[str, ...] = ()

    @property
    def oxigraph(self) -> ox.RdfFormat | ox.QueryResultsFormat:
        if self.results:
            return ox.QueryResultsFormat.from_media_type(self.media_type)
        return ox.RdfFormat.from_media_type(self.media_type)


RDF_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", aliases=("ttl",)),
    Format("ntriples", "application/n-triples", "nt", aliases=("nt", "n-triples")),
    Format("trig", "application/trig", "trig", dataset=True),
    Format("nquads", "application/n-quads", "nq", dataset=True, aliases=("nq", "n-quads")),
    Format("jsonld", "application/ld+json", "jsonld", aliases=("json-ld",)),
    Format("rdfxml", "application/rdf+xml", "rdf", aliases=("xml", "rdf/xml")),
)

RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", results=True),
    Format("xml", "application/sparql-results+xml", "srx", results=True),
    Format("csv", "text/csv", "csv", results=True),
    Format("tsv", "text/tab-separated-values", "tsv", results=True),
)


def _index(formats: tuple[Format, ...]) -> dict[str, Format]:
    table: dict[str, Format] = {}
    for fmt in formats:
        for key in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
            table.setdefault(key.lower(), fmt)
    return table


_RDF = _index(RDF_FORMATS)
_RESULTS = _index(RESULT_FORMATS)


def rdf_format(name: str) -> Format:
    """An RDF format by name, alias, media type or extension; ConfigError lists the choices."""
    try:
        return _RDF[name.lower()]
    except KeyError:
        raise ConfigError(f"unknown RDF format {name!r}; choose one of: "
                          + ", ".join(f.name for f in RDF_FORMATS)) from None


def result_format(name: str) -> Format:
    try:
        return _RESULTS[name.lower()]
    except KeyError:
        raise ConfigError(f"unknown result format {name!r}; choose one of: "
                          + ", ".join(f.name for f in RESULT_FORMATS)) from None


def rdf_format_for_path(path: str) -> Format | None:
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return _RDF.get(suffix)


# Prefixes written at the top of Turtle and TriG exports.
PREFIXES = {
    "pow": "https://w3id.org/powkg/ontology#",
    "id": "https://w3id.org/powkg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
}
