"""Running totals: '3,956 returned since the full-scale invasion', '562 Russian soldiers held as of
March 19', 'the remains of 1,832 defenders'. Each is a claim with a count, a scope, an as-of point,
a measure and a speaker; it never becomes a fact of an exchange.
"""

from __future__ import annotations

from datetime import date

from ..model import Evidence, RunningTotal, Stated
from .assembling import NOT_PRISONERS
from .language import Language
from .sentences import SentenceFacts


def _scope(text: str, lang: Language) -> str:
    scope = text.strip().strip('"“”«»').strip()
    scope = lang.trailing_attribution.sub("", scope).strip().strip('"“”«»,.').strip()
    return scope


def _measure(facts: SentenceFacts, kind: str, lang: Language, text: str) -> str:
    s = facts.sentence
    if kind == "dead" or lang.dead.search(text, s.start, s.end) and not lang.completed_return.search(
            text, s.start, s.end):
        return "bodies_repatriated"
    held = lang.held.search(text, s.start, s.end) and not lang.completed_return.search(text, s.start, s.end)
    if kind == "russian":
        return "russian_pows_held" if held else "russians_returned"
    return "held_in_captivity" if held else "returned"


def _as_of(facts: SentenceFacts, text: str, lang: Language, published: date | None) -> date | None:
    for mention in facts.dates:
        if lang.as_of.search(text[max(0, mention.start - 10):mention.start]) and mention.value:
            return mention.value
    return published


def running_totals(facts: SentenceFacts, text: str, lang: Language, published: date | None,
                   exchange: int | None) -> list[RunningTotal]:
    """The running totals a cumulative sentence states (none for any other sentence)."""
    if not facts.counts or not facts.cumulative:   # no count, no total: the cue need not be searched
        return []
    s = facts.sentence
    found = []
    for count in facts.counts:
        if count.key in NOT_PRISONERS:   # '388 children have been returned': not a count of prisoners
            continue
        if count.value < 10 or count.ref is not None and count.ref != "whole" or count.nested and count.value < 10:
            continue
        if any(d.start <= count.number.start + 60 and d.end >= count.number.start - 60 and d.value
               and not lang.as_of.search(text[max(0, d.start - 10):d.start]) and d in facts.event_dates
               and not d.relative for d in facts.dates):
            continue   # 'including 189 released on December 30': an exchange's count, not a total
        measure = _measure(facts, count.kind, lang, text)
        if measure == "russians_returned":
            continue
        evidence = Evidence(s.start, s.end, s.text, facts.attributed_to)
        scope = _scope(s.text, lang)
        # a part of a total ('2,430 ..., including 139 civilians') does not count from the same point
        since = None if count.nested or count.ref is not None else lang.since_key(scope)
        found.append(RunningTotal(
            count=Stated(count.value, evidence, count.qualifier),
            scope=scope, measure=measure, since=since, as_of=_as_of(facts, text, lang, published),
            after_exchange=exchange))
    return found


def merge_totals(totals: list[RunningTotal]) -> tuple[RunningTotal, ...]:
    """One claim per (count, measure); where the article states it twice, the attributed one."""
    kept: dict[tuple[int, str], RunningTotal] = {}
    for total in totals:
        key = (total.count.value, total.measure)
        if key not in kept or kept[key].count.evidence.attributed_to is None and total.count.evidence.attributed_to:
            kept[key] = total
    return tuple(kept.values())
