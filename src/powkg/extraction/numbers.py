"""Numbers as the press writes them: digits with separators, and number words.

``parse_number('2,430') == 2430``, ``parse_number('1 138') == 1138``,
``parse_number('one hundred and eight') == 108``, ``parse_number('Forty-five') == 45``,
``parse_number('Сорок пять', RUSSIAN_NUMBERS) == 45``.
``find_numbers(text)`` yields every number of a text with its offsets; years, times, dates and
ordinals are not counts and are left out ('in 2022', '16:40', '24.02', '11th'), but a number that
looks like a year and counts people is kept ('понад 2000 українців').

Number words are per language (``NumberWords``): English words are read by a small grammar over a
regular expression; Ukrainian and Russian words inflect ('двох', 'трьома', 'сорока'), so their
tables are the paradigms of the nominative numerals, generated once with pymorphy3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .morphology import normalise, paradigm
from .prefilter import required_words

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000}
# Words that stand for a count of their own.
_COLLECTIVE = {"dozen": 12}

WORD_VALUES = {**_UNITS, **_TENS, **_SCALES, **_COLLECTIVE}

# Digits: '2,430', '1 138' (space, no-break or thin space between groups of three), '3135', '1.358'
# is not accepted (a decimal point in English, a thousands point nowhere in this genre).
_DIGITS = r"\d{1,3}(?:(?:,|[ \u00a0\u202f\u2009])\d{3})+(?!\d)|\d+"
_SIMPLE = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_WORD = rf"(?:{_SIMPLE})(?:[-\s](?:{'|'.join(_UNITS)}))?"
_WORDS = (rf"(?:\b(?:a|an|one)\s+)?(?:(?:{_WORD}|a|an)\s+)?(?:hundred|thousand)"
          rf"(?:\s+(?:and\s+)?{_WORD})?|{_WORD}")
NUMBER = re.compile(rf"(?<![\w.,:/-])(?:(?P<digits>{_DIGITS})|(?P<words>\b(?:{_WORDS})\b))(?![\w:/])",
                    re.IGNORECASE)
# The same, for lowercase text (Python's engine is several times faster without IGNORECASE).
_NUMBER_LOWER = re.compile(NUMBER.pattern)
# Where such a number can start: a digit, or a word a number's first word can be ('one', 'forty',
# 'a' hundred), with what NUMBER requires before it. Searched for first, NUMBER is then matched
# there only: trying all of NUMBER at every position of a sentence cost more.
_FIRST_WORDS = sorted(set(_UNITS) | set(_TENS) | set(_SCALES) | {"a", "an"}, key=len, reverse=True)
_NUMBER_START = re.compile(rf"(?<![\w.,:/-])(?:\d|(?:{'|'.join(_FIRST_WORDS)})\b)")
DIGITS = re.compile(rf"(?<![\w.,:/-])(?P<digits>{_DIGITS})(?![\w:/])")
_WORD_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
# Digits before a word for thousands: '8 тисяч', '3,5 тысячи', '8 thousand'.
_SCALED = re.compile(r"(?<![\w.,])(?P<int>\d{1,3})(?:[.,](?P<dec>\d{1,2}))?\s+(?:thousand|тис(?:\.|яч\w*)|"
                     r"тыс(?:\.|яч\w*))(?!\w)", re.IGNORECASE)
_ANY_DIGIT = re.compile(r"\d")
# The words for thousands one of which every match of _SCALED has (in lowercase text): a fast scan.
_THOUSANDS = re.compile("|".join(required_words(_SCALED.pattern)))
_NOT_DIGIT = re.compile(r"\D")
_WHOLE_DIGITS = re.compile(_DIGITS)
_WORD_SEPARATOR = re.compile(r"[\s-]+")
# Every English number the pattern reads has one of these as a word of its own.
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES)
_ASCII_WORDS = re.compile(r"[a-z]+")
# A digit run that is part of a date, a time or a decimal, or an ordinal: never a number of anything.
_NOT_A_NUMBER_AFTER = re.compile(r"(?:[.:,]\d|st\b|nd\b|rd\b|th\b|-?(?:й|го|ий|ій|му|я|е|ї)\b|%)", re.IGNORECASE)


@dataclass(frozen=True)
class NumberWords:
    """The number words of one language and the words around a number that say it counts no one.

    ``values`` maps nominative numerals to their values ('сорок': 40, 'троє': 3); with
    ``morphology`` set, every inflected form of them counts too ('сорока', 'трьох').
    """

    code: str
    values: Mapping[str, int] = field(default_factory=dict)
    morphology: str | None = None
    # a duration or a measure right after the number ('62 years', 'вісім місяців'): not a count
    measure_after: re.Pattern[str] = re.compile(r"(?!)")
    # (end) a number word with the words right before it that make it no count ('no one', 'ще один')
    not_a_count: re.Pattern[str] = re.compile(r"(?!)")
    # words after a number that looks like a year and show it counts people ('2000 Ukrainians')
    people_after: re.Pattern[str] = re.compile(r"(?!)")
    # words right before a number that hedge it, showing it is a count and not a year ('over 2000')
    hedge_before: re.Pattern[str] = re.compile(r"(?!)")

    @cached_property
    def forms(self) -> dict[str, int]:
        """Every form of every number word -> its value."""
        table: dict[str, int] = {}
        for word, value in self.values.items():
            forms = paradigm(word, self.morphology, "NUMR", same_number=False) if self.morphology \
                else {normalise(word)}
            if self.morphology and value >= 100:
                forms = forms | paradigm(word, self.morphology, "NOUN", same_number=False)
            for form in forms:
                table.setdefault(form, value)
        for word, value in self.values.items():   # a nominative never loses to another word's form
            table[normalise(word)] = value
        return table

    def parse(self, text: str) -> int | None:
        """The value of a run of number words ('сорок п'ять', 'сто вісім', 'тисяча сто')."""
        values = [self.forms.get(normalise(t)) for t in _WORD_TOKEN.findall(text)]
        if not values or any(v is None for v in values):
            return None
        return _compose([v for v in values if v is not None])


def _compose(values: list[int]) -> int | None:
    """Hundreds, tens and units in falling order, and a thousands group before them."""
    total, group, last = 0, 0, 10_000
    for value in values:
        if value == 1000:
            total, group, last = total + max(group, 1) * 1000, 0, 1000
            continue
        size = 100 if value >= 100 else 10 if value >= 20 else 1
        if size >= last or (group and size == 1 and group % 10):
            return None
        group, last = group + value, size
    return total + group


ENGLISH_NUMBERS = NumberWords(
    code="en",
    measure_after=re.compile(r"(?:-year|-month|-day|-week|\s*(?:and\s+a\s+half\s+)?(?:years?\b|km\b|kilomet|"
                             r"hours?\b|minutes?\b|days?\b|months?\b|weeks?\b|per\s*cent|percent))", re.IGNORECASE),
    not_a_count=re.compile(r"\b(?:no|any|every|each|the|this|that|which|one\s+by|no\s+other)\s+[a-z]+(?:-[a-z]+)?$",
                           re.IGNORECASE),
    people_after=re.compile(r"\s+(?:[A-Z]?[a-z]+\s+)?(?:people|persons|prisoners|soldiers|servicem[ae]n|"
                            r"service\s+members|ukrainians|defenders|civilians|pows|captives|citizens)\b",
                            re.IGNORECASE),
    hedge_before=re.compile(r"\b(?:more\s+than|over|nearly|almost|about|around|at\s+least|some|"
                            r"no\s+fewer\s+than|up\s+to)\s+$", re.IGNORECASE),
)


@dataclass(frozen=True, slots=True)
class Number:
    value: int
    start: int
    end: int
    text: str
    words: bool            # written as words ('Forty-five'), not digits


def parse_words(text: str) -> int | None:
    """'one hundred and eight' -> 108; 'Fifty-two' -> 52; 'a hundred' -> 100; None if not a number."""
    total = current = 0
    seen = False
    for token in _WORD_SEPARATOR.split(text.lower().strip()):
        if token in ("and", ""):
            continue
        if token in ("a", "an"):
            current = max(current, 1)
            continue
        if token in _UNITS or token in _TENS or token in _COLLECTIVE:
            current += WORD_VALUES[token]
        elif token in _SCALES:
            current = max(current, 1) * _SCALES[token]
            if token == "thousand":
                total, current = total + current, 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_number(text: str, words: NumberWords | None = None) -> int | None:
    """A count written as digits (with thousands separators) or as words; None if it is not one."""
    stripped = text.strip()
    if _WHOLE_DIGITS.fullmatch(stripped):
        return int(_NOT_DIGIT.sub("", stripped))
    if words is not None and words.morphology:
        return words.parse(stripped)
    return parse_words(stripped)


def _is_year(value: int, raw: str, text: str, start: int, end: int, words: NumberWords) -> bool:
    """A four-digit number of 1900-2100 is a year, unless it is hedged or counts people."""
    if not (raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2100):
        return False
    if words.hedge_before.search(text, max(0, start - 25), start):
        return False
    return not words.people_after.match(text, end, end + 40)


def _word_runs(text: str, start: int, stop: int, words: NumberWords) -> Iterator[Number]:
    """Runs of inflected number words ('сорок п'ять', 'двоє', 'трьох')."""
    table = words.forms
    run: list[re.Match[str]] = []

    def flush() -> Iterator[Number]:
        while run:
            value = _compose([table[normalise(m.group(0))] for m in run])
            if value is not None:
                first, last = run[0], run[-1]
                yield Number(value, first.start(), last.end(), text[first.start():last.end()], True)
                run.clear()
            else:  # not one number: the first word on its own, then the rest
                head = run.pop(0)
                yield Number(table[normalise(head.group(0))], head.start(), head.end(), head.group(0), True)

    for match in _WORD_TOKEN.finditer(text, start, stop):
        if normalise(match.group(0)) not in table:
            if run:
                yield from flush()
            continue
        if run and text[run[-1].end():match.start()].strip():
            yield from flush()
        run.append(match)
    yield from flush()


def _english_numbers(lower: str) -> Iterator[re.Match[str]]:
    """``_NUMBER_LOWER.finditer(lower)``: the same matches, NUMBER tried only where one can start."""
    position = 0
    while (start := _NUMBER_START.search(lower, position)) is not None:
        match = _NUMBER_LOWER.match(lower, start.start())
        if match is None:
            position = start.start() + 1
            continue
        yield match
        position = match.end()


def _scaled(match: re.Match[str]) -> Number:
    decimals = match.group("dec") or ""
    value = int(match.group("int")) * 1000 + (int(decimals) * 1000 // 10 ** len(decimals) if decimals else 0)
    return Number(value, match.start(), match.end(), match.group(0), True)


def find_numbers(text: str, start: int = 0, end: int | None = None, *,
                 measures: bool = False, words: NumberWords = ENGLISH_NUMBERS) -> Iterator[Number]:
    """Counts in ``text[start:end]`` with offsets into ``text``, in text order.

    Years, times, dates, decimals and ordinals are left out; so are durations and measures
    ('62 years', 'eight months') unless ``measures`` is true (ages are read that way).
    """
    stop = len(text) if end is None else end
    found: list[Number] = []
    lower = text[start:stop].lower()
    same_length = len(lower) == stop - start
    digit = _ANY_DIGIT.search(text, start, stop) is not None
    if words.morphology or not same_length:
        shift, matches = 0, (DIGITS if words.morphology else NUMBER).finditer(text, start, stop)
    elif digit or not _NUMBER_WORDS.isdisjoint(_ASCII_WORDS.findall(lower)):
        # English words are matched in lowercase; offsets are the same
        shift, matches = start, _english_numbers(lower)
    else:   # no digit and no number word: nothing for the pattern to find (most sentences)
        shift, matches = start, iter(())
    for match in matches:
        raw = text[match.start() + shift:match.end() + shift]
        begin, finish = match.start() + shift, match.end() + shift
        if match.group("digits"):
            if _NOT_A_NUMBER_AFTER.match(text, finish):
                continue
            value = int(_NOT_DIGIT.sub("", raw))
            if _is_year(value, raw, text, begin, finish, words):
                continue
            found.append(Number(value, begin, finish, raw, False))
        else:
            worded = parse_words(raw)
            if worded is not None:
                found.append(Number(worded, begin, finish, raw, True))
    if words.morphology:
        found.extend(_word_runs(text, start, stop, words))
    # digits before a word for thousands: none without a digit and that word (most sentences)
    scaled = [_scaled(m) for m in _SCALED.finditer(text, start, stop)] \
        if digit and (_THOUSANDS.search(lower) or not same_length) else []
    if scaled:
        found = [n for n in found if not any(s.start <= n.start < s.end for s in scaled)] + scaled
    found.sort(key=lambda n: n.start)
    for number in found:
        if not measures and words.measure_after.match(text, number.end):
            continue
        if number.words and words.not_a_count.search(text, max(start, number.start - 20), number.end):
            continue
        yield number
