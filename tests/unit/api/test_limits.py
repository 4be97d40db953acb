"""Request limits: body size (413), argument length, and work refused after a request's deadline."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any, cast

import httpx
import pytest
from starlette.applications import Starlette

from api import build_schema, create_app, limits
from api.context import Context
from kg.settings import Settings
from kg.store import EmbeddedStore, Store
from tests.support.api_sample import sample_store


def _execute(settings: Settings, query: str, **variables: Any) -> tuple[Any, list[str]]:
    schema = build_schema(settings)
    ctx = Context(store=sample_store(), settings=settings)
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))
    return result.data, [e.message for e in result.errors or []]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ entities(search: "%s") { totalCount } }' % ("x" * 101), {}),
        ("query($s: String) { entities(search: $s) { totalCount } }", {"s": "x" * 101}),
        ("query($f: EntityFilter) { entities(filter: $f) { totalCount } }", {"f": {"search": "x" * 101}}),
        ('{ entity(id: "%s") { __typename } }' % ("p" * 101), {}),
    ],
    ids=["inline", "variable", "nested-variable", "id"],
)
def test_argument_length_limiter_refuses_long_arguments(settings: Settings, query: str, variables: Any) -> None:
    data, errors = _execute(replace(settings, max_argument_chars=100), query, **variables)
    assert data is None
    assert len(errors) == 1
    assert "KG_MAX_ARGUMENT_CHARS" in errors[0]


def test_argument_length_limiter_lets_arguments_up_to_the_limit_through(settings: Settings) -> None:
    data, errors = _execute(
        replace(settings, max_argument_chars=100),
        "query($s: String) { entities(search: $s) { totalCount } }",
        s="x" * 100,
    )
    assert errors == []
    assert data == {"entities": {"totalCount": 0}}


def test_off_loop_does_not_start_work_after_the_deadline() -> None:
    calls: list[int] = []

    async def late() -> None:
        limits.deadline.set(time.monotonic() - 1)
        await limits.off_loop(calls.append, 1)

    with pytest.raises(limits.RequestTimeoutError):
        asyncio.run(late())
    assert calls == []


class SlowStore:
    """A store whose every SELECT takes ``delay`` seconds; counts the queries it starts."""

    def __init__(self, inner: EmbeddedStore, delay: float) -> None:
        self.inner = inner
        self.location = inner.location
        self.delay = delay
        self.started = 0
        self.slow = threading.Event()

    def query(self, sparql: str) -> list[dict[str, str]]:
        if self.slow.is_set():
            self.started += 1
            time.sleep(self.delay)
        return self.inner.query(sparql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _requests(app: Starlette, *requests: dict[str, Any]) -> list[httpx.Response]:
    """Requests through the app in-process, one after the other, within one run of its lifespan."""

    async def go() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
                out = []
                for request in requests:
                    if request.pop("slow", False):
                        slow.set()
                    out.append(await client.request(**request))
                return out

    slow = app.state.slow
    return asyncio.run(go())


def _slow_app(settings: Settings, **overrides: Any) -> tuple[Starlette, SlowStore]:
    store = SlowStore(sample_store(), delay=0.6)
    app = create_app(replace(settings, request_timeout=0.5, **overrides), store=cast("Store", store))
    app.state.slow = store.slow
    return app, store


def test_graphql_timeout_stops_the_work_of_the_request(settings: Settings) -> None:
    app, store = _slow_app(settings)
    # Three stages, one after the other: the entity list (two queries), then each
    # entity's description, then its relationships. The first overruns the deadline.
    q = "{ entities(first: 5) { edges { node { label relationships { totalCount } } } } }"
    (r,) = _requests(app, {"method": "POST", "url": "/graphql", "json": {"query": q}, "slow": True})
    assert r.status_code == 200
    assert r.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    time.sleep(3)  # what a request that kept working would do now
    assert store.started == 2  # the entity list's two queries; nothing after the deadline


def test_graphql_a_too_long_search_costs_no_store_query(settings: Settings) -> None:
    app, store = _slow_app(settings)
    q = {"query": "query($s: String) { entities(search: $s) { totalCount } }", "variables": {"s": "x" * 100_000}}
    (r,) = _requests(app, {"method": "POST", "url": "/graphql", "json": q, "slow": True})
    assert "KG_MAX_ARGUMENT_CHARS" in r.json()["errors"][0]["message"]
    assert store.started == 0


@pytest.mark.parametrize("path", ["/graphql", "/sparql"])
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_body_limit_refuses_a_large_body_with_413(settings: Settings, path: str, declared: bool) -> None:
    app, _ = _slow_app(settings, max_body_bytes=10_000)
    body = b'{"query": "' + b"x" * 20_000 + b'"}'

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit is counted as it arrives
        yield body[:5000]
        yield body[5000:]

    content: Any = body if declared else chunks()
    big, ok = _requests(
        app,
        {"method": "POST", "url": path, "content": content, "headers": {"Content-Type": "application/json"}},
        {"method": "POST", "url": "/graphql", "json": {"query": "{ __typename }"}},
    )
    assert big.status_code == 413
    assert "KG_MAX_BODY_BYTES" in big.text
    assert ok.json() == {"data": {"__typename": "Query"}}
