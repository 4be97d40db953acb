"""The GraphQL schema, executed in-process against the seed store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from strawberry import relay

from api import build_schema
from api.context import Context
from kg.settings import Settings
from kg.store import EmbeddedStore

SCHEMA = build_schema()


def run(store: EmbeddedStore, settings: Settings, query: str, **variables: Any) -> dict[str, Any]:
    result = asyncio.run(
        SCHEMA.execute(query, variable_values=variables, context_value=Context(store=store, settings=settings))
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def run_errors(store: EmbeddedStore, settings: Settings, query: str) -> list[str]:
    result = asyncio.run(SCHEMA.execute(query, context_value=Context(store=store, settings=settings)))
    return [e.message for e in result.errors or []]


def test_api_stats_counts_the_seed(seed_store: EmbeddedStore, settings: Settings) -> None:
    data = run(seed_store, settings, "{ stats { articles entities mentions quads } }")
    assert data["stats"]["articles"] == 1
    assert data["stats"]["entities"] >= 15
    assert data["stats"]["mentions"] >= data["stats"]["entities"]


def test_api_entities_search_is_case_insensitive(seed_store: EmbeddedStore, settings: Settings) -> None:
    data = run(seed_store, settings, '{ entities(search: "bakhm") { totalCount edges { node { label } } } }')
    labels = [e["node"]["label"] for e in data["entities"]["edges"]]
    assert labels
    assert all("bakhmut" in label.lower() for label in labels)
    assert data["entities"]["totalCount"] == len(labels)


def test_api_entities_filter_by_type(seed_store: EmbeddedStore, settings: Settings) -> None:
    data = run(seed_store, settings, "{ entities(type: PERSON, first: 100) { edges { node { type label } } } }")
    types = {e["node"]["type"] for e in data["entities"]["edges"]}
    assert types == {"PERSON"}
    assert "Samuel Ramani" in {e["node"]["label"] for e in data["entities"]["edges"]}


def test_api_entities_paging_walks_every_item_once(seed_store: EmbeddedStore, settings: Settings) -> None:
    query = """query($after: String) { entities(first: 5, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = run(seed_store, settings, query, after=after)["entities"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"]


def test_api_node_and_entity_resolve_a_global_id(seed_store: EmbeddedStore, settings: Settings) -> None:
    first = run(seed_store, settings, '{ entities(search: "Ramani") { edges { node { id iri label } } } }')
    node = first["entities"]["edges"][0]["node"]
    assert relay.GlobalID.from_id(node["id"]).type_name == "Entity"
    q = """query($id: ID!) {
      node(id: $id) { id ... on Entity { label } }
      entity(id: $id) { ... on Entity { label iri mentionCount articles { totalCount } } }
    }"""
    data = run(seed_store, settings, q, id=node["id"])
    assert data["node"]["label"] == node["label"]
    assert data["entity"]["iri"] == node["iri"]
    assert data["entity"]["mentionCount"] >= 1
    assert data["entity"]["articles"]["totalCount"] == 1


def test_api_entity_not_found_is_a_typed_result(seed_store: EmbeddedStore, settings: Settings) -> None:
    missing = str(relay.GlobalID("Entity", "person/nobody"))
    data = run(
        seed_store,
        settings,
        f'{{ entity(id: "{missing}") {{ __typename ... on EntityNotFound {{ id message }} }} }}',
    )
    assert data["entity"]["__typename"] == "EntityNotFound"
    assert data["entity"]["id"] == missing


def test_api_article_mentions_point_into_the_text(seed_store: EmbeddedStore, settings: Settings) -> None:
    q = """{ articles { totalCount edges { node { id published text
        mentions(first: 100) { totalCount edges { node { start end text entity { label type } } } }
        entities(first: 100) { totalCount } } } } }"""
    data = run(seed_store, settings, q)
    assert data["articles"]["totalCount"] == 1
    art = data["articles"]["edges"][0]["node"]
    assert art["published"] == "2022-10-28"
    mentions = art["mentions"]["edges"]
    assert len(mentions) == art["mentions"]["totalCount"] > 15
    for m in mentions:
        n = m["node"]
        assert art["text"][n["start"] : n["end"]] == n["text"]
    assert art["entities"]["totalCount"] >= 15


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("{ entities(first: 1000) { totalCount } }", "first must be between 0 and 100"),
        ('{ entities(after: "bogus") { totalCount } }', "not a cursor"),
    ],
    ids=["page-cap", "bad-cursor"],
)
def test_api_rejects_bad_paging_arguments(
    seed_store: EmbeddedStore, settings: Settings, query: str, needle: str
) -> None:
    errors = run_errors(seed_store, settings, query)
    assert any(needle in e for e in errors), errors


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("{ entities(type: PERSON, filter: {type: PLACE}) { totalCount } }", "type PERSON and filter.type PLACE"),
        ('{ entities(search: "a", filter: {search: "b"}) { totalCount } }', "search 'a' and filter.search 'b'"),
        (
            '{ events(type: "Attack", filter: {types: [Statement]}) { totalCount } }',
            "type 'Attack' is not among filter.types",
        ),
        ('{ events(from: "2022", filter: {from: "2021"}) { totalCount } }', "from '2022' and filter.from '2021'"),
    ],
    ids=["entity-type", "entity-search", "event-type", "event-from"],
)
def test_api_filters_that_disagree_are_refused(
    seed_store: EmbeddedStore, settings: Settings, query: str, needle: str
) -> None:
    errors = run_errors(seed_store, settings, query)
    assert len(errors) == 1
    assert needle in errors[0]


def test_api_filters_given_twice_alike_all_hold(seed_store: EmbeddedStore, settings: Settings) -> None:
    both = run(seed_store, settings, "{ entities(type: PERSON, filter: {type: PERSON}) { totalCount } }")
    one = run(seed_store, settings, "{ entities(type: PERSON) { totalCount } }")
    assert both == one
    narrowed = run(
        seed_store, settings, '{ events(type: "Attack", filter: {types: [Attack, Statement]}) { totalCount } }'
    )
    attacks = run(seed_store, settings, '{ events(type: "Attack") { totalCount } }')
    assert narrowed == attacks


def test_api_event_type_enum_is_the_taxonomy(seed_store: EmbeddedStore, settings: Settings) -> None:
    from api.inputs import EVENT_TYPES

    data = run(seed_store, settings, '{ __type(name: "EventTypeName") { enumValues { name } } }')
    assert {v["name"] for v in data["__type"]["enumValues"]} == EVENT_TYPES
    assert {"Attack", "Statement", "Withdrawal"} <= EVENT_TYPES


def test_api_event_types_filter_takes_enum_literals_and_json_strings(
    seed_store: EmbeddedStore, settings: Settings
) -> None:
    inline = run(seed_store, settings, "{ events(filter: {types: [Statement]}) { totalCount } }")
    variables = run(
        seed_store,
        settings,
        "query($t: [EventTypeName!]) { events(filter: {types: $t}) { totalCount } }",
        t=["Statement"],
    )
    by_type = run(seed_store, settings, '{ events(type: "Statement") { totalCount } }')
    assert inline == variables == by_type
    assert by_type["events"]["totalCount"] >= 1


@pytest.mark.parametrize(
    "query",
    ["{ events(filter: {types: [Picnic]}) { totalCount } }", '{ events(filter: {types: ["Attack"]}) { totalCount } }'],
    ids=["unknown-name", "string-literal"],
)
def test_api_event_types_filter_refuses_what_is_not_a_type_name(
    seed_store: EmbeddedStore, settings: Settings, query: str
) -> None:
    errors = run_errors(seed_store, settings, query)
    assert len(errors) == 1
    assert "EventTypeName" in errors[0]
