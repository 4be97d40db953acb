"""One batch loop for every extractor: the same report and the same store, however extraction runs."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from kg import queries
from kg.errors import InputError, SkippedFileError
from kg.ingest import IngestReport, LocalExtractor, run_batches
from kg.ingest.run import Pending
from kg.ingest.workers import Extracted, Stored, extract_chunk
from kg.records import Article
from kg.settings import Settings
from kg.store import EmbeddedStore, Store

# Invented sentences (never eval text).
TEXTS = [
    "Marta Ilves opened a bakery in Tartu on Friday.",
    "The Baltic Rowing Union elected Marta Ilves as its president in Riga.",
    "Jonas Petraitis met Marta Ilves in Vilnius.",
]


def _items() -> list[Article | InputError]:
    articles: list[Article | InputError] = [
        Article(id=f"l{i}", text=t, title=None, published=None, url=None, source=None, origin=f"t:{i}")
        for i, t in enumerate(TEXTS)
    ]
    articles.insert(1, SkippedFileError("folder/notes.pdf", "not a kind of file kg reads"))
    articles.append(InputError("broken.jsonl:3", "not valid JSON"))
    articles.append(articles[0])  # read twice in one run: unchanged
    return articles


class _Threads:
    """Extraction in threads, several batches ahead: the shape of a cluster's futures."""

    writes = False
    ahead = 3

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2)

    def start(self, todo: list[Article], base: str, when: datetime) -> Pending:
        return self._pool.submit(extract_chunk, todo, base, when).result

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class _WritesItself(_Threads):
    """Extraction that writes its articles raw, as cluster workers writing to a remote store do."""

    writes = True

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    def start(self, todo: list[Article], base: str, when: datetime) -> Pending:
        def task() -> list[Stored]:
            done: list[Extracted] = extract_chunk(todo, base, when)
            self._store.write_nquads([(x.graph, x.nquads) for x in done])
            return [x.stored for x in done]

        return self._pool.submit(task).result


def _summary(report: IngestReport) -> tuple[object, ...]:
    return (
        report.ingested,
        report.unchanged,
        [e.source for e in report.rejected],
        [e.source for e in report.skipped],
        report.mentions,
        report.entities,
        report.events,
        report.relations,
        report.quads,
    )


EXTRACTORS: dict[str, Callable[[Store], object]] = {
    "threads-ahead": lambda store: _Threads(),
    "writes-itself": _WritesItself,
}


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
def test_run_batches_reports_and_stores_the_same_for_every_extractor(name: str, settings: Settings) -> None:
    local = EmbeddedStore(None)
    expected = run_batches(_items(), local, settings, LocalExtractor(1), batch=2)
    other = EmbeddedStore(None)
    extractor = EXTRACTORS[name](other)
    progress: list[int] = []
    report = run_batches(_items(), other, settings, extractor, batch=2, progress=progress.append)  # type: ignore[arg-type]
    assert _summary(report) == _summary(expected)
    assert sum(progress) == len(_items())
    assert (len(report.skipped), len(report.rejected), report.unchanged) == (1, 1, ("l0",))
    assert other.graphs() == local.graphs()
    keys = [r["e"] for r in local.query("SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e ?p ?o } }")]
    base = settings.base_iri
    wanted = sorted(k[len(base) :] for k in keys if k.startswith(base + "person/"))
    assert wanted
    found = queries.entities_by_keys(other, base, wanted)
    assert {k: v.mention_count for k, v in found.items()} == {
        k: v.mention_count for k, v in queries.entities_by_keys(local, base, wanted).items()
    }


def test_ctrl_c_deferred_holds_an_interrupt_until_the_bookkeeping_is_whole() -> None:
    import signal

    from kg.ingest.run import _ctrl_c_deferred

    steps: list[str] = []

    def bookkeeping() -> None:
        with _ctrl_c_deferred():
            signal.raise_signal(signal.SIGINT)  # what Ctrl-C does, mid-way
            steps.append("recorded")
        steps.append("not reached")

    with pytest.raises(KeyboardInterrupt):
        bookkeeping()
    assert steps == ["recorded"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
