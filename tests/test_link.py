"""GeoNames linking: context beats population, stable keys for namesakes, containment."""

from __future__ import annotations

import pytest

from kg.extract.gazetteer import Gazetteer, Place, PlaceKind
from kg.link import LinkContext, choose_place, link_fields, place_key, region_contains

DONETSK_UA = Place("Donetsk", PlaceKind.CITY, "UA", 709717, 901645, 48.0, 37.8, "14")
DONETSK_RU = Place("Donetsk", PlaceKind.CITY, "RU", 566532, 50850, 48.3, 39.9, "61")
PARIS_FR = Place("Paris", PlaceKind.CITY, "FR", 2988507, 2138551, 48.85, 2.35, "11")
PARIS_TX = Place("Paris", PlaceKind.CITY, "US", 4717560, 24782, 33.66, -95.55, "TX")
TEXAS = Place("Texas", PlaceKind.REGION, "US", 4736286, admin1="US-TX")
FRANCE = Place("France", PlaceKind.COUNTRY, "FR", 3017382, 67000000)
USA = Place("United States", PlaceKind.COUNTRY, "US", 6252001, 327000000)
GAZ = Gazetteer([DONETSK_UA, DONETSK_RU, PARIS_FR, PARIS_TX, TEXAS, FRANCE, USA])


@pytest.mark.parametrize(
    ("places", "context", "expected"),
    [
        ((DONETSK_RU, DONETSK_UA), LinkContext(), DONETSK_UA),
        ((DONETSK_RU, DONETSK_UA), LinkContext(frozenset({"RU"})), DONETSK_RU),
        ((PARIS_FR, PARIS_TX), LinkContext(), PARIS_FR),
        ((PARIS_FR, PARIS_TX), LinkContext(frozenset({"US"})), PARIS_TX),
        ((PARIS_FR, PARIS_TX), LinkContext(regions=frozenset({"US-TX"})), PARIS_TX),
    ],
    ids=["population-alone", "country-context", "paris-default", "paris-us-context", "region-context"],
)
def test_choose_place_context_beats_population(
    places: tuple[Place, ...], context: LinkContext, expected: Place
) -> None:
    assert choose_place(places, context, "donetsk" if places[0].name == "Donetsk" else "paris") == expected


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


def test_containment_links_city_to_region_named_in_article() -> None:
    from kg.extract.entities import entities_from_doc
    from kg.extract.pipeline import load_pipeline
    from kg.link import containment

    doc = load_pipeline()("Storms hit Dallas on Monday, and officials across Texas warned of more rain.")
    mentions, entities = entities_from_doc(doc)
    relations = containment(mentions, entities)
    assert [(r.subject, r.predicate, r.object) for r in relations] == [("place/dallas", "locatedIn", "place/texas")]
    (rel,) = relations
    assert doc.text[rel.evidence.start : rel.evidence.end] == "Dallas"
    assert rel.evidence.sentence_start <= rel.evidence.start
