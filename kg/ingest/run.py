"""The batch loop: read -> triage -> extract -> identify -> write, idempotently and in input order.

An article whose content hash is already stored under its id is skipped, so
re-ingesting a folder only extracts what changed. Bad inputs are reported, never
raised: the rest of the batch still goes in.

One loop (:func:`run_batches`) serves every way of extracting: in this process or
in a local worker pool (:class:`LocalExtractor`, what :func:`ingest_articles`
uses) and on a Dask cluster (:mod:`kg.ingest.distributed`). An
:class:`Extractor` only starts a batch's extraction and hands back a way to wait
for it; the loop triages, identifies, writes (through :mod:`kg.store.writer`) and
counts the same way for all of them.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Protocol

from kg.errors import DuplicateIdError, InputError, SkippedFileError
from kg.identity import Resolver, join_report_batch, merge_log_path
from kg.ingest.sources import read_paths
from kg.ingest.workers import Extracted, ExtractorPool, Stored, extract_chunk
from kg.rdf import article_iri
from kg.records import Article, Extraction
from kg.settings import Settings
from kg.store import Store, writer

__all__ = [
    "BATCH",
    "Extractor",
    "Identity",
    "IngestReport",
    "LocalExtractor",
    "Triage",
    "batches",
    "ingest_articles",
    "ingest_paths",
    "run_batches",
    "triage",
]

#: Articles extracted and written per store transaction.
BATCH = 32


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did.

    Attributes:
        ingested: Ids of articles extracted and written.
        unchanged: Ids of articles already stored with the same content.
        rejected: The inputs that could not be read, each naming its source.
        skipped: Files inside folders that kg does not read, each named.
        mentions: Mentions written.
        entities: Entities written (per article, before cross-article identity).
        events: Events written.
        relations: Relations written.
        quads: Quads written.
    """

    ingested: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    rejected: tuple[InputError, ...] = ()
    skipped: tuple[InputError, ...] = ()
    mentions: int = 0
    entities: int = 0
    events: int = 0
    relations: int = 0
    quads: int = 0

    @property
    def ok(self) -> bool:
        """Whether every input was accepted."""
        return not self.rejected

    def describe(self, store: str) -> str:
        """The one-line summary ``kg ingest`` prints, naming the ``store`` written to.

        >>> IngestReport(ingested=("a",), mentions=3, entities=2, quads=40).describe("./kg-data")
        'ingested 1 article(s), 0 unchanged, 0 rejected, 0 skipped; 2 entities, 3 mentions, 0 events, 0 relations, 40 quads -> ./kg-data'
        """
        return (
            f"ingested {len(self.ingested)} article(s), {len(self.unchanged)} unchanged, "
            f"{len(self.rejected)} rejected, {len(self.skipped)} skipped; {self.entities} entities, {self.mentions} mentions, "
            f"{self.events} events, {self.relations} relations, {self.quads} quads -> {store}"
        )


def batches(items: Iterable[Article | InputError], size: int) -> Iterator[list[Article | InputError]]:
    """Cut a stream of inputs into lists of at most ``size``."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass(frozen=True, slots=True)
class Triage:
    """One batch of inputs sorted by what ingest must do with them.

    Attributes:
        todo: Articles to extract: new, or changed since they were stored.
        unchanged: Ids stored with the same content, or seen earlier in this run.
        rejected: Inputs that could not be read.
        skipped: Files in folders that kg does not read.
    """

    todo: list[Article]
    unchanged: list[str]
    rejected: list[InputError]
    skipped: list[InputError] = field(default_factory=list)


def triage(chunk: Iterable[Article | InputError], store: Store, base: str, seen: dict[str, Article]) -> Triage:
    """Sort a batch: reject errors, skip ids already seen in this run, skip unchanged articles.

    ``seen`` is updated with the batch's new articles by id (the first article with an
    id wins): a later one with the same text is unchanged, one with different text is
    rejected (:class:`DuplicateIdError`). One store query (the stored content hashes)
    per batch.
    """
    articles: list[Article] = []
    unchanged: list[str] = []
    rejected: list[InputError] = []
    skipped: list[InputError] = []
    for item in chunk:
        if isinstance(item, SkippedFileError):
            skipped.append(item)
        elif isinstance(item, InputError):
            rejected.append(item)
        elif item.id in seen:
            first = seen[item.id]
            if first.digest == item.digest:
                unchanged.append(item.id)
            else:
                rejected.append(
                    DuplicateIdError(
                        item.origin or item.id,
                        f"id {item.id!r} was already read in this run from {first.origin} with different text; "
                        "that one is kept (give each article its own id)",
                        field="id",
                    )
                )
        else:
            seen[item.id] = item
            articles.append(item)
    stored = store.article_digests([article_iri(base, a.id) for a in articles])
    todo = [a for a in articles if stored.get(article_iri(base, a.id)) != a.digest]
    todo_ids = {a.id for a in todo}
    unchanged.extend(a.id for a in articles if a.id not in todo_ids)
    return Triage(todo, unchanged, rejected, skipped)


@dataclass(slots=True)
class _Tally:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[InputError] = field(default_factory=list)
    skipped: list[InputError] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"mentions": 0, "entities": 0, "events": 0, "relations": 0, "quads": 0}
    )

    def sort(self, triaged: Triage) -> None:
        self.unchanged.extend(triaged.unchanged)
        self.rejected.extend(triaged.rejected)
        self.skipped.extend(triaged.skipped)

    def add(self, x: Stored) -> None:
        self.ingested.append(x.article_id)
        self.counts["mentions"] += x.mentions
        self.counts["entities"] += x.entities
        self.counts["events"] += x.events
        self.counts["relations"] += x.relations
        self.counts["quads"] += x.quads

    def report(self) -> IngestReport:
        return IngestReport(
            ingested=tuple(self.ingested),
            unchanged=tuple(self.unchanged),
            rejected=tuple(self.rejected),
            skipped=tuple(self.skipped),
            **self.counts,
        )


#: Extracted articles on their way to the store.
_Done = list[Extracted]
#: Waits for one batch's extraction: its extracted articles, or, when the extraction
#: wrote them itself (:attr:`Extractor.writes`), what it stored.
Pending = Callable[[], list[Extracted] | list[Stored]]


class Extractor(Protocol):
    """How the batches of an ingest are extracted: where, and how many run ahead.

    Attributes:
        ahead: Batches kept extracting while the oldest one is identified and written.
        writes: The extraction writes its articles to the store itself (cluster
            workers writing to a remote store); the loop then only keeps the summary.
    """

    @property
    def ahead(self) -> int:
        """Batches kept extracting ahead of the one being written."""
        ...

    @property
    def writes(self) -> bool:
        """Whether the extraction writes its articles itself."""
        ...

    def start(self, todo: list[Article], base: str, when: datetime) -> Pending:
        """Start extracting ``todo`` (non-empty); return what waits for the result."""
        ...

    def close(self) -> None:
        """Stop whatever runs the extraction."""
        ...


class LocalExtractor:
    """Extraction in this process, or in a local worker pool once a batch has more than one article.

    Workers send N-Quads text, which the store loads as it is, and what it adds to
    the entity summary: this process never builds quad objects for them.

    Args:
        workers: Extraction processes (1: this process only).
    """

    writes = False

    def __init__(self, workers: int) -> None:
        self._n = max(1, workers)
        self._pool: ExtractorPool | None = None

    @property
    def ahead(self) -> int:
        """Two batches ahead with a pool (to keep its workers busy), none in-process."""
        return 2 if self._pool is not None else 0

    def start(self, todo: list[Article], base: str, when: datetime) -> Pending:
        """Extract ``todo`` now (in-process), or submit it to the pool in one chunk per worker."""
        if self._pool is None and self._n > 1 and len(todo) > 1:
            self._pool = ExtractorPool(self._n)
        if self._pool is None:
            done = extract_chunk(todo, base, when)
            return lambda: done
        step = max(1, -(-len(todo) // self._n))
        futures = [self._pool.submit(todo[i : i + step], base, when) for i in range(0, len(todo), step)]
        return lambda: [x for f in futures for x in f.result()]

    def close(self) -> None:
        """Stop the pool, if one started."""
        if self._pool is not None:
            self._pool.close()


class Identity:
    """Cross-article identity for extracted batches, applied in input order before each write.

    Entities are resolved against everything stored before (:class:`kg.identity.Resolver`,
    which logs every merge), then events are merged on shared participants
    (:func:`kg.identity.join_report_batch`); an extraction that changed is serialised
    again. It needs the store's state up to the previous batch, so one process (the
    single writer) calls it, batch after batch.

    Args:
        store: The store the batches are written to.
        base: The data base IRI.
        when: The extraction time recorded in provenance of re-serialised articles.
        merge_log: Where merges are logged (default: beside the store, see
            :func:`kg.identity.merge_log_path`; in memory for an in-memory store).
    """

    def __init__(self, store: Store, base: str, when: datetime, merge_log: Path | None = None) -> None:
        self._store = store
        self._base = base
        self._when = when
        # an in-memory store keeps its merge log and copy index in memory, not in files named ":memory:..."
        memory = store.location == ":memory:"
        self._log = merge_log if merge_log is not None else None if memory else merge_log_path(store.location)
        self._resolver: Resolver | None = None

    def __call__(self, done: _Done) -> _Done:
        """Return ``done`` with entities and events identified across articles."""
        if self._resolver is None:  # built on first use: it reads the store's entities once
            self._resolver = Resolver.for_store(self._store, self._base, self._log)
        resolved = self._resolver.batch([x.extraction for x in done])
        merged = join_report_batch(resolved, self._store, self._base)
        return [
            x if y is x.extraction else Extracted.of(y, self._base, self._when)
            for x, y in zip(done, merged, strict=True)
        ]

    def write(self, done: _Done) -> _Done:
        """Identify ``done`` across articles and write it to the store; return what was written."""
        identified = self(done)
        _put(self._store, identified)
        return identified

    def finish(self) -> _Done:
        """End the run: rewrite the articles whose weak persons the whole run retypes; return them.

        See :meth:`kg.identity.Resolver.revise`: a type is decided per name over every
        article of the run, not only over the articles before each.
        """
        if self._resolver is None:
            return []
        revised = [Extracted.of(x, self._base, self._when) for x in self._resolver.revise()]
        if revised:
            _put(self._store, revised)
        return revised


def _put(store: Store, done: _Done) -> None:
    """Write a batch with one store call (through :mod:`kg.store.writer`): its N-Quads, and its summary share."""
    store.put_nquads([(x.graph, x.nquads) for x in done], {x.graph: x.summary for x in done})


def _nothing() -> list[Extracted]:
    return []


def run_batches(
    items: Iterable[Article | InputError],
    store: Store,
    settings: Settings,
    extractor: Extractor,
    *,
    batch: int | None = None,
    identify: Identity | None = None,
    progress: Callable[[int], None] | None = None,
    on_stored: Callable[[Extraction], None] | None = None,
    when: datetime | None = None,
) -> IngestReport:
    """The one batch loop of every ingest: triage, extract, identify, write and count, in input order.

    Batches of ``batch`` inputs are checked against the store (:func:`triage`), and
    their articles to extract handed to ``extraction``, which runs up to
    ``extractor.ahead`` batches ahead. A batch is identified across articles only
    once every earlier batch is stored, then written with one writer call in a
    thread (Oxigraph releases the GIL while it writes, so the next batches are read
    and extracted meanwhile), and counted (``progress``, ``on_stored``) once it is
    stored. An extractor that writes the articles itself gets the entity summary
    kept around it by this process (:func:`kg.store.writer.before_external_write`).

    Args:
        items: Articles, and errors standing for inputs that could not be read.
        store: Where to write.
        settings: The base IRI.
        extractor: Where articles are extracted (:class:`LocalExtractor`, a cluster).
        batch: Inputs per batch (default :data:`BATCH`).
        identify: Cross-article identity (default: a new :class:`Identity` on
            ``store``); not used when the extraction writes itself.
        progress: Called with the number of inputs handled after each batch.
        on_stored: Called with each extraction once it is in the store, and again with
            the new version of each article the run's end rewrote (its weak persons
            retyped over the whole run, :meth:`Identity.finish`); not for an
            extraction that writes itself: its records stay where they were made.
        when: The extraction time recorded in provenance (default: now).

    Returns:
        What was ingested, unchanged, rejected and skipped, and the counts of what was
        stored, the same for every extraction.
    """
    tally = _Tally()
    seen: dict[str, Article] = {}
    base = settings.base_iri
    when = when or datetime.now(UTC)
    pending: deque[tuple[Pending, int, list[str]]] = deque()
    # The store writes in its own thread, so a batch is written while the next one is
    # read and extracted, on the other core.
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-writer")
    writing: deque[tuple[Future[None], _Done, int]] = deque()  # at most one batch
    if identify is None and not extractor.writes:
        identify = Identity(store, base, when)

    def settle() -> None:
        """Wait for the batch being written; count it (and report it) once it is stored."""
        while writing:
            future, done, size = writing[0]
            future.result()  # a failed write raises here, before any later batch's error
            with _ctrl_c_deferred():  # counted whole or not at all: a re-run of settle() counts it then
                writing.popleft()
                for x in done:
                    tally.add(x.stored)  # distinct quads: as stored
                    if on_stored is not None:
                        on_stored(x.extraction)
                if progress is not None:
                    progress(size)

    def finish(wait: Pending, size: int, graphs: list[str]) -> None:
        settle()  # identity must see every earlier batch in the store
        result = wait() if graphs else []
        if extractor.writes:
            writer.after_external_write(store, graphs)
            for y in result:
                tally.add(y if isinstance(y, Stored) else y.stored)
            if progress is not None:
                progress(size)
        elif result and identify is not None:
            done = identify([x for x in result if isinstance(x, Extracted)])
            with _ctrl_c_deferred():  # a write that was started is one settle() waits for and counts
                writing.append((thread.submit(_put, store, done), done, size))
        elif progress is not None:
            progress(size)

    try:
        for chunk in batches(items, batch or BATCH):
            triaged = triage(chunk, store, base, seen)
            tally.sort(triaged)
            todo = triaged.todo
            graphs = [article_iri(base, a.id) for a in todo]
            if todo and extractor.writes:
                # The workers cannot mark what they replace for the entity summary: this process does.
                writer.before_external_write(store, graphs)
            started = extractor.start(todo, base, when) if todo else _nothing
            pending.append((started, len(chunk), graphs))
            while len(pending) > extractor.ahead:
                finish(*pending.popleft())
        while pending:
            finish(*pending.popleft())
        settle()
        if identify is not None:
            # types decided over the whole run rewrite the articles they change; those are stored anew
            for x in identify.finish():
                if on_stored is not None:
                    on_stored(x.extraction)
    except BaseException:
        # Failed or interrupted (Ctrl-C) while a batch was being written: that batch is
        # finished first. If its write failed, that failure came first in input order and
        # is raised, with this one as its context; else it is counted like any other.
        settle()
        raise
    finally:
        thread.shutdown(wait=True)  # a write in flight ends whole (one transaction) before we return
        extractor.close()
    return tally.report()


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) that arrives inside the block until the block has run.

    The batch loop's bookkeeping must not be cut in half: a batch handed to the writer
    thread but not yet recorded would be stored and never counted, and a batch counted
    half would be counted again. A Ctrl-C inside is raised again, to whatever handler
    was in place (``kg ingest``'s, or Python's KeyboardInterrupt), as the block ends.
    Python runs signal handlers in the main thread only; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)


def ingest_articles(
    items: Iterable[Article | InputError],
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[int], None] | None = None,
    on_stored: Callable[[Extraction], None] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Extract and store articles, skipping those stored unchanged (:func:`run_batches`, locally).

    Batches of :data:`BATCH` inputs are extracted in this process, or in worker
    processes when ``workers`` > 1, identified across articles and written with one
    store call per batch, in input order.

    Args:
        items: Articles, and errors standing for inputs that could not be read.
        store: Where to write.
        settings: The base IRI and limits.
        progress: Called with the number of inputs handled after each batch.
        on_stored: Called with each extraction once it is in the store.
        workers: Extraction processes (default ``settings.worker_count``); the pool
            starts only once a batch has more than one article to extract.
    """
    n = settings.worker_count if workers is None else max(1, workers)
    return run_batches(items, store, settings, LocalExtractor(n), progress=progress, on_stored=on_stored)


def ingest_paths(
    paths: Sequence[str | Path],
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Read files and folders and ingest every article in them (see :func:`ingest_articles`)."""
    return ingest_articles(
        read_paths(paths, max_chars=settings.max_article_chars),
        store,
        settings,
        progress=progress,
        workers=workers,
    )
