"""The ``hub`` field: an entity's neighbourhood aggregated, in-process, on the hand-made graph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.context import Context
from kg.settings import Settings
from kg.store import EmbeddedStore
from tests.support.api_sample import BAKHMUT, FORCES, MOSCOW, PUTIN, RUSSIA, ZELENSKY, sample_store
from tests.unit.api.test_api_graph import execute, gid, run

HUB = """query($id: ID!, $first: Int, $after: String) { hub(id: $id) {
  __typename
  ... on EntityNotFound { message }
  ... on Hub { entity { id label } relationCount eventCount eventTypes { name count }
    neighbours(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { entity { id label type } weight relations events kinds { name count } } } } } } }"""


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    store: EmbeddedStore = sample_store()
    yield Context(store=store, settings=settings)
    store.close()


def _neighbours(hub: dict[str, Any]) -> dict[str, tuple[int, int, int, dict[str, int]]]:
    return {
        e["node"]["entity"]["label"]: (
            e["node"]["weight"],
            e["node"]["relations"],
            e["node"]["events"],
            {k["name"]: k["count"] for k in e["node"]["kinds"]},
        )
        for e in hub["neighbours"]["edges"]
    }


@pytest.mark.parametrize(
    ("key", "relations", "events", "types", "neighbours"),
    [
        (
            FORCES,
            1,
            2,
            {"Attack": 1, "Withdrawal": 1},
            {"Russia": (1, 1, 0, {"basedIn": 1}), "Bakhmut": (1, 0, 1, {"Attack": 1})},
        ),
        (
            RUSSIA,
            3,
            0,
            {},
            {
                "Vladimir Putin": (1, 1, 0, {"leaderOf": 1}),
                "Russian forces": (1, 1, 0, {"basedIn": 1}),
                "Moscow": (1, 1, 0, {"locatedIn": 1}),
            },
        ),
        (
            BAKHMUT,
            1,
            1,
            {"Attack": 1},
            {"Russian forces": (1, 0, 1, {"Attack": 1}), "Ukraine": (1, 1, 0, {"locatedIn": 1})},
        ),
        (ZELENSKY, 1, 1, {"Statement": 1}, {"Ukraine": (1, 1, 0, {"leaderOf": 1})}),
    ],
    ids=["forces-relation-and-events", "russia-relations-only", "bakhmut-place-of-an-attack", "zelensky-speaker"],
)
def test_api_hub_aggregates_each_linked_entity_with_weight_and_kinds(
    ctx: Context,
    key: str,
    relations: int,
    events: int,
    types: dict[str, int],
    neighbours: dict[str, tuple[int, int, int, dict[str, int]]],
) -> None:
    hub = run(ctx, HUB, id=gid("Entity", key))["hub"]
    assert hub["__typename"] == "Hub"
    assert (hub["relationCount"], hub["eventCount"]) == (relations, events)
    assert {t["name"]: t["count"] for t in hub["eventTypes"]} == types
    assert _neighbours(hub) == neighbours
    assert hub["neighbours"]["totalCount"] == len(neighbours)


def test_api_hub_orders_neighbours_by_weight_and_pages_them(ctx: Context) -> None:
    first = run(ctx, HUB, id=gid("Entity", RUSSIA), first=2)["hub"]["neighbours"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"]
    rest = run(ctx, HUB, id=gid("Entity", RUSSIA), first=2, after=first["pageInfo"]["endCursor"])["hub"]["neighbours"]
    labels = [e["node"]["entity"]["label"] for e in first["edges"] + rest["edges"]]
    assert labels == sorted(labels, key=str.lower)  # equal weights: by label
    assert not rest["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("id_", ["RW50aXR5OnBlcnNvbi9ub2JvZHk=", "nonsense"], ids=["unknown-entity", "not-an-id"])
def test_api_hub_of_an_unknown_entity_is_entity_not_found(ctx: Context, id_: str) -> None:
    data, errors = execute(ctx, HUB, id=id_)
    assert errors == []
    assert data is not None
    assert data["hub"]["__typename"] == "EntityNotFound"
    assert id_ in data["hub"]["message"]


def test_api_hub_of_an_entity_by_iri_is_the_same_hub(ctx: Context) -> None:
    by_gid = run(ctx, HUB, id=gid("Entity", PUTIN))["hub"]
    by_iri = run(ctx, HUB, id=f"https://w3id.org/newskg/id/{PUTIN}")["hub"]
    assert by_gid == by_iri
    assert _neighbours(by_gid) == {"Russia": (1, 1, 0, {"leaderOf": 1})}


def test_api_hub_counts_moscow_without_events(ctx: Context) -> None:
    hub = run(ctx, HUB, id=gid("Entity", MOSCOW))["hub"]
    assert (hub["eventCount"], hub["eventTypes"]) == (0, [])
    assert _neighbours(hub) == {"Russia": (1, 1, 0, {"locatedIn": 1})}


SEARCH_HUB = """query($q: String!) { hub(search: $q) {
  __typename ... on EntityNotFound { message } ... on Hub { entity { label } eventCount } } }"""


@pytest.mark.parametrize(
    ("search", "label"),
    [
        ("russia", "Russia"),  # the exact match, whatever the case
        ("Russian", "Russian forces"),  # no exact match: the most mentioned of the matches
        ("  Moscow ", "Moscow"),
    ],
    ids=["exact-match", "most-mentioned-match", "spaces-around"],
)
def test_api_hub_by_search_is_the_entity_the_name_means(ctx: Context, search: str, label: str) -> None:
    hub = run(ctx, SEARCH_HUB, q=search)["hub"]
    assert hub["__typename"] == "Hub"
    assert hub["entity"]["label"] == label


def test_api_hub_by_search_without_a_match_is_entity_not_found(ctx: Context) -> None:
    hub = run(ctx, SEARCH_HUB, q="Atlantis")["hub"]
    assert hub["__typename"] == "EntityNotFound"
    assert "Atlantis" in hub["message"]


@pytest.mark.parametrize("args", ["", f'id: "{gid("Entity", PUTIN)}", search: "Putin"'], ids=["neither", "both"])
def test_api_hub_takes_exactly_one_of_id_and_search(ctx: Context, args: str) -> None:
    data, errors = execute(ctx, f"{{ hub{f'({args})' if args else ''} {{ __typename }} }}")
    assert data is None
    assert any("exactly one of id" in e for e in errors), errors
