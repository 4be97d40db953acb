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
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from kg.extract.gazetteer import Gazetteer, Place, PlaceKind, fold, geonames_iri, load_gazetteer, slug
from kg.records import Entity, EntityType, Evidence, Mention, Relation

__all__ = [
    "GEONAMES_DATASET",
    "RANK",
    "LinkContext",
    "choose_place",
    "containment",
    "country_key",
    "entry_of",
    "home_countries",
    "link_fields",
    "place_key",
    "qualifier_codes",
    "region_contains",
    "stated_containment_holds",
]


@dataclass(frozen=True, slots=True)
class LinkContext:
    """What an article says about where it is.

    Attributes:
        countries: ISO 3166-1 codes of countries named (directly, by demonym, or as the
            country of an unambiguous place).
        regions: ISO 3166-2 codes of regions named.
        points: Coordinates of the unambiguous cities named (one GeoNames entry, or
            one far bigger than its namesakes), for nearness.
        home: ISO codes of the source's home country, when known.
        qualifiers: Folded name -> ISO codes (country or region) that the text attaches
            to that very name ("Paris, Texas", "Athens (Georgia)").
    """

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    points: tuple[tuple[float, float], ...] = ()
    home: frozenset[str] = frozenset()
    qualifiers: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_names(
        cls,
        names: Iterable[str],
        gazetteer: Gazetteer,
        demonym_countries: Iterable[str] = (),
        *,
        home: Iterable[str] = (),
        qualifiers: dict[str, frozenset[str]] | None = None,
    ) -> LinkContext:
        """Build the context from the place names of one article.

        A name counts as a country or region when it is one; a city's coordinates
        count when its name is unambiguous (one entry, or one 20 times bigger than the
        next), and its country counts when all its entries lie in one country.
        """
        countries: set[str] = set(demonym_countries)
        regions: set[str] = set()
        points: list[tuple[float, float]] = []
        for name in dict.fromkeys(names):
            places = gazetteer.places(name)
            if not places:
                continue
            for p in places:
                if p.kind is PlaceKind.COUNTRY:
                    countries.add(p.country)
                elif p.kind is PlaceKind.REGION and p.admin1:
                    regions.add(p.admin1)
            if len({p.country for p in places}) == 1 and places[0].country:
                countries.add(places[0].country)
            cities = sorted((p for p in places if p.kind is PlaceKind.CITY), key=lambda p: -p.population)
            lone = len(cities) == 1 or (len(cities) > 1 and cities[0].population >= 20 * max(cities[1].population, 1))
            if len(places) == len(cities) and lone and cities[0].latitude is not None:
                points.append((cities[0].latitude, cities[0].longitude or 0.0))
        return cls(frozenset(countries), frozenset(regions), tuple(points), frozenset(home), dict(qualifiers or {}))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


#: Prior of a region, which the sources give no population: as a town of 100,000.
_REGION_PRIOR = 5.0

#: What each kind of context is worth, in powers of ten of population.
QUALIFIED = 6.0  # the text names the place's region or country right beside it
REGION_NAMED = 2.0  # the article names the region it lies in
NEAR = 1.2  # within 150 km of an unambiguous city the article names
NEARISH = 0.5  # within 500 km
COUNTRY_NAMED = 0.5  # the article names its country
HOME = 0.3  # its country is the source's home


def _score(place: Place, context: LinkContext, name: str) -> float:
    """Log10 of population plus context, so a namesake needs real evidence to beat a far bigger one."""
    score = _REGION_PRIOR if place.kind is PlaceKind.REGION else math.log10(place.population + 10)
    if place.kind is PlaceKind.COUNTRY:
        score += 3.0
    if name:
        own = fold(place.name)
        # its own name beats an alternate; among alternates, the closest spelling
        score += 1.5 if own == name else fuzz.ratio(own, name) / 200
    region = f"{place.country}-{place.admin1}" if place.kind is PlaceKind.CITY and place.admin1 else place.admin1
    qualifiers = context.qualifiers.get(name, frozenset())
    if place.country in qualifiers or (region is not None and region in qualifiers):
        score += QUALIFIED
    if place.country in context.countries:
        score += COUNTRY_NAMED
    if place.country in context.home:
        score += HOME
    if region is not None and region in context.regions and place.kind is PlaceKind.CITY:
        score += REGION_NAMED
    if place.latitude is not None and context.points:
        here = (place.latitude, place.longitude or 0.0)
        nearest = min(_km(here, p) for p in context.points)
        if nearest < 1.0:
            pass  # the point is this place itself
        elif nearest <= 150:
            score += NEAR
        elif nearest <= 500:
            score += NEARISH
    return score


def choose_place(places: tuple[Place, ...], context: LinkContext, name: str = "") -> Place | None:
    """Pick the entry a name refers to in this article.

    Population is the prior, on a log scale, so the famous namesake wins unless the
    text points elsewhere: its region or country written beside the name ("Paris,
    Texas") outweighs any population; the region named elsewhere in the article, a
    nearby city named, the country named and the source's home country add less, in
    that order. An entry whose own name is ``name`` (folded) beats one that only lists
    it among its alternates.

    >>> fr = Place("Paris", PlaceKind.CITY, "FR", 2988507, 2138551)
    >>> tx = Place("Paris", PlaceKind.CITY, "US", 4717560, 24782, admin1="TX")
    >>> choose_place((tx, fr), LinkContext(frozenset({"US"})), "paris").country
    'FR'
    >>> choose_place((tx, fr), LinkContext(qualifiers={"paris": frozenset({"US-TX"})}), "paris").country
    'US'
    """
    if not places:
        return None
    return max(places, key=lambda p: (_score(p, context, name), p.population, -(p.geonameid or 0)))


#: Outlets whose home country their name does not say ("Times of India" says it).
_OUTLETS: dict[str, str] = {
    "bbc": "GB",
    "reuters": "GB",
    "guardian": "GB",
    "the guardian": "GB",
    "telegraph": "GB",
    "the independent": "GB",
    "sky news": "GB",
    "financial times": "GB",
    "ap": "US",
    "associated press": "US",
    "cnn": "US",
    "npr": "US",
    "new york times": "US",
    "the new york times": "US",
    "washington post": "US",
    "the washington post": "US",
    "wall street journal": "US",
    "bloomberg": "US",
    "fox news": "US",
    "afp": "FR",
    "agence france presse": "FR",
    "le monde": "FR",
    "deutsche welle": "DE",
    "dw": "DE",
    "cbc": "CA",
    "rte": "IE",
    "al jazeera": "QA",
    "xinhua": "CN",
    "kyodo": "JP",
}


def home_countries(source: str | None, gazetteer: Gazetteer) -> frozenset[str]:
    """ISO codes of the home country of a source ("BBC", "The Sydney Morning Herald"), when known.

    From a short table of outlets, else from the countries, demonyms and unambiguous
    places its name contains.

    >>> sorted(home_countries("BBC News", Gazetteer([])))
    ['GB']
    """
    if not source:
        return frozenset()
    name = fold(source)
    for outlet, code in _OUTLETS.items():
        if name == outlet or name.startswith(outlet + " "):
            return frozenset({code})
    found: set[str] = set()
    for word in source.split():
        demonym = gazetteer.demonyms.get(word.strip(".,"))
        if demonym:
            found.add(demonym)
    for hit in gazetteer.scan(source):
        countries = {p.country for p in gazetteer.places(hit.key)}
        if len(countries) == 1:
            found |= countries
    return frozenset(found) if len(found) == 1 else frozenset()


_QUALIFIER = re.compile(r"(?:\s*,\s*|\s*\(\s*|\s+in\s+)((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3})")


def qualifier_codes(text: str, end: int, gazetteer: Gazetteer) -> frozenset[str]:
    """ISO codes of the region or country the text attaches to a name ending at ``end``.

    "Paris, Texas" gives ``{"US-TX", "US"}``; "Athens (Greece)" gives ``{"GR"}``. The
    longest run of capitalised words after a comma, an opening bracket or "in" that
    names a region or a country counts.

    >>> tx = Place("Texas", PlaceKind.REGION, "US", admin1="US-TX")
    >>> sorted(qualifier_codes("Paris, Texas, is small", 5, Gazetteer([tx])))
    ['US', 'US-TX']
    """
    m = _QUALIFIER.match(text, end)
    if m is None:
        return frozenset()
    words = m[1].split()
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n]).rstrip(".,;:'’")
        places = [p for p in gazetteer.places(candidate) if p.kind is not PlaceKind.CITY]
        if places:
            codes: set[str] = set()
            for p in places:
                codes.add(p.country)
                if p.kind is PlaceKind.REGION and p.admin1:
                    codes.add(p.admin1)
            return frozenset(codes)
    return frozenset()


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


#: Countries whose GeoNames admin-1 codes are the ISO 3166-2 codes (elsewhere GeoNames
#: numbers its regions its own way, and a number can match another region's code).
_ADMIN_CODES_AGREE = frozenset({"US", "GB"})

#: How big each kind of place is: containment only ever goes from a smaller to a larger.
#: Where a containment fact comes from when its smaller place has no GeoNames record of its own.
GEONAMES_DATASET = "https://www.geonames.org/"

RANK = {PlaceKind.CITY: 0, PlaceKind.REGION: 1, PlaceKind.COUNTRY: 2, PlaceKind.CONTINENT: 3}


def region_contains(region: Place, city: Place) -> bool:
    """Whether GeoNames' admin codes put ``city`` inside ``region``.

    Only where GeoNames' admin-1 codes are ISO's (the US, the UK).

    >>> tx = Place("Texas", PlaceKind.REGION, "US", admin1="US-TX")
    >>> region_contains(tx, Place("Irving", PlaceKind.CITY, "US", 4700168, 256684, admin1="TX"))
    True
    """
    return (
        region.kind is PlaceKind.REGION
        and city.kind is PlaceKind.CITY
        and city.country == region.country
        and city.country in _ADMIN_CODES_AGREE
        and region.admin1 == f"{city.country}-{city.admin1}"
    )


def entry_of(e: Entity, gazetteer: Gazetteer) -> Place | None:
    """The gazetteer entry a linked place entity stands for (by GeoNames id, else by name for regions)."""
    if e.type is not EntityType.PLACE:
        return None
    for name in (e.label, *e.aliases):
        for p in gazetteer.places(name):
            if p.geonameid and geonames_iri(p.geonameid) in e.same_as:
                return p
            if not e.same_as and p.kind is PlaceKind.REGION and place_key(p, gazetteer) == e.key:
                return p
    return None


def containment(
    mentions: Iterable[Mention], entities: Iterable[Entity], gazetteer: Gazetteer | None = None
) -> tuple[Relation, ...]:
    """``locatedIn`` facts from the gazetteer, always from the smaller place to the larger.

    For every linked place of the article: a city or region is in its country
    (GeoNames' country code), a city is in a region the article names when their
    admin codes agree (:func:`region_contains`), and a country is in its continent when
    the article names the continent. Each fact says where it comes from
    (``derived_from``: the GeoNames record of the smaller place, else the GeoNames
    dataset itself, so no derived fact ever reads as stated by the text) and is
    given once per mention of the smaller place, that mention being its evidence;
    its confidence is the smaller place's.

    Notes:
        O(places x regions) per article, both small.
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    places = [e for e in entities if e.type is EntityType.PLACE]
    entries = {e.key: p for e in places if (p := entry_of(e, gaz)) is not None}
    by_key = {e.key: e for e in places}
    said: dict[str, list[Mention]] = {}
    for m in mentions:
        said.setdefault(m.entity, []).append(m)
    out: list[Relation] = []

    def add(e: Entity, place: Place, container: str) -> None:
        derived = geonames_iri(place.geonameid) if place.geonameid else GEONAMES_DATASET
        for m in said.get(e.key, ()):
            evidence = Evidence(m.start, m.end, m.text, m.sentence_start, m.sentence_end)
            out.append(Relation(e.key, "locatedIn", container, min(0.95, e.confidence), evidence, None, derived))

    continents = {p.admin1: k for k, p in entries.items() if p.kind is PlaceKind.CONTINENT}
    for key, place in entries.items():
        e = by_key[key]
        if place.kind in (PlaceKind.CITY, PlaceKind.REGION) and e.country and e.country != key:
            add(e, place, e.country)
        if place.kind is PlaceKind.CITY:
            for rkey, region in entries.items():
                if region_contains(region, place):
                    add(e, place, rkey)
        if place.kind is PlaceKind.COUNTRY:
            continent = continents.get(gaz.continent_of.get(place.country))
            if continent is not None:
                add(e, place, continent)
    return tuple(out)


def _rank(e: Entity | None, gazetteer: Gazetteer) -> int | None:
    if e is None:
        return None
    place = entry_of(e, gazetteer)
    return RANK[place.kind] if place is not None else None


def stated_containment_holds(r: Relation, entities: dict[str, Entity], gazetteer: Gazetteer) -> bool:
    """Whether a ``locatedIn`` the text states may stand beside what GeoNames says.

    Both ends must be places and the subject the smaller: a country is never inside
    anything the text names ("South Africa in Durban" is a fixture), a linked city or
    region is only inside a linked country that is its own, and a place is never
    inside one of its own rank or smaller.
    """
    if r.predicate != "locatedIn":
        return True
    subject, obj = entities.get(r.subject), entities.get(r.object)
    if subject is None or obj is None or EntityType.PLACE not in (subject.type, obj.type):
        return False
    if subject.type is not EntityType.PLACE or obj.type is not EntityType.PLACE:
        return False
    s_rank, o_rank = _rank(subject, gazetteer), _rank(obj, gazetteer)
    if s_rank is not None and s_rank >= RANK[PlaceKind.COUNTRY]:
        return False
    if s_rank is not None and o_rank is not None and s_rank >= o_rank:
        return False
    return not (o_rank == RANK[PlaceKind.COUNTRY] and subject.country and subject.country != obj.key)
