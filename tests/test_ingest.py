from __future__ import annotations

import io
from pathlib import Path

from kg.errors import EmptyInputError
from kg.ingest import ingest_paths
from kg.settings import Settings
from kg.store import EmbeddedStore, ExportFormat, write_export


def _nquads(store: EmbeddedStore) -> bytes:
    buf = io.BytesIO()
    write_export(store, ExportFormat.NQUADS, buf)
    return buf.getvalue()


def test_ingest_twice_changes_nothing(seed_store: EmbeddedStore, settings: Settings, seeds_dir: Path) -> None:
    before = _nquads(seed_store)
    report = ingest_paths([seeds_dir], seed_store, settings)
    assert report.ingested == ()
    assert len(report.unchanged) == 1
    assert _nquads(seed_store) == before


def test_ingest_seed_gives_at_least_15_entities(seed_store: EmbeddedStore) -> None:
    rows = seed_store.query(
        "PREFIX kg: <https://w3id.org/newskg/ontology#> SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g {"
        " VALUES ?t { kg:Person kg:Organisation kg:Place } ?e a ?t } }"
    )
    assert int(rows[0]["n"]) >= 15


def test_ingest_changed_article_replaces_its_graph(tmp_path: Path, settings: Settings) -> None:
    store = EmbeddedStore(tmp_path / "db")
    doc = tmp_path / "in.jsonl"
    doc.write_text('{"id": "a", "text": "Angela Merkel visited Paris."}\n')
    assert ingest_paths([doc], store, settings).ingested == ("a",)
    doc.write_text('{"id": "a", "text": "Emmanuel Macron visited Berlin."}\n')
    assert ingest_paths([doc], store, settings).ingested == ("a",)
    labels = {
        r["l"]
        for r in store.query("SELECT ?l WHERE { GRAPH ?g { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } }")
    }
    assert "Paris" not in labels
    assert "Berlin" in labels


def test_ingest_rejects_bad_inputs_and_keeps_the_rest(tmp_path: Path, settings: Settings) -> None:
    store = EmbeddedStore(tmp_path / "db")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("date 2024-05-01 Emmanuel Macron met Olaf Scholz in Berlin.")
    (tmp_path / "in" / "empty.txt").write_text("")
    report = ingest_paths([tmp_path / "in"], store, settings)
    assert len(report.ingested) == 1
    assert [type(e) for e in report.rejected] == [EmptyInputError]
    assert not report.ok
    assert report.entities >= 3
