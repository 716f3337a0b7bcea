"""One sentence read once: its gazetteer mentions, dates, counts and cues, for the assembly step."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .counting import Count, SentenceView, read_counts
from .dates import DateMention, find_dates
from .language import Language
from .matching import Mention
from .numbers import Number, find_numbers, parse_number
from .segmenting import Sentence



@dataclass
class SentenceFacts:
    sentence: Sentence
    mentions: tuple[Mention, ...]
    dates: tuple[DateMention, ...]
    event_dates: tuple[DateMention, ...]
    counts: list[Count]
    attributed_to: str | None
    completed_return: bool
    exchange_noun: bool
    not_completed: bool
    past_marker: bool
    another: bool
    aside: bool
    cumulative: bool
    russian_side: bool
    back_to_main: bool
    formula: tuple[int, int, int, int] | None     # (value, value, start, end) of 'N for N'


def _implicit_ones(text: str, sentence: Sentence, mentions: tuple[Mention, ...], lang: Language) -> list[Number]:
    """'and a civilian', ', an officer': one person of a category, written with an article."""
    found = []
    for match in lang.implicit_one.finditer(text, sentence.start, sentence.end):
        after = match.end()
        mention = next((m for m in mentions if m.start == after or
                        m.start > after and not text[after:m.start].strip(" -").count(" ")
                        and m.start - after < 15), None)
        if mention is not None and mention.term_of("category") is not None:
            found.append(Number(1, match.start("a"), match.end("a"), match.group("a"), True))
    return found


def _event_dates(text: str, sentence: Sentence, dates: list[DateMention], lang: Language) -> list[DateMention]:
    kept = []
    for mention in dates:
        before = text[max(sentence.start, mention.start - 40):mention.start]
        if lang.not_event_date.search(before):
            continue
        if mention.value is None and mention.month_day is None and not mention.relative:
            continue
        kept.append(mention)
    return kept


def _cumulative(text: str, sentence: Sentence, lang: Language) -> bool:
    cues = list(lang.cumulative.finditer(text, sentence.start, sentence.end))
    if not cues:
        return False
    neutral = [m.span() for m in lang.superlative_since.finditer(text, sentence.start, sentence.end)]
    return any(not any(s <= cue.start() < e or s <= cue.end() - 1 < e for s, e in neutral) for cue in cues)


def _formula(text: str, sentence: Sentence, numbers: list[Number], lang: Language
             ) -> tuple[int, int, int, int] | None:
    """'86 for 86', 'a 101-for-101 swap', «50 на 50»: (value, value, start, end)."""
    position = sentence.start
    while position < sentence.end:
        match = lang.formula.search(text, position, sentence.end)
        if not match:
            return None
        a = next((n.value for n in numbers if n.start == match.start("a")), None)
        b = next((n.value for n in numbers if n.start == match.start("b")), None)
        if b is None:   # '101-for-101': a number glued to a hyphen is no count of its own
            b = parse_number(match.group("b").strip(" ,\u00a0\u202f"), lang.numbers)
        if a is not None and b is not None:
            return a, b, match.start(), match.end()
        position = match.start() + 1
    return None


def read_sentence(text: str, sentence: Sentence, mentions: tuple[Mention, ...], published: date | None,
                  lang: Language, attributed_to: str | None) -> SentenceFacts:
    """What one sentence says; ``mentions`` are the gazetteer mentions inside it."""
    s, e = sentence.start, sentence.end
    dates = find_dates(text, published, s, e)
    date_spans = [(d.start, d.end) for d in dates]
    numbers = [n for n in find_numbers(text, s, e, words=lang.numbers)
               if not any(ds <= n.start < de for ds, de in date_spans)]
    numbers = sorted(numbers + _implicit_ones(text, sentence, mentions, lang), key=lambda n: n.start)
    view = SentenceView(text, s, e, mentions, tuple(numbers))
    counts = read_counts(view, lang)
    russian_side = bool(lang.russian_side.search(text, s, e))
    if russian_side:   # what the Russian side says it got back: none of it is Ukrainian returnees
        for count in counts:
            if count.kind != "dead":
                count.kind = "russian"
    if counts and counts[0].kind == "dead":   # 'The remains of three people ...: two foreigners and one woman'
        for count in counts:
            count.kind = "dead"
    return SentenceFacts(
        sentence=sentence, mentions=mentions, dates=tuple(dates),
        event_dates=tuple(_event_dates(text, sentence, dates, lang)), counts=counts,
        attributed_to=attributed_to,
        completed_return=bool(lang.completed_return.search(text, s, e)),
        exchange_noun=bool(lang.exchange_noun.search(text, s, e)),
        not_completed=bool(lang.not_completed.search(text, s, e)),
        past_marker=bool(lang.past_marker.search(sentence.text)),
        another=bool(lang.another_exchange.search(sentence.text)),
        aside=bool(lang.aside.match(sentence.text)),
        cumulative=_cumulative(text, sentence, lang),
        russian_side=russian_side,
        back_to_main=bool(lang.back_to_main.search(text, s, e)),
        formula=_formula(text, sentence, numbers, lang),
    )
