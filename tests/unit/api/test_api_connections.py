"""Connections (one way to paginate) and Stats (derived from the read model's record), in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from strawberry import relay

from api import build_schema
from api.connections import window
from api.context import Context
from api.types import Mention, MentionConnection
from kg import queries
from kg.queries import Page
from kg.settings import Settings
from kg.store import EmbeddedStore
from tests.support.api_sample import FORCES, RUSSIA, sample_store

SCHEMA = build_schema()
PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }"


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    s = sample_store()
    yield s
    s.close()


def run(store: EmbeddedStore, settings: Settings, query: str, **variables: Any) -> dict[str, Any]:
    result = asyncio.run(
        SCHEMA.execute(query, variable_values=variables, context_value=Context(store=store, settings=settings))
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def position(cursor: str) -> int:
    kind, value = relay.from_base64(cursor)
    assert kind == "arrayconnection"
    return int(value)


def entity(key: str) -> str:
    return str(relay.GlobalID("Entity", key))


ARTICLE_A = str(relay.GlobalID("Article", "article-a"))


@pytest.mark.parametrize(
    ("path", "field", "first"),
    [
        ((), "entities", 2),
        ((), "events", 2),
        ((), "articles", 1),
        (("article",), "mentions", 3),
        (("article",), "entities", 3),
        (("article",), "events", 1),
        (("russia",), "relationships", 1),
        (("forces",), "events", 1),
        (("forces",), "articles", 1),
    ],
    ids=[
        "entities",
        "events",
        "articles",
        "article-mentions",
        "article-entities",
        "article-events",
        "entity-relationships",
        "entity-events",
        "entity-articles",
    ],
)
def test_connection_pages_walk_the_whole_list_once(
    store: EmbeddedStore, settings: Settings, path: tuple[str, ...], field: str, first: int
) -> None:
    parents = {
        "article": f'node(id: "{ARTICLE_A}") {{ ... on Article {{ %s }} }}',
        "russia": f'node(id: "{entity(RUSSIA)}") {{ ... on Entity {{ %s }} }}',
        "forces": f'node(id: "{entity(FORCES)}") {{ ... on Entity {{ %s }} }}',
    }
    inner = f"{field}(first: {first}, after: $after) {{ {PAGE} }}"
    body = parents[path[0]] % inner if path else inner
    query = f"query($after: String) {{ {body} }}"
    positions: list[int] = []
    after: str | None = None
    while True:
        data = run(store, settings, query, after=after)
        page = data["node"][field] if path else data[field]
        cursors = [e["cursor"] for e in page["edges"]]
        offset = len(positions)
        assert [position(c) for c in cursors] == list(range(offset, offset + len(cursors)))
        assert page["pageInfo"]["hasPreviousPage"] is (offset > 0)
        assert (page["pageInfo"]["startCursor"], page["pageInfo"]["endCursor"]) == (cursors[0], cursors[-1])
        positions += [position(c) for c in cursors]
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert len(cursors) == first
        after = page["pageInfo"]["endCursor"]
    assert len(positions) == page["totalCount"] > first


@pytest.mark.parametrize(
    ("offset", "count", "total", "previous", "following"),
    [(0, 2, 5, False, True), (3, 2, 5, True, False), (2, 0, 2, True, False), (0, 0, 0, False, False)],
    ids=["first-page", "last-page", "past-the-end", "empty"],
)
def test_connection_from_page_counts_from_the_window_offset(
    offset: int, count: int, total: int, previous: bool, following: bool
) -> None:
    mentions = [Mention(start=i, end=i + 1, text="x", confidence=1.0, entity_key="place/x") for i in range(count)]
    conn = MentionConnection.from_page(mentions, Page(offset=offset, limit=2), total)
    assert [position(e.cursor) for e in conn.edges] == list(range(offset, offset + count))
    assert [e.node for e in conn.edges] == mentions
    assert (conn.page_info.has_previous_page, conn.page_info.has_next_page) == (previous, following)
    assert conn.total_count == total
    assert conn.page_info.end_cursor == (conn.edges[-1].cursor if count else None)


@pytest.mark.parametrize(
    ("items", "page", "expected"),
    [("abcdef", Page(0, 2), "ab"), ("abcdef", Page(4, 5), "ef"), ("ab", Page(3, 2), "")],
    ids=["start", "tail", "beyond"],
)
def test_window_slices_the_page(items: str, page: Page, expected: str) -> None:
    assert window(items, page) == expected


def test_api_stats_answers_every_count_of_the_record(store: EmbeddedStore, settings: Settings) -> None:
    counts = queries.graph_stats(store).as_dict()
    data = run(store, settings, f"{{ stats {{ {' '.join(counts)} }} }}")
    assert data["stats"] == counts
