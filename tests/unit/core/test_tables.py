"""``kg export --tables`` and ``kg.Graph.tables``: every table readable by DuckDB and pandas, and the joins hold."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.settings import Settings
from kg.store import EmbeddedStore
from kg.tables import SCHEMAS, TABLES, read_tables, to_frames
from tests.support.paths import ROOT

#: Columns that must point at an existing row: (table, column, table, column).
JOINS = [
    ("mentions", "entityId", "entities", "id"),
    ("mentions", "articleId", "articles", "id"),
    ("relationships", "subjectId", "entities", "id"),
    ("relationships", "objectId", "entities", "id"),
    ("events", "placeId", "entities", "id"),
    ("event_participants", "eventId", "events", "id"),
    ("event_participants", "entityId", "entities", "id"),
]


@pytest.fixture(scope="module")
def exported(seed_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed store's tables in both formats, written by the CLI."""
    out = tmp_path_factory.mktemp("tables")
    folders = {}
    for fmt in ("parquet", "csv"):
        folder = out / fmt
        result = CliRunner().invoke(
            app, ["export", "--store", str(seed_store_dir), "--tables", str(folder), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        assert f"wrote 7 {fmt} tables to {folder}" in result.output
        folders[fmt] = folder
    return folders


def test_tables_cli_writes_every_table_in_both_formats(exported: dict[str, Path]) -> None:
    for fmt, folder in exported.items():
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)


def _duckdb(sql: str, cwd: Path) -> list[list[Any]]:
    """Run ``sql`` in DuckDB in a separate interpreter: DuckDB's bindings report leaks at exit,
    which would otherwise trail pytest's own last lines."""
    script = "import duckdb, json, sys; print(json.dumps(duckdb.connect().execute(sys.argv[1]).fetchall()))"
    done = subprocess.run(
        [sys.executable, "-c", script, sql], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    rows: list[list[Any]] = json.loads(done.stdout)
    return rows


@pytest.mark.parametrize("table", TABLES)
def test_tables_duckdb_reads_every_parquet_table_with_its_columns(exported: dict[str, Path], table: str) -> None:
    path = exported["parquet"] / f"{table}.parquet"
    columns = [row[0] for row in _duckdb(f"DESCRIBE SELECT * FROM read_parquet('{path}')", path.parent)]
    assert columns == SCHEMAS[table].names
    ((count,),) = _duckdb(f"SELECT COUNT(*) FROM read_parquet('{path}')", path.parent)
    assert isinstance(count, int)
    assert count > 0


@pytest.mark.parametrize(("table", "column", "target", "key"), JOINS, ids=[f"{t}.{c}" for t, c, _, _ in JOINS])
def test_tables_every_reference_joins_in_duckdb(
    exported: dict[str, Path], table: str, column: str, target: str, key: str
) -> None:
    folder = exported["parquet"]
    ((dangling, referenced),) = _duckdb(
        f"""SELECT COUNT(*) FILTER (WHERE u."{key}" IS NULL), COUNT(t."{column}")
        FROM read_parquet('{folder / table}.parquet') AS t
        LEFT JOIN read_parquet('{folder / target}.parquet') AS u ON t."{column}" = u."{key}"
        WHERE t."{column}" IS NOT NULL""",
        folder,
    )
    assert dangling == 0
    assert isinstance(referenced, int)
    assert referenced > 0


@pytest.mark.parametrize(("table", "column", "target", "key"), JOINS, ids=[f"{t}.{c}" for t, c, _, _ in JOINS])
def test_tables_every_reference_joins_in_pandas_from_csv(
    exported: dict[str, Path], table: str, column: str, target: str, key: str
) -> None:
    frame = pd.read_csv(exported["csv"] / f"{table}.csv")
    other = pd.read_csv(exported["csv"] / f"{target}.csv")
    refs = frame[column].dropna()
    assert len(refs) > 0
    assert refs.isin(other[key]).all()


def test_tables_community_members_are_entities_or_events(exported: dict[str, Path]) -> None:
    folder = exported["parquet"]
    members = pd.read_parquet(folder / "communities.parquet")
    entities = set(pd.read_parquet(folder / "entities.parquet")["id"])
    events = set(pd.read_parquet(folder / "events.parquet")["id"])
    for kind, ids in (("Entity", entities), ("Event", events)):
        assert set(members[members.memberType == kind].memberId) <= ids
    assert set(members.memberType) <= {"Entity", "Event"}
    sizes = members.groupby("index").size()
    assert (members.groupby("index")["size"].first() == sizes).all()
    assert sizes.min() >= 2


def test_tables_ids_join_with_the_rdf_iris(exported: dict[str, Path], seed_store_dir: Path, settings: Settings) -> None:
    folder = exported["parquet"]
    store = EmbeddedStore(seed_store_dir, read_only=True)
    try:
        subjects = {
            r["s"]
            for r in store.query("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
            if r["s"].startswith(settings.base_iri)
        }
    finally:
        store.close()
    for table in ("entities", "events", "articles", "mentions"):
        frame = pd.read_parquet(folder / f"{table}.parquet")
        assert set(frame.iri) <= subjects, table
        if "id" in frame:
            prefix = settings.base_iri + ("article/" if table == "articles" else "")
            assert (prefix + frame.id == frame.iri).all(), table


def test_tables_columns_are_named_as_in_the_graphql_schema() -> None:
    sdl = (ROOT / "schema.graphql").read_text()
    fields = set(re.findall(r"^\s+(\w+)[(:]", sdl, re.MULTILINE))
    extra = {"iri", "articleId", "entityId", "subjectId", "objectId", "placeId", "eventId", "memberId", "memberType"}
    for schema in SCHEMAS.values():
        for name in schema.names:
            assert name in fields | extra, name


def test_tables_csv_keeps_lists_as_json_and_parquet_as_lists(exported: dict[str, Path]) -> None:
    csv = pd.read_csv(exported["csv"] / "entities.csv").set_index("id")
    parquet = pd.read_parquet(exported["parquet"] / "entities.parquet").set_index("id")
    cell = csv.loc["place/bakhmut", "sameAs"]
    listed: object = parquet.loc["place/bakhmut", "sameAs"]  # pandas-stubs type a cell as a scalar; lists are arrays
    assert isinstance(cell, str)
    assert isinstance(listed, np.ndarray)
    bakhmut_csv = json.loads(cell)
    assert bakhmut_csv == list(listed)
    assert any(s.startswith("https://sws.geonames.org/") for s in bakhmut_csv)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_tables_relationships_say_whether_the_text_states_them(exported: dict[str, Path], fmt: str) -> None:
    path = exported[fmt] / f"relationships.{fmt}"
    frame = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
    derived = [json.loads(v) if isinstance(v, str) else list(v) for v in frame.derivedFrom]
    stated = [bool(v) for v in frame.stated]
    # the seed states relations and has GeoNames containment no text states
    assert any(stated)
    assert not all(stated)
    for is_stated, sources in zip(stated, derived, strict=True):
        assert is_stated or sources  # a fact no text states names the records it was taken from
        assert all("geonames" in s for s in sources), sources


def test_tables_graph_tables_equal_the_parquet_files(
    exported: dict[str, Path], graph_tables: dict[str, pd.DataFrame]
) -> None:
    assert list(graph_tables) == list(TABLES)
    for name, frame in graph_tables.items():
        written = to_frames({name: pq.read_table(exported["parquet"] / f"{name}.parquet")})[name]
        assert list(frame.columns) == SCHEMAS[name].names
        pd.testing.assert_frame_equal(frame, written)


@pytest.fixture(scope="module")
def graph_tables(seed_store_dir: Path, settings: Settings) -> dict[str, pd.DataFrame]:
    with kg.Graph(seed_store_dir, read_only=True, settings=settings) as g:
        return g.tables()


def test_tables_frames_keep_types(graph_tables: dict[str, pd.DataFrame]) -> None:
    entities = graph_tables["entities"]
    assert str(entities.mentionCount.dtype) == "Int64"
    assert isinstance(entities.set_index("id").loc["place/bakhmut", "sameAs"], list)
    top = entities.sort_values("mentionCount", ascending=False).iloc[0]
    assert top.mentionCount == entities.mentionCount.max()
    assert str(graph_tables["events"].casualties.dtype) == "Int64"


def test_tables_match_the_read_model_counts(seed_store_dir: Path, settings: Settings) -> None:
    with kg.Graph(seed_store_dir, read_only=True, settings=settings) as g:
        stats = g.stats()
        tables = read_tables(g.store, g.base)
        assert tables["entities"].num_rows == stats.entities
        assert tables["mentions"].num_rows == stats.mentions
        assert tables["events"].num_rows == stats.events
        assert tables["articles"].num_rows == stats.articles


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx"], "unknown table format 'xlsx'; expected one of parquet, csv"),
        (["-o", "out.parquet"], "leave out -o/--output"),
    ],
    ids=["format", "output"],
)
def test_tables_cli_rejects_bad_options(seed_store_dir: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["export", "--store", str(seed_store_dir), "--tables", str(tmp_path), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_tables_empty_store_gives_empty_typed_tables(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "empty")
    try:
        tables = read_tables(store, Settings().base_iri)
    finally:
        store.close()
    for name, table in tables.items():
        assert table.num_rows == 0
        assert table.schema == SCHEMAS[name]


def test_tables_docs_duckdb_query_runs(exported: dict[str, Path]) -> None:
    doc = (ROOT / "docs" / "PYTHON.md").read_text()
    (sql,) = re.findall(r"^```sql\n(.*?)^```$", doc, re.MULTILINE | re.DOTALL)
    (exported["parquet"].parent / "tables").symlink_to(exported["parquet"])
    rows = _duckdb(sql, exported["parquet"].parent)
    assert rows[0][0] == "Bakhmut"
    assert [n for _, n in rows] == sorted((n for _, n in rows), reverse=True)
