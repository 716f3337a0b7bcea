"""extraction in Ukrainian, Russian and English: the genre's conventions, read from short articles written
for these tests (one per convention), each with the facts it states."""

from __future__ import annotations

from datetime import date

import pytest

from powkg.extraction import LANGUAGES, extract_facts
from powkg.extraction.dates import find_dates
from powkg.extraction.matching import matcher_for
from powkg.extraction.numbers import find_numbers, parse_number
from powkg.extraction.russian import RUSSIAN_NUMBERS
from powkg.extraction.ukrainian import UKRAINIAN_NUMBERS
from powkg.model import Article, Exchange, Facts
from powkg.reading import clean_text
from powkg.settings import load_settings
from powkg.vocabulary import Gazetteer, load_gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer(load_settings().ontology_dir)


# --- numbers, dates and names as the three languages write them ---------------------------------------

@pytest.mark.parametrize(("text", "words", "value"), [
    ("дев'ять", UKRAINIAN_NUMBERS, 9), ("дев’ять", UKRAINIAN_NUMBERS, 9), ("троє", UKRAINIAN_NUMBERS, 3),
    ("двоє", UKRAINIAN_NUMBERS, 2), ("шість", UKRAINIAN_NUMBERS, 6), ("сто вісім", UKRAINIAN_NUMBERS, 108),
    ("трьох", UKRAINIAN_NUMBERS, 3), ("Сорок пять", RUSSIAN_NUMBERS, 45), ("трое", RUSSIAN_NUMBERS, 3),
    ("двести пятнадцать", RUSSIAN_NUMBERS, 215), ("1 138", UKRAINIAN_NUMBERS, 1138),
], ids=["devyat", "devyat-curly", "troie", "dvoie", "shist", "sto-visim", "trokh", "sorok-piat", "troe",
        "dvesti-piatnadtsat", "space-thousands"])
def test_number_words_of_ukrainian_and_russian(text: str, words, value: int) -> None:
    assert parse_number(text, words) == value


@pytest.mark.parametrize(("text", "words", "found"), [
    ("з полону вдалося звільнити понад 2000 українців у 2022 році", UKRAINIAN_NUMBERS, [2000]),
    ("ще один обмін: повернулися двоє бійців і троє цивільних", UKRAINIAN_NUMBERS, [2, 3]),
    ("он провел в плену два с половиной года, вернулись сорок пять бойцов", RUSSIAN_NUMBERS, [45]),
    ("no one has been released; 2000 Ukrainians came home in 2023", None, [2000]),
], ids=["year-or-count-uk", "another-one-uk", "duration-ru", "no-one-en"])
def test_what_is_a_count(text: str, words, found: list[int]) -> None:
    kwargs = {"words": words} if words else {}
    assert [n.value for n in find_numbers(text, **kwargs)] == found


@pytest.mark.parametrize(("text", "published", "value", "words"), [
    ("Сьогодні, 12 березня, з полону повернулися", date(2024, 3, 12), date(2024, 3, 12), "Сьогодні, 12 березня"),
    ("Тридцать военных 6 мая вернулись домой", date(2023, 5, 6), date(2023, 5, 6), "6 мая"),
    ("В четверг из неволи вернулись", date(2022, 12, 1), date(2022, 12, 1), "четверг"),
    ("У четвер, 3 листопада, відбувся обмін", date(2022, 11, 3), date(2022, 11, 3), "четвер, 3 листопада"),
    ("На Великдень додому повернулися", date(2023, 4, 16), date(2023, 4, 16), "Великдень"),
    ("after Thursday's swap", date(2023, 2, 16), date(2023, 2, 16), "Thursday"),
    ("on March 5 of this year", date(2024, 12, 30), date(2024, 3, 5), "March 5"),
], ids=["today-and-date-uk", "day-month-ru", "weekday-ru", "weekday-and-date-uk", "easter-uk", "possessive-en",
        "of-this-year"])
def test_dates_and_the_words_that_give_them(text: str, published: date, value: date, words: str) -> None:
    (found,) = find_dates(text, published)
    assert (found.value, found.text) == (value, words)


@pytest.mark.parametrize(("language", "text", "keys"), [
    ("uk", "оборонці Маріуполя й «Азовсталі», бійці зі Зміїного, військові Збройних сил України та нацгвардійців",
     ["mariupol", "azovstal", "snake_island", "military", "armed_forces", "national_guard"]),
    ("uk", "на Бахмутському, Соледарському та Запорізькому напрямках", ["bakhmut", "soledar", "zaporizhzhia"]),
    ("ru", "в Мариуполе, на «Азовстали», в Еленовке, на Донецком и Луганском направлениях",
     ["mariupol", "azovstal", "olenivka", "donetsk", "luhansk"]),
    ("en", "guards of the Zaporizhzhia and Chornobyl nuclear power plants", ["zaporizhzhia_npp", "chornobyl_npp"]),
    ("en", "taken prisoner in Kyiv, Chernihiv and Kherson regions", ["kyiv", "chernihiv", "kherson"]),
    ("uk", "84 українці, серед них 2 українки", ["women"]),
    ("ru", "с подконтрольной киевскому режиму территории вернулись защитники Змеиного", ["snake_island"]),
], ids=["inflected-uk", "directions-uk", "inflected-ru", "shared-head-en", "shared-head-regions-en",
        "plural-only-uk", "adjective-of-another-noun-ru"])
def test_names_in_every_form(gazetteer: Gazetteer, language: str, text: str, keys: list[str]) -> None:
    found = matcher_for(gazetteer, LANGUAGES[language]).find(text)
    assert [m.terms[0].key for m in found] == keys


# --- short articles, one per convention of the genre ---------------------------------------------------

def lines(*paragraphs: str) -> str:
    """An article as scraped: one paragraph a line."""
    return "\n".join(paragraphs) + "\n"


ARTICLES = {
    "uk-dash-list": ("uk", "2024-10-18", lines(
        'Ще 95 українців удома',
        "",
        'Сьогодні, 18 жовтня, додому з російської неволі повернулися 95 українців, повідомили в '
        'Координаційному штабі.',
        "",
        'Кого саме звільнено:',
        'ЗСУ — 40;',
        'ТрО — 20;',
        'НГУ — 25 (з них троє — з «Азову»);',
        'ДПСУ — 10.',
        "",
        'Чимало з них тримали оборону Маріуполя та «Азовсталі».',
    )),
    "uk-all-enlisted": ("uk", "2024-05-05", lines(
        'Великодній обмін: 60 захисників знову вдома',
        "",
        'На Великдень з неволі вдалося повернути 60 українських захисників.',
        "",
        'Як уточнили в Координаційному штабі, усі звільнені — рядові та сержанти. Це:',
        '50 військовослужбовців Збройних сил України;',
        '6 нацгвардійців;',
        'по 2 представники Військово-морських сил і Державної прикордонної служби.',
        "",
        'У полон вони потрапили на Бахмутському, Запорізькому та Херсонському напрямках.',
        "",
        'Попередній обмін відбувся 25 квітня: тоді вдалося визволити 42 українці.',
        "",
        'Загалом від початку повномасштабного вторгнення з полону вдалося звільнити понад 3000 '
        'українців.',
    )),
    "ru-words-and-left-links": ("ru", "2024-05-06", lines(
        '6 мая из плена домой вернулись сорок пять украинских бойцов, защищавших «Азовсталь» и '
        'Мариуполь.',
        "",
        'Среди них 42 мужчины и три женщины. Все они — бойцы Национальной гвардии. Офицеров среди '
        'освобождённых 10, рядовых и сержантов — 35.',
        "",
        'По сообщению Министерства обороны России, домой вернулись и три российских лётчика.',
    )),
    "ru-formula": ("ru", "2024-08-01", lines(
        'В четверг домой вернулись 50 украинских военных — обмен вновь прошёл по формуле «50 на 50».',
        "",
        'Среди освобождённых — защитники Змеиного и ЧАЭС, воевавшие на Донецком, Луганском и Запорожском'
        ' направлениях.',
        "",
        'А 26 июля из плена вышли на свободу ещё 12 человек: девять военнослужащих и трое гражданских.',
    )),
    "en-formula-and-nesting": ("en", "2024-02-16", lines(
        'A 101-for-101 swap brings soldiers and a civilian home',
        "",
        "A hundred Ukrainian troops and one civilian were freed on Thursday, the President's Office "
        'said. Of the troops, 94 had fought in Mariupol, and 63 of them had held out at the Azovstal '
        'steelworks.',
        "",
        "Moscow's Defence Ministry called it a 101-for-101 exchange.",
    )),
    "en-kyiv-and-plants": ("en", "2024-04-10", lines(
        'KYIV - Kyiv and Moscow carried out a prisoner exchange on Wednesday, officials on both sides '
        'said.',
        "",
        'A hundred Ukrainian soldiers returned, including men who had guarded the Zaporizhzhia and '
        'Chornobyl nuclear power plants and fighters from Hostomel. Kyiv gave up 100 Russian troops in '
        'exchange.',
    )),
    "en-mediator-composition-bodies": ("en", "2024-07-06", lines(
        'Soldiers and civilians come home',
        "",
        "Ukraine got back 45 soldiers and two civilians on Thursday, the President's Office said. Five "
        'commanders are to remain in Turkey, in line with an agreement Zelensky reached with Turkish '
        'President Recep Tayyip Erdogan.',
        "",
        'The bodies of three people were also returned: two foreign citizens and one Ukrainian woman.',
    )),
    "en-separately-and-same-day": ("en", "2024-04-14", lines(
        'Thirty people come home in a Thursday swap',
        "",
        'Thirty Ukrainians — 22 service members and eight civilians — returned home on Thursday after a '
        'prisoner exchange, the deputy prime minister said.',
        "",
        'Separately, the Defence Ministry reported that two airmen were back in Ukraine.',
        "",
        'Also on Thursday, commanders in the Kherson region traded four captured Russians for five '
        'Ukrainian defenders near a frontline village.',
    )),
    "en-planned": ("en", "2024-05-20", lines(
        'Sides agree on a prisoner swap',
        "",
        'Moscow and Kyiv have agreed in principle to exchange 250 prisoners in the coming weeks, a '
        'mediator said on Monday. Nobody has been released so far.',
    )),
    "en-bodies": ("en", "2024-09-18", lines(
        'Remains of 60 fallen soldiers returned',
        "",
        'The remains of 60 Ukrainian servicemen killed in action have been brought back to Ukraine, the '
        'reintegration ministry says. Since this work began, Ukraine has recovered the bodies of 2,100 '
        'of its defenders.',
    )),
}


def extract(name: str, gazetteer: Gazetteer) -> Facts:
    language, published, raw = ARTICLES[name]
    text, meta = clean_text(raw)
    article = Article(id=name, text=text, language=language, source=name, title=meta.title,
                      published=date.fromisoformat(published))
    return extract_facts(article, gazetteer)


def summary(exchange: Exchange) -> dict:
    def name(i: int) -> str:
        c = exchange.cohorts[i]
        return c.unit or c.category or f"location:{c.defended or c.captured}"
    return {
        "date": exchange.date.value if exchange.date else None,
        "total": exchange.returned_total.value if exchange.returned_total else None,
        "cohorts": {name(i): c.count.value for i, c in enumerate(exchange.cohorts)},
        "nested": sorted(f"{name(i)} in {name(c.part_of)}" for i, c in enumerate(exchange.cohorts)
                         if c.part_of is not None),
        "mediators": [m.value for m in exchange.mediators],
        "locations": sorted({p.value for p in exchange.locations_defended + exchange.places_captured}),
    }


EXPECTED = {
    "uk-dash-list": [{
        "date": date(2024, 10, 18), "total": 95,
        "cohorts": {"armed_forces": 40, "territorial_defense": 20, "national_guard": 25, "azov_regiment": 3,
                    "border_guard": 10},
        "nested": ["azov_regiment in national_guard"], "mediators": [], "locations": ["azovstal", "mariupol"]}],
    "uk-all-enlisted": [{
        "date": date(2024, 5, 5), "total": 60,
        "cohorts": {"armed_forces": 50, "national_guard": 6, "navy": 2, "border_guard": 2,
                    "enlisted_and_sergeants": 60, "officers": 0},
        "nested": [], "mediators": [], "locations": ["bakhmut", "kherson", "zaporizhzhia"]}, {
        "date": date(2024, 4, 25), "total": 42, "cohorts": {}, "nested": [], "mediators": [], "locations": []}],
    "ru-words-and-left-links": [{
        "date": date(2024, 5, 6), "total": 45,
        "cohorts": {"men": 42, "women": 3, "officers": 10, "enlisted_and_sergeants": 35, "national_guard": 45},
        "nested": [], "mediators": [], "locations": ["azovstal", "mariupol"]}],
    "ru-formula": [{
        "date": date(2024, 8, 1), "total": 50, "cohorts": {}, "nested": [], "mediators": [],
        "locations": ["chornobyl_npp", "donetsk", "luhansk", "snake_island", "zaporizhzhia"]}, {
        "date": date(2024, 7, 26), "total": 12, "cohorts": {"military": 9, "civilians": 3}, "nested": [],
        "mediators": [], "locations": []}],
    "en-formula-and-nesting": [{
        "date": date(2024, 2, 15), "total": 101,
        "cohorts": {"military": 100, "civilians": 1, "location:mariupol": 94, "location:azovstal": 63},
        "nested": ["location:azovstal in location:mariupol"], "mediators": [], "locations": ["azovstal", "mariupol"]}],
    "en-kyiv-and-plants": [{
        "date": date(2024, 4, 10), "total": 100, "cohorts": {}, "nested": [], "mediators": [],
        "locations": ["chornobyl_npp", "hostomel", "zaporizhzhia_npp"]}],
    "en-mediator-composition-bodies": [{
        "date": date(2024, 7, 4), "total": None, "cohorts": {"military": 45, "civilians": 2}, "nested": [],
        "mediators": ["turkey"], "locations": []}],
    "en-separately-and-same-day": [{
        "date": date(2024, 4, 11), "total": 30, "cohorts": {"military": 22, "civilians": 8}, "nested": [],
        "mediators": [], "locations": []}, {
        "date": date(2024, 4, 11), "total": 5, "cohorts": {}, "nested": [], "mediators": [], "locations": []}],
    "en-planned": [],
    "en-bodies": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_facts_of_each_article(name: str, gazetteer: Gazetteer) -> None:
    assert [summary(e) for e in extract(name, gazetteer).exchanges] == EXPECTED[name]


def test_a_second_exchange_of_the_same_day_is_told_apart(gazetteer: Gazetteer) -> None:
    main, local = extract("en-separately-and-same-day", gazetteer).exchanges
    assert (main.discriminator, local.discriminator) == (None, "kherson-local")


def test_ordinals_in_ukrainian_and_russian(gazetteer: Gazetteer) -> None:
    texts = {"uk": "Сторони здійснили п'ятий обмін полоненими, і додому повернулися 31 українець.",
             "ru": "Это шестой обмен пленными за месяц: домой вернулись 40 украинских военных."}
    found = {}
    for language, text in texts.items():
        article = Article(id=language, text=text, language=language, source="test", published=date(2024, 1, 5))
        (exchange,) = extract_facts(article, gazetteer).exchanges
        found[language] = (exchange.ordinal.value if exchange.ordinal else None, exchange.ordinal_scope)
    assert found == {"uk": (5, "обмін полоненими"), "ru": (6, "обмен пленными за месяц")}


@pytest.mark.parametrize(("name", "expected"), [
    ("uk-all-enlisted", [(3000, "more than", "returned", "full_scale_invasion")]),
    ("en-bodies", [(2100, None, "bodies_repatriated", None)]),
])
def test_running_totals_with_their_measure_and_starting_point(name: str, expected: list, gazetteer: Gazetteer
                                                             ) -> None:
    totals = extract(name, gazetteer).running_totals
    assert [(t.count.value, t.count.qualifier, t.measure, t.since) for t in totals] == expected


# --- one sentence each: what it says of the exchange, or of the running total ---------------------------

SENTENCES = [
    ("en", "A total of 103 Ukrainian defenders were freed on Saturday in a swap mediated by the UAE.",
     (date(2024, 9, 14), 103, {}, ["united_arab_emirates"]), []),
    ("en", "The Coordination Headquarters said 95 Ukrainians came home: 90 service members and five civilians.",
     (None, 95, {"military": 90, "civilians": 5}, []), []),
    ("en", "Ukraine and Russia swapped 150 prisoners each on Friday.", (date(2024, 9, 13), 150, {}, []), []),
    ("en", "Russia and Ukraine exchanged 150 prisoners of war each on Monday in a deal brokered by the UAE.",
     (date(2024, 9, 9), 150, {}, ["united_arab_emirates"]), []),
    ("en", "Ukraine brought home 115 soldiers on Saturday, including 3 women, the president said.",
     (date(2024, 9, 14), 115, {"women": 3}, []), []),
    ("en", "Some 8,000 Ukrainians are still held in Russian captivity, Lubinets said.", None,
     [(8000, "about", "held_in_captivity")]),
    ("en", "Kyiv says Moscow is delaying the next exchange, although 1,000 prisoners were agreed on.", None, []),
    ("uk", "Україна повернула з полону 95 українців: 90 військових і 5 цивільних.",
     (None, 95, {"military": 90, "civilians": 5}, []), []),
    ("uk", "У п'ятницю Україна та Росія обмінялися полоненими у форматі 95 на 95.", (date(2024, 9, 13), 95, {}, []),
     []),
    ("uk", "Обмін відбувся за посередництва ОАЕ, з полону повернулися 150 військових, серед них 3 жінки.",
     (None, 150, {"women": 3}, ["united_arab_emirates"]), []),
    ("uk", "Всього в російському полоні досі перебувають понад 8 тисяч українців.", None,
     [(8000, "more than", "held_in_captivity")]),
    ("uk", "Це 58-й обмін від початку повномасштабного вторгнення: додому повертаються 207 захисників.",
     (None, 207, {}, []), []),
    ("ru", "Сегодня домой вернулись 103 защитника, сообщил Зеленский.", (date(2024, 9, 14), 103, {}, []), []),
    ("ru", "По данным штаба, в российском плену остаются более восьми тысяч украинцев.", None,
     [(8000, "more than", "held_in_captivity")]),
    ("ru", "В обмен Украине переданы 90 военнопленных ВСУ.", (None, 90, {"armed_forces": 90}, []), []),
]


@pytest.mark.parametrize(("language", "text", "exchange", "totals"), SENTENCES,
                         ids=[f"{s[0]}-{i}" for i, s in enumerate(SENTENCES)])
def test_one_sentence(language: str, text: str, exchange: tuple | None, totals: list, gazetteer: Gazetteer
                      ) -> None:
    article = Article(id="s", text=text, language=language, source="test", published=date(2024, 9, 14))
    facts = extract_facts(article, gazetteer)
    found = [(e.date.value if e.date else None, e.returned_total.value if e.returned_total else None,
              {c.unit or c.category: c.count.value for c in e.cohorts}, [m.value for m in e.mediators])
             for e in facts.exchanges]
    assert found == ([exchange] if exchange else [])
    assert [(t.count.value, t.count.qualifier, t.measure) for t in facts.running_totals] == totals
