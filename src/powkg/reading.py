"""Read articles: plain text as scraped, HTML pages and JSONL records -> ``Article``.

The clean text keeps the article's own lines (headline, paragraphs, lists, sub-headings) and drops
the page furniture scraped with it: language switchers, breadcrumbs, photo captions, bylines and
date lines (kept as metadata), 'Read also:' and 'Related' blocks, tags, share buttons, comment
widgets, copyright, newsletter and advertisement footers. These are patterns of the genre, not
rules for one site. Evidence offsets point into the clean text, so cleaning happens once, here.

Errors: ``UnreadableArticle`` for an empty or binary file, a file that is not UTF-8 (with the byte
offset of the first bad byte) and a file larger than ``max_bytes`` (with the size and the limit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import UnreadableArticle
from .extraction.dates import parse_dateline, search_date
from .extraction.language import lowercase_pattern
from .model import Article, Unreadable

__all__ = ["read_article", "read_articles", "read_file", "article_files", "clean_text", "detect_language",
           "language_code", "with_metadata", "ARTICLE_SUFFIXES", "RECORD_FIELDS"]

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 10_000_000
LANGUAGES = ("en", "uk", "ru")

# --- noise lines -----------------------------------------------------------------------------------

_LANG_CODE = r"(?:ua|uk|ukr|en|eng|ru|rus|укр|рус|eng|de|pl|fr|ua\b)"
_LANGUAGE_SWITCHER = re.compile(
    rf"(?:(?:read\s+in|читати|читать|language|мова|язык)\s*:?\s*)?{_LANG_CODE}(?:\s*[|/·,•]?\s*{_LANG_CODE})+",
    re.IGNORECASE)
_PHOTO_CAPTION = re.compile(r"(?:.*\((?:photo|фото|image|credit)s?\s*:[^)]*\)?|(?:photo|фото|image)s?\s*:.*)",
                            re.IGNORECASE)
_BYLINE = re.compile(r"(?:author|by|автор|авторка)\s*:\s*(?P<name>[^\d|·,]{3,60}?)\s*(?:[|·,]\s*)?"
                     r"(?P<rest>\d.*)?", re.IGNORECASE)
# 'By Test Writer', 'by Test Writer | September 14, 2024 12:41 PM': a name of capitalised words
_NAME = r"[A-ZА-ЯІЇЄҐ][\w'’.-]+"
_FULL_NAME = rf"{_NAME}(?:\s+{_NAME}){{1,3}}"
_BY_NAME = re.compile(rf"(?:[Bb]y|[Вв]ід|[Оо]т)\s+(?P<name>{_FULL_NAME}(?:(?:\s*,\s*|\s+(?:and|і|та|и)\s+)"
                      rf"{_FULL_NAME})*)\s*(?:[|·•]\s*(?P<rest>.*))?")
# ' date 2022-03-24 (WIRE- Kyiv Ledger)' and ' date 2024-12-30 (MENAFN- UkrinForm) first sentence ...'
_WIRE = re.compile(r"\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})\s*\((?P<src>[^()\-–]+)[-–]\s*(?P<outlet>[^()]*)\)\s*")
_GENERIC_WIRES = frozenset({"wire", "newswire", "news", "agency"})
_LINK_BLOCK = re.compile(
    r"(?:read\s+also|read\s+more|see\s+also|related(?:\s+news|\s+articles?|\s+stories)?|recommended|most\s+read|"
    r"more\s+on\s+this\s+topic|more\s+news|popular|latest\s+news|"
    r"читайте\s+також|читайте\s+также|дивіться\s+також|смотрите\s+также|по\s+теме|на\s+тему|"
    r"популярне|популярное|рекомендуємо|рекомендуем|схожі\s+новини|похожие\s+новости)\b\s*:?\s*(?P<rest>.*)",
    re.IGNORECASE)
_NOISE = re.compile(
    r"(?:tags?|теги|мітки|метки|keywords)\s*:.*"
    r"|(?:share|поділитися|поделиться)(?:\s+(?:this|on|the)\b.*|\s*:.*)?"
    r"|(?:facebook|twitter|telegram|viber|whatsapp|x|linkedin|email)(?:\s*[|,·]?\s*"
    r"(?:facebook|twitter|telegram|viber|whatsapp|x|linkedin|email))+"
    r"|comments?\s*(?:\(\d+\))?|коментарі\s*(?:\(\d+\))?|комментарии\s*(?:\(\d+\))?"
    r"|(?:log\s+in|sign\s+in|увійдіть|войдите)\b.*(?:comment|коментар|комментар).*"
    r"|(?:leave|add|write)\s+a\s+comment.*"
    r"|advertisement|реклама|sponsored"
    r"|\d+\s+min(?:ute)?s?\s+read"
    # a phrase anywhere in the line: a look-ahead for one of its words first ('.*' before a letter is
    # scanned fast, '.*\b' tries the rest of the pattern at every position of the line)
    r"|(?:©|\(c\)|copyright)\s*.*|(?=.*rights).*\ball\s+rights\s+reserved\b.*|.*всі\s+права\s+захищені.*"
    r"|.*все\s+права\s+защищены.*"
    r"|(?:subscribe|підпишіться|підписуйтесь|подписывайтесь|подпишитесь)\b.*"
    r"|(?=.*newsletter|.*розсилк|.*рассылк).*\b(?:newsletter|розсилк\w*|рассылк\w*)\b.*"
    r"|(?=.*ctrl).*\bctrl\s*\+\s*enter\b.*"
    r"|(?:print|друк|печать|back\s+to\s+top|наверх)"
    r"|(?:follow|join)\s+(?:us|our)\b.{0,80}|(?:слідкуйте|стежте|следите)\s+за\b.{0,80}"
    r"|(?:photo|image)\s+(?:by|credit)\b.{0,80}|(?:ілюстративне\s+фото|фото\s+ілюстративне|иллюстративное\s+фото|"
    r"фото\s+иллюстративное|illustrative\s+(?:photo|image))\.?"
    r"|(?:source|джерело|источник)\s*:.{0,80}",
    re.IGNORECASE)
# The same three for lowercase lines: Python's engine is several times faster without IGNORECASE.
_FURNITURE = (_LANGUAGE_SWITCHER, _PHOTO_CAPTION, _NOISE)
_FURNITURE_LOWER = tuple(re.compile(lowercase_pattern(p.pattern)) for p in _FURNITURE)
_BREADCRUMB_SEP = re.compile(r"\s+(?:[|›»>/])\s+|\s*[›»]\s*")
_SENTENCE_END = re.compile(r"[.!?…\"»”]$")
# Compiled once: a pattern given to re.search() as a string is looked up in re's cache of 512 on every call.
_DIGIT = re.compile(r"\d")
_NOT_LABEL = re.compile(r"\d|[.!?:]$")
_QUOTED_LABEL = re.compile(r"[«\"“](?P<name>[^»\"”]+)[»\"”]")
_QUOTED_OUTLET = re.compile(r"[«“](?P<name>[^»”]{2,60})[»”]")
_SENTENCE_STOP = re.compile(r"[.!?…]$")
_BLANK_LINES = re.compile(r"\n\n\n+")   # not '\n{3,}': a literal start is scanned for fast


@dataclass
class _Meta:
    title: str | None = None
    author: str | None = None
    published: date | None = None
    publisher: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _is_breadcrumb(line: str) -> bool:
    if not any(mark in line for mark in "|›»>/"):   # no separator (most lines): one part, no need to split
        return False
    parts = [p for p in _BREADCRUMB_SEP.split(line) if p.strip()]
    if len(parts) < 2 or _SENTENCE_END.search(line):
        return False
    return all(len(p.split()) <= 3 and not _DIGIT.search(p) for p in parts)


def _wire_line(line: str, meta: _Meta) -> str | None:
    """The rest of a ' date YYYY-MM-DD (SOURCE- Outlet)' line, with its date and outlet kept."""
    match = _WIRE.match(line)
    if not match:
        return None
    source, outlet = match.group("src").strip(), match.group("outlet").strip()
    meta.published = meta.published or parse_dateline(match.group("date"))
    if meta.publisher is None:
        meta.publisher = outlet if source.lower() in _GENERIC_WIRES or not source else source
    return line[match.end():].strip()


def _byline(line: str, meta: _Meta) -> bool:
    match = _BYLINE.fullmatch(line) or _BY_NAME.fullmatch(line)
    if not match or match.re is _BY_NAME and match.group("rest") and parse_dateline(match.group("rest")) is None:
        return False
    meta.author = meta.author or match.group("name").strip()
    if match.group("rest"):
        meta.published = meta.published or parse_dateline(match.group("rest"))
    return True


def _header_label(line: str, meta: _Meta, seen_title: bool) -> bool:
    """Short lines above the headline: a section name ('Facts') or the outlet's name."""
    if seen_title or len(line.split()) > 3 or _NOT_LABEL.search(line):
        return False
    quoted = _QUOTED_LABEL.fullmatch(line)
    if quoted:
        meta.publisher = meta.publisher or quoted.group("name")
        return True
    words = line.split()
    if len(words) >= 2 and all(w[0].isupper() for w in words):
        meta.publisher = meta.publisher or line
        return True
    return len(words) == 1


def _outlet_label(line: str, meta: _Meta) -> bool:
    """A line that is only a name in quotation marks, as outlets sign their pages: «Outlet Name»."""
    quoted = _QUOTED_OUTLET.fullmatch(line)
    if quoted is None or len(quoted.group("name").split()) > 4:
        return False
    meta.publisher = meta.publisher or quoted.group("name")
    return True


def _noise(line: str, meta: _Meta) -> bool:
    """Whether a line is page furniture; metadata it carries goes into ``meta``."""
    low = line.lower()
    lowered = len(low) == len(line)
    if any(p.fullmatch(low) for p in _FURNITURE_LOWER) if lowered else any(p.fullmatch(line) for p in _FURNITURE):
        return True
    if _byline(line, meta):
        return True
    published = parse_dateline(line)
    if published is not None:
        meta.published = meta.published or published
        return True
    return _is_breadcrumb(line)


def _clean_lines(lines: list[str], meta: _Meta) -> list[str]:
    kept: list[str] = []
    in_link_block = False
    for raw in lines:
        line = raw.strip()
        if not line:
            in_link_block = False
            kept.append("")
            continue
        wire_rest = _wire_line(line, meta)
        if wire_rest is not None:
            if wire_rest:
                kept.append(wire_rest)
            continue
        link = _LINK_BLOCK.fullmatch(line)
        if link:
            in_link_block = not link.group("rest").strip()
            continue
        if in_link_block or _noise(line, meta):
            continue
        if _outlet_label(line, meta):
            continue
        if meta.title is None and _header_label(line, meta, seen_title=False):
            continue
        if meta.title is None:
            meta.title = line if _looks_like_headline(line) else ""
        kept.append(line)
    return kept


def _looks_like_headline(line: str) -> bool:
    return len(line.split()) <= 30 and not _SENTENCE_STOP.search(line)


def clean_text(raw: str) -> tuple[str, _Meta]:
    """The article's clean text and what the noise lines said about it."""
    meta = _Meta()
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").split("\n")
    kept = _clean_lines(lines, meta)
    text = _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()
    if meta.title == "":
        meta.title = None
    return text, meta


# --- language -----------------------------------------------------------------------------------------

# The ways metadata names the three languages: ISO 639-1 and -2, with a region, and the 'ua' of many sites.
_LANGUAGE_CODES = {"en": "en", "eng": "en", "uk": "uk", "ukr": "uk", "ua": "uk", "ru": "ru", "rus": "ru"}


def language_code(value: Any) -> str | None:
    """'en', 'uk' or 'ru' for a language tag a page or a record gives ('uk-UA', 'ua', 'rus'); else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _LANGUAGE_CODES.get(re.split(r"[-_]", value.strip().lower())[0])


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


# Letters counted in the lowercase text with str.count (a regular expression's findall makes a string
# of every letter it finds, ten times slower).
_CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюяёіїєґ"
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_CYRILLIC = re.compile(f"[{_CYRILLIC_LETTERS}]")
# Letters of one of the two alphabets only: Ukrainian і ї є ґ, Russian ы э ъ ё.
_UKRAINIAN_ONLY, _RUSSIAN_ONLY = "іїєґ", "ыэъё"


def _count(text: str, letters: str) -> int:
    return sum(map(text.count, letters))


def _by_alphabet(low: str) -> str | None:
    """'uk' or 'ru' when the alphabet settles it beyond doubt, else None (the model decides).

    A long Cyrillic text with none of the other language's own letters and many of its own: Ukrainian
    writes і in about one letter in twenty, Russian ы in about one in fifty. Short texts, texts with
    Latin words of any number and texts with letters of both (a quotation) are left to the model.
    """
    cyrillic = _count(low, _CYRILLIC_LETTERS)
    if cyrillic < 200 or _count(low, _LATIN_LETTERS) * 10 > cyrillic:
        return None
    ukrainian, russian = _count(low, _UKRAINIAN_ONLY), _count(low, _RUSSIAN_ONLY)
    if ukrainian >= 0.03 * cyrillic and not russian:
        return "uk"
    if russian >= 0.01 * cyrillic and not ukrainian:
        return "ru"
    return None


def detect_language(text: str) -> str:
    """'en', 'uk' or 'ru': py3langid restricted to the three languages of the corpus.

    A text of the Latin script alone cannot be Ukrainian or Russian, so it is English without asking
    the model; a long text of Cyrillic letters alone that has only Ukrainian or only Russian letters
    is that language (``_by_alphabet``); the model tells Ukrainian from Russian in the rest (and reads
    texts that mix scripts).
    """
    sample = text[:1500]
    low = sample.lower()
    if not _CYRILLIC.search(low):
        return "en"
    if _count(low, _CYRILLIC_LETTERS) < 0.05 * max(1, _count(low, _LATIN_LETTERS)):
        return "en"
    sample = sample[:800]
    language = _by_alphabet(sample.lower())
    if language is None:
        language, _score = _identifier().classify(sample)
    return str(language)


# --- files ----------------------------------------------------------------------------------------


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableArticle(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise UnreadableArticle(str(path), f"too large: {size} bytes, the limit is {max_bytes} bytes")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableArticle(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise UnreadableArticle(str(path), "empty file: it holds no text")
    return data


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of an article's bytes; UnreadableArticle for binary data or another encoding."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableArticle(source, f"binary file: NUL byte at byte offset {nul}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise UnreadableArticle(source, f"not UTF-8: invalid byte 0x{bad} at byte offset {exc.start}") from None


_FIELDS = frozenset(f.name for f in fields(Article))


def _as_date(value: Any, source: str) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        found = search_date(text)
        if found is None:
            raise UnreadableArticle(source, f"published: {text!r} is not a date") from None
        return found[0]


def _build(raw_text: str, *, source: str, article_id: str, guessed: Mapping[str, Any] | None = None,
           overrides: Mapping[str, Any] | None = None) -> Article:
    text, meta = clean_text(raw_text)
    if not text:
        raise UnreadableArticle(source, "no article text left once page furniture is removed")
    values: dict[str, Any] = {"id": article_id, "text": text, "source": source, "title": meta.title,
                              "author": meta.author, "published": meta.published,
                              "publisher": meta.publisher, "url": None, "language": None}
    for extra in (guessed or {}), (overrides or {}):
        unknown = set(extra) - _FIELDS
        if unknown:
            raise TypeError(f"unknown article fields: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in extra.items() if v is not None})
    values["text"] = text
    values["published"] = _as_date(values["published"], source)
    values["language"] = language_code(values["language"]) or detect_language(text)
    return Article(**values)


def _from_html(html: str, *, source: str, article_id: str, overrides: Mapping[str, Any]) -> Article:
    """The main text of a page and its metadata (title, date, author, site name, canonical URL),
    taken out by trafilatura; what the page says wins over what the text's noise lines say."""
    import trafilatura

    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                           include_tables=False, favor_precision=True)
    if document is None:
        raise UnreadableArticle(source, "HTML page with no main text")
    found: Mapping[str, Any] = document if isinstance(document, dict) else document.as_dict()
    body = str(found.get("text") or "")
    if not body.strip():
        raise UnreadableArticle(source, "HTML page with no main text")
    title = found.get("title")
    if title and not body.lstrip().startswith(str(title)):
        body = f"{title}\n\n{body}"
    guessed = {"title": title, "author": found.get("author"), "published": found.get("date"),
               "publisher": found.get("sitename"), "url": found.get("url")}
    return _build(body, source=source, article_id=article_id, guessed=guessed, overrides=overrides)


def read_article(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, **overrides: Any) -> Article:
    """The article in a ``.txt`` (as scraped) or ``.html`` file.

    ``overrides`` (any ``Article`` field: url, published, title, language, publisher, author, id)
    win over what is read from the text. Raises UnreadableArticle (empty, binary, not UTF-8,
    larger than ``max_bytes``).
    """
    path = Path(path)
    text = decode(_read_bytes(path, max_bytes), str(path))
    article_id = overrides.pop("id", None) or path.stem
    if path.suffix.lower() in (".html", ".htm"):
        return _from_html(text, source=str(path), article_id=article_id, overrides=overrides)
    return _build(text, source=str(path), article_id=article_id, overrides=overrides)


RECORD_FIELDS = ("url", "published", "title", "language", "publisher", "author")


def _from_jsonl(path: Path, max_bytes: int, overrides: Mapping[str, Any]) -> Iterator[Article | Unreadable]:
    """One article per line: ``text`` (or, failing that, an ``html`` page) and optional ``id``,
    ``url``, ``published``, ``title``, ``language``, ``publisher``, ``author``. The record's fields
    win over what is read from the text; ``overrides`` win over both. A record that cannot be read is
    an ``Unreadable`` of its own (source ``path:line``); the records around it are still read."""
    try:
        text = decode(_read_bytes(path, max_bytes), str(path))
    except UnreadableArticle as exc:
        yield Unreadable(exc.source, exc.reason)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield _from_record(line, path, number, overrides)
        except UnreadableArticle as exc:
            yield Unreadable(exc.source, exc.reason)


def _from_record(line: str, path: Path, number: int, overrides: Mapping[str, Any]) -> Article:
    source = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UnreadableArticle(source, f"not a JSON record: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict) or not isinstance(record.get("text") or record.get("html"), str):
        raise UnreadableArticle(source, "a record needs a 'text' string")
    known = {k: record.get(k) for k in RECORD_FIELDS if record.get(k) not in (None, "")}
    known.update(overrides)
    article_id = str(known.pop("id", None) or record.get("id") or f"{path.stem}-{number}")
    origin = str(record.get("url") or source)
    if isinstance(record.get("text"), str):
        return _build(record["text"], source=origin, article_id=article_id, overrides=known)
    return _from_html(record["html"], source=origin, article_id=article_id, overrides=known)


def article_files(paths: Path | Iterable[Path]) -> list[Path]:
    """The files named, and the article files (``.txt``, ``.html``, ``.htm``, ``.jsonl``) inside the
    folders named, at any depth but hidden ones left out; each folder's in name order."""
    found: list[Path] = []
    for path in [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            found.append(path)
    return found


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, **overrides: Any) -> Iterator[Article | Unreadable]:
    """Every article of one file, each as an ``Article`` or, when it cannot be read, an ``Unreadable``
    saying where and why: a ``.txt`` or ``.html`` file is one of the two, a ``.jsonl`` file one per
    record, so one bad record costs that record only.

    ``overrides`` (any ``Article`` field: url, published, title, language, publisher, author) win over
    what is read; a ``language`` given this way is not detected.
    """
    path = Path(path)
    if path.suffix.lower() == ".jsonl":
        yield from _from_jsonl(path, max_bytes, overrides)
        return
    try:
        article = read_article(path, max_bytes=max_bytes, **overrides)
    except UnreadableArticle as exc:
        yield Unreadable(exc.source, exc.reason)
        return
    yield article


def read_articles(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, **overrides: Any) -> Iterator[Article]:
    """Every article in a file (``.txt``, ``.html``, ``.jsonl`` records) or a folder of them.

    ``overrides`` (any ``Article`` field but ``id`` and ``text``) win over what is read. Files of a
    folder are read in name order. An unreadable file or record raises UnreadableArticle when it is
    reached, which ends the iteration: to go on past it, use ``read_file`` on each of ``article_files``.
    """
    for child in article_files(path):
        for found in read_file(child, max_bytes=max_bytes, **overrides):
            if isinstance(found, Unreadable):
                raise UnreadableArticle(found.source, found.reason)
            yield found


def with_metadata(article: Article, **values: Any) -> Article:
    """A copy of ``article`` with metadata replaced (the text, and so every offset, is unchanged)."""
    return replace(article, **values)
