"""Extraction on a local Dask cluster writing to a real SPARQL server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from distributed import Client, LocalCluster

from kg.errors import ConfigError, EmptyInputError, InputError
from kg.ingest import ingest_articles
from kg.ingest.distributed import extract_and_store, ingest_on_dask
from kg.records import Article
from kg.settings import Settings
from kg.store import EmbeddedStore, RemoteStore, Store
from tests.support.sparql_server import Endpoint, sparql_endpoint

__all__ = ["sparql_endpoint"]  # the fixture, imported so pytest finds it

pytestmark = pytest.mark.slow

TEXTS = [
    "Angela Merkel visited Paris on Monday.",
    "Emmanuel Macron met Olaf Scholz in Berlin.",
    "Volodymyr Zelensky spoke to the United Nations in New York.",
    "The European Union announced new sanctions in Brussels.",
    "Joe Biden called Rishi Sunak from Washington.",
]


def _articles() -> list[Article]:
    return [
        Article(id=f"d{i}", text=t, title=None, published=None, url=None, source=None, origin=f"t:{i}")
        for i, t in enumerate(TEXTS)
    ]


def _timeless(store: Store, prefix: str) -> set[tuple[str, str, str, str]]:
    return {
        (
            str(q.subject).replace(prefix, "BASE/"),
            str(q.predicate),
            str(q.object).replace(prefix, "BASE/"),
            str(q.graph_name).replace(prefix, "BASE/"),
        )
        for q in store.quads()
        if str(q.graph_name).startswith(f"<{prefix}")
        and not (isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("#dateTime"))
    }


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A one-worker, in-process cluster: the real scheduler protocol, light on a 2-core machine."""
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,  # type: ignore[no-untyped-call]
        Client(cluster) as c,  # type: ignore[no-untyped-call]
    ):
        yield c


def test_distributed_ingest_matches_local_ingest(client: Client, sparql_endpoint: Endpoint, tmp_path: Path) -> None:
    settings = Settings.load(env={}, base_iri=sparql_endpoint.prefix())
    remote = RemoteStore(sparql_endpoint.query, sparql_endpoint.update)
    items: list[Article | InputError] = [*_articles(), EmptyInputError("gone.txt", "the file is empty")]
    report = ingest_on_dask(items, client, remote, settings, chunk_size=2, in_flight=1)
    assert report.ingested == tuple(f"d{i}" for i in range(len(TEXTS)))
    assert [e.source for e in report.rejected] == ["gone.txt"]
    local = EmbeddedStore(tmp_path / "db")
    local_report = ingest_articles(_articles(), local, settings, workers=1)
    assert (report.entities, report.mentions, report.quads) == (
        local_report.entities,
        local_report.mentions,
        local_report.quads,
    )
    assert _timeless(remote, settings.base_iri) == _timeless(local, settings.base_iri)
    again = ingest_on_dask(_articles(), client, remote, settings)
    assert again.ingested == ()
    assert len(again.unchanged) == len(TEXTS)
    for g in remote.graphs():
        if g.startswith(settings.base_iri):
            remote.delete_article(g)
    remote.close()
    local.close()


SPELLINGS = [
    "Ukrainian President Volodymyr Zelenskyy said that Russian forces shelled Bakhmut on Thursday.",
    "President Volodymyr Zelensky said the shelling of Bakhmut in eastern Ukraine killed three people.",
]


@pytest.mark.parametrize("resolve", [True, False], ids=["resolved", "workers-write"])
def test_distributed_ingest_resolves_names_across_articles_like_local_ingest(
    client: Client, sparql_endpoint: Endpoint, tmp_path: Path, resolve: bool
) -> None:
    settings = Settings.load(env={}, base_iri=sparql_endpoint.prefix())
    articles = [
        Article(id=f"z{i}", text=t, title=None, published="2022-10-28", url=None, source=None, origin=f"z:{i}")
        for i, t in enumerate(SPELLINGS)
    ]
    remote = RemoteStore(sparql_endpoint.query, sparql_endpoint.update)
    ingest_on_dask(articles, client, remote, settings, chunk_size=1, resolve=resolve, merge_log=tmp_path / "m.jsonl")
    people = "PREFIX kg: <https://w3id.org/newskg/ontology#> SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a kg:Person } }"
    found = sorted(r["e"].rsplit("/", 1)[1] for r in remote.query(people) if r["e"].startswith(settings.base_iri))
    if resolve:
        local = EmbeddedStore(tmp_path / "db")
        ingest_articles(articles, local, settings, workers=1)
        assert found == ["volodymyr-zelenskyy"]
        assert _timeless(remote, settings.base_iri) == _timeless(local, settings.base_iri)
        local.close()
    else:  # the documented trade-off: workers writing directly do not merge spellings
        assert found == ["volodymyr-zelensky", "volodymyr-zelenskyy"]
    for g in remote.graphs():
        if g.startswith(settings.base_iri):
            remote.delete_article(g)
    remote.close()


def test_distributed_task_is_safe_to_retry(sparql_endpoint: Endpoint) -> None:
    base = sparql_endpoint.prefix()
    when = datetime(2024, 1, 1, tzinfo=UTC)
    articles = _articles()[:2]
    first = extract_and_store(articles, base, when, sparql_endpoint.query, sparql_endpoint.update)
    remote = RemoteStore(sparql_endpoint.query, sparql_endpoint.update)
    before = _timeless(remote, base)
    assert extract_and_store(articles, base, when, sparql_endpoint.query, sparql_endpoint.update) == first
    assert _timeless(remote, base) == before
    for g in remote.graphs():
        if g.startswith(base):
            remote.delete_article(g)
    remote.close()


def test_distributed_ingest_refuses_an_embedded_store(client: Client, tmp_path: Path, settings: Settings) -> None:
    store = EmbeddedStore(tmp_path / "db")
    with pytest.raises(ConfigError, match="needs a remote SPARQL store, not EmbeddedStore"):
        ingest_on_dask(_articles(), client, store, settings)  # type: ignore[arg-type]
    store.close()
