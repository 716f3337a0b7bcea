"""Per-field precision and recall of the extractor against a gold file (the schema of
``shared/corpus/gold.yaml``): a developer's measuring tape, not part of the pipeline.

    python -m powkg.extraction.scoring ../shared/corpus/gold.yaml --language en

Exchanges are paired main with main, then by date, month-day or total; each field of a pair
counts its items (a total, a unit count, a nesting, a location) as found, missed or wrong. Items of
exchanges that pair with nothing count as wrong (extracted) or missed (gold).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model import Exchange, Facts
from ..vocabulary import Gazetteer

FIELDS = ("exchange", "date", "returned_total", "units", "nested", "ranks", "sex", "mediators", "locations",
          "ordinal", "ages", "running_totals")
UNIT_CATEGORIES = frozenset({"civilians", "military"})


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, predicted: set[Any], gold: set[Any], where: str) -> None:
        self.tp[name] += len(predicted & gold)
        self.fp[name] += len(predicted - gold)
        self.fn[name] += len(gold - predicted)
        for item in sorted(map(str, predicted - gold)):
            self.misses.append(f"{where} {name} wrong: {item}")
        for item in sorted(map(str, gold - predicted)):
            self.misses.append(f"{where} {name} missed: {item}")

    def precision(self, name: str) -> float:
        found = self.tp[name] + self.fp[name]
        return self.tp[name] / found if found else 1.0

    def recall(self, name: str) -> float:
        wanted = self.tp[name] + self.fn[name]
        return self.tp[name] / wanted if wanted else 1.0

    def table(self) -> str:
        lines = [f"{'field':16} {'P':>6} {'R':>6}  tp/fp/fn"]
        for name in FIELDS:
            lines.append(f"{name:16} {self.precision(name):6.2f} {self.recall(name):6.2f}  "
                         f"{self.tp[name]}/{self.fp[name]}/{self.fn[name]}")
        return "\n".join(lines)


def _label_key(gazetteer: Gazetteer, label: str, kind: str) -> str:
    terms = [t for t in gazetteer.lookup(label) if t.kind == kind]
    return terms[0].key if terms else label.lower().replace(" ", "_")


def _cohort_name(cohort: Any) -> str | None:
    if cohort.unit:
        return str(cohort.unit)
    if cohort.category in UNIT_CATEGORIES:
        return str(cohort.category)
    if cohort.defended or cohort.captured:
        return f"location:{cohort.defended or cohort.captured}"
    return None


def predicted_items(exchange: Exchange) -> dict[str, set[Any]]:
    names = [_cohort_name(c) for c in exchange.cohorts]
    items: dict[str, set[Any]] = {name: set() for name in FIELDS}
    day = exchange.date.value.isoformat() if exchange.date else (
        "--{:02d}-{:02d}".format(*exchange.month_day.value) if exchange.month_day else None)
    items["date"] = {day} if day else set()
    items["returned_total"] = {exchange.returned_total.value} if exchange.returned_total else set()
    items["units"] = {(n, c.count.value) for n, c in zip(names, exchange.cohorts, strict=True)
                      if n is not None and not n.startswith("location:")}
    items["nested"] = {f"{name} in {names[c.part_of]}" for name, c in zip(names, exchange.cohorts, strict=True)
                       if c.part_of is not None and name is not None and not name.startswith("location:")
                       and names[c.part_of]}
    items["ranks"] = {(c.category, c.count.value) for c in exchange.cohorts
                      if c.category in ("officers", "enlisted_and_sergeants")}
    items["sex"] = {(c.category, c.count.value) for c in exchange.cohorts
                    if c.category in ("women", "men") and c.part_of is None}
    items["mediators"] = {m.value for m in exchange.mediators}
    items["locations"] = {p.value for p in exchange.locations_defended + exchange.places_captured} | {
        c.defended or c.captured for c in exchange.cohorts if c.defended or c.captured}
    items["ordinal"] = {exchange.ordinal.value} if exchange.ordinal else set()
    items["ages"] = {(k, a.value) for k, a in (("oldest_age", exchange.oldest_age),
                                               ("youngest_age", exchange.youngest_age)) if a}
    return items


def gold_items(gold: dict[str, Any], gazetteer: Gazetteer) -> dict[str, set[Any]]:
    items: dict[str, set[Any]] = {name: set() for name in FIELDS}
    day = gold.get("date") or gold.get("month_day")
    items["date"] = {str(day)} if day else set()
    items["returned_total"] = {gold["returned_total"]} if gold.get("returned_total") is not None else set()
    items["units"] = {(k, v) for k, v in (gold.get("units") or {}).items()}
    items["nested"] = {n.replace("location:", "location:").lower() for n in gold.get("nested") or []
                       if not n.startswith("location:")}
    items["nested"] = {_nest_keys(n, gazetteer) for n in items["nested"]}
    items["ranks"] = {(k, v) for k, v in (gold.get("ranks") or {}).items() if v is not None}
    items["sex"] = {(k, gold[k]) for k in ("women", "men") if gold.get(k) is not None}
    items["mediators"] = {_label_key(gazetteer, m, "agent") for m in gold.get("mediators") or []}
    items["locations"] = {_label_key(gazetteer, p, "place") for p in gold.get("locations") or []}
    items["ordinal"] = {gold["ordinal"]} if gold.get("ordinal") else set()
    others = gold.get("other_counts") or {}
    items["ages"] = {(k, others[k]) for k in ("oldest_age", "youngest_age") if k in others}
    return items


def _nest_keys(nested: str, gazetteer: Gazetteer) -> str:
    child, _, parent = nested.partition(" in ")
    if parent.startswith("location:"):
        parent = "location:" + _label_key(gazetteer, parent.split(":", 1)[1], "place")
    return f"{child} in {parent}"


def _pair(predicted: list[dict[str, set[Any]]], gold: list[dict[str, set[Any]]]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    if predicted and gold:
        pairs.append((0, 0))
    for key in ("date", "returned_total"):
        for gi, g in enumerate(gold):
            if any(p[1] == gi for p in pairs) or not g[key]:
                continue
            for pi, p in enumerate(predicted):
                if any(q[0] == pi for q in pairs):
                    continue
                if p[key] == g[key]:
                    pairs.append((pi, gi))
                    break
    return pairs


def score_article(facts: Facts, gold: dict[str, Any], gazetteer: Gazetteer, score: Score) -> None:
    where = gold["id"]
    predicted = [predicted_items(e) for e in facts.exchanges]
    wanted = [gold_items(g, gazetteer) for g in gold.get("exchanges") or []]
    pairs = _pair(predicted, wanted)
    score.add("exchange", {f"#{gi}" for _, gi in pairs} | {f"extra{pi}" for pi in range(len(predicted))
                                                          if all(p[0] != pi for p in pairs)},
              {f"#{gi}" for gi in range(len(wanted))}, where)
    empty: dict[str, set[Any]] = {name: set() for name in FIELDS}
    matched_p, matched_g = {p for p, _ in pairs}, {g for _, g in pairs}
    combos = pairs + [(pi, None) for pi in range(len(predicted)) if pi not in matched_p] + \
        [(None, gi) for gi in range(len(wanted)) if gi not in matched_g]
    for pi, gi in combos:
        p = predicted[pi] if pi is not None else empty
        g = wanted[gi] if gi is not None else empty
        for name in FIELDS[1:-1]:
            score.add(name, p[name], g[name], f"{where}[{pi}/{gi}]")
    score.add("running_totals", {t.count.value for t in facts.running_totals},
              {c["count"] for c in gold.get("cumulative") or []}, where)


def score_corpus(gold_path: Path, gazetteer: Gazetteer, *, language: str | None = "en",
                 articles_dir: Path | None = None) -> tuple[Score, float]:
    """The score over every article of ``gold_path`` (of ``language``), and articles per second."""
    from ..reading import read_article
    from . import extract_facts

    entries = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    base = articles_dir or gold_path.parent
    score = Score()
    chosen = [e for e in entries if language is None or e.get("language") == language]
    started = time.perf_counter()
    results = []
    for entry in chosen:
        article = read_article(base / entry["file"])
        results.append((extract_facts(article, gazetteer), entry))
    elapsed = time.perf_counter() - started
    for facts, entry in results:
        score_article(facts, entry, gazetteer, score)
    return score, len(chosen) / elapsed if elapsed else float("inf")


def main(argv: Iterable[str] | None = None) -> int:
    from ..settings import load_settings
    from ..vocabulary import load_gazetteer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--language", default="en")
    parser.add_argument("--misses", action="store_true", help="list every wrong and missed item")
    args = parser.parse_args(list(argv) if argv is not None else None)
    gazetteer = load_gazetteer(load_settings().ontology_dir)
    score, rate = score_corpus(args.gold, gazetteer, language=args.language or None)
    print(score.table())
    print(f"articles/second (read + extract): {rate:.0f}")
    if args.misses:
        print("\n".join(score.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
