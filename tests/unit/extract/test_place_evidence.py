"""Places on news text: evidence beyond capitals, namesakes by context, containment the right way up."""

from __future__ import annotations

import pytest

from kg import queries
from kg.extract import extract
from kg.extract.commonness import is_common_word
from kg.identity import MemoryEntityIndex, resolve_across
from kg.ingest import ingest_articles
from kg.records import Article, EntityType, Extraction
from kg.settings import Settings
from kg.store import EmbeddedStore

SPORT = (
    " The striker scored the winning goal in the second half of the league match, and the coach praised"
    " the defender and the goalkeeper. The fans cheered the team after the final whistle of the game."
)


def _extract(text: str, source: str | None = None, aid: str = "a") -> Extraction:
    return extract(Article(id=aid, text=text, source=source))


def _types(x: Extraction, surface: str) -> set[EntityType]:
    return {m.type for m in x.mentions if m.text == surface}


def _place(x: Extraction, surface: str) -> str | None:
    """The GeoNames IRI the place mention ``surface`` is linked to, if any."""
    ents = {e.key: e for e in x.entities}
    for m in x.mentions:
        if m.text == surface and m.type is EntityType.PLACE:
            same = ents[m.entity].same_as
            return same[0] if same else None
    return None


@pytest.mark.parametrize(
    ("word", "common"),
    [("March", True), ("Orange", True), ("Bush", True), ("Paris", False), ("Leeds", False), ("Gazprom", False)],
    ids=["month", "fruit", "shrub", "city", "town", "company"],
)
def test_commonness_everyday_words(word: str, common: bool) -> None:
    assert is_common_word(word) is common


@pytest.mark.parametrize(
    ("text", "surface", "expected"),
    [
        ("Profits at the bakery rose in March, the owners said on Friday.", "March", set()),
        ("Storm damage closed roads in Mobile, Alabama, on Sunday night.", "Mobile", {EntityType.PLACE}),
        (
            "Maria Davenport won the final in three sets. Davenport said the crowd had carried her.",
            "Davenport",
            {EntityType.PERSON},
        ),
        ("Lyon drew with Nantes in the cup." + SPORT, "Lyon", {EntityType.ORGANISATION}),
        ("Lyon drew with Nantes in the cup on Saturday in London." + SPORT, "London", {EntityType.PLACE}),
    ],
    ids=["date-word", "common-word-after-in", "surname", "town-club-in-sports", "venue-in-sports"],
)
def test_place_evidence_decides_what_a_gazetteer_name_is(text: str, surface: str, expected: set[EntityType]) -> None:
    assert _types(_extract(text), surface) == expected


@pytest.mark.parametrize(
    ("text", "surface", "source", "geonames"),
    [
        ("Ministers met in Paris on Monday to discuss the budget.", "Paris", None, 2988507),
        ("Flooding hit Paris, Texas, overnight, officials said.", "Paris", None, 4717560),
        ("A US delegation arrived in Athens for the talks on Tuesday.", "Athens", "BBC", 264371),
    ],
    ids=["famous-paris", "paris-texas", "famous-athens-despite-us"],
)
def test_place_link_follows_the_text(text: str, surface: str, source: str | None, geonames: int) -> None:
    assert _place(_extract(text, source), surface) == f"https://sws.geonames.org/{geonames}/"


def test_place_namesakes_stay_two_entities_across_articles() -> None:
    index = MemoryEntityIndex()
    texas = resolve_across(_extract("Flooding hit Paris, Texas, overnight, officials said.", aid="t"), index)
    france = resolve_across(_extract("Ministers met in Paris on Monday to discuss the budget.", aid="f"), index)
    later = resolve_across(_extract("Tourists returned to Paris this summer.", aid="l"), index)

    def key(x: Extraction) -> str:
        return next(m.entity for m in x.mentions if m.text == "Paris")

    assert key(texas) != key(france)
    assert key(later) == key(france)  # the first article's Texas does not carry over


@pytest.mark.parametrize(
    ("text", "subject", "obj", "holds"),
    [
        ("South Africa in Durban drew with the hosts.", "place/south-africa", "place/durban", False),
        ("Rescuers arrived in Bakhmut in eastern Ukraine on Friday.", "place/bakhmut", "place/ukraine", True),
        ("Protesters gathered in Lyon, France, on Saturday.", "place/lyon", "place/france", True),
    ],
    ids=["country-in-city-is-no-containment", "city-in-its-country", "city-comma-country"],
)
def test_place_containment_goes_from_smaller_to_larger(text: str, subject: str, obj: str, holds: bool) -> None:
    x = _extract(text)
    facts = {(r.subject, r.object) for r in x.relations if r.predicate == "locatedIn"}
    assert ((subject, obj) in facts) is holds
    assert not any(s == "place/south-africa" for s, _ in facts)


def test_place_gazetteer_containment_says_where_it_comes_from() -> None:
    x = _extract("Leaders met in Lyon. Lyon has long been a trading city of Europe, and France welcomed them.")
    facts = [r for r in x.relations if r.predicate == "locatedIn" and r.derived_from]
    lyon = [r for r in facts if r.subject == "place/lyon" and r.object == "place/france"]
    assert [r.evidence.text for r in lyon] == ["Lyon", "Lyon"]  # one per mention of the smaller place
    assert {r.derived_from for r in lyon} == {"https://sws.geonames.org/2996944/"}
    assert any(r.subject == "place/france" and r.object == "place/europe" for r in facts)
    assert all(r.evidence.text and 0 < r.confidence <= 1 for r in facts)


def test_place_gazetteer_fact_evidence_lists_the_mentions(settings: Settings) -> None:
    store = EmbeddedStore(None)
    text = "Leaders met in Lyon on Monday. Lyon welcomed them, and France paid for the summit."
    report = ingest_articles([Article(id="lyon", text=text)], store, settings, workers=1)
    assert report.ingested == ("lyon",)
    rels = queries.relationships_of(store, settings.base_iri, ["place/lyon"])["place/lyon"]
    (fact,) = [r for r in rels if r.predicate == "locatedIn" and r.object == "place/france"]
    assert [(e.text, e.start) for e in fact.evidence] == [("Lyon", 15), ("Lyon", 31)]
    derived = store.query("SELECT ?d WHERE { GRAPH ?g { ?st <http://www.w3.org/ns/prov#wasDerivedFrom> ?d } }")
    assert {r["d"] for r in derived} >= {"https://sws.geonames.org/2996944/"}
