"""The English of exchange reporting: the words and phrase patterns the extractor reads.

Only words of the genre live here (return verbs, speech verbs, 'including', 'of them', 'the
oldest'); names of units, categories, places and agents come from the gazetteer. Ukrainian and
Russian provide the same fields (``ukrainian.py``, ``russian.py``); ``language.py`` says what each is.
"""

from __future__ import annotations

import re

from .language import NEVER, Language
from .numbers import ENGLISH_NUMBERS

__all__ = ["ENGLISH", "Language"]

_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}

_N = r"(?:\d[\d,  ]*|[a-z]+(?:-[a-z]+)?)"

ENGLISH = Language(
    code="en",
    numbers=ENGLISH_NUMBERS,
    ordinal_words=_ORDINAL_WORDS,
    qualifier_before=re.compile(
        r"(?:\b(?P<q>at\s+least|more\s+than|over|no\s+fewer\s+than|not\s+less\s+than|nearly|almost|about|"
        r"around|roughly|approximately|some|under|up\s+to|as\s+many\s+as))\s+$", re.IGNORECASE),
    qualifier_names={"at least": "at least", "more than": "more than", "over": "over",
                     "no fewer than": "no fewer than", "not less than": "no fewer than", "nearly": "nearly",
                     "almost": "almost", "about": "about", "around": "about", "roughly": "about",
                     "approximately": "about", "some": "about", "under": "under", "up to": "up to"},
    completed_return=re.compile(
        r"\b(?:(?:were|was|been|are|is|being|be|got|get)\s+(?:\w+\s+)?(?:freed|released|returned|rescued|"
        r"liberated|repatriated|exchanged|swapped|traded|brought\s+(?:back|home)|set\s+free)"
        r"|freed|frees|released|releases|returned|returns|return\s+home|rescued|repatriated|liberated|"
        r"(?:brought|brings|bringing|bring)\s+(?:\w+\s+){0,6}?(?:back|home)|"
        r"came\s+(?:back|home)|come\s+home|coming\s+home|(?:are|is|were)\s+(?:now\s+)?(?:back|home|free)|"
        r"back\s+home|on\s+their\s+way\s+(?:home|back)|got\s+back|gets\s+back|secured\s+the\s+(?:return|release)|"
        r"traded|swapped|exchanged|handed\s+over\s+to\s+(?:ukraine|kyiv|the\s+ukrainian\s+side)|went\s+the\s+other\s+way|received|managed\s+to\s+(?:return|bring|free|"
        r"release|rescue|repatriate|liberate|get\s+back))\b",
        re.IGNORECASE),
    exchange_noun=re.compile(r"\b(?:exchange|swap|prisoner\s+exchange)s?\b", re.IGNORECASE),
    completed_exchange=re.compile(
        r"\b(?:completed|carried\s+out|conducted|held|announced|took\s+place|happened|performed|made)\b"
        r"(?:\s+[\w'-]+){0,8}?\s+(?:exchange|swap)\b|\b(?:exchange|swap)\b(?:\s+[\w'-]+){0,8}?\s+(?:took\s+place|"
        r"was\s+completed|was\s+carried\s+out|happened)\b", re.IGNORECASE),
    not_completed=re.compile(
        r"\b(?:will|would|could|might|shall|about\s+to|agreed\s+to|agree\s+to|plans?\s+to|planned|"
        r"expected\s+to|ready\s+to|hopes?\s+to|wants?\s+to|intends?\s+to|to\s+(?:swap|trade|exchange)|"
        r"(?:no\s+one|nobody|none\s+of\s+them)\s+(?:has|have|had)\s+(?:yet\s+)?been|"
        r"(?:has|have|had)\s+not\s+(?:yet\s+)?been\s+(?:released|freed|returned|exchanged|swapped)|"
        r"(?:has|have)\s+yet\s+to\s+(?:take\s+place|happen|be\s+(?:released|freed|returned))|"
        r"agreement\b[^.;]{0,60}\b(?:was|has\s+been|had\s+been)\s+(?:reached|signed)|agreed\s+(?:on|in\s+principle))\b",
        re.IGNORECASE),
    past_marker=re.compile(
        r"\b(?:previous|preceding|prior|earlier|last|former)\s+(?:\w+\s+){0,2}?(?:exchanges?|swaps?)\b"
        r"|^(?:previously|earlier)\b|\blet\s+us\s+remember\b|^in\s+(?:early\s+|mid-|late\s+)?(?:january|february|"
        r"march|april|may|june|july|august|september|october|november|december)\b|\b(?:last|earlier\s+this)\s+"
        r"(?:week|month)\b|\b(?:biggest|largest)\s+(?:single\s+)?"
        r"(?:exchange|swap|return)\b.*\b(?:was|took\s+place)\b|\b(?:days?|weeks?|months?)\s+after\s+an?\s+"
        r"(?:[\w-]+\s+){0,2}(?:exchange|swap)\b",
        re.IGNORECASE),
    another_exchange=re.compile(r"^also\s+on\b|\b(?:a|another)\s+(?:separate|second|local|smaller|further)\s+"
                                r"(?:exchange|swap)\b", re.IGNORECASE),
    aside=re.compile(r"^(?:separately|in\s+other\s+news|meanwhile)\b", re.IGNORECASE),
    dead=re.compile(r"\b(?:bod(?:y|ies)|remains|fallen|killed|dead)\b", re.IGNORECASE),
    not_event_date=re.compile(
        r"\b(?:since|as\s+of|until|till|by|before|from|between)\s+(?:the\s+)?(?:end\s+of\s+)?$"
        r"|\b(?:abducted|kidnapped|seized|captured|detained|arrested|born|began|begun|started|launched|killed|"
        r"died|sentenced|invaded)\b(?:\s+\w+){0,2}\s*$",
        re.IGNORECASE),
    people_head=re.compile(r"(?:ukrainians?|people|persons?|individuals?|citizens?|captives?|returnees?|"
                           r"compatriots?|hostages?|prisoners?|detainees?|of\s+(?:its|our|their)\s+\w+)\b",
                           re.IGNORECASE),
    military_head=re.compile(r"(?:(?:ukrainian\s+)?(?:soldiers?|servicem[ae]n|service\s*(?:members?|men|women)|"
                             r"servicewom[ae]n|military(?:\s+personnel)?|troops|fighters?|defenders?|warriors?|"
                             r"combatants?|prisoners\s+of\s+war|pows?|marines?|personnel|members?|employees?))\b",
                             re.IGNORECASE),
    russian=re.compile(r"\b(?:russians\b|russian\s+(?:\w+\s+){0,2}?(?:soldiers|servicemen|service\s+members|"
                       r"prisoners|pows|military|troops|civilians|seamen|sailors|conscripts|commanders?|fighters|"
                       r"citizens|pilots|people|nationals)|captured\s+russian\w*)\b", re.IGNORECASE),
    np_stop=re.compile(r"[,;:()\[\]\n.!?\"“”«»–—]|\s-\s|\b(?:are|is|were|was|have|has|had|who|which|that|whom|"
                       r"whose|came|come|returned|return|returning|defended|fought|fight|held|hold|took|been|"
                       r"went|will|would|to|in|on|at|into|after|when|while|with|by|under|for|plus|among|near|around|outside|"
                       r"as|than|of\s+(?:them|whom|those|these|its)|alongside|accounts?|make|makes|"
                       r"had|need|needs|suffer\w*|spent|ran|served|left|captured|taken|brought|released|"
                       r"freed|went)\b", re.IGNORECASE),
    partitive=re.compile(
        r"\s*(?:of\s+(?P<ref>them|whom|those(?:\s+(?:freed|released|returned|rescued|liberated|who\s+\w+))?|these|that\s+group|the\s+group|its\s+\w+|"
        r"our\s+\w+|their\s+\w+|the\s+(?:[\w-]+\s+){0,3}?(?:group|freed|released|returnees|individuals|"
        r"prisoners|soldiers|defenders|people|returning\s+[\w\s]+?|liberated\s+[\w\s]+?|freed\s+\w+|"
        r"service\s+members|servicemen|civilians)|the\s+\w+))\b", re.IGNORECASE),
    left_link=re.compile(r"(?:\s+(?:accounts?\s+for|accounted\s+for|make\s+up|makes\s+up|made\s+up|for|"
                         r"numbered|totall?ed)|\s*[–—-]|\s*:|\s*\(|\s+(?:was|were|is)\s+where)\s*$", re.IGNORECASE),
    nest_open=re.compile(r"\b(?:including|in\s+particular|among\s+(?:them|whom)|of\s+which|of\s+whom)\b",
                         re.IGNORECASE),
    nest_close=re.compile(r"\b(?:as\s+well\s+as|while|whereas|plus|and\s+also|the\s+rest)\b|[);]",
                          re.IGNORECASE),
    nest_short=re.compile(r"among\s+(?:them|whom)|of\s+which|of\s+whom", re.IGNORECASE),
    nest_close_short=re.compile(r"[,;)]|\b(?:as\s+well\s+as|while|and)\b", re.IGNORECASE),
    to_russia=re.compile(r"[^.;]{0,40}?\b(?:handed|returned|sent|released|transferred|given)\s+(?:back\s+|over\s+)?"
                         r"(?:to\s+)(?:russia|moscow|the\s+russian\s+side)\b", re.IGNORECASE),
    russian_side=re.compile(r"\b(?:on\s+the\s+russian\s+side|(?:russia|moscow)(?:'s|’s)?\s+(?:defen[cs]e\s+ministry|"
                            r"ministry\s+of\s+defen[cs]e)|russian\s+(?:defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e)|"
                            r"(?:russian|moscow)[\s-]installed|moscow\s+said|russia\s+said|kremlin)\b", re.IGNORECASE),
    back_to_main=re.compile(r"\b(?:this\s+(?:exchange|swap|time)|today(?:'s|’s)?|the\s+latest|the\s+current)\b",
                            re.IGNORECASE),
    took_place=re.compile(r"\b(?:took\s+place|happened|was\s+held|was\s+carried\s+out)\b", re.IGNORECASE),
    whole_total=re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:in\s+all|in\s+total|altogether|overall)\b", re.IGNORECASE),
    formula=re.compile(rf"\b(?P<a>{_N})(?:\s+[\w-]+){{0,3}}?(?:\s+|-)for(?:\s+|-)(?P<b>{_N})\b", re.IGNORECASE),
    location_verb=re.compile(r"\b(?:defend\w*|fought|fight\w*|held\s+out|were\s+at|was\s+at|served|stationed|"
                             r"left|came\s+from|from|at|in|of)\b", re.IGNORECASE),
    capture_verb=re.compile(r"\b(?:captured|taken\s+(?:prisoner|captive)|seized|fell\s+into|detained)\b",
                            re.IGNORECASE),
    not_battle_place=re.compile(
        r"\b(?:occupied|authorities|officials|commanders|administration|governor|mayor|disappeared|"
        r"next\s+to|born|lives?\s+in|lived|billboard|flown\s+to|sail\w*\s+to|sentenced|head\s+of|leader\s+in)"
        r"\b(?:\s+[\w'-]+){0,3}\s*$", re.IGNORECASE),
    all_are=re.compile(r"\b(?:all|all\s+of\s+(?:them|the\s+\w+)|all\s+the\s+(?:[\w-]+\s+){0,2}?\w+|everyone|"
                       r"each\s+of\s+them)\s+(?:are|were|is)\s+(?:from\s+the\s+)?", re.IGNORECASE),
    no_officers=re.compile(r"\b(?:there\s+(?:are|were)\s+no\s+officers|no\s+officers\s+(?:are|were)\s+among|"
                           r"none\s+(?:of\s+them\s+)?(?:are|were|is)\s+officers)\b", re.IGNORECASE),
    the_rest=re.compile(r"\b(?:the\s+rest|the\s+others|everyone\s+else|all\s+the\s+others|the\s+remaining|"
                        r"all\s+others)\b(?!\s+\d)(?!\s+[a-z]+-?[a-z]*\s+(?:are|were)\b)", re.IGNORECASE),
    all_belong=re.compile(r"\ball\s+(?:belong\s+to|serve\s+in|are\s+(?:members|soldiers|servicemen)\s+of|"
                          r"are\s+from)\s+(?:the\s+)?$", re.IGNORECASE),
    only_women=re.compile(r"\b(?:only\s+women|all[\s-]+(?:female|women))\b", re.IGNORECASE),
    oldest=re.compile(r"\b(?:the\s+)?oldest\b", re.IGNORECASE),
    youngest=re.compile(r"\b(?:the\s+)?youngest\b", re.IGNORECASE),
    age_after=re.compile(r"(?:\s+(?:of\s+the\s+|among\s+the\s+)?(?:[\w-]+\s+){0,2}?)?(?:\s*(?:is|was|has\s+"
                         r"(?:only\s+)?(?:just\s+)?reached|turned|aged|,)\s*)*(?:(?P<q>under|almost|nearly|over|"
                         r"about)\s+)?(?P<n>\d{1,3}|[a-z]+(?:-[a-z]+)?)\b", re.IGNORECASE),
    age_before=re.compile(r"(?:(?P<q>under|almost|nearly|over|about)\s+)?(?P<n>\d{1,3})\s+(?:years?\s+old\s+)?"
                          r"for\s+(?:the\s+)?$", re.IGNORECASE),
    ordinal=re.compile(
        r"\b(?P<ord>\d{1,3}(?:st|nd|rd|th)|" + "|".join(_ORDINAL_WORDS) + r")\b,?"
        r"(?P<mods>(?:\s+(?!and\b|of\b)[\w-]+){0,3}?)\s+(?P<noun>(?:prisoner\s+)?(?:exchange|swap))\b"
        r"(?P<scope>(?:\s+(?:between|of|since|in|with|for|during|after|among)\b[^.;,:]*)?)", re.IGNORECASE),
    mediation=re.compile(
        r"\b(?:mediat\w*|brokered|broker|go[\s-]between|intermediar\w*|facilitat\w*|with\s+the\s+(?:help|"
        r"assistance|support)\s+of|thanks\s+to|(?:grateful|gratitude|thank\w*)\s+(?:to\s+)?.{0,60}?\bfor\b|"
        r"assistance\s+in\s+(?:organi[sz]ing|arranging)|helped\s+(?:to\s+)?(?:organi[sz]e|arrange|secure)|"
        r"involved\s+in\s+(?:arranging|organi[sz]ing)|agreement\s+(?:[\w'’-]+\s+){0,3}?(?:reached\s+|struck\s+)?"
        r"(?:between|with))", re.IGNORECASE),
    not_mediation=re.compile(r"\bgrain\b", re.IGNORECASE),
    speech=re.compile(r"\b(?:said|says|say|stated|states|wrote|writes|reported|reports|announced|announces|"
                      r"noted|notes|added|adds|told|posted|explained|clarified|emphasi[sz]ed|stressed|confirmed|"
                      r"claimed|declared|informed|according\s+to|as\s+(?:\w+\s+){0,6}?(?:reported|said|noted|"
                      r"stated|wrote)|by\s+(?:his|her|its|their)\s+count|counts|counted|has\s+put|put\s+the\s+"
                      r"number|described|recalled)\b", re.IGNORECASE),
    speech_anaphor=re.compile(r"\b(?:the\s+(?:statement|post|message|report|department|headquarters|ministry|"
                              r"office|agency|directorate|service|ombudsman|commissioner|president)|he|she|they|"
                              r"his|her|its)\b", re.IGNORECASE),
    cumulative=re.compile(
        r"\bsince\s+(?:the\s+)?(?:start|beginning|outbreak|full[\s-]scale|invasion|war|[0-9]|february|"
        r"march|this\s+work|the\s+exchanges|exchanges|then)|\bto\s+date\b|\bso\s+far\b|\bin\s+total\b.*\bnow\b|"
        r"\b(?:a\s+total\s+of|in\s+total)\b[^.;]*\b(?:have|has)\s+(?:now\s+|so\s+far\s+|already\s+)?been\b|"
        r"\b(?:remain|remains|are\s+still|is\s+still)\s+(?:held\s+)?in\s+(?:russian\s+)?captivity\b|"
        r"\bholds?\s+(?:more\s+than\s+|over\s+|about\s+|some\s+|at\s+least\s+)?\d|\bin\s+(?:19|20)\d\d\b|\bthis\s+year\b|\bover\s+the\s+(?:year|past)\b|"
        r"\bin\s+(?:a|the\s+past|the\s+last)\s+(?:week|month|year)\b|\bbetween\s+(?:mid-|early\s+|late\s+)?"
        r"(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+and\b|"
        r"\bas\s+of\b|\bthrough\s+(?:the\s+)?exchanges\b|\bthe\s+(?:total\s+)?number\s+of\b|\bthe\s+total\b[^.;]{0,40}\bto\s+\d|\boverall\b|\baltogether\b|"
        r"\bstill\s+(?:held|in\s+captivity)|\bremain\s+in\s+captivity", re.IGNORECASE),
    superlative_since=re.compile(r"\b(?:largest|biggest|major|largest-ever|most|\d+(?:st|nd|rd|th)|"
                                 + "|".join(_ORDINAL_WORDS) + r")\b[^.;]{0,80}?\b(?:since|yet|"
                                 r"to\s+date|this\s+(?:year|month|week)|in\s+(?:19|20)\d\d)\b|"
                                 r"\bso\s+far\b[^.;]{0,30}\b(?:largest|biggest)\b", re.IGNORECASE),
    held=re.compile(r"\b(?:held|holding|in\s+captivity|captive|remain)\b", re.IGNORECASE),
    as_of=re.compile(r"\bas\s+of\s+$", re.IGNORECASE),
    previous_exchange=re.compile(
        r"\b(?:previous|preceding|prior|last)\s+(?:[\w-]+\s+){0,2}?(?:exchange|swap)s?\b|^previously\b", re.IGNORECASE),
    partitive_previous=re.compile(r"(?:them|whom|these|those|that\s+group|the\s+group)", re.IGNORECASE),
    partitive_whole=re.compile(r"(?:its|our|their)\b|(?:those|the)\s+(?:freed|released|returned|rescued|liberated|"
                               r"returnees|returning|exchanged|who\s+(?:came|returned))\b", re.IGNORECASE),
    left_window=40,
    unit_of=re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE),
    free_word_order=False,
    right_link=NEVER,
    distributive=NEVER,
    clause_break=re.compile(r"[;()]|,\s+(?:and|while|but|among|including|in\s+particular)\b|\.\s", re.IGNORECASE),
    officers_then=re.compile(r"\s+(?:are\s+)?officers?\s*(?:,|and)\s*(?:are\s+)?", re.IGNORECASE),
    head_breakdown=re.compile(r"[^,:;]{0,40}?[,:–—]\s*(?:namely\s+)?", re.IGNORECASE),
    coordination=re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)\s*", re.IGNORECASE),
    not_battle_after=re.compile(r"\s*(?:people['’]s\s+republic|(?:regional\s+|oblast\s+|city\s+)(?:military\s+)?"
                                r"(?:administration|council|court|prosecutor)|court\b)", re.IGNORECASE),
    place_as_actor=re.compile(
        r"\s+(?:and\s+Moscow|has|have|had|would|will|says?|said|gave|gives?|announced|released|handed|completed|"
        r"agreed|received|freed|frees|wants?|insist\w*|hopes?|denied|accused|claim\w*|reported|confirmed|sent|"
        r"did\s+not|does\s+not|also|is\s+(?:ready|preparing|working))\b", re.IGNORECASE),
    actor_before_place=re.compile(r"\bMoscow\s+(?:and|or)\s+$", re.IGNORECASE),
    first_time=re.compile(r"\bfor\s+the\s+(?:very\s+)?first\s+time\b", re.IGNORECASE),
    since=(("full_scale_invasion", re.compile(
        r"full[\s-]scale|since\s+(?:the\s+)?(?:start|beginning|outbreak)\s+of\s+the\s+(?:war|invasion)|"
        r"since\s+(?:the\s+)?invasion|24\s+february|february\s+24|since\s+russia\s+invaded", re.IGNORECASE)),
           ("year", re.compile(r"\b(?:in|over|during|at|of|for)\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE))),
    trailing_attribution=re.compile(
        r"[\"”»]?\s*,\s*[\"”»]?\s*(?:(?:as\s+)?(?:[\w'’.-]+\s+){0,6}?(?:writes|wrote|said|says|reported|reports|"
        r"stated|noted|announced|added|told)\b[^,;]*|according\s+to\b[^;]*)$", re.IGNORECASE),
    implicit_one=re.compile(r"(?:\band|\bplus|\bas\s+well\s+as|\bthat|,)\s+(?P<a>an?)\s+(?=\w)", re.IGNORECASE),
)
