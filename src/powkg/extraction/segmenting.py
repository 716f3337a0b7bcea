"""Lines, sentences and clauses of a clean text, with offsets into it.

A line of the clean text is a paragraph, a heading or a list item; sentences never cross lines.
A sentence ends at '.', '!' or '?' followed by a space and a capital, a digit or a quotation mark,
unless the dot ends an abbreviation ('Lt.', 'Sept.', 'U.S.'). Quotations that span sentences are
found per line, so that a speech verb after the closing mark can be credited to every sentence
inside ('"... . ...," the statement says').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset({
    "lt", "col", "gen", "maj", "capt", "sgt", "mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "jr", "sr",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
    "e.g", "i.e", "approx", "gov", "sen", "rep", "prof", "ст", "м", "р", "г", "ім", "им", "вул", "ул",
    "рр", "гг", "ін", "др", "тис", "тыс", "млн", "млрд", "обл", "див", "см", "напр", "стор", "ген", "полк", "підполк",
})
_BOUNDARY = re.compile(r"[.!?…]+[\"»”’)]*(?=\s+[\"«“'(]?[A-ZА-ЯІЇЄҐ0-9])")
_QUOTE = re.compile(r"[\"“«](?P<body>[^\"”»“«]{2,}?)[\"”»]")
_LAST_WORD = re.compile(r"([\w.]+)$")
_LIST_MARK = re.compile(r"[-–—•*·]\s+|\d+[.)]\s+")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_SENTENCE_MARKS = ".!?…:;\"»”"   # a line that ends with one is no heading
# 'Navy – 4;': a count at the end of a line, after a dash (the last dash: only spaces, digits and one
# mark may follow it; matched there rather than searched for at every position of the line)
_COUNT_AT_END = re.compile(r"[–—-]\s*\d+\s*[;.,]?$")
_CLAUSE_BREAK = re.compile(r";\s*|:\s+(?=\S)")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    line: int                   # index of the line (paragraph, heading or list item) it belongs to
    line_start: int             # offset of its line
    heading: bool = False       # a line with no sentence punctuation: a headline or sub-heading
    list_item: bool = False     # a line of a dash, bullet or numbered list, or 'Unit – 59'


def _is_abbreviation(text: str, dot: int) -> bool:
    word = _LAST_WORD.search(text, max(0, dot - 20), dot)
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    # 'Lt.', 'U.S.', 'у т.ч.' (including), 'т.д.': known words and runs of single letters
    return token in _ABBREVIATIONS or bool(_INITIALS.fullmatch(token))


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        spans.append((cursor, end))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each with its offsets (``text[s.start:s.end] == s.text``)."""
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        heading = stripped[-1] not in _SENTENCE_MARKS and len(stripped.split()) <= 12
        dash = max(stripped.rfind("–"), stripped.rfind("—"), stripped.rfind("-"))
        list_item = bool(_LIST_MARK.match(stripped)) or dash >= 0 and bool(_COUNT_AT_END.match(stripped, dash))
        if list_item:
            heading = False
        for s, e in _split_line(text, line_start + lead, line_end):
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                sentences.append(Sentence(s, e, text[s:e], number, line_start, heading, list_item))
    return sentences


def quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of quoted passages of ``text[start:end]`` (a line), quotation marks included."""
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text, start, end) if len(m.group("body")) > 40]


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence: split at ';' and at a colon that introduces a list."""
    spans, cursor = [], start
    for match in _CLAUSE_BREAK.finditer(text[start:end]):
        spans.append((cursor, start + match.start()))
        cursor = start + match.end()
    spans.append((cursor, end))
    return [(s, e) for s, e in spans if e > s]
