"""Linking places to GeoNames: choice by the article's context, coordinates, country, containment.

A place name usually has several gazetteer entries (Paris in France and in Texas,
Donetsk in Ukraine and in Russia). :func:`choose_place` scores each by the
countries and regions the same article names, and lets population decide only
between entries the context does not separate. Linked places get
``skos:exactMatch`` to their GeoNames IRI, WGS84 coordinates and ``locatedIn`` their
country (``Entity.country``); a city also gets a ``locatedIn`` :class:`Relation` to a
region the article names when GeoNames' admin-1 code and the region's ISO 3166-2
code agree (true for the US and UK; GeoNames uses its own codes elsewhere).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from kg.extract.gazetteer import Gazetteer, Place, PlaceKind, fold, geonames_iri, load_gazetteer, slug
from kg.records import Entity, EntityType, Evidence, Mention, Relation

__all__ = ["LinkContext", "choose_place", "containment", "country_key", "link_fields", "place_key", "region_contains"]


@dataclass(frozen=True, slots=True)
class LinkContext:
    """What an article says about where it is: the countries and regions it names.

    Attributes:
        countries: ISO 3166-1 codes of countries named (directly, by demonym, or as the
            country of an unambiguous place).
        regions: ISO 3166-2 codes of regions named.
    """

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    @classmethod
    def from_names(
        cls, names: Iterable[str], gazetteer: Gazetteer, demonym_countries: Iterable[str] = ()
    ) -> LinkContext:
        """Build the context from the place names of one article.

        A name counts when it is a country or region, or when all its entries lie in
        one country (an unambiguous city).
        """
        countries: set[str] = set(demonym_countries)
        regions: set[str] = set()
        for name in names:
            places = gazetteer.places(name)
            if not places:
                continue
            for p in places:
                if p.kind is PlaceKind.COUNTRY:
                    countries.add(p.country)
                elif p.kind is PlaceKind.REGION and p.admin1:
                    regions.add(p.admin1)
            if len({p.country for p in places}) == 1:
                countries.add(places[0].country)
        return cls(frozenset(countries), frozenset(regions))


def _score(place: Place, context: LinkContext, name: str) -> float:
    score = math.log10(place.population + 10) / 10  # below 1 for any real population
    if place.kind is PlaceKind.COUNTRY:
        score += 3.0
    if name:
        own = fold(place.name)
        # its own name beats an alternate; among alternates, the closest spelling
        score += 1.5 if own == name else fuzz.ratio(own, name) / 200
    if place.country in context.countries:
        score += 2.0
    if place.admin1 and f"{place.country}-{place.admin1}" in context.regions:
        score += 1.0
    return score


def choose_place(places: tuple[Place, ...], context: LinkContext, name: str = "") -> Place | None:
    """Pick the entry a name refers to in this article.

    Context outweighs population: an entry in a country the article names beats a
    bigger namesake elsewhere; population breaks ties only among entries the
    context treats alike. An entry whose own name is ``name`` (folded) beats one
    that only lists it among its alternates.

    >>> ua = Place("Donetsk", PlaceKind.CITY, "UA", 709717, 901645)
    >>> ru = Place("Donetsk", PlaceKind.CITY, "RU", 566532, 50850)
    >>> choose_place((ru, ua), LinkContext(frozenset({"UA"}))).country
    'UA'
    >>> choose_place((ru, ua), LinkContext(frozenset({"RU"}))).country
    'RU'
    """
    if not places:
        return None
    return max(places, key=lambda p: (_score(p, context, name), p.geonameid or 0))


def place_key(place: Place, gazetteer: Gazetteer) -> str:
    """Return the stable entity key of a gazetteer entry.

    The key is the slug of its name; an entry that shares its name with a bigger
    one of another country gets the country code appended ("place/paris-us"), so two
    different places never share an IRI.
    """
    base = f"place/{slug(place.name)}"
    if place.kind is PlaceKind.COUNTRY:
        return base
    namesakes = [p for p in gazetteer.places(place.name) if p.kind is not PlaceKind.COUNTRY and p != place]
    if any(p.population > place.population for p in namesakes):
        suffix = place.country.lower()
        if any(p.country == place.country and p.population > place.population for p in namesakes):
            suffix += f"-{place.geonameid or place.admin1 or ''}"
        return f"{base}-{suffix}".rstrip("-")
    return base


def country_key(code: str, gazetteer: Gazetteer) -> str | None:
    """Return the entity key of the country with ISO code ``code``, if the gazetteer has it."""
    country = gazetteer.countries.get(code)
    return place_key(country, gazetteer) if country is not None else None


def link_fields(place: Place, gazetteer: Gazetteer) -> dict[str, object]:
    """Return the :class:`~kg.records.Entity` fields a linked place fills."""
    fields: dict[str, object] = {
        "same_as": (geonames_iri(place.geonameid),) if place.geonameid else (),
        "latitude": place.latitude,
        "longitude": place.longitude,
    }
    if place.kind is not PlaceKind.COUNTRY:
        fields["country"] = country_key(place.country, gazetteer)
    return fields


def region_contains(region: Place, city: Place) -> bool:
    """Whether GeoNames' admin codes put ``city`` inside ``region``.

    >>> tx = Place("Texas", PlaceKind.REGION, "US", admin1="US-TX")
    >>> region_contains(tx, Place("Irving", PlaceKind.CITY, "US", 4700168, 256684, admin1="TX"))
    True
    """
    return (
        region.kind is PlaceKind.REGION
        and city.kind is PlaceKind.CITY
        and city.country == region.country
        and region.admin1 == f"{city.country}-{city.admin1}"
    )


def _entry(e: Entity, gazetteer: Gazetteer, kind: PlaceKind) -> Place | None:
    """The gazetteer entry a linked entity stands for (by GeoNames id, else by name)."""
    for name in (e.label, *e.aliases):
        for p in gazetteer.places(name):
            if p.kind is not kind:
                continue
            if not e.same_as or (p.geonameid and geonames_iri(p.geonameid) in e.same_as):
                return p
    return None


def containment(
    mentions: Iterable[Mention], entities: Iterable[Entity], gazetteer: Gazetteer | None = None
) -> tuple[Relation, ...]:
    """``locatedIn`` relations from cities to the regions the same article names.

    A city is inside a region when GeoNames' admin-1 code of the city and the ISO
    3166-2 code of the region agree (:func:`region_contains`). The evidence is the
    city's first mention, within its sentence. (Every linked place already carries
    ``locatedIn`` its country through ``Entity.country``.)

    Notes:
        O(cities x regions) per article, both small.
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    places = [e for e in entities if e.type is EntityType.PLACE]
    cities = [(e, _entry(e, gaz, PlaceKind.CITY)) for e in places if e.same_as]
    regions = [(e, _entry(e, gaz, PlaceKind.REGION)) for e in places]
    first: dict[str, Mention] = {}
    for m in mentions:
        if m.entity not in first or m.start < first[m.entity].start:
            first[m.entity] = m
    out: list[Relation] = []
    for city, c_place in cities:
        seen = first.get(city.key)
        if c_place is None or seen is None:
            continue
        for region, r_place in regions:
            if r_place is not None and region.key != city.key and region_contains(r_place, c_place):
                evidence = Evidence(seen.start, seen.end, seen.text, seen.sentence_start, seen.sentence_end)
                out.append(Relation(city.key, "locatedIn", region.key, 0.9, evidence))
    return tuple(out)
