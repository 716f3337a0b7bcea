"""Measure extracted facts against a gold file: precision, recall and F1 per field.

``evaluate(predicted, gold)`` takes two lists of per-article entries in the schema of the gold files
(the output of ``powkg facts --by-article``, and the gold YAML) and compares them as sets of items:
each field of each exchange contributes items such as ``(article, exchange, "units", ("navy", 24))``.
Predicted exchanges are first aligned to gold exchanges of the same article (by date, then total,
then shared counts), so a fact is only right on the right exchange. An exchange reported in an article
that reports none is a false positive of "exchange found".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("exchange found", "date", "returned total", "units", "nesting", "ranks", "sex", "mediators",
          "locations", "ordinal", "running totals")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    fields: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    missed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    wrong: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    articles: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Score:
        total = Score()
        for score in self.fields.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    def as_json(self) -> dict[str, Any]:
        def score(s: Score) -> dict[str, Any]:
            return {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}

        return {"articles": self.articles, "errors": self.errors,
                "fields": {name: score(s) for name, s in self.fields.items()},
                "overall": score(self.overall),
                "per_article": {a: {"missed": self.missed.get(a, []), "wrong": self.wrong.get(a, [])}
                                for a in sorted(set(self.missed) | set(self.wrong))}}


def exchange_items(exchange: dict[str, Any]) -> set[tuple[str, Any]]:
    """The (field, value) items one exchange entry states."""
    items: set[tuple[str, Any]] = {("exchange found", True)}
    date = exchange.get("date") or exchange.get("month_day")
    if date:
        items.add(("date", str(date)))
    if exchange.get("returned_total") is not None:
        items.add(("returned total", _plain(exchange["returned_total"])))
    for key, value in (exchange.get("units") or {}).items():
        items.add(("units", (key, _plain(value))))
    for nested in exchange.get("nested") or []:
        items.add(("nesting", nested))
    for key, value in (exchange.get("ranks") or {}).items():
        items.add(("ranks", (key, _plain(value))))
    for sex in ("women", "men"):
        if exchange.get(sex) is not None:
            items.add(("sex", (sex, _plain(exchange[sex]))))
    for mediator in exchange.get("mediators") or []:
        items.add(("mediators", mediator))
    for location in exchange.get("locations") or []:
        items.add(("locations", location))
    if exchange.get("ordinal") is not None:
        items.add(("ordinal", _plain(exchange["ordinal"])))
    return items


def _plain(value: Any) -> Any:
    """A conflict (several values in one graph) counts as its values joined: never equal to one gold value."""
    if isinstance(value, dict) and "conflict" in value:
        return tuple(sorted(str(v["value"]) for v in value["conflict"]))
    return value


def _similarity(a: set[tuple[str, Any]], b: set[tuple[str, Any]]) -> float:
    weight = {"date": 4.0, "returned total": 3.0}
    return sum(weight.get(item[0], 1.0) for item in a & b)


def align(predicted: list[set[tuple[str, Any]]], gold: list[set[tuple[str, Any]]]) -> dict[int, int]:
    """Predicted exchange index -> gold exchange index, greedily by shared items."""
    pairs = sorted(((_similarity(p, g), -abs(i - j), i, j) for i, p in enumerate(predicted)
                    for j, g in enumerate(gold)), reverse=True)
    taken_p: set[int] = set()
    taken_g: set[int] = set()
    mapping = {}
    for score, _, i, j in pairs:
        if score <= 1.0 or i in taken_p or j in taken_g:  # sharing only "exchange found" is no match
            continue
        mapping[i] = j
        taken_p.add(i)
        taken_g.add(j)
    return mapping


def evaluate(predicted: Iterable[dict[str, Any]], gold: Iterable[dict[str, Any]]) -> Evaluation:
    result = Evaluation()
    by_id = {entry["id"]: entry for entry in predicted}
    for gold_article in gold:
        article_id = gold_article["id"]
        result.articles += 1
        mine = by_id.get(article_id, {"exchanges": [], "cumulative": []})
        if article_id not in by_id:
            result.errors.append(f"{article_id}: no facts were read for this article")
        gold_items = [exchange_items(e) for e in gold_article.get("exchanges") or []]
        my_items = [exchange_items(e) for e in mine.get("exchanges") or []]
        mapping = align(my_items, gold_items)
        expected = {(j, item) for j, items in enumerate(gold_items) for item in items}
        found = {(mapping.get(i, 1000 + i), item) for i, items in enumerate(my_items) for item in items}
        expected |= {(-1, ("running totals", c["count"])) for c in gold_article.get("cumulative") or []}
        found |= {(-1, ("running totals", c["count"])) for c in mine.get("cumulative") or []}
        for slot, (name, value) in expected | found:
            score = result.fields[name]
            key = (slot, (name, value))
            if key in expected and key in found:
                score.tp += 1
            elif key in found:
                score.fp += 1
                result.wrong[article_id].append(f"{name}: {value!r} (exchange {slot})")
            else:
                score.fn += 1
                result.missed[article_id].append(f"{name}: {value!r} (exchange {slot})")
    return result


def format_table(result: Evaluation) -> str:
    def pct(value: float | None) -> str:
        return "   n/a" if value is None else f"{value:6.3f}"

    lines = [f"{'field':16} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>5} {'fp':>4} {'fn':>4}"]
    for name, s in [*result.fields.items(), ("overall", result.overall)]:
        lines.append(f"{name:16} {pct(s.precision):>9} {pct(s.recall):>7} {pct(s.f1):>6} "
                     f"{s.tp:5d} {s.fp:4d} {s.fn:4d}")
    lines.append(f"{result.articles} articles, {len(result.errors)} in error")
    for article in sorted(set(result.missed) | set(result.wrong)):
        lines.append(f"\n{article}")
        lines.extend(f"  missed  {m}" for m in sorted(result.missed.get(article, [])))
        lines.extend(f"  wrong   {w}" for w in sorted(result.wrong.get(article, [])))
    lines.extend(f"error: {e}" for e in result.errors)
    return "\n".join(lines)
