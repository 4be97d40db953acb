"""Issue 15, round 4: people a name honours, journals, aliases inside longer names; on invented sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract.aliases import _inside_longer_name, _named_before
from kg.extract.entities import entities_from_doc
from kg.extract.pipeline import load_pipeline
from kg.records import Entity, EntityType, Mention

Run = Callable[[str], tuple[list[Mention], list[Entity]]]

PER, ORG = EntityType.PERSON, EntityType.ORGANISATION


@pytest.fixture(scope="module")
def run() -> Run:
    nlp = load_pipeline()
    return lambda text: entities_from_doc(nlp(text))


def _types(mentions: list[Mention], surface: str) -> set[EntityType]:
    return {m.type for m in mentions if m.text == surface}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("The plane landed at Tomas Berglund Airport after a long delay.", "Tomas Berglund"),
        ("She won the Ada Lovelace Prize for her work on compilers.", "Ada Lovelace"),
        ("The Helena Marchetti Foundation paid for the new wing.", "Helena Marchetti"),
        ("Crowds gathered at the Helena Marchetti Memorial Hall for the ceremony.", "Helena Marchetti"),
    ],
    ids=["airport", "prize", "foundation", "memorial"],
)
def test_entity_honours_person_a_name_honours(run: Run, text: str, surface: str) -> None:
    mentions, _ = run(text)
    assert PER in _types(mentions, surface), [(m.text, m.type) for m in mentions]


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        # an institution's own words after a given name
        ("Parents wrote to the Grace Municipal Library about the hours.", "Grace Municipal"),
        ("Buses of the Irwin Public School District stopped on Monday.", "Irwin Public School"),
        # one word before the head: too little to be a person's full name
        ("Joggers crowded Victoria Park on Sunday morning.", "Victoria"),
    ],
    ids=["municipal", "public-school", "one-word"],
)
def test_entity_honours_no_person_in_an_institution_name(run: Run, text: str, surface: str) -> None:
    mentions, _ = run(text)
    assert PER not in _types(mentions, surface), [(m.text, m.type) for m in mentions]


def test_entity_honours_journal_before_a_name_is_an_organisation(run: Run) -> None:
    mentions, _ = run("The study was published on Monday in the journal Applied Tidal Science.")
    assert ORG in _types(mentions, "Applied Tidal Science"), [(m.text, m.type) for m in mentions]


@pytest.mark.parametrize(
    ("text", "word", "inside"),
    [
        ("Users of Orbix Navigator complained on Monday.", "Navigator", True),
        ("Later that day Jane Kessler left the building.", "Kessler", True),
        ("Later that day President Kessler left the building.", "Kessler", False),
        ("Kessler left the building on Monday.", "Kessler", False),
        ("Later that day the tired Kessler left the building.", "Kessler", False),
    ],
    ids=["product", "other-given-name", "title", "sentence-start", "lower-case-before"],
)
def test_entity_honours_alias_inside_a_longer_name(text: str, word: str, inside: bool) -> None:
    doc = load_pipeline()(text)
    (tok,) = [t for t in doc if t.text == word]
    assert _inside_longer_name(doc, tok.i) is inside


@pytest.mark.parametrize(
    ("covered", "start", "named"),
    [
        ([(4, 11)], 12, True),  # "the Chicago NAPM": a place found right before the alias
        ([(4, 11)], 20, False),  # a name further back
        ([(4, 11), (30, 36)], 12, True),
        ([], 12, False),
    ],
    ids=["adjacent", "far", "adjacent-among-others", "none"],
)
def test_entity_honours_name_found_right_before_an_alias(
    covered: list[tuple[int, int]], start: int, named: bool
) -> None:
    assert _named_before(covered, [s for s, _ in covered], start) is named
