"""One sentence read once: its gazetteer mentions, dates, counts and cues, for the assembly step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from ..model import Evidence
from .counting import Count, SentenceView, read_counts
from .dates import DateMention, find_dates
from .language import Language
from .matching import Mention
from .numbers import Number, find_numbers, parse_number
from .segmenting import Sentence

T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 (named as the functools original it stands for)
    """A property computed on first read and kept: functools.cached_property without the lock that
    Python 3.11 takes on every first read (a microsecond and a half, for each cue of each sentence)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@dataclass
class SentenceFacts:
    """What a sentence says. Its cues are read when first asked for: the assembly step asks for
    few of them of most sentences, and each is a search of the whole sentence."""

    sentence: Sentence
    mentions: tuple[Mention, ...]
    dates: tuple[DateMention, ...]
    event_dates: tuple[DateMention, ...]
    counts: list[Count]
    attributed_to: str | None
    russian_side: bool
    text: str = field(repr=False)                  # the article's text
    lang: Language = field(repr=False)
    numbers: tuple[Number, ...] = field(repr=False)
    low: str = field(repr=False)                   # the sentence lowercased, or as written (see read_sentence)

    def says(self, name: str) -> bool:
        """Whether pattern ``name`` of the language is in the sentence (read each time it is asked)."""
        return _cue(name, self.low, self.sentence.text, self.lang)

    @cached_property
    def evidence(self) -> Evidence:
        """The sentence as the evidence of what it states: made once, several facts share it."""
        s = self.sentence
        return Evidence(s.start, s.end, s.text, self.attributed_to)

    @cached_property
    def completed_return(self) -> bool:
        return self.says("completed_return")

    @cached_property
    def exchange_noun(self) -> bool:
        return self.says("exchange_noun")

    @cached_property
    def not_completed(self) -> bool:
        return self.says("not_completed")

    @cached_property
    def past_marker(self) -> bool:
        return self.says("past_marker")

    @cached_property
    def another(self) -> bool:
        return self.says("another_exchange")

    @cached_property
    def aside(self) -> bool:
        return self.says("aside")

    @cached_property
    def cumulative(self) -> bool:
        return _cumulative(self.low, self.lang)

    @cached_property
    def back_to_main(self) -> bool:
        return self.says("back_to_main")

    @cached_property
    def formula(self) -> tuple[int, int, int, int] | None:
        """(value, value, start, end) of 'N for N'."""
        return _formula(self.text, self.sentence, list(self.numbers), self.lang) if self.numbers else None


def _cue(name: str, low: str, text: str, lang: Language) -> bool:
    """Whether cue ``name`` is in a sentence: searched in its lowercase ``low``, unless lowercasing
    changed its length (then ``low`` is ``text`` as written, searched ignoring case)."""
    if low is text:
        return getattr(lang, name).search(text) is not None
    return lang.may_find(name, low) and lang.lowered(name).search(low) is not None


def _implicit_ones(text: str, sentence: Sentence, mentions: tuple[Mention, ...], lang: Language) -> list[Number]:
    """'and a civilian', ', an officer': one person of a category, written with an article."""
    found: list[Number] = []
    # only a person category makes one: without one in the sentence, no need to search it
    if not any(m.term_of("category") is not None for m in mentions) or \
            not lang.finds("implicit_one", text, sentence.start, sentence.end):
        return found
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
    """'86 for 86', 'a 101-for-101 swap', «50 на 50»: (value, value, start, end).

    The formula's first number is a count of the sentence, so the pattern is tried at the start of
    each count only (searching every position of the sentence cost more than the rest of it)."""
    for number in numbers:
        match = lang.formula.match(text, number.start, sentence.end)
        if not match:
            continue
        a = number.value
        b = next((n.value for n in numbers if n.start == match.start("b")), None)
        if b is None:   # '101-for-101': a number glued to a hyphen is no count of its own
            b = parse_number(match.group("b").strip(" ,\u00a0\u202f"), lang.numbers)
        if b is not None:
            return a, b, match.start(), match.end()
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

    russian_side = bool(counts or mentions) and _cue("russian_side", low, sentence.text, lang)
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
        attributed_to=attributed_to, russian_side=russian_side, text=text, lang=lang, numbers=tuple(numbers),
        low=low)
