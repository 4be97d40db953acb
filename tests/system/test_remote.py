"""`kg` against a remote SPARQL 1.1 store, end to end through the CLI."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

from kg.settings import Settings
from kg.store import EmbeddedStore, ExportFormat, RemoteStore, Store, write_export
from tests.support.sparql_server import Endpoint, remote_endpoint, sparql_endpoint, virtuoso_endpoint

__all__ = ["remote_endpoint", "sparql_endpoint", "virtuoso_endpoint"]  # fixtures, imported so pytest finds them

pytestmark = pytest.mark.slow


def _kg(*args: str, base: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KG_BASE_IRI": base, **(env or {})},
        check=False,
    )


def test_cli_ingest_and_export_with_a_remote_store(remote_endpoint: Endpoint, seeds_dir: Path, tmp_path: Path) -> None:
    base = remote_endpoint.prefix()
    remote = ["--store", remote_endpoint.query, "--update-endpoint", remote_endpoint.update]
    first = _kg("ingest", str(seeds_dir), *remote, "--workers", "1", base=base)
    assert first.returncode == 0, first.stderr
    assert "ingested 1 article(s), 0 unchanged, 0 rejected" in first.stdout
    again = _kg("ingest", str(seeds_dir), *remote, base=base)
    assert again.returncode == 0, again.stderr
    assert "ingested 0 article(s), 1 unchanged" in again.stdout
    out = tmp_path / "export.nq"
    exported = _kg("export", "--store", remote_endpoint.query, "--format", "nquads", "-o", str(out), base=base)
    assert exported.returncode == 0, exported.stderr
    graphs = [line.rsplit(" ", 2)[-2] for line in out.read_text().splitlines() if line.strip()]
    mine = [g for g in graphs if g.startswith(f"<{base}article/")]
    assert len(set(mine)) == 1  # the seed article's graph, among whatever else the server holds
    assert len(mine) > 300
    store = RemoteStore(remote_endpoint.query, remote_endpoint.update)
    for g in store.graphs():
        if g.startswith(base):
            store.delete_article(g)
    store.close()


def test_cli_remote_store_unreachable_is_one_clear_line(seeds_dir: Path) -> None:
    result = _kg("ingest", str(seeds_dir), "--store", "http://127.0.0.1:9/query", base="https://example.org/x/")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "http://127.0.0.1:9/query unreachable" in result.stderr


def test_remote_store_keeps_the_entity_summary_through_writes_and_deletes(remote_endpoint: Endpoint) -> None:
    from kg import queries, summary
    from kg.rdf import article_iri, extraction_quads
    from tests.support.api_sample import FORCES, PUTIN, extraction_a, extraction_b

    base = remote_endpoint.prefix()
    store = RemoteStore(remote_endpoint.query, remote_endpoint.update)
    a, b = extraction_a(), extraction_b()
    store.put_articles([(article_iri(base, x.article.id), extraction_quads(x, base)) for x in (a, b)])
    found = queries.entities_by_keys(store, base, [FORCES, PUTIN])
    assert (found[FORCES].mention_count, found[FORCES].aliases) == (2, ("Russian army",))
    assert store.delete_article(article_iri(base, "article-b"))
    found = queries.entities_by_keys(store, base, [FORCES, PUTIN])
    assert PUTIN not in found
    assert (found[FORCES].mention_count, found[FORCES].aliases) == (1, ())
    # A worker's store leaves the summary to the driver's sync.
    worker = RemoteStore(remote_endpoint.query, remote_endpoint.update)
    worker.write_quads([(article_iri(base, "article-b"), extraction_quads(b, base))])  # raw, as a worker writes
    assert PUTIN not in queries.entities_by_keys(store, base, [PUTIN])
    assert summary.sync(store) >= 1
    assert queries.entities_by_keys(store, base, [PUTIN])[PUTIN].mention_count == 1
    for g in (article_iri(base, "article-a"), article_iri(base, "article-b")):
        store.delete_article(g)
    worker.close()
    store.close()


# The invented articles of the round trip (never eval text): two, so one can be deleted.
ROUND_TRIP_ARTICLES = [
    {
        "id": "rt-1",
        "title": "Plant",
        "published": "2024-03-04",
        "text": "Angela Merkel met Emmanuel Macron in Paris on Monday. Siemens, which is based in Munich, "
        "said on Tuesday that it would open a plant in Lyon. Macron said the plant would bring 800 jobs.",
    },
    {
        "id": "rt-2",
        "title": "Port",
        "published": "2024-03-05",
        "text": "Olaf Scholz visited Hamburg on Wednesday. Scholz said the port would stay open.",
    },
]

#: GraphQL questions asked of both stores after each write; the answers must be equal.
ROUND_TRIP_QUERIES = [
    '{ entity(id: "person/vladimir-putin") { ... on Entity { label type aliases mentionCount confidence'
    " relationships { totalCount edges { node { predicate confidence subject { label } object { label } } } }"
    " events { totalCount edges { node { type start end place { label } } } } } } }",
    '{ entity(id: "place/bakhmut") { ... on Entity { label latitude longitude mentionCount sameAs } } }',
    '{ entity(id: "person/emmanuel-macron") { ... on Entity { label mentionCount'
    " articles { edges { node { title } } } } ... on EntityNotFound { message } } }",
    '{ events(participant: "person/vladimir-putin", orderBy: START_ASC) { totalCount edges { node { type start'
    " participants { role entity { label } } evidence { text start end } } } } }",
    '{ shortestPath(from: "place/bakhmut", to: "person/vladimir-putin", maxLength: 4) { length'
    " nodes { __typename ... on Entity { label } ... on Event { type } } } }",
]

_ENDED = "<http://www.w3.org/ns/prov#endedAtTime>"


def _graphql(store: Store, settings: Settings) -> list[Any]:
    """The answers of a real app (lifespan included) serving ``store`` to :data:`ROUND_TRIP_QUERIES`."""
    import asyncio

    import httpx

    from api.app import create_app

    app = create_app(settings, store=store)

    async def go() -> list[Any]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                answers = []
                for q in ROUND_TRIP_QUERIES:
                    r = await client.post("/graphql", json={"query": q})
                    assert r.status_code == 200, r.text
                    body = r.json()
                    assert "errors" not in body, body
                    answers.append(body["data"])
                return answers

    return asyncio.run(go())


def _export(store: Store, base: str) -> Dataset:
    """The N-Quads export of the graphs under ``base``, ingest times reduced to their shape."""
    buf = io.BytesIO()
    write_export(store, ExportFormat.NQUADS, buf)
    lines = []
    for line in buf.getvalue().decode("utf-8").splitlines():
        graph = line.rsplit(" ", 2)[-2]
        if not graph.startswith(f"<{base}"):
            continue
        if _ENDED in line:
            # When each run ingested differs; its lexical shape must not (e.g. "Z", not "+00:00").
            line = re.sub(r"\d", "0", line)
        lines.append(line)
    return Dataset().parse(data="\n".join(lines), format="nquads")


def _same_graphs(a: Dataset, b: Dataset) -> None:
    names_a = {str(g.identifier) for g in a.graphs() if len(g)}
    names_b = {str(g.identifier) for g in b.graphs() if len(g)}
    assert names_a == names_b
    for name in names_a:
        ga, gb = a.graph(URIRef(name)), b.graph(URIRef(name))
        assert len(ga) == len(gb), name
        assert isomorphic(ga, gb), (name, sorted(set(ga) ^ set(gb))[:10])


def test_remote_store_round_trip_equals_the_embedded_store(
    remote_endpoint: Endpoint, seeds_dir: Path, tmp_path: Path
) -> None:
    """Ingest, serve, export, delete an article, re-ingest: the remote store is the embedded one."""
    from kg.ingest import ingest_paths
    from kg.queries import graph_stats
    from kg.rdf import article_iri

    base = remote_endpoint.prefix()
    settings = Settings.load(env={}, base_iri=base, workers=1)
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text("\n".join(json.dumps(a) for a in ROUND_TRIP_ARTICLES) + "\n", encoding="utf-8")
    inputs = [seeds_dir, jsonl]
    embedded = EmbeddedStore(tmp_path / "embedded")
    remote = RemoteStore(remote_endpoint.query, remote_endpoint.update)
    try:
        for store in (embedded, remote):
            report = ingest_paths(inputs, store, settings, workers=1)
            assert (len(report.ingested), len(report.rejected)) == (3, 0)
        assert _graphql(remote, settings) == _graphql(embedded, settings)
        _same_graphs(_export(remote, base), _export(embedded, base))
        # The quad count is the export's, whatever graphs the server keeps for itself.
        assert graph_stats(remote).quads == sum(1 for _ in remote.quads())
        assert graph_stats(embedded).quads == sum(1 for _ in embedded.quads())

        gone = article_iri(base, "rt-2")
        for store in (embedded, remote):
            assert store.delete_article(gone)
        exported = _export(remote, base)
        assert str(gone) not in {str(g.identifier) for g in exported.graphs() if len(g)}
        _same_graphs(exported, _export(embedded, base))
        assert _graphql(remote, settings) == _graphql(embedded, settings)

        for store in (embedded, remote):
            report = ingest_paths(inputs, store, settings, workers=1)
            assert (len(report.ingested), len(report.unchanged)) == (1, 2)
        _same_graphs(_export(remote, base), _export(embedded, base))
        assert _graphql(remote, settings) == _graphql(embedded, settings)
    finally:
        for g in remote.graphs():
            if g.startswith(base):
                remote.delete_article(g)
        remote.close()
        embedded.close()


def _serve_app(app: Any, method: str, url: str, **kwargs: Any) -> Any:
    import asyncio

    import httpx

    async def go() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, url, **kwargs)

    return asyncio.run(go())


def test_serve_raw_sparql_reaches_every_remote_engine(remote_endpoint: Endpoint) -> None:
    from api.app import create_app

    store = RemoteStore(remote_endpoint.query, remote_endpoint.update)
    g = f"{remote_endpoint.prefix()}article/raw"
    store.update(f'INSERT DATA {{ GRAPH <{g}> {{ <{g}/s> <https://example.org/p> "raw" }} }}')
    try:
        app = create_app(Settings.load(env={}), store=store)
        query = f"SELECT ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
        r = _serve_app(
            app, "GET", "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        assert r.status_code == 200, r.text
        assert [b["o"]["value"] for b in r.json()["results"]["bindings"]] == ["raw"]
    finally:
        store.update(f"DROP SILENT GRAPH <{g}>")
        store.close()


def test_cli_logs_in_with_kg_store_user_and_password(virtuoso_endpoint: Endpoint, seeds_dir: Path) -> None:
    # Virtuoso's /sparql-auth asks for HTTP Digest; its `dba` user may query and update.
    base = virtuoso_endpoint.prefix()
    url = virtuoso_endpoint.auth_query
    refused = _kg("ingest", str(seeds_dir), "--store", url, base=base)
    assert refused.returncode == 1
    assert "refused (401) without credentials" in refused.stderr
    env = {"KG_STORE_USER": "dba", "KG_STORE_PASSWORD": "dba"}
    done = _kg("ingest", str(seeds_dir), "--store", url, "--workers", "1", base=base, env=env)
    assert done.returncode == 0, done.stderr
    assert "ingested 1 article(s)" in done.stdout
    store = RemoteStore(url, user="dba", password="dba")
    assert [g for g in store.graphs() if g.startswith(base)]
    for g in store.graphs():
        if g.startswith(base):
            store.delete_article(g)
    store.close()


def test_cli_serve_never_prints_the_store_password(tmp_path: Path) -> None:
    from tests.support.servers import free_port

    secret = "pw-never-shown"
    url = f"http://kg:{secret}@127.0.0.1:9/query?access-token={secret}"
    result = _kg("serve", "--store", url, "--port", str(free_port()), base="https://example.org/x/")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "serving http://127.0.0.1:9/query at" in out
    assert "127.0.0.1:9/query unreachable" in out
    assert secret not in out
    assert "kg:" not in out
