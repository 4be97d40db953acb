"""The remote store's HTTP transport: how queries are sent, credentials kept out of sight, errors named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from kg.errors import StoreError
from kg.sandbox import QueryJob
from kg.settings import Settings
from kg.store import RemoteStore
from kg.store.sparql_http import GET_LIMIT, SparqlClient, SparqlEndpoints, redact_url
from tests.support.terms import term_value

Handler = Callable[[httpx.Request], httpx.Response]
EMPTY = {"head": {"vars": ["s"]}, "results": {"bindings": []}}


def _store(handler: Handler, url: str = "http://db.example:8890/sparql", **kwargs: Any) -> RemoteStore:
    """A remote store whose requests go to ``handler`` instead of the network."""
    store = RemoteStore(url, retries=0, **kwargs)
    store._client = SparqlClient(store.endpoints, retries=0, transport=httpx.MockTransport(handler))
    return store


def _sent_query(request: httpx.Request) -> str:
    if request.method == "GET":
        return parse_qs(urlsplit(str(request.url)).query)["query"][0]
    return parse_qs(request.content.decode("ascii"))["query"][0]


@pytest.mark.parametrize(
    ("padding", "method", "content_type"),
    [(0, "GET", None), (GET_LIMIT, "POST", "application/x-www-form-urlencoded")],
    ids=["short-get", "long-form-post"],
)
def test_sparql_http_sends_queries_as_every_server_answers(padding: int, method: str, content_type: str | None) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=EMPTY)

    store = _store(handler)
    sparql = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } " + "#" * padding
    assert store.query(sparql) == []
    (request,) = seen
    assert request.method == method
    assert request.headers.get("content-type") == content_type
    assert _sent_query(request) == sparql
    assert request.headers["accept"] == "application/sparql-results+json"


def test_sparql_http_sends_updates_as_sparql_update_bodies() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    _store(handler).update("DROP SILENT GRAPH <https://example.org/g>")
    assert seen[0].method == "POST"
    assert seen[0].headers["content-type"] == "application/sparql-update"
    assert seen[0].content == b"DROP SILENT GRAPH <https://example.org/g>"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"head": {}, "boolean": True}, True),
        ({"head": {}, "boolean": False}, False),
        # Virtuoso 7.2 answers a JSON ASK as a SELECT with one row (true) or none (false).
        ({"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [{"__ASK_RETVAL": {"value": "1"}}]}}, True),
        ({"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}, False),
    ],
    ids=["true", "false", "virtuoso-true", "virtuoso-false"],
)
def test_sparql_http_reads_both_shapes_of_ask_answers(answer: dict[str, object], expected: bool) -> None:
    store = _store(lambda _: httpx.Response(200, json=answer))
    assert store.ask("ASK { ?s ?p ?o }") is expected


def _page_server(rows: int, cap: int) -> tuple[Handler, list[str]]:
    """A server holding ``rows`` quads in one graph that cuts every answer at ``cap`` rows, as Virtuoso does."""
    graph = "https://example.org/g"
    quads = [
        {
            "g": {"type": "uri", "value": graph},
            "s": {"type": "uri", "value": f"https://example.org/s{i:03d}"},
            "p": {"type": "uri", "value": "https://example.org/p"},
            "o": {"type": "literal", "value": str(i)},
        }
        for i in range(rows)
    ]
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sparql = _sent_query(request)
        asked.append(sparql)
        if "sparql-service-description" in sparql:  # the server's own service description: none
            return httpx.Response(200, json={"results": {"bindings": []}})
        if sparql.endswith("GROUP BY ?g"):
            return httpx.Response(200, json={"results": {"bindings": [{"g": quads[0]["g"]}]}})
        found = quads
        if "OFFSET" in sparql:  # a page: the server cuts nothing when the query has its own LIMIT
            offset = int(sparql.rsplit("OFFSET", 1)[1])
            return httpx.Response(200, json={"results": {"bindings": quads[offset : offset + cap]}})
        headers = {"X-SPARQL-MaxRows": str(cap)} if len(found) > cap else {}
        return httpx.Response(200, json={"results": {"bindings": found[:cap]}}, headers=headers)

    return handler, asked


def test_remote_store_reads_a_capped_server_whole_in_pages() -> None:
    handler, asked = _page_server(rows=25, cap=10)
    got = list(_store(handler).quads())
    assert sorted(term_value(q.object) for q in got) == sorted(str(i) for i in range(25))
    assert sum("OFFSET" in q for q in asked) == 3


def test_remote_store_refuses_a_capped_answer_and_names_the_setting() -> None:
    handler, _ = _page_server(rows=25, cap=10)
    with pytest.raises(StoreError, match=r"cut a result at 10 rows \(Virtuoso's ResultSetMaxRows\)"):
        _store(handler).query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")


SECRET = "s3cr3t-pw"


@pytest.mark.parametrize(
    "url",
    [f"http://kg:{SECRET}@127.0.0.1:9/query", f"http://127.0.0.1:9/query?access-token={SECRET}"],
    ids=["userinfo", "token-parameter"],
)
def test_remote_store_unreachable_names_host_and_operation_without_secrets(url: str) -> None:
    store = RemoteStore(url, retries=1, timeout=1)
    with pytest.raises(StoreError) as caught:
        store.graphs()
    message = str(caught.value)
    assert SECRET not in message
    assert "kg:" not in message
    assert "query (SELECT) at http://127.0.0.1:9/query" in message
    assert "unreachable after 2 attempt(s)" in message
    store.close()


def test_remote_store_error_answers_never_echo_the_password() -> None:
    # A server that echoes the request's Authorization or URL back in its error page.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text=f"failed for {request.url} with secret {SECRET}")

    with pytest.raises(StoreError) as caught:
        _store(handler, url=f"http://kg:{SECRET}@db.example:8890/sparql").query("SELECT * WHERE { ?s ?p ?o }")
    assert SECRET not in str(caught.value)
    assert "db.example:8890" in str(caught.value)


def test_remote_store_retries_then_names_the_timed_out_server() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("timed out", request=request)

    store = RemoteStore("http://db.example:8890/sparql")
    store._client = SparqlClient(store.endpoints, retries=1, transport=httpx.MockTransport(handler))
    with pytest.raises(StoreError, match=r"update \(INSERT\) at http://db.example:8890/sparql failed: .* timed out"):
        store.update("INSERT DATA { GRAPH <https://example.org/g> { <a:b> <a:c> <a:d> } }")
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("url", "env", "netrc", "expected"),
    [
        ("http://u1:p1@db.example/sparql", {"KG_STORE_USER": "u2", "KG_STORE_PASSWORD": "p2"}, "", ("u1", "p1")),
        ("http://db.example/sparql", {"KG_STORE_USER": "u2", "KG_STORE_PASSWORD": "p2"}, "", ("u2", "p2")),
        ("http://db.example/sparql", {}, "machine db.example login u3 password p3\n", ("u3", "p3")),
        ("http://db.example/sparql", {}, "machine other.example login u4 password p4\n", (None, None)),
        ("http://u%40x:p%3Aw@db.example/sparql", {}, "", ("u@x", "p:w")),
    ],
    ids=["url-wins", "settings", "netrc", "netrc-other-host", "percent-encoded"],
)
def test_sparql_endpoints_take_credentials_from_url_settings_or_netrc(
    tmp_path: Path, url: str, env: dict[str, str], netrc: str, expected: tuple[str | None, str | None]
) -> None:
    rc = tmp_path / "netrc"
    rc.write_text(netrc)
    settings = Settings.load(env={"KG_STORE": url, **env})
    found = SparqlEndpoints.parse(
        settings.store, user=settings.store_user, password=settings.store_password, netrc_file=str(rc)
    )
    assert (found.user, found.password) == expected
    assert "@" not in found.query
    if expected[1] is not None:
        assert expected[1] not in repr(found)


def test_settings_never_show_the_store_password() -> None:
    settings = Settings.load(
        env={"KG_STORE": f"https://kg:{SECRET}@db.example:8890/sparql?t=1", "KG_STORE_PASSWORD": SECRET}
    )
    assert SECRET not in repr(settings)
    assert settings.store_label == "https://db.example:8890/sparql"
    assert replace(settings, store="./kg-data").store_label == "./kg-data"


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://kg:pw@db.example:8890/sparql?token=x#f", "https://db.example:8890/sparql"),
        ("http://[::1]:7878/query", "http://[::1]:7878/query"),
        ("http://db.example/sparql", "http://db.example/sparql"),
        ("http://db.example:notaport/sparql", "<an invalid URL>"),
    ],
    ids=["everything", "ipv6", "no-port", "bad-port"],
)
def test_redact_url_keeps_scheme_host_port_and_path_only(url: str, label: str) -> None:
    assert redact_url(url) == label


def test_remote_store_forwards_raw_queries_with_the_same_transport() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(400, text="bad query", headers={"content-type": "text/plain"})

    answer = _store(handler).sparql(QueryJob("SELECT nonsense"), None)
    status, body, media = answer.status, answer.body, answer.media
    assert (status, body, media) == (400, b"bad query", "text/plain")
    assert seen[0].method == "GET"
    assert "content-type" not in seen[0].headers


@pytest.mark.parametrize(
    "location",
    ["/srv/private/kg-data", f"http://kg:{SECRET}@db.example:8890/sparql"],
    ids=["embedded-path", "remote-url"],
)
def test_health_shows_neither_the_store_path_nor_its_credentials(location: str) -> None:
    import asyncio

    from api.app import create_app
    from kg.store import EmbeddedStore

    store = EmbeddedStore(None)
    app = create_app(Settings.load(env={"KG_STORE": location}), store=store)

    async def go() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.get("/health")

    r = asyncio.run(go())
    store.close()
    assert r.status_code == 200
    assert "private" not in r.text
    assert SECRET not in r.text
    assert "db.example" not in r.text
    assert r.json()["store"] == ("remote" if location.startswith("http") else "embedded")


def test_remote_store_answers_a_basic_challenge_then_sends_basic_from_the_start() -> None:
    import base64

    good = "Basic " + base64.b64encode(b"kg:pw").decode()
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        if request.headers.get("authorization") != good:
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="kg"'})
        return httpx.Response(200, json=EMPTY)

    store = _store(handler, url="http://db.example/sparql", user="kg", password="pw")
    store.query("SELECT * WHERE { ?s ?p ?o }")
    store.query("SELECT * WHERE { ?s ?p ?o }")
    assert seen == [None, good, good]  # nothing sent before the server asked
