"""extraction: numbers, dates, the two seeds field by field against their gold, evidence offsets,
negatives, and the per-field score on the English corpus."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from powkg.extraction import extract_facts
from powkg.extraction.dates import find_dates, orthodox_easter
from powkg.extraction.numbers import find_numbers, parse_number
from powkg.extraction.scoring import score_corpus
from powkg.model import Article, Exchange, Facts
from powkg.reading import read_article
from powkg.settings import load_settings
from powkg.vocabulary import Gazetteer, load_gazetteer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_1 = SHARED / "seeds" / "000_656f3c77d47d075b.txt"
SEED_2 = SHARED / "seeds" / "002_7a15865362665bc9.txt"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer(load_settings().ontology_dir)


def facts_of(path: Path, gazetteer: Gazetteer) -> tuple[Article, Facts]:
    article = read_article(path)
    return article, extract_facts(article, gazetteer)


def units(exchange: Exchange) -> dict[str, int]:
    return {(c.unit or c.category or ""): c.count.value for c in exchange.cohorts
            if c.unit or c.category in ("civilians", "military")}


def nested(exchange: Exchange) -> set[str]:
    def name(i: int) -> str:
        c = exchange.cohorts[i]
        return c.unit or c.category or f"location:{c.defended or c.captured}"
    return {f"{name(i)} in {name(c.part_of)}" for i, c in enumerate(exchange.cohorts) if c.part_of is not None}


def category(exchange: Exchange, key: str) -> tuple[int, str | None] | None:
    found = [(c.count.value, c.count.qualifier) for c in exchange.cohorts if c.category == key]
    return found[0] if found else None


def locations(exchange: Exchange) -> set[str]:
    return {p.value for p in exchange.locations_defended + exchange.places_captured}


# --- numbers and dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("2,430", 2430), ("1 138", 1138), ("3135", 3135), ("Forty-five", 45), ("one hundred and eight", 108),
    ("Two hundred and fifteen", 215), ("A hundred", 100), ("twenty-eight", 28), ("eleven", 11),
], ids=["comma", "space", "plain", "hyphen-words", "hundred-and", "capital-hundred", "a-hundred", "hyphen", "eleven"])
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


def test_find_numbers_leaves_out_years_times_ordinals_and_durations() -> None:
    text = "In 2022 at 16:40 the 36th brigade spent eight months; 49 soldiers and fifteen women came home."
    assert [(n.value, n.text) for n in find_numbers(text)] == [(49, "49"), (15, "fifteen")]


@pytest.mark.parametrize(("text", "published", "value", "month_day"), [
    ("on December 30", date(2024, 12, 30), date(2024, 12, 30), (12, 30)),
    ("on January 3 of this year", date(2024, 12, 30), date(2024, 1, 3), (1, 3)),
    ("on December 31", date(2023, 1, 8), date(2022, 12, 31), (12, 31)),
    ("on January 31", None, None, (1, 31)),
    ("on Sept. 21", None, None, (9, 21)),
    ("on Thursday", date(2022, 4, 29), date(2022, 4, 28), None),
    ("on Thursday", date(2022, 3, 24), date(2022, 3, 24), None),
    ("today", date(2023, 3, 7), date(2023, 3, 7), None),
    ("on New Year's Eve", date(2022, 12, 31), date(2022, 12, 31), (12, 31)),
    ("On Sunday, June 11", date(2023, 6, 11), date(2023, 6, 11), (6, 11)),
    ("on 25 May", date(2023, 5, 25), date(2023, 5, 25), (5, 25)),
    ("on March 19 last year", date(2023, 2, 16), date(2022, 3, 19), (3, 19)),
], ids=["same-day", "of-this-year", "previous-year", "no-year", "abbreviated", "weekday-before", "weekday-same",
        "today", "new-years-eve", "weekday-and-date", "day-month", "last-year"])
def test_dates_resolve_against_the_published_date(text: str, published: date | None, value: date | None,
                                                   month_day: tuple[int, int] | None) -> None:
    (found,) = find_dates(text, published)
    assert (found.value, found.month_day) == (value, month_day)


def test_orthodox_easter() -> None:
    assert (orthodox_easter(2023), orthodox_easter(2022), orthodox_easter(2024)) == (
        date(2023, 4, 16), date(2022, 4, 24), date(2024, 5, 5))


# --- the seeds against their gold -------------------------------------------------------------------

def gold(seed_id: str) -> dict:
    entries = yaml.safe_load((SHARED / "seeds" / "gold.yaml").read_text(encoding="utf-8"))
    return next(e for e in entries if e["id"] == seed_id)


def test_seed_one_main_exchange(gazetteer: Gazetteer) -> None:
    _, facts = facts_of(SEED_1, gazetteer)
    main, expected = facts.exchanges[0], gold("000_656f3c77d47d075b")["exchanges"][0]
    assert (main.date, main.month_day, main.returned_total.value) == (None, None, expected["returned_total"])
    assert units(main) == expected["units"]
    assert nested(main) == {"territorial_defense in armed_forces", "location:azovstal in location:mariupol"}
    assert category(main, "enlisted_and_sergeants") == (100, None)
    assert category(main, "officers") == (0, None)
    assert category(main, "injured_or_ill") == (28, "at least")
    assert (category(main, "medics"), category(main, "brothers")) == ((1, None), (2, None))
    assert (main.oldest_age.value, main.youngest_age.value) == (62, 20)
    assert [m.value for m in main.mediators] == ["united_arab_emirates"]
    assert locations(main) == {"mariupol", "azovstal", "donetsk", "luhansk"}
    assert {c.defended: c.count.value for c in main.cohorts if c.defended} == {"mariupol": 84, "azovstal": 82}
    assert main.ordinal is None
    assert main.previous == 1


def test_seed_one_previous_exchange(gazetteer: Gazetteer) -> None:
    _, facts = facts_of(SEED_1, gazetteer)
    previous = facts.exchanges[1]
    assert (previous.date, previous.month_day.value, previous.date_text) == (None, (1, 31), "January 31")
    assert previous.returned_total.value == 207
    assert {u.value for u in previous.units_named} == {"armed_forces", "national_guard", "border_guard",
                                                       "national_police"}
    assert locations(previous) == {"mariupol", "azovstal", "snake_island"}
    assert (previous.ordinal.value, previous.ordinal_scope) == (50, "prisoner exchange between Ukraine and Russia")
    assert len(facts.exchanges) == 2


def test_seed_one_running_totals(gazetteer: Gazetteer) -> None:
    _, facts = facts_of(SEED_1, gazetteer)
    assert [(t.count.value, t.measure, t.as_of, t.after_exchange, t.count.evidence.attributed_to)
            for t in facts.running_totals] == [
        (3135, "returned", None, 0, "coordination_headquarters"),
        (3035, "returned", None, 1, "zelenskyy")]


def test_seed_one_attribution(gazetteer: Gazetteer) -> None:
    _, facts = facts_of(SEED_1, gazetteer)
    by_unit = {c.unit: c.count.evidence for c in facts.exchanges[0].cohorts if c.unit}
    assert by_unit["territorial_defense"].quote == "including 11 territorial defense fighters"
    assert by_unit["territorial_defense"].attributed_to == "coordination_headquarters"
    ranks = next(c for c in facts.exchanges[0].cohorts if c.category == "enlisted_and_sergeants")
    assert ranks.count.evidence.attributed_to == "coordination_headquarters"   # '... ," the statement says'


def test_seed_two_main_exchange(gazetteer: Gazetteer) -> None:
    _, facts = facts_of(SEED_2, gazetteer)
    main, expected = facts.exchanges[0], gold("002_7a15865362665bc9")["exchanges"][0]
    assert (main.date.value, main.date_text) == (date(2024, 12, 30), expected["date_text"])
    assert main.returned_total.value == expected["returned_total"] == 189
    assert units(main) == expected["units"]
    assert nested(main) == {"territorial_defense in armed_forces"}
    assert (category(main, "enlisted_and_sergeants"), category(main, "officers")) == ((173, None), (14, None))
    assert [m.value for m in main.mediators] == ["united_arab_emirates"]
    assert {p.value for p in main.locations_defended} == {
        "mariupol", "snake_island", "donetsk", "luhansk", "kharkiv", "zaporizhzhia", "kherson", "chornobyl_npp"}
    assert [p.value for p in main.places_captured] == ["kursk"]
    assert (main.ordinal.value, main.ordinal_scope) == (11, "prisoner exchange")


def test_seed_two_earlier_exchange_and_totals(gazetteer: Gazetteer) -> None:
    _, facts = facts_of(SEED_2, gazetteer)
    earlier = facts.exchanges[1]
    assert (earlier.date.value, earlier.returned_total.value) == (date(2024, 1, 3), 230)
    assert earlier.date_text.startswith("January 3")
    assert sorted((t.count.value, t.as_of, t.count.evidence.attributed_to) for t in facts.running_totals) == [
        (1358, date(2024, 12, 30), "coordination_headquarters"),
        (3956, date(2024, 12, 30), "coordination_headquarters")]


def every_evidence(facts: Facts):
    for exchange in facts.exchanges:
        yield exchange.evidence
        for stated in (exchange.date, exchange.month_day, exchange.returned_total, exchange.handed_over,
                       exchange.ordinal, exchange.oldest_age, exchange.youngest_age):
            if stated is not None:
                yield stated.evidence
        for cohort in exchange.cohorts:
            yield cohort.count.evidence
        for stated in exchange.units_named + exchange.mediators + exchange.locations_defended + \
                exchange.places_captured:
            yield stated.evidence
        for _key, stated in exchange.other_counts:
            yield stated.evidence
    for total in facts.running_totals:
        yield total.count.evidence


ALL_ARTICLES = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus" / "articles").glob("*.txt"))


@pytest.mark.parametrize("path", ALL_ARTICLES, ids=[p.stem for p in ALL_ARTICLES])
def test_evidence_offsets_point_at_the_quote(path: Path, gazetteer: Gazetteer) -> None:
    article, facts = facts_of(path, gazetteer)
    for evidence in every_evidence(facts):
        assert article.text[evidence.start:evidence.end] == evidence.quote


NEGATIVE = """Leaders agree on a prisoner swap

The two sides have agreed to swap 300 prisoners in the coming weeks, a mediator said on Monday.
No date has been set, and officials would not say how many people each side will hand over.
"""


def test_an_agreed_swap_is_no_exchange(gazetteer: Gazetteer) -> None:
    article = Article(id="neg", text=NEGATIVE.strip(), language="en", source="test", title=NEGATIVE.split("\n")[0],
                      published=date(2023, 1, 2))
    assert extract_facts(article, gazetteer).exchanges == ()


@pytest.mark.parametrize("name", ["d29", "d30", "d31"])
def test_corpus_negatives_yield_no_exchange(name: str, gazetteer: Gazetteer) -> None:
    _, facts = facts_of(SHARED / "corpus" / "articles" / f"{name}.txt", gazetteer)
    assert facts.exchanges == ()


# --- the English corpus, as a measure --------------------------------------------------------------

@pytest.mark.parametrize(("field", "precision", "recall"), [
    ("exchange", 0.95, 0.95), ("date", 0.95, 0.80), ("returned_total", 0.90, 0.70), ("units", 0.90, 0.95),
    ("nested", 0.95, 0.95), ("ranks", 0.95, 0.95), ("sex", 0.85, 0.95), ("locations", 0.90, 0.95),
    ("ordinal", 0.95, 0.85), ("running_totals", 0.90, 0.95),
])
def test_english_corpus_score_does_not_regress(field: str, precision: float, recall: float,
                                               gazetteer: Gazetteer) -> None:
    score, _rate = corpus_score(gazetteer)
    assert (score.precision(field) >= precision, score.recall(field) >= recall) == (True, True), score.table()


_SCORE: dict[str, tuple] = {}


def corpus_score(gazetteer: Gazetteer):
    if "en" not in _SCORE:
        _SCORE["en"] = score_corpus(SHARED / "corpus" / "gold.yaml", gazetteer, language="en")
    return _SCORE["en"]


# -- the fast paths give the answers of the patterns as written ----------------------------------------

def test_lowercasing_a_pattern_keeps_escapes_and_group_names() -> None:
    from powkg.extraction.language import lowercase_pattern

    assert lowercase_pattern(r"(?P<Day>\d+) Mar\S(?P=Day)\\W") == r"(?P<Day>\d+) mar\S(?P=Day)\\w"


@pytest.mark.parametrize(("text", "anchors"), [
    ("Thursday's swap", [0]),
    ("the mayor of May", [13]),
    ("May5 and 5May", [0, 10]),
    ("у п'ятницю і в пʼятницю", [2, 15]),
    ("до Великодня, спасхи", [3, 15]),
    ("Sunday,Monday-Tuesday", [0, 7, 14]),
    ("Mondays", []),
], ids=["possessive", "inside-a-word", "digits-around", "apostrophes", "easter-stems", "punctuation", "plural"])
def test_date_words_are_found_where_the_pattern_of_all_of_them_finds_them(text: str, anchors: list[int]) -> None:
    import re

    from powkg.extraction import dates

    keywords = "|".join(sorted((re.escape(k) for k in dates._KEYWORDS), key=len, reverse=True))
    written = re.compile(rf"(?<![^\W\d_])(?:{keywords})(?![^\W\d_])|великодн|пасх")
    assert dates._anchors(text, 0, len(text)) == [m.start() for m in written.finditer(text.lower())] == anchors


def test_cues_searched_in_lowercase_agree_with_the_patterns_as_written() -> None:
    from powkg.extraction import LANGUAGES

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    texts = [read_article(p).text for p in sorted(sample.glob("*.txt"))]
    checked = 0
    for lang in LANGUAGES.values():
        for name in ("implicit_one", "nest_open", "formula", "oldest", "youngest", "ordinal", "mediation",
                     "completed_exchange", "took_place", "dead", "no_officers", "only_women", "speech"):
            for text in texts:
                for start in range(0, len(text), 97):
                    end = min(len(text), start + 160)
                    written = getattr(lang, name).search(text, start, end) is not None
                    assert lang.finds(name, text, start, end) == written, (lang.code, name, text[start:end])
                    assert lang.finds_in(name, text[start:end]) == (getattr(lang, name).search(text[start:end])
                                                                    is not None)
                    checked += written
    assert checked > 100


# --- the prefilter: words a cue cannot match without ---------------------------------------------

@pytest.mark.parametrize(("pattern", "words"), [
    (r"\b(?:the\s+)?youngest\b", ("youngest",)),
    (r"\b(?:only\s+women|all[\s-]+(?:female|women))\b", ("female", "women")),
    (r"\b(?:previous|last)\s+(?:exchange|swap)s?\b", ("last", "previous")),
    (r"(?<=youngest )\d+", ()),                   # a look-behind requires nothing of the match
    (r"\b(?:oldest|\w+)\b", ()),                  # one alternative requires no word
    (r"(?:oldest)?\d+", ()),                      # an optional word is not required
    (r"\b(?:admitted|believed|claimed|declared|explained|found|guessed|hinted|insisted|joked|knew|learned|"
     r"mentioned)\b", ()),                       # more words than a search for them would save
    (r"\b(?:said|told)\b", ("said", "told")),
    (r"^(?:separately|meanwhile)\b", ()),         # tried at the start only: nothing to save
], ids=["optional-article", "choice", "two-nouns", "look-behind", "open-alternative", "optional", "too-many",
        "two-verbs", "anchored"])
def test_required_words(pattern: str, words: tuple[str, ...]) -> None:
    from powkg.extraction.prefilter import required_words

    assert required_words(pattern) == words


def test_the_prefilter_never_rules_out_a_match() -> None:
    """Wherever a cue of any language matches a sentence or a window of one, one of its words is there."""
    from powkg.extraction import LANGUAGES
    from powkg.extraction.segmenting import split_sentences

    texts = [read_article(p).text.lower() for p in sorted((SHARED / "corpus" / "articles").glob("*.txt"))]
    spans = [(text, s.start, s.end) for text in texts for s in split_sentences(text)]
    spans += [(text, start, min(len(text), start + 40)) for text in texts for start in range(0, len(text), 17)]
    checked = 0
    for lang in LANGUAGES.values():
        for name, pattern in vars(lang).items():
            if not isinstance(pattern, re.Pattern):
                continue
            lowered = lang.lowered(name)
            for text, start, end in spans:
                if lowered.search(text, start, end):
                    checked += 1
                    assert lang.may_find(name, text, start, end), (lang.code, name, text[start:end])
    assert checked > 10_000
