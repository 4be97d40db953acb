"""Relations read off the parse (kg.extract.roles), one table row per construction."""

from __future__ import annotations

import pytest

from kg.extract.relations import extract_relations
from kg.extract.roles import RULES, predicate_of_role
from kg.records import EntityType
from tests.support.events_helpers import context

# (text, expected (subject, predicate, object) triples among the relations, and triples that must be absent)
CASES = {
    "compound-team-role": (
        "Northfield United striker Tom Okafor scored twice on Sunday.",
        {("person/tom-okafor", "playsFor", "organisation/northfield-united")},
        set(),
    ),
    "player-is-member": (
        "Northfield United striker Tom Okafor scored twice on Sunday.",
        {("person/tom-okafor", "memberOf", "organisation/northfield-united")},
        set(),
    ),
    "apposition-role": (
        "Tom Okafor, the Northfield United captain, was injured.",
        {("person/tom-okafor", "playsFor", "organisation/northfield-united")},
        set(),
    ),
    "possessive-role": (
        "Northfield United's coach Lena Marsh was sacked.",
        {("person/lena-marsh", "coachOf", "organisation/northfield-united")},
        set(),
    ),
    "spaced-possessive-role": (
        "Northfield United 's coach Lena Marsh was sacked .",
        {("person/lena-marsh", "coachOf", "organisation/northfield-united")},
        set(),
    ),
    "copula-member-of": (
        "Lena Marsh is a member of Greenpeace.",
        {("person/lena-marsh", "memberOf", "organisation/greenpeace")},
        set(),
    ),
    "role-of-org": (
        "Lena Marsh, the founder of Acme Corp, spoke.",
        {("person/lena-marsh", "founderOf", "organisation/acme")},
        set(),
    ),
    "spokesperson-compound": (
        "Acme Corp spokesman Tom Okafor declined to comment.",
        {("person/tom-okafor", "spokespersonOf", "organisation/acme")},
        set(),
    ),
    "bracketed-country": (
        "Tom Okafor ( Spain ) beat Jan Novak ( France ) 6-3 6-4 .",
        {("person/tom-okafor", "residentOf", "place/spain"), ("person/jan-novak", "residentOf", "place/france")},
        {("person/tom-okafor", "residentOf", "place/france")},
    ),
    "from-place": (
        "Lena Marsh, from Portmere, won the race.",
        {("person/lena-marsh", "residentOf", "place/portmere")},
        set(),
    ),
    "based-in": (
        "The Brightwater Times, based in Portmere, printed the story.",
        {("organisation/brightwater-times", "basedIn", "place/portmere")},
        set(),
    ),
    "presence-in-place": (
        "Tom Okafor won in Portmere on Sunday.",
        {("person/tom-okafor", "presentIn", "place/portmere")},
        set(),
    ),
    "travel-to-place": (
        "Lena Marsh flew to Portmere on Monday.",
        {("person/lena-marsh", "visited", "place/portmere")},
        set(),
    ),
    "journey-noun-by-person": (
        "A visit to Portmere by Lena Marsh angered her rivals.",
        {("person/lena-marsh", "visited", "place/portmere")},
        set(),
    ),
    "journey-noun-of-possessor": (
        "Officials approved Tom Okafor's flight to Portmere.",
        {("person/tom-okafor", "visited", "place/portmere")},
        set(),
    ),
    "understood-subject-of-meeting": (
        "Lena Marsh had been scheduled to meet Tom Okafor in Portmere on Monday.",
        {("person/lena-marsh", "presentIn", "place/portmere"), ("person/tom-okafor", "presentIn", "place/portmere")},
        set(),
    ),
    "role-noun-subject-in-apposition": (
        "The party's chairman, Tom Okafor, arrived in Portmere on Monday.",
        {("person/tom-okafor", "presentIn", "place/portmere")},
        set(),
    ),
    "flight-decided-against-is-no-visit": (
        "Lena Marsh decided against flying to Portmere on Friday.",
        set(),
        {("person/lena-marsh", "visited", "place/portmere")},
    ),
    "lineup-after-team-score": (
        "Portmere : Northfield United 429-7 ( Tom Okafor 80 not out , Lena Marsh 70 ; Jan Novak 4-37 ) .",
        {
            ("person/tom-okafor", "playsFor", "organisation/northfield-united"),
            ("person/lena-marsh", "playsFor", "organisation/northfield-united"),
        },
        {("person/jan-novak", "playsFor", "organisation/northfield-united")},
    ),
    "bracket-without-score-is-no-lineup": (
        "Northfield United ( Tom Okafor , Lena Marsh ) won .",
        set(),
        {("person/tom-okafor", "playsFor", "organisation/northfield-united")},
    ),
    "lineup-after-place-named-side": (
        "Lyon : Portmere 363 ( Tom Okafor 111 , Lena Marsh 52 ) .",
        {("person/tom-okafor", "playsFor", "place/portmere"), ("person/lena-marsh", "playsFor", "place/portmere")},
        set(),
    ),
    "result-line-sides-at-venue": (
        "Lyon : Northfield United 363 ( Tom Okafor 111 ) , Acme Corp 197-8 ( Lena Marsh 54 )",
        {
            ("organisation/northfield-united", "presentIn", "place/lyon"),
            ("organisation/acme", "presentIn", "place/lyon"),
        },
        set(),
    ),
    "result-line-ground-in-brackets": (
        "Spain ( Portmere ) : Northfield United 195 , Valencia 429-7 .",
        {
            ("organisation/northfield-united", "presentIn", "place/portmere"),
            ("place/valencia", "presentIn", "place/portmere"),
        },
        {("organisation/northfield-united", "presentIn", "place/spain")},
    ),
    "fixture-venue-in-brackets": (
        "May 15 v Northfield United ( at Portmere )",
        {("organisation/northfield-united", "presentIn", "place/portmere")},
        set(),
    ),
    "colon-after-a-name-mid-sentence-is-no-venue": (
        "Rain fell in Lyon : Northfield United 2 Acme Corp 1 .",
        set(),
        {("organisation/northfield-united", "presentIn", "place/lyon")},
    ),
    "players-in-a-bracket-are-not-at-the-venue": (
        "Lyon : Northfield United 363 ( Portmere 111 ) .",
        set(),
        {("place/portmere", "presentIn", "place/lyon")},
    ),
    "conjoined-roles-share-the-holder": (
        "Tom Okafor , a former envoy to Spain and Greenpeace politician , spoke .",
        {
            ("person/tom-okafor", "affiliatedWith", "place/spain"),
            ("person/tom-okafor", "affiliatedWith", "organisation/greenpeace"),
        },
        set(),
    ),
    "as-role-of-relative-clause-subject": (
        "Lena Marsh , who as Spain 's ambassador to France signed the deal , retired .",
        {("person/lena-marsh", "affiliatedWith", "place/spain")},
        set(),
    ),
    "as-role-of-main-clause-subject": (
        "As Acme Corp's chairman, Tom Okafor signed the deal.",
        {("person/tom-okafor", "leaderOf", "organisation/acme")},
        set(),
    ),
    "as-without-role-noun-is-nothing": (
        "As a child, Tom Okafor visited Acme Corp.",
        set(),
        {("person/tom-okafor", "affiliatedWith", "organisation/acme")},
    ),
    "verb-played-with-team": (
        "Tom Okafor played his whole career with Northfield United.",
        {("person/tom-okafor", "playsFor", "organisation/northfield-united")},
        set(),
    ),
    "verb-plays-for-place-named-team": (
        "Tom Okafor, who plays for Portmere, scored twice.",
        {("person/tom-okafor", "playsFor", "place/portmere")},
        set(),
    ),
    "verb-joined-organisation": (
        "Lena Marsh joined Greenpeace in 2019.",
        {("person/lena-marsh", "memberOf", "organisation/greenpeace")},
        set(),
    ),
    "verb-works-for": (
        "Lena Marsh works for Acme Corp.",
        {("person/lena-marsh", "employeeOf", "organisation/acme")},
        set(),
    ),
    "played-in-a-place-is-no-team": (
        "Tom Okafor played with Lena Marsh in Portmere.",
        set(),
        {("person/tom-okafor", "playsFor", "place/portmere")},
    ),
    "played-against-is-no-team": (
        "Tom Okafor played against Northfield United.",
        set(),
        {("person/tom-okafor", "playsFor", "organisation/northfield-united")},
    ),
    "object-of-join-must-be-the-organisation": (
        "Lena Marsh joined talks with Acme Corp.",
        set(),
        {("person/lena-marsh", "memberOf", "organisation/acme")},
    ),
    "descriptor-compound-affiliation": (
        "Ukrainian champion Tom Okafor won .",
        {("person/tom-okafor", "affiliatedWith", "place/ukraine")},
        set(),
    ),
    "descriptor-apposition-with-adjective": (
        "Tom Okafor , a former Ukrainian champion , won .",
        {("person/tom-okafor", "affiliatedWith", "place/ukraine")},
        set(),
    ),
    "descriptor-of-phrase-states-nothing": (
        "Tom Okafor , a fan of Spain , spoke .",
        set(),
        {("person/tom-okafor", "affiliatedWith", "place/spain")},
    ),
    "descriptor-gives-way-to-a-role": (
        "Northfield United striker Tom Okafor scored .",
        {("person/tom-okafor", "playsFor", "organisation/northfield-united")},
        {("person/tom-okafor", "affiliatedWith", "organisation/northfield-united")},
    ),
    "area-in-area": (
        "Rain fell on the Portmere district in Spain.",
        {("place/portmere", "locatedIn", "place/spain")},
        set(),
    ),
    "unknown-noun-is-no-role": (
        "Lena Marsh, a fan of Northfield United, cheered.",
        set(),
        {("person/lena-marsh", "playsFor", "organisation/northfield-united")},
    ),
    "object-of-other-verb-is-no-role": (
        "Tom Okafor criticised Northfield United on Sunday.",
        set(),
        {
            ("person/tom-okafor", "memberOf", "organisation/northfield-united"),
            ("person/tom-okafor", "affiliatedWith", "organisation/northfield-united"),
        },
    ),
    "people-in-a-list-are-unrelated": (
        "Tom Okafor and Lena Marsh arrived.",
        set(),
        {("person/tom-okafor", "relatedTo", "person/lena-marsh")},
    ),
}


@pytest.mark.parametrize(("text", "present", "absent"), CASES.values(), ids=CASES.keys())
def test_extract_relations_construction(
    text: str, present: set[tuple[str, str, str]], absent: set[tuple[str, str, str]]
) -> None:
    got = {(r.subject, r.predicate, r.object) for r in extract_relations(context(text))}
    assert present <= got
    assert not absent & got
    if not present:
        assert all(
            r.subject.startswith(("person/", "organisation/", "place/")) for r in extract_relations(context(text))
        )


def test_extract_relations_nothing_between_people_and_unrelated_names() -> None:
    assert extract_relations(context("Tom Okafor criticised Northfield United on Sunday.")) == ()


ROLES = [
    (["chief", "spokesman"], EntityType.ORGANISATION, "spokespersonOf"),
    (["head", "coach"], EntityType.ORGANISATION, "coachOf"),
    (["chief", "executive"], EntityType.ORGANISATION, "leaderOf"),
    (["prime", "minister"], EntityType.PLACE, "leaderOf"),
    (["vice", "president"], EntityType.PLACE, "affiliatedWith"),
    (["former", "member"], EntityType.ORGANISATION, "memberOf"),
    (["resident"], EntityType.ORGANISATION, None),
    (["resident"], EntityType.PLACE, "residentOf"),
    (["fan"], EntityType.ORGANISATION, None),
    ([], EntityType.ORGANISATION, None),
]


@pytest.mark.parametrize(("words", "other", "expected"), ROLES, ids=[" ".join(w) or "empty" for w, _, _ in ROLES])
def test_predicate_of_role(words: list[str], other: EntityType, expected: str | None) -> None:
    assert predicate_of_role(words, other) == expected


def test_roles_rules_are_named() -> None:
    assert set(RULES) == {"title", "paren", "presence", "lineup", "area", "venue", "role-verb", "descriptor", "near"}
