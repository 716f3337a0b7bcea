"""What a number in a sentence counts: a unit, a person category, a place's defenders, everyone.

For each count of a sentence, in order: a name right before it ('National Guard – 59', 'the Navy
for four', 'Officers make up 124'), a partitive ('two of them from ...', '63 of that group were at
Azovstal'), the noun phrase after it ('49 National Guard soldiers', '26 servicemen of the Armed
Forces', '82 defenders of Azovstal'), or what the clause says of it ('95 had defended the Azovstal
steel plant', 'Two are officers'). Nesting follows the text: 'including', 'in particular',
'among them', 'N of them' put a count inside the one before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .language import Language
from .matching import Mention, dateline
from .numbers import Number

GENERIC_CATEGORIES = frozenset({"military"})   # a head noun that a unit may complement ('of the Navy')
# Compiled once: a pattern given to re.search() as a string is looked up in re's cache of 512 on every call.
# where the ninth or tenth word (a run of non-spaces) starts
_NINTH_WORD = re.compile(r"\s*(?:\S+\s+){8}(?=\S)")
_TENTH_WORD = re.compile(r"\s*(?:\S+\s+){9}(?=\S)")
_WHERE = re.compile(r"where\s*$")
_SPACES = re.compile(r"\s+")


@dataclass
class Count:
    number: Number
    kind: str                     # unit | category | place | people | military | russian | dead | other
    key: str | None = None
    role: str | None = None       # for places: defended | captured
    qualifier: str | None = None
    ref: str | None = None        # partitive: 'prev' | 'whole' | 'value:N' | 'place:KEY'
    nested: bool = False          # inside an 'including' scope
    whole: bool = False           # 'N people in all'
    span: tuple[int, int] = (0, 0)
    parent: int | None = None     # index in the sentence's counts
    extra: dict[str, str] = field(default_factory=dict)
    also: list[str] = field(default_factory=list)   # further unit keys a distributive number counts ('по 2')

    @property
    def value(self) -> int:
        return self.number.value


@dataclass(frozen=True)
class SentenceView:
    text: str                     # the whole article text
    start: int
    end: int
    mentions: tuple[Mention, ...]
    numbers: tuple[Number, ...]


def _mention_in(view: SentenceView, start: int, end: int, kinds: tuple[str, ...]) -> Mention | None:
    for mention in view.mentions:
        if mention.start >= start and mention.end <= end and mention.is_any(kinds):
            return mention
    return None


def _last_mention_before(view: SentenceView, end: int, kinds: tuple[str, ...]) -> Mention | None:
    found = None
    for mention in view.mentions:
        if mention.end <= end and mention.is_any(kinds):
            found = mention
    return found


def _np_end(view: SentenceView, start: int, lang: Language, limit: int) -> int:
    stop = lang.search("np_stop", view.text, start, limit)
    end = stop.start() if stop else limit
    ninth = _NINTH_WORD.match(view.text, start, end)
    return ninth.end() if ninth else end


def _next_number_start(view: SentenceView, number: Number) -> int:
    later = [n.start for n in view.numbers if n.start > number.start]
    return min(later) if later else view.end


def _apply_mention(count: Count, mention: Mention, text: str, np_end: int, view: SentenceView) -> None:
    unit, category, place = mention.term_of("unit"), mention.term_of("category"), mention.term_of("place")
    if unit is not None:
        count.kind, count.key = "unit", unit.key
    elif category is not None:
        count.kind, count.key = "category", category.key
        if category.key in GENERIC_CATEGORIES:
            complement = _mention_in(view, mention.end, np_end, ("unit",))
            if complement is not None:
                count.kind, count.key = "unit", complement.term_of("unit").key  # type: ignore[union-attr]
                mention = complement
    elif place is not None:
        count.kind, count.key = "place", place.key
    count.span = (count.span[0], max(count.span[1], mention.end))


def _left_link(view: SentenceView, number: Number, lang: Language) -> Mention | None:
    window = max(view.start, number.start - lang.left_window)
    link = lang.left_link.search(view.text[window:number.start])
    if not link:
        return None
    anchor = window + link.start()
    mention = _last_mention_before(view, anchor + 1, ("unit", "category", "place"))
    if mention is None or view.text[mention.end:anchor].strip(" «»\"“”") or dateline(view.text, mention):
        return None
    where = bool(_WHERE.search(link.group(0)))
    if where != bool(mention.term_of("place")):
        return None
    # 'The Azov Regiment of the National Guard accounts for 108': the head is the first of the chain.
    while True:
        earlier = _last_mention_before(view, mention.start, ("unit",))
        if earlier is None or not lang.unit_of.fullmatch(view.text, earlier.end, mention.start):
            return mention
        mention = earlier


def _predicate(view: SentenceView, count: Count, start: int, lang: Language) -> None:
    """'95 had defended the Azovstal steel plant', 'Two are officers', '71 had left Azovstal'."""
    if view.text[start:start + 3].lstrip().startswith((",", ":", ";")):
        return
    limit = min(_next_number_start(view, count.number), view.end)
    clause = lang.search("clause_break", view.text, start, limit)
    limit = clause.start() if clause else limit
    tenth = _TENTH_WORD.match(view.text, start, limit)
    limit = tenth.end() if tenth else limit
    mention = _mention_in(view, start, limit, ("category", "unit", "place"))
    if mention is None:
        return
    between = view.text[start:mention.start]
    only_place = mention.term_of("place") and not (mention.term_of("unit") or mention.term_of("category"))
    if only_place and not lang.finds_in("location_verb", between) and not lang.finds_in("capture_verb", between):
        return
    _apply_mention(count, mention, view.text, limit, view)
    if count.kind == "place":
        count.role = "captured" if lang.finds_in("capture_verb", between) else "defended"


def _partitive_ref(view: SentenceView, ref: str, start: int, end: int, lang: Language) -> str:
    if lang.partitive_whole.match(ref):
        return "whole"
    if lang.partitive_previous.fullmatch(ref):
        return "prev"
    value = next((n.value for n in view.numbers if start <= n.start < end), None)
    if value is not None:
        return f"value:{value}"
    place = _mention_in(view, start, end, ("place",))
    if place is not None:
        return f"place:{place.term_of('place').key}"  # type: ignore[union-attr]
    return "subset"


_AFTER_ONE_WORD: dict[str, re.Pattern[str]] = {}


def _military_after_one_word(lang: Language) -> re.Pattern[str]:
    if lang.code not in _AFTER_ONE_WORD:
        _AFTER_ONE_WORD[lang.code] = re.compile(r"\s*(?:[\w-]+\s+)?" + lang.military_head.pattern, re.IGNORECASE)
    return _AFTER_ONE_WORD[lang.code]


_PUNCTUATION = re.compile(r"[,;:.()\[\]!?]")


def _phrase_end(text: str, start: int, limit: int) -> int:
    """Where the words right after a number end: the next punctuation mark or number."""
    stop = _PUNCTUATION.search(text, start, limit)
    return stop.start() if stop else limit


_ONE_WORD = re.compile(r"\s*(?:[^\W\d_]+\s+)?")


def _dead_after(text: str, after: int, np_end: int, lang: Language) -> bool:
    """'four bodies', 'три тіла', 'two fallen soldiers': the count's first or second word says they died."""
    found = lang.search("dead", text, after, np_end)
    return found is not None and bool(_ONE_WORD.fullmatch(text, after, found.start()))


def _generic(mention: Mention) -> bool:
    category = mention.term_of("category")
    return mention.term_of("unit") is None and category is not None and category.key in GENERIC_CATEGORIES


def _right_link(view: SentenceView, number: Number, lang: Language) -> Mention | None:
    """'двоє — з «Азову»': the name right after a dash that follows the number."""
    link = lang.right_link.match(view.text, number.end, view.end)
    if not link:
        return None
    mention = next((m for m in view.mentions if m.start >= link.end()), None)
    between = view.text[link.end():mention.start] if mention else ""
    if mention is None or between.strip(" «»\"“”") or not mention.kinds & {"unit", "category"}:
        return None
    return mention


def _coordinated_units(view: SentenceView, first: Mention, np_end: int, lang: Language) -> list[str]:
    """'по 2 представники ВМС і ДССТ': the further units a distributive number counts."""
    keys, previous = [], first
    for mention in view.mentions:
        if mention.start < first.end or mention.start >= max(np_end, first.end) + 80:
            continue
        unit = mention.term_of("unit")
        if unit is None or not lang.coordination.fullmatch(view.text, previous.end, mention.start):
            break
        keys.append(unit.key)
        previous = mention
    return keys


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " ,;:(":
        end -= 1
    return end


def classify(view: SentenceView, number: Number, lang: Language) -> Count:
    """What one count of a sentence counts (nesting is settled by ``read_counts``)."""
    count = Count(number=number, kind="other", span=(number.start, number.end))
    qualifier = lang.search("qualifier_before", view.text, max(view.start, number.start - 25), number.start)
    if qualifier:
        count.qualifier = lang.qualifier_names.get(_SPACES.sub(" ", qualifier.group("q").lower()))
        count.span = (qualifier.start("q"), number.end)
    limit = _next_number_start(view, number)
    partitive = lang.partitive.match(view.text, number.end, limit)
    np_start = number.end
    if partitive:
        count.ref = _partitive_ref(view, partitive.group("ref"), partitive.start("ref"), partitive.end("ref"), lang)
        np_start = partitive.end()
    # '... for 11 and the Navy for four': a name after 'and' belongs to the next count
    np_end = np_start if lang.coordination.match(view.text, np_start) else _np_end(view, np_start, lang, limit)
    if not _other_side(count, view, np_end, limit, lang) and not _named(count, view, np_start, np_end, lang):
        _unnamed(count, view, np_end, partitive is not None, lang)
    return count


def _other_side(count: Count, view: SentenceView, np_end: int, limit: int, lang: Language) -> bool:
    """Russians ('four captured Russian soldiers') and the dead ('four bodies') are no returnees."""
    text, number = view.text, count.number
    if lang.finds("russian", text, number.end, _phrase_end(text, number.end, limit)) or \
            lang.matches_at("to_russia", text, np_end, view.end):
        count.kind = "russian"
    elif lang.finds("dead", text, max(view.start, number.start - 15), number.start) or \
            _dead_after(text, number.end, np_end, lang):
        count.kind = "dead"
    return count.kind != "other"


def _named(count: Count, view: SentenceView, np_start: int, np_end: int, lang: Language) -> bool:
    """A name of the gazetteer says what the count is: in its noun phrase, or linked to it."""
    text, number = view.text, count.number
    mention = _mention_in(view, np_start, np_end, ("unit", "category", "place"))
    if mention is not None and lang.finds("distributive", text, max(view.start, number.start - 8), number.start):
        count.also = _coordinated_units(view, mention, np_end, lang)
    link = None if mention is not None and not _generic(mention) else \
        _left_link(view, number, lang) or _right_link(view, number, lang)
    if link is not None:
        _apply_mention(count, link, text, link.end, view)
        count.span = (min(link.start, count.span[0]), max(count.span[1], link.end))
        if count.kind == "place":
            count.role = "defended"
        return True
    if mention is None:
        return False
    count.span = (count.span[0], max(count.span[1], _trim_end(text, np_end)))
    if mention.term_of("unit") and not count.also and _coordinated_units(view, mention, np_end, lang):
        count.kind = "military"   # '147 бойців ЗСУ, Нацгвардії та ДПСУ': service members of several units
        return True
    _apply_mention(count, mention, text, np_end, view)
    if count.kind == "place":
        count.role = "captured" if lang.finds("capture_verb", text, number.end, mention.start) else "defended"
    if count.kind == "category" and count.key in GENERIC_CATEGORIES:
        count.kind, count.key = "military", None
        _predicate(view, count, np_end, lang)
    return True


def _unnamed(count: Count, view: SentenceView, np_end: int, partitive: bool, lang: Language) -> None:
    """No name: the head noun ('Ukrainians', 'soldiers'), then what the clause says of the count."""
    text, after = view.text, count.number.end
    phrase = text[after:np_end]
    if lang.whole_total.match(text, np_end) or lang.whole_total.match(text, after):
        count.whole = True
    if lang.military_head.match(phrase.strip()) or _military_after_one_word(lang).match(phrase):
        count.kind = "military"
    elif lang.finds_in("people_head", phrase) or (partitive and count.ref == "whole"):
        count.kind = "people"
    count.span = (count.span[0], max(count.span[1], np_end))
    _predicate(view, count, np_end, lang)
    if lang.free_word_order and count.kind in ("other", "people"):
        _predicate_before(view, count, lang)


_CLAUSE_START = re.compile(r".*[,;:—–(]\s*", re.DOTALL)


def _predicate_before(view: SentenceView, count: Count, lang: Language) -> None:
    """'Оборону «Азовсталі» тримали 74 зі звільнених': a place and its verb before the count."""
    start = view.start
    head = _CLAUSE_START.match(view.text, view.start, count.number.start)
    if head:
        start = head.end()
    place = _last_mention_before(view, count.number.start, ("place",))
    if place is None or place.start < start or place.term_of("unit") or place.term_of("category"):
        return
    clause = view.text[start:count.number.start]
    if lang.finds_in("capture_verb", clause):
        count.kind, count.key, count.role = "place", place.term_of("place").key, "captured"  # type: ignore[union-attr]
    elif lang.finds("location_verb", view.text, place.end, count.number.start) or \
            lang.finds("location_verb", view.text, start, place.start):
        count.kind, count.key, count.role = "place", place.term_of("place").key, "defended"  # type: ignore[union-attr]
    else:
        return
    count.span = (min(count.span[0], start), count.span[1])


def _nest_scopes(view: SentenceView, lang: Language) -> list[tuple[int, int]]:
    scopes: list[tuple[int, int]] = []
    if not lang.finds("nest_open", view.text, view.start, view.end):
        return scopes
    for opening in lang.nest_open.finditer(view.text, view.start, view.end):
        closer = lang.nest_close_short if lang.nest_short.fullmatch(opening.group(0)) else lang.nest_close
        close = closer.search(view.text, opening.end(), view.end)
        scopes.append((opening.start(), close.start() if close else view.end))
    return scopes


def read_counts(view: SentenceView, lang: Language) -> list[Count]:
    """Every count of a sentence, classified, with nesting inside the sentence settled."""
    counts = []
    for number in view.numbers:
        count = classify(view, number, lang)
        counts.append(count)
        counts.extend(replace(count, kind="unit", key=key, also=[]) for key in count.also)
    scopes = _nest_scopes(view, lang) if counts else []
    for index, count in enumerate(counts):
        scope = next((s for s in scopes if s[0] < count.number.start < s[1]), None)
        count.nested = scope is not None
        if scope is not None:
            count.span = (scope[0], count.span[1]) if not any(
                scope[0] < c.number.start < count.number.start for c in counts) else count.span
        if count.nested or count.ref == "prev":
            parent = next((i for i in range(index - 1, -1, -1)
                           if not counts[i].nested and counts[i].kind not in ("russian", "dead", "other")
                           and (scope is None or counts[i].number.start < scope[0])), None)
            count.parent = parent
    return counts
