"""Linked-data descriptions and the route that serves them by content negotiation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from starlette.applications import Starlette

from api.linked_data import base_path, linked_data_route
from api.state import AppState
from kg.describe import describe, negotiate, render
from kg.errors import NotFoundError
from kg.namespace import KG, RDFS, WGS84
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.settings import Settings
from kg.store import EmbeddedStore
from tests.support.ontology_sample import WHEN, seed_extraction

X = seed_extraction()
BAKHMUT = DEFAULT_BASE + "place/bakhmut"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    db = EmbeddedStore(tmp_path / "db")
    db.put_articles([(article_iri(DEFAULT_BASE, X.article.id), extraction_quads(X, when=WHEN))])
    yield db
    db.close()


def _turtle(data: bytes) -> Graph:
    return Graph().parse(data=data, format="turtle")


def test_describe_gives_own_and_incoming_triples(store: EmbeddedStore) -> None:
    d = describe(store, BAKHMUT)
    g = _turtle(render(d, "text/turtle", base=DEFAULT_BASE))
    node = URIRef(BAKHMUT)
    assert g.value(node, RDFS.label) == Literal("Bakhmut")
    assert str(g.value(node, WGS84.lat)) == "48.59441"
    assert len(list(g.subjects(KG.place, node))) == 2  # the attack and the killing happened there
    assert not d.truncated


def test_describe_limit_truncates(store: EmbeddedStore) -> None:
    d = describe(store, BAKHMUT, limit=2)
    assert d.truncated
    assert len(d.triples) == 4


@pytest.mark.parametrize(
    "iri",
    [DEFAULT_BASE + "place/atlantis", "", "https://x/a> <b", "https://x/{a}"],
    ids=["unknown", "empty", "injection", "braces"],
)
def test_describe_unknown_or_malformed_iri_is_not_found(store: EmbeddedStore, iri: str) -> None:
    with pytest.raises(NotFoundError, match="no resource with id"):
        describe(store, iri)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/xhtml+xml", "text/html"),
        ("text/turtle;q=0.5, text/html;q=0.9", "text/html"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples, text/turtle", "application/n-triples"),
        ("image/png", None),
        ("text/html;q=0, text/turtle;q=0.1", "text/turtle"),
        ("text/html;q=bogus, text/turtle", "text/turtle"),
        ("text/turtle;q=0", None),
        ("text/turtle;q=0, */*", "text/html"),
        ("application/rdf+xml, text/turtle;q=0.5", "application/rdf+xml"),
    ],
    ids=[
        "none",
        "any",
        "browser",
        "xhtml",
        "q-values",
        "jsonld",
        "order",
        "unsupported",
        "q-zero",
        "bad-q",
        "only-refused",
        "refused-beats-wildcard",
        "rdfxml",
    ],
)
def test_negotiate_picks_the_best_type(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


def test_render_html_escapes_text_and_links_local_iris(store: EmbeddedStore) -> None:
    d = describe(store, DEFAULT_BASE + "person/volodymyr-zelensky")
    page = render(d, "text/html", base=DEFAULT_BASE, local_prefix="/newskg/id/").decode()
    assert "<title>Volodymyr Zelensky</title>" in page
    assert '<link rel="alternate" type="text/turtle" href="/newskg/id/person/volodymyr-zelensky">' in page
    assert 'href="/newskg/id/place/ukraine"' in page
    quoted = describe(store, f"{DEFAULT_BASE}event/{X.article.id}/2")
    assert "<script" not in render(quoted, "text/html", base=DEFAULT_BASE).decode()


@pytest.mark.parametrize(
    ("base", "path"),
    [("https://w3id.org/newskg/id/", "/newskg/id/"), ("http://localhost:8000/", "/"), ("https://x.org/kg", "/kg/")],
    ids=["w3id", "root", "no-slash"],
)
def test_base_path_is_the_iri_path(base: str, path: str) -> None:
    assert base_path(base) == path


class Client:
    """Requests to an ASGI app in-process (httpx over ASGITransport)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.get(path, headers=headers)

        return asyncio.run(go())


@pytest.fixture
def client(store: EmbeddedStore) -> Client:
    settings = Settings.load(env={})
    return Client(Starlette(routes=[linked_data_route(AppState(store=store), settings)]))


def test_route_answers_turtle_by_default(client: Client) -> None:
    r = client.get("/newskg/id/place/bakhmut")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    assert r.headers["vary"] == "Accept"
    assert (URIRef(BAKHMUT), RDFS.label, Literal("Bakhmut")) in _turtle(r.content)


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0"], ids=["unsupported", "q-zero"])
def test_route_refuses_what_it_cannot_produce_with_406(client: Client, accept: str) -> None:
    r = client.get("/newskg/id/place/bakhmut", headers={"Accept": accept})
    assert r.status_code == 406
    assert "application/rdf+xml" in r.text


def test_route_answers_rdf_xml(client: Client) -> None:
    r = client.get("/newskg/id/place/bakhmut", headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/rdf+xml"
    assert (URIRef(BAKHMUT), RDFS.label, Literal("Bakhmut")) in Graph().parse(data=r.content, format="xml")


@pytest.mark.parametrize("path", ["/newskg/id/%ff", "/newskg/id/place/%00", "/newskg/id/place/a%ffb"])
def test_route_answers_bad_bytes_in_the_path_with_404(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_route_answers_html_to_a_browser(client: Client) -> None:
    r = client.get("/newskg/id/place/bakhmut", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Bakhmut</h1>" in r.text


def test_route_answers_jsonld_read_by_oxigraph(client: Client) -> None:
    r = client.get("/newskg/id/place/bakhmut", headers={"Accept": "application/ld+json"})
    triples = [q.triple for q in ox.parse(r.content, format=ox.RdfFormat.JSON_LD)]
    assert ox.Triple(ox.NamedNode(BAKHMUT), ox.NamedNode(str(RDFS.label)), ox.Literal("Bakhmut")) in triples


def test_route_unknown_resource_is_404(client: Client) -> None:
    r = client.get("/newskg/id/place/atlantis")
    assert r.status_code == 404
    assert "place/atlantis" in r.text


def test_route_is_served_by_the_kg_app(store: EmbeddedStore) -> None:
    from api import create_app

    app = create_app(Settings.load(env={}), store=store)
    r = Client(app).get("/newskg/id/place/bakhmut", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert (URIRef(BAKHMUT), RDFS.label, Literal("Bakhmut")) in _turtle(r.content)
