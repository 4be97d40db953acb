from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.errors import ConfigError, StoreLockedError
from kg.store import EmbeddedStore, ExportFormat, write_export

G1 = "https://example.org/id/article/one"
G2 = "https://example.org/id/article/two"
HASH = "https://w3id.org/newskg/ontology#contentHash"


def _quads(g: str, n: int, digest: str) -> list[ox.Quad]:
    node = ox.NamedNode(g)
    quads = [ox.Quad(node, ox.NamedNode(HASH), ox.Literal(digest), node)]
    quads += [
        ox.Quad(ox.NamedNode(f"{g}/s{i}"), ox.NamedNode("http://example.org/p"), ox.Literal(str(i)), node)
        for i in range(n)
    ]
    return quads


def test_store_put_replaces_a_graph_and_reports_digests(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.put_articles([(G1, _quads(G1, 3, "h1")), (G2, _quads(G2, 2, "h2"))])
    assert store.article_digests([G1, G2, "https://example.org/none"]) == {G1: "h1", G2: "h2"}
    store.put_articles([(G1, _quads(G1, 1, "h1b"))])
    assert store.article_digests([G1]) == {G1: "h1b"}
    assert len([q for q in store.quads() if q.graph_name.value == G1]) == 2  # type: ignore[union-attr]
    assert store.graphs() == [G1, G2]


def test_store_delete_drops_exactly_one_graph(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.put_articles([(G1, _quads(G1, 3, "h1")), (G2, _quads(G2, 2, "h2"))])
    assert store.delete_article(G1) is True
    assert store.delete_article(G1) is False
    assert store.graphs() == [G2]


def test_store_persists_on_disk(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.put_articles([(G1, _quads(G1, 3, "h1"))])
    store.close()
    reopened = EmbeddedStore(tmp_path / "db")
    assert reopened.article_digests([G1]) == {G1: "h1"}


def test_store_refuses_a_second_writer_with_a_clear_error(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "db")
    with pytest.raises(StoreLockedError, match="in use by another process"):
        EmbeddedStore(tmp_path / "db")
    first.close()


def test_store_query_returns_lexical_rows(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.put_articles([(G1, _quads(G1, 2, "h1"))])
    rows = store.query("SELECT ?s ?o WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } } ORDER BY ?o")
    assert rows == [{"s": f"{G1}/s0", "o": "0"}, {"s": f"{G1}/s1", "o": "1"}]


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
        union_b = Graph().parse(data=data.decode(), format="turtle" if fmt is ExportFormat.TURTLE else "nt")
        assert isomorphic(union_a, union_b)


def test_export_trig_keeps_one_named_graph_per_article(seed_store: EmbeddedStore) -> None:
    buf = io.BytesIO()
    write_export(seed_store, ExportFormat.TRIG, buf)
    ds = Dataset().parse(data=buf.getvalue().decode(), format="trig")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert graphs == set(seed_store.graphs())
    assert len(graphs) == 1


def test_export_format_parse_lists_valid_values() -> None:
    with pytest.raises(ConfigError, match="turtle, trig, nquads, ntriples, jsonld"):
        ExportFormat.parse("rdfxml")
