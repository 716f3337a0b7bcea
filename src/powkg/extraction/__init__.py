"""Extraction: an article's clean text -> the facts it states about prisoner exchanges.

    extract_facts(article, gazetteer) -> Facts

Every value is a ``Stated`` whose ``Evidence`` holds the exact characters that state it
(``article.text[e.start:e.end] == e.quote``) and who the article credits with it. The stages:

    segmenting   lines, sentences, quotations (offsets into the clean text)
    matching     the gazetteer's surface forms, one compiled regex per gazetteer
    numbers      digits with separators, number words
    dates        date lines, dates in text resolved against the published date
    counting     what each number counts, and its nesting
    sentences    one sentence read once: mentions, dates, counts, cues
    attribution  who stated each sentence
    assembling   which exchange each sentence is about
    building     one exchange's facts
    totals       running totals
    language     what a language provides: cue words and phrase patterns of the genre
    english, ukrainian, russian    one module per language
    morphology   inflected Ukrainian and Russian forms (pymorphy3)
"""

from __future__ import annotations

from bisect import bisect_left

from ..model import Article, Facts
from ..vocabulary import Gazetteer
from .assembling import assign
from .attribution import attribute
from .building import build, with_previous
from .english import ENGLISH
from .language import Language
from .matching import Mention, matcher_for
from .russian import RUSSIAN
from .segmenting import split_sentences
from .sentences import read_sentence
from .totals import merge_totals, running_totals
from .ukrainian import UKRAINIAN

__all__ = ["extract_facts", "language_of", "LANGUAGES"]

LANGUAGES: dict[str, Language] = {"en": ENGLISH, "uk": UKRAINIAN, "ru": RUSSIAN}


def language_of(article: Article) -> Language:
    """The patterns for the article's language (English for a language the extractor does not know)."""
    return LANGUAGES.get(article.language, ENGLISH)


def _inside(mentions: list[Mention], start: int, end: int) -> tuple[Mention, ...]:
    first = bisect_left([m.start for m in mentions], start)
    found = []
    for mention in mentions[first:]:
        if mention.start >= end:
            break
        if mention.end <= end:
            found.append(mention)
    return tuple(found)


def extract_facts(article: Article, gazetteer: Gazetteer) -> Facts:
    """The exchanges and running totals ``article`` states, each value with its evidence.

    The main exchange comes first, then those mentioned in passing, in text order. An article that
    reports no completed exchange has none (its running totals remain).
    """
    lang = language_of(article)
    text = article.text
    matcher = matcher_for(gazetteer, lang)
    sentences = split_sentences(text)
    mentions = matcher.find(text)
    agents = [m for m in mentions if m.term_of("agent") is not None]
    speakers = attribute(text, sentences, agents, lang)
    read = [read_sentence(text, s, _inside(mentions, s.start, s.end), article.published, lang, who)
            for s, who in zip(sentences, speakers, strict=True)]
    title_line = sentences[0].line if sentences and article.title and sentences[0].text == article.title else None
    drafts = assign(read, lang, title_line)
    exchanges = [build(draft, text, lang) for draft in drafts]
    previous = next((i for i, d in enumerate(drafts) if i and d.previous_marker), None)
    if exchanges and previous is not None:
        exchanges[0] = with_previous(exchanges[0], previous)
    owner = {id(f): i for i, d in enumerate(drafts) for f in d.sentences}
    totals = []
    for facts in read:
        if facts.sentence.line == title_line:
            continue
        totals.extend(running_totals(facts, text, lang, article.published, owner.get(id(facts))))
    return Facts(exchanges=tuple(exchanges), running_totals=merge_totals(totals))
