"""One sentence read once: its gazetteer mentions, dates, counts and cues, for the assembly step."""

from __future__ import annotations

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


def _cumulative(low: str, lang: Language) -> bool:
    cues = list(lang.lowered("cumulative").finditer(low))
    if not cues:
        return False
    neutral = [m.span() for m in lang.lowered("superlative_since").finditer(low)]
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
                  lang: Language, attributed_to: str | None,
                  dates: list[DateMention] | None = None) -> SentenceFacts:
    """What one sentence says; ``mentions`` are the gazetteer mentions inside it, ``dates`` the dates
    (found in the sentence when not given)."""
    s, e = sentence.start, sentence.end
    if dates is None:
        dates = find_dates(text, published, s, e)
    date_spans = [(d.start, d.end) for d in dates]
    numbers = [n for n in find_numbers(text, s, e, words=lang.numbers)
               if not any(ds <= n.start < de for ds, de in date_spans)]
    numbers = sorted(numbers + _implicit_ones(text, sentence, mentions, lang), key=lambda n: n.start)
    view = SentenceView(text, s, e, mentions, tuple(numbers))
    counts = read_counts(view, lang)
    low = sentence.text.lower()
    if len(low) != len(sentence.text):   # a letter whose lowercase is longer: keep the original
        low = sentence.text

    def cue(name: str) -> bool:
        pattern = lang.lowered(name) if low is not sentence.text else getattr(lang, name)
        return bool(pattern.search(low))

    russian_side = bool(counts or mentions) and cue("russian_side")
    if russian_side:   # what the Russian side says it got back: none of it is Ukrainian returnees
        for count in counts:   # ... but 'переданы 90 военнопленных ВСУ' names a Ukrainian unit
            if count.kind not in ("dead", "unit"):
                count.kind = "russian"
    if counts and counts[0].kind == "dead":   # 'The remains of three people ...: two foreigners and one woman'
        for count in counts:
            count.kind = "dead"
    return SentenceFacts(
        sentence=sentence, mentions=mentions, dates=tuple(dates),
        event_dates=tuple(_event_dates(text, sentence, dates, lang)), counts=counts,
        attributed_to=attributed_to,
        completed_return=cue("completed_return"),
        exchange_noun=cue("exchange_noun"),
        not_completed=cue("not_completed"),
        past_marker=cue("past_marker"),
        another=cue("another_exchange"),
        aside=cue("aside"),
        cumulative=_cumulative(low, lang),
        russian_side=russian_side,
        back_to_main=cue("back_to_main"),
        formula=_formula(text, sentence, numbers, lang) if len(numbers) > 1 or
        numbers and lang.formula.search(text, s, e) else None,
    )
