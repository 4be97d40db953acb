"""The ASGI app's switches, driven in-process through Starlette's test client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

import httpx
import pytest
from starlette.applications import Starlette

from api import create_app
from api.http import negotiate_export
from kg.errors import ConfigError
from kg.settings import Settings
from kg.store import EmbeddedStore, Store
from tests.support.api_sample import sample_store


class SlowStore:
    """Answers SELECT queries containing ``slow`` after a pause, the others at once."""

    def __init__(self, inner: EmbeddedStore, pause: float, slow: str) -> None:
        self.inner = inner
        self.location = inner.location
        self.pause = pause
        self.slow = slow

    def query(self, sparql: str) -> list[dict[str, str]]:
        if self.slow in sparql:
            time.sleep(self.pause)
        return self.inner.query(sparql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def call(app: Starlette, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request through the app in-process, with its lifespan run around it."""

    async def go() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, url, **kwargs)

    return asyncio.run(go())


QUERY = {"query": "{ stats { articles } }"}


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    s = sample_store()
    yield s
    s.close()


def test_app_times_out_slow_queries(store: EmbeddedStore, settings: Settings) -> None:
    # Stats come from the read index's counters now; an article page still reads the store.
    slow = SlowStore(store, 1.5, slow="nif:isString")  # the articles' fields
    app = create_app(replace(settings, request_timeout=0.3), store=cast("Store", slow))
    r = call(app, "POST", "/graphql", json={"query": "{ articles(first: 1) { edges { node { title } } } }"})
    elapsed = r.elapsed.total_seconds()
    assert r.status_code == 200
    assert "took longer than 0.3 s" in r.json()["errors"][0]["message"]
    assert elapsed < 1.0


@pytest.mark.parametrize(
    ("graphiql", "status"),
    [(True, 200), (False, 404)],
    ids=["on", "off"],
)
def test_app_graphiql_can_be_switched_off(
    store: EmbeddedStore, settings: Settings, graphiql: bool, status: int
) -> None:
    app = create_app(replace(settings, graphiql=graphiql), store=store)
    assert call(app, "GET", "/graphql", headers={"Accept": "text/html"}).status_code == status
    assert call(app, "POST", "/graphql", json=QUERY).json() == {"data": {"stats": {"articles": 2}}}


def test_app_without_cors_origins_sends_no_cors_headers(store: EmbeddedStore, settings: Settings) -> None:
    r = call(create_app(settings, store=store), "POST", "/graphql", json=QUERY, headers={"Origin": "http://x.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize(
    ("fmt", "accept", "expected"),
    [
        (None, None, "turtle"),
        (None, "*/*", "turtle"),
        (None, "application/*", "trig"),
        (None, "application/ld+json;q=0.2, application/n-triples;q=0.8", "ntriples"),
        ("TriG", "text/turtle", "trig"),
        (None, "image/png", None),
        (None, "text/turtle;q=0", None),
        (None, "application/rdf+xml", "rdfxml"),
        ("rdfxml", None, "rdfxml"),
    ],
    ids=[
        "none",
        "any",
        "any-application",
        "q-values",
        "param-wins",
        "unacceptable",
        "q-zero",
        "rdfxml",
        "rdfxml-param",
    ],
)
def test_negotiate_export_picks_the_format(fmt: str | None, accept: str | None, expected: str | None) -> None:
    chosen = negotiate_export(fmt, accept)
    assert (chosen.value if chosen else None) == expected


def test_negotiate_export_names_valid_formats() -> None:
    with pytest.raises(ConfigError, match="expected one of turtle, trig, nquads, ntriples, jsonld, rdfxml"):
        negotiate_export("owlxml", None)


def test_projection_keeper_follows_an_ingest_from_another_writer(
    seed_store_dir: Any, tmp_path: Any, settings: Settings
) -> None:
    import shutil

    from api.context import ProjectionKeeper
    from kg.ingest import ingest_paths
    from kg.store import open_store

    path = tmp_path / "kg-data"
    shutil.copytree(seed_store_dir, path)
    serving = open_store(str(path), serving=True)
    keeper = ProjectionKeeper(serving, settings.base_iri)
    assert "person/angela-merkel" not in keeper.projection.graph
    doc = tmp_path / "new.txt"
    doc.write_text("date 2022-11-01 Angela Merkel met Volodymyr Zelensky in Kyiv on Monday.")
    writer = EmbeddedStore(path)  # what `kg ingest` does beside a running `kg serve`
    ingest_paths([doc], writer, settings, workers=1)
    writer.close()
    deadline = time.monotonic() + 30
    while "person/angela-merkel" not in keeper.projection.graph and time.monotonic() < deadline:
        keeper.wait()
        time.sleep(0.1)
    assert "person/angela-merkel" in keeper.projection.graph
    serving.close()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{", "GRAPHQL_VALIDATION_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ entities(first: -1) { totalCount } }", "BAD_USER_INPUT"),
        ('{ node(id: "zz") { id } }', "BAD_USER_INPUT"),
        ('{ shortestPath(from: "person/nobody", to: "place/bakhmut") { length } }', "NOT_FOUND"),
        ('{ entities(search: "%s") { totalCount } }' % ("x" * 5000), "BAD_USER_INPUT"),
    ],
    ids=["syntax", "unknown-field", "bad-argument", "bad-id", "not-found", "too-long"],
)
def test_app_every_graphql_error_carries_a_code(
    settings: Settings, store: EmbeddedStore, query: str, code: str
) -> None:
    r = call(create_app(settings, store=store), "POST", "/graphql", json={"query": query})
    errors = r.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == [code]


def test_app_masked_errors_are_internal(settings: Settings, store: EmbeddedStore) -> None:
    class Broken(SlowStore):
        def query(self, sparql: str) -> list[dict[str, str]]:
            if "nif:isString" in sparql:  # an article page's fields only; start-up works
                raise RuntimeError("disk on fire at /secret/path")
            return super().query(sparql)

    broken = Broken(store, 0.0, "never")
    app = create_app(settings, store=cast("Store", broken))
    query = {"query": "{ articles(first: 1) { edges { node { title } } } }"}
    (error,) = call(app, "POST", "/graphql", json=query).json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"]["code"] == "INTERNAL"


@pytest.mark.parametrize(
    "body",
    [b'"x"', b"42", b"null", b"[]", b"\xff\xfe{", b"[" * 10_000 + b"]" * 10_000],
    ids=["string", "number", "null", "list", "not-utf8", "deep-nesting"],
)
def test_app_a_body_that_is_not_a_json_object_gets_400(settings: Settings, store: EmbeddedStore, body: bytes) -> None:
    r = call(
        create_app(settings, store=store),
        "POST",
        "/graphql",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert "JSON" in r.text
