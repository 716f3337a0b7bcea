"""The ontology (ontology/powkg.ttl) and the reference vocabulary (ontology/vocabulary.ttl).

They parse in both RDF engines; every term of the contract (ontology/README.md) exists with labels in
three languages and a comment; the vocabulary has every key the facts JSON and the gold files use, with
the labels the extractor's gazetteer needs; places nest as they do on the map; and the OWL RL closure is
consistent.
"""

from __future__ import annotations

import re
from functools import cache

import owlrl
import pyoxigraph
import pytest
import yaml
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from paths import CORPUS, REPO, SEEDS
from powkg.vocabulary import load_gazetteer

ONTOLOGY = REPO / "ontology"
POW = Namespace("https://w3id.org/powkg/ontology#")
ID = "https://w3id.org/powkg/id/"
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
KIND_OF_CLASS = {POW.Unit: "unit", POW.PersonCategory: "category", POW.Place: "place", POW.BattleLocation: "place",
                 POW.DetentionPlace: "place", POW.Region: "place", POW.Mediator: "agent", POW.StatingAgent: "agent"}


@cache
def graph(*names: str) -> Graph:
    loaded = Graph()
    for name in names:
        loaded.parse(ONTOLOGY / name, format="turtle")
    return loaded


def ontology() -> Graph:
    return graph("powkg.ttl")


def both() -> Graph:
    return graph("powkg.ttl", "vocabulary.ttl")


def gazetteer():
    return load_gazetteer(ONTOLOGY)


def individuals() -> list[URIRef]:
    g = both()
    return sorted({s for c in KIND_OF_CLASS for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)})


def term(key: str) -> URIRef:
    return URIRef(gazetteer().term(key).iri)


# -- parsing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["powkg.ttl", "vocabulary.ttl"])
def test_parses_in_rdflib_and_pyoxigraph_alike(name):
    path = ONTOLOGY / name
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(graph(name)) > 100


def test_ontology_header():
    g = ontology()
    node = URIRef("https://w3id.org/powkg/ontology")
    assert (node, RDF.type, OWL.Ontology) in g
    assert g.value(node, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(node, OWL.versionIRI) == URIRef("https://w3id.org/powkg/ontology/0.1.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.created):
        assert g.value(node, prop) is not None, prop
    assert g.value(node, DCTERMS.created).datatype == XSD.date


# -- the terms of the contract ------------------------------------------------------------------------

def readme_terms() -> list[str]:
    """Every pow: term in the first column of the Terms table of ontology/README.md."""
    text = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    table = text.split("## Terms", 1)[1]
    names = []
    for line in table.splitlines():
        if line.startswith("| `pow:"):
            names += re.findall(r"`pow:(\w+)`", line.split("|")[1])
    return names


def defined_terms() -> set[URIRef]:
    g = ontology()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(str(POW))}


def test_the_readme_table_lists_every_defined_term():
    assert sorted(readme_terms()) == sorted(str(t).split("#")[1] for t in defined_terms())


@pytest.mark.parametrize("name", readme_terms())
def test_every_contract_term_is_defined(name):
    assert POW[name] in defined_terms()


@pytest.mark.parametrize("iri", sorted(defined_terms()), ids=lambda iri: iri.split("#")[1])
def test_every_term_has_labels_in_three_languages_and_a_comment(iri):
    g = ontology()
    languages = sorted(label.language for label in g.objects(iri, RDFS.label))
    assert languages == ["en", "ru", "uk"]
    assert [c.language for c in g.objects(iri, RDFS.comment)] == ["en"]


def test_every_pow_term_used_anywhere_is_defined():
    """No typo in a vocabulary, shape or fixture: each pow: term they use is in the ontology."""
    defined = {str(t) for t in defined_terms()}
    used: set[str] = set()
    sources = [ONTOLOGY / "vocabulary.ttl", *sorted((REPO / "shapes").glob("*.ttl")),
               *sorted((REPO / "tests" / "fixtures" / "shapes").glob("*.ttl"))]
    for path in sources:
        g = Graph().parse(path, format="turtle")
        used |= {str(t) for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(str(POW))}
        for text in (str(o) for o in g.objects() if isinstance(o, Literal)):
            used |= {f"{POW}{name}" for name in re.findall(r"\bpow:(\w+)", text)}
    assert used - defined == set()


ALIGNMENTS = [
    (POW.Exchange, RDFS.subClassOf, PROV.Activity), (POW.Exchange, RDFS.subClassOf, SCHEMA.Event),
    (POW.Cohort, RDFS.subClassOf, PROV.Entity),
    (POW.Unit, RDFS.subClassOf, SCHEMA.Organization), (POW.Unit, RDFS.subClassOf, PROV.Organization),
    (POW.PersonCategory, RDFS.subClassOf, SKOS.Concept),
    (POW.Place, RDFS.subClassOf, SCHEMA.Place), (POW.Place, RDFS.subClassOf, PROV.Location),
    (POW.BattleLocation, RDFS.subClassOf, POW.Place), (POW.DetentionPlace, RDFS.subClassOf, POW.Place),
    (POW.Region, RDFS.subClassOf, POW.Place), (POW.BattleLocation, OWL.disjointWith, POW.DetentionPlace),
    (POW.Mediator, RDFS.subClassOf, PROV.Agent), (POW.StatingAgent, RDFS.subClassOf, PROV.Agent),
    (POW.Article, RDFS.subClassOf, SCHEMA.NewsArticle), (POW.Article, RDFS.subClassOf, PROV.Entity),
    (POW.RunningTotal, RDFS.subClassOf, PROV.Entity), (POW.Evidence, RDFS.subClassOf, OA.Annotation),
    (POW.date, RDFS.subPropertyOf, DCTERMS.date), (POW.mediatedBy, RDFS.subPropertyOf, PROV.wasAssociatedWith),
    (POW.mediatedBy, RDFS.range, POW.Mediator), (POW.attributedTo, RDFS.subPropertyOf, PROV.wasAttributedTo),
    (POW.reportedIn, RDFS.subPropertyOf, SCHEMA.subjectOf), (POW.reportedIn, RDFS.range, POW.Article),
    (POW.statedIn, RDFS.subPropertyOf, PROV.wasDerivedFrom), (POW.statedIn, RDFS.range, POW.Article),
    (POW.evidence, RDFS.range, POW.Evidence), (POW.supports, RDFS.range, RDF.Property),
    (POW.previousExchange, RDFS.range, POW.Exchange), (POW.unitNamed, RDFS.range, POW.Unit),
    (POW.unit, RDFS.range, POW.Unit), (POW.personCategory, RDFS.range, POW.PersonCategory),
    (POW.locationDefended, RDFS.range, POW.Place), (POW.placeCaptured, RDFS.range, POW.Place),
    (POW.hasCohort, OWL.inverseOf, POW.cohortOf),
    (POW.locatedIn, RDF.type, OWL.TransitiveProperty), (POW.partOf, RDF.type, OWL.TransitiveProperty),
    (POW.returnedToUkraine, RDFS.range, XSD.nonNegativeInteger),
    (POW.handedOverToRussia, RDFS.range, XSD.nonNegativeInteger),
    (POW["count"], RDFS.range, XSD.nonNegativeInteger), (POW.minCount, RDFS.range, XSD.nonNegativeInteger),
    (POW.oldestAge, RDFS.range, XSD.nonNegativeInteger), (POW.youngestAge, RDFS.range, XSD.nonNegativeInteger),
    (POW.ordinal, RDFS.range, XSD.positiveInteger), (POW.ordinalScope, RDFS.range, XSD.string),
    (POW.dateAsWritten, RDFS.range, XSD.string), (POW.asOf, RDFS.range, XSD.date),
]


@pytest.mark.parametrize("triple", ALIGNMENTS, ids=lambda t: f"{t[0].split('#')[1]}-{t[1].split('#')[1]}")
def test_alignment(triple):
    assert triple in ontology()


@pytest.mark.parametrize("prop", [POW.partOf, POW.locationDefended, POW.placeCaptured, POW["count"], POW.minCount,
                                  POW.evidence, POW.attributedTo, POW.reportedIn, POW.qualifier])
def test_properties_used_on_several_classes_have_no_domain(prop):
    assert ontology().value(prop, RDFS.domain) is None


def test_date_has_no_single_range():
    """Values are xsd:date or xsd:gMonthDay; OWL RL has no datatype union."""
    assert ontology().value(POW.date, RDFS.range) is None


def test_no_property_is_functional():
    """Conflicting values from two articles both stay; a functional property would merge or reject them."""
    assert list(ontology().subjects(RDF.type, OWL.FunctionalProperty)) == []


# -- the vocabulary ---------------------------------------------------------------------------------------

REQUIRED_KEYS = {
    "unit": {"armed_forces", "territorial_defense", "navy", "national_guard", "border_guard", "national_police",
             "azov_regiment", "special_operations_forces", "state_special_transport_service",
             "state_emergency_service", "sbu"},
    "category": {"military", "civilians", "officers", "enlisted_and_sergeants", "women", "men", "injured_or_ill",
                 "wounded", "medics", "brothers", "missing_status", "wanted_person_status", "foreigners", "children",
                 "sergeants_and_petty_officers"},
    "place": {"mariupol", "azovstal", "snake_island", "chornobyl_npp", "zaporizhzhia_npp", "bakhmut", "soledar",
              "hostomel", "chonhar", "donetsk", "luhansk", "kharkiv", "zaporizhzhia", "kherson", "sumy", "kyiv",
              "chernihiv", "kursk", "olenivka", "donetsk_oblast", "luhansk_oblast", "kharkiv_oblast",
              "zaporizhzhia_oblast", "kherson_oblast", "kyiv_oblast", "sumy_oblast", "chernihiv_oblast",
              "odesa_oblast"},
    "agent": {"united_arab_emirates", "turkey", "saudi_arabia", "icrc", "coordination_headquarters", "zelenskyy",
              "yermak", "office_of_the_president", "lubinets", "yusov", "verbytska", "vereshchuk",
              "defence_intelligence", "ministry_of_reintegration", "russian_defence_ministry", "pushilin", "erdogan"},
}


@pytest.mark.parametrize("kind", sorted(REQUIRED_KEYS))
def test_required_keys_exist_with_their_kind(kind):
    assert REQUIRED_KEYS[kind] <= {t.key for t in gazetteer().of_kind(kind)}


@pytest.mark.parametrize("iri", individuals(), ids=lambda iri: iri.removeprefix(ID))
def test_every_individual_is_complete(iri):
    g = both()
    kinds = {KIND_OF_CLASS[c] for c in g.objects(iri, RDF.type) if c in KIND_OF_CLASS}
    assert len(kinds) == 1
    notations = list(g.objects(iri, SKOS.notation))
    assert len(notations) == 1 and notations[0].datatype is None and notations[0].language is None
    assert str(iri) == f"{ID}{kinds.pop()}/{notations[0]}"
    assert sorted(label.language for label in g.objects(iri, RDFS.label)) == ["en", "ru", "uk"]
    assert [c.language for c in g.objects(iri, RDFS.comment)] == ["en"]
    for prop in (SKOS.altLabel, SKOS.hiddenLabel):
        assert {label.language for label in g.objects(iri, prop)} <= {"en", "uk", "ru"}


def test_labels_are_in_the_language_they_claim():
    """Ukrainian labels use no Russian-only letters, Russian ones no Ukrainian-only letters, neither Latin."""
    wrong = []
    for s, p, o in both():
        if p in (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel) and isinstance(o, Literal) and o.language != "en":
            letters = set(str(o).lower())
            foreign = {"uk": set("ыэъё"), "ru": set("іїєґ")}[o.language] | set("abcdefghijklmnopqrstuvwxyz")
            if letters & foreign:
                wrong.append((str(s), str(o)))
    assert wrong == []


def test_no_surface_form_names_two_terms():
    ambiguous = {form: [t.key for t in terms] for form, terms in gazetteer().surface.items() if len(terms) > 1}
    assert ambiguous == {}


ENGLISH_LABELS = [
    ("snake_island", "Snake Island"), ("chornobyl_npp", "Chornobyl NPP"), ("zaporizhzhia_npp", "Zaporizhzhia NPP"),
    ("mariupol", "Mariupol"), ("azovstal", "Azovstal"), ("donetsk", "Donetsk"), ("kursk", "Kursk"),
    ("donetsk_oblast", "Donetsk Oblast"), ("olenivka", "Olenivka"),
    ("united_arab_emirates", "United Arab Emirates"), ("turkey", "Turkey"), ("saudi_arabia", "Saudi Arabia"),
    ("icrc", "International Committee of the Red Cross"),
    ("coordination_headquarters", "Coordination Headquarters for the Treatment of Prisoners of War"),
    ("zelenskyy", "Volodymyr Zelenskyy"), ("yermak", "Andriy Yermak"),
    ("ministry_of_reintegration", "Ministry for Reintegration of the Temporarily Occupied Territories"),
]


@pytest.mark.parametrize(("key", "label"), ENGLISH_LABELS)
def test_english_label(key, label):
    assert gazetteer().term(key).label == label


LOOKUPS = [
    ("Serpent Island", "snake_island"), ("Zmiinyi", "snake_island"), ("Зміїний", "snake_island"),
    ("Змеиный", "snake_island"), ("Zmiinyi Island", "snake_island"),
    ("Chernobyl", "chornobyl_npp"), ("ЧАЕС", "chornobyl_npp"), ("ЧАЭС", "chornobyl_npp"),
    ("border guards", "border_guard"), ("State Border Guard Service", "border_guard"), ("ДПСУ", "border_guard"),
    ("пограничники", "border_guard"),
    ("ЗСУ", "armed_forces"), ("ВСУ", "armed_forces"), ("Armed Forces of Ukraine", "armed_forces"),
    ("Ukrainian Armed Forces", "armed_forces"),
    ("ТрО", "territorial_defense"), ("TDF", "territorial_defense"),
    ("Territorial Defence Forces", "territorial_defense"), ("territorial defense", "territorial_defense"),
    ("НГУ", "national_guard"), ("ВМС", "navy"), ("sailors", "navy"), ("ДССТ", "state_special_transport_service"),
    ("Azov", "azov_regiment"), ("«Азов»", "azov_regiment"), ("Azov Regiment", "azov_regiment"),
    ("privates and sergeants", "enlisted_and_sergeants"), ("rank and file", "enlisted_and_sergeants"),
    ("enlisted and sergeant ranks", "enlisted_and_sergeants"),
    ("рядового та сержантського складу", "enlisted_and_sergeants"),
    ("civilian sailors", "civilians"),
    ("Donetsk direction", "donetsk"), ("Донецкое направление", "donetsk"), ("Kursk region", "kursk"),
    ("Olenivka", "olenivka"), ("Еленовка", "olenivka"), ("Оленівка", "olenivka"),
    ("UAE", "united_arab_emirates"), ("Türkiye", "turkey"),
    ("Zelensky", "zelenskyy"), ("Zelenskiy", "zelenskyy"), ("Зеленський", "zelenskyy"), ("Зеленский", "zelenskyy"),
    ("Andrii Yermak", "yermak"), ("HUR", "defence_intelligence"),
    ("Coordination Headquarters", "coordination_headquarters"), ("ICRC", "icrc"),
]


@pytest.mark.parametrize(("form", "key"), LOOKUPS)
def test_gazetteer_resolves(form, key):
    assert [t.key for t in gazetteer().lookup(form)] == [key]


PART_OF = [("territorial_defense", "armed_forces"), ("navy", "armed_forces"),
           ("special_operations_forces", "armed_forces"), ("azov_regiment", "national_guard")]


@pytest.mark.parametrize(("part", "whole"), PART_OF)
def test_unit_part_of(part, whole):
    assert (term(part), POW.partOf, term(whole)) in both()


def test_only_those_units_are_part_of_another():
    assert sorted((str(s), str(o)) for s, o in both().subject_objects(POW.partOf)) == sorted(
        (str(term(p)), str(term(w))) for p, w in PART_OF)


LOCATED_IN = [  # place, a region it lies in (through pow:locatedIn+)
    ("azovstal", "donetsk_oblast"), ("azovstal", "mariupol"), ("mariupol", "donetsk_oblast"),
    ("bakhmut", "donetsk_oblast"), ("soledar", "donetsk_oblast"), ("donetsk", "donetsk_oblast"),
    ("olenivka", "donetsk_oblast"), ("luhansk", "luhansk_oblast"), ("chornobyl_npp", "kyiv_oblast"),
    ("hostomel", "kyiv_oblast"), ("zaporizhzhia_npp", "zaporizhzhia_oblast"), ("zaporizhzhia", "zaporizhzhia_oblast"),
    ("chonhar", "kherson_oblast"), ("kherson", "kherson_oblast"), ("snake_island", "odesa_oblast"),
    ("kharkiv", "kharkiv_oblast"), ("sumy", "sumy_oblast"), ("chernihiv", "chernihiv_oblast"), ("kyiv", "kyiv_oblast"),
]

PLACES_INSIDE = """
    PREFIX pow: <https://w3id.org/powkg/ontology#>
    SELECT ?region WHERE { ?place pow:locatedIn+ ?region }
"""


@pytest.mark.parametrize(("place", "region"), LOCATED_IN)
def test_located_in_transitively_in_rdflib(place, region):
    rows = both().query(PLACES_INSIDE, initBindings={"place": term(place)})
    assert term(region) in {row.region for row in rows}


def test_azovstal_reaches_donetsk_oblast_in_pyoxigraph():
    store = pyoxigraph.Store()
    for name in ("powkg.ttl", "vocabulary.ttl"):
        store.load(path=str(ONTOLOGY / name), format=pyoxigraph.RdfFormat.TURTLE)
    query = PLACES_INSIDE.replace("?place", f"<{term('azovstal')}>")
    regions = sorted(row["region"].value for row in store.query(query))
    assert regions == [str(term("donetsk_oblast")), str(term("mariupol"))]


CLASSES = [
    ("olenivka", POW.DetentionPlace), ("kursk", POW.Region), ("donetsk_oblast", POW.Region),
    ("azovstal", POW.BattleLocation), ("donetsk", POW.BattleLocation), ("kyiv", POW.BattleLocation),
    ("united_arab_emirates", POW.Mediator), ("turkey", POW.Mediator), ("saudi_arabia", POW.Mediator),
    ("icrc", POW.StatingAgent), ("coordination_headquarters", POW.StatingAgent), ("zelenskyy", POW.StatingAgent),
]


@pytest.mark.parametrize(("key", "cls"), CLASSES, ids=[k for k, _ in CLASSES])
def test_class_of_individual(key, cls):
    assert (term(key), RDF.type, cls) in both()


@pytest.mark.parametrize(("key", "cls"), [("olenivka", POW.BattleLocation), ("kursk", POW.BattleLocation),
                                          ("icrc", POW.Mediator), ("erdogan", POW.Mediator)])
def test_not_class_of_individual(key, cls):
    assert (term(key), RDF.type, cls) not in both()


SCHEMES = {
    "rank": {"officers", "enlisted_and_sergeants"},
    "sex": {"women", "men"},
    "status": {"military", "civilians"},
    "other": {"injured_or_ill", "wounded", "medics", "brothers", "missing_status", "wanted_person_status",
              "foreigners", "children", "sergeants_and_petty_officers"},
}


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_category_schemes(scheme):
    g = both()
    iri = URIRef(f"{ID}scheme/{scheme}")
    assert (iri, RDF.type, SKOS.ConceptScheme) in g
    members = {str(g.value(c, SKOS.notation)) for c in g.subjects(SKOS.inScheme, iri)}
    assert members == SCHEMES[scheme]
    assert {str(g.value(c, SKOS.notation)) for c in g.objects(iri, SKOS.hasTopConcept)} == SCHEMES[scheme]


# -- the gold files, as data: every label and key they use is in the vocabulary --------------------------

@cache
def gold() -> list[dict]:
    articles = []
    for path in (SEEDS / "gold.yaml", CORPUS / "gold.yaml"):
        articles += yaml.safe_load(path.read_text(encoding="utf-8"))
    return articles


def gold_exchanges() -> list[dict]:
    return [exchange for article in gold() for exchange in article.get("exchanges") or []]


def test_gold_locations_are_english_labels_of_places():
    labels = {t.label for t in gazetteer().of_kind("place")}
    used = {location for exchange in gold_exchanges() for location in exchange.get("locations") or []}
    assert len(used) == 18
    assert used - labels == set()


def test_gold_mediators_are_english_labels_of_mediators():
    mediators = {t.label for t in gazetteer().of_kind("agent") if "Mediator" in t.classes}
    used = {m for exchange in gold_exchanges() for m in exchange.get("mediators") or []}
    assert used == {"United Arab Emirates", "Turkey", "Saudi Arabia"}
    assert used <= mediators


def test_gold_unit_and_rank_keys_are_vocabulary_keys():
    units = {t.key for t in gazetteer().of_kind("unit")} | SCHEMES["status"]
    used_units = {k for e in gold_exchanges() for k in (e.get("units") or {})}
    used_units |= {k for e in gold_exchanges() for k in e.get("units_named_without_counts") or []}
    assert used_units - units == set()
    assert {k for e in gold_exchanges() for k in (e.get("ranks") or {})} == SCHEMES["rank"]


UNKNOWN_SPEAKERS = {"Ukrainian authorities"}  # a generic attribution: the mapping mints an agent for it


def test_gold_speakers_are_stating_agents():
    speakers = {t.label for t in gazetteer().of_kind("agent") if "StatingAgent" in t.classes}
    used = {re.split(r",| \(", claim["attributed_to"])[0] for article in gold()
            for claim in article.get("cumulative") or [] if claim.get("attributed_to")}
    assert used - speakers == UNKNOWN_SPEAKERS


# -- OWL 2 RL -------------------------------------------------------------------------------------------

def closure(extra: Graph | None = None, **options) -> Graph:
    """The OWL RL closure of ontology, vocabulary and ``extra``.

    Always with ``improved_datatypes=False``: owlrl's "improved" lexical conversions stay installed in
    rdflib after the closure, and the one for xsd:gMonthDay rejects every valid value ("--01-31"), so
    every gMonthDay date parsed later in the process is ill-typed and fails sh:datatype.
    """
    g = Graph()
    g += both()
    if extra is not None:
        g += extra
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False, **options).expand(g)
    return g


def inconsistencies(g: Graph) -> list[str]:
    """owlrl 7 records an inconsistency as `[] a err:ErrorMessage ; err:error "..."`; OWL as owl:Nothing members."""
    found = sorted(str(m) for m in g.objects(None, ERRNS.error))
    found += sorted(f"{s} a owl:Nothing" for s in g.subjects(RDF.type, OWL.Nothing))
    return found


OPTIONS = {"defaults": {}, "as reasoning.py runs it": {"rdfs_closure": False, "axiomatic_triples": False,
                                                        "datatype_axioms": False}}


@pytest.mark.parametrize("options", sorted(OPTIONS))
def test_owl_rl_closure_is_consistent(options):
    assert inconsistencies(closure(**OPTIONS[options])) == []


def test_owl_rl_closure_of_a_valid_article_is_consistent_and_entails_what_matters():
    article = Graph().parse(REPO / "tests" / "fixtures" / "shapes" / "article-valid.ttl", format="turtle")
    g = closure(article)
    assert inconsistencies(g) == []
    exchange = URIRef(f"{ID}exchange/2024-12-30")
    assert (exchange, POW.hasCohort, URIRef(f"{exchange}/cohort/unit-navy")) in g
    assert (exchange, RDF.type, PROV.Activity) in g
    assert (term("azovstal"), POW.locatedIn, term("donetsk_oblast")) in g
    assert (term("azovstal"), RDF.type, SCHEMA.Place) in g
    assert (term("united_arab_emirates"), RDF.type, PROV.Agent) in g


def test_owl_rl_closure_leaves_month_day_dates_well_typed():
    month_day = Graph().parse(REPO / "tests" / "fixtures" / "shapes" / "graph-seed1.ttl", format="turtle")
    assert inconsistencies(closure(month_day)) == []
    assert Literal("--01-31", datatype=XSD.gMonthDay).ill_typed is not True


def test_owl_rl_detects_a_detention_place_typed_a_battle_location():
    """The consistency test above means something: owlrl reports a broken disjointness."""
    planted = Graph()
    planted.add((term("olenivka"), RDF.type, POW.BattleLocation))
    found = inconsistencies(closure(planted, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False))
    assert found and all("olenivka" in message or "Nothing" in message for message in found)

