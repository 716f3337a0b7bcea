"""From sentences to exchanges: which exchange each sentence talks about, and what it says of it.

The first sentence that reports a completed return or exchange opens the article's main exchange.
A sentence with a date of its own and an exchange cue ('The previous exchange ... took place on
January 31', 'On April 19, ... Ukraine got back 76 people') opens an exchange mentioned in passing,
and the sentences after it stay with it until a sentence turns back to the main one (its date,
'this exchange', 'today'). 'Separately, ...' sets a sentence aside. Dates that belong to other
events ('abducted on March 11', 'as of March 19') are never exchange dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Evidence
from .counting import Count
from .dates import DateMention
from .language import Language
from .sentences import SentenceFacts


@dataclass
class Draft:
    """An exchange while it is being read."""

    opened_by: SentenceFacts
    passing: bool
    previous_marker: bool = False
    date: DateMention | None = None
    date_facts: SentenceFacts | None = None
    sentences: list[SentenceFacts] = field(default_factory=list)
    discriminator: str | None = None

    def same_day(self, mention: DateMention) -> bool:
        if self.date is None:
            return False
        if self.date.value is not None and mention.value is not None:
            return self.date.value == mention.value
        if self.date.month_day is not None and mention.month_day is not None:
            return self.date.month_day == mention.month_day
        return self.date.text.lower() == mention.text.lower()


# Returns of these alone are no exchange of prisoners ('11 deported children were brought back').
NOT_PRISONERS = frozenset({"children"})


def _reports_exchange(facts: SentenceFacts, lang: Language) -> bool:
    people = [c for c in facts.counts if c.kind not in ("russian", "dead") and c.key not in NOT_PRISONERS]
    # '115 Russian servicemen were returned on 24 August': the other side of the swap dates it too
    russians = facts.event_dates and any(c.kind == "russian" for c in facts.counts)
    reports = facts.completed_return and (people or facts.exchange_noun or russians) or \
        (facts.exchange_noun or facts.event_dates or people) and \
        (facts.says("completed_exchange") or facts.says("took_place")) or facts.formula
    # ... unless it has not happened, or is a running total with no date of its own (asked last: most
    # sentences report nothing, and these are searches of the whole sentence)
    return bool(reports) and not (facts.not_completed or facts.cumulative and not facts.event_dates)


def _is_dead_only(facts: SentenceFacts, lang: Language) -> bool:
    return not any(c.kind in ("people", "military", "unit", "category") for c in facts.counts) and \
        facts.says("dead")


def _returnees(facts: SentenceFacts) -> bool:
    """Whether a sentence counts people who came back (not Russians, not the dead, not bare numbers)."""
    return any(c.kind in ("people", "military", "unit", "category") for c in facts.counts) or bool(facts.formula)


def _open(drafts: list[Draft], facts: SentenceFacts, passing: bool, date: DateMention | None,
          lang: Language) -> int:
    previous = passing and facts.says("previous_exchange")
    draft = Draft(opened_by=facts, passing=passing, previous_marker=previous,
                  date=date, date_facts=facts if date else None)
    drafts.append(draft)
    return len(drafts) - 1


def _target(drafts: list[Draft], facts: SentenceFacts, current: int | None, lang: Language) -> int | None:
    """The index of the exchange a sentence is about (opening one if it reports a new one)."""
    reports = _reports_exchange(facts, lang) and not _is_dead_only(facts, lang)
    date = facts.event_dates[0] if facts.event_dates else None
    main = drafts[0] if drafts else None
    if facts.aside:
        # 'Separately, ...' is about something else, unless it reports a swap of its own
        if reports and main is not None and facts.exchange_noun and _returnees(facts):
            return _open(drafts, facts, True, date, lang)
        return None
    if reports and date is not None:
        if facts.another:
            return _open(drafts, facts, main is not None, date, lang)
        for index, draft in enumerate(drafts):
            if draft.same_day(date):
                return index
        if main is None and not facts.past_marker:
            return _open(drafts, facts, False, date, lang)
        if main is not None and main.date is None and not facts.past_marker and current == 0:
            main.date, main.date_facts = date, facts
            return 0
        return _open(drafts, facts, True, date, lang)
    if reports and facts.past_marker and main is not None:
        # 'The previous swap freed 52 people': one of its own; 'Earlier swaps took place in May': none
        return _open(drafts, facts, True, None, lang) if _returnees(facts) else None
    if reports and main is None:
        return _open(drafts, facts, False, date, lang)
    if date is not None and main is not None and main.same_day(date):
        return 0
    if facts.back_to_main and main is not None and not facts.past_marker:
        return 0
    return current


def assign(sentences: list[SentenceFacts], lang: Language, title_line: int | None) -> list[Draft]:
    """The exchanges of an article, each with the sentences about it, the main one first."""
    drafts: list[Draft] = []
    current: int | None = None
    aside_line: int | None = None
    for facts in sentences:
        sentence = facts.sentence
        if sentence.line == title_line:
            continue
        if aside_line is not None and sentence.line != aside_line:
            aside_line, current = None, (0 if drafts else None)
        if sentence.heading:
            current = None if facts.past_marker or sentence.text.lower().startswith(("background", "earlier")) \
                else (0 if drafts else None)
            continue
        target = _target(drafts, facts, current, lang)
        if facts.aside:
            aside_line = sentence.line
        current = target
        if target is not None:
            draft = drafts[target]
            draft.sentences.append(facts)
            if draft.date is None and target == 0 and facts.event_dates and _reports_exchange(facts, lang):
                draft.date, draft.date_facts = facts.event_dates[0], facts
    for index, draft in enumerate(drafts):
        if index and any(d.date is not None and draft.date is not None and d.same_day(draft.date)
                         for d in drafts[:index]):
            draft.discriminator = _discriminator(draft, index)
    return drafts


def _discriminator(draft: Draft, index: int) -> str:
    places = [m.term_of("place") for m in draft.opened_by.mentions if m.term_of("place")]
    return f"{places[0].key}-local" if places and places[0] else f"exchange-{index + 1}"


def evidence_of(facts: SentenceFacts) -> Evidence:
    return facts.evidence


def phrase_evidence(text: str, facts: SentenceFacts, count: Count) -> Evidence:
    start, end = count.span
    start = max(start, facts.sentence.start)
    end = min(max(end, count.number.end), facts.sentence.end)
    while end > start and text[end - 1] in " ,;:(":
        end -= 1
    return Evidence(start, end, text[start:end], facts.attributed_to)
