"""Exports other tools can read, lossless round trips, and validated imports."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ConfigError, FormatError, ValidationError
from kg.exchange import article_graphs, import_file, read_quads
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Extraction
from kg.store import EmbeddedStore, ExportFormat, write_export
from kg.store.export import jsonld_context
from tests.support.ontology_sample import WHEN, seed_extraction
from tests.support.paths import ROOT

FIRST = seed_extraction()
# a second article reporting the same entities and events: graphs that share nodes
SECOND = dataclasses.replace(FIRST, article=dataclasses.replace(FIRST.article, id="0000000000000002"))
RAPPER = {ExportFormat.TURTLE: "turtle", ExportFormat.TRIG: "trig", ExportFormat.NQUADS: "nquads",
          ExportFormat.NTRIPLES: "ntriples"}  # fmt: skip
RDFLIB = {ExportFormat.TURTLE: "turtle", ExportFormat.TRIG: "trig", ExportFormat.NQUADS: "nquads",
          ExportFormat.NTRIPLES: "nt", ExportFormat.JSONLD: "json-ld"}  # fmt: skip
EXT = {ExportFormat.TURTLE: "ttl", ExportFormat.TRIG: "trig", ExportFormat.NQUADS: "nq",
       ExportFormat.NTRIPLES: "nt", ExportFormat.JSONLD: "jsonld"}  # fmt: skip


def _store(path: Path, *extractions: Extraction) -> EmbeddedStore:
    store = EmbeddedStore(path)
    batch = []
    for x in extractions:
        batch.append((article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x, when=WHEN)))
    store.put_articles(batch)
    return store


def _export(store: EmbeddedStore, fmt: ExportFormat) -> bytes:
    buf = io.BytesIO()
    write_export(store, fmt, buf)
    return buf.getvalue()


def _dataset(data: bytes, fmt: ExportFormat) -> Dataset:
    ds = Dataset()
    ds.parse(data=data, format=RDFLIB[fmt])
    return ds


def _graphs(ds: Dataset) -> dict[str, Graph]:
    out = {}
    for g in ds.graphs():
        if len(g):
            union = Graph()
            for t in g:
                union.add(t)
            out[str(g.identifier)] = union
    return out


def _assert_same_dataset(a: Dataset, b: Dataset) -> None:
    ga, gb = _graphs(a), _graphs(b)
    assert sorted(ga) == sorted(gb)
    for name, graph in ga.items():
        assert isomorphic(graph, gb[name]), f"graph {name} differs"


def _union(data: bytes, fmt: ExportFormat) -> Graph:
    union = Graph()
    for s, p, o, _ in _dataset(data, fmt).quads((None, None, None, None)):
        union.add((s, p, o))
    return union


@pytest.fixture
def two_articles(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = _store(tmp_path / "source", FIRST, SECOND)
    yield store
    store.close()


@pytest.mark.parametrize("fmt", list(RAPPER), ids=[f.value for f in RAPPER])
def test_export_is_read_by_rapper(two_articles: EmbeddedStore, tmp_path: Path, fmt: ExportFormat) -> None:
    rapper = shutil.which("rapper")
    assert rapper, "rapper not found: install Debian's raptor2-utils (apt-get install raptor2-utils)"
    path = tmp_path / f"export.{EXT[fmt]}"
    path.write_bytes(_export(two_articles, fmt))
    done = subprocess.run([rapper, "-c", "-i", RAPPER[fmt], str(path)], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = len(_union(path.read_bytes(), fmt)) if not fmt.is_dataset else len(list(two_articles.quads()))
    assert f"returned {expected} triples" in done.stderr


def test_export_jsonld_has_a_compact_context_and_is_read_by_oxigraph(two_articles: EmbeddedStore) -> None:
    data = _export(two_articles, ExportFormat.JSONLD)
    doc = json.loads(data)
    assert doc["@context"] == jsonld_context()
    text = data.decode()
    assert '"confidence"' in text
    assert '"nif:beginIndex"' in text
    assert "https://w3id.org/newskg/ontology#" not in text.replace(json.dumps(jsonld_context()["kg"]), "")
    quads = list(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    assert {str(q.graph_name) for q in quads} == {
        f"<{article_iri(DEFAULT_BASE, x.article.id)}>" for x in (FIRST, SECOND)
    }
    original = _dataset(_export(two_articles, ExportFormat.NQUADS), ExportFormat.NQUADS)
    serialized = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert serialized is not None  # no output given, so the bytes come back
    read_back = _dataset(serialized, ExportFormat.NQUADS)
    _assert_same_dataset(original, read_back)


@pytest.mark.parametrize(
    "fmt", [ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD], ids=["trig", "nquads", "jsonld"]
)
def test_export_round_trip_through_import_is_lossless(
    two_articles: EmbeddedStore, tmp_path: Path, fmt: ExportFormat
) -> None:
    path = tmp_path / f"export.{EXT[fmt]}"
    path.write_bytes(_export(two_articles, fmt))
    fresh = EmbeddedStore(tmp_path / "fresh")
    report = import_file(fresh, path)
    assert len(report.graphs) == 2
    assert report.validation.conforms
    original = _dataset(_export(two_articles, ExportFormat.TRIG), ExportFormat.TRIG)
    _assert_same_dataset(original, _dataset(_export(fresh, ExportFormat.TRIG), ExportFormat.TRIG))
    fresh.close()


@pytest.mark.parametrize("fmt", [ExportFormat.TURTLE, ExportFormat.NTRIPLES], ids=["turtle", "ntriples"])
def test_export_round_trip_of_flattened_formats_keeps_the_union(
    two_articles: EmbeddedStore, tmp_path: Path, fmt: ExportFormat
) -> None:
    path = tmp_path / f"export.{EXT[fmt]}"
    path.write_bytes(_export(two_articles, fmt))
    fresh = EmbeddedStore(tmp_path / "fresh")
    report = import_file(fresh, path)
    assert sorted(report.graphs) == sorted(article_iri(DEFAULT_BASE, x.article.id) for x in (FIRST, SECOND))
    assert isomorphic(_union(path.read_bytes(), fmt), _union(_export(fresh, fmt), fmt))
    fresh.close()


def test_export_turtle_of_one_article_re_imports_into_its_own_graph(tmp_path: Path) -> None:
    source = _store(tmp_path / "one", FIRST)
    path = tmp_path / "one.ttl"
    path.write_bytes(_export(source, ExportFormat.TURTLE))
    fresh = EmbeddedStore(tmp_path / "fresh")
    import_file(fresh, path)
    trig = ExportFormat.TRIG
    _assert_same_dataset(_dataset(_export(source, trig), trig), _dataset(_export(fresh, trig), trig))
    source.close()
    fresh.close()


def test_import_refuses_data_that_breaks_the_shapes(two_articles: EmbeddedStore, tmp_path: Path) -> None:
    text = _export(two_articles, ExportFormat.TURTLE).decode()
    broken = text.replace("kg:confidence 0.95", "kg:confidence 1.7", 1)
    assert broken != text
    path = tmp_path / "edited.ttl"
    path.write_text(broken, encoding="utf-8")
    fresh = EmbeddedStore(tmp_path / "fresh")
    with pytest.raises(ValidationError, match="refused, 1 SHACL violation") as info:
        import_file(fresh, path)
    assert "place/bakhmut" in info.value.report
    assert "kg:confidence" in info.value.report
    assert list(fresh.quads()) == []
    fresh.close()


def test_import_cli_prints_the_report_and_exits_non_zero(two_articles: EmbeddedStore, tmp_path: Path) -> None:
    text = _export(two_articles, ExportFormat.TRIG).decode()
    path = tmp_path / "edited.trig"
    path.write_text(text.replace('rdfs:label "Vladimir Putin"', 'rdfs:label ""', 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(path), "--store", str(tmp_path / "fresh")])
    assert result.exit_code == 1
    assert "vladimir-putin" in result.output
    assert "rdfs:label" in result.output


def test_import_cli_then_validate_cli_conform(two_articles: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "export.nq"
    path.write_bytes(_export(two_articles, ExportFormat.NQUADS))
    runner = CliRunner()
    imported = runner.invoke(app, ["import", str(path), "--store", str(tmp_path / "fresh")])
    assert imported.exit_code == 0, imported.output
    assert "in 2 graph(s)" in imported.output
    checked = runner.invoke(app, ["validate", "--store", str(tmp_path / "fresh")])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("Conforms:")


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("data.owl", b"", ConfigError, "cannot tell the RDF format of 'data.owl'"),
        ("data.ttl", b"@prefix a: <x#> .\na:b a:c", FormatError, "not valid turtle"),
        ("data.nq", b"<urn:a> <urn:b> .\n", FormatError, "not valid nquads"),
        ("data.nt", b'<urn:a> <urn:b> "c" .\n', FormatError, "belong to no article"),
    ],
    ids=["unknown-extension", "broken-turtle", "broken-nquads", "no-article"],
)
def test_import_rejects_unusable_files(
    tmp_path: Path, name: str, content: bytes, error: type[Exception], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    store = EmbeddedStore(tmp_path / "db")
    with pytest.raises(error, match=message):
        import_file(store, path)
    store.close()


def test_import_with_a_graph_puts_every_triple_in_it(tmp_path: Path) -> None:
    path = tmp_path / "data.nt"
    path.write_bytes(b'<urn:a> <urn:b> "c" .\n')
    store = EmbeddedStore(tmp_path / "db")
    report = import_file(store, path, graph="https://example.org/g")
    assert report.graphs == ("https://example.org/g",)
    assert [str(q.graph_name) for q in store.quads()] == ["<https://example.org/g>"]
    store.close()


def test_article_graphs_places_shared_and_linked_triples() -> None:
    quads = [ox.Quad(q.subject, q.predicate, q.object) for q in extraction_quads(FIRST, when=WHEN)]
    grouped = article_graphs(quads)
    art = article_iri(DEFAULT_BASE, FIRST.article.id)
    assert list(grouped) == [art]
    assert len(grouped[art]) == len(quads)
    second = read_quads(b"<https://x/a> <https://x/p> <https://x/b> .", ExportFormat.NTRIPLES, source="s")
    assert list(article_graphs(second)) == [""]


def test_article_graphs_keeps_named_graphs_as_they_are() -> None:
    quads = extraction_quads(FIRST, when=WHEN)
    grouped = article_graphs(quads)
    assert {k: len(v) for k, v in grouped.items()} == {article_iri(DEFAULT_BASE, FIRST.article.id): len(quads)}
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in grouped[next(iter(grouped))])


def test_validate_cli_reports_a_broken_store_and_exits_non_zero(tmp_path: Path) -> None:
    broken = dataclasses.replace(
        FIRST, entities=(dataclasses.replace(FIRST.entities[0], label=""), *FIRST.entities[1:])
    )
    _store(tmp_path / "db", broken).close()
    result = CliRunner().invoke(app, ["validate", "--store", str(tmp_path / "db")])
    assert result.exit_code == 1
    assert result.output.startswith("Does not conform: 1 violation")
    assert "<https://w3id.org/newskg/id/place/bakhmut>" in result.output
    assert "rdfs:label: rdfs:label is required" in result.output


@pytest.mark.parametrize(
    "fmt", [ExportFormat.TRIG, ExportFormat.TURTLE, ExportFormat.JSONLD], ids=["trig", "turtle", "jsonld"]
)
def test_export_round_trip_of_the_ingested_seed(seed_store_dir: Path, tmp_path: Path, fmt: ExportFormat) -> None:
    seed = EmbeddedStore(seed_store_dir, read_only=True)
    path = tmp_path / f"seed.{EXT[fmt]}"
    path.write_bytes(_export(seed, fmt))
    fresh = EmbeddedStore(tmp_path / "fresh")
    import_file(fresh, path)
    trig = ExportFormat.TRIG
    _assert_same_dataset(_dataset(_export(seed, trig), trig), _dataset(_export(fresh, trig), trig))
    fresh.close()


def test_published_context_file_is_the_export_context() -> None:
    published = json.loads((ROOT / "ontology" / "context.jsonld").read_text("utf-8"))
    assert published == {"@context": jsonld_context()}
