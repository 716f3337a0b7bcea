"""The dataset described for machines: SPARQL 1.1 Service Description and VoID.

Both are built from one set of statistics (triples, named graphs, classes, properties), counted with
SPARQL once per generation of the store and cached, so describing the service costs one query run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .. import __version__
from ..iris import DCTERMS, RDF, SD, VOID
from .context import Context
from .engine import rows_as_dicts

FORMATS_NS = "http://www.w3.org/ns/formats/"
# The W3C's names for the formats the endpoint writes (https://www.w3.org/ns/formats/).
RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                      "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
FOAF_HOMEPAGE = "http://xmlns.com/foaf/0.1/homepage"
TITLE = "powkg: prisoner-of-war exchanges between Ukraine and Russia"
DESCRIPTION = ("Exchanges of prisoners of war between Ukraine and Russia, the groups of people returned, "
               "and running totals, as news articles state them; every value links to the exact words "
               "of the article that states it (W3C Web Annotation), conflicting values are kept side by side.")

VOCABULARIES = ("http://www.w3.org/ns/oa#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/",
                "https://schema.org/", "http://www.w3.org/2004/02/skos/core#")


@dataclass(frozen=True)
class Stats:
    triples: int                                # distinct triples in the default graph
    subjects: int
    graphs: tuple[tuple[str, int], ...]         # each named graph served, with its triple count
    classes: tuple[tuple[str, int], ...]        # each class with its number of instances
    properties: tuple[tuple[str, int], ...]     # each property with its number of triples
    example: str | None                         # one resource to start from


_COUNTS = ("SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) "
           "WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY ?c"
_PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"


async def dataset_stats(ctx: Context) -> Stats:
    async def compute() -> Stats:
        engine = ctx.engine
        counts = rows_as_dicts(await engine.solutions(_COUNTS))[0]
        graphs = rows_as_dicts(await engine.solutions(_GRAPHS))
        classes = rows_as_dicts(await engine.solutions(_CLASSES))
        properties = rows_as_dicts(await engine.solutions(_PROPERTIES))
        example = rows_as_dicts(await engine.solutions(
            f"SELECT ?x WHERE {{ ?x a <{ctx.iris.pow}Exchange> }} ORDER BY ?x LIMIT 1"))
        return Stats(
            triples=int(counts["triples"].value), subjects=int(counts["subjects"].value),
            graphs=tuple((r["g"].value, int(r["n"].value)) for r in graphs if isinstance(r["g"], ox.NamedNode)),
            classes=tuple((r["c"].value, int(r["n"].value)) for r in classes),
            properties=tuple((r["p"].value, int(r["n"].value)) for r in properties),
            example=example[0]["x"].value if example else None)
    return await ctx.cached("stats", compute)  # type: ignore[no-any-return]


def _n(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def service_description(ctx: Context, endpoint: str, stats: Stats) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description §3 for the endpoint at ``endpoint``."""
    sd, void = str(SD), str(VOID)
    service = ox.BlankNode("service")
    triples = [
        ox.Triple(service, _iri(str(RDF.type)), _iri(sd + "Service")),
        ox.Triple(service, _iri(sd + "endpoint"), _iri(endpoint)),
        ox.Triple(service, _iri(str(DCTERMS.title)), ox.Literal(TITLE)),
        ox.Triple(service, _iri(sd + "supportedLanguage"), _iri(sd + "SPARQL11Query")),
        # The default graph is the union of the named graphs (quarantined graphs left out).
        ox.Triple(service, _iri(sd + "feature"), _iri(sd + "UnionDefaultGraph")),
        ox.Triple(service, _iri(sd + "defaultEntailmentRegime"),
                  _iri("http://www.w3.org/ns/entailment/Simple")),
    ]
    if ctx.settings.update_token:
        triples.append(ox.Triple(service, _iri(sd + "supportedLanguage"), _iri(sd + "SPARQL11Update")))
    for name in RESULT_FORMAT_IRIS:
        triples.append(ox.Triple(service, _iri(sd + "resultFormat"), _iri(FORMATS_NS + name)))
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    triples += [
        ox.Triple(service, _iri(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, _iri(str(RDF.type)), _iri(sd + "Dataset")),
        ox.Triple(dataset, _iri(sd + "defaultGraph"), default),
        ox.Triple(default, _iri(str(RDF.type)), _iri(sd + "Graph")),
        ox.Triple(default, _iri(void + "triples"), _n(stats.triples)),
    ]
    for index, (name, count) in enumerate(stats.graphs):
        named, graph = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, _iri(sd + "namedGraph"), named),
            ox.Triple(named, _iri(str(RDF.type)), _iri(sd + "NamedGraph")),
            ox.Triple(named, _iri(sd + "name"), _iri(name)),
            ox.Triple(named, _iri(sd + "graph"), graph),
            ox.Triple(graph, _iri(str(RDF.type)), _iri(sd + "Graph")),
            ox.Triple(graph, _iri(void + "triples"), _n(count)),
        ]
    return triples


DUMP_FILES = (("powkg.ttl", "turtle"), ("powkg.nt", "ntriples"), ("powkg.trig", "trig"),
              ("powkg.jsonld", "jsonld"))


def void_description(ctx: Context, server: str, stats: Stats) -> list[ox.Triple]:
    """A VoID description (W3C Interest Group Note, 2011) of the dataset this server publishes."""
    void, a = str(VOID), _iri(str(RDF.type))
    dataset = _iri(ctx.iris.base + "void#dataset")
    triples = [
        ox.Triple(dataset, a, _iri(void + "Dataset")),
        ox.Triple(dataset, _iri(str(DCTERMS.title)), ox.Literal(TITLE)),
        ox.Triple(dataset, _iri(str(DCTERMS.description)), ox.Literal(DESCRIPTION)),
        ox.Triple(dataset, _iri(FOAF_HOMEPAGE), _iri(server + "/")),
        ox.Triple(dataset, _iri(str(DCTERMS.hasVersion)), ox.Literal(__version__)),
        ox.Triple(dataset, _iri(void + "sparqlEndpoint"), _iri(server + "/sparql")),
        ox.Triple(dataset, _iri(void + "uriSpace"), ox.Literal(ctx.iris.id)),
        ox.Triple(dataset, _iri(void + "vocabulary"), _iri(str(ctx.iris.pow))),
        ox.Triple(dataset, _iri(void + "triples"), _n(stats.triples)),
        ox.Triple(dataset, _iri(void + "distinctSubjects"), _n(stats.subjects)),
        ox.Triple(dataset, _iri(void + "classes"), _n(len(stats.classes))),
        ox.Triple(dataset, _iri(void + "properties"), _n(len(stats.properties))),
        ox.Triple(dataset, _iri(void + "feature"), _iri(FORMATS_NS + "Turtle")),
    ]
    triples += [ox.Triple(dataset, _iri(void + "vocabulary"), _iri(v)) for v in VOCABULARIES]
    triples += [ox.Triple(dataset, _iri(void + "dataDump"), _iri(f"{server}/export/{name}"))
                for name, _ in DUMP_FILES]
    if stats.example:
        triples.append(ox.Triple(dataset, _iri(void + "exampleResource"), _iri(stats.example)))
    for index, (cls, count) in enumerate(stats.classes):
        part = ox.BlankNode(f"class{index}")
        triples += [ox.Triple(dataset, _iri(void + "classPartition"), part),
                    ox.Triple(part, _iri(void + "class"), _iri(cls)),
                    ox.Triple(part, _iri(void + "entities"), _n(count))]
    for index, (prop, count) in enumerate(stats.properties):
        part = ox.BlankNode(f"property{index}")
        triples += [ox.Triple(dataset, _iri(void + "propertyPartition"), part),
                    ox.Triple(part, _iri(void + "property"), _iri(prop)),
                    ox.Triple(part, _iri(void + "triples"), _n(count))]
    for name, count in stats.graphs:
        graph = _iri(name)
        triples += [ox.Triple(dataset, _iri(void + "subset"), graph),
                    ox.Triple(graph, a, _iri(void + "Dataset")),
                    ox.Triple(graph, _iri(void + "triples"), _n(count))]
    return triples
