"""The pipeline: bad input loses nothing, ingesting twice changes nothing, reasoning matters."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from rdflib.compare import to_isomorphic
from rdflib.namespace import PROV

from paths import SAMPLE, SEEDS
from powkg.pipeline import build, extend, ingest, reason, validate_store
from powkg.store import open_store

SEED = sorted(SEEDS.glob("*.txt"))[1]


@pytest.fixture
def memory():
    store = open_store("memory:")
    yield store
    store.close()


def snapshot(store):
    return {name: sorted(store.graph(name)) for name in store.graph_names()}


def test_ingesting_the_same_article_twice_leaves_the_graph_unchanged(memory, project):
    first = ingest([SEED], memory, project)
    before = snapshot(memory)
    second = ingest([SEED], memory, project)
    assert [o.status for o in first] == ["stored"]
    assert [o.status for o in second] == ["unchanged"]
    assert snapshot(memory) == before


def test_a_corrected_article_replaces_what_the_old_version_said(memory, project, tmp_path):
    path = tmp_path / "article.txt"
    text = SEED.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    ingest([path], memory, project)
    path.write_text(text.replace("189", "190"), encoding="utf-8")
    ingest([path], memory, project)
    articles = [g for g in memory.graph_names() if project.iris.is_article_graph(g)]
    assert len(articles) == 1
    answer = memory.query("PREFIX pow: <https://w3id.org/powkg/ontology#> "
                          "SELECT ?n WHERE { ?e pow:returnedToUkraine ?n } ORDER BY ?n")
    assert 190 in [int(r["n"]) for r in answer.rows] and 189 not in [int(r["n"]) for r in answer.rows]


BAD_INPUTS = {
    "empty": b"",
    "binary": b"\x00\x01\x02\x03PNG\x00" * 100,
    "latin1": "Ukraine returned 50 defenders on Monday, said the ministry. Caf\u00e9".encode("latin-1"),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_a_bad_file_is_refused_with_a_reason_and_the_rest_are_ingested(memory, project, tmp_path, kind):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / f"a_{kind}.txt").write_bytes(BAD_INPUTS[kind])
    shutil.copy(SEED, folder / "b_good.txt")
    outcomes = {o.source.rsplit("/", 1)[-1]: o for o in ingest([folder], memory, project)}
    assert outcomes["b_good.txt"].status == "stored"
    bad = outcomes[f"a_{kind}.txt"]
    assert bad.status == "refused"
    assert bad.reason and f"a_{kind}.txt" in bad.reason
    # the refusal is kept in quarantine, outside every query's default graph
    assert bad.graph in memory.graph_names()
    assert memory.query(f"ASK {{ <{bad.graph}> ?p ?o }}").boolean is False


def test_a_file_over_the_size_limit_is_refused(memory, project, tmp_path):
    from dataclasses import replace

    from powkg.pipeline import Project

    small = Project.load(replace(project.settings, max_article_bytes=1000))
    big = tmp_path / "big.txt"
    big.write_text("Ukraine brought home 12 defenders. " * 100, encoding="utf-8")
    [outcome] = ingest([big], memory, small)
    assert outcome.status == "refused"
    assert "1000" in outcome.reason


@pytest.mark.slow
def test_a_50_megabyte_file_is_refused_and_nothing_else_is_lost(memory, project, tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("w", encoding="utf-8") as out:
        line = "The exchange went ahead as planned and everyone came home safely today.\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            out.write(line)
    shutil.copy(SEED, tmp_path / "good.txt")
    outcomes = {o.source.rsplit("/", 1)[-1]: o.status for o in ingest([tmp_path], memory, project)}
    assert outcomes == {"huge.txt": "refused", "good.txt": "stored"}


def test_an_article_that_reports_no_exchange_yields_no_exchange(memory, project, tmp_path):
    path = tmp_path / "planned.txt"
    path.write_text(
        "Kyiv and Moscow have agreed in principle to swap 300 prisoners next month, a mediator said on\n"
        "Tuesday. No date has been fixed and no one has been released yet.\n", encoding="utf-8")
    [outcome] = ingest([path], memory, project)
    assert outcome.status == "stored"
    assert outcome.exchanges == 0
    assert memory.query("PREFIX pow: <https://w3id.org/powkg/ontology#> ASK { ?e a pow:Exchange }").boolean is False


def test_reasoning_puts_azovstal_cohorts_in_donetsk_oblast(memory, project):
    from paths import REPO
    from powkg.queries import load_queries

    ingest([SEEDS], memory, project)
    query = load_queries(REPO / "queries")["cohorts-defending-place"].bind({})
    before = {str(r["place"]) for r in memory.query(query).rows}
    assert "Azovstal" not in before
    assert reason(memory, project) > 0
    after = {str(r["place"]) for r in memory.query(query).rows}
    assert {"Azovstal", "Mariupol"} <= after


def test_inferred_triples_live_in_their_own_graph(memory, project):
    ingest([SEEDS], memory, project)
    reason(memory, project)
    inferred = memory.graph(project.iris.inferred_graph)
    assert len(inferred) > 0
    for name in memory.graph_names():
        if project.iris.is_article_graph(name):
            assert not set(memory.graph(name)) & set(inferred)


def test_build_validates_the_whole_graph(memory, project):
    result = build([SEEDS], memory, project)
    assert result.report.conforms
    again = validate_store(memory, project)
    assert again.results == result.report.results


def test_a_build_reports_what_validating_the_whole_store_reports(memory, project, tmp_path):
    """The build runs the article shapes again only on the graphs it did not check itself."""
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    for path in sorted(SAMPLE.glob("*.txt"))[:12]:
        shutil.copy(path, earlier / path.name)
    before = ingest([earlier], memory, project)
    result = build([SAMPLE], memory, project)
    assert sorted(o.status for o in result.outcomes).count("unchanged") == len(before)
    full = validate_store(memory, project)
    article_shapes = {str(shape) for shape in project.article_shapes.subjects()}
    unchecked = {o.article_id for o in before}
    assert any(set(r.articles) & unchecked for r in full.results if r.source_shape in article_shapes)
    assert sorted(result.report.results, key=repr) == sorted(full.results, key=repr)
    assert [stage for stage, _ in result.seconds] == ["ingest", "reasoning", "validation"]


def _about(report, nodes, article_ids):
    """The results of a report on the given nodes, or found in the given articles."""
    return sorted((r for r in report.results if r.focus_node in nodes or r.value in nodes or
                   set(r.articles) & article_ids), key=repr)


def test_extending_a_graph_gives_what_a_full_run_gives_about_the_new_articles(memory, project):
    from powkg.fastshacl import stated_nodes

    files = sorted(SAMPLE.glob("*.txt"))
    build(files[:-4], memory, project)
    before = len(memory.graph(project.iris.inferred_graph))
    added = []
    for path in files[-4:]:        # one at a time, as `powkg ingest` is used as articles arrive
        result = extend([path], memory, project)
        assert [o.status for o in result.outcomes] == ["stored"]
        added.append(result)
    incremental = set(memory.graph(project.iris.inferred_graph))
    assert sum(a.inferred for a in added) == len(incremental) - before > 0
    assert reason(memory, project) == len(incremental)
    assert set(memory.graph(project.iris.inferred_graph)) == incremental
    full = validate_store(memory, project)
    last = added[-1]
    nodes = set(stated_nodes(memory, [last.outcomes[0].graph]))
    ids = {last.outcomes[0].article_id}
    assert sorted(last.report.results, key=repr) == _about(full, nodes, ids)


def test_extending_with_a_corrected_article_reasons_in_full(memory, project, tmp_path):
    path = tmp_path / "article.txt"
    text = SEED.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = extend([path], memory, project)
    path.write_text(text.replace("189", "190"), encoding="utf-8")
    second = extend([path], memory, project)
    assert first.outcomes[0].replaced == ()
    assert second.outcomes[0].replaced == (first.outcomes[0].graph,)
    inferred = set(memory.graph(project.iris.inferred_graph))
    reason(memory, project)
    assert set(memory.graph(project.iris.inferred_graph)) == inferred


def comparable(store):
    """The store's graphs, up to the names of blank nodes (evidence selectors) and the time of extraction."""
    graphs = {}
    for name in store.graph_names():
        graph = store.graph(name)
        graph.remove((None, PROV.generatedAtTime, None))
        graphs[name] = to_isomorphic(graph)
    return graphs


def test_worker_processes_ingest_what_one_process_ingests(project, tmp_path):
    # Enough files for the worker processes: the sample, copied with a sentence of their own, and a bad file.
    folder = tmp_path / "articles"
    folder.mkdir()
    for copy in range(3):
        for path in sorted(SAMPLE.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            (folder / f"{copy}-{path.name}").write_text(f"{text}\n\nFiled again as copy {'abc'[copy]}.\n",
                                                       encoding="utf-8")
    (folder / "broken.txt").write_bytes(BAD_INPUTS["binary"])
    stores = [open_store("memory:"), open_store("memory:")]
    try:
        alone, together = (ingest([folder], store, project, workers=workers)
                           for store, workers in zip(stores, (1, 2), strict=True))
        assert len(alone) == 94 and {o.status for o in alone} == {"stored", "refused"}
        assert together == alone           # same outcomes, check reports and warnings, in the same order
        assert comparable(stores[1]) == comparable(stores[0])
        again = ingest([folder], stores[1], project, workers=2)
        assert [o.status for o in again] == ["unchanged" if o.status == "stored" else o.status for o in alone]
    finally:
        for store in stores:
            store.close()


def test_an_edited_ontology_is_loaded_again_even_at_the_same_size(memory, settings, tmp_path):
    from powkg.pipeline import Project, ensure_ontology

    for part in ("ontology", "shapes"):
        shutil.copytree(settings.home_path / part, tmp_path / part)
    project = Project.load(replace(settings, home=str(tmp_path)))
    assert ensure_ontology(memory, project) and not ensure_ontology(memory, project)
    vocabulary = tmp_path / "ontology" / "vocabulary.ttl"
    # One label reworded: as many triples as before
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace('"Azovstal"@en', '"Azovstal works"@en', 1),
                          encoding="utf-8")
    edited = Project.load(replace(settings, home=str(tmp_path)))
    assert len(edited.ontology) == len(project.ontology)
    assert ensure_ontology(memory, edited)
    labels = memory.query('SELECT ?l WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l '
                          'FILTER(STRSTARTS(STR(?l), "Azovstal")) }').rows
    assert {str(row["l"]) for row in labels} >= {"Azovstal works"} and "Azovstal" not in {str(r["l"]) for r in labels}
