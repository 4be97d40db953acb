"""Issue 15, round 4: people a name honours, journals; on invented sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest

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
