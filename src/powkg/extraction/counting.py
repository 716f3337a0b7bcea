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
from dataclasses import dataclass, field

from .english import Language
from .matching import Mention
from .numbers import Number

GENERIC_CATEGORIES = frozenset({"military"})   # a head noun that a unit may complement ('of the Navy')


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
        if mention.start >= start and mention.end <= end and mention.kinds & set(kinds):
            return mention
    return None


def _last_mention_before(view: SentenceView, end: int, kinds: tuple[str, ...]) -> Mention | None:
    found = None
    for mention in view.mentions:
        if mention.end <= end and mention.kinds & set(kinds):
            found = mention
    return found


def _np_end(view: SentenceView, start: int, lang: Language, limit: int) -> int:
    stop = lang.np_stop.search(view.text, start, limit)
    end = stop.start() if stop else limit
    words = list(re.finditer(r"\S+", view.text[start:end]))
    return start + words[8].start() if len(words) > 8 else end


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
    window = max(view.start, number.start - 40)
    link = lang.left_link.search(view.text[window:number.start])
    if not link:
        return None
    anchor = window + link.start()
    mention = _last_mention_before(view, anchor + 1, ("unit", "category", "place"))
    if mention is None or view.text[mention.end:anchor].strip() or mention.text.isupper() and len(mention.text) > 3:
        return None
    where = bool(re.search(r"where\s*$", link.group(0)))
    category = mention.term_of("category")
    if where != bool(mention.term_of("place")) or (category is not None and category.key in GENERIC_CATEGORIES
                                                    and mention.term_of("unit") is None):
        return None
    # 'The Azov Regiment of the National Guard accounts for 108': the head is the first of the chain.
    while True:
        earlier = _last_mention_before(view, mention.start, ("unit",))
        if earlier is None or not re.fullmatch(r"\s+of\s+(?:the\s+)?", view.text[earlier.end:mention.start]):
            return mention
        mention = earlier


def _predicate(view: SentenceView, count: Count, start: int, lang: Language) -> None:
    """'95 had defended the Azovstal steel plant', 'Two are officers', '71 had left Azovstal'."""
    if view.text[start:start + 3].lstrip().startswith((",", ":", ";")):
        return
    limit = min(_next_number_start(view, count.number), view.end)
    clause = re.search(r"[;()]|,\s+(?:and|while|but|among|including|in\s+particular)\b|\.\s", view.text[start:limit])
    limit = start + clause.start() if clause else limit
    words = list(re.finditer(r"\S+", view.text[start:limit]))
    limit = start + words[9].start() if len(words) > 9 else limit
    mention = _mention_in(view, start, limit, ("category", "unit", "place"))
    if mention is None:
        return
    between = view.text[start:mention.start]
    only_place = mention.term_of("place") and not (mention.term_of("unit") or mention.term_of("category"))
    if only_place and not lang.location_verb.search(between) and not lang.capture_verb.search(between):
        return
    _apply_mention(count, mention, view.text, limit, view)
    if count.kind == "place":
        count.role = "captured" if lang.capture_verb.search(between) else "defended"


def _partitive_ref(view: SentenceView, ref: str, start: int, end: int) -> str:
    words = ref.lower().split()
    if words[0] in ("its", "our", "their"):
        return "whole"
    if words[0] in ("them", "whom", "those", "these") or ref.lower() in ("that group",):
        return "prev" if words[0] != "those" or len(words) == 1 else "subset"
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


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " ,;:(":
        end -= 1
    return end


def classify(view: SentenceView, number: Number, lang: Language) -> Count:
    """What one count of a sentence counts (nesting is settled by ``read_counts``)."""
    text = view.text
    count = Count(number=number, kind="other", span=(number.start, number.end))
    qualifier = lang.qualifier_before.search(text, max(view.start, number.start - 25), number.start)
    if qualifier:
        count.qualifier = lang.qualifier_names.get(re.sub(r"\s+", " ", qualifier.group("q").lower()))
        count.span = (qualifier.start("q"), number.end)
    limit = _next_number_start(view, number)
    after = number.end
    partitive = lang.partitive.match(text, after, limit)
    np_start = after
    if partitive:
        count.ref = _partitive_ref(view, partitive.group("ref"), partitive.start("ref"), partitive.end("ref"))
        np_start = partitive.end()
    np_end = _np_end(view, np_start, lang, limit)
    phrase = text[after:np_end]
    if lang.russian.search(phrase) or lang.to_russia.match(text, np_end, view.end):
        count.kind = "russian"
        return count
    if lang.dead.search(text, max(view.start, number.start - 15), number.start) or \
            re.match(r"\s+(?:bod(?:y|ies)|remains)\b", text[after:np_end], re.IGNORECASE):
        count.kind = "dead"
        return count
    left = _left_link(view, number, lang)
    if left is not None:
        _apply_mention(count, left, text, left.end, view)
        count.span = (left.start, count.span[1])
        if count.kind == "place":
            count.role = "defended"
        return count
    mention = _mention_in(view, np_start, np_end, ("unit", "category", "place"))
    if mention is not None:
        _apply_mention(count, mention, text, np_end, view)
        count.span = (count.span[0], max(count.span[1], _trim_end(text, np_end)))
        if count.kind == "place":
            count.role = "captured" if lang.capture_verb.search(text, after, mention.start) else "defended"
        if count.kind != "category" or count.key not in GENERIC_CATEGORIES:
            return count
        count.kind, count.key = "military", None
        _predicate(view, count, np_end, lang)
        return count
    if lang.whole_total.match(text, np_end) or lang.whole_total.match(text, after):
        count.whole = True
    if lang.military_head.match(phrase.strip()) or _military_after_one_word(lang).match(phrase):
        count.kind = "military"
    elif lang.people_head.search(phrase) or (partitive and count.ref == "whole"):
        count.kind = "people"
    count.span = (count.span[0], max(count.span[1], np_end))
    _predicate(view, count, np_end, lang)
    return count


def _nest_scopes(view: SentenceView, lang: Language) -> list[tuple[int, int]]:
    scopes = []
    for opening in lang.nest_open.finditer(view.text, view.start, view.end):
        closer = lang.nest_close_short if lang.nest_short.fullmatch(opening.group(0)) else lang.nest_close
        close = closer.search(view.text, opening.end(), view.end)
        scopes.append((opening.start(), close.start() if close else view.end))
    return scopes


def read_counts(view: SentenceView, lang: Language) -> list[Count]:
    """Every count of a sentence, classified, with nesting inside the sentence settled."""
    counts = [classify(view, number, lang) for number in view.numbers]
    scopes = _nest_scopes(view, lang)
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
