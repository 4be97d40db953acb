"""Limits, error masking, batching and the committed schema, in-process."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, parse, validate

from api import build_schema
from api.context import Context
from api.sdl import sdl
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Article, Entity, EntityType, Event, Evidence, Extraction, Mention, Participant, Relation
from kg.settings import Settings
from kg.store import EmbeddedStore
from tests.support.api_sample import sample_store
from tests.support.paths import ROOT


class CountingStore:
    """A store that counts the SELECT queries it answers and can be told to fail."""

    def __init__(self, inner: EmbeddedStore, *, fail: bool = False) -> None:
        self.inner = inner
        self.location = inner.location
        self.queries = 0
        self.fail = fail

    def query(self, sparql: str) -> list[dict[str, str]]:
        self.queries += 1
        if self.fail:
            raise RuntimeError("disk on fire at /secret/path")
        return self.inner.query(sparql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def execute(store: Any, settings: Settings, query: str, **variables: Any) -> tuple[dict[str, Any] | None, list[str]]:
    schema = build_schema(settings)
    ctx = Context(store=store, settings=settings)
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))
    return result.data, [e.message for e in result.errors or []]


def test_api_schema_file_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "schema.graphql is stale: run `python -m api.sdl > schema.graphql`"


# A client written against PRODUCT.md's contract: every type, field and argument it names.
CONTRACT_CLIENT = """
query Contract($id: ID!, $from: ID!, $to: ID!, $after: String) {
  node(id: $id) { id }
  entity(id: $id) {
    ... on Entity {
      id iri label type aliases sameAs latitude longitude mentionCount confidence
      relationships(predicate: "leaderOf", first: 5, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { predicate predicateIri confidence subject { id } object { id }
          evidence { article { id } text start end } } }
      }
      events(first: 5, after: $after) { totalCount pageInfo { hasNextPage } edges { cursor node {
        id iri label type start end place { id } participants { role entity { id } } casualties confidence
        evidence { article { id iri title published url text } text start end } } } }
      articles(first: 5, after: $after) { totalCount pageInfo { hasNextPage } edges { cursor node {
        id iri title published url text
        mentions(first: 5, after: $after) { totalCount edges { cursor node { start end text entity { id } } } }
        entities(first: 5, after: $after) { totalCount edges { node { id } } }
        events(first: 5, after: $after) { totalCount edges { node { id } } } } } }
    }
  }
  entities(type: PERSON, search: "a", first: 5, after: $after) { totalCount pageInfo { hasNextPage } edges { cursor node { id } } }
  events(type: "Attack", participant: $id, place: $id, from: "2022", to: "2022-12", first: 5, after: $after) { totalCount }
  articles(first: 5, after: $after) { totalCount }
  shortestPath(from: $from, to: $to, maxLength: 4) { length nodes { id } }
  centrality(measure: BETWEENNESS, type: PLACE, first: 5) { entity { id } score }
  neighbourhood(id: $id, depth: 1) { __typename }
  stats { __typename }
}
mutation Ingest($input: ArticleInput!) { ingestArticle(input: $input) { __typename } }
mutation Delete($id: ID!) { deleteArticle(id: $id) { __typename } }
"""


def test_api_schema_serves_a_client_written_against_the_contract() -> None:
    errors = validate(build_schema()._schema, parse(CONTRACT_CLIENT))
    assert errors == []
    for measure in ("DEGREE", "BETWEENNESS", "PAGERANK", "EIGENVECTOR", "CLOSENESS"):
        doc = f"{{ centrality(measure: {measure}) {{ score }} }}"
        assert validate(build_schema()._schema, parse(doc)) == []
    article_input = build_schema()._schema.get_type("ArticleInput")
    assert isinstance(article_input, GraphQLInputObjectType)
    assert set(article_input.fields) >= {"text", "title", "published", "url", "source"}


DEEP = "{ entities { edges { node { relationships { edges { node { subject { events { edges { node { label } } } } } } } } } } }"


@pytest.mark.parametrize(
    ("overrides", "query", "needle"),
    [
        ({"max_depth": 5}, DEEP, "exceeds maximum operation depth of 5"),
        ({"max_tokens": 10}, DEEP, "token"),
        ({"max_aliases": 2}, "{ a: stats { articles } b: stats { articles } c: stats { articles } }", "3 aliases"),
        ({"introspection": False}, "{ __schema { types { name } } }", "introspection"),
    ],
    ids=["depth", "tokens", "aliases", "introspection-off"],
)
def test_api_limits_refuse_expensive_queries(
    settings: Settings, overrides: dict[str, Any], query: str, needle: str
) -> None:
    store = sample_store()
    data, errors = execute(store, replace(settings, **overrides), query)
    assert data is None
    assert any(needle.lower() in e.lower() for e in errors), errors
    ok, errors = execute(store, settings, query)  # the defaults let the same query through
    assert ok is not None
    assert errors == []


def test_api_depth_limiter_survives_circular_fragments(settings: Settings) -> None:
    # strawberry-graphql 0.341.2 tracks visited fragments in QueryDepthLimiter and
    # MaxAliasesLimiter (strawberry PR #4421); before, a fragment cycle recursed forever.
    query = """fragment A on Entity { label relationships { edges { node { subject { ...B } } } } }
    fragment B on Entity { iri relationships { edges { node { object { ...A } } } } }
    { entities { edges { node { ...A } } } }"""
    data, errors = execute(sample_store(), replace(settings, max_depth=6, max_aliases=3), query)
    assert data is None
    assert any("Cannot spread fragment" in e for e in errors), errors


@pytest.mark.parametrize(
    ("query", "visible"),
    [
        ("{ stats { articles } }", None),
        ("{ entities(first: 1000) { totalCount } }", "first must be between 0 and 100"),
        ("{ entities { nope } }", "Cannot query field 'nope'"),
    ],
    ids=["unexpected-masked", "bad-argument-kept", "validation-kept"],
)
def test_api_masks_only_unexpected_errors(settings: Settings, query: str, visible: str | None) -> None:
    store = CountingStore(sample_store(), fail=visible is None)
    _, errors = execute(store, settings, query)
    assert len(errors) == 1
    if visible is None:
        assert errors == ["Unexpected error."]
    else:
        assert visible in errors[0]


def _wide_store(n: int) -> EmbeddedStore:
    """n people, each leading the next one's organisation, with an event each: one article."""
    text = " ".join(f"Person{i} leads Org{i}." for i in range(n))
    entities: list[Entity] = []
    relations: list[Relation] = []
    events: list[Event] = []
    for i in range(n):
        start = text.index(f"Person{i} ")
        ev = Evidence(start, start + len(f"Person{i} leads Org{i}"), f"Person{i} leads Org{i}", start, start + 20)
        entities += [
            Entity(f"person/p{i:03d}", EntityType.PERSON, f"Person{i:03d}"),
            Entity(f"organisation/o{i:03d}", EntityType.ORGANISATION, f"Org{i:03d}"),
        ]
        relations.append(Relation(f"person/p{i:03d}", "leaderOf", f"organisation/o{i:03d}", 0.7, ev))
        participants = (Participant("agent", f"person/p{i:03d}"),)
        events.append(Event(f"event/w/{i}", "Meeting", f"Meeting {i}", ev, 0.5, participants, start="2022-01"))
    x = Extraction(Article("wide", text), entities=tuple(entities), relations=tuple(relations), events=tuple(events))
    store = EmbeddedStore(None)
    store.put_articles([(article_iri(DEFAULT_BASE, "wide"), extraction_quads(x))])
    return store


PAGE = """query($n: Int) { entities(type: PERSON, first: $n) { totalCount edges { node { label
  relationships { totalCount edges { node { predicate confidence subject { label } object { label mentionCount }
    evidence { text article { title } } } } }
  events { totalCount edges { node { type start participants { role entity { label } } } } } } } } }"""


def test_api_a_page_of_entities_with_relationships_costs_a_bounded_number_of_queries(settings: Settings) -> None:
    store = CountingStore(_wide_store(120))
    counts = {}
    for n in (5, 100):
        store.queries = 0
        data, errors = execute(store, settings, PAGE, n=n)
        assert errors == []
        assert data is not None
        edges = data["entities"]["edges"]
        assert len(edges) == n
        assert all(e["node"]["relationships"]["totalCount"] == 1 for e in edges)
        assert all(e["node"]["events"]["totalCount"] == 1 for e in edges)
        counts[n] = store.queries
    assert counts[100] == counts[5], counts  # batching: the count does not grow with the page
    assert counts[100] <= 12, counts


class RowCountingStore(CountingStore):
    """Counts the rows the store returns too: the work a look-up does."""

    rows = 0

    def query(self, sparql: str) -> list[dict[str, str]]:
        found = super().query(sparql)
        self.rows += len(found)
        return found


def _hub_store(n: int) -> EmbeddedStore:
    """n articles that each name Kyiv (in Ukraine) once."""
    store = EmbeddedStore(None)
    for i in range(n):
        text = f"Report {i} from Kyiv."
        start = text.index("Kyiv")
        x = Extraction(
            Article(f"hub-{i}", text),
            mentions=(Mention(start, start + 4, "Kyiv", "place/kyiv", EntityType.PLACE, 0.9, 0, len(text)),),
            entities=(Entity("place/kyiv", EntityType.PLACE, "Kyiv", confidence=0.9, country="place/ukraine"),),
        )
        store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x))])
    return store


HUB = """{ entity(id: "place/kyiv") { ... on Entity { label mentionCount
  relationships(derived: true) { totalCount edges { node { predicate object { label } } } } } } }"""


def test_api_an_entity_look_up_does_not_grow_with_its_mentions(settings: Settings) -> None:
    rows = {}
    for n in (2, 40):
        store = RowCountingStore(_hub_store(n))
        data, errors = execute(store, settings, HUB)
        assert errors == []
        assert data is not None
        assert data["entity"]["mentionCount"] == n
        assert data["entity"]["relationships"]["totalCount"] == 1  # locatedIn Ukraine, from linking (derived)
        rows[n] = (store.queries, store.rows)
    assert rows[40] == rows[2], rows  # the same queries and rows for 2 mentions and for 40
