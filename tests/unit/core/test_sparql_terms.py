"""Values from clients become RDF terms, never query text: the injection payloads of issue 18."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from strawberry import relay

from api import build_schema
from api.context import Context
from kg import sparql as terms
from kg.settings import Settings
from kg.store import EmbeddedStore

SCHEMA = build_schema()


@pytest.mark.parametrize(
    "value",
    ["https://x/a> } #", "https://x/a b", 'https://x/a"b', "https://x/{a}", "x> { ?x ?y ?z } } #", ""],
    ids=["close-and-comment", "space", "quote", "braces", "relative-payload", "empty"],
)
def test_iri_refuses_what_could_end_the_term(value: str) -> None:
    with pytest.raises(terms.InvalidIRIError):
        terms.iri(value)
    assert terms.iris([value]) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('") } #', '"\\") } #"'),
        ("a\\b", '"a\\\\b"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("lone \ud800", '"lone \ufffd\ufffd\ufffd"'),
    ],
    ids=["quote-close", "backslash", "newline", "lone-surrogate"],
)
def test_literal_escapes_everything_that_could_end_it(value: str, expected: str) -> None:
    assert terms.literal(value) == expected


def _run(store: EmbeddedStore, settings: Settings, query: str, **variables: Any) -> dict[str, Any]:
    result = asyncio.run(
        SCHEMA.execute(query, variable_values=variables, context_value=Context(store=store, settings=settings))
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


PAYLOADS = ["<id>> { ?x ?y ?z } } #", "x> } #", 'x" } #', "x> ?p ?o } UNION { ?e ?p ?o } #"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=["graph-escape", "close", "quote", "union"])
def test_api_entities_mentioned_in_a_payload_finds_nothing(
    seed_store: EmbeddedStore, settings: Settings, payload: str
) -> None:
    data = _run(
        seed_store,
        settings,
        "query($a: ID!) { entities(filter: {mentionedIn: $a}) { totalCount } }",
        a=payload,
    )
    assert data["entities"]["totalCount"] == 0


@pytest.mark.parametrize("payload", ["person/x> } #", "person/x> ?p ?o } #", 'person/"x'], ids=str)
def test_api_entity_with_a_payload_id_is_not_found(seed_store: EmbeddedStore, settings: Settings, payload: str) -> None:
    q = "query($id: ID!, $g: ID!) { entity(id: $id) { __typename } node(id: $g) { id } }"
    gid = str(relay.GlobalID("Entity", payload))
    data = _run(seed_store, settings, q, id=payload, g=gid)
    assert data == {"entity": {"__typename": "EntityNotFound"}, "node": None}


@pytest.mark.parametrize("payload", PAYLOADS, ids=["graph-escape", "close", "quote", "union"])
def test_api_events_filtered_by_a_payload_id_find_nothing(
    seed_store: EmbeddedStore, settings: Settings, payload: str
) -> None:
    for arg in ("participant", "place"):
        q = f"query($p: ID!) {{ events({arg}: $p) {{ totalCount }} }}"
        result = asyncio.run(
            SCHEMA.execute(
                q, variable_values={"p": payload}, context_value=Context(store=seed_store, settings=settings)
            )
        )
        messages = [e.message for e in result.errors or []]
        if messages:  # refused as an argument, before any query is written
            assert messages == [f"{arg} {payload!r} is not the id of an entity"]
        else:
            assert result.data == {"events": {"totalCount": 0}}


@pytest.mark.parametrize(
    "search", ['") } #', '") || true) } #', "\\", "\ud800"], ids=["close", "always-true", "backslash", "surrogate"]
)
def test_api_search_with_a_payload_is_only_text(seed_store: EmbeddedStore, settings: Settings, search: str) -> None:
    q = "query($s: String!) { entities(search: $s) { totalCount } events(filter: {search: $s}) { totalCount } }"
    data = _run(seed_store, settings, q, s=search)
    assert data == {"entities": {"totalCount": 0}, "events": {"totalCount": 0}}


def test_api_article_with_a_payload_id_is_not_found(seed_store: EmbeddedStore, settings: Settings) -> None:
    gid = str(relay.GlobalID("Article", "x> } #"))
    data = _run(seed_store, settings, "query($g: ID!) { node(id: $g) { id } }", g=gid)
    assert data == {"node": None}
