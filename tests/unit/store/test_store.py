"""The store interface, run against both backends: embedded Oxigraph and a real SPARQL server."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.errors import ConfigError, StoreError, StoreLockedError
from kg.store import (
    SNAPSHOTS,
    EmbeddedStore,
    ExportFormat,
    RemoteStore,
    ServingStore,
    Store,
    latest_snapshot,
    open_store,
    write_export,
)
from tests.support.sparql_server import ENGINES, Endpoint, remote_endpoint, sparql_endpoint, virtuoso_endpoint

__all__ = ["remote_endpoint", "sparql_endpoint", "virtuoso_endpoint"]  # fixtures, imported so pytest finds them

HASH = "https://w3id.org/newskg/ontology#contentHash"
P = ox.NamedNode("http://example.org/p")


@dataclass
class Backend:
    """A store under test, with graph names private to this test."""

    store: Store
    prefix: str
    reopen: Callable[[], Store]

    def g(self, name: str) -> str:
        return f"{self.prefix}article/{name}"

    def mine(self, graphs: list[str]) -> list[str]:
        return [g for g in graphs if g.startswith(self.prefix)]


@pytest.fixture(params=["embedded", *ENGINES])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each store test runs on the embedded store and on each real SPARQL server (Oxigraph, Virtuoso)."""
    if request.param == "embedded":
        store = EmbeddedStore(tmp_path / "db")
        holder: list[Store] = [store]

        def reopen_embedded() -> Store:
            holder[0].close()
            holder[0] = EmbeddedStore(tmp_path / "db")
            return holder[0]

        yield Backend(store, "https://example.org/id/", reopen_embedded)
        holder[0].close()
    else:
        fixture = "sparql_endpoint" if request.param == "oxigraph" else "virtuoso_endpoint"
        endpoint: Endpoint = request.getfixturevalue(fixture)
        remote = RemoteStore(endpoint.query, endpoint.update)
        prefix = endpoint.prefix()
        clients: list[Store] = [remote]

        def reopen_remote() -> Store:
            clients.append(RemoteStore(endpoint.query, endpoint.update))
            return clients[-1]

        yield Backend(remote, prefix, reopen_remote)
        for g in remote.graphs():
            if g.startswith(prefix):
                remote.delete_article(g)
        for client in clients:
            client.close()


def _quads(g: str, n: int, digest: str) -> list[ox.Quad]:
    node = ox.NamedNode(g)
    quads = [ox.Quad(node, ox.NamedNode(HASH), ox.Literal(digest), node)]
    quads += [ox.Quad(ox.NamedNode(f"{g}/s{i}"), P, ox.Literal(str(i)), node) for i in range(n)]
    return quads


def _in(store: Store, g: str) -> set[ox.Quad]:
    return {q for q in store.quads() if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == g}


def test_store_put_replaces_a_graph_and_reports_digests(backend: Backend) -> None:
    g1, g2, none = backend.g("one"), backend.g("two"), backend.g("none")
    backend.store.put_articles([(g1, _quads(g1, 3, "h1")), (g2, _quads(g2, 2, "h2"))])
    assert backend.store.article_digests([g1, g2, none]) == {g1: "h1", g2: "h2"}
    backend.store.put_articles([(g1, _quads(g1, 1, "h1b"))])
    assert backend.store.article_digests([g1]) == {g1: "h1b"}
    assert _in(backend.store, g1) == set(_quads(g1, 1, "h1b"))
    assert backend.mine(backend.store.graphs()) == [g1, g2]


def _text(quads: list[ox.Quad]) -> str:
    out = ox.serialize(quads, None, ox.RdfFormat.N_QUADS)
    return out.decode("utf-8") if out is not None else ""


def test_store_put_nquads_writes_and_replaces_like_put_articles(backend: Backend) -> None:
    g1, g2 = backend.g("one"), backend.g("two")
    backend.store.put_nquads([(g1, _text(_quads(g1, 3, "h1"))), (g2, _text(_quads(g2, 2, "h2")))])
    assert backend.store.article_digests([g1, g2]) == {g1: "h1", g2: "h2"}
    assert _in(backend.store, g2) == set(_quads(g2, 2, "h2"))
    # g1 is replaced (fewer quads, new hash), g3 is new: one batch takes both paths.
    g3 = backend.g("three")
    backend.store.put_nquads([(g1, _text(_quads(g1, 1, "h1b"))), (g3, _text(_quads(g3, 2, "h3")))])
    assert _in(backend.store, g1) == set(_quads(g1, 1, "h1b"))
    assert _in(backend.store, g3) == set(_quads(g3, 2, "h3"))
    assert backend.mine(backend.store.graphs()) == [g1, g3, g2]


def test_store_put_nquads_rejects_bad_text_and_writes_none_of_the_batch(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    g1, g2 = "https://example.org/id/article/one", "https://example.org/id/article/two"
    with pytest.raises(StoreError, match="2 article"):
        store.put_nquads([(g1, _text(_quads(g1, 2, "h1"))), (g2, "<broken")])
    assert store.graphs() == []
    store.close()


def test_store_delete_drops_exactly_one_graph(backend: Backend) -> None:
    g1, g2 = backend.g("one"), backend.g("two")
    backend.store.put_articles([(g1, _quads(g1, 3, "h1")), (g2, _quads(g2, 2, "h2"))])
    assert backend.store.delete_article(g1) is True
    assert backend.store.delete_article(g1) is False
    assert backend.mine(backend.store.graphs()) == [g2]


def test_store_persists_across_reopening(backend: Backend) -> None:
    g1 = backend.g("one")
    backend.store.put_articles([(g1, _quads(g1, 3, "h1"))])
    assert backend.reopen().article_digests([g1]) == {g1: "h1"}


def test_store_query_returns_lexical_rows(backend: Backend) -> None:
    g1 = backend.g("one")
    backend.store.put_articles([(g1, _quads(g1, 2, "h1"))])
    rows = backend.store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{g1}> {{ ?s <http://example.org/p> ?o }} }} ORDER BY ?o")
    assert rows == [{"s": f"{g1}/s0", "o": "0"}, {"s": f"{g1}/s1", "o": "1"}]
    assert backend.store.ask(f"ASK {{ GRAPH <{g1}> {{ ?s ?p ?o }} }}") is True


LITERALS = [
    ox.Literal('He said "no" \\ then left'),
    ox.Literal("line one\nline two\r\ttabbed"),
    ox.Literal("Zelensky – Зеленський – 泽连斯基 🇺🇦"),
    ox.Literal("separators \u2028 \u2029 and \x7f \x01"),
    ox.Literal("Kyiv", language="uk"),
    ox.Literal("Kyiv", language="en-GB"),
    ox.Literal("0.75", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ox.Literal("2022-10-28", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ox.Literal("} } DROP ALL ; INSERT DATA { <a> <b> <c> }"),
    ox.Literal(""),
]


@pytest.mark.parametrize(
    "literal",
    LITERALS,
    ids=["quotes", "newlines", "scripts", "separators", "lang", "lang-region", "decimal", "date", "injection", "empty"],
)
def test_store_literals_round_trip_exactly(backend: Backend, literal: ox.Literal) -> None:
    g = backend.g("lit")
    node = ox.NamedNode(g)
    quad = ox.Quad(ox.NamedNode(f"{g}/s"), P, literal, node)
    backend.store.put_articles([(g, [quad])])
    backend.store.put_articles([(g, [quad])])  # the replacing path too
    (back,) = _in(backend.store, g)
    assert back.object == literal
    assert backend.mine(backend.store.graphs()) == [g]
    # As N-Quads text, the way ingest writes: the loading path, then the replacing one.
    backend.store.delete_article(g)
    for _ in range(2):
        backend.store.put_nquads([(g, _text([quad]))])
        (back,) = _in(backend.store, g)
        assert back.object == literal


def test_store_export_round_trips_isomorphic(backend: Backend) -> None:
    g1, g2 = backend.g("one"), backend.g("two")
    backend.store.put_articles([(g1, _quads(g1, 3, "h1")), (g2, _quads(g2, 2, "h2"))])
    buf = io.BytesIO()
    write_export(backend.store, ExportFormat.NQUADS, buf)
    mine = b"\n".join(line for line in buf.getvalue().splitlines() if backend.prefix.encode() in line)
    ds = Dataset().parse(data=mine.decode(), format="nquads")
    for g in (g1, g2):
        expected = Graph()
        for q in _quads(g, 3 if g == g1 else 2, "h1" if g == g1 else "h2"):
            expected.parse(data=f"{q.subject} {q.predicate} {q.object} .", format="nt")
        assert isomorphic(ds.graph(ox.NamedNode(g).value), expected)


def test_store_load_adds_triples_to_the_named_graph(backend: Backend) -> None:
    g = backend.g("loaded")
    data = f'<{g}/s> <http://example.org/p> "loaded \\"x\\"" .\n'.encode()
    backend.store.load(data, ExportFormat.NTRIPLES, graph=g)
    (back,) = _in(backend.store, g)
    assert back.object == ox.Literal('loaded "x"')


def test_remote_store_names_the_endpoint_when_unreachable() -> None:
    store = RemoteStore("http://127.0.0.1:9/query", retries=0, timeout=2)
    with pytest.raises(StoreError, match=r"http://127.0.0.1:9/query unreachable"):
        store.graphs()
    store.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://kg:secret@127.0.0.1:9/query",
        "http://127.0.0.1:9/query?access-token=secret",
        "http://127.0.0.1:9/query#secret",
    ],
)
def test_remote_store_location_never_carries_a_credential(url: str) -> None:
    store = RemoteStore(url, retries=0, timeout=2)
    assert store.location == "http://127.0.0.1:9/query"
    with pytest.raises(StoreError) as caught:
        store.graphs()
    assert "secret" not in str(caught.value)
    store.close()


def test_remote_store_reports_a_bad_query_with_the_status(remote_endpoint: Endpoint) -> None:
    store = RemoteStore(remote_endpoint.query, remote_endpoint.update)
    with pytest.raises(StoreError, match="answered 400"):
        store.query("SELECT nonsense")
    store.close()


def test_open_store_selects_the_backend_by_location(tmp_path: Path, remote_endpoint: Endpoint) -> None:
    remote = open_store(remote_endpoint.query, update_endpoint=remote_endpoint.update)
    assert isinstance(remote, RemoteStore)
    assert remote.update_endpoint == remote_endpoint.update
    remote.close()
    embedded = open_store(str(tmp_path / "db"))
    assert isinstance(embedded, EmbeddedStore)
    embedded.close()


# Embedded only: the write lock and the snapshots readers use.


def test_store_refuses_a_second_writer_with_a_clear_error(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "db")
    with pytest.raises(StoreLockedError, match="being written by another process"):
        EmbeddedStore(tmp_path / "db")
    first.close()


def test_store_readers_see_published_snapshots_only(tmp_path: Path) -> None:
    g1, g2 = "https://example.org/id/article/one", "https://example.org/id/article/two"
    writer = EmbeddedStore(tmp_path / "db", snapshot_every=float("inf"))
    writer.put_articles([(g1, _quads(g1, 2, "h1"))])
    before = EmbeddedStore(tmp_path / "db", read_only=True)
    assert before.graphs() == []  # written, not yet published
    writer.publish()
    writer.put_articles([(g2, _quads(g2, 2, "h2"))])
    during = EmbeddedStore(tmp_path / "db", read_only=True)
    assert during.graphs() == [g1]
    writer.close()
    after = EmbeddedStore(tmp_path / "db", read_only=True)
    assert after.graphs() == [g1, g2]
    assert during.graphs() == [g1]  # an open snapshot never changes under its reader


def _snapshot_dirs(store: Path) -> list[str]:
    return sorted(p.name for p in (store / SNAPSHOTS).iterdir() if p.is_dir())


def test_store_keeps_only_the_newest_snapshot_when_no_reader_holds_one(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db", snapshot_every=0)
    for _ in range(5):
        store.publish()
    store.close()
    newest = latest_snapshot(tmp_path / "db")
    assert newest is not None
    assert _snapshot_dirs(tmp_path / "db") == [newest.name]


def test_store_keeps_a_snapshot_while_a_reader_holds_it(tmp_path: Path) -> None:
    g1 = "https://example.org/id/article/one"
    writer = EmbeddedStore(tmp_path / "db", snapshot_every=float("inf"))
    reader = EmbeddedStore(tmp_path / "db", read_only=True)
    held = reader.snapshot_path
    assert held is not None
    writer.put_articles([(g1, _quads(g1, 2, "h1"))])
    writer.publish()
    writer.publish()
    assert held.name in _snapshot_dirs(tmp_path / "db")  # pruned around it, not under it
    assert len(_snapshot_dirs(tmp_path / "db")) == 2
    assert reader.graphs() == []
    reader.close()
    later = EmbeddedStore(tmp_path / "db", read_only=True)  # a reader prunes too (kg stats, kg serve)
    assert _snapshot_dirs(tmp_path / "db") == [later.snapshot_path.name if later.snapshot_path else ""]
    assert later.graphs() == [g1]
    later.close()
    writer.close()


def test_store_snapshot_of_a_killed_reader_is_pruned(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path / "db").close()
    first = latest_snapshot(tmp_path / "db")
    assert first is not None
    script = (
        "import sys, time\n"
        "from kg.store import EmbeddedStore\n"
        f"s = EmbeddedStore({str(tmp_path / 'db')!r}, read_only=True)\n"
        "print(s.snapshot_path.name, flush=True)\n"
        "time.sleep(60)\n"
    )
    reader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    with reader:
        try:
            assert reader.stdout is not None
            assert reader.stdout.readline().strip() == first.name
            writer = EmbeddedStore(tmp_path / "db")
            writer.publish()
            assert first.name in _snapshot_dirs(tmp_path / "db")  # the live reader holds it
            reader.kill()  # SIGKILL: no clean-up code runs, the kernel drops the lock
            reader.wait(timeout=30)
            writer.publish()
            assert first.name not in _snapshot_dirs(tmp_path / "db")
            assert len(_snapshot_dirs(tmp_path / "db")) == 1
            writer.close()
        finally:
            reader.kill()


def test_serving_store_follows_another_writer(tmp_path: Path) -> None:
    g1, g2 = "https://example.org/id/article/one", "https://example.org/id/article/two"
    seed = EmbeddedStore(tmp_path / "db")
    seed.put_articles([(g1, _quads(g1, 2, "h1"))])
    seed.close()
    serving = ServingStore(tmp_path / "db", refresh=0.0)
    writer = EmbeddedStore(tmp_path / "db", snapshot_every=float("inf"))  # ingest holds the lock while serving reads
    writer.put_articles([(g2, _quads(g2, 2, "h2"))])
    assert serving.graphs() == [g1]
    writer.publish()
    assert serving.graphs() == [g1, g2]
    writer.close()
    serving.close()


def test_serving_store_writes_wait_for_the_lock_then_publish(tmp_path: Path) -> None:
    g1 = "https://example.org/id/article/one"
    serving = ServingStore(tmp_path / "db", refresh=0.0, lock_wait=5.0)
    other = EmbeddedStore(tmp_path / "db")
    releaser = threading.Timer(0.5, other.close)
    releaser.start()
    started = time.monotonic()
    serving.put_articles([(g1, _quads(g1, 1, "h1"))])
    assert time.monotonic() - started >= 0.4
    assert serving.article_digests([g1]) == {g1: "h1"}
    assert serving.delete_article(g1) is True
    assert serving.graphs() == []
    serving.close()


def test_serving_store_gives_up_with_a_clear_error(tmp_path: Path) -> None:
    serving = ServingStore(tmp_path / "db", lock_wait=0.2)
    other = EmbeddedStore(tmp_path / "db")
    with pytest.raises(StoreLockedError, match="being written by another process"):
        serving.delete_article("https://example.org/id/article/one")
    other.close()
    serving.close()


def test_store_read_only_without_a_store_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=f"there is no store at {tmp_path / 'nothing'}"):
        EmbeddedStore(tmp_path / "nothing", read_only=True)
    assert latest_snapshot(tmp_path / "nothing") is None


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=[f.value for f in ExportFormat])
def test_export_round_trips_isomorphic(seed_store: EmbeddedStore, fmt: ExportFormat, tmp_path: Path) -> None:
    buf = io.BytesIO()
    write_export(seed_store, fmt, buf)
    data = buf.getvalue()
    fresh = EmbeddedStore(tmp_path / "fresh")
    fresh.load(data, fmt, graph=None if fmt.is_dataset else "https://example.org/union")
    again = io.BytesIO()
    write_export(fresh, ExportFormat.NQUADS, again)
    original = io.BytesIO()
    write_export(seed_store, ExportFormat.NQUADS, original)
    if fmt.is_dataset:
        a = Dataset().parse(data=original.getvalue().decode(), format="nquads")
        b = Dataset().parse(data=again.getvalue().decode(), format="nquads")
        assert {str(g.identifier) for g in a.graphs() if len(g)} == {str(g.identifier) for g in b.graphs() if len(g)}
        for g in a.graphs():
            if len(g):
                assert isomorphic(g, b.graph(g.identifier))
    else:
        union_a = Graph()
        for t in Dataset().parse(data=original.getvalue().decode(), format="nquads").quads():
            union_a.add(t[:3])
        rdflib_format = {ExportFormat.TURTLE: "turtle", ExportFormat.RDFXML: "xml"}.get(fmt, "nt")
        union_b = Graph().parse(data=data.decode(), format=rdflib_format)
        assert isomorphic(union_a, union_b)


def test_export_trig_keeps_one_named_graph_per_article(seed_store: EmbeddedStore) -> None:
    buf = io.BytesIO()
    write_export(seed_store, ExportFormat.TRIG, buf)
    ds = Dataset().parse(data=buf.getvalue().decode(), format="trig")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert graphs == set(seed_store.graphs())
    assert len(graphs) == 1


def test_export_format_parse_lists_valid_values() -> None:
    with pytest.raises(ConfigError, match="turtle, trig, nquads, ntriples, jsonld, rdfxml"):
        ExportFormat.parse("owlxml")


def test_serving_store_version_changes_when_a_writer_publishes(tmp_path: Path) -> None:
    g1 = "https://example.org/id/article/one"
    serving = ServingStore(tmp_path / "db", refresh=0.0)
    before = serving.version
    assert before.isdigit()
    writer = EmbeddedStore(tmp_path / "db", snapshot_every=float("inf"))
    writer.put_articles([(g1, _quads(g1, 1, "h1"))])
    assert serving.version == before  # written, not published
    writer.close()
    assert serving.version > before
    assert serving.graphs() == [g1]
    serving.close()


def test_remote_store_reads_graphs_in_pages(remote_endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.store.remote._GRAPHS_PER_REQUEST", 1)
    store = RemoteStore(remote_endpoint.query, remote_endpoint.update)
    prefix = remote_endpoint.prefix()
    g1, g2, g3 = (f"{prefix}article/{n}" for n in ("one", "two", "three"))
    batch = [(g1, _quads(g1, 2, "h1")), (g2, _quads(g2, 1, "h2")), (g3, _quads(g3, 0, "h3"))]
    store.put_articles(batch)
    got = {q for q in store.quads() if str(q.graph_name).startswith(f"<{prefix}")}
    assert got == {q for _, quads in batch for q in quads}
    for g, _ in batch:
        store.delete_article(g)
    store.close()


def test_store_writer_close_leaves_no_flushed_write_ahead_log(tmp_path: Path) -> None:
    g = "https://example.org/id/article/big"
    writer = EmbeddedStore(tmp_path / "db")
    writer.put_articles([(g, _quads(g, 20_000, "h"))])
    writer.close()
    logs = {p.name: p.stat().st_size for p in (tmp_path / "db").glob("*.log")}
    assert sum(logs.values()) < 4096, logs  # the written data is in the data files and the snapshot only
    reader = EmbeddedStore(tmp_path / "db", read_only=True)
    assert len(_in(reader, g)) == 20_001
    reader.close()


def test_store_subject_triples_reads_subjects_in_their_graphs(backend: Backend) -> None:
    g1, g2 = backend.g("one"), backend.g("two")
    backend.store.put_articles([(g1, _quads(g1, 2, "h1")), (g2, _quads(g2, 1, "h2"))])
    s0 = f"{g1}/s0"
    assert sorted(backend.store.subject_triples([(s0, None), (f"{g2}/s0", g2), (f"{g2}/s0", g1)])) == sorted(
        [(s0, str(P.value), "0", g1), (f"{g2}/s0", str(P.value), "0", g2)]
    )
    assert backend.store.subject_triples([(g1, g1)], [HASH]) == [(g1, HASH, "h1", g1)]
