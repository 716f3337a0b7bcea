"""Dates as news articles write them: date lines of the page, and dates in running text.

Two jobs, both language-neutral machinery over small month and weekday tables:

- ``parse_dateline(line)``: a line of the page that is only a date (and maybe a time, a weekday, a
  'Published'/'Дата:' label or a section name) -> the publication date, or None.
- ``find_dates(text, published)``: the dates a sentence names ('December 30', '24 March', 'Sept. 21',
  'January 3 of this year', 'on Thursday', 'today', "New Year's Eve") with their offsets, resolved
  against the article's published date. A day and month with no year and no published date stay a
  (month, day) pair: a year is never guessed (DESIGN.md, Dates).

Relative dates resolve to the most recent such day on or before the published date: news reports
what has happened.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .language import lowercase_pattern, lowercase_text

# Month names by number: English (with the press's abbreviations), Ukrainian and Russian (nominative and
# genitive, as in '9 квітня', '1 декабря'). Lowercase; matched case-insensitively.
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "січня", "січень", "января", "январь"),
    2: ("february", "feb", "лютого", "лютий", "февраля", "февраль"),
    3: ("march", "mar", "березня", "березень", "марта", "март"),
    4: ("april", "apr", "квітня", "квітень", "апреля", "апрель"),
    5: ("may", "травня", "травень", "мая", "май"),
    6: ("june", "jun", "червня", "червень", "июня", "июнь"),
    7: ("july", "jul", "липня", "липень", "июля", "июль"),
    8: ("august", "aug", "серпня", "серпень", "августа", "август"),
    9: ("september", "sept", "sep", "вересня", "вересень", "сентября", "сентябрь"),
    10: ("october", "oct", "жовтня", "жовтень", "октября", "октябрь"),
    11: ("november", "nov", "листопада", "листопад", "ноября", "ноябрь"),
    12: ("december", "dec", "грудня", "грудень", "декабря", "декабрь"),
}
MONTH_BY_NAME = {name: number for number, names in _MONTHS.items() for name in names}

# Weekdays, Monday = 0, in the three languages (Ukrainian and Russian with the accusative 'у четвер',
# 'в четверг', 'в субботу').
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("monday", "понеділок", "понеділка", "понедельник"),
    1: ("tuesday", "вівторок", "вівторка", "вторник"),
    2: ("wednesday", "середа", "середу", "среда", "среду"),
    3: ("thursday", "четвер", "четверга", "четверг"),
    4: ("friday", "п'ятниця", "п'ятницю", "пʼятницю", "пятница", "пятницу"),
    5: ("saturday", "субота", "суботу", "суббота", "субботу"),
    6: ("sunday", "неділя", "неділю", "воскресенье"),
}
WEEKDAY_BY_NAME = {variant: number for number, names in _WEEKDAYS.items() for name in names
                   for variant in {name, name.replace("'", "’"), name.replace("'", "ʼ")}}

_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTH_BY_NAME), key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted((re.escape(w) for w in WEEKDAY_BY_NAME), key=len, reverse=True))
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?"
_YEAR = r"(?:19|20)\d{2}"

# --- date lines ------------------------------------------------------------------------------------

_LABEL = (r"(?:published|updated|posted|date|дата|опубліковано|оновлено|опубликовано|обновлено)"
          r"(?:\s+(?:on|at))?\s*:?\s*")
_DATELINE_FORMS = (
    # '03.11.2022 16:40', '17:08 23.11.2022', '18:16, 16.02.23', '06.05.2023 15:48'
    re.compile(rf"(?:{_TIME},?\s+)?(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}|\d{{2}})"
               rf"(?:,?\s+{_TIME})?"),
    # 'Thursday, 25 May 2023, 14:20', '9 квітня 2022, 20:40', 'Published 18 September 2023, 12:23'
    re.compile(rf"(?:{_TIME},?\s+)?(?:(?:{_WEEKDAY_RE}),?\s+)?(?P<d>\d{{1,2}})\s+(?P<mn>{_MONTH_RE})\.?,?\s+(?P<y>{_YEAR})"
               rf"(?:\s*(?:р\.|г\.|року|года))?(?:,?\s+(?:at\s+)?{_TIME})?", re.IGNORECASE),
    # 'Thursday, May 25, 2023 14:20', 'May 25, 2023'
    re.compile(rf"(?:{_TIME},?\s+)?(?:(?:{_WEEKDAY_RE}),?\s+)?(?P<mn>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>{_YEAR})"
               rf"(?:,?\s+(?:at\s+)?{_TIME})?", re.IGNORECASE),
    # '2023-05-25', '2023-05-25 14:20', '2023-05-25T14:20:00'
    re.compile(rf"(?P<y>{_YEAR})-(?P<m>\d{{2}})-(?P<d>\d{{2}})(?:[T ]{_TIME}(?::\d{{2}})?)?"),
)
# What may follow a date on its line: a section name after a separator ('· Війна', '| War').
_DATELINE_TAIL = re.compile(r"(?:\s*\(?(?:gmt|utc|eet|eest|msk|cet|cest)(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\)?)?"
                            r"\s*(?:[·|•/,]\s*[\w'’:. -]{1,30})?\s*$", re.IGNORECASE)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_match(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if year < 100:
        year += 2000
    month = int(groups["m"]) if groups.get("m") else MONTH_BY_NAME[groups["mn"].lower()]
    return _make_date(year, month, int(groups["d"]))


# A place or section name before the date on its line: 'Kyiv • 31 May 2025, 18:20', 'Війна | 03.11.2022'.
_LEADING_LABEL = re.compile(rf"^{_LABEL}", re.IGNORECASE)
_DATELINE_HEAD = re.compile(r"[^\W\d_][\w'’ .-]{0,30}?\s*[•·|–—,]\s*")


def parse_dateline(line: str) -> date | None:
    """The date of a line that holds nothing but a date (and time, weekday, label, section name)."""
    text = line.strip().strip("|·•").strip()
    if len(text) > 80:
        return None
    text = _LEADING_LABEL.sub("", text)
    head = _DATELINE_HEAD.match(text)
    for candidate in (text, text[head.end():] if head else None):
        if not candidate:
            continue
        for form in _DATELINE_FORMS:
            match = form.match(candidate)
            if match and _DATELINE_TAIL.fullmatch(candidate, match.end()):
                return _from_match(match)
    return None


def search_date(text: str) -> tuple[date, int, int] | None:
    """The first full date (day, month, year) anywhere in ``text``, with its span."""
    for form in _DATELINE_FORMS:
        match = form.search(text)
        if match:
            found = _from_match(match)
            if found:
                return found, match.start(), match.end()
    return None


# --- dates in running text ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date a text names. ``value`` when the year is known; else ``month_day`` when the day is."""

    start: int
    end: int
    text: str
    value: date | None = None
    month_day: tuple[int, int] | None = None
    relative: bool = False          # 'today', 'on Thursday': resolved against the published date


def orthodox_easter(year: int) -> date:
    """Orthodox Easter (Meeus' Julian algorithm, converted to the Gregorian calendar, 1900-2099)."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return date(year, month, day + 1) + timedelta(days=13)


def most_recent(month: int, day: int, published: date) -> date | None:
    """The day (month, day) on or before ``published``: this year's, or last year's."""
    candidate = _make_date(published.year, month, day)
    if candidate is not None and candidate <= published:
        return candidate
    return _make_date(published.year - 1, month, day)


def last_weekday(weekday: int, published: date) -> date:
    return published - timedelta(days=(published.weekday() - weekday) % 7)


_DAY_MONTH = (rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH_RE})\b\.?"
              rf"|(?P<m2>{_MONTH_RE})\b\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b")
_TEXT_DATE = re.compile(
    rf"(?:(?P<wd>{_WEEKDAY_RE}),?\s+)?(?:{_DAY_MONTH})"
    rf"(?:,?\s+(?P<y>{_YEAR})\b|\s+(?P<rel>of\s+this\s+year|this\s+year|of\s+last\s+year|last\s+year))?"
    rf"|(?P<wd_only>\b(?:{_WEEKDAY_RE})\b)"
    rf"|(?P<today>\b(?:today|yesterday|сьогодні|вчора|учора|сегодня|вчера)\b)"
    rf"|(?P<nye>\bNew\s+Year['’]s\s+Eve\b)"
    rf"|(?P<easter>\b(?:Easter|Великдень|Великодн\w*|Пасх\w*)\b)",
    re.IGNORECASE)
# The same for lowercase text, several times faster in Python's engine; its groups are read
# case-insensitively (_resolve_cached) and the mention's words are taken from the text by offsets.
_TEXT_DATE_LOWER = re.compile(lowercase_pattern(_TEXT_DATE.pattern))


@lru_cache(maxsize=4096)
def _resolve_cached(groups: tuple[tuple[str, str | None], ...], published: date | None
                    ) -> tuple[date | None, tuple[int, int] | None, bool]:
    g = dict(groups)
    if g["today"]:
        word = g["today"].lower()
        if published is None:
            return None, None, True
        back = 1 if word in ("yesterday", "вчора", "учора", "вчера") else 0
        return published - timedelta(days=back), None, True
    if g["wd_only"]:
        weekday = WEEKDAY_BY_NAME[g["wd_only"].lower()]
        return (last_weekday(weekday, published) if published else None), None, True
    if g["nye"]:
        return (most_recent(12, 31, published) if published else None), (12, 31), True
    if g["easter"]:
        if published is None:
            return None, None, True
        easter = orthodox_easter(published.year)
        return (easter if easter <= published else orthodox_easter(published.year - 1)), None, True
    month = MONTH_BY_NAME[str(g["m1"] or g["m2"]).lower()]
    day = int(str(g["d1"] or g["d2"]))
    if _make_date(2000, month, day) is None:  # 2000 is a leap year: every real (month, day) exists
        return None, None, False
    if g["y"]:
        return _make_date(int(g["y"]), month, day), (month, day), False
    if published is None:
        return None, (month, day), False
    rel = (g["rel"] or "").lower()
    if "last" in rel:
        return _make_date(published.year - 1, month, day), (month, day), False
    if rel:
        return _make_date(published.year, month, day), (month, day), False
    return most_recent(month, day, published), (month, day), False


_GROUPS = ("wd", "d1", "m1", "m2", "d2", "y", "rel", "wd_only", "today", "nye", "easter")


_KEYWORDS = frozenset(MONTH_BY_NAME) | frozenset(WEEKDAY_BY_NAME) | {
    "today", "yesterday", "сьогодні", "вчора", "учора", "сегодня", "вчера", "eve", "easter", "великдень"}
# The date words, lowercase: a keyword not inside a longer word ("Thursday's" holds one, "mayor" none),
# and the stems of Easter anywhere. Found with str.find, keyword by keyword (a hundred of them, faster
# than cutting the text into words): one regular expression of all the keywords would try each of
# them at every position.
_LETTER = re.compile(r"[^\W\d_]")
_LETTERS = re.compile(r"[^\W\d_]+")
_LETTER_KEYWORDS = frozenset(k for k in _KEYWORDS if _LETTERS.fullmatch(k))
# ... looked for only in a text that has letters of their alphabet (most texts have one of the two)
_LATIN = re.compile(r"[a-z]")
_LATIN_KEYWORDS = tuple(sorted(k for k in _LETTER_KEYWORDS if k.isascii()))
_CYRILLIC_KEYWORDS = tuple(sorted(_LETTER_KEYWORDS - set(_LATIN_KEYWORDS)))
_CYRILLIC = re.compile(f"[{''.join(sorted(set(''.join(_CYRILLIC_KEYWORDS))))}]")   # the letters they are written with
_OTHER_KEYWORDS = tuple(sorted(_KEYWORDS - _LETTER_KEYWORDS))
_EASTER_STEMS = ("великодн", "пасх")


def _occurrences(low: str, word: str, whole: bool) -> Iterator[int]:
    at = low.find(word)
    while at >= 0:
        stop = at + len(word)
        if not whole or (at == 0 or not _LETTER.match(low, at - 1)) and \
                (stop == len(low) or not _LETTER.match(low, stop)):
            yield at
        at = low.find(word, at + 1)


def _anchors(text: str, start: int, end: int) -> list[int]:
    """Offsets of the words that can be part of a date (month and weekday names, 'today', Easter)."""
    low = text[start:end].lower()
    keywords = (_LATIN_KEYWORDS if _LATIN.search(low) else ()) + (_CYRILLIC_KEYWORDS if _CYRILLIC.search(low) else ())
    found = {at for word in keywords if word in low for at in _occurrences(low, word, True)}
    found.update(at for word in _OTHER_KEYWORDS if word in low for at in _occurrences(low, word, True))
    found.update(at for stem in _EASTER_STEMS if stem in low for at in _occurrences(low, stem, False))
    return [start + offset for offset in sorted(found)]


def _date_matches(text: str, start: int, end: int, anchors: list[int]) -> list[re.Match[str]]:
    """Matches of the date pattern in text[start:end], tried only around the anchors."""
    matches: list[re.Match[str]] = []
    cursor = start
    low = lowercase_text(text)
    pattern, searched = (_TEXT_DATE, text) if low is None else (_TEXT_DATE_LOWER, low)
    for anchor in anchors[bisect_left(anchors, start):]:
        if anchor >= end:
            break
        window_start = max(cursor, anchor - 30)
        for match in pattern.finditer(searched, window_start, min(end, anchor + 40)):
            if match.start() >= cursor and match.end() > anchor:
                matches.append(match)
                cursor = match.end()
                break
    return matches


def find_dates(text: str, published: date | None, start: int = 0, end: int | None = None
               ) -> list[DateMention]:
    """Every date ``text[start:end]`` names, with offsets into ``text``.

    A mention's ``text`` is the words that give the date ('January 3' of 'January 3 of this year');
    'today, 9 April' ('Сьогодні, 9 квітня') is one mention.
    """
    stop = len(text) if end is None else end
    return _mentions(text, published, _date_matches(text, start, stop, _anchors(text, start, stop)))


def find_dates_in(text: str, published: date | None, spans: list[tuple[int, int]]) -> list[list[DateMention]]:
    """The dates of each span (a sentence) of ``text``: one pass to find the date words of the text."""
    anchors = _anchors(text, 0, len(text))
    return [_mentions(text, published, _date_matches(text, s, e, anchors)) if anchors else [] for s, e in spans]


def _mentions(text: str, published: date | None, matches: list[re.Match[str]]) -> list[DateMention]:
    found: list[DateMention] = []
    for match in matches:
        groups = tuple((name, match.group(name)) for name in _GROUPS)
        value, month_day, relative = _resolve_cached(groups, published)
        if value is None and month_day is None and not relative:
            continue
        words_end = match.start("rel") if match.group("rel") else match.end()
        mention = DateMention(match.start(), match.end(), text[match.start():words_end].rstrip(" ,"), value,
                              month_day, relative)
        previous = found[-1] if found else None
        if previous is not None and previous.relative and previous.month_day is None and mention.month_day \
                and _TODAY_AND_DATE.fullmatch(text, previous.end, mention.start):
            mention = DateMention(previous.start, mention.end, text[previous.start:mention.start] + mention.text,
                                  mention.value or previous.value, mention.month_day, False)
            found[-1] = mention
            continue
        found.append(mention)
    return found


_TODAY_AND_DATE = re.compile(r",?\s*")
