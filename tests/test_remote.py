"""`kg` against a remote SPARQL 1.1 store, end to end through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sparql_server import Endpoint, sparql_endpoint

from kg.store import RemoteStore

__all__ = ["sparql_endpoint"]  # the fixture, imported so pytest finds it

pytestmark = pytest.mark.slow


def _kg(*args: str, base: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KG_BASE_IRI": base},
        check=False,
    )


def test_cli_ingest_and_export_with_a_remote_store(sparql_endpoint: Endpoint, seeds_dir: Path, tmp_path: Path) -> None:
    base = sparql_endpoint.prefix()
    remote = ["--store", sparql_endpoint.query, "--update-endpoint", sparql_endpoint.update]
    first = _kg("ingest", str(seeds_dir), *remote, "--workers", "1", base=base)
    assert first.returncode == 0, first.stderr
    assert "ingested 1 article(s), 0 unchanged, 0 rejected" in first.stdout
    again = _kg("ingest", str(seeds_dir), *remote, base=base)
    assert again.returncode == 0, again.stderr
    assert "ingested 0 article(s), 1 unchanged" in again.stdout
    out = tmp_path / "export.nq"
    exported = _kg("export", "--store", sparql_endpoint.query, "--format", "nquads", "-o", str(out), base=base)
    assert exported.returncode == 0, exported.stderr
    graphs = [line.rsplit(" ", 2)[-2] for line in out.read_text().splitlines() if line.strip()]
    mine = [g for g in graphs if g.startswith(f"<{base}article/")]
    assert len(set(mine)) == 1  # the seed article's graph, among whatever else the server holds
    assert len(mine) > 300
    store = RemoteStore(sparql_endpoint.query, sparql_endpoint.update)
    for g in store.graphs():
        if g.startswith(base):
            store.delete_article(g)
    store.close()


def test_cli_remote_store_unreachable_is_one_clear_line(seeds_dir: Path) -> None:
    result = _kg("ingest", str(seeds_dir), "--store", "http://127.0.0.1:9/query", base="https://example.org/x/")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "http://127.0.0.1:9/query unreachable" in result.stderr


def test_remote_store_keeps_the_entity_summary_through_writes_and_deletes(sparql_endpoint: Endpoint) -> None:
    from api_sample import FORCES, PUTIN, extraction_a, extraction_b

    from kg import queries, summary
    from kg.rdf import article_iri, extraction_quads

    base = sparql_endpoint.prefix()
    store = RemoteStore(sparql_endpoint.query, sparql_endpoint.update)
    a, b = extraction_a(), extraction_b()
    store.put_articles([(article_iri(base, x.article.id), extraction_quads(x, base)) for x in (a, b)])
    found = queries.entities_by_keys(store, base, [FORCES, PUTIN])
    assert (found[FORCES].mention_count, found[FORCES].aliases) == (2, ("Russian army",))
    assert store.delete_article(article_iri(base, "article-b"))
    found = queries.entities_by_keys(store, base, [FORCES, PUTIN])
    assert PUTIN not in found
    assert (found[FORCES].mention_count, found[FORCES].aliases) == (1, ())
    # A worker's store leaves the summary to the driver's sync.
    worker = RemoteStore(sparql_endpoint.query, sparql_endpoint.update, summarise=False)
    worker.put_articles([(article_iri(base, "article-b"), extraction_quads(b, base))])
    assert PUTIN not in queries.entities_by_keys(store, base, [PUTIN])
    assert summary.sync(store) >= 1
    assert queries.entities_by_keys(store, base, [PUTIN])[PUTIN].mention_count == 1
    for g in (article_iri(base, "article-a"), article_iri(base, "article-b")):
        store.delete_article(g)
    worker.close()
    store.close()
