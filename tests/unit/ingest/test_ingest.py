from __future__ import annotations

import io
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pytest

from kg.errors import DuplicateIdError, EmptyInputError, EncodingError, InputError, StoreError
from kg.ingest import ingest_articles, ingest_paths
from kg.ingest.workers import Extracted, extract_chunk
from kg.records import Article
from kg.settings import Settings
from kg.store import EmbeddedStore, ExportFormat, RemoteStore, Store, write_export
from tests.support.sparql_server import Endpoint, sparql_endpoint

__all__ = ["sparql_endpoint"]  # the fixture, imported so pytest finds it


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


def test_ingest_a_lone_surrogate_costs_only_its_line(tmp_path: Path, settings: Settings) -> None:
    store = EmbeddedStore(tmp_path / "db")
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [
        '{"id": "one", "text": "Emmanuel Macron met Olaf Scholz in Berlin."}',
        '{"id": "two", "text": "A lone \\ud800 surrogate in Paris."}',
        '{"id": "three", "text": "Angela Merkel visited Vienna."}',
    ]
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "b.txt").write_text("Joe Biden spoke in Washington.")
    report = ingest_paths([folder], store, settings)
    assert len(report.ingested) == 3  # both good lines and the .txt beside the file
    assert {"one", "three"} <= set(report.ingested)
    (bad,) = report.rejected
    assert isinstance(bad, EncodingError)
    assert bad.source == f"{folder / 'a.jsonl'}:2"
    assert "lone surrogate" in bad.reason
    assert len(store.graphs()) >= 3


def test_ingest_rejects_an_id_reused_with_other_text_in_one_run(tmp_path: Path, settings: Settings) -> None:
    store = EmbeddedStore(tmp_path / "db")
    p = tmp_path / "a.jsonl"
    lines = [
        '{"id": "x", "text": "Emmanuel Macron met Olaf Scholz in Berlin."}',
        '{"id": "x", "text": "Emmanuel Macron met Olaf Scholz in Berlin."}',
        '{"id": "x", "text": "Angela Merkel visited Vienna."}',
    ]
    p.write_text("\n".join(lines) + "\n")
    report = ingest_paths([p], store, settings)
    assert report.ingested == ("x",)
    assert report.unchanged == ("x",)  # the same text twice is no conflict
    (dup,) = report.rejected
    assert isinstance(dup, DuplicateIdError)
    assert dup.source == f"{p}:3"
    assert f"already read in this run from {p}:1 with different text" in dup.reason


def test_ingest_reports_the_quads_it_stored() -> None:
    from kg.summary import SUMMARY_GRAPH

    store = EmbeddedStore(None)
    report = ingest_articles(
        [Article(id="q", text=TEXTS[1], title=None, published=None, url=None, source=None, origin="t")],
        store,
        Settings.load(env={}, workers=1),
    )
    stored = sum(1 for q in store.quads() if q.graph_name != ox.NamedNode(SUMMARY_GRAPH))
    assert report.quads == stored


TEXTS = [
    "Angela Merkel visited Paris on Monday.",
    "Emmanuel Macron met Olaf Scholz in Berlin.",
    "Volodymyr Zelensky spoke to the United Nations in New York.",
    "Troops of the Russian army withdrew from Kherson, officials in Kyiv said.",
    "The European Union announced new sanctions in Brussels.",
    "Joe Biden called Rishi Sunak from Washington.",
    "Reuters reported that NATO ministers met in Vilnius.",
]


def _articles() -> list[Article]:
    return [
        Article(id=f"a{i}", text=t, title=None, published=None, url=None, source=None, origin=f"t:{i}")
        for i, t in enumerate(TEXTS)
    ]


def _timeless(store: Store) -> set[tuple[str, str, str, str]]:
    # Provenance records when extraction ran; everything else must match exactly.
    return {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
        for q in store.quads()
        if not (isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("#dateTime"))
    }


def test_ingest_workers_give_the_same_graph_in_input_order(tmp_path: Path, settings: Settings) -> None:
    one = EmbeddedStore(tmp_path / "one")
    two = EmbeddedStore(tmp_path / "two")
    order_one: list[str] = []
    order_two: list[str] = []
    r1 = ingest_articles(_articles(), one, settings, workers=1, on_stored=lambda x: order_one.append(x.article.id))
    r2 = ingest_articles(_articles(), two, settings, workers=2, on_stored=lambda x: order_two.append(x.article.id))
    assert r1 == r2
    assert order_one == order_two == [f"a{i}" for i in range(len(TEXTS))]
    assert _timeless(one) == _timeless(two)
    assert len(_timeless(one)) > 100


def test_ingest_progress_counts_every_input(tmp_path: Path, settings: Settings) -> None:
    store = EmbeddedStore(tmp_path / "db")
    seen: list[int] = []
    items: list[Article | InputError] = [*_articles(), EmptyInputError("x.txt", "the file is empty")]
    report = ingest_articles(items, store, settings, workers=2, progress=seen.append)
    assert sum(seen) == len(items)
    assert len(report.rejected) == 1


def test_ingest_into_a_remote_store_is_idempotent(sparql_endpoint: Endpoint, settings: Settings) -> None:
    store = RemoteStore(sparql_endpoint.query, sparql_endpoint.update)
    mine = Settings.load(env={}, base_iri=sparql_endpoint.prefix())
    first = ingest_articles(_articles()[:3], store, mine, workers=1)
    assert first.ingested == ("a0", "a1", "a2")
    again = ingest_articles(_articles()[:3], store, mine, workers=1)
    assert again.ingested == ()
    assert again.unchanged == ("a0", "a1", "a2")
    graphs = [g for g in store.graphs() if g.startswith(mine.base_iri)]
    assert graphs == [f"{mine.base_iri}article/a{i}" for i in range(3)]
    for g in graphs:
        store.delete_article(g)
    store.close()


@pytest.mark.parametrize(
    ("workers", "batch"),
    [(1, 32), (2, 32), (1, 1), (2, 1)],
    ids=["in-process", "workers", "in-process-batch-per-article", "workers-batch-per-article"],
)
def test_ingest_merges_entities_and_events_across_articles(
    tmp_path: Path, settings: Settings, workers: int, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With one article per batch, the second is identified while the first may still be
    # in the writer thread: identity must wait for it, or it would find nothing to merge with.
    monkeypatch.setattr("kg.ingest.run.BATCH", batch)
    docs = tmp_path / "in.jsonl"
    docs.write_text(
        '{"id": "a1", "published": "2022-10-27", "text": "Ukrainian President Volodymyr Zelenskyy said'
        ' that Russian forces shelled Bakhmut on Thursday, killing at least three people."}\n'
        '{"id": "a2", "published": "2022-10-28", "text": "President Volodymyr Zelensky said the shelling of Bakhmut'
        ' in eastern Ukraine killed three people on Thursday."}\n'
    )
    store = EmbeddedStore(tmp_path / "db")
    report = ingest_paths([docs], store, settings, workers=workers)
    assert report.ingested == ("a1", "a2")
    people = store.query(
        "PREFIX kg: <https://w3id.org/newskg/ontology#> SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a kg:Person } }"
    )
    assert [r["e"].rsplit("/", 1)[1] for r in people] == ["volodymyr-zelenskyy"]
    shared = store.query(
        "PREFIX kg: <https://w3id.org/newskg/ontology#> SELECT ?e WHERE { GRAPH ?g { ?e a kg:Event } }"
        " GROUP BY ?e HAVING (COUNT(DISTINCT ?g) = 2)"
    )
    assert shared, "the same shelling reported by two articles should be one event"


class _Watched:
    """An embedded store that records what ingest asks of it while a batch is being written."""

    def __init__(self, inner: EmbeddedStore, fail_on: int | None = None) -> None:
        self._inner = inner
        self._fail_on = fail_on
        self._guard = threading.Lock()
        self._triaged = threading.Condition()
        self.triages = 0
        self.writing = False
        self.writes: list[list[str]] = []
        self.during_write: list[str] = []  # calls other than put_nquads made while one ran

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._guard:
                if self.writing:
                    self.during_write.append(name)
            if name == "article_digests":
                with self._triaged:
                    self.triages += 1
                    self._triaged.notify_all()
            return attr(*args, **kwargs)

        return call

    def put_nquads(self, batch: Sequence[tuple[str, str]], known: Any = None) -> None:
        with self._guard:
            self.writing = True
        try:
            if len(self.writes) == self._fail_on:
                raise StoreError(f"writing to {self._inner.location} failed: disk full")
            if not self.writes:
                # The first write waits for the next batch's triage (the second of the
                # run), then lingers so that identity reads made too early land inside it.
                with self._triaged:
                    self._triaged.wait_for(lambda: self.triages >= 2, timeout=30)
                time.sleep(0.5)
            self._inner.put_nquads(batch, known)
            self.writes.append([g.rsplit("/", 1)[1] for g, _ in batch])
        finally:
            with self._guard:
                self.writing = False


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "workers"])
def test_ingest_writes_a_batch_while_reading_the_next_but_identifies_after_it(
    tmp_path: Path, settings: Settings, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.ingest.run.BATCH", 2)
    # The shelling of Bakhmut is reported in the first two batches: merging the second
    # report's event reads the store for the first's.
    shelling = [
        Article(
            "s1",
            "Ukrainian President Volodymyr Zelenskyy said that Russian forces shelled Bakhmut on Thursday,"
            " killing at least three people.",
            None,
            "2022-10-27",
            None,
            None,
            "t:s1",
        ),
        Article(
            "s2",
            "President Volodymyr Zelensky said the shelling of Bakhmut in eastern Ukraine killed three"
            " people on Thursday.",
            None,
            "2022-10-28",
            None,
            None,
            "t:s2",
        ),
    ]
    articles = [_articles()[0], shelling[0], shelling[1], *_articles()[1:]]
    store = _Watched(EmbeddedStore(tmp_path / "db"))
    stored: list[str] = []
    report = ingest_articles(
        articles, cast("Store", store), settings, workers=workers, on_stored=lambda x: stored.append(x.article.id)
    )
    ids = [a.id for a in articles]
    assert report.ingested == tuple(ids)
    assert stored == ids
    assert store.writes == [ids[i : i + 2] for i in range(0, len(ids), 2)]
    # The next batch was triaged during the first write, and nothing but triage ran
    # during any write: identity reads only once the batch before it is stored.
    assert "article_digests" in store.during_write
    assert set(store.during_write) == {"article_digests"}
    assert sorted(store.graphs()) == sorted(f"{settings.base_iri}article/{i}" for i in ids)
    shared = store.query(
        "PREFIX kg: <https://w3id.org/newskg/ontology#> SELECT ?e WHERE { GRAPH ?g { ?e a kg:Event } }"
        " GROUP BY ?e HAVING (COUNT(DISTINCT ?g) = 2)"
    )
    assert shared, "the shelling reported in two batches should be one event"


def test_ingest_stops_at_a_failed_write_with_earlier_batches_stored(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.ingest.run.BATCH", 2)
    inner = EmbeddedStore(tmp_path / "db")
    store = _Watched(inner, fail_on=1)
    stored: list[str] = []
    before = {t.name for t in threading.enumerate()}
    with pytest.raises(StoreError, match="disk full"):
        ingest_articles(
            _articles(), cast("Store", store), settings, workers=1, on_stored=lambda x: stored.append(x.article.id)
        )
    assert stored == ["a0", "a1"]
    assert inner.graphs() == [f"{settings.base_iri}article/a0", f"{settings.base_iri}article/a1"]
    assert {t.name for t in threading.enumerate()} <= before  # the writer thread is gone
    # Re-running finishes the job.
    again = ingest_articles(_articles(), inner, settings, workers=1)
    assert again.unchanged == ("a0", "a1")
    assert len(inner.graphs()) == len(TEXTS)


def test_ingest_reports_a_failed_write_before_a_later_batch_error(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batch 1's write fails while batch 2 is being extracted, and that extraction fails
    # too: the write came first in input order, so its error is the one raised.
    monkeypatch.setattr("kg.ingest.run.BATCH", 2)
    real = extract_chunk
    calls: list[int] = []

    def flaky(todo: list[Article], base: str, when: datetime) -> list[Extracted]:
        calls.append(len(todo))
        if len(calls) == 2:
            raise RuntimeError("extractor bug on batch 2")
        return real(todo, base, when)

    monkeypatch.setattr("kg.ingest.run.extract_chunk", flaky)
    store = _Watched(EmbeddedStore(tmp_path / "db"), fail_on=0)
    with pytest.raises(StoreError, match="disk full") as caught:
        ingest_articles(_articles(), cast("Store", store), settings, workers=1)
    assert isinstance(caught.value.__context__, RuntimeError)
