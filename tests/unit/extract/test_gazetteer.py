"""The place gazetteer: folding, hashed look-ups, the automaton scan, demonyms."""

from __future__ import annotations

import pytest

from kg.extract.gazetteer import Gazetteer, Place, PlaceKind, fold, geonames_iri, load_gazetteer, slug

BAKHMUT = Place("Bakhmut", PlaceKind.CITY, "UA", 713174, 80500, 48.59, 38.0, "14")
TURKEY = Place("Turkey", PlaceKind.COUNTRY, "TR", 298795, 82000000)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Zelenskyy", "zelenskyy"),
        ("Kyïv", "kyiv"),
        ("  New   York ", "new york"),
        ("Côte d’Ivoire", "cote divoire"),
        ("Ivano-Frankivsk", "ivano frankivsk"),
    ],
    ids=["plain", "diacritic", "spaces", "apostrophe", "hyphen"],
)
def test_fold_folds_case_diacritics_and_punctuation(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_slug_is_ascii_and_hyphenated() -> None:
    assert slug("Volodymyr Zelenskyy’s") == "volodymyr-zelenskyy-s"
    assert geonames_iri(713174) == "https://sws.geonames.org/713174/"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Shelling in Bakhmut went on.", ["Bakhmut"]),
        ("Bakhmutka is a river.", []),
        ("a turkey for dinner", []),
        ("Turkey and Bakhmut", ["Turkey", "Bakhmut"]),
    ],
    ids=["word", "prefix-of-longer-word", "case-sensitive", "two"],
)
def test_scan_matches_whole_words_as_written(text: str, found: list[str]) -> None:
    g = Gazetteer([BAKHMUT, TURKEY])
    assert [h.text for h in g.scan(text)] == found


def test_places_are_looked_up_by_folded_name() -> None:
    g = Gazetteer([BAKHMUT], aliases=[("Artemivsk", BAKHMUT)])
    assert g.places("BAKHMUT") == (BAKHMUT,)
    assert g.places("Artemivsk") == (BAKHMUT,)
    assert g.is_primary("bakhmut")
    assert not g.is_primary("artemivsk")
    assert g.places("Kramatorsk") == ()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(
    ("name", "kind", "country"),
    [
        ("Bakhmut", PlaceKind.CITY, "UA"),
        ("Kherson", PlaceKind.CITY, "UA"),
        ("Kramatorsk", PlaceKind.CITY, "UA"),
        ("Kharkiv", PlaceKind.CITY, "UA"),
        ("Ukraine", PlaceKind.COUNTRY, "UA"),
        ("UK", PlaceKind.COUNTRY, "GB"),
        ("Texas", PlaceKind.REGION, "US"),
        ("Donetsk province", PlaceKind.REGION, "UA"),
        ("Bavaria", PlaceKind.REGION, "DE"),
    ],
    ids=[
        "bakhmut",
        "kherson",
        "kramatorsk",
        "kharkiv",
        "country",
        "country-short-form",
        "us-state",
        "oblast",
        "region-english-name",
    ],
)
def test_load_gazetteer_knows_seed_places(gazetteer: Gazetteer, name: str, kind: PlaceKind, country: str) -> None:
    assert any(p.kind is kind and p.country == country for p in gazetteer.places(name))


@pytest.mark.parametrize(
    ("demonym", "country"),
    [
        ("Russian", "Russia"),
        ("Ukrainian", "Ukraine"),
        ("Russians", "Russia"),
        ("French", "France"),
        ("Afghan", "Afghanistan"),
        ("Ukraine", "Ukraine"),
    ],
    ids=["rule-ia", "rule-e", "plural", "irregular", "irregular-stan", "country-name"],
)
def test_country_of_resolves_demonyms(gazetteer: Gazetteer, demonym: str, country: str) -> None:
    place = gazetteer.country_of(demonym)
    assert place is not None
    assert place.name == country


def test_english_region_name_that_is_a_city_stays_the_city(gazetteer: Gazetteer) -> None:
    """pycountry translates the province "Roma" to "Rome": the city keeps the name alone."""
    assert {p.kind for p in gazetteer.places("Rome") if p.country == "IT"} == {PlaceKind.CITY}
    assert gazetteer.is_primary("Bavaria")


def test_country_of_unknown_word_is_none(gazetteer: Gazetteer) -> None:
    assert gazetteer.country_of("Martian") is None


def test_pipeline_component_marks_places_in_doc_spans() -> None:
    from kg.extract.gazetteer import SPANS_KEY
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline()
    assert nlp.pipe_names.index("kg_gazetteer") == nlp.pipe_names.index("ner") + 1
    doc = nlp("Shelling near Bakhmut and Kramatorsk went on, officials in Ukraine said.")
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["Bakhmut", "Kramatorsk", "Ukraine"]


def test_load_gazetteer_builds_once_however_the_default_is_passed() -> None:
    assert load_gazetteer() is load_gazetteer(15000) is load_gazetteer(min_city_population=15000)
