"""Numbers as the press writes them: digits with separators, and number words.

``parse_number('2,430') == 2430``, ``parse_number('1 138') == 1138``,
``parse_number('one hundred and eight') == 108``, ``parse_number('Forty-five') == 45``.
``find_numbers(text)`` yields every number of a text with its offsets; years, times, dates and
ordinals are not counts and are left out ('in 2022', '16:40', '24.02', '11th').

Number words are per language: English now; Ukrainian and Russian join the tables later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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
# is not accepted (a decimal point in English).
_DIGITS = r"\d{1,3}(?:(?:,|[ \u00a0\u202f\u2009])\d{3})+(?!\d)|\d+"
_SIMPLE = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_WORD = rf"(?:{_SIMPLE})(?:[-\s](?:{'|'.join(_UNITS)}))?"
_WORDS = (rf"(?:\b(?:a|an|one)\s+)?(?:(?:{_WORD}|a|an)\s+)?(?:hundred|thousand)"
          rf"(?:\s+(?:and\s+)?{_WORD})?|{_WORD}")
NUMBER = re.compile(rf"(?<![\w.,:/-])(?:(?P<digits>{_DIGITS})|(?P<words>\b(?:{_WORDS})\b))(?![\w:/])",
                    re.IGNORECASE)
# A digit run that is part of a date, a time or a decimal, or an ordinal: never a number of anything.
_NOT_A_NUMBER_AFTER = re.compile(r"(?:[.:,]\d|st\b|nd\b|rd\b|th\b|%)", re.IGNORECASE)
# A duration or a measure: a number, but not a count of people.
_MEASURE_AFTER = re.compile(r"(?:-year|-month|-day|-week|\s*(?:years?\b|km\b|kilomet|hours?\b|minutes?\b|"
                            r"days?\b|months?\b|weeks?\b|per\s*cent|percent))", re.IGNORECASE)


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
    for token in re.split(r"[\s-]+", text.lower().strip()):
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


def parse_number(text: str) -> int | None:
    """A count written as digits (with thousands separators) or as words; None if it is not one."""
    stripped = text.strip()
    if re.fullmatch(_DIGITS, stripped):
        return int(re.sub(r"\D", "", stripped))
    return parse_words(stripped)


def _is_year(value: int, text: str) -> bool:
    return text.isdigit() and len(text) == 4 and 1900 <= value <= 2100


def find_numbers(text: str, start: int = 0, end: int | None = None, *,
                 measures: bool = False) -> Iterator[Number]:
    """Counts in ``text[start:end]`` with offsets into ``text``.

    Years, times, dates, decimals and ordinals are left out; so are durations and measures
    ('62 years', 'eight months') unless ``measures`` is true (ages are read that way).
    """
    stop = len(text) if end is None else end
    for match in NUMBER.finditer(text, start, stop):
        raw = match.group(0)
        if _NOT_A_NUMBER_AFTER.match(text, match.end()):
            continue
        if not measures and _MEASURE_AFTER.match(text, match.end()):
            continue
        if match.group("digits"):
            value = int(re.sub(r"\D", "", raw))
            if _is_year(value, raw):
                continue
            yield Number(value, match.start(), match.end(), raw, False)
        else:
            value = parse_words(raw)
            if value is not None:
                yield Number(value, match.start(), match.end(), raw, True)
