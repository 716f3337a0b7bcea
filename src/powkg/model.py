"""The plain types that cross stage boundaries.

    read_article(path)            -> Article
    read_file(path)               -> Article | Unreadable, one per article or record
    extract_facts(article, gaz)   -> Facts        (every value a Stated, carrying its Evidence)
    to_triples(facts, article)    -> the triples of the article's named graph (to_graph: as an rdflib Graph)
    validate(graph, shapes)       -> Report

Offsets in ``Evidence`` are character offsets into ``Article.text`` (the cleaned text), end exclusive,
so ``article.text[e.start:e.end] == e.quote`` always holds (Web Annotation TextPositionSelector).
Vocabulary references are *keys*: the ``skos:notation`` of an individual in ``ontology/vocabulary.ttl``
("armed_forces", "civilians", "azovstal", "united_arab_emirates", "coordination_headquarters").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")

# Qualifiers a text puts on a number. The first group makes the number a lower bound.
LOWER_BOUND_QUALIFIERS = frozenset({"at least", "more than", "over", "no fewer than"})
QUALIFIERS = LOWER_BOUND_QUALIFIERS | {"nearly", "almost", "about", "under", "up to"}


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: the text that evidence offsets point into, and what is known about it."""

    id: str                      # the file's name without extension, or the record's id
    text: str                    # cleaned text, noise lines removed
    language: str                # "en", "uk" or "ru"
    source: str                  # the path or URL it was read from
    title: str | None = None
    url: str | None = None
    published: date | None = None
    author: str | None = None
    publisher: str | None = None

    @property
    def digest(self) -> str:
        """Identity of the article: a hash of its cleaned text (DESIGN.md, IRIs)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An input, or one record of it, that cannot be read as an article: where, and why."""

    source: str                  # the path, or 'path:line' for a record of a .jsonl file
    reason: str                  # what was wrong, with the parser's message where there is one

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """The exact characters of the article that state a fact, and who the article says stated it."""

    start: int
    end: int
    quote: str
    attributed_to: str | None = None   # agent key, e.g. "coordination_headquarters"


@dataclass(frozen=True, slots=True)
class Stated(Generic[T]):
    """A value as an article states it."""

    value: T
    evidence: Evidence
    qualifier: str | None = None       # one of QUALIFIERS, for numbers the text hedges

    @property
    def lower_bound(self) -> bool:
        return self.qualifier in LOWER_BOUND_QUALIFIERS


@dataclass(frozen=True, slots=True)
class Cohort:
    """A counted group of returnees of one exchange, defined by its categories.

    At least one of unit, category, defended, captured is set. ``part_of`` is the index, in the same
    exchange's ``cohorts``, of the cohort the text puts this one inside ("including 11 ...").
    """

    count: Stated[int]
    unit: str | None = None          # unit key: "armed_forces", "azov_regiment", ...
    category: str | None = None      # person-category key: "civilians", "officers", "women", ...
    defended: str | None = None      # place key of a location defended: "azovstal"
    captured: str | None = None      # place key of a place of capture: "kursk"
    part_of: int | None = None

    @property
    def categories(self) -> tuple[tuple[str, str], ...]:
        """(role, key) pairs that define the group, in a fixed order; they mint the cohort's IRI."""
        pairs = (("unit", self.unit), ("category", self.category),
                 ("defended", self.defended), ("captured", self.captured))
        return tuple((role, key) for role, key in pairs if key is not None)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One exchange an article reports: the main one, or one mentioned in passing."""

    evidence: Evidence                                  # the sentence that reports it
    date: Stated[date] | None = None                    # when the day and the year are known
    month_day: Stated[tuple[int, int]] | None = None    # (month, day) when no year can be taken
    date_text: str | None = None                        # the words that give the date, as written
    discriminator: str | None = None                    # tells apart two exchanges of one day ("kherson-local")
    returned_total: Stated[int] | None = None
    handed_over: Stated[int] | None = None              # people Ukraine handed to Russia in it
    cohorts: tuple[Cohort, ...] = ()
    units_named: tuple[Stated[str], ...] = ()           # units named with no number
    mediators: tuple[Stated[str], ...] = ()             # agent keys
    locations_defended: tuple[Stated[str], ...] = ()    # place keys
    places_captured: tuple[Stated[str], ...] = ()       # place keys
    ordinal: Stated[int] | None = None
    ordinal_scope: str | None = None
    oldest_age: Stated[int] | None = None
    youngest_age: Stated[int] | None = None
    previous: int | None = None                         # index in Facts.exchanges of the exchange before it
    other_counts: tuple[tuple[str, Stated[int]], ...] = ()   # further numbers, by snake_case key


@dataclass(frozen=True, slots=True)
class RunningTotal:
    """A claim such as '3,956 returned since the full-scale invasion': a count with a scope."""

    count: Stated[int]
    scope: str                         # the words that give the scope, as written
    measure: str = "returned"          # returned | held_in_captivity | russian_pows_held | bodies_repatriated
    since: str | None = None           # the starting point it counts from: "full_scale_invasion", "2024"
    as_of: date | None = None          # the point the total is true at, when the text allows
    after_exchange: int | None = None  # index in Facts.exchanges of the exchange it counts up to


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything one article states about exchanges. An article that reports none has no exchanges."""

    exchanges: tuple[Exchange, ...] = ()
    running_totals: tuple[RunningTotal, ...] = ()


@dataclass(frozen=True, slots=True)
class ValidationResult:
    severity: str                      # "Violation", "Warning" or "Info"
    focus_node: str
    message: str
    source_shape: str
    constraint: str                    # the constraint component's IRI
    path: str | None = None
    value: str | None = None
    articles: tuple[str, ...] = ()     # article ids (file stems) whose graphs state the focus node


@dataclass(frozen=True, slots=True)
class Report:
    """A SHACL validation report, with the report graph serialised as Turtle."""

    conforms: bool
    results: tuple[ValidationResult, ...] = ()
    turtle: str = ""

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violations(self) -> int:
        return self.count("Violation")


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one input: stored, quarantined (with its report) or refused (with why)."""

    source: str
    article_id: str | None = None
    graph: str | None = None
    status: str = "stored"             # stored | unchanged | quarantined | refused
    exchanges: int = 0
    triples: int = 0
    reason: str | None = None
    report: Report | None = None
    warnings: tuple[str, ...] = field(default=())
    replaced: tuple[str, ...] = ()       # graphs a stored article replaced (earlier versions of it)
