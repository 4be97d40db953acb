from __future__ import annotations

import pytest

from kg.extract.relations import classify_title, extract_relations
from tests.support.events_helpers import context

# (text, expected (subject, predicate, object, role) set)
CASES = {
    "title-demonym-leader": (
        "Russian President Vladimir Putin wants visible gains.",
        {("person/vladimir-putin", "leaderOf", "place/russia", "President")},
    ),
    "apposition-fellow-at": (
        "It is unclear, said Samuel Ramani, an associate fellow at the Royal United Services Institute.",
        {("person/samuel-ramani", "affiliatedWith", "organisation/rusi", "associate fellow")},
    ),
    "apposition-think-tank-in": (
        "Russian forces were close, according to the Institute for the Study of War, a think tank in Washington.",
        {("organisation/isw", "basedIn", "place/washington", None)},
    ),
    "strongholds-in-province": (
        "Forces could press on toward Kramatorsk and Sloviansk, key Ukrainian strongholds in Donetsk province.",
        {
            ("place/kramatorsk", "locatedIn", "place/donetsk", None),
            ("place/sloviansk", "locatedIn", "place/donetsk", None),
        },
    ),
    "possessive-region": (
        "Fighting has unfolded in southern Ukraine's Kherson region.",
        {("place/kherson", "locatedIn", "place/ukraine", None)},
    ),
    "comma-place-pair": (
        "The festival opened in Valencia, Spain on Monday.",
        {("place/valencia", "locatedIn", "place/spain", None)},
    ),
    "place-list-is-no-containment": ("Applicants from Lyon, Valencia, Kyiv and Moscow wait.", set()),
    "two-countries-no-containment": ("Russia attacked Ukraine, France said.", set()),
    "in-direction-of-country": (
        "Shelling hit Bakhmut in eastern Ukraine.",
        {("place/bakhmut", "locatedIn", "place/ukraine", None)},
    ),
    "member-apposition": (
        "Jan Novak, 31, a member of Greenpeace since 2010, was detained.",
        {("person/jan-novak", "memberOf", "organisation/greenpeace", "member")},
    ),
    "members-including": (
        "Former members of Greenpeace, including Maria Lopez and Eva Berg, helped.",
        {
            ("person/maria-lopez", "memberOf", "organisation/greenpeace", "former member"),
            ("person/eva-berg", "memberOf", "organisation/greenpeace", "former member"),
        },
    ),
    "title-of-org-comma-person": (
        "Chief executive of Acme Corp, Maria Lopez, resigned.",
        {("person/maria-lopez", "leaderOf", "organisation/acme", "Chief executive")},
    ),
    "org-title-person": (
        "Acme Corp spokesperson Eva Berg declined to comment.",
        {("person/eva-berg", "spokespersonOf", "organisation/acme", "spokesperson")},
    ),
    "vice-is-not-leader": (
        "Ukrainian Vice President Jan Novak spoke.",
        {("person/jan-novak", "affiliatedWith", "place/ukraine", "Vice President")},
    ),
    "person-of-org": (
        "Eva Berg of Reuters reported the attack.",
        {("person/eva-berg", "affiliatedWith", "organisation/reuters", None)},
    ),
    "resident-from-place": (
        "Maria Lopez, a 30-year-old nurse from Valencia, was hurt.",
        {("person/maria-lopez", "residentOf", "place/valencia", None)},
    ),
    "place-resident-person": (
        "Bakhmut resident Jan Novak said the city was cut off.",
        {("person/jan-novak", "residentOf", "place/bakhmut", "resident")},
    ),
    "headquarters-located-in": (
        "Acme Corp's headquarters located in Lyon were closed.",
        {("organisation/acme", "basedIn", "place/lyon", None)},
    ),
    "place-based-org": (
        "The Lyon-based Acme Corp hired staff.",
        {("organisation/acme", "basedIn", "place/lyon", None)},
    ),
    "spaced-comma-place-pair": (
        "The festival opened in Valencia , Spain on Monday .",
        {("place/valencia", "locatedIn", "place/spain", None)},
    ),
    "spaced-comma-apposition-from": (
        "Maria Lopez , a 30-year-old nurse from Valencia , was hurt .",
        {("person/maria-lopez", "residentOf", "place/valencia", None)},
    ),
    "place-possessive-organisation": (
        "Spain 's Acme Corp hired staff .",
        {("organisation/acme", "basedIn", "place/spain", None)},
    ),
    "place-possessive-person-is-no-base": ("Spain's Maria Lopez won.", set()),
    "verb-between-is-no-relation": ("Vladimir Putin met Volodymyr Zelensky in Moscow.", set()),
    "person-in-place-is-no-relation": ("Maria Lopez in Lyon was happy.", set()),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_extract_relations_pattern(text: str, expected: set[tuple[str, str, str, str | None]]) -> None:
    got = {(r.subject, r.predicate, r.object, r.role) for r in extract_relations(context(text))}
    assert got == expected


def test_extract_relations_evidence_includes_a_title_before_the_organisation() -> None:
    (rel,) = extract_relations(context("Chief executive of Acme Corp, Maria Lopez, resigned."))
    assert rel.evidence.text == "Chief executive of Acme Corp, Maria Lopez"


def test_extract_relations_evidence_spans_both_entities() -> None:
    text = "Quiet day. Russian President Vladimir Putin wants visible gains."
    (rel,) = extract_relations(context(text))
    assert rel.evidence.text == "Russian President Vladimir Putin"
    assert text[rel.evidence.start : rel.evidence.end] == rel.evidence.text
    assert text[rel.evidence.sentence_start : rel.evidence.sentence_end].startswith("Russian President")
    assert 0.0 < rel.confidence <= 1.0


TITLES = [
    ("President", "leaderOf"),
    ("Prime Minister", "leaderOf"),
    ("CEO", "leaderOf"),
    ("former President", "affiliatedWith"),
    ("Deputy Mayor", "affiliatedWith"),
    ("interior minister", "affiliatedWith"),
    ("associate fellow", "affiliatedWith"),
    ("member", "memberOf"),
    ("resident", "residentOf"),
    ("14-year-old boy", None),
    ("", None),
]


@pytest.mark.parametrize(("title", "expected"), TITLES, ids=[t or "empty" for t, _ in TITLES])
def test_classify_title(title: str, expected: str | None) -> None:
    assert classify_title(title) == expected
