"""Relationships, events, filters, analytics and mutations, in-process, on a hand-made graph."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

import pytest
from strawberry import relay

from api import build_schema
from api.context import Context
from kg.errors import StoreLockedError
from kg.settings import Settings
from kg.store import EmbeddedStore, Store
from tests.support.api_sample import (
    BAKHMUT,
    FORCES,
    MOSCOW,
    PUTIN,
    RUSSIA,
    TEXT_A,
    TEXT_B,
    UKRAINE,
    ZELENSKY,
    sample_store,
)

SCHEMA = build_schema()
TOKEN = "s3cret-token"


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    s = sample_store()
    yield s
    s.close()


@pytest.fixture
def ctx_settings(settings: Settings) -> Settings:
    return replace(settings, api_token=TOKEN)


def execute(ctx: Context, query: str, **variables: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """Run one request; like the app, each gets fresh loaders but shares the projection."""
    request = Context(
        store=ctx.store, settings=ctx.settings, projection=ctx.projection, authorization=ctx.authorization
    )
    result = asyncio.run(SCHEMA.execute(query, variable_values=variables, context_value=request))
    ctx.projection = request.projection
    return result.data, [e.message for e in result.errors or []]


def run(ctx: Context, query: str, **variables: Any) -> dict[str, Any]:
    data, errors = execute(ctx, query, **variables)
    assert not errors, errors
    assert data is not None
    return data


def gid(kind: str, key: str) -> str:
    return str(relay.GlobalID(kind, key))


@pytest.fixture
def ctx(store: EmbeddedStore, ctx_settings: Settings) -> Context:
    return Context(store=store, settings=ctx_settings)


REL_QUERY = """query($id: ID!, $p: String, $dir: Direction, $derived: Boolean = false) { entity(id: $id) {
  ... on Entity { relationships(predicate: $p, direction: $dir, derived: $derived) { totalCount edges { direction confidence node {
    predicate predicateIri confidence subject { label } object { label }
    evidence { text start end article { title text } } } } } } } }"""


def test_api_relationships_come_in_both_directions_with_evidence(ctx: Context) -> None:
    rels = run(ctx, REL_QUERY, id=gid("Entity", RUSSIA), derived=True)["entity"]["relationships"]
    got = {(e["node"]["subject"]["label"], e["node"]["predicate"], e["node"]["object"]["label"]) for e in rels["edges"]}
    assert got == {
        ("Vladimir Putin", "leaderOf", "Russia"),
        ("Russian forces", "basedIn", "Russia"),
        ("Moscow", "locatedIn", "Russia"),  # the country linking gives Moscow: derived, no text says it
    }
    assert rels["totalCount"] == 3
    stated = run(ctx, REL_QUERY, id=gid("Entity", RUSSIA))["entity"]["relationships"]
    assert {e["node"]["predicate"] for e in stated["edges"]} == {"leaderOf", "basedIn"}
    assert {e["direction"] for e in rels["edges"]} == {"INCOMING"}
    leader = next(e["node"] for e in rels["edges"] if e["node"]["predicate"] == "leaderOf")
    assert leader["predicateIri"] == "https://w3id.org/newskg/ontology#leaderOf"
    assert leader["confidence"] == pytest.approx(0.8)
    (ev,) = leader["evidence"]
    assert ev["article"]["title"] == "Putin speaks"
    assert ev["article"]["text"][ev["start"] : ev["end"]] == ev["text"] == "Vladimir Putin, the president of Russia"


@pytest.mark.parametrize(
    ("key", "predicate", "direction", "expected"),
    [
        (RUSSIA, "leaderOf", None, {("Vladimir Putin", "Russia")}),
        (RUSSIA, "https://w3id.org/newskg/ontology#locatedIn", None, set()),
        (BAKHMUT, None, "OUTGOING", set()),
        (BAKHMUT, None, "INCOMING", set()),
        (ZELENSKY, "memberOf", None, set()),
    ],
    ids=["local-name", "iri", "outgoing", "incoming-none", "no-such-relation"],
)
def test_api_relationships_filter_by_predicate_and_direction(
    ctx: Context, key: str, predicate: str | None, direction: str | None, expected: set[tuple[str, str]]
) -> None:
    rels = run(ctx, REL_QUERY, id=gid("Entity", key), p=predicate, dir=direction)["entity"]["relationships"]
    assert {(e["node"]["subject"]["label"], e["node"]["object"]["label"]) for e in rels["edges"]} == expected
    assert rels["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("key", "predicate", "direction", "expected"),
    [
        (RUSSIA, "https://w3id.org/newskg/ontology#locatedIn", None, {("Moscow", "Russia")}),
        (BAKHMUT, None, "OUTGOING", {("Bakhmut", "Ukraine")}),
        (BAKHMUT, None, "INCOMING", set()),
    ],
    ids=["iri", "outgoing", "incoming-none"],
)
def test_api_relationships_derived_come_when_asked_for(
    ctx: Context, key: str, predicate: str | None, direction: str | None, expected: set[tuple[str, str]]
) -> None:
    q = run(ctx, REL_QUERY, id=gid("Entity", key), p=predicate, dir=direction, derived=True)
    rels = q["entity"]["relationships"]
    assert {(e["node"]["subject"]["label"], e["node"]["object"]["label"]) for e in rels["edges"]} == expected


def test_api_event_has_partial_dates_place_participants_and_evidence(ctx: Context) -> None:
    q = """query($id: ID!) { node(id: $id) { ... on Event { iri label type start end casualties confidence
      place { label latitude } participants { role entity { label type } }
      evidence { text start end article { text } } } } }"""
    attack = run(ctx, q, id=gid("Event", "event/a/0"))["node"]
    assert attack["iri"] == "https://w3id.org/newskg/id/event/a/0"
    assert (attack["type"], attack["start"], attack["end"], attack["casualties"]) == ("Attack", "2022-10-26", None, 3)
    assert attack["place"] == {"label": "Bakhmut", "latitude": pytest.approx(48.59)}
    assert attack["participants"] == [{"role": "agent", "entity": {"label": "Russian forces", "type": "ORGANISATION"}}]
    (ev,) = attack["evidence"]
    assert ev["article"]["text"] == TEXT_A
    assert TEXT_A[ev["start"] : ev["end"]] == ev["text"] == "attacked"
    assert run(ctx, q, id=gid("Event", "event/a/1"))["node"]["start"] == "2022-10"
    assert run(ctx, q, id=gid("Event", "event/b/0"))["node"]["start"] == "2022"


EVENTS = """query($type: String, $participant: ID, $place: ID, $from: String, $to: String, $filter: EventFilter,
  $order: EventOrder! = START_DESC) {
  events(type: $type, participant: $participant, place: $place, from: $from, to: $to, filter: $filter,
    orderBy: $order) { totalCount edges { node { key: iri } } } }"""


def _events(ctx: Context, **variables: Any) -> list[str]:
    data = run(ctx, EVENTS, **variables)["events"]
    keys = [e["node"]["key"].rsplit("/id/", 1)[1] for e in data["edges"]]
    assert data["totalCount"] == len(keys)
    return keys


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, ["event/a/0", "event/a/1", "event/b/0"]),
        ({"order": "START_ASC"}, ["event/b/0", "event/a/1", "event/a/0"]),
        ({"order": "CONFIDENCE_DESC"}, ["event/a/0", "event/b/0", "event/a/1"]),
        ({"type": "Attack"}, ["event/a/0"]),
        ({"filter": {"types": ["Statement", "Withdrawal"]}}, ["event/a/1", "event/b/0"]),
        ({"participant": gid("Entity", FORCES)}, ["event/a/0", "event/b/0"]),
        ({"participant": "https://w3id.org/newskg/id/" + ZELENSKY}, ["event/a/1"]),
        ({"place": gid("Entity", BAKHMUT)}, ["event/a/0"]),
        ({"from": "2022-10-27"}, ["event/a/1", "event/b/0"]),
        ({"from": "2022-10-01", "to": "2022-10-26"}, ["event/a/0", "event/a/1", "event/b/0"]),
        ({"from": "2022-11"}, ["event/b/0"]),
        ({"from": "2023"}, []),
        ({"to": "2021-12-31"}, []),
        ({"filter": {"minConfidence": 0.65}}, ["event/a/0", "event/b/0"]),
        ({"filter": {"search": "SPEAKS"}}, ["event/a/1"]),
    ],
    ids=[
        "all-newest-first",
        "oldest-first",
        "by-confidence",
        "type",
        "types",
        "participant-gid",
        "participant-iri",
        "place",
        "from-day-keeps-month-and-year",
        "range",
        "from-month-keeps-year",
        "after-everything",
        "before-everything",
        "min-confidence",
        "label-search",
    ],
)
def test_api_events_filters_and_order(ctx: Context, variables: dict[str, Any], expected: list[str]) -> None:
    assert _events(ctx, **variables) == expected


@pytest.mark.parametrize(
    ("variables", "needle"),
    [
        ({"from": "2022-13"}, "not an ISO date"),
        ({"from": "2022-10", "to": "2022-01"}, "ends before it starts"),
        ({"filter": {"minConfidence": 2.0}}, "minConfidence must be between 0 and 1"),
        ({"participant": gid("Article", "article-a")}, "is not the id of an entity"),
        ({"type": "Bombing"}, "unknown event type 'Bombing'; valid: Accusation, Agreement"),
    ],
    ids=["bad-date", "reversed", "confidence", "wrong-kind", "unknown-type"],
)
def test_api_events_reject_bad_arguments_by_name(ctx: Context, variables: dict[str, Any], needle: str) -> None:
    _, errors = execute(ctx, EVENTS, **variables)
    assert any(needle in e for e in errors), errors


def test_api_entity_and_article_events(ctx: Context) -> None:
    q = """query($id: ID!) { entity(id: $id) { ... on Entity { events { totalCount edges { node { type } } } } }
      articles { edges { node { title events { totalCount edges { node { type } } } } } } }"""
    data = run(ctx, q, id=gid("Entity", FORCES))
    assert [e["node"]["type"] for e in data["entity"]["events"]["edges"]] == ["Attack", "Withdrawal"]
    by_title = {a["node"]["title"]: a["node"]["events"] for a in data["articles"]["edges"]}
    assert [e["node"]["type"] for e in by_title["Bakhmut attacked"]["edges"]] == ["Statement", "Attack"]
    assert by_title["Putin speaks"]["totalCount"] == 1


ENTITIES = """query($filter: EntityFilter, $order: EntityOrder! = LABEL_ASC, $search: String) {
  entities(filter: $filter, orderBy: $order, search: $search, first: 100) { totalCount edges { node { label } } } }"""


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"filter": {"search": "vla", "prefix": True}}, ["Vladimir Putin"]),
        ({"filter": {"search": "PUT", "prefix": True}}, ["Vladimir Putin"]),
        ({"filter": {"search": "utin", "prefix": True}}, []),
        ({"search": "utin"}, ["Vladimir Putin"]),
        ({"search": "zelenskyy"}, ["Volodymyr Zelensky"]),
        ({"filter": {"search": "russian army"}}, ["Russian forces"]),
        ({"filter": {"type": "PLACE", "minConfidence": 0.95}}, ["Russia", "Ukraine"]),
        ({"filter": {"mentionedIn": "article-b", "type": "PLACE"}}, ["Moscow", "Russia"]),
        ({"filter": {"type": "PERSON"}, "order": "LABEL_DESC"}, ["Volodymyr Zelensky", "Vladimir Putin"]),
        ({"filter": {"type": "ORGANISATION"}, "order": "MENTIONS_DESC"}, ["Russian forces"]),
    ],
    ids=[
        "prefix",
        "prefix-of-a-word-any-case",
        "prefix-not-infix",
        "substring",
        "alias",
        "alias-of-other-article",
        "type-and-confidence",
        "mentioned-in",
        "label-desc",
        "mentions",
    ],
)
def test_api_entities_filters_and_order(ctx: Context, variables: dict[str, Any], expected: list[str]) -> None:
    data = run(ctx, ENTITIES, **variables)["entities"]
    assert [e["node"]["label"] for e in data["edges"]] == expected
    assert data["totalCount"] == len(expected)


def test_api_entities_order_by_mentions(ctx: Context) -> None:
    data = run(ctx, ENTITIES, order="MENTIONS_DESC")["entities"]
    assert data["edges"][0]["node"]["label"] == "Russian forces"  # the only entity both articles mention


def test_api_shortest_path_crosses_entities_and_events(ctx: Context) -> None:
    q = """query($a: ID!, $b: ID!, $n: Int) { shortestPath(from: $a, to: $b, maxLength: $n) {
      length nodes { __typename ... on Entity { label } ... on Event { type } } } }"""
    path = run(ctx, q, a=gid("Entity", BAKHMUT), b=gid("Entity", PUTIN))["shortestPath"]
    names = [n.get("label") or n.get("type") for n in path["nodes"]]
    assert names == ["Bakhmut", "Attack", "Russian forces", "Russia", "Vladimir Putin"]
    assert path["length"] == 4
    assert {n["__typename"] for n in path["nodes"]} == {"Entity", "Event"}
    assert run(ctx, q, a=gid("Entity", BAKHMUT), b=gid("Entity", PUTIN), n=3)["shortestPath"] is None


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ('{ shortestPath(from: "place/bakhmut", to: "person/nobody") { length } }', "person/nobody"),
        ('{ shortestPath(from: "place/bakhmut", to: "place/russia", maxLength: 99) { length } }', "maxLength must be"),
        ('{ neighbourhood(id: "place/bakhmut", depth: 99) { truncated } }', "depth must be between"),
        ("{ centrality(measure: DEGREE, first: 1000) { score } }", "first must be between"),
        ('{ paths(from: "place/bakhmut", to: "place/russia", k: 0) { length } }', "k must be between"),
    ],
    ids=["unknown-node", "max-length-cap", "depth-cap", "first-cap", "k-zero"],
)
def test_api_analytics_reject_bad_arguments(ctx: Context, query: str, needle: str) -> None:
    _, errors = execute(ctx, query)
    assert any(needle in e for e in errors), errors


def test_api_paths_neighbourhood_centrality_communities(ctx: Context) -> None:
    q = """{
      paths(from: "place/bakhmut", to: "place/russia", k: 3) { length }
      neighbourhood(id: "organisation/russian-forces", depth: 1) {
        truncated nodes { id } edges { predicate source { id } target { id } articleIds } }
      centrality(measure: DEGREE, type: PLACE, first: 2) { entity { label type } score }
      communities(minSize: 2) { size members(first: 50) { id } }
    }"""
    data = run(ctx, q)
    assert [p["length"] for p in data["paths"]] == sorted(p["length"] for p in data["paths"])
    assert data["paths"][0]["length"] == 3
    hood = data["neighbourhood"]
    assert len(hood["nodes"]) == 4  # the forces, both their events and Russia
    assert {e["predicate"] for e in hood["edges"]} == {"agent", "basedIn"}
    ranked = data["centrality"]
    assert [r["entity"]["type"] for r in ranked] == ["PLACE", "PLACE"]
    assert ranked[0]["score"] >= ranked[1]["score"]
    members = [m["id"] for c in data["communities"] for m in c["members"]]
    assert len(members) == len(set(members))
    assert sum(c["size"] for c in data["communities"]) >= len(members)


INGEST = """mutation($input: ArticleInput!) { ingestArticle(input: $input) { __typename
  ... on IngestSuccess { status article { id title published text } }
  ... on InvalidArticle { field reason message }
  ... on NotAuthorised { message } } }"""
DELETE = """mutation($id: ID!) { deleteArticle(id: $id) { __typename
  ... on ArticleDeleted { iri } ... on ArticleNotFound { message } ... on NotAuthorised { message } } }"""


@pytest.mark.parametrize(
    ("token", "header", "needle"),
    [
        (None, f"Bearer {TOKEN}", "mutations are disabled"),
        (TOKEN, None, "Authorization: Bearer"),
        (TOKEN, "Bearer wrong", "Authorization: Bearer"),
        (TOKEN, f"Basic {TOKEN}", "Authorization: Bearer"),
    ],
    ids=["no-token-configured", "no-header", "wrong-token", "wrong-scheme"],
)
def test_api_mutations_refused_without_the_token(
    store: EmbeddedStore, settings: Settings, token: str | None, header: str | None, needle: str
) -> None:
    ctx = Context(store=store, settings=replace(settings, api_token=token), authorization=header)
    ingest = run(ctx, INGEST, input={"text": "Olaf Scholz spoke in Berlin."})["ingestArticle"]
    delete = run(ctx, DELETE, id="article-a")["deleteArticle"]
    assert ingest["__typename"] == delete["__typename"] == "NotAuthorised"
    assert needle in ingest["message"]
    assert len(store.graphs()) == 2  # nothing was written or deleted


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"text": "   "}, "text", "EMPTY"),
        ({"text": "Paris.", "published": "yesterday"}, "published", "BAD_DATE"),
        ({"text": "x" * 101}, "text", "TOO_LARGE"),
        ({"text": "Paris.", "id": "a b"}, "id", "FORMAT"),
        ({"text": "Paris \ud800 and Rome."}, "text", "ENCODING"),
        ({"text": "Paris.", "title": "A \udfff title"}, "title", "ENCODING"),
        ({"text": "Paris.", "published": "2022-10-28garbage"}, "published", "BAD_DATE"),
    ],
    ids=["empty", "bad-date", "too-large", "bad-id", "lone-surrogate", "surrogate-in-title", "date-with-tail"],
)
def test_api_ingest_rejects_bad_input_as_a_typed_result(
    store: EmbeddedStore, ctx_settings: Settings, fields: dict[str, str], field: str, reason: str
) -> None:
    ctx = Context(store=store, settings=replace(ctx_settings, max_article_chars=100), authorization=f"Bearer {TOKEN}")
    result = run(ctx, INGEST, input=fields)["ingestArticle"]
    assert result["__typename"] == "InvalidArticle"
    assert (result["field"], result["reason"]) == (field, reason)
    assert result["message"]
    assert len(store.graphs()) == 2


def test_api_delete_removes_what_only_that_article_supported(store: EmbeddedStore, ctx_settings: Settings) -> None:
    ctx = Context(store=store, settings=ctx_settings, authorization=f"Bearer {TOKEN}")
    path = '{ shortestPath(from: "place/bakhmut", to: "person/vladimir-putin") { length } }'
    assert run(ctx, path)["shortestPath"]["length"] == 4
    deleted = run(ctx, DELETE, id=gid("Article", "article-b"))["deleteArticle"]
    assert deleted == {"__typename": "ArticleDeleted", "iri": "https://w3id.org/newskg/id/article/article-b"}
    after = Context(store=store, settings=ctx_settings, projection=ctx.projection)
    q = """query($p: ID!, $f: ID!, $m: ID!) { putin: entity(id: $p) { __typename }
      moscow: entity(id: $m) { __typename } forces: entity(id: $f) { ... on Entity { aliases events { totalCount } } }
      stats { articles } }"""
    data = run(after, q, p=gid("Entity", PUTIN), f=gid("Entity", FORCES), m=gid("Entity", MOSCOW))
    assert data["putin"]["__typename"] == data["moscow"]["__typename"] == "EntityNotFound"
    assert data["forces"] == {"aliases": [], "events": {"totalCount": 1}}
    assert data["stats"]["articles"] == 1
    _, errors = execute(after, path)  # the projection followed the delete
    assert any("person/vladimir-putin" in e for e in errors), errors
    again = run(ctx, DELETE, id="article-b")["deleteArticle"]
    assert again["__typename"] == "ArticleNotFound"
    assert "article-b" in again["message"]


@pytest.mark.slow
def test_api_ingest_stores_extracts_and_updates_analytics(store: EmbeddedStore, ctx_settings: Settings) -> None:
    ctx = Context(store=store, settings=ctx_settings, authorization=f"Bearer {TOKEN}")
    text = "Angela Merkel met Emmanuel Macron in Paris on 3 March 2021. Merkel praised France."
    fields = {"text": text, "title": "Merkel in Paris", "published": "2021-03-04", "id": "merkel"}
    first = run(ctx, INGEST, input=fields)["ingestArticle"]
    assert first["__typename"] == "IngestSuccess"
    assert first["status"] == "CREATED"
    assert first["article"] == {
        "id": gid("Article", "merkel"),
        "title": "Merkel in Paris",
        "published": "2021-03-04",
        "text": text,
    }
    assert run(ctx, INGEST, input=fields)["ingestArticle"]["status"] == "UNCHANGED"
    hood = run(ctx, '{ entities(search: "merkel") { edges { node { id label } } } }')["entities"]["edges"]
    assert hood, "the new article's entities are queryable"
    projection = ctx.projection
    assert projection is not None
    assert "merkel" in projection.articles
    assert TEXT_B  # the sample is untouched
    assert UKRAINE in projection


class LockedStore:
    """A store another process is writing: every write is refused as locked."""

    def __init__(self, inner: EmbeddedStore) -> None:
        self.inner = inner
        self.location = inner.location

    def _locked(self, *_: object, **__: object) -> None:
        raise StoreLockedError("the store at /private/path/kg-data is locked by another process")

    put_articles = put_nquads = delete_article = update = _locked

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (INGEST, {"input": {"text": "Olaf Scholz spoke in Berlin.", "id": "new"}}, "ingestArticle"),
        (DELETE, {"id": "article-a"}, "deleteArticle"),
    ],
    ids=["ingest", "delete"],
)
def test_api_a_write_blocked_by_a_cli_writer_is_a_retryable_result(
    store: EmbeddedStore, ctx_settings: Settings, query: str, variables: dict[str, Any], field: str
) -> None:
    locked = cast("Store", LockedStore(store))  # the Store interface by delegation
    ctx = Context(store=locked, settings=ctx_settings, authorization=f"Bearer {TOKEN}")
    q = query.replace(
        "... on NotAuthorised { message }", "... on NotAuthorised { message } ... on StoreBusy { message retryAfter }"
    )
    result = run(ctx, q, **variables)[field]
    assert result["__typename"] == "StoreBusy"
    assert result["retryAfter"] > 0
    assert "/private/path" not in result["message"]
    assert len(store.graphs()) == 2
