"""reading: noise removal, metadata, and refusal of what cannot be read."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from powkg.errors import UnreadableArticle
from powkg.model import Unreadable
from powkg.reading import (
    article_files,
    clean_text,
    detect_language,
    language_code,
    read_article,
    read_articles,
    read_file,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# A page as a scraper leaves it, written for this test: every kind of furniture around two paragraphs.
PAGE = """ua en ru
Home | News | War

Twelve defenders come home after a new swap

Twelve defenders come home after a new swap Soldiers walk to a bus (Photo:
Author: Test Writer
 date 2023-05-06 (WIRE- Test Outlet)
Twelve Ukrainian defenders returned home on Saturday, officials said.

Soldiers walk to a bus (Photo: Press service)

Read also: What is known about the next exchange

The group includes four officers.

Tags: exchange, prisoners
Share: Facebook Twitter Telegram
Comments (0)
Log in to comment
Subscribe to our morning newsletter.
(C) 2023 All rights reserved.
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_noise_lines_are_removed(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "page.txt", PAGE.encode()))
    assert article.text == ("Twelve defenders come home after a new swap\n\n"
                            "Twelve Ukrainian defenders returned home on Saturday, officials said.\n\n"
                            "The group includes four officers.")


def test_metadata_comes_from_the_noise_lines(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "page.txt", PAGE.encode()))
    assert (article.id, article.title, article.author, article.publisher, article.published, article.language) == (
        "page", "Twelve defenders come home after a new swap", "Test Writer", "Test Outlet", date(2023, 5, 6), "en")


@pytest.mark.parametrize(("line", "published"), [
    ("Дата: 9 квітня 2022, 20:40", date(2022, 4, 9)),
    ("03.11.2022 16:40 · Війна", date(2022, 11, 3)),
    ("17:08 23.11.2022", date(2022, 11, 23)),
    ("Thursday, 25 May 2023, 14:20", date(2023, 5, 25)),
    ("Published 18 September 2023, 12:23", date(2023, 9, 18)),
    ("17 жовтня 2022, 19:20", date(2022, 10, 17)),
    ("1 декабря 2022, 17:31", date(2022, 12, 1)),
], ids=["uk-label", "dotted-section", "time-first", "weekday", "published", "uk-month", "ru-month"])
def test_date_lines_give_the_published_date(line: str, published: date) -> None:
    text, meta = clean_text(f"A headline about a swap\n{line}\n\nTen soldiers came home today.")
    assert (meta.published, text) == (published, "A headline about a swap\n\nTen soldiers came home today.")


def test_author_and_time_on_one_line() -> None:
    _, meta = clean_text("Author: Test Writer   18:16, 16.02.23\n\nA headline\n\nSome text here.")
    assert (meta.author, meta.published) == ("Test Writer", date(2023, 2, 16))


def test_wire_line_followed_by_text_keeps_the_text() -> None:
    text, meta = clean_text(" date 2024-12-30 (MENAFN- Test Agency) Forty people were freed today.")
    assert (text, meta.published, meta.publisher) == ("Forty people were freed today.", date(2024, 12, 30), "MENAFN")


@pytest.mark.parametrize("line", [
    "УКР | РУС | ENG", "Read in: UA | EN", "Головна › Новини › Війна", "Читайте також: щось інше",
    "Related: another story", "Поділитися", "Share this article", "Advertisement", "1 min read",
    "Фото: Офіс президента", "Follow us on Telegram", "Photo by Test Agency", "Ілюстративне фото",
    "Джерело: Тестове агентство",
], ids=["switcher-uk", "read-in", "breadcrumb-uk", "read-also-uk", "related", "share-uk", "share-article",
        "advertisement", "min-read", "photo-uk", "follow-us", "photo-by", "illustrative-uk", "source-uk"])
def test_furniture_lines_are_dropped(line: str) -> None:
    text, _ = clean_text(f"A headline about a swap\n\n{line}\n\nTen soldiers came home today.")
    assert text == "A headline about a swap\n\nTen soldiers came home today."


def test_link_block_after_a_heading_is_dropped() -> None:
    text, _ = clean_text("A headline about a swap\n\nTen soldiers came home today.\n\nMost read\nOther news item")
    assert text == "A headline about a swap\n\nTen soldiers came home today."


def test_language_is_detected() -> None:
    article_uk = clean_text("Україна повернула з полону десять військових")
    assert article_uk[0].startswith("Україна")


@pytest.mark.parametrize(("name", "language"), [("d03", "uk"), ("d13", "ru"), ("d12", "en")])
def test_corpus_languages(name: str, language: str) -> None:
    assert read_article(SHARED / "corpus" / "articles" / f"{name}.txt").language == language


def test_overrides_win(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "page.txt", PAGE.encode()), published=date(2020, 1, 2),
                           publisher="Given", url="https://example.org/a")
    assert (article.published, article.publisher, article.url) == (date(2020, 1, 2), "Given", "https://example.org/a")


def test_seed_metadata() -> None:
    first = read_article(SHARED / "seeds" / "000_656f3c77d47d075b.txt")
    second = read_article(SHARED / "seeds" / "002_7a15865362665bc9.txt")
    assert (first.author, first.published, first.title) == (
        "Daria Shekina", None, "Ukraine frees 100 defenders from Russian captivity")
    assert (second.published, second.publisher) == (date(2024, 12, 30), "MENAFN")
    assert "ua en ru" not in first.text and "(Photo:" not in first.text


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty file: it holds no text"),
    (b"  \n\n ", "empty file: it holds no text"),
    (b"text\x00more", "binary file: NUL byte at byte offset 4"),
    ("Київ".encode("cp1251"), "not UTF-8: invalid byte 0xca at byte offset 0"),
    (b"valid start \xff", "not UTF-8: invalid byte 0xff at byte offset 12"),
], ids=["empty", "blank", "binary", "cp1251", "bad-byte"])
def test_unreadable_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(UnreadableArticle) as caught:
        read_article(path)
    assert caught.value.reason == message
    assert str(caught.value) == f"{path}: {message}"


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"x" * 101)
    with pytest.raises(UnreadableArticle) as caught:
        read_article(path, max_bytes=100)
    assert caught.value.reason == "too large: 101 bytes, the limit is 100 bytes"


def test_jsonl_records(tmp_path: Path) -> None:
    records = [{"id": "r1", "text": "Ten soldiers came home today.", "published": "2023-05-06",
                "url": "https://example.org/r1", "language": "en"},
               {"text": "Двадцять військових повернулися додому."}]
    path = write(tmp_path, "batch.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode())
    first, second = list(read_articles(path))
    assert (first.id, first.published, first.url, first.language) == (
        "r1", date(2023, 5, 6), "https://example.org/r1", "en")
    assert (second.id, second.language) == ("batch-2", "uk")


def test_jsonl_record_without_text(tmp_path: Path) -> None:
    path = write(tmp_path, "batch.jsonl", b'{"id": "x"}\n')
    with pytest.raises(UnreadableArticle, match=r"batch.jsonl:1: a record needs a 'text' string"):
        list(read_articles(path))


def test_a_bad_jsonl_record_is_refused_alone_with_its_line_and_the_parsers_message(tmp_path: Path) -> None:
    lines = ['{"id": "r1", "text": "Ten soldiers came home today."}',
             '{"id": "r2", "text": "Five soldiers came home',          # cut off: not JSON
             '',
             '["a list, not a record"]',
             '{"id": "r4", "text": "Twelve soldiers came home today."}']
    path = write(tmp_path, "batch.jsonl", "\n".join(lines).encode())
    found = list(read_file(path))
    assert [a.id if not isinstance(a, Unreadable) else str(a) for a in found] == [
        "r1",
        f"{path}:2: not a JSON record: Unterminated string starting at (column 22)",
        f"{path}:4: a record needs a 'text' string",
        "r4"]


def test_read_articles_still_raises_at_a_bad_record(tmp_path: Path) -> None:
    path = write(tmp_path, "batch.jsonl", b'{"text": "Ten soldiers came home today."}\n{"text": 5}\n')
    with pytest.raises(UnreadableArticle, match=r"batch.jsonl:2: a record needs a 'text' string"):
        list(read_articles(path))


def test_an_unreadable_jsonl_file_is_one_refusal(tmp_path: Path) -> None:
    path = write(tmp_path, "batch.jsonl", b'{"text": "caf\xe9"}\n')
    assert list(read_file(path)) == [Unreadable(str(path), "not UTF-8: invalid byte 0xe9 at byte offset 13")]


def test_a_bad_record_costs_that_record_only_in_an_ingest(tmp_path: Path, project) -> None:
    from powkg.pipeline import ingest
    from powkg.store import open_store

    lines = ['{"id": "good", "text": "Ukraine brought home 12 defenders on Monday, the Coordination '
             'Headquarters said."}', '{"id": "bad", "text": ']
    path = write(tmp_path, "batch.jsonl", "\n".join(lines).encode())
    store = open_store("memory:")
    try:
        outcomes = ingest([path], store, project)
    finally:
        store.close()
    assert [(o.article_id, o.status) for o in outcomes] == [("good", "stored"), (None, "refused")]
    assert outcomes[1].source == f"{path}:2"
    assert outcomes[1].reason == f"{path}:2: not a JSON record: Expecting value (column 23)"


@pytest.mark.parametrize("path", ["scraped-uk.txt", "records.jsonl"])
def test_a_language_given_is_not_detected(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import powkg.reading

    def refuse(text: str) -> str:
        raise AssertionError("language detection ran")

    monkeypatch.setattr(powkg.reading, "detect_language", refuse)
    assert {a.language for a in read_articles(FIXTURES / path, language="ru")} == {"ru"}
    with pytest.raises(AssertionError, match="language detection ran"):
        list(read_articles(FIXTURES / "scraped-uk.txt"))


def test_the_pipeline_passes_metadata_to_the_reader(monkeypatch: pytest.MonkeyPatch, project) -> None:
    import powkg.reading
    from powkg.pipeline import prepare_file

    monkeypatch.setattr(powkg.reading, "detect_language", lambda text: "detected")
    prepared = prepare_file(FIXTURES / "scraped-uk.txt", project, {"language": "uk-UA", "publisher": "Given"})
    assert [(p.article.language, p.article.publisher) for p in prepared if p.article] == [("uk", "Given")]


def test_article_files_of_folders_and_files(tmp_path: Path) -> None:
    for name in ("b.txt", "a.jsonl", "notes.md", "sub/c.html", ".hidden/d.txt", "sub/.e.txt"):
        write(tmp_path, name, b"x")
    named = tmp_path / "notes.md"
    assert [p.relative_to(tmp_path).as_posix() for p in article_files([tmp_path, named])] == [
        "a.jsonl", "b.txt", "sub/c.html", "notes.md"]
    assert article_files(tmp_path / "sub") == [tmp_path / "sub" / "c.html"]


def test_html_page(tmp_path: Path) -> None:
    html = ("<html><head><title>Swap</title><meta name='author' content='Test Writer'>"
            "<meta property='article:published_time' content='2023-05-06'></head><body><article>"
            "<h1>Twelve defenders come home</h1><p>Twelve Ukrainian defenders returned home on Saturday after "
            "another exchange of prisoners, officials said in a statement.</p></article></body></html>")
    article = read_article(write(tmp_path, "page.html", html.encode()))
    assert (article.author, article.published, article.id) == ("Test Writer", date(2023, 5, 6), "page")
    assert "Twelve Ukrainian defenders returned home on Saturday" in article.text


def test_folder_reads_every_article_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", b"Ten soldiers came home today.")
    write(tmp_path, "a.txt", b"Five soldiers came home today.")
    write(tmp_path, "notes.md", b"not an article")
    assert [a.id for a in read_articles(tmp_path)] == ["a", "b"]


# --- pages, records and scraped text written for these tests (tests/fixtures/reading) ---------------

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reading"


def by_id() -> dict[str, object]:
    return {a.id: a for a in read_articles(FIXTURES)}


@pytest.mark.parametrize(("article_id", "expected"), [
    ("page", ("Ukraine brings home 95 defenders", "Test Writer", "Test Herald", date(2024, 6, 25), "en",
              "https://herald.example.org/news/95-defenders")),
    ("rec-en", ("Ukraine and Russia swap 50 prisoners each", "Test Writer", "Test Wire", date(2024, 6, 28), "en",
                "https://wire.example.org/a/1")),
    ("records-2", (None, None, None, date(2024, 9, 14), "uk", None)),
    ("records-3", ("Украина вернула из плена 20 военных", None, "Тестовые новости", None, "ru", None)),
    ("rec-html", ("Five defenders return", None, "Record Publisher", date(2024, 7, 2), "en", None)),
    ("scraped-uk", ("З полону повернулися 12 захисників", "Тестова Авторка", None, date(2024, 9, 14), "uk", None)),
], ids=["html", "jsonl-all-fields", "jsonl-text-only-uk", "jsonl-region-tag-ru", "jsonl-html", "scraped-uk"])
def test_metadata_of_pages_records_and_scraped_text(article_id: str, expected: tuple) -> None:
    article = by_id()[article_id]
    assert (article.title, article.author, article.publisher, article.published, article.language,
            article.url) == expected


def test_html_main_text_leaves_out_the_page_furniture() -> None:
    article = read_article(FIXTURES / "page.html")
    assert article.text.split("\n") == [
        "Ukraine brings home 95 defenders",
        "Ninety-five Ukrainian defenders came home from Russian captivity on Tuesday in an exchange mediated by "
        "the United Arab Emirates, the Coordination Headquarters said.",
        "Among them are 40 soldiers of the Armed Forces, 30 National Guard members and 25 border guards.",
        "It was the 53rd exchange since the full-scale invasion began."]


def test_scraped_ukrainian_page_keeps_only_the_article() -> None:
    article = read_article(FIXTURES / "scraped-uk.txt")
    assert article.text == ("З полону повернулися 12 захисників\n\n"
                            "Сьогодні з російського полону повернулися 12 українських захисників, повідомив "
                            "Координаційний штаб.\n\nСеред звільнених — четверо офіцерів.")


def test_jsonl_records_keep_their_ids_and_sources() -> None:
    articles = list(read_articles(FIXTURES / "records.jsonl"))
    assert [(a.id, a.source.rsplit("/", 1)[-1]) for a in articles] == [
        ("rec-en", "1"), ("records-2", "records.jsonl:2"), ("records-3", "records.jsonl:3"),
        ("rec-html", "records.jsonl:4")]


@pytest.mark.parametrize("path", ["page.html", "records.jsonl", "scraped-uk.txt"])
def test_metadata_given_by_the_caller_wins(path: str) -> None:
    for article in read_articles(FIXTURES / path, published=date(2020, 1, 2), publisher="Given",
                                 language="en", url="https://example.org/given"):
        assert (article.published, article.publisher, article.language, article.url) == (
            date(2020, 1, 2), "Given", "en", "https://example.org/given")


@pytest.mark.parametrize(("text", "language"), [
    ("Twenty Ukrainian soldiers came home from captivity on Friday, officials said.", "en"),
    ("Двадцять українських військових повернулися з полону в п'ятницю, повідомили в штабі.", "uk"),
    ("Двадцать украинских военных вернулись из плена в пятницу, сообщили в штабе.", "ru"),
    ("Zelensky said: «Наші люди вдома». Twenty soldiers came home on Friday after a swap.", "en"),
], ids=["en", "uk", "ru", "en-with-a-quote"])
def test_language_is_detected_when_not_given(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(("tag", "code"), [
    ("uk-UA", "uk"), ("ua", "uk"), ("UKR", "uk"), ("ru_RU", "ru"), ("en-GB", "en"), ("eng", "en"),
    ("de", None), ("", None), (None, None)])
def test_language_tags_of_pages_and_records(tag: str | None, code: str | None) -> None:
    assert language_code(tag) == code


@pytest.mark.parametrize(("lines", "author", "published"), [
    ("by Test Writer | September 14, 2024 12:41 PM", "Test Writer", date(2024, 9, 14)),
    ("By Test Writer", "Test Writer", None),
    ("Kyiv • 31 May 2025, 18:20", None, date(2025, 5, 31)),
    ("By Test Reporter and Another Reporter", "Test Reporter and Another Reporter", None),
    ("December 30, 2024 4:12 PM GMT", None, date(2024, 12, 30)),
], ids=["by-name-and-date", "by-name", "place-and-date", "two-names", "time-zone"])
def test_bylines_and_datelines_without_labels(lines: str, author: str | None, published: date | None) -> None:
    text, meta = clean_text(f"A headline about a swap\n{lines}\n\nTen soldiers came home today.")
    assert (meta.author, meta.published, text) == (author, published,
                                                   "A headline about a swap\n\nTen soldiers came home today.")


def test_a_sentence_beginning_with_by_is_not_a_byline() -> None:
    text, meta = clean_text("A headline\n\nBy Ukraine's own count, 562 Russian soldiers were held.")
    assert (meta.author, text) == (None, "A headline\n\nBy Ukraine's own count, 562 Russian soldiers were held.")
