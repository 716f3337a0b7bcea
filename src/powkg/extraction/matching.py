"""Find the gazetteer's terms in a text: every surface form in a word trie, longest first.

The matcher is built once per gazetteer and language, and cached. Forms match case-insensitively,
whole words only; spaces, hyphens and quotation marks between words do not matter ('rank-and-file' =
'rank and file', «Азовсталь» = Азовсталь), and an English plural 's' may follow ('border guard'
finds 'border guards').

Ukrainian and Russian decline names. For them every Cyrillic word of a label stands for its whole
paradigm (``morphology.paradigm``): a text word matches it when it is any form of it, so
'Збройних сил України' finds 'Збройні сили України' and 'зі Зміїного' finds 'Зміїний', with one
dictionary look-up per text word.

A coordinated list that shares its last words names each member with them: 'the Zaporizhzhia and
Chornobyl nuclear power plants' names 'Zaporizhzhia nuclear power plant' too, and 'на Бахмутському,
Соледарському та Запорізькому напрямках' names three directions (ellipsis).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from threading import Lock

from ..vocabulary import Gazetteer, Term
from .language import NEVER, Language
from .morphology import is_cyrillic, normalise, paradigm, part_of_speech


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
        for term in self.terms:   # a loop: asked a few hundred times an article, faster than next()
            if term.kind == kind:
                return term
        return None

    def is_any(self, kinds: tuple[str, ...]) -> bool:
        """Whether one of its terms is of one of ``kinds``."""
        return any(term.kind in kinds for term in self.terms)


def dateline(text: str, mention: Mention) -> bool:
    """'KYIV - Forty-five ...': a place in capitals at the start of a line, before a dash or comma."""
    if mention.term_of("place") is None or mention.kinds & {"unit", "category"}:
        return False
    line_start = text.rfind("\n", 0, mention.start) + 1
    return mention.text.isupper() and not text[line_start:mention.start].strip() and \
        bool(_DATELINE_DASH.match(text[mention.end:mention.end + 3]))


_ENDINGS = ("'s", "es", "s")   # of an English plural or possessive, in the order they are tried
# a word of the text: start, end, the keys it can be, whether one of them can start a form
_Span = tuple[int, int, tuple[str, ...], bool]
_TOKEN = re.compile(r"\w+(?:['’ʼ]\w+)*")
_DATELINE_DASH = re.compile(r"\s*[-–—,(/]")
_UKRAINIAN_ONLY = frozenset("іїєґ'")
_RUSSIAN_ONLY = frozenset("ыэъё")


def _tokens(text: str) -> list[str]:
    return [normalise(t) for t in _TOKEN.findall(text)]


def _foreign(word: str, morphology: str) -> bool:
    """Whether a Cyrillic word is spelled in the other language (no need to inflect it)."""
    letters = set(word)
    return bool(letters & (_RUSSIAN_ONLY if morphology == "uk" else _UKRAINIAN_ONLY))


class Matcher:
    """Every surface form of a gazetteer, looked up word by word (longest form first).

    Forms and texts are compared as sequences of word keys: the lowercase word, or for a language
    with morphology the lemma of a label word, reached from any of its forms.
    """

    def __init__(self, gazetteer: Gazetteer, language: Language | None = None) -> None:
        self.gazetteer = gazetteer
        self.morphology = language.morphology if language else None
        self.coordination = language.coordination if language else NEVER
        self._forms: dict[tuple[str, ...], tuple[Term, ...]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._starts: set[str] = set()
        self._keys: dict[str, set[str]] = {}          # a text word -> the label-word keys it can be
        # a text word as written -> its candidate keys, and whether one of them can start a form
        self._seen: dict[str, tuple[tuple[str, ...], bool]] = {}
        for form, terms in gazetteer.surface.items():
            words = tuple(self._label_key(w) for w in _tokens(form))
            if not words:
                continue
            self._forms[words] = tuple(dict.fromkeys(self._forms.get(words, ()) + tuple(terms)))
            for n in range(1, len(words) + 1):
                self._prefixes.add(words[:n])
            self._starts.add(words[0])
            if len(words) == 1:
                self._starts.update(words[0] + ending for ending in ("s", "es", "'s"))
        # A form whose last word ends in 's', 'es' or "'s" ('border guards', "Ukraine's"): looked up once
        # here, each ending in turn, rather than by stripping every text word of its ending.
        self._plurals: dict[tuple[str, ...], tuple[Term, ...]] = {}
        for ending in _ENDINGS:
            for words, terms in self._forms.items():
                if terms and len(words[-1]) > 1:
                    self._plurals.setdefault(words[:-1] + (words[-1] + ending,), terms)

    def _label_key(self, word: str) -> str:
        if self.morphology is None or not is_cyrillic(word) or _foreign(word, self.morphology):
            return word
        key = "~" + word
        for form in paradigm(word, self.morphology):
            self._keys.setdefault(form, set()).add(key)
        return key

    def _candidates(self, written: str) -> tuple[tuple[str, ...], bool]:
        found = self._seen.get(written)
        if found is None:
            word = normalise(written)
            keys = self._keys.get(word)
            candidates = (word, *keys) if keys else (word,)
            found = (candidates, not self._starts.isdisjoint(candidates))
            if len(self._seen) < 200_000:
                self._seen[written] = found
        return found

    def _lookup(self, words: tuple[str, ...]) -> tuple[Term, ...]:
        return self._forms.get(words) or self._plurals.get(words, ())

    def _longest(self, spans: list[_Span], index: int
                 ) -> tuple[int, tuple[Term, ...], tuple[str, ...]] | None:
        """The longest form starting at token ``index``: (last token, terms, the form's keys)."""
        best = None
        frontier: list[tuple[str, ...]] = [()]
        for j in range(index, len(spans)):
            grown = []
            for words in frontier:
                for candidate in spans[j][2]:
                    longer = words + (candidate,)
                    terms = self._lookup(longer)
                    if terms and (best is None or best[0] < j):
                        best = (j, terms, longer)
                    if longer in self._prefixes:
                        grown.append(longer)
            frontier = grown
            if not frontier:
                break
        return best

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        stop = len(text) if end is None else end
        seen, candidates = self._seen.get, self._candidates
        spans: list[_Span] = [(m.start(), m.end(), *(seen(m.group()) or candidates(m.group())))
                 for m in _TOKEN.finditer(text, start, stop)]
        found: list[tuple[int, int, Mention, tuple[str, ...]]] = []
        index = 0
        while index < len(spans):
            if not spans[index][3]:
                index += 1
                continue
            best = self._longest(spans, index)
            if best is None:
                index += 1
                continue
            j, terms, keys = best
            mention = Mention(spans[index][0], spans[j][1], text[spans[index][0]:spans[j][1]], terms)
            found.append((index, j, mention, keys))
            index = j + 1
        mentions = self._ellipses(text, spans, found)
        if self.morphology is not None:
            mentions = [m for m in mentions if not self._adjective_of_another_noun(text, m)]
        return mentions

    def _adjective_of_another_noun(self, text: str, mention: Mention) -> bool:
        """'киевскому режиму', 'Донецький аеропорт': a one-word place name that is an adjective,
        followed by a noun it is no name with, names no place of fighting ('зі Зміїного' does)."""
        if mention.term_of("place") is None or " " in mention.text or not is_cyrillic(mention.text):
            return False
        following = _TOKEN.search(text, mention.end, mention.end + 40)
        if following is None or text[mention.end:following.start()].strip(" «»\"“”"):
            return False
        morphology = self.morphology or ""
        return part_of_speech(mention.text, morphology) == "ADJF" and \
            part_of_speech(following.group(0), morphology) == "NOUN"

    def _ellipses(self, text: str, spans: list[_Span],
                  found: list[tuple[int, int, Mention, tuple[str, ...]]]) -> list[Mention]:
        """Members of a coordinated list that share the last words of the list's last name."""
        by_token = {first: i for i, (first, _, _, _) in enumerate(found)}
        mentions = [m for _, _, m, _ in found]
        for first, last, _mention, keys in found:
            if last == first:
                continue
            shared, current = keys[1:], first
            while True:
                # the member before: one word back (', '), or two when a conjunction is a word (' and ')
                token = next((k for k in (current - 1, current - 2) if k >= 0 and
                              self.coordination.fullmatch(text, spans[k][1], spans[current][0])), None)
                if token is None:
                    break
                terms = next((t for c in spans[token][2] if (t := self._lookup((c, *shared)))), ())
                if not terms:
                    break
                member = Mention(spans[token][0], spans[token][1], text[spans[token][0]:spans[token][1]], terms)
                if token in by_token:
                    mentions[by_token[token]] = member
                else:
                    mentions.append(member)
                current = token
        return sorted(mentions, key=lambda m: m.start)


_CACHE: dict[tuple[int, str | None], tuple[Gazetteer, Matcher]] = {}
_LOCK = Lock()


def matcher_for(gazetteer: Gazetteer, language: Language | None = None) -> Matcher:
    """The matcher of ``gazetteer`` for ``language``, built on first use (then cached)."""
    key = (id(gazetteer), language.code if language else None)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    with _LOCK:
        matcher = Matcher(gazetteer, language)
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = (gazetteer, matcher)
        return matcher
