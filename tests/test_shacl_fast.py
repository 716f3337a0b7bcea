# ruff: noqa: E501  (the SHACL test shapes are written one per line)
"""powkg.fastshacl against pyshacl (powkg.validation), the reference.

Every comparison gives pyshacl the triples as the store holds them (read back with Store.graph: Oxigraph
stores xsd:nonNegativeInteger as xsd:integer and literals in canonical form) and compares whole reports:
severity, focus node, constraint component, path, value, message and the articles each result names,
with the same multiplicities. Blank nodes (evidence targets, selectors) are compared by where they sit
in the graph, since their identifiers differ between stores.

- the article shapes on the valid article and on each planted fault (tests/fixtures/shapes), both as a
  stored article graph (validate_articles) and as an article not stored yet (ArticleChecker);
- all the fault fixtures as article graphs of one store, in one pass (clean and not-clean articles);
- the cross-article shapes on the whole-graph fixtures, the full run (validate_store) and the run scoped
  to the nodes one article touches;
- the development corpus (data/sample, read, extracted and mapped by the pipeline's stages), with an
  inferred graph and a quarantined graph in the store that validation must not see;
- SHACL-SPARQL rewrites of OPTIONAL, UNION, EXISTS, BIND and aggregates;
- shapes the engine does not support are refused when compiled, never skipped.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import cache

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from paths import REPO, SAMPLE
from powkg import fastshacl, rules
from powkg.fastshacl import inequality, pairing
from powkg.fastshacl.sparql import Part
from powkg.iris import Iris
from powkg.store import open_store
from powkg.validation import merge, validate
from powkg.vocabulary import load_ontology

SHAPES = REPO / "shapes"
FIXTURES = REPO / "tests" / "fixtures" / "shapes"
IRIS = Iris()
ARTICLE_GRAPH = IRIS.article_graph("ce877442fd54e182")


@cache
def ontology() -> Graph:
    return load_ontology(REPO / "ontology")


@cache
def shapes(name: str) -> Graph:
    return Graph().parse(SHAPES / name, format="turtle")


def fixture(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(FIXTURES / name, format="turtle")
    return graph


def new_store(graphs: dict[str, Graph]):  # noqa: ANN201
    store = open_store("memory:")
    store.replace_graph(IRIS.ontology_graph, ontology())
    for name, graph in graphs.items():
        store.replace_graph(name, graph)
    return store


def data_graph(store, names) -> Graph:  # noqa: ANN001
    graph = Graph()
    graph += store.graph(IRIS.ontology_graph)
    for name in names:
        graph += store.graph(name)
    return graph


# -- comparing reports -----------------------------------------------------------------------------------

def blank_labels(graph: Graph) -> dict[str, str]:
    """Each blank node by the path that reaches it from an IRI, and its types."""
    labels: dict[BNode, str] = {}

    def label(node, depth=0) -> str:  # noqa: ANN001
        if not isinstance(node, BNode):
            return str(node)
        if node not in labels:
            incoming = sorted(f"{label(s, depth + 1)} {p}" for s, p in graph.subject_predicates(node)) if depth < 4 else []
            types = sorted(str(t) for t in graph.objects(node, RDF.type))
            labels[node] = f"[{' | '.join(incoming)} a {' '.join(types)}]"
        return labels[node]

    return {str(b): label(b) for b in graph.all_nodes() if isinstance(b, BNode)}


def results(report, labels: dict[str, str], *, articles: bool = True) -> Counter:  # noqa: ANN001
    return Counter((r.severity, labels.get(r.focus_node, r.focus_node), r.constraint, r.path,
                    labels.get(r.value, r.value) if r.value is not None else None, r.message,
                    r.articles if articles else (), r.source_shape) for r in report.results)


def assert_same(reference, fast, labels: dict[str, str], *, articles: bool = True) -> None:  # noqa: ANN001
    expected, found = results(reference, labels, articles=articles), results(fast, labels, articles=articles)
    assert found == expected, (f"pyshacl only: {sorted((expected - found).items())}\n"
                               f"fast only: {sorted((found - expected).items())}")
    assert fast.conforms == reference.conforms


# -- the article shapes, one article at a time --------------------------------------------------------------

ARTICLE_FIXTURES = sorted(p.name for p in FIXTURES.glob("article-*.ttl") if p.name != "article-valid.ttl")
# With two dcterms:identifier values, which id names the article is rdflib's pick in powkg.validation
# (Graph.value: whichever comes first) and the smallest in fastshacl.
TIE = {"article-identifier-twice.ttl"}


@cache
def one_article(name: str):  # noqa: ANN201
    """A store holding the valid article with one planted fault, pyshacl's report on it, the labels."""
    graphs = {ARTICLE_GRAPH: fixture("article-valid.ttl", *([name] if name != "article-valid.ttl" else []))}
    store = new_store(graphs)
    data = data_graph(store, graphs)
    return store, validate(data, shapes("article.ttl"), iris=IRIS), blank_labels(data)


def reference_for(name: str) -> Counter:
    _, reference, labels = one_article(name)
    return results(reference, labels)


@pytest.mark.parametrize("name", ["article-valid.ttl", *ARTICLE_FIXTURES])
def test_article_shapes_on_one_article_give_pyshacls_report(name):
    store, reference, labels = one_article(name)
    stored = fastshacl.validate_articles(store, shapes("article.ttl"), [ARTICLE_GRAPH])
    assert_same(reference, stored, labels, articles=name not in TIE)
    checked = checker().check(store.graph(ARTICLE_GRAPH))
    assert_same(reference, checked, labels, articles=name not in TIE)


@cache
def checker() -> fastshacl.ArticleChecker:
    return fastshacl.ArticleChecker(shapes("article.ttl"), ontology())


def test_with_two_identifiers_the_smallest_names_the_article():
    store = new_store({ARTICLE_GRAPH: fixture("article-valid.ttl", "article-identifier-twice.ttl")})
    report = fastshacl.validate_articles(store, shapes("article.ttl"), [ARTICLE_GRAPH])
    ids = {r.articles for r in report.results}
    assert ids == {("002_7a15865362665bc9",)}


def test_every_fault_fixture_as_its_own_article_in_one_pass():
    """The fixtures share nodes (one article IRI, one exchange IRI): each graph is checked alone."""
    names = [name for name in ARTICLE_FIXTURES if name not in TIE]
    graphs = {IRIS.article_graph(f"{i:016x}"): fixture("article-valid.ttl", name) for i, name in enumerate(names)}
    store = new_store(graphs)
    expected: Counter = Counter()
    for name in names:   # merged as validation.merge merges: each distinct result once
        expected |= Counter(set(reference_for(name)))
    report = fastshacl.validate_articles(store, shapes("article.ttl"))
    assert results(report, blank_labels(data_graph(store, graphs))) == expected


def test_the_report_graph_is_shacl():
    store = new_store({ARTICLE_GRAPH: fixture("article-valid.ttl", "article-cohort-negative.ttl")})
    report = fastshacl.validate_articles(store, shapes("article.ttl"))
    graph = Graph().parse(data=report.turtle, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert len(list(graph.subjects(RDF.type, URIRef(sh + "ValidationResult")))) == len(report.results) == 1
    assert [str(o) for o in graph.objects(None, URIRef(sh + "conforms"))] == ["false"]


# -- the cross-article shapes ----------------------------------------------------------------------------

CORPUS_LIKE = ("graph-d18.ttl", "graph-d19.ttl", "graph-d21.ttl")
GRAPH_CASES = {
    "corpus-like": CORPUS_LIKE,
    "total-conflict": (*CORPUS_LIKE, "graph-fault-total-conflict.ttl"),
    "total-decreasing": (*CORPUS_LIKE, "graph-fault-total-decreasing.ttl"),
    "total-below-lower-bound": ("graph-d18.ttl", "graph-d19.ttl", "graph-fault-total-below-lower-bound.ttl"),
    "seed1": ("graph-seed1.ttl",),
    "counts-up-to": ("graph-seed1.ttl", "graph-fault-counts-up-to.ttl"),
    "valid-article": ("article-valid.ttl",),
}


def graph_case(files):  # noqa: ANN001,ANN201
    graphs = {IRIS.article_graph(f"{i:016x}"): fixture(f) for i, f in enumerate(files)}
    store = new_store(graphs)
    rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)   # there, and never validated
    return store, graphs


@pytest.mark.parametrize("case", sorted(GRAPH_CASES))
def test_cross_article_shapes_and_the_whole_run_give_pyshacls_report(case):
    store, graphs = graph_case(GRAPH_CASES[case])
    data = data_graph(store, graphs)
    labels = blank_labels(data)
    cross = validate(data, shapes("graph.ttl"), iris=IRIS)
    assert_same(cross, fastshacl.validate_cross(store, shapes("graph.ttl")), labels)
    # pipeline.validate_store: each article graph with the ontology, then the union
    per_article = [validate(data_graph(store, [name]), shapes("article.ttl"), iris=IRIS) for name in graphs]
    whole = fastshacl.validate_store(store, shapes("article.ttl"), shapes("graph.ttl"))
    assert_same(merge([*per_article, cross]), whole, labels)


@pytest.mark.parametrize("case", sorted(GRAPH_CASES))
def test_validation_scoped_to_touched_nodes_gives_the_full_runs_results_for_them(case):
    store, graphs = graph_case(GRAPH_CASES[case])
    last = list(graphs)[-1]
    touched = set(fastshacl.touched_nodes(store.graph(last)))
    full = fastshacl.validate_cross(store, shapes("graph.ttl"))
    scoped = fastshacl.validate_cross(store, shapes("graph.ttl"), sorted(touched))
    expected = [r for r in full.results if r.focus_node in touched or r.value in touched]
    assert sorted(map(repr, scoped.results)) == sorted(map(repr, expected))


def test_a_conflict_with_an_earlier_article_shows_when_the_later_one_is_ingested():
    store, graphs = graph_case((*CORPUS_LIKE, "graph-fault-total-conflict.ttl"))
    touched = fastshacl.touched_nodes(store.graph(list(graphs)[-1]))
    report = fastshacl.validate_cross(store, shapes("graph.ttl"), touched)
    messages = sorted(r.message for r in report.results)
    # d99 reports the exchange of 2023-02-16, so the exchange's other conflict (a cohort's) shows too
    assert messages == ["conflict: 100 in d99 vs 101 in d18", "conflict: 100 in d99 vs 101 in d19",
                        "conflict: 63 in d18 vs 64 in d19"]


# -- the development corpus -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus():
    """data/sample through the pipeline's stages (read, extract, map) into a memory store, with an
    inferred graph and a quarantine graph beside the article graphs."""
    from powkg.extraction import extract_facts
    from powkg.mapping import to_graph
    from powkg.pipeline import article_files
    from powkg.reading import read_articles
    from powkg.vocabulary import gazetteer_from_graph

    gazetteer = gazetteer_from_graph(ontology(), IRIS)
    graphs = {}
    for path in article_files([SAMPLE]):
        for article in read_articles(path):
            graphs[IRIS.article_graph(article.digest)] = to_graph(extract_facts(article, gazetteer), article,
                                                                  gazetteer=gazetteer, iris=IRIS)
    store = new_store(graphs)
    rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    store.replace_graph(IRIS.quarantine_graph("0" * 16), fixture("article-valid.ttl", "article-cohort-negative.ttl"))
    names = sorted(graphs)
    per_article = {name: validate(data_graph(store, [name]), shapes("article.ttl"), iris=IRIS) for name in names}
    data = data_graph(store, names)
    return store, names, per_article, data, blank_labels(data)


def test_corpus_article_shapes_in_one_pass(corpus):
    store, names, per_article, _, labels = corpus
    assert len(names) == 31
    report = fastshacl.validate_articles(store, shapes("article.ttl"))
    assert_same(merge(per_article.values()), report, labels)


def test_corpus_each_article_checked_before_it_is_stored(corpus):
    store, names, per_article, _, labels = corpus
    for name in names:
        assert_same(per_article[name], checker().check(store.graph(name)), labels)


def test_corpus_cross_article_shapes_and_the_whole_run(corpus):
    store, names, per_article, data, labels = corpus
    cross = validate(data, shapes("graph.ttl"), iris=IRIS)
    assert_same(cross, fastshacl.validate_cross(store, shapes("graph.ttl")), labels)
    whole = fastshacl.validate_store(store, shapes("article.ttl"), shapes("graph.ttl"))
    assert_same(merge([*per_article.values(), cross]), whole, labels)


# -- SHACL-SPARQL rewrites ---------------------------------------------------------------------------------

EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pow: <https://w3id.org/powkg/ontology#> .
@prefix ex: <https://w3id.org/powkg/test-shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:prefixes sh:declare [ sh:prefix "pow" ; sh:namespace "https://w3id.org/powkg/ontology#"^^xsd:anyURI ] .
ex:Optional a sh:NodeShape ; sh:targetClass pow:Cohort ; sh:sparql [ sh:prefixes ex:prefixes ;
    sh:message "{$this} has {?n} categories, part of {?outer}" ;
    sh:select "SELECT $this ?outer (COUNT(?c) AS ?n) WHERE { $this pow:unit|pow:personCategory ?c . OPTIONAL { $this pow:partOf ?outer } FILTER(!BOUND(?outer) || ?outer != $this) } GROUP BY $this ?outer HAVING (COUNT(?c) >= 1)" ] .
ex:Union a sh:NodeShape ; sh:targetSubjectsOf pow:returnedToUkraine ; sh:sparql [ sh:prefixes ex:prefixes ;
    sh:message "{?value} counts {?k}" ;
    sh:select "SELECT DISTINCT $this ?value ?k WHERE { { ?value pow:cohortOf $this ; pow:count ?k } UNION { ?value pow:cohortOf $this ; pow:minCount ?k } BIND(?k * 2 AS ?double) FILTER(?double > 10 && EXISTS { $this pow:evidence ?e }) }" ] .
ex:Bind a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:sparql [ sh:prefixes ex:prefixes ;
    sh:message "no date" ;
    sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this pow:date ?d } BIND(STR($this) AS ?s) FILTER(STRSTARTS(?s, \\"https\\")) }" ] .
"""


@pytest.mark.parametrize("files", [("article-valid.ttl",), ("article-valid.ttl", "article-exchange-undated.ttl"),
                                   ("article-valid.ttl", "article-cohort-outer-is-unit.ttl")])
def test_sparql_rewrites_give_pyshacls_results(files):
    extra = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    store = new_store({ARTICLE_GRAPH: fixture(*files)})
    data = data_graph(store, [ARTICLE_GRAPH])
    reference = validate(data, extra, iris=IRIS)
    assert reference.results, "the shapes must find something to compare"
    labels = blank_labels(data)
    assert_same(reference, fastshacl.validate_articles(store, extra, [ARTICLE_GRAPH]), labels)
    assert_same(reference, fastshacl.validate_cross(store, extra), labels)


# -- what the engine refuses ------------------------------------------------------------------------------

UNSUPPORTED = {
    "closed": "ex:S a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:closed true ; sh:message \"m\" .",
    "node": "ex:S a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:node ex:T ; sh:message \"m\" . ex:T a sh:NodeShape .",
    "no-message": "ex:S a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:property [ sh:path pow:date ; sh:minCount 1 ] .",
    "limit": "ex:S a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:sparql [ sh:select \"SELECT $this WHERE { $this ?p ?o } LIMIT 1\" ] .",
    "this-in-optional-only": ("ex:S a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:sparql [ sh:select "
                              "\"SELECT $this WHERE { $this ?a ?b . { ?x ?p ?o OPTIONAL { ?x ?q $this } } }\" ] ."),
    "aggregate-not-by-this": ("ex:S a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:sparql [ sh:select "
                              "\"SELECT (COUNT(?x) AS ?n) WHERE { ?x ?p $this }\" ] ."),
    "sparql-on-property-shape": ("ex:S a sh:PropertyShape ; sh:targetClass pow:Exchange ; sh:path pow:date ; "
                                 "sh:sparql [ sh:select \"SELECT $this WHERE { $this ?p ?o }\" ] ."),
    "sparql-target": ("ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select \"SELECT ?this WHERE { ?this ?p ?o }\" ] ; "
                      "sh:datatype xsd:string ; sh:message \"m\" ."),
    "negated-path": "ex:S a sh:NodeShape ; sh:targetClass pow:Exchange ; sh:sparql [ sh:select \"SELECT $this WHERE { $this !pow:date ?o }\" ] .",
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED))
def test_a_shape_the_engine_does_not_compile_is_refused(case):
    text = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix pow: <https://w3id.org/powkg/ontology#> . "
            "@prefix ex: <https://w3id.org/powkg/test-shapes#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
            + UNSUPPORTED[case])
    graph = Graph().parse(data=text, format="turtle")
    store = new_store({ARTICLE_GRAPH: fixture("article-valid.ttl")})
    with pytest.raises(fastshacl.UnsupportedShapeError):
        fastshacl.validate_articles(store, fastshacl.compile_shapes(graph), [ARTICLE_GRAPH])


def test_the_projects_shapes_compile_into_checks():
    for name, expected in (("article.ttl", 189), ("graph.ttl", 4)):
        assert len(fastshacl.compile_shapes(shapes(name)).checks) == expected


def test_an_empty_store_conforms():
    store = open_store("memory:")
    store.replace_graph(IRIS.ontology_graph, ontology())
    assert fastshacl.validate_store(store, shapes("article.ttl"), shapes("graph.ttl")).results == ()


# -- inequality joins: running totals by date ------------------------------------------------------------

POW = "https://w3id.org/powkg/ontology#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def running_totals(rows) -> dict[str, Graph]:  # noqa: ANN001
    """One article graph per article id: (article, total, measure, since, asOf, predicate, count), the last
    three in Turtle."""
    texts: dict[str, list[str]] = {}
    for article, total, measure, since, as_of, predicate, count in rows:
        texts.setdefault(article, [f'<urn:a:{article}> a pow:Article ; dcterms:identifier "{article}" .'])
        texts[article].append(f'<urn:t:{article}-{total}> a pow:RunningTotal ; pow:statedIn <urn:a:{article}> ; '
                              f'pow:measure "{measure}" ; pow:since "{since}" ; pow:asOf {as_of} ; '
                              f'pow:{predicate} {count} .')
    prefixes = f"@prefix pow: <{POW}> . @prefix xsd: <{XSD_NS}> . @prefix dcterms: <http://purl.org/dc/terms/> .\n"
    return {IRIS.article_graph(f"{i:016x}"): Graph().parse(data=prefixes + "\n".join(lines), format="turtle")
            for i, lines in enumerate(texts.values())}


D = "xsd:date"
TOTALS = {
    # three groups (measure, since); equal dates and equal counts are no decrease
    "groups-ties-equal-dates": [
        ("d1", 0, "returned", "full_scale_invasion", f'"2023-01-01"^^{D}', "count", 100),
        ("d2", 0, "returned", "full_scale_invasion", f'"2023-02-01"^^{D}', "count", 90),
        ("d3", 0, "returned", "full_scale_invasion", f'"2023-02-01"^^{D}', "count", 95),
        ("d4", 0, "returned", "full_scale_invasion", f'"2023-03-01"^^{D}', "count", 100),
        ("d4", 1, "returned", "2023", f'"2023-03-01"^^{D}', "count", 500),
        ("d5", 0, "returned", "2023", f'"2023-04-01"^^{D}', "count", 400),
        ("d5", 1, "returned", "2023", f'"2023-04-01"^^{D}', "count", 400),
        ("d1", 1, "bodies_repatriated", "full_scale_invasion", f'"2023-01-01"^^{D}', "count", 10),
        ("d2", 1, "bodies_repatriated", "full_scale_invasion", f'"2023-01-05"^^{D}', "minCount", 20),
        ("d3", 1, "bodies_repatriated", "full_scale_invasion", f'"2023-02-01"^^{D}', "count", 15),
        ("d6", 0, "bodies_repatriated", "full_scale_invasion", f'"2023-02-01"^^{D}', "minCount", 30),
    ],
    # earlier values that are lower bounds, or exact, or both on one total
    "exact-and-lower-bounds": [
        ("d1", 0, "returned", "full_scale_invasion", f'"2023-01-01"^^{D}', "minCount", 200),
        ("d1", 1, "returned", "full_scale_invasion", f'"2023-01-02"^^{D}', "count", "150, 250"),
        ("d2", 0, "returned", "full_scale_invasion", f'"2023-01-03"^^{D}', "count", 199),
        ("d3", 0, "returned", "full_scale_invasion", f'"2023-01-04"^^{D}', "count", 201),
    ],
    # values Python does not order as SPARQL does are left to SPARQL: doubles against integers and
    # decimals; counts that are strings compare as strings; dates that are strings or date-times are no dates
    "values-left-to-sparql": [
        ("d1", 0, "returned", "full_scale_invasion", f'"2023-01-01"^^{D}', "minCount", '"95.5"^^xsd:double'),
        ("d2", 0, "returned", "full_scale_invasion", f'"2023-02-01"^^{D}', "count", 90),
        ("d4", 0, "returned", "full_scale_invasion", f'"2023-04-01"^^{D}', "count", '"85.25"^^xsd:decimal'),
        ("d3", 0, "returned", "strings", f'"2023-01-01"^^{D}', "minCount", '"95"'),
        ("d3", 1, "returned", "strings", f'"2023-02-01"^^{D}', "count", '"100"'),
        ("d3", 2, "returned", "strings", f'"2023-03-01"^^{D}', "count", '"99"'),
        ("d5", 0, "returned", "full_scale_invasion", '"2023-05-01"', "count", 1),
        ("d6", 0, "returned", "full_scale_invasion", '"2023-06-01T00:00:00"^^xsd:dateTime', "count", 2),
        ("d7", 0, "returned", "full_scale_invasion", f'"2023-07-01"^^{D}', "count", '"1e2"^^xsd:double'),
    ],
    # nothing goes down: no candidate pair
    "increasing": [
        ("d1", 0, "returned", "full_scale_invasion", f'"2023-01-01"^^{D}', "count", 100),
        ("d2", 0, "returned", "full_scale_invasion", f'"2023-02-01"^^{D}', "minCount", 110),
        ("d3", 0, "returned", "full_scale_invasion", f'"2023-03-01"^^{D}', "count", 120),
    ],
}
EXPECTED_DECREASES = {"groups-ties-equal-dates": 5, "exact-and-lower-bounds": 4, "values-left-to-sparql": 4,
                      "increasing": 0}


def recording(store):  # noqa: ANN001,ANN201
    """The store, with every query it answers recorded."""
    queries: list[str] = []
    answer = store.query

    def query(sparql, **kwargs):  # noqa: ANN001,ANN003,ANN202
        queries.append(sparql)
        return answer(sparql, **kwargs)

    store.query = query
    return queries


@pytest.mark.parametrize("case", sorted(TOTALS))
def test_running_totals_by_date_give_pyshacls_report(case):
    store = new_store(running_totals(TOTALS[case]))
    data = data_graph(store, [g for g in store.graph_names() if IRIS.is_article_graph(g)])
    reference = validate(data, shapes("graph.ttl"), iris=IRIS)
    decreases = [r for r in reference.results if r.message.startswith("running total went down")]
    assert len(decreases) == EXPECTED_DECREASES[case]
    assert_same(reference, fastshacl.validate_cross(store, shapes("graph.ttl")), blank_labels(data))


@pytest.mark.parametrize(("case", "final_queries"), [("groups-ties-equal-dates", 1), ("increasing", 0)])
def test_running_totals_are_paired_from_candidates_not_by_a_join_of_all_pairs(case, final_queries):
    store = new_store(running_totals(TOTALS[case]))
    queries = recording(store)
    fastshacl.validate_cross(store, shapes("graph.ttl"))
    mine = [q for q in queries if "?earlierAsOf" in q]
    parts = [q for q in mine if "?asOf" not in q]               # the earlier totals, alone
    final = [q for q in mine if "?asOf" in q]                   # the constraint's query
    assert len(parts) == 1
    assert len(final) == final_queries
    assert all("VALUES (?this ?value)" in q for q in final)


def typed(lexical: str, datatype: str = "") -> str:
    return f'"{lexical}"^^<{XSD_NS}{datatype}>' if datatype else f'"{lexical}"'


def inequality_parts(seed: int, pool: list[str]) -> tuple[list[dict], list[dict], set[tuple]]:
    """Rows of the two parts of an inequality join as the store answers them (ids, a shared key, two
    values each and their lexical forms), and the pairs SPARQL keeps under FILTER(?x < ?u && ?y >= ?w)."""
    rng = random.Random(seed)
    blocks = [" ".join(f'(<urn:{ids}:{i}> "{rng.choice("pq")}" {rng.choice(pool)} {rng.choice(pool)})'
                       for i in range(40)) for ids in ("this", "value")]
    store = open_store("memory:")
    parts = []
    for ids, a, b, block in (("this", "x", "y", blocks[0]), ("value", "u", "w", blocks[1])):
        lexical = " ".join(f"(STR(?{v}) AS ?{inequality.lexical('?' + v)})" for v in (a, b))
        parts.append(list(store.query(f"SELECT ?{ids} ?key ?{a} ?{b} {lexical} "
                                      f"WHERE {{ VALUES (?{ids} ?key ?{a} ?{b}) {{ {block} }} }}").rows))
    kept = store.query(f"SELECT ?this ?value WHERE {{ VALUES (?this ?key ?x ?y) {{ {blocks[0]} }} "
                       f"VALUES (?value ?key ?u ?w) {{ {blocks[1]} }} FILTER(?x < ?u && ?y >= ?w) }}").rows
    return parts[0], parts[1], {(r["this"], r["value"]) for r in kept}


JOIN = inequality.Split((Part("", frozenset(), frozenset()),) * 2, ((), ()), ("?key",),
                        (inequality.Comparison("?x", "<", "?u"), inequality.Comparison("?y", ">=", "?w")),
                        (("?this",), ("?value",)))
COMPARABLE = {
    "numbers": [str(n) for n in range(12)] + [typed(f"{n / 4}", "decimal") for n in range(12)],
    "doubles": [typed(f, "double") for f in ("-INF", "INF", "0.5", "1.0E0", "-2.5E-3", "1.0E3", "0.0")],
    "dates": [typed(f"2023-0{m}-{d:02}", "date") for m in (1, 2) for d in (1, 2, 28)],
    "zoned-dates": [typed(f"2023-01-0{d}{z}", "date") for d in (1, 2)
                    for z in ("Z", "+12:00", "-13:00", "+05:30", "-00:00")],
    "strings": [typed(t) for t in ("", "10", "9", "Z", "a", "ab", "\u00e9", "\u00e9a", "z", "\u00df")],
}
MIXED = [v for values in COMPARABLE.values() for v in values[:4]] + [
    typed("1.5", "float"), typed("NaN", "double"), typed("2023-01-01", "date"), typed("2023-01-01T00:00:00", "dateTime"),
    '"abc"@en', typed("true", "boolean"), typed("x", "integer"), typed("2023-02-30", "date"), "<urn:some:iri>"]


@pytest.mark.parametrize("seed", range(4))
def test_the_inequality_pruning_keeps_every_pair_sparql_keeps(seed):
    first, second, kept = inequality_parts(seed, MIXED)
    assert kept, "the values must give SPARQL pairs to keep"
    assert kept <= inequality.candidates(first, second, JOIN, 10_000)


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("kind", sorted(COMPARABLE))
def test_the_inequality_pruning_of_comparable_values_is_exact(kind, seed):
    first, second, kept = inequality_parts(seed, COMPARABLE[kind])
    assert kept
    assert inequality.candidates(first, second, JOIN, 10_000) == kept


def test_running_totals_with_dates_in_timezones_give_the_plain_querys_report(monkeypatch):
    # rdflib drops an xsd:date's timezone when it reads one, so pyshacl cannot be the reference here:
    # the totals are loaded as N-Triples, and the plain query (no pruning) is.
    store = new_store({})
    lines = [f'<urn:a:d1> <{RDF.type}> <{POW}Article> .', '<urn:a:d1> <http://purl.org/dc/terms/identifier> "d1" .']
    # (total, asOf, count): 01-02+12:00 starts before 01-01-13:00, 01-01+05:30 before 01-01Z
    for total, as_of, count in (("t1", "2023-01-02+12:00", 100), ("t2", "2023-01-01-13:00", 90),
                                ("t3", "2023-01-01+05:30", 95), ("t4", "2023-01-01Z", 92), ("t5", "2023-01-03", 1)):
        lines += [f"<urn:t:{total}> <{POW}{p}> {o} ." for p, o in (
            ("statedIn", "<urn:a:d1>"), ("measure", '"returned"'), ("since", '"full_scale_invasion"'),
            ("asOf", typed(as_of, "date")), ("count", typed(str(count), "integer")))]
    store.bulk_load(IRIS.article_graph("00000000000000d1"), iter(["\n".join(lines).encode()]))
    pruned = fastshacl.validate_cross(store, shapes("graph.ttl"))
    monkeypatch.setattr(inequality, "split", lambda parsed, renderer: None)
    plain = fastshacl.validate_cross(store, shapes("graph.ttl"))
    decreases = sorted(r.message for r in plain.results if r.message.startswith("running total went down"))
    # (rdflib drops the timezones in the messages too) t2 < t1, t3, t4; t4 < t3; t5 < all four, dated
    # without a timezone: the pairs Python cannot order are SPARQL's to judge
    assert Counter(m.split(":")[1].split(" in ")[0] for m in decreases) == {" 90": 3, " 92": 1, " 1": 4}
    assert "running total went down: 90 in d1 as of 2023-01-01, below 100 in d1 as of 2023-01-02" in decreases
    assert sorted(map(repr, pruned.results)) == sorted(map(repr, plain.results))


# -- conflicts: one exchange reported by many articles ----------------------------------------------------

def conflicting_reports(values) -> dict[str, Graph]:  # noqa: ANN001
    """One article graph per entry of ``values``: the numbers (in Turtle) it states for the total of one
    exchange and for the count of one of its cohorts, each with its evidence (two numbers: two evidence
    annotations of the same fact in one article)."""
    prefixes = (f"@prefix pow: <{POW}> . @prefix xsd: <{XSD_NS}> . @prefix dcterms: <http://purl.org/dc/terms/> . "
                "@prefix oa: <http://www.w3.org/ns/oa#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n")
    exchange, cohort = "<https://w3id.org/powkg/id/exchange/2023-02-16>", "<https://w3id.org/powkg/id/cohort/c1>"
    graphs = {}
    for index, numbers in enumerate(values):
        article = f"<urn:a:{index}>"
        lines = [f'{article} a pow:Article ; dcterms:identifier "r{index:02}" .',
                 f"{exchange} a pow:Exchange ; pow:reportedIn {article} .",
                 f"{cohort} a pow:Cohort ; pow:cohortOf {exchange} ."]
        for number, value in enumerate(numbers):
            for node, path in ((exchange, "returnedToUkraine"), (cohort, "count")):
                lines.append(f"<urn:e:{index}-{path}-{number}> a pow:Evidence ; oa:hasBody {node} ; pow:supports pow:{path} ; "
                             f"rdf:value {value} ; oa:hasTarget [ oa:hasSource {article} ] .")
        graphs[IRIS.article_graph(f"{index:016x}")] = Graph().parse(data=prefixes + "\n".join(lines), format="turtle")
    return graphs


CONFLICTS = {
    # many articles, two values, and one article stating both (no conflict with itself)
    "two-values": [("100",)] * 6 + [("101",)] * 5 + [("100", "101")],
    # numbers of kinds Python leaves to SPARQL: a double against integers and decimals
    "numbers-of-three-kinds": [("100",), ("101",), ('"1.01E2"^^xsd:double',), ("100.5",), ("100",)],
    "all-agree": [("100",)] * 8,
}


@pytest.mark.parametrize("case", sorted(CONFLICTS))
def test_conflicts_reported_by_many_articles_give_pyshacls_report(case):
    store = new_store(conflicting_reports(CONFLICTS[case]))
    data = data_graph(store, [g for g in store.graph_names() if IRIS.is_article_graph(g)])
    reference = validate(data, shapes("graph.ttl"), iris=IRIS)
    assert bool(reference.results) == (case != "all-agree")
    assert_same(reference, fastshacl.validate_cross(store, shapes("graph.ttl")), blank_labels(data))


def test_conflicts_between_values_of_any_kind_give_the_plain_querys_report(monkeypatch):
    # rdflib orders an integer before a string where Oxigraph finds no order, so pyshacl cannot be the
    # reference here: the plain query (no pairing in Python) is.
    values = [("100",), ("101",), ('"1.01E2"^^xsd:double',), ('"100"',), ('"2023-01-01"^^xsd:date',),
              ('"2023-01-02"^^xsd:date',), ("<urn:x>",), ("100",)]
    store = new_store(conflicting_reports(values))
    paired = fastshacl.validate_cross(store, shapes("graph.ttl"))
    monkeypatch.setattr(pairing, "halves", lambda parsed, renderer: None)
    plain = fastshacl.validate_cross(store, shapes("graph.ttl"))
    # for the total and for the cohort: r00 and r07 (100) below r01 (101) and r02 (1.01E2), and the two dates
    assert len(plain.results) == 2 * 5
    assert sorted(map(repr, paired.results)) == sorted(map(repr, plain.results))


def test_conflicts_are_paired_from_each_evidence_read_once_not_by_a_join_of_all_pairs():
    store = new_store(conflicting_reports(CONFLICTS["two-values"]))
    queries = recording(store)
    report = fastshacl.validate_cross(store, shapes("graph.ttl"))
    # 100 in seven articles, 101 in six, one of them the same: for the total and for the cohort
    assert len([r for r in report.results if r.message.startswith("conflict")]) == 2 * (7 * 6 - 1)
    mine = [q for q in queries if "?evidence1" in q or "?evidence2" in q]
    assert mine and not [q for q in mine if "?evidence2" in q]       # the second half is the first, renamed
    assert len([q for q in mine if "GROUP BY" in q]) == 2            # which groups hold two values, per constraint


@pytest.mark.parametrize("case", sorted(CONFLICTS))
def test_conflicts_scoped_to_one_articles_nodes_are_the_full_runs(case):
    store = new_store(conflicting_reports(CONFLICTS[case]))
    full = fastshacl.validate_cross(store, shapes("graph.ttl"))
    for name in sorted(g for g in store.graph_names() if IRIS.is_article_graph(g))[-2:]:
        touched = set(fastshacl.touched_nodes(store.graph(name)))
        scoped = fastshacl.validate_cross(store, shapes("graph.ttl"), sorted(touched))
        expected = [r for r in full.results if r.focus_node in touched or r.value in touched]
        assert sorted(map(repr, scoped.results)) == sorted(map(repr, expected))


def test_message_templates_format_as_pyshacl_does():
    from powkg.fastshacl.checks import Template
    from powkg.fastshacl.sparql import format_message

    texts = ["conflict: {?value1} in {?article1} vs {?value2} in {$article2}", "{?a}{?b}{$a} x {?zz} {?a b}",
             "{ {?a} }", "{?a", "{?a}?b}", "{{?a}?b}", "{$b}{?b}", ""]
    values = ["1", "", "a\\1", "{?b}", "x}y", "{", URIRef("urn:x"), "?b", "\\n", "$", "{$a}"]
    rng = random.Random(7)
    for text in texts:
        template = Template.of(text)
        for _ in range(400):
            bound = {name: rng.choice(values) for name in rng.sample(["a", "b", "value1", "article1", "zz"], rng.randint(0, 5))}
            try:
                expected = format_message(text, bound)
            except Exception as exc:  # noqa: BLE001  (re.sub refuses some escapes: both must refuse)
                expected = type(exc).__name__
            try:
                found = template.format(bound)
            except Exception as exc:  # noqa: BLE001
                found = type(exc).__name__
            assert found == expected, (text, bound)


def test_many_articles_checked_in_one_pass_each_get_their_own_report():
    """check_many gives each graph what check gives it alone: every planted fault and the valid article,
    side by side in one pass."""
    names = ["article-valid.ttl", *ARTICLE_FIXTURES]
    graphs = [fixture("article-valid.ttl", *([name] if name != "article-valid.ttl" else [])) for name in names]
    one_by_one = [checker().check(graph) for graph in graphs]
    together = checker().check_many(graphs)
    assert [r.results for r in together] == [r.results for r in one_by_one]
    assert [r.conforms for r in together] == [r.conforms for r in one_by_one]
    assert len({r.results for r in together}) > 2        # the faults differ, and each stays with its graph


def test_corpus_checked_in_one_pass(corpus):
    store, names, per_article, _, labels = corpus
    for name, report in zip(names, checker().check_many([store.graph(n) for n in names]), strict=True):
        assert_same(per_article[name], report, labels)
