"""The `kg` command end to end, as a user runs it: real subprocesses, a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Dataset, Graph, URIRef

from kg.store import EmbeddedStore
from tests.support.servers import kg_serve

KG = [sys.executable, "-m", "kg"]
pytestmark = pytest.mark.slow


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG, *args], capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}, check=False
    )


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    store = tmp_path_factory.mktemp("cli") / "kg-data"
    result = kg("ingest", str(seeds_dir), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "ingested 1 article(s), 0 unchanged, 0 rejected" in result.stdout
    return store


@pytest.fixture(scope="module")
def server(ingested: Path) -> Iterator[str]:
    with kg_serve(ingested) as url:
        yield url


def test_cli_ingest_again_is_idempotent(ingested: Path, seeds_dir: Path) -> None:
    result = kg("ingest", str(seeds_dir), "--store", str(ingested))
    assert result.returncode == 0
    assert "ingested 0 article(s), 1 unchanged" in result.stdout


def test_cli_ingest_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("Angela Merkel visited Paris on Monday.")
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    (folder / "lines.jsonl").write_text('{"text": "Olaf Scholz spoke in Berlin."}\n{broken\n')
    result = kg("ingest", str(folder), "--store", str(tmp_path / "db"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{folder / 'bad.txt'}: the file is binary" in result.stderr
    assert f"{folder / 'lines.jsonl'}:2: not valid JSON" in result.stderr
    assert "ingested 2 article(s), 0 unchanged, 2 rejected" in result.stdout
    # Not a terminal: progress as plain log lines, done/total counted before reading.
    assert "ingest: 4/4 (100.0%), " in result.stderr


def test_cli_ingest_creates_the_store_folder_with_its_parents(tmp_path: Path) -> None:
    doc = tmp_path / "one.txt"
    doc.write_text("Angela Merkel visited Paris on Monday.")
    store = tmp_path / "data" / "graphs" / "kg-data"
    result = kg("ingest", str(doc), "--store", str(store))
    assert (result.returncode, "ingested 1 article(s)" in result.stdout) == (0, True), result.stderr
    assert kg("stats", "--store", str(store)).returncode == 0


def test_cli_ingest_while_serving_succeeds(server: str, ingested: Path, seeds_dir: Path) -> None:
    # serve reads snapshots and holds no write lock (tests/system/test_concurrency.py has the full case)
    result = kg("ingest", str(seeds_dir), "--store", str(ingested))
    assert result.returncode == 0, result.stderr
    assert "1 unchanged" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "parse_as", "dataset"),
    [("turtle", "turtle", False), ("trig", "trig", True), ("nquads", "nquads", True), ("ntriples", "nt", False)],
    ids=["turtle", "trig", "nquads", "ntriples"],
)
def test_cli_export_parses_with_rdflib(ingested: Path, tmp_path: Path, fmt: str, parse_as: str, dataset: bool) -> None:
    out = tmp_path / f"export.{fmt}"
    result = kg("export", "--store", str(ingested), "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    if dataset:
        ds = Dataset().parse(out, format=parse_as)
        assert len([g for g in ds.graphs() if len(g)]) == 1
    else:
        assert len(Graph().parse(out, format=parse_as)) > 300


def test_cli_export_unknown_format_lists_valid_ones(ingested: Path) -> None:
    result = kg("export", "--store", str(ingested), "--format", "xml")
    assert result.returncode == 1
    assert "expected one of turtle, trig, nquads, ntriples, jsonld" in result.stderr


def test_cli_stats_counts(ingested: Path) -> None:
    result = kg("stats", "--store", str(ingested))
    assert result.returncode == 0
    assert "articles" in result.stdout
    assert "mentions" in result.stdout


def test_serve_answers_graphql_over_http(server: str) -> None:
    query = '{ stats { articles entities } entities(search: "zelensky") { edges { node { label type } } } }'
    r = httpx.post(f"{server}/graphql", json={"query": query}, timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert "errors" not in body
    assert body["data"]["stats"]["articles"] == 1
    assert body["data"]["stats"]["entities"] >= 15
    assert {"label": "Volodymyr Zelensky", "type": "PERSON"} in [e["node"] for e in body["data"]["entities"]["edges"]]


def test_serve_offers_graphiql_to_browsers(server: str) -> None:
    r = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200
    assert "graphiql" in r.text.lower()


def test_cli_version_flag_prints_the_version() -> None:
    from kg import __version__

    result = kg("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"kg {__version__}")


@pytest.mark.parametrize(
    ("command", "needle"),
    [("ingest", "[env KG_STORE; default ./kg-data]"), ("ingest", "[env KG_WORKERS]"), ("stats", "[env KG_STORE")],
    ids=["store", "workers", "stats-store"],
)
def test_cli_help_shows_each_options_environment_variable(command: str, needle: str) -> None:
    result = kg(command, "--help", env={"COLUMNS": "300"})
    assert result.returncode == 0
    assert needle in " ".join(result.stdout.split())


def test_cli_ingest_names_skipped_files_and_reused_ids(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        '{"id": "x", "text": "Olaf Scholz spoke in Berlin."}\n{"id": "x", "text": "Angela Merkel visited Vienna."}\n'
    )
    (folder / "photo.png").write_bytes(b"\x89PNG")
    result = kg("ingest", str(folder), "--store", str(tmp_path / "db"), "--workers", "1")
    assert result.returncode == 1  # the reused id is a rejection; the skipped picture is not
    assert f"skipped {folder / 'photo.png'}: unsupported file type '.png'" in result.stderr
    assert f"rejected {folder / 'a.jsonl'}:2: id 'x' was already read" in " ".join(result.stderr.split())
    assert "1 rejected, 1 skipped" in result.stdout


@pytest.mark.parametrize(
    ("command", "key"),
    [("stats", "articles"), ("merges", "merges"), ("validate", "conforms")],
    ids=["stats", "merges", "validate"],
)
def test_cli_json_output_is_one_object(ingested: Path, command: str, key: str) -> None:
    result = kg(command, "--store", str(ingested), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert key in data
    if command == "stats":
        assert data["articles"] == 1
    if command == "validate":
        assert data["conforms"] is True


def test_cli_ingest_json_summary(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"id": "x", "text": "Olaf Scholz spoke in Berlin."}\n{"text": 7}\n')
    result = kg("ingest", str(p), "--store", str(tmp_path / "db"), "--workers", "1", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ingested"] == ["x"]
    assert data["rejected"] == [{"source": f"{p}:2", "reason": "missing required field 'text' (a string)"}]
    assert data["quads"] > 0


ONTOLOGY = "https://w3id.org/newskg/ontology"
OWL_ONTOLOGY = (
    URIRef(ONTOLOGY),
    URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    URIRef("http://www.w3.org/2002/07/owl#Ontology"),
)


@pytest.mark.parametrize(
    ("args", "parse_as", "graphs", "has_ontology"),
    [
        (("--format", "trig", "--with-ontology"), "trig", 2, True),
        (("--format", "trig"), "trig", 1, False),
        (("--format", "turtle", "--with-ontology"), "turtle", None, True),
        (("--format", "rdfxml"), "xml", None, False),
        (("--format", "rdfxml", "--with-ontology"), "xml", None, True),
    ],
    ids=["trig-with-ontology", "trig", "turtle-with-ontology", "rdfxml", "rdfxml-with-ontology"],
)
def test_cli_export_with_ontology(
    ingested: Path, tmp_path: Path, args: tuple[str, ...], parse_as: str, graphs: int | None, has_ontology: bool
) -> None:
    out = tmp_path / "export"
    result = kg("export", "--store", str(ingested), *args, "-o", str(out))
    assert result.returncode == 0, result.stderr
    if graphs is not None:
        ds = Dataset().parse(out, format=parse_as)
        named = {str(g.identifier) for g in ds.graphs() if len(g)}
        assert (len(named), ONTOLOGY in named) == (graphs, has_ontology)
        assert (OWL_ONTOLOGY in ds.graph(URIRef(ONTOLOGY))) == has_ontology
    else:
        g = Graph().parse(out, format=parse_as)
        assert (OWL_ONTOLOGY in g, len(g) > 300) == (has_ontology, True)


def test_cli_stats_do_not_count_the_ontology_graph(ingested: Path) -> None:
    # `kg ingest` opened the store for writing, which loaded the ontology graph
    result = kg("stats", "--store", str(ingested), "--json")
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout)
    count = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?g a <{kg}Article> }} GRAPH ?g {{ ?s ?p ?o }} }}"
    store = EmbeddedStore(ingested, read_only=True)
    try:
        in_articles = int(store.query(count.format(kg=ONTOLOGY + "#"))[0]["n"])
        in_ontology = int(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}")[0]["n"])
    finally:
        store.close()
    assert in_ontology > 1000
    assert (numbers["articles"], numbers["quads"]) == (1, in_articles)
