"""Graphs of this domain at any size, for bench_scale.py: synthetic articles, or the development corpus
replicated. Both go through powkg's own mapping (``mapping.to_graph``), so every graph has the shape the
pipeline writes (ontology/README.md): articles, exchanges shared by the articles that report them,
cohorts nested as texts nest them, running totals, and a W3C Web Annotation for every value.

The synthetic world: exchanges on distinct days, each reported by about three articles; each article
states the exchange's total, a breakdown by unit (Territorial Defense inside the Armed Forces), by
rank, a mediator and places defended, the running total of people returned so far, and, every other
time, the previous exchange. One report in fifty states a total one off the others (a conflict).
Generated graphs are cached as N-Quads outside the repository: in $POWKG_BENCH_CACHE, or in
powkg-bench/ under the system's temporary folder (a million triples is 190 MB).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from powkg.iris import Iris
from powkg.mapping import to_graph
from powkg.model import Article, Cohort, Evidence, Exchange, Facts, RunningTotal, Stated
from powkg.vocabulary import Gazetteer

CACHE = Path(os.environ.get("POWKG_BENCH_CACHE") or Path(tempfile.gettempdir()) / "powkg-bench")
EXTRACTED_AT = datetime(2026, 11, 23, tzinfo=UTC)
UNITS = ("armed_forces", "national_guard", "border_guard", "navy", "national_police")
PLACES = ("mariupol", "azovstal", "snake_island", "bakhmut", "soledar", "kherson", "zaporizhzhia")
MEDIATORS = ("united_arab_emirates", "turkey", "saudi_arabia")


@dataclass
class _Text:
    """An article's text, built sentence by sentence; every stated value points at its own words."""

    parts: list[str] = field(default_factory=list)
    length: int = 0

    def say(self, words: str, who: str | None = None) -> Evidence:
        start = self.length
        self.parts.append(words + ". ")
        self.length += len(words) + 2
        return Evidence(start, start + len(words), words, who)

    def stated(self, value, words: str, who: str | None = "coordination_headquarters") -> Stated:  # noqa: ANN001
        return Stated(value, self.say(words, who))

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class _Truth:
    day: date
    total: int
    units: dict[str, int]
    territorial: int
    officers: int
    mediator: str
    places: tuple[str, ...]


def _world(exchanges: int, rng: random.Random) -> list[_Truth]:
    truths = []
    day = date(2022, 4, 1)
    for _ in range(exchanges):
        day += timedelta(days=rng.randint(1, 3))
        total = rng.randint(40, 400)
        units = rng.sample(UNITS, rng.randint(2, 5))
        shares = sorted(rng.sample(range(1, total), len(units) - 1))
        counts = [b - a for a, b in zip([0, *shares], [*shares, total], strict=True)]
        if rng.random() < 0.2:      # a breakdown that falls short of the total: the text counts only some
            counts[-1] = max(1, counts[-1] - rng.randint(1, counts[-1]))
        breakdown = dict(zip(units, counts, strict=True))
        armed = breakdown.get("armed_forces", 0)
        truths.append(_Truth(day, total, breakdown, rng.randint(0, armed - 1) if armed > 1 else 0,
                             rng.randint(0, total // 5), rng.choice(MEDIATORS),
                             tuple(rng.sample(PLACES, rng.randint(1, 3)))))
    return truths


def synthetic(articles: int, seed: int = 6) -> Iterator[tuple[Article, Facts]]:
    """``articles`` synthetic articles (Article, Facts) over about articles / 3 exchanges."""
    rng = random.Random(seed)
    truths = _world(max(2, articles // 3), rng)
    running = [0] * len(truths)
    acc = 1200
    for i, truth in enumerate(truths):
        acc += truth.total
        running[i] = acc
    for n in range(articles):
        i = min(len(truths) - 1, n * len(truths) // articles)
        yield _article(n, i, truths, running[i], rng)


def _article(n: int, i: int, truths: list[_Truth], running: int, rng: random.Random) -> tuple[Article, Facts]:
    truth = truths[i]
    text = _Text()
    text.say(f"Report {n} from the synthetic press service")
    total = truth.total + (rng.choice((-1, 1)) if rng.random() < 0.02 else 0)
    evidence = text.say(f"{total} Ukrainians returned home on {truth.day:%B} {truth.day.day}, {truth.day.year}")
    cohorts: list[Cohort] = []
    for unit, count in truth.units.items():
        cohorts.append(Cohort(text.stated(count, f"{count} from the {unit.replace('_', ' ')}"), unit=unit))
        if unit == "armed_forces" and truth.territorial:
            cohorts.append(Cohort(text.stated(truth.territorial, f"including {truth.territorial} territorial defense"),
                                  unit="territorial_defense", part_of=len(cohorts) - 1))
    cohorts.append(Cohort(text.stated(truth.officers, f"{truth.officers} officers"), category="officers"))
    if rng.random() < 0.3:
        cohorts.append(Cohort(Stated(truth.total // 10, text.say(f"at least {truth.total // 10} injured"),
                                     "at least"), category="injured_or_ill"))
    exchanges = [Exchange(
        evidence=evidence, date=text.stated(truth.day, f"{truth.day:%B} {truth.day.day}, {truth.day.year}", None),
        date_text=f"{truth.day:%B} {truth.day.day}", returned_total=Stated(total, evidence),
        cohorts=tuple(cohorts),
        mediators=(text.stated(truth.mediator, f"mediated by {truth.mediator.replace('_', ' ')}", None),),
        locations_defended=tuple(text.stated(p, f"defenders of {p.replace('_', ' ')}", None) for p in truth.places),
        previous=1 if i > 0 and rng.random() < 0.5 else None)]
    if exchanges[0].previous is not None:
        prev = truths[i - 1]
        exchanges.append(Exchange(
            evidence=text.say(f"the previous exchange took place on {prev.day:%B} {prev.day.day}, {prev.day.year}"),
            date=text.stated(prev.day, f"{prev.day:%B} {prev.day.day}, {prev.day.year} before", None)))
    totals = (RunningTotal(text.stated(running, f"{running} people returned since the full-scale invasion"),
                           scope="people returned since the full-scale invasion", since="full_scale_invasion",
                           as_of=truth.day, after_exchange=0),)
    article = Article(id=f"synthetic_{n:06d}", text=text.text, language="en", source=f"synthetic/{n:06d}.txt",
                      published=truth.day, title=f"Exchange of {truth.day}")
    return article, Facts(tuple(exchanges), totals)


def article_graphs(pairs: Iterator[tuple[Article, Facts]], gazetteer: Gazetteer,
                   iris: Iris) -> Iterator[tuple[str, Graph]]:
    for article, facts in pairs:
        yield iris.article_graph(article.digest), to_graph(facts, article, gazetteer=gazetteer, iris=iris,
                                                           extracted_at=EXTRACTED_AT)


# -- N-Quads files ---------------------------------------------------------------------------------------

def write_nquads(path: Path, graphs: Iterator[tuple[str, Graph]]) -> int:
    """Write named graphs as N-Quads; the number of triples."""
    from powkg.store.terms import to_oxigraph

    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as out:
        for name, graph in graphs:
            g = ox.NamedNode(name)
            quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g) for s, p, o in graph]  # type: ignore[arg-type]
            out.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
            count += len(quads)
    return count


_GRAPH_AT_END = re.compile(rb" <([^>]*)> \.\n$")


def read_nquads_by_graph(path: Path) -> dict[str, list[bytes]]:
    """N-Triples lines of each named graph of an N-Quads file written by write_nquads."""
    graphs: dict[str, list[bytes]] = defaultdict(list)
    with path.open("rb") as lines:
        for line in lines:
            match = _GRAPH_AT_END.search(line)
            if match:
                graphs[match.group(1).decode()].append(line[:match.start()] + b" .\n")
    return graphs


def replicate(path: Path, copies: int, out: Path) -> int:
    """The graphs of ``path`` ``copies`` times, each copy with its own facts and articles (its own IRIs
    for exchanges, articles and graphs) and the same vocabulary: the corpus replicated."""
    count = 0
    with path.open("rb") as source:
        data = source.read()
    with out.open("wb") as target:
        for copy in range(copies):
            tag = f"r{copy}".encode()
            text = data if copy == 0 else data.replace(b"/id/exchange/", b"/id/" + tag + b"/exchange/") \
                .replace(b"/id/article/", b"/id/" + tag + b"/article/") \
                .replace(b"/graph/article/", b"/graph/article/" + tag + b"-") \
                .replace(b"_:", b"_:" + tag + b"x")
            target.write(text)
            count += text.count(b"\n")
    return count


def digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]
