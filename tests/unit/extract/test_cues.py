"""Cue-based names (kg.extract.cues) through the whole entity stage, on invented sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract.entities import entities_from_doc
from kg.extract.pipeline import build_pipeline, load_pipeline
from kg.records import Entity, EntityType, Mention

Run = Callable[[str], tuple[list[Mention], list[Entity]]]

PER, ORG, PLA = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE


@pytest.fixture(scope="module")
def run() -> Run:
    nlp = load_pipeline()
    return lambda text: entities_from_doc(nlp(text))


@pytest.mark.parametrize(
    ("text", "surface", "etype"),
    [
        # "the <administrative unit> of X": X is a place even when no gazetteer lists it
        ("The council of the comune of Varzello approved the budget on Monday.", "Varzello", PLA),
        ("Farmers from the village of Oskorrin protested outside the ministry.", "Oskorrin", PLA),
        # a lower-case region word after a name
        ("Hospitals across the Valdoria region reported fewer cases this week.", "Valdoria", PLA),
        # the person a government or an administration is named after
        ("Tax rules changed under the Brandolini government in 2012.", "Brandolini", PER),
        ("Critics said the Hollister administration ignored the warnings.", "Hollister", PER),
        # a class noun before the name, a corporate role after it
        ("The final was won by the team Voltspark after a long series.", "Voltspark", ORG),
        ("Reporters asked the company Quillon about the data leak.", "Quillon", ORG),
        ("Investors met Brinkwell co-founder Mara Tesk in London on Friday.", "Brinkwell", ORG),
        ("A Zentrova spokeswoman declined to comment on the recall.", "Zentrova", ORG),
        # what happened to a person, and whose kin someone is
        ("Police reopened the investigation into the murder of Odrin Vasse last year.", "Odrin Vasse", PER),
        # a memorial named after a person
        ("Crowds gathered at the Helena Marchetti Memorial Hall for the ceremony.", "Helena Marchetti", PER),
        # the body a named person speaks for
        (
            "Tomas Reyl for Coastal Water Authority Chile said the rules would change.",
            "Coastal Water Authority Chile",
            ORG,
        ),
        # a first word that says what kind of body a name is
        ("She taught at Instituto Valmora for ten years.", "Instituto Valmora", ORG),
    ],
    ids=[
        "comune-of",
        "village-of",
        "region-after",
        "government",
        "administration",
        "team-before",
        "company-before",
        "co-founder-after",
        "spokeswoman-after",
        "murder-of",
        "memorial",
        "speaks-for",
        "instituto",
    ],
)
def test_cues_name_gets_its_type(run: Run, text: str, surface: str, etype: EntityType) -> None:
    mentions, _ = run(text)
    assert etype in {m.type for m in mentions if m.text == surface}, [(m.text, m.type) for m in mentions]


@pytest.mark.parametrize(
    ("text", "surface", "wrong"),
    [
        # a demonym, a country or a party before "government" is not a person
        ("The Italian government raised the tax on Monday.", "Italian", PER),
        ("The Labour government lost the vote on Monday.", "Labour", PER),
        ("Aid reached Kenya after the Kenya government asked for help.", "Kenya", PER),
        ("Diplomats met officials of the Hamas government in Gaza.", "Hamas", PER),
        # a memorial that starts with no given name names nobody
        ("Wreaths were laid at the National War Memorial on Sunday.", "National War", PER),
        # a class noun before a lower-case word, or before a person's name
        ("The coach praised team captain Maria Lopes after the match.", "Maria Lopes", ORG),
        # "for" a country is not an organisation
        ("Anna Berg for Australia won the second heat easily.", "Australia", ORG),
    ],
    ids=[
        "demonym-government",
        "party-government",
        "country-government",
        "org-government",
        "war-memorial",
        "team-captain",
        "for-country",
    ],
)
def test_cues_do_not_fire_without_their_pattern(run: Run, text: str, surface: str, wrong: EntityType) -> None:
    mentions, _ = run(text)
    assert wrong not in {m.type for m in mentions if m.text == surface}, [(m.text, m.type) for m in mentions]


def test_cues_teams_coordinated_after_a_class_noun(run: Run) -> None:
    mentions, _ = run("In the final the teams Voltspark and Redmarrow played for three hours.")
    assert {m.text for m in mentions if m.type is ORG} >= {"Voltspark", "Redmarrow"}


def test_cues_acronym_with_expansion_after_it(run: Run) -> None:
    text = "The GRAIN fair opened on Monday (Growers Regional Agricultural Innovation Network) in the valley."
    mentions, _ = run(text)
    found = {m.text for m in mentions if m.type is ORG}
    assert {"GRAIN", "Growers Regional Agricultural Innovation Network"} <= found


def test_cues_city_run_into_a_person_is_split() -> None:
    # The cue mends a stock-model error (a city run into a PERSON span). kg's fine-tuned
    # NER reads such runs as one ORG instead, so the cue is tested on the fallback
    # pipeline (the stock NER, used when kg/models/ner is absent), where it still fires.
    nlp = build_pipeline(None)
    mentions, _ = entities_from_doc(nlp("Toronto Wonder Woman and her friend posed at the booth on Saturday."))
    assert any(m.text == "Toronto" and m.type is PLA for m in mentions)


def test_cues_organisation_run_into_a_speaker_is_split(run: Run) -> None:
    text = "The director of the Society for Coastal Birds and Marine Life Anna Berg said the count had fallen."
    mentions, _ = run(text)
    assert not any("Anna Berg" in m.text and m.text != "Anna Berg" for m in mentions)


@pytest.mark.parametrize(
    ("pair", "maker", "is_maker"),
    [
        ("Amazon Kindle", "Amazon", True),
        ("Sony Walkman", "Sony", True),
        ("Real Madrid", "Real", False),  # the second word is a place: not maker + product
    ],
    ids=["kindle", "walkman", "real-madrid"],
)
def test_cues_maker_in_front_of_a_product_used_alone(run: Run, pair: str, maker: str, is_maker: bool) -> None:
    product = pair.split()[1]
    text = f"Sales of {pair} rose sharply last quarter, analysts said. {product} now leads, and {product} is cheaper."
    mentions, _ = run(text)
    assert any(m.text == maker and m.type is ORG for m in mentions) is is_maker, [(m.text, m.type) for m in mentions]
