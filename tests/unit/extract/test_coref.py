"""The article's own coreference and the argument paths that use it, on invented sentences.

Mentions are given by hand (:func:`_ctx`), so that only the argument stage is under test:
a name absent from the table is a name the entity stage missed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.extract.arguments import DocContext
from kg.extract.coref import gender_of_name, name_index, normalise_name
from kg.extract.events import extract_events
from kg.extract.pipeline import load_pipeline
from kg.ingest.run import ingest_paths
from kg.records import Article, Entity, EntityType, Event, Mention
from kg.settings import Settings
from kg.store import EmbeddedStore

P, O, L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE  # noqa: E741 - short names in tables

#: surface -> (type, key, label); the label is what the entity is called in the article.
NAMES: dict[str, tuple[EntityType, str, str]] = {
    "Jan Novak": (P, "person/jan-novak", "Jan Novak"),
    "Novak": (P, "person/jan-novak", "Jan Novak"),
    "Eva Berg": (P, "person/eva-berg", "Eva Berg"),
    "Berg": (P, "person/eva-berg", "Eva Berg"),
    "Mr Quill": (P, "person/zorvath-quill", "Zorvath Quill"),
    "Zorvath Quill": (P, "person/zorvath-quill", "Zorvath Quill"),
    "Quill": (P, "person/zorvath-quill", "Zorvath Quill"),
    "Ilse Marrow": (P, "person/ilse-marrow", "Ilse Marrow"),
    "Tom Okafor": (P, "person/tom-okafor", "Tom Okafor"),
    "Northern Valley Front": (O, "organisation/nvf", "Northern Valley Front"),
    "Harbour Workers Union": (O, "organisation/hwu", "Harbour Workers Union"),
    "Green Heritage Union": (O, "organisation/ghu", "Green Heritage Union"),
    "Portmere": (L, "place/portmere", "Portmere"),
    "Lyon": (L, "place/lyon", "Lyon"),
    "France": (L, "place/france", "France"),
    "Bloody": (O, "organisation/bloody", "Bloody"),  # the entity stage's mistake: a word of a day's name
}


def _ctx(text: str) -> DocContext:
    doc = load_pipeline()(text)
    taken: list[tuple[int, int]] = []
    mentions = []
    entities: dict[str, Entity] = {}
    for surface in sorted(NAMES, key=len, reverse=True):
        etype, key, label = NAMES[surface]
        for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            assert span is not None
            s = span.sent
            mentions.append(Mention(m.start(), m.end(), surface, key, etype, 0.9, s.start_char, s.end_char))
            entities.setdefault(key, Entity(key, etype, label, aliases=(surface,) if surface != label else ()))
    return DocContext.build(Article(id="c1", text=text, published="2022-10-28"), doc, mentions, entities.values())


def _nth(text: str, word: str, n: int) -> int:
    return [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", text)][n]


# --- pronouns ------------------------------------------------------------------------

PRONOUNS = {
    # text, pronoun, which occurrence, the person it means (None: nobody)
    "he-is-the-man-named-before": ("Jan Novak arrived on Monday. He said little.", "He", 0, "person/jan-novak"),
    "she-skips-a-man-named-later": (
        "Eva Berg met Jan Novak in Lyon. She said the talks went well.", "She", 0, "person/eva-berg",
    ),
    "he-skips-a-woman-named-later": (
        "Jan Novak met Eva Berg in Lyon. He said the talks went well.", "He", 0, "person/jan-novak",
    ),
    "title-tells-the-gender": (
        "Mr Quill met Eva Berg in Lyon. He left early.", "He", 0, "person/zorvath-quill",
    ),
    "earlier-pronoun-tells-the-gender": (
        "Zorvath Quill said she would stay. Jan Novak met Zorvath Quill in Lyon. He left early.",
        "He", 0, "person/jan-novak",
    ),
    "possessive-his": ("Tom Okafor lost his seat.", "his", 0, "person/tom-okafor"),
    "no-man-named-before": ("Eva Berg spoke first. He agreed.", "He", 0, None),
    "no-person-named-before": ("He said the Harbour Workers Union would strike.", "He", 0, None),
    "nobody-before-the-pronoun": ("She said Jan Novak had left.", "She", 0, None),
}  # fmt: skip


@pytest.mark.parametrize("case", PRONOUNS.values(), ids=PRONOUNS.keys())
def test_entity_of_resolves_pronoun_by_gender(case: tuple[str, str, int, str | None]) -> None:
    text, word, n, expected = case
    ctx = _ctx(text)
    tok = next(t for t in ctx.doc if t.idx == _nth(text, word, n))
    m = ctx.entity_of(tok)
    assert (m.entity if m is not None else None) == expected


def test_entity_of_pronoun_is_no_organisation_or_place() -> None:
    ctx = _ctx("Jan Novak arrived. He left.")
    tok = next(t for t in ctx.doc if t.text == "He")
    assert ctx.entity_of(tok, types=(O, L)) is None


@pytest.mark.parametrize(("given", "expected"), [("Maria", "f"), ("John", "m"), ("Zorvath", None), ("Jean-Luc", None)])
def test_gender_of_name_reads_given_names(given: str, expected: str | None) -> None:
    assert gender_of_name(given) == expected


# --- names the article uses elsewhere ----------------------------------------------------


def test_name_index_holds_labels_aliases_and_acronyms() -> None:
    idx = name_index(
        [
            Entity("organisation/nvf", O, "Northern Valley Front"),
            Entity("person/jan-novak", P, "Jan Novak", aliases=("Novak",)),
            Entity("place/lyon", L, "Lyon"),
        ]
    )
    assert idx["nvf"] == "organisation/nvf"
    assert idx["novak"] == idx["jan novak"] == "person/jan-novak"
    assert "jn" not in idx  # a person's initials name no one


def test_name_index_drops_a_name_two_entities_share() -> None:
    idx = name_index([Entity("organisation/hwu", O, "Harbour Workers Union"), Entity("organisation/x", O, "HWU")])
    assert "hwu" not in idx
    assert idx["harbour workers union"] == "organisation/hwu"


@pytest.mark.parametrize(("raw", "norm"), [("The U.N.", "un"), ("Jan Novak's", "jan novaks"), ("  NVF ", "nvf")])
def test_normalise_name_drops_the_and_punctuation(raw: str, norm: str) -> None:
    assert normalise_name(raw) == norm


# --- argument paths --------------------------------------------------------------------


def _event(events: tuple[Event, ...], text: str, word: str) -> Event:
    offset = text.index(word)
    found = [e for e in events if any(t.start == offset for t in e.triggers)]
    assert found, f"no event at {word!r}: {[(e.type, e.trigger) for e in events]}"
    return found[0]


ARGUMENTS = {
    # text, trigger, role -> entities expected in exactly that role
    "acronym-the-entity-stage-missed": (
        "The Northern Valley Front was founded in 1990. NVF gunmen attacked Portmere on Monday.",
        "attacked", {"agent": {"organisation/nvf"}, "target": {"place/portmere"}},
    ),
    "apposition-names-the-speaker": (
        "A union leader, Tom Okafor, said the strike would go on.",
        "said", {"speaker": {"person/tom-okafor"}},
    ),
    "apposition-after-a-heading": (
        "Later, the union's leader at the time, Tom Okafor, said nothing had changed.",
        "said", {"speaker": {"person/tom-okafor"}},
    ),
    "she-said-is-the-woman-named-before": (
        "Jan Novak and Eva Berg met in Lyon. Later she said the talks had failed.",
        "said", {"speaker": {"person/eva-berg"}},
    ),
    "killed-in-the-attacks-of": (
        "Three guards were killed in Northern Valley Front attacks near Portmere.",
        "killed", {"agent": {"organisation/nvf"}},
    ),
    "wounded-by-fire-from": (
        "A guard was wounded by mortar fire from the Northern Valley Front.",
        "wounded", {"agent": {"organisation/nvf"}},
    ),
    "possessor-undergoes-an-arrest": (
        "Jan Novak's arrest in Lyon angered his supporters.", "arrest", {"target": {"person/jan-novak"}, "agent": set()},
    ),
    "possessor-does-an-attack": (
        "The Northern Valley Front's attack on Portmere failed.", "attack", {"agent": {"organisation/nvf"}},
    ),
    "day-in-the-name-is-no-doer": (
        "The Harbour Workers Union's decision to carry out the Bloody Friday attacks proved a disaster.",
        "attacks", {"agent": {"organisation/hwu"}},
    ),
    "issued-a-statement": (
        "The Harbour Workers Union issued a statement on Monday.", "statement", {"speaker": {"organisation/hwu"}},
    ),
    "responded-stating": (
        'Eva Berg responded to the attack, stating "we will rebuild".', "stating", {"speaker": {"person/eva-berg"}},
    ),
    "listed-members-not-their-spouses": (
        "Leftists were arrested, including Ilse Marrow, wife of the poet Tom Okafor, Eva Berg and her relatives, "
        "Zorvath Quill, and the writer Jan Novak.",
        "arrested",
        {"target": {"person/ilse-marrow", "person/eva-berg", "person/zorvath-quill", "person/jan-novak"}},
    ),
    "purpose-clause-shares-the-subject": (
        "Jan Novak travelled to Lyon to meet Eva Berg.", "meet",
        {"participant": {"person/jan-novak", "person/eva-berg"}},
    ),
    "adjective-complement-shares-the-subject": (
        "Tom Okafor was able to meet Eva Berg in Lyon.", "meet",
        {"participant": {"person/tom-okafor", "person/eva-berg"}},
    ),
    "nothing-from-an-expletive-subject": (
        "It was hard to meet Eva Berg in Lyon.", "meet", {"participant": {"person/eva-berg"}},
    ),
    "nothing-for-an-unnamed-attacker": (
        "Three guards were killed in attacks near Portmere.", "killed", {"agent": set()},
    ),
    "nothing-for-a-day-alone": (
        "The Bloody Friday attacks shocked Portmere.", "attacks", {"agent": set()},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", ARGUMENTS.values(), ids=ARGUMENTS.keys())
def test_extract_events_fills_arguments_through_paths_and_coreference(
    case: tuple[str, str, dict[str, set[str]]],
) -> None:
    text, trigger, expected = case
    ev = _event(extract_events(_ctx(text)), text, trigger)
    for role, keys in expected.items():
        assert {p.entity for p in ev.participants if p.role == role} == keys, (role, ev.participants)


@pytest.mark.parametrize(
    "text",
    [
        "They said the strike would go on.",  # a plural pronoun is not resolved
        "He said the strike would go on.",  # nobody named before
        "Eva Berg left early. He said the strike would go on.",  # the only person is a woman
    ],
)
def test_extract_events_no_speaker_no_statement(text: str) -> None:
    assert not [e for e in extract_events(_ctx(text)) if e.type == "Statement"]


# --- several places ---------------------------------------------------------------------

PLACES = {
    # text, trigger, the event's place, its further locations
    "in-a-and-b": ("Two bombs exploded in Portmere and Lyon on Monday.", "exploded", "place/portmere", {"place/lyon"}),
    "at-a-b-and-c": (
        "Police arrested Tom Okafor at Lyon, Portmere and Lyon.", "arrested", "place/lyon", {"place/portmere"},
    ),
    "one-place-no-location": ("Two bombs exploded in Portmere on Monday.", "exploded", "place/portmere", set()),
    "a-person-in-the-list-is-no-location": (
        "Two bombs exploded in Portmere and Tom Okafor was hurt.", "exploded", "place/portmere", set(),
    ),
    "a-country-the-sentence-places-it-in": (
        "Lyon was calm, and Lyon slept. Tom Okafor was killed on Monday while he worked in France.", "killed",
        "place/france", set(),
    ),
    "a-country-as-a-doer-is-no-place": (
        "Lyon was calm, and Lyon slept. France said Tom Okafor was killed on Monday.", "killed", "place/lyon", set(),
    ),
    "a-smaller-place-before-the-country": (
        "The killing of Tom Okafor was reported in Lyon, France.", "killing", "place/lyon", set(),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", PLACES.values(), ids=PLACES.keys())
def test_extract_events_several_places_become_locations(case: tuple[str, str, str, set[str]]) -> None:
    text, trigger, place, locations = case
    ev = _event(extract_events(_ctx(text)), text, trigger)
    assert ev.place == place
    assert {p.entity for p in ev.participants if p.role == "location"} == locations


def test_event_locations_read_back_over_graphql(tmp_path: Path, settings: Settings) -> None:
    import asyncio

    from api import build_schema
    from api.context import Context

    article = tmp_path / "bombs.txt"
    article.write_text("date 2023-03-01\n\nTwo bombs exploded in Leeds and Bradford on Monday.\n", encoding="utf-8")
    store = EmbeddedStore(tmp_path / "kg-data")
    try:
        report = ingest_paths([article], store, settings)
        assert len(report.ingested) == 1
        query = '{ events(type: "Explosion") { edges { node { place { label } participants { role entity { label } } } } } }'
        result = asyncio.run(build_schema().execute(query, context_value=Context(store=store, settings=settings)))
    finally:
        store.close()
    assert result.errors is None, result.errors
    assert result.data is not None
    (node,) = [e["node"] for e in result.data["events"]["edges"]]
    assert node["place"] == {"label": "Leeds"}
    assert {"role": "location", "entity": {"label": "Bradford"}} in node["participants"]


def test_conform_keeps_only_place_locations() -> None:
    from kg.identity import conform
    from kg.records import Evidence, Extraction, Participant

    ents = (Entity("place/lyon", L, "Lyon"), Entity("organisation/nvf", O, "Northern Valley Front"))
    participants = (
        Participant("location", "place/lyon"),
        Participant("location", "organisation/nvf"),
        Participant("agent", "organisation/nvf"),
    )
    ev = Event("event/1/0", "Attack", "Attack", Evidence(0, 4, "hits", 0, 10), 0.8, participants=participants)
    out = conform(Extraction(Article(id="a1", text="hits in Lyon"), entities=ents, events=(ev,)))
    assert [(p.role, p.entity) for p in out.events[0].participants] == [
        ("location", "place/lyon"),
        ("agent", "organisation/nvf"),
    ]
