"""One exchange's facts from the sentences about it: total, cohorts with their nesting, ranks,
ages, ordinal, mediators, locations and the units it names without numbers.

Totals are only what the text states: one group returned ('100 defenders have returned'), a head
before its breakdown ('Thirty Ukrainians, 22 service members and eight civilians'), 'N in all',
or an 'N for N' formula; two groups side by side ('100 soldiers and one civilian') state none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model import Cohort, Evidence, Exchange, Stated
from .assembling import Draft, evidence_of, phrase_evidence
from .counting import Count
from .language import Language
from .matching import Mention, dateline
from .numbers import parse_number
from .sentences import SentenceFacts

GROUP_KINDS = ("people", "military", "unit", "category", "place", "other")
# Person categories by what they say of a returnee (the concept schemes of ontology/vocabulary.ttl):
# status categories split the returnees like units do; sex is counted over the whole exchange, so a
# count of women inside one group ('one of the eight civilians is a woman') is a further count.
STATUS = frozenset({"military", "civilians"})
SEX = frozenset({"women", "men"})


@dataclass
class _State:
    text: str
    lang: Language
    draft: Draft
    total: Stated[int] | None = None
    total_count: Count | None = None
    total_implicit: bool = False
    total_facts: SentenceFacts | None = None
    handed_over: Stated[int] | None = None
    cohorts: list[Cohort] = field(default_factory=list)
    cohort_counts: list[Count] = field(default_factory=list)
    military: list[tuple[Count, SentenceFacts]] = field(default_factory=list)
    extra: list[tuple[str, Stated[int]]] = field(default_factory=list)


def _exchange_counts(facts: SentenceFacts) -> list[Count]:
    """The counts of a sentence that are about an exchange: in a sentence of running totals, only
    those beside an exchange's date ('..., including 189 released on December 30'), on their own."""
    if not facts.cumulative:
        return facts.counts
    return [replace(c, nested=False, parent=None) for c in facts.counts
            if any(abs(d.start - c.number.end) < 60 and not d.relative for d in facts.event_dates)]


def _groups(counts: list[Count], text: str, lang: Language) -> list[Count]:
    groups = []
    for count in counts:
        if count.nested or count.ref not in (None, "whole") or count.kind in ("russian", "dead"):
            continue
        if count.kind == "other" and not text[count.number.end:count.span[1]].strip() and \
                not lang.completed_return.match(text, count.number.end + 1):
            continue
        groups.append(count)
    return groups


def _stated_total(groups: list[Count], facts: SentenceFacts, state: _State) -> tuple[Count | None, bool]:
    """The count a sentence states as the whole of the exchange, and whether only by being alone."""
    text = state.text
    whole = next((g for g in groups if g.whole), None)
    if whole is not None:
        return whole, False
    if not groups:
        return None, False
    head = groups[0]
    if len(groups) > 1 and head.kind in ("people", "military", "other"):
        follows = text[head.span[1]:groups[1].number.start]
        if state.lang.head_breakdown.fullmatch(follows):
            return head, False
    if len(groups) == 1 and (head.kind in ("people", "military", "other") or facts is state.draft.opened_by):
        return head, True
    return None, False


def _take_total(facts: SentenceFacts, counts: list[Count], state: _State) -> None:
    if state.total is not None or not (facts.completed_return or facts.formula or facts is state.draft.opened_by):
        return
    groups = _groups(counts, state.text, state.lang)
    if facts.formula and facts.formula[0] == facts.formula[1]:
        # '86 for 86, with 15 women among those freed': the formula is the whole, unless more came back
        others = [g for g in groups if not facts.formula[2] <= g.number.start < facts.formula[3]
                  and g.value > facts.formula[0]]
        if not others:
            evidence = evidence_of(facts)
            state.total = Stated(facts.formula[0], evidence)
            state.handed_over = state.handed_over or Stated(facts.formula[1], evidence)
            return
    if not facts.completed_return and facts is not state.draft.opened_by:
        return
    count, implicit = _stated_total(groups, facts, state)
    if count is not None:
        state.total = Stated(count.value, evidence_of(facts), count.qualifier)
        state.total_count, state.total_implicit, state.total_facts = count, implicit, facts


def _parent_cohort(count: Count, counts: list[Count], state: _State) -> int | None:
    if count.parent is not None:
        parent = counts[count.parent]
        if parent is state.total_count or parent.kind in ("people",):
            return None
        if parent in state.cohort_counts:
            return state.cohort_counts.index(parent)
        if parent.kind == "military":
            for index, (military, _facts) in enumerate(state.military):
                if military is parent:
                    return -1 - index
        return None
    if count.ref and count.ref.startswith("value:"):
        value = int(count.ref.split(":")[1])
        for index in range(len(state.cohorts) - 1, -1, -1):
            if state.cohorts[index].count.value == value:
                return index
    if count.ref and count.ref.startswith("place:"):
        key = count.ref.split(":")[1]
        for index, cohort in enumerate(state.cohorts):
            if cohort.defended == key or cohort.captured == key:
                return index
    return None


def _add_cohort(count: Count, facts: SentenceFacts, counts: list[Count], state: _State) -> None:
    fields: dict[str, str | None] = {}
    if count.kind == "unit":
        fields["unit"] = count.key
    elif count.kind == "category":
        fields["category"] = count.key
    elif count.kind == "place":
        fields["captured" if count.role == "captured" else "defended"] = count.key
    else:
        return
    if count is state.total_count and count.kind == "place":
        return
    stated = Stated(count.value, phrase_evidence(state.text, facts, count), count.qualifier)
    cohort = Cohort(count=stated, part_of=_parent_cohort(count, counts, state), **fields)  # type: ignore[arg-type]
    if any(c.categories == cohort.categories for c in state.cohorts):
        return
    state.cohorts.append(cohort)
    state.cohort_counts.append(count)


def _ranks_from_soldiers(counts: list[Count], text: str, lang: Language) -> None:
    """'13 officers and 20 soldiers': soldiers set against officers are the enlisted ranks."""
    for first, second in zip(counts, counts[1:], strict=False):
        if first.key == "officers" and (second.kind in ("military", "other") or second.key == "military") \
                and lang.officers_then.fullmatch(text, first.number.end, second.number.start):
            second.kind, second.key = "category", "enlisted_and_sergeants"


def _read_counts(facts: SentenceFacts, state: _State) -> None:
    if facts.not_completed and not facts.completed_return:
        return   # 'another 307 are expected to return on Saturday': counts of what has not happened
    counts = _exchange_counts(facts)
    _ranks_from_soldiers(counts, state.text, state.lang)
    _take_total(facts, counts, state)
    for count in counts:
        if count.kind == "russian":
            if state.handed_over is None and not facts.cumulative and \
                    not facts.says("held"):
                state.handed_over = Stated(count.value, phrase_evidence(state.text, facts, count), count.qualifier)
            continue
        if count.kind == "military" or count.kind == "category" and count.key == "military":
            if count is not state.total_count and not count.nested and count.ref in (None, "whole"):
                state.military.append((count, facts))
            continue
        if count is state.total_count and count.kind not in ("unit", "category"):
            continue
        _add_cohort(count, facts, counts, state)


def _whole_rules(facts: SentenceFacts, state: _State) -> None:
    """'All ... are privates and sergeants', 'There are no officers', 'the rest privates and sergeants'."""
    text, lang, s = state.text, state.lang, facts.sentence
    evidence = evidence_of(facts)
    enlisted = next((m for m in facts.mentions if (t := m.term_of("category")) and t.key == "enlisted_and_sergeants"),
                    None)
    if facts.says("no_officers"):
        state.extra.append(("officers_zero", Stated(0, evidence)))
    if facts.says("only_women"):
        state.extra.append(("only_women", Stated(0, evidence)))
    if enlisted is not None:
        all_are = [m for m in lang.all_are.finditer(text, s.start, enlisted.start) if enlisted.start - m.end() < 25]
        if all_are:
            state.extra.append(("all_enlisted", Stated(0, evidence)))
        rest = lang.the_rest.search(text, s.start, enlisted.start)
        if rest and enlisted.start - rest.end() < 30:
            state.extra.append(("rest_enlisted", Stated(0, evidence)))
    belong = next((m for m in facts.mentions if m.term_of("unit") and
                   lang.finds("all_belong", text, s.start, m.start)), None)
    if belong is not None:
        state.extra.append(("all_unit:" + belong.term_of("unit").key, Stated(0, evidence)))  # type: ignore[union-attr]


def _finish_ranks(state: _State) -> None:
    flags = {key: stated for key, stated in state.extra}
    keys = {c.category for c in state.cohorts}
    total = state.total.value if state.total else None
    if "officers_zero" in flags and "officers" not in keys:
        state.cohorts.append(Cohort(count=flags["officers_zero"], category="officers"))
    if "all_enlisted" in flags and total is not None and "enlisted_and_sergeants" not in keys:
        stated = Stated(total, flags["all_enlisted"].evidence)
        state.cohorts.append(Cohort(count=stated, category="enlisted_and_sergeants"))
        if "officers" not in keys and "officers_zero" not in flags:
            state.cohorts.append(Cohort(count=Stated(0, stated.evidence), category="officers"))
    officers = next((c for c in state.cohorts if c.category == "officers"), None)
    if "rest_enlisted" in flags and total is not None and officers is not None and \
            "enlisted_and_sergeants" not in {c.category for c in state.cohorts}:
        stated = Stated(total - officers.count.value, flags["rest_enlisted"].evidence)
        state.cohorts.append(Cohort(count=stated, category="enlisted_and_sergeants"))


def _finish_military(state: _State) -> list[tuple[str, Stated[int]]]:
    """Service members become a 'military' cohort where the text splits them from civilians and
    gives no unit breakdown; with a breakdown they are the total of service members. 'All of them
    belong to the National Guard' makes the service members (or everyone) members of that unit."""
    others: list[tuple[str, Stated[int]]] = []
    flags = [(key, stated) for key, stated in state.extra if key.startswith("all_unit:")]
    has_units = any(c.unit for c in state.cohorts)
    if flags and not has_units and state.total is not None and not state.military and \
            not any(c.category in STATUS for c in state.cohorts):
        key, stated = flags[0]
        state.cohorts.append(Cohort(count=Stated(state.total.value, stated.evidence, state.total.qualifier),
                                    unit=key.split(":")[1]))
        return others
    for count, facts in state.military:
        if state.total is not None and count.value == state.total.value:
            continue
        stated = Stated(count.value, phrase_evidence(state.text, facts, count), count.qualifier)
        if flags and not has_units:
            state.cohorts.append(Cohort(count=stated, unit=flags[0][0].split(":")[1]))
        elif has_units:
            others.append(("service_members", stated))
        elif not any(c.category == "military" for c in state.cohorts):
            state.cohorts.append(Cohort(count=stated, category="military"))
    return others


def _finish_sex(state: _State) -> None:
    """'обмін, у якому повертаються лише жінки': all women, no men."""
    only = next((stated for key, stated in state.extra if key == "only_women"), None)
    if only is None or state.total is None or any(c.category == "men" for c in state.cohorts):
        return
    women = next((c for c in state.cohorts if c.category == "women"), None)
    if women is None:
        state.cohorts.append(Cohort(count=Stated(state.total.value, only.evidence), category="women"))
    elif women.count.value != state.total.value or women.part_of is not None:
        return
    state.cohorts.append(Cohort(count=Stated(0, only.evidence), category="men"))


def _name(cohort: Cohort) -> str:
    return cohort.unit or cohort.category or cohort.defended or cohort.captured or "group"


def _may_nest(child: Cohort, parent: Cohort, parent_kept: bool) -> bool:
    """Units and status groups nest in units, status groups and places; places only in places
    ('two of whom fought at Azovstal' is a count by place, beside the count by unit)."""
    if not parent_kept or child.category is not None and child.category not in STATUS:
        return False
    if parent.category is not None and parent.category not in STATUS:
        return False
    return not (child.defended or child.captured) or bool(parent.defended or parent.captured)


def _settle_nesting(state: _State) -> list[tuple[str, Stated[int]]]:
    """Nesting as the graph keeps it: units, status groups and places inside one another; rank and
    other categories cut across groups, so they stand on their own; a count of women or men inside
    one group ('дев'ять жінок' among the civilians) becomes a further count, 'women_among_civilians'."""
    military = next((i for i, c in enumerate(state.cohorts) if c.category == "military"), None)
    kept: list[int] = []
    others: list[tuple[str, Stated[int]]] = []
    parents: dict[int, int | None] = {}
    for index, cohort in enumerate(state.cohorts):
        parent = cohort.part_of
        if parent is not None and parent < 0:
            parent = military
        parents[index] = parent
        if cohort.category in SEX and parent is not None:
            others.append((f"{cohort.category}_among_{_name(state.cohorts[parent])}", cohort.count))
            continue
        kept.append(index)
    position = {old: new for new, old in enumerate(kept)}
    settled = []
    for old in kept:
        cohort = state.cohorts[old]
        parent = parents[old]
        if parent is not None and not _may_nest(cohort, state.cohorts[parent], parent in position):
            parent = None
        settled.append(replace(cohort, part_of=position[parent] if parent is not None else None))
    state.cohorts = settled
    return others


def _check_total(state: _State) -> None:
    """A count taken as the total only because it stood alone is no total if more people came back."""
    if state.total is None or not state.total_implicit:
        return
    top = sum(c.count.value for c in state.cohorts if c.part_of is None and c.unit is None and
              c.category in ("civilians", "military", "foreigners"))
    civilians = sum(c.count.value for c in state.cohorts if c.part_of is None and c.category == "civilians")
    count = state.total_count
    if count is not None and (count.kind == "military" and civilians or count.kind == "people" and top > count.value):
        if count.kind == "military":
            state.military.insert(0, (count, state.total_facts or state.draft.opened_by))
        state.total, state.total_count = None, None


def _ages(facts: SentenceFacts, state: _State) -> dict[str, Stated[int]]:
    text, lang, s = state.text, state.lang, facts.sentence
    found: dict[str, Stated[int]] = {}
    for key, pattern in (("oldest", lang.oldest), ("youngest", lang.youngest)):
        if not lang.finds(key, text, s.start, s.end):
            continue
        for match in pattern.finditer(text, s.start, s.end):
            after = lang.age_after.match(text, match.end(), s.end)
            before = lang.age_before.search(text, max(s.start, match.start() - 30), match.start())
            hit = before or after
            if hit is None:
                continue
            value = parse_number(hit.group("n"), lang.numbers)
            if value is None or not 14 <= value <= 100:
                continue
            qualifier = state.lang.qualifier_names.get((hit.group("q") or "").lower())
            found.setdefault(key, Stated(value, evidence_of(facts), qualifier))
    return found


def _ordinals(facts: SentenceFacts, state: _State) -> list[tuple[Stated[int], str]]:
    """'the fourth exchange since the invasion', 'третій обмін', '... відбувся вперше' (the first)."""
    lang, sentence = state.lang, facts.sentence.text
    found = []
    ordinals = lang.ordinal.finditer(sentence) if facts.says("ordinal") else ()
    for match in ordinals:
        value = lang.ordinal_value(match.group("ord"))
        if value is not None:
            found.append((Stated(value, evidence_of(facts)), (match.group("noun") + match.group("scope")).strip()))
    first = None if found or not facts.says("first_time") else lang.first_time.search(sentence)
    noun = lang.exchange_noun.search(sentence) if first else None
    if not found and first and noun and noun.start() < first.start():
        found.append((Stated(1, evidence_of(facts)), sentence[noun.start():first.start()].strip(" ,;:—–")))
    return found


def _ordinal(found: list[tuple[Stated[int], str]], lang: Language) -> tuple[Stated[int], str] | None:
    """The exchange's number: in the series since the full-scale invasion when the article gives
    several ('the eighth exchange the UAE mediated ... the 57th since the start of the war')."""
    main = [(stated, scope) for stated, scope in found if lang.since_key(scope) == "full_scale_invasion"]
    candidates = main or found
    return candidates[0] if candidates else None


def _mentions(facts: SentenceFacts, state: _State, out: dict[str, list[Stated[str]]]) -> None:
    text, lang, s = state.text, state.lang, facts.sentence
    evidence = evidence_of(facts)
    mediation: bool | None = None   # read when a mediator is named: most sentences name none
    for mention in facts.mentions:
        agent, unit, place = mention.term_of("agent"), mention.term_of("unit"), mention.term_of("place")
        if agent is not None and "Mediator" in agent.classes and mediation is None:
            mediation = facts.says("mediation") and not facts.says("not_mediation")
        if agent is not None and "Mediator" in agent.classes and mediation:
            out["mediators"].append(Stated(agent.key, evidence))
        if unit is not None and not facts.russian_side:
            out["units"].append(Stated(unit.key, evidence))
        if place is None or "DetentionPlace" in place.classes:
            continue
        before = text[max(s.start, mention.start - 60):mention.start]
        if lang.finds_in("not_battle_place", before) or lang.not_battle_after.match(text, mention.end) or \
                _actor(text, s.start, mention, lang):
            continue
        if lang.finds_in("capture_verb", before[-45:]):
            out["captured"].append(Stated(place.key, evidence))
        elif "BattleLocation" in place.classes and not facts.russian_side:
            out["defended"].append(Stated(place.key, evidence))


def _actor(text: str, start: int, mention: Mention, lang: Language) -> bool:
    """A place named for its government or as a dateline ('Kyiv and Moscow agreed', 'Kyiv gave up',
    'KYIV -'), unless the words before it make it a place ('defenders of Kyiv')."""
    if dateline(text, mention):
        return True
    acts = lang.place_as_actor.match(text, mention.end) or \
        lang.actor_before_place.search(text, max(start, mention.start - 25), mention.start)
    return bool(acts) and not lang.finds("location_verb", text, max(start, mention.start - 12), mention.start)


def _unique(values: list[Stated[str]]) -> tuple[Stated[str], ...]:
    seen: dict[str, Stated[str]] = {}
    for value in values:
        seen.setdefault(value.value, value)
    return tuple(seen.values())


def build(draft: Draft, text: str, lang: Language) -> Exchange:
    """The facts of one exchange (``previous`` is set by the caller, who sees every exchange)."""
    state = _State(text=text, lang=lang, draft=draft)
    ages: dict[str, Stated[int]] = {}
    ordinals: list[tuple[Stated[int], str]] = []
    named: dict[str, list[Stated[str]]] = {"mediators": [], "units": [], "captured": [], "defended": []}
    for facts in draft.sentences:
        _read_counts(facts, state)
        _whole_rules(facts, state)
        for key, value in _ages(facts, state).items():
            ages.setdefault(key, value)
        ordinals += _ordinals(facts, state)
        if not facts.cumulative or facts.event_dates:
            _mentions(facts, state, named)
    ordinal = _ordinal(ordinals, lang)
    _check_total(state)
    others = _finish_military(state)
    _finish_ranks(state)
    _finish_sex(state)
    others += _settle_nesting(state)
    cohort_units = {c.unit for c in state.cohorts if c.unit}
    date = draft.date
    return Exchange(
        evidence=evidence_of(draft.opened_by),
        date=Stated(date.value, evidence_of(draft.date_facts)) if date and date.value and draft.date_facts else None,
        month_day=Stated(date.month_day, evidence_of(draft.date_facts))
        if date and not date.value and date.month_day and draft.date_facts else None,
        date_text=date.text if date else None,
        discriminator=draft.discriminator,
        returned_total=state.total, handed_over=state.handed_over,
        cohorts=tuple(state.cohorts),
        units_named=tuple(u for u in _unique(named["units"]) if u.value not in cohort_units),
        mediators=_unique(named["mediators"]),
        locations_defended=_unique(named["defended"]),
        places_captured=_unique(named["captured"]),
        ordinal=ordinal[0] if ordinal else None, ordinal_scope=ordinal[1] if ordinal else None,
        oldest_age=ages.get("oldest"), youngest_age=ages.get("youngest"),
        other_counts=tuple(others),
    )


def with_previous(exchange: Exchange, previous: int | None) -> Exchange:
    return replace(exchange, previous=previous) if previous is not None else exchange


def evidence_for(facts: SentenceFacts) -> Evidence:
    return evidence_of(facts)
