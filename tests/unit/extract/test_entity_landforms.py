"""Issue 15, round 5: landforms and roads are places, and a chain of places names no team; invented sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract.entities import _in_place_chain, _is_landform, _is_road, entities_from_doc
from kg.extract.pipeline import load_pipeline
from kg.records import Entity, EntityType, Mention

Run = Callable[[str], tuple[list[Mention], list[Entity]]]

PLACE, ORG = EntityType.PLACE, EntityType.ORGANISATION

#: Many sports words, so the article reads as a sports report (``is_sports_report``).
_SPORT = (
    "The striker scored twice as Kelsey beat Orland 3-1 in the cup final, and the coach praised the goalkeeper. "
    "The referee gave a penalty in the second half. The league leaders kept their place in the table after the "
    "match. Fans of the team sang. "
)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_pipeline()


@pytest.fixture(scope="module")
def run(nlp) -> Run:  # type: ignore[no-untyped-def]
    return lambda text: entities_from_doc(nlp(text))


def _types(mentions: list[Mention], surface: str) -> set[EntityType]:
    return {m.type for m in mentions if m.text == surface}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Fishermen on the Varnaby River said the water rose a metre overnight.", "Varnaby River"),
        ("The ferry crossed Lake Tessaly before dawn.", "Lake Tessaly"),
        ("Hikers were rescued from the Kolvar Mountains on Tuesday.", "Kolvar Mountains"),
        ("Farmers along the Hallam Valley asked for help.", "Hallam Valley"),
        ("A lorry overturned on the M62 near the junction, police said.", "M62"),
        ("Drivers on the A19 faced long delays after the storm.", "A19"),
    ],
    ids=["river", "lake", "mountains", "valley", "motorway", "a-road"],
)
def test_entity_landforms_name_is_a_place(run: Run, text: str, surface: str) -> None:
    mentions, _ = run(text)
    assert _types(mentions, surface) == {PLACE}, [(m.text, m.type) for m in mentions]


@pytest.mark.parametrize(
    ("text", "surface", "landform"),
    [
        ("They sailed on the Tessaly Sea.", "Tessaly Sea", True),
        ("They climbed Mount Orrin last year.", "Mount Orrin", True),
        ("Tankers crossed the Gulf of Tessaly at night.", "Gulf of Tessaly", True),
        ("The Bay County council met on Monday.", "Bay County", False),  # "Bay" without "of"
        ("She joined the Lake Orrin Club last year.", "Lake Orrin Club", False),  # named after one
        ("She joined the Orrin Group last year.", "Orrin Group", False),
        ("They met Orrin last year.", "Orrin", False),  # one word: no head to go by
    ],
)
def test_entity_landforms_shape(nlp, text: str, surface: str, landform: bool) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    start = text.index(surface)
    span = doc.char_span(start, start + len(surface))
    assert span is not None
    assert _is_landform(span) is landform


@pytest.mark.parametrize(
    ("text", "surface", "label", "road"),
    [
        ("Traffic on I-44 was stopped.", "I-44", "GPE", True),
        ("The diner sits on Route 66 outside town.", "Route 66", "LOC", True),
        ("Drivers on the A19 faced delays.", "A19", "GPE", True),
        ("Drivers on A19 faced delays.", "A19", "GPE", False),  # a British road is "the A19"
        ("Users of IE6 were told to upgrade.", "IE6", "GPE", False),  # a product
        ("Traffic on I-44 was stopped.", "I-44", "PRODUCT", False),  # the model must say place
    ],
)
def test_entity_landforms_road_shape(nlp, text: str, surface: str, label: str, road: bool) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    start = text.index(surface)
    span = doc.char_span(start, start + len(surface))
    assert span is not None
    assert _is_road(doc, span, label) is road


@pytest.mark.parametrize(
    ("tail", "surface", "etype"),
    [
        ("She grew up in Preston, Victoria, Australia, and joined the squad in 2010.", "Australia", PLACE),
        ("She grew up in Preston, Victoria, Australia, and joined the squad in 2010.", "Victoria", PLACE),
        ("Kelsey played Orland again in the replay.", "Orland", ORG),  # a team: no chain
    ],
    ids=["country-at-end", "region-inside", "team"],
)
def test_entity_landforms_place_chain_in_sports_report(run: Run, tail: str, surface: str, etype: EntityType) -> None:
    mentions, _ = run(_SPORT + tail)
    assert _types(mentions, surface) == {etype}, [(m.text, m.type) for m in mentions]


def test_entity_landforms_chain_needs_a_comma(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("She moved from Preston to Victoria in 2010.")
    start = doc.text.index("Victoria")
    span = doc.char_span(start, start + len("Victoria"))
    assert span is not None
    assert not _in_place_chain(span)
