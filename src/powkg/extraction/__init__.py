"""Extraction: an article's clean text -> the facts it states about prisoner exchanges.

    extract_facts(article, gazetteer) -> Facts

Every value is a ``Stated`` whose ``Evidence`` holds the exact characters that state it
(``article.text[e.start:e.end] == e.quote``) and who the article credits with it. The stages:

    segmenting   lines, sentences, quotations (offsets into the clean text)
    matching     the gazetteer's surface forms in a word trie (inflected forms, shared heads)
    numbers      digits with separators, number words of the three languages
    dates        date lines, dates in text resolved against the published date
    counting     what each number counts, and its nesting
    sentences    one sentence read once: mentions, dates, counts, cues
    attribution  who stated each sentence
    assembling   which exchange each sentence is about
    building     one exchange's facts
    totals       running totals
    language     what a language provides: cue words and phrase patterns of the genre
    prefilter    the words a pattern cannot match without: a cheap test before a search
    english, ukrainian, russian    one module per language
    morphology   inflected Ukrainian and Russian forms (pymorphy3)
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TypeVar

from ..model import Article, Facts
from ..vocabulary import Gazetteer
from .assembling import assign
from .attribution import attribute
from .building import build, with_previous
from .dates import find_dates_in
from .english import ENGLISH
from .language import Language
from .matching import matcher_for
from .russian import RUSSIAN
from .segmenting import Sentence, split_sentences
from .sentences import read_sentence
from .totals import merge_totals, running_totals
from .ukrainian import UKRAINIAN

__all__ = ["extract_facts", "language_of", "LANGUAGES"]

T = TypeVar("T")

LANGUAGES: dict[str, Language] = {"en": ENGLISH, "uk": UKRAINIAN, "ru": RUSSIAN}


def language_of(article: Article) -> Language:
    """The patterns for the article's language (English for a language the extractor does not know)."""
    return LANGUAGES.get(article.language, ENGLISH)


def _within(items: list[T], starts: list[int], start: int, end: int) -> list[T]:
    """The items (sorted by start, with their ``starts``) that lie inside [start, end)."""
    first = bisect_left(starts, start)
    found = []
    for item in items[first:]:
        if item.start >= end:  # type: ignore[attr-defined]
            break
        if item.end <= end:  # type: ignore[attr-defined]
            found.append(item)
    return found


def _is_headline(first: Sentence, title: str | None) -> bool:
    """The headline heads the text: the article's title, or a first line that is a heading and
    matches the title given with the article ('Ukraine brings home 95 | Site' for 'Ukraine brings
    home 95'). A headline repeats what the article says: no fact is read from it."""
    if title is not None and first.text == title:
        return True
    return first.heading and title is not None and (first.text in title or title in first.text)


def extract_facts(article: Article, gazetteer: Gazetteer) -> Facts:
    """The exchanges and running totals ``article`` states, each value with its evidence.

    The main exchange comes first, then those mentioned in passing, in text order. An article that
    reports no completed exchange has none (its running totals remain).
    """
    lang = language_of(article)
    text = article.text
    sentences = split_sentences(text)
    mentions = matcher_for(gazetteer, lang).find(text)
    mention_starts = [m.start for m in mentions]
    dates = find_dates_in(text, article.published, [(s.start, s.end) for s in sentences])
    # who can state a sentence: people and bodies of the vocabulary's stating agents, not mediators
    agents = [m for m in mentions if (agent := m.term_of("agent")) is not None and "StatingAgent" in agent.classes]
    speakers = attribute(text, sentences, agents, lang)
    title_line = sentences[0].line if sentences and _is_headline(sentences[0], article.title) else None
    # the headline repeats what the article says: nothing is read from it (it may name a speaker, above)
    read = [read_sentence(text, s, tuple(_within(mentions, mention_starts, s.start, s.end)), article.published,
                          lang, who, in_sentence)
            for s, who, in_sentence in zip(sentences, speakers, dates, strict=True) if s.line != title_line]
    drafts = assign(read, lang, title_line)
    exchanges = [build(draft, text, lang) for draft in drafts]
    previous = next((i for i, d in enumerate(drafts) if i and d.previous_marker), None)
    if exchanges and previous is not None:
        exchanges[0] = with_previous(exchanges[0], previous)
    owner = {id(f): i for i, d in enumerate(drafts) for f in d.sentences}
    totals = []
    for facts in read:
        totals.extend(running_totals(facts, text, lang, article.published, owner.get(id(facts))))
    return Facts(exchanges=tuple(exchanges), running_totals=merge_totals(totals))
