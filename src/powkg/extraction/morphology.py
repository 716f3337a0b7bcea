"""Inflection of Ukrainian and Russian words, with pymorphy3 and its uk and ru dictionaries.

The press declines every name: «Маріуполя», «Азовсталі», «зі Зміїного», «Бахмутському напрямку».
Rather than lemmatising every word of every article (pymorphy3 needs 0.1–0.3 ms a word), the
gazetteer's labels and the number words are *inflected* once per process: ``paradigm(word, lang)``
is the set of every form of the word's lexeme(s), so a text word matches a label word when it is one
of its forms, with one dictionary look-up. ``lemma(word, lang)`` is there for what a paradigm does
not cover (cached, since the press repeats its words).

Only the analyzers of the languages an article uses are loaded (0.5 s and ~15 MB each).
"""

from __future__ import annotations

from functools import lru_cache
from threading import Lock
from typing import Any

MORPHOLOGY_LANGUAGES = ("uk", "ru")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})
_LOCK = Lock()
_ANALYZERS: dict[str, Any] = {}


def analyzer(lang: str) -> Any:
    """The pymorphy3 analyzer of ``lang`` ('uk' or 'ru'), loaded on first use."""
    found = _ANALYZERS.get(lang)
    if found is not None:
        return found
    with _LOCK:
        if lang not in _ANALYZERS:
            import pymorphy3

            _ANALYZERS[lang] = pymorphy3.MorphAnalyzer(lang=lang)
        return _ANALYZERS[lang]


@lru_cache(maxsize=65536)
def normalise(word: str) -> str:
    """Lowercase, one apostrophe (', ’ and ʼ are all written in «дев'ять»), ё as е. Cached: the press
    repeats its words, and every word of a Ukrainian or Russian text is looked up as a number."""
    return word.lower().translate(APOSTROPHES).replace("ё", "е")


def is_cyrillic(word: str) -> bool:
    return any("а" <= c <= "я" or c in "іїєґёў" for c in word.lower())


@lru_cache(maxsize=65536)
def lemma(word: str, lang: str) -> str:
    """The normal form of the most probable parse of ``word`` (normalised)."""
    return normalise(analyzer(lang).parse(normalise(word))[0].normal_form)


@lru_cache(maxsize=8192)
def paradigm(word: str, lang: str, pos: str | None = None, *, same_number: bool = True) -> frozenset[str]:
    """Every form of the lexeme of ``word``, read as a nominative (labels are in the nominative).

    With ``same_number`` a word in the plural reaches only plural forms: «українки» reaches «українок»,
    not the singular dative «українці», which is also the plural of «українець». A word in the
    singular reaches every form ('нацгвардієць' finds 'нацгвардійців').
    With ``pos`` ('NUMR', 'NOUN', ...) only parses of that part of speech count ('три' is also a
    form of the verb 'терти'). The word itself is always included.
    """
    word = normalise(word)
    parses = analyzer(lang).parse(word)
    if pos is not None:
        parses = [p for p in parses if pos in p.tag] or parses[:1]
    if not parses:
        return frozenset({word})
    best = next((p for p in parses if "nomn" in p.tag), parses[0])
    plural = "plur" in best.tag
    same_number = same_number and plural
    forms = {word}
    for parse in parses:
        if parse.normal_form != best.normal_form or same_number and ("plur" in parse.tag) != plural:
            continue
        forms.update(normalise(form.word) for form in parse.lexeme
                     if not same_number or ("plur" in form.tag) == plural)
    return frozenset(forms)


@lru_cache(maxsize=16384)
def part_of_speech(word: str, lang: str) -> str | None:
    """The part of speech of the most probable parse ('NOUN', 'ADJF', ...)."""
    return analyzer(lang).parse(normalise(word))[0].tag.POS
