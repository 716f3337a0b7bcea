"""The bar of issue 3, measured as `powkg eval` measures it: the development corpus (data/sample, the
articles of ../shared/corpus) is built into an in-memory graph through the pipeline, its facts are read
back from the graph with SPARQL and compared with data/sample-gold.yaml.

F1 >= 0.95 for exchange found, date and returned total, >= 0.9 for every other field, and no
article in error. The two halves (d01-d16, d17-d31) are also measured apart, so that a rule which
only serves one half shows as a gap between them.
"""

from __future__ import annotations

import pytest
import yaml

from paths import REPO, SAMPLE
from powkg.evaluation import FIELDS, evaluate, format_table
from powkg.facts import FactsReader
from powkg.pipeline import ingest
from powkg.store import open_store

GOLD = yaml.safe_load((REPO / "data" / "sample-gold.yaml").read_text(encoding="utf-8"))
FLOORS = {name: 0.95 if name in ("exchange found", "date", "returned total") else 0.9 for name in FIELDS}
HALVES = {"first half": range(1, 17), "second half": range(17, 32)}


@pytest.fixture(scope="module")
def measured(project):
    store = open_store("memory:")
    outcomes = ingest([SAMPLE], store, project)
    predicted = FactsReader(store, project.iris).article_facts()
    store.close()
    errors = [f"{o.source}: {o.status}: {o.reason}" for o in outcomes if o.status not in ("stored", "unchanged")]
    return predicted, errors


def test_every_article_of_the_corpus_is_stored(measured):
    _, errors = measured
    assert errors == []


def test_the_corpus_meets_the_bar(measured):
    predicted, _ = measured
    result = evaluate(predicted, GOLD)
    low = {name: round(score.f1, 3) for name, score in result.fields.items()
           if score.f1 is not None and score.f1 < FLOORS[name]}
    assert low == {}, format_table(result)


@pytest.mark.parametrize("half", ["first half", "second half"])
def test_each_half_of_the_corpus_scores_alike(measured, half):
    """Fields of a half hold too few items for the per-field bar (three nestings in the first half);
    their overall F1 shows whether one half is served better than the other."""
    predicted, _ = measured
    gold = [g for g in GOLD if int(g["id"][1:]) in HALVES[half]]
    result = evaluate(predicted, gold)
    assert result.overall.f1 >= 0.95, format_table(result)
