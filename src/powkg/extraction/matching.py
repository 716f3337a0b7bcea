"""Find the gazetteer's terms in a text: every surface form in a word trie, longest first.

The matcher is built once per gazetteer and cached. Forms match case-insensitively, whole words
only; spaces and hyphens inside a form are interchangeable ('rank-and-file' = 'rank and file'), and
an English plural 's' may follow ('border guard' finds 'border guards').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from threading import Lock

from ..vocabulary import Gazetteer, Term


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    terms: tuple[Term, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(t.kind for t in self.terms)

    def term_of(self, kind: str) -> Term | None:
        return next((t for t in self.terms if t.kind == kind), None)


_TOKEN = re.compile(r"\w+(?:['’]\w+)*")


def _tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


class Matcher:
    """Every surface form of a gazetteer, looked up word by word (longest form first).

    Forms and texts are compared as sequences of lowercase words, so spaces, hyphens and brackets
    between words do not matter ('rank-and-file' = 'rank and file'); the last word may carry an
    English plural or possessive ending ('border guard' finds 'border guards').
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._forms: dict[tuple[str, ...], tuple[Term, ...]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._starts: set[str] = set()
        for form, terms in gazetteer.surface.items():
            words = tuple(_tokens(form))
            if not words:
                continue
            self._forms[words] = tuple(dict.fromkeys(self._forms.get(words, ()) + tuple(terms)))
            for n in range(1, len(words) + 1):
                self._prefixes.add(words[:n])
            self._starts.add(words[0])
            if len(words) == 1:
                self._starts.update(words[0] + ending for ending in ("s", "es", "'s"))

    def _lookup(self, words: tuple[str, ...]) -> tuple[Term, ...]:
        found = self._forms.get(words)
        if found:
            return found
        last = words[-1]
        for ending in ("'s", "es", "s"):
            if last.endswith(ending) and len(last) > len(ending) + 1:
                found = self._forms.get(words[:-1] + (last[: -len(ending)],))
                if found:
                    return found
        return ()

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        stop = len(text) if end is None else end
        spans = [(m.start(), m.end(), m.group(0).lower().replace("’", "'"))
                 for m in _TOKEN.finditer(text, start, stop)]
        found: list[Mention] = []
        index = 0
        while index < len(spans):
            if spans[index][2] not in self._starts:
                index += 1
                continue
            best: tuple[int, tuple[Term, ...]] | None = None
            words: tuple[str, ...] = ()
            for j in range(index, len(spans)):
                words = words + (spans[j][2],)
                terms = self._lookup(words)
                if terms:
                    best = (j, terms)
                if words not in self._prefixes:
                    break
            if best is None:
                index += 1
                continue
            j, terms = best
            found.append(Mention(spans[index][0], spans[j][1], text[spans[index][0]:spans[j][1]], terms))
            index = j + 1
        return found


_CACHE: dict[int, tuple[Gazetteer, Matcher]] = {}
_LOCK = Lock()


def matcher_for(gazetteer: Gazetteer) -> Matcher:
    """The matcher of ``gazetteer``, built on first use (the gazetteer is kept alive with it)."""
    cached = _CACHE.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    with _LOCK:
        matcher = Matcher(gazetteer)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[id(gazetteer)] = (gazetteer, matcher)
        return matcher
