"""The API over real HTTP: `python -m kg serve` in a subprocess, asked with httpx."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Dataset, Graph, URIRef

from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.store import EmbeddedStore
from tests.support.api_sample import extraction_a, extraction_b
from tests.support.servers import free_port, kg_serve

pytestmark = pytest.mark.slow

TOKEN = "http-test-token"
ORIGIN = "http://app.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("http") / "kg-data"
    store = EmbeddedStore(path)
    for x in (extraction_a(), extraction_b()):
        store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x))])
    store.close()
    env = {"KG_API_TOKEN": TOKEN, "KG_CORS_ORIGINS": ORIGIN, "KG_BASE_IRI": DEFAULT_BASE}
    with kg_serve(path, env=env) as url:
        yield url


def gql(server: str, query: str, token: str | None = None, **variables: object) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = httpx.post(f"{server}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_http_health(server: str) -> None:
    r = httpx.get(f"{server}/health", timeout=10)
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_http_graphql_answers_relationships_and_events(server: str) -> None:
    q = """{ entities(search: "russia") { edges { node { label relationships(derived: true) { totalCount } } } }
      events(from: "2022-10") { totalCount edges { node { type start } } }
      shortestPath(from: "place/bakhmut", to: "person/vladimir-putin") { length } }"""
    body = gql(server, q)
    assert "errors" not in body, body
    data = body["data"]
    assert {"label": "Russia", "relationships": {"totalCount": 3}} in [e["node"] for e in data["entities"]["edges"]]
    assert data["events"]["totalCount"] == 3
    assert data["shortestPath"]["length"] == 4


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "dataset"),
    [
        ("text/turtle", None, "text/turtle", False),
        ("application/trig", None, "application/trig", True),
        ("application/n-quads", None, "application/n-quads", True),
        ("application/n-triples", None, "application/n-triples", False),
        ("application/ld+json", None, "application/ld+json", True),
        ("text/html, application/trig;q=0.9, text/turtle;q=0.5", None, "application/trig", True),
        ("*/*", "nquads", "application/n-quads", True),
        (None, None, "text/turtle", False),
    ],
    ids=["turtle", "trig", "nquads", "ntriples", "jsonld", "q-values", "format-param", "no-accept"],
)
def test_http_export_negotiates_the_format(
    server: str, accept: str | None, fmt: str | None, media: str, dataset: bool
) -> None:
    headers = {"Accept": accept} if accept else {}
    params = {"format": fmt} if fmt else {}
    r = httpx.get(f"{server}/export", headers=headers, params=params, timeout=60)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    rdflib_format = {"text/turtle": "turtle", "application/trig": "trig", "application/n-quads": "nquads"}
    rdflib_format |= {"application/n-triples": "nt", "application/ld+json": "json-ld"}
    if dataset:
        ds = Dataset()
        ds.parse(data=r.content, format=rdflib_format[media])
        assert len([g for g in ds.graphs() if len(g)]) == 2  # one graph per article
    else:
        assert len(Graph().parse(data=r.content, format=rdflib_format[media])) > 50


@pytest.mark.parametrize(
    ("accept", "fmt", "status", "needle"),
    [("image/png", None, 406, "offered"), (None, "xml", 400, "expected one of turtle")],
    ids=["unacceptable", "unknown-format"],
)
def test_http_export_refuses_what_it_cannot_produce(
    server: str, accept: str | None, fmt: str | None, status: int, needle: str
) -> None:
    r = httpx.get(
        f"{server}/export", headers={"Accept": accept} if accept else {}, params={"format": fmt} if fmt else {}
    )
    assert r.status_code == status
    assert needle in r.text


SELECT = "SELECT ?label WHERE { ?p a <https://w3id.org/newskg/ontology#Person> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"


@pytest.mark.parametrize(
    ("method", "kind"),
    [("GET", "param"), ("POST", "form"), ("POST", "direct")],
    ids=["get", "post-form", "post-direct"],
)
def test_http_sparql_answers_queries_in_all_three_forms(server: str, method: str, kind: str) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    if kind == "param":
        r = httpx.get(f"{server}/sparql", params={"query": SELECT}, headers=accept)
    elif kind == "form":
        r = httpx.post(f"{server}/sparql", data={"query": SELECT}, headers=accept)
    else:
        r = httpx.post(
            f"{server}/sparql", content=SELECT, headers={**accept, "Content-Type": "application/sparql-query"}
        )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    labels = [b["label"]["value"] for b in r.json()["results"]["bindings"]]
    assert labels == ["Vladimir Putin", "Volodymyr Zelensky"]


@pytest.mark.parametrize(
    ("query", "accept", "media", "needle"),
    [
        (SELECT, "text/csv", "text/csv", "Vladimir Putin"),
        (SELECT, "application/sparql-results+xml", "application/sparql-results+xml", "<literal>Vladimir Putin"),
        ("ASK { ?s ?p ?o }", None, "application/sparql-results+json", '"boolean":true'),
        (
            "CONSTRUCT WHERE { ?s a <https://w3id.org/newskg/ontology#Event> }",
            "text/turtle",
            "text/turtle",
            "event/a/0",
        ),
    ],
    ids=["csv", "xml", "ask", "construct"],
)
def test_http_sparql_uses_the_standard_result_types(
    server: str, query: str, accept: str | None, media: str, needle: str
) -> None:
    r = httpx.get(f"{server}/sparql", params={"query": query}, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert needle in r.text


UPDATE = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"


@pytest.mark.parametrize(
    ("request_kwargs", "status", "needle"),
    [
        ({"data": {"update": UPDATE}}, 403, "read-only"),
        ({"content": UPDATE, "headers": {"Content-Type": "application/sparql-update"}}, 403, "read-only"),
        ({"content": UPDATE, "headers": {"Content-Type": "application/sparql-query"}}, 403, "read-only"),
        ({"data": {"query": "SELECT WHERE {"}}, 400, "does not parse"),
        ({"data": {}}, 400, "missing the `query` parameter"),
    ],
    ids=["form-update", "direct-update", "update-as-query", "syntax-error", "no-query"],
)
def test_http_sparql_refuses_updates_and_bad_queries(
    server: str, request_kwargs: dict[str, Any], status: int, needle: str
) -> None:
    r = httpx.post(f"{server}/sparql", **request_kwargs)
    assert r.status_code == status
    assert needle in r.text
    check = httpx.get(f"{server}/sparql", params={"query": "ASK { GRAPH <urn:x> { ?s ?p ?o } }"})
    assert json.loads(check.text)["boolean"] is False


def test_http_mutations_need_the_bearer_token(server: str) -> None:
    q = 'mutation { deleteArticle(id: "article-a") { __typename ... on NotAuthorised { message } } }'
    result = gql(server, q, token="not-the-token")["data"]["deleteArticle"]
    assert result["__typename"] == "NotAuthorised"
    assert "Bearer" in result["message"]
    stats = gql(server, "{ stats { articles } }")
    assert stats["data"] == {"stats": {"articles": 2}}


def test_http_ingest_then_delete_with_the_token(server: str) -> None:
    ingest = """mutation($input: ArticleInput!) { ingestArticle(input: $input) { __typename
      ... on IngestSuccess { status article { id } } } }"""
    text = "Olaf Scholz met Emmanuel Macron in Berlin on Tuesday."
    body = gql(server, ingest, token=TOKEN, input={"text": text, "id": "scholz", "published": "2023-01-10"})
    result = body["data"]["ingestArticle"]
    assert (result["__typename"], result["status"]) == ("IngestSuccess", "CREATED")
    assert gql(server, "{ stats { articles } }")["data"] == {"stats": {"articles": 3}}
    delete = 'mutation { deleteArticle(id: "scholz") { __typename } }'
    assert gql(server, delete, token=TOKEN)["data"] == {"deleteArticle": {"__typename": "ArticleDeleted"}}
    assert gql(server, "{ stats { articles } }")["data"] == {"stats": {"articles": 2}}


def test_http_cors_allows_the_configured_origin_only(server: str) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = httpx.options(f"{server}/graphql", headers={"Origin": ORIGIN, **preflight})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    other = httpx.options(f"{server}/graphql", headers={"Origin": "http://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers


def test_http_graphiql_page_loads_assets_from_this_server(server: str) -> None:
    page = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unpkg" not in page.text
    assert "cdn" not in page.text.lower()
    for asset in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css"):
        assert f"/static/graphiql/{asset}" in page.text
        r = httpx.get(f"{server}/static/graphiql/{asset}")
        assert r.status_code == 200, asset
        assert len(r.content) > 1000


CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # (quads)^3 rows: billions here


@pytest.mark.parametrize(
    ("env", "status", "message"),
    [
        ({"KG_SPARQL_MAX_BYTES": "4096"}, 422, "larger than 4,096 bytes"),
        ({"KG_REQUEST_TIMEOUT": "0.5"}, 503, "took longer"),
    ],
    ids=["answer-too-large", "too-slow"],
)
def test_http_sparql_stops_a_runaway_query_and_keeps_answering(
    tmp_path: Path, env: dict[str, str], status: int, message: str
) -> None:
    path = tmp_path / "kg-data"
    store = EmbeddedStore(path)
    x = extraction_a()
    store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x))])
    store.close()
    with kg_serve(path, env=env) as url:
        accept = {"Accept": "application/sparql-results+json"}
        r = httpx.get(f"{url}/sparql", params={"query": CARTESIAN}, headers=accept, timeout=60)
        assert (r.status_code, message in r.text) == (status, True), r.text[:300]
        small = httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=accept, timeout=60)
        assert small.status_code == 200
        assert small.json()["boolean"] is True


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ ?x ?y ?z optional {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
    ],
    ids=["service", "service-silent-nested"],
)
def test_http_sparql_refuses_federation_without_telling_open_ports_from_closed(server: str, template: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.0)
        open_port = listener.getsockname()[1]
        answers = []
        for port in (open_port, free_port()):
            r = httpx.post(f"{server}/sparql", data={"query": template.format(port=port)}, timeout=60)
            answers.append((r.status_code, r.text.replace(str(port), "PORT")))
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody called
    assert answers[0] == answers[1]
    assert answers[0][0] == 400
    assert "KG_SPARQL_SERVICES" in answers[0][1]


ONTOLOGY = "https://w3id.org/newskg/ontology"


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle", "turtle"),
    ],
    ids=["default", "rdfxml", "ntriples", "jsonld", "browser"],
)
def test_http_ontology_is_served_at_its_iri_path(
    server: str, accept: str | None, media: str, rdflib_format: str
) -> None:
    r = httpx.get(f"{server}/newskg/ontology", headers={"Accept": accept} if accept else {}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert "Accept" in r.headers["vary"]
    g = Graph().parse(data=r.content, format=rdflib_format)
    owl = "http://www.w3.org/2002/07/owl#"
    assert (URIRef(ONTOLOGY), URIRef(RDF_TYPE), URIRef(owl + "Ontology")) in g
    assert (URIRef(ONTOLOGY + "#Person"), URIRef(SUBCLASS), URIRef("https://schema.org/Person")) in g
    assert any(str(o) == "http://www.w3.org/2004/02/skos/core#ConceptScheme" for o in g.objects())  # event types


def test_http_ontology_refuses_what_it_cannot_produce(server: str) -> None:
    r = httpx.get(f"{server}/newskg/ontology", headers={"Accept": "image/png"}, timeout=30)
    assert (r.status_code, "offered" in r.text) == (406, True)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def test_http_sparql_follows_the_ontology_graph_to_schema_person(server: str) -> None:
    people = gql(server, "{ stats { people } }")["data"]["stats"]["people"]
    query = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{RDF_TYPE}>/<{SUBCLASS}>* <https://schema.org/Person> }}"
    r = httpx.get(f"{server}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert people > 0
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == people
    stats = gql(server, "{ stats { articles } }")["data"]["stats"]
    assert stats["articles"] == 2  # the ontology graph is not an article


@pytest.mark.parametrize(
    ("params", "dataset", "has_ontology"),
    [({"format": "rdfxml"}, False, False), ({"format": "trig", "ontology": "true"}, True, True),
     ({"format": "rdfxml", "ontology": "true"}, False, True)],
    ids=["rdfxml", "trig-with-ontology", "rdfxml-with-ontology"],
)  # fmt: skip
def test_http_export_rdfxml_and_the_ontology(
    server: str, params: dict[str, str], dataset: bool, has_ontology: bool
) -> None:
    r = httpx.get(f"{server}/export", params=params, timeout=60)
    assert r.status_code == 200, r.text
    owl_ontology = (URIRef(ONTOLOGY), URIRef(RDF_TYPE), URIRef("http://www.w3.org/2002/07/owl#Ontology"))
    if dataset:
        ds = Dataset().parse(data=r.content, format="trig")
        names = {str(g.identifier) for g in ds.graphs() if len(g)}
        assert (ONTOLOGY in names) == has_ontology
        assert owl_ontology in ds.graph(URIRef(ONTOLOGY))
    else:
        assert r.headers["content-disposition"].endswith('.rdf"')
        g = Graph().parse(data=r.content, format="xml")
        assert (owl_ontology in g) == has_ontology
        assert len(g) > 50


@pytest.mark.parametrize(
    ("accept", "export_media", "page_media"),
    [
        ("application/rdf+xml", "application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=0", None, None),
        ("image/png", None, None),
        ("text/turtle;q=0, application/n-triples", "application/n-triples", "application/n-triples"),
        ("*/*", "text/turtle", "text/turtle"),
    ],
    ids=["rdfxml", "turtle-refused", "unrelated", "q-zero-then-other", "any"],
)
def test_http_export_and_linked_data_negotiate_alike(
    server: str, accept: str, export_media: str | None, page_media: str | None
) -> None:
    got = []
    for path in ("/export", "/newskg/id/place/bakhmut"):
        r = httpx.get(f"{server}{path}", headers={"Accept": accept}, timeout=60)
        got.append(r.headers["content-type"].split(";")[0] if r.status_code == 200 else r.status_code)
    assert got == [export_media or 406, page_media or 406]
