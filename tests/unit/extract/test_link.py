"""GeoNames linking: context beats population, stable keys for namesakes, containment."""

from __future__ import annotations

import pytest

from kg.extract.gazetteer import Gazetteer, Place, PlaceKind, fold
from kg.extract.link import LinkContext, choose_place, link_fields, place_key, region_contains

DONETSK_UA = Place("Donetsk", PlaceKind.CITY, "UA", 709717, 901645, 48.0, 37.8, "14")
DONETSK_RU = Place("Donetsk", PlaceKind.CITY, "RU", 566532, 50850, 48.3, 39.9, "61")
PARIS_FR = Place("Paris", PlaceKind.CITY, "FR", 2988507, 2138551, 48.85, 2.35, "11")
PARIS_TX = Place("Paris", PlaceKind.CITY, "US", 4717560, 24782, 33.66, -95.55, "TX")
TEXAS = Place("Texas", PlaceKind.REGION, "US", 4736286, admin1="US-TX")
FRANCE = Place("France", PlaceKind.COUNTRY, "FR", 3017382, 67000000)
USA = Place("United States", PlaceKind.COUNTRY, "US", 6252001, 327000000)
GAZ = Gazetteer([DONETSK_UA, DONETSK_RU, PARIS_FR, PARIS_TX, TEXAS, FRANCE, USA])


ATHENS_GR = Place("Athens", PlaceKind.CITY, "GR", 264371, 664046, 37.98, 23.72, "ESYE31")
ATHENS_GA = Place("Athens", PlaceKind.CITY, "US", 4180386, 127315, 33.96, -83.38, "GA")
# two invented towns of one name, of like size, in two countries
BROOK_CA = Place("Brookfield", PlaceKind.CITY, "CA", 1, 60000, 45.0, -75.0, "08")
BROOK_NZ = Place("Brookfield", PlaceKind.CITY, "NZ", 2, 40000, -41.0, 174.0, "E7")
ATLANTA = (33.75, -84.39)


@pytest.mark.parametrize(
    ("places", "context", "expected"),
    [
        ((DONETSK_RU, DONETSK_UA), LinkContext(), DONETSK_UA),
        ((DONETSK_RU, DONETSK_UA), LinkContext(frozenset({"RU"})), DONETSK_UA),
        ((BROOK_CA, BROOK_NZ), LinkContext(), BROOK_CA),
        ((BROOK_CA, BROOK_NZ), LinkContext(frozenset({"NZ"})), BROOK_NZ),
        ((BROOK_CA, BROOK_NZ), LinkContext(home=frozenset({"NZ"})), BROOK_NZ),
        ((PARIS_FR, PARIS_TX), LinkContext(), PARIS_FR),
        ((PARIS_FR, PARIS_TX), LinkContext(frozenset({"US"})), PARIS_FR),
        ((PARIS_FR, PARIS_TX), LinkContext(regions=frozenset({"US-TX"})), PARIS_TX),
        ((PARIS_FR, PARIS_TX), LinkContext(qualifiers={"paris": frozenset({"US", "US-TX"})}), PARIS_TX),
        ((ATHENS_GR, ATHENS_GA), LinkContext(frozenset({"US"}), home=frozenset({"GB"})), ATHENS_GR),
        ((ATHENS_GR, ATHENS_GA), LinkContext(frozenset({"US"}), points=(ATLANTA,)), ATHENS_GA),
    ],
    ids=[
        "population-alone",
        "country-named-does-not-beat-a-far-bigger-namesake",
        "like-sized-namesakes-population",
        "like-sized-namesakes-country-named",
        "like-sized-namesakes-source-home",
        "famous-paris-by-default",
        "famous-paris-despite-us-named",
        "region-named-in-article",
        "qualified-paris-texas",
        "famous-athens-in-us-news",
        "athens-near-atlanta",
    ],
)
def test_choose_place_famous_namesake_unless_text_points_elsewhere(
    places: tuple[Place, ...], context: LinkContext, expected: Place
) -> None:
    assert choose_place(places, context, fold(places[0].name)) == expected


def test_choose_place_none_without_candidates() -> None:
    assert choose_place((), LinkContext()) is None


def test_link_context_from_names() -> None:
    ctx = LinkContext.from_names(["texas", "france", "nowhere"], GAZ, ["UA"])
    assert ctx.countries == frozenset({"US", "FR", "UA"})
    assert ctx.regions == frozenset({"US-TX"})


@pytest.mark.parametrize(
    ("place", "key"),
    [
        (PARIS_FR, "place/paris"),
        (PARIS_TX, "place/paris-us"),
        (FRANCE, "place/france"),
        (DONETSK_RU, "place/donetsk-ru"),
    ],
    ids=["biggest-namesake", "smaller-namesake", "country", "other-country"],
)
def test_place_key_is_unique_among_namesakes(place: Place, key: str) -> None:
    assert place_key(place, GAZ) == key


def test_link_fields_give_geonames_coordinates_and_country() -> None:
    fields = link_fields(PARIS_TX, GAZ)
    assert fields["same_as"] == ("https://sws.geonames.org/4717560/",)
    assert (fields["latitude"], fields["longitude"]) == (33.66, -95.55)
    assert fields["country"] == "place/united-states"
    assert "country" not in link_fields(FRANCE, GAZ)


@pytest.mark.parametrize(
    ("region", "city", "inside"),
    [(TEXAS, PARIS_TX, True), (TEXAS, PARIS_FR, False), (TEXAS, DONETSK_UA, False)],
    ids=["same-admin1", "other-country", "other-admin1"],
)
def test_region_contains_by_admin_codes(region: Place, city: Place, inside: bool) -> None:
    assert region_contains(region, city) is inside


def test_containment_links_city_to_region_and_country() -> None:
    from kg.extract.entities import entities_from_doc
    from kg.extract.link import containment
    from kg.extract.pipeline import load_pipeline

    doc = load_pipeline()("Storms hit Dallas on Monday, and officials across Texas warned of more rain.")
    mentions, entities = entities_from_doc(doc)
    relations = containment(mentions, entities)
    assert {(r.subject, r.predicate, r.object) for r in relations} == {
        ("place/dallas", "locatedIn", "place/texas"),
        ("place/dallas", "locatedIn", "place/united-states"),
        ("place/texas", "locatedIn", "place/united-states"),
    }
    for rel in relations:
        assert doc.text[rel.evidence.start : rel.evidence.end] == rel.evidence.text
        assert rel.evidence.sentence_start <= rel.evidence.start
        assert rel.derived_from is None or rel.derived_from.startswith("https://sws.geonames.org/")
