"""What the extractor knows of a language: the cue words and phrase patterns of its exchange reporting.

One ``Language`` per language (``english.ENGLISH``, ``ukrainian.UKRAINIAN``, ``russian.RUSSIAN``), all
with the same fields, so that every stage reads any of them the same way. Only words of the genre
live here (return verbs, speech verbs, 'including', 'of them', 'the oldest'); names of units,
categories, places and agents come from the gazetteer, and numbers from ``NumberWords``.

Patterns are compiled with ``re.IGNORECASE``. Patterns marked "(end)" are searched in the text right
before a position and end with ``$``; patterns marked "(start)" are matched at a position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .morphology import lemma, normalise
from .numbers import NumberWords
from .prefilter import required_words

NEVER = re.compile(r"(?!)")
_LOWERED: dict[tuple[str, str], tuple[re.Pattern[str], re.Pattern[str] | None]] = {}
# Kept as written when a pattern is lowercased: escapes ('\\S', '\\W') and named groups ('(?P<a>').
_VERBATIM = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)", re.DOTALL)


def lowercase_pattern(pattern: str) -> str:
    """A regular expression for lowercase text: its literal letters lowercased, escapes and group
    names kept ('\\S' stays '\\S', 'Moscow' becomes 'moscow', '(?P<Name>' stays)."""
    out, last = [], 0
    for match in _VERBATIM.finditer(pattern):
        out += [pattern[last:match.start()].lower(), match.group(0)]
        last = match.end()
    out.append(pattern[last:].lower())
    return "".join(out)


_LAST_LOWER: tuple[str, str | None] = ("", "")


def lowercase_text(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset (the same length), else None. The last text's is
    kept: every stage of one article's extraction asks for the lowercase of the same text."""
    global _LAST_LOWER
    last = _LAST_LOWER
    if last[0] is text:
        return last[1]
    low = text.lower()
    found = low if len(low) == len(text) else None
    _LAST_LOWER = (text, found)
    return found


def words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


@dataclass(frozen=True)
class Language:
    """The compiled patterns of one language."""

    code: str
    numbers: NumberWords
    ordinal_words: Mapping[str, int]        # 'fourth': 4; for languages with morphology, by lemma ('третій': 3)
    qualifier_before: re.Pattern[str]       # (end) 'at least 28', group 'q'
    qualifier_names: Mapping[str, str]      # surface (lowercase, single spaces) -> one of model.QUALIFIERS
    completed_return: re.Pattern[str]       # 'were freed', 'came home', 'brought back'
    exchange_noun: re.Pattern[str]          # 'exchange', 'swap'
    completed_exchange: re.Pattern[str]     # 'completed ... exchange', 'exchange took place'
    not_completed: re.Pattern[str]          # 'are about to', 'agreed to', 'would', 'no one has been'
    past_marker: re.Pattern[str]            # 'The previous exchange', 'Previously,'
    previous_exchange: re.Pattern[str]      # 'previous', 'last swap': the exchange right before the main one
    another_exchange: re.Pattern[str]       # 'Also on Thursday', 'a separate swap'
    aside: re.Pattern[str]                  # 'Separately,': a sentence about something else
    dead: re.Pattern[str]                   # 'bodies of', 'remains of'
    not_event_date: re.Pattern[str]         # (end) 'since', 'as of', 'abducted on' right before a date
    people_head: re.Pattern[str]            # 'Ukrainians', 'people', 'individuals'
    military_head: re.Pattern[str]          # 'soldiers', 'servicemen', 'prisoners of war'
    russian: re.Pattern[str]                # 'Russian soldiers', 'Russians'
    np_stop: re.Pattern[str]                # where a count's noun phrase ends
    partitive: re.Pattern[str]              # (start) 'of them', 'of whom', 'of the freed', group 'ref'
    partitive_previous: re.Pattern[str]     # a partitive 'ref' meaning the group just named ('them', 'whom')
    partitive_whole: re.Pattern[str]        # a partitive 'ref' meaning everyone returned ('its', 'the freed')
    left_link: re.Pattern[str]              # (end) 'National Guard – 59', 'the Navy for four', 'Офіцерів серед них 10'
    left_window: int                        # how far before a number a left link may start
    unit_of: re.Pattern[str]                # (full) between two units of a chain ('Azov Regiment of the ...')
    free_word_order: bool                   # what a count is may be said before it ('Оборону «Азовсталі» тримали 74')
    right_link: re.Pattern[str]             # (start) 'двоє — з «Азову»': a name after a dash
    distributive: re.Pattern[str]           # (end) 'по 2 ... і ...': the number counts each group named
    nest_open: re.Pattern[str]              # 'including', 'in particular', 'among them'
    nest_close: re.Pattern[str]             # 'as well as', ')', 'while'
    nest_short: re.Pattern[str]             # openers whose scope ends at the next comma ('among them')
    nest_close_short: re.Pattern[str]
    clause_break: re.Pattern[str]           # where what is said of a count ends (', and', ', while')
    officers_then: re.Pattern[str]          # (full) '13 officers and 20 soldiers': between the two numbers
    head_breakdown: re.Pattern[str]         # (full) between a head count and its breakdown ('Thirty Ukrainians, ')
    coordination: re.Pattern[str]           # (full) between two coordinated names (', ', ' and ', ' та ')
    to_russia: re.Pattern[str]              # '... had been handed back to Russia' after a count
    russian_side: re.Pattern[str]           # a sentence reporting the Russian side's returns
    back_to_main: re.Pattern[str]           # 'this exchange', 'this time': the article's own exchange again
    took_place: re.Pattern[str]
    whole_total: re.Pattern[str]            # (start) 'in all', 'in total' after a count
    formula: re.Pattern[str]                # '86 for 86', '101-for-101', «50 на 50», groups 'a' and 'b'
    location_verb: re.Pattern[str]          # 'defended', 'fought at', 'were at'
    capture_verb: re.Pattern[str]           # 'captured in', 'taken prisoner'
    not_battle_place: re.Pattern[str]       # (end) 'occupied Donetsk region', 'authorities in Sumy region'
    not_battle_after: re.Pattern[str]       # (start) after a place: "Donetsk People's Republic", 'city council'
    place_as_actor: re.Pattern[str]         # (start) after a place: 'Kyiv said', 'Kyiv and Moscow'
    actor_before_place: re.Pattern[str]     # (end) before a place: 'Moscow and Kyiv'
    all_are: re.Pattern[str]                # 'All of those freed are privates ...'
    no_officers: re.Pattern[str]            # 'There are no officers'
    the_rest: re.Pattern[str]               # 'the rest privates and sergeants', 'everyone else is'
    all_belong: re.Pattern[str]             # (end) 'all belong to the Armed Forces'
    only_women: re.Pattern[str]             # 'only women'
    first_time: re.Pattern[str]             # 'for the first time': the first exchange of its kind
    oldest: re.Pattern[str]
    youngest: re.Pattern[str]
    age_after: re.Pattern[str]              # (start) '... is 62', '... 19 years old', groups 'q' and 'n'
    age_before: re.Pattern[str]             # (end) '21 for the youngest'
    ordinal: re.Pattern[str]                # groups 'ord', 'noun', 'scope'
    mediation: re.Pattern[str]
    not_mediation: re.Pattern[str]
    speech: re.Pattern[str]
    speech_anaphor: re.Pattern[str]         # 'the statement says', 'he said', 'By his count'
    cumulative: re.Pattern[str]
    superlative_since: re.Pattern[str]      # 'the largest exchange since': not a running total
    held: re.Pattern[str]                   # 'being held', 'remain in captivity'
    as_of: re.Pattern[str]                  # (end)
    since: tuple[tuple[str, re.Pattern[str]], ...]   # the starting points of running totals, by key
    trailing_attribution: re.Pattern[str]   # ', Yermak said' at the end of a running total's words
    implicit_one: re.Pattern[str]           # 'and a civilian': one person, written with an article
    morphology: str | None = None           # pymorphy3 language code for inflected names and numbers

    def ordinal_value(self, word: str) -> int | None:
        word = normalise(word)
        digits = re.match(r"\d+", word)
        if digits:
            return int(digits.group(0))
        found = self.ordinal_words.get(word)
        if found is None and self.morphology:
            found = self.ordinal_words.get(lemma(word, self.morphology))
        return found

    def lowered(self, name: str) -> re.Pattern[str]:
        """The pattern ``name`` compiled for lowercase text, without IGNORECASE (several times faster
        in Python's engine); for boolean cues on ``sentence.lower()``, whose offsets are the same."""
        return self._for_lowercase(name)[0]

    def _for_lowercase(self, name: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        """``lowered(name)`` and its prefilter: a search for the words it needs (``prefilter``), a
        literal or a few, which Python's engine scans for fast; None when there are none to go by."""
        key = (self.code, name)
        found = _LOWERED.get(key)
        if found is None:
            lowered = re.compile(lowercase_pattern(getattr(self, name).pattern))
            words = required_words(lowered.pattern)
            found = _LOWERED[key] = (lowered, re.compile("|".join(map(re.escape, words))) if words else None)
        return found

    def may_find(self, name: str, low: str, start: int = 0, end: int | None = None) -> bool:
        """False when lowercase ``low[start:end]`` lacks every word the lowercase pattern ``name``
        needs (``prefilter``): then it has no match, and the search can be skipped."""
        words = self._for_lowercase(name)[1]
        return words is None or words.search(low, start, len(low) if end is None else end) is not None

    def search(self, name: str, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """The first match of pattern ``name`` in ``text[start:end]``, found in the lowercase text when
        it keeps the offsets (Python's engine is several times faster without IGNORECASE): its offsets
        are those of ``text``, its groups lowercase. For callers that read offsets, not words."""
        stop = len(text) if end is None else end
        low = lowercase_text(text)
        if low is None:
            return getattr(self, name).search(text, start, stop)
        pattern, words = self._for_lowercase(name)
        if words is not None and words.search(low, start, stop) is None:
            return None
        return pattern.search(low, start, stop)

    def matches_at(self, name: str, text: str, start: int, end: int | None = None) -> bool:
        """Whether pattern ``name`` matches at ``start`` in ``text[:end]``, asked as ``search`` asks."""
        stop = len(text) if end is None else end
        low = lowercase_text(text)
        if low is None:
            return getattr(self, name).match(text, start, stop) is not None
        pattern, words = self._for_lowercase(name)
        if words is not None and words.search(low, start, stop) is None:
            return False
        return pattern.match(low, start, stop) is not None

    def finds(self, name: str, text: str, start: int = 0, end: int | None = None) -> bool:
        """Whether pattern ``name`` finds a match in ``text[start:end]`` (``search``), so that a caller
        that needs the match itself can skip the search where there is none."""
        return self.search(name, text, start, end) is not None

    def finds_in(self, name: str, sentence: str) -> bool:
        """``finds`` for a short string of its own (a sentence's text), lowercased here."""
        low = sentence.lower()
        if len(low) != len(sentence):
            return getattr(self, name).search(sentence) is not None
        pattern, words = self._for_lowercase(name)
        return (words is None or words.search(low) is not None) and pattern.search(low) is not None

    def since_key(self, scope: str) -> str | None:
        """The starting point a running total's words name ('full_scale_invasion', '2022'), if any."""
        for key, pattern in self.since:
            match = pattern.search(scope)
            if match:
                return match.group("year") if "year" in pattern.groupindex and match.group("year") else key
        return None


def compile_all(**patterns: str | re.Pattern[str]) -> dict[str, re.Pattern[str]]:
    """Compile string patterns with IGNORECASE (already compiled patterns are kept)."""
    return {name: p if isinstance(p, re.Pattern) else re.compile(p, re.IGNORECASE) for name, p in patterns.items()}
