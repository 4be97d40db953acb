"""The embedded store as ``kg serve`` holds it: reads from the newest snapshot, writes briefly."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from kg.errors import StoreLockedError
from kg.store.base import Row, Store, Told
from kg.store.embedded import EmbeddedStore, latest_snapshot, prune_snapshots, snapshot_names

if TYPE_CHECKING:
    from kg.sandbox import Answer, QueryJob, QueryPool

__all__ = ["ServingStore"]

T = TypeVar("T")


class ServingStore(Store):
    """The embedded store as ``kg serve`` holds it: reads from snapshots, writes briefly.

    Reads go to the newest published snapshot, re-opened (at most every
    ``refresh`` seconds) when a writer has published a newer one, so a running
    server keeps answering from a consistent state while ``kg ingest`` writes.
    Writes (GraphQL mutations) open the store for writing only for their duration,
    waiting up to ``lock_wait`` seconds if an ingest holds it.

    Args:
        path: The store directory.
        refresh: Seconds between checks for a newer snapshot.
        lock_wait: Seconds a write waits for another writer to finish.
    """

    def __init__(self, path: str | Path, *, refresh: float = 0.5, lock_wait: float = 10.0) -> None:
        self.location = str(path)
        self._path = Path(path)
        self._refresh = refresh
        self._lock_wait = lock_wait
        self._write_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        self._checked = 0.0
        if latest_snapshot(self._path) is None:
            # A store written before snapshots existed (or none at all): publish one.
            self._with_writer(lambda _: None)
        self._reader = EmbeddedStore(self._path, read_only=True)

    def current(self) -> EmbeddedStore:
        """Return the read-only store of the newest snapshot (for raw SPARQL access)."""
        return self._current()

    @property
    def version(self) -> str:
        """The name of the snapshot being served; it changes when a writer publishes.

        Caches built from the store (the analytics projection) compare it to know
        when to rebuild.
        """
        path = self._current().snapshot_path
        return path.name if path is not None else ""

    def _current(self) -> EmbeddedStore:
        now = time.monotonic()
        if now - self._checked >= self._refresh:
            with self._swap_lock:
                self._checked = now
                newest = latest_snapshot(self._path)
                if newest is not None and newest != self._reader.snapshot_path:
                    # The old reader (and its lock on its snapshot) is released when the
                    # last request using it ends; a later check prunes the snapshot then.
                    self._reader = EmbeddedStore(self._path, read_only=True)
                elif len(snapshot_names(self._path)) > 1:
                    prune_snapshots(self._path)
        return self._reader

    def write(self, action: Callable[[EmbeddedStore], T]) -> T:
        """Run ``action`` with a short-lived writer (waiting for another writer to finish) and publish."""
        return self._with_writer(action)

    def _with_writer(self, action: Callable[[EmbeddedStore], T]) -> T:
        with self._writer() as writer:
            return action(writer)

    @contextlib.contextmanager
    def _writer(self) -> Iterator[EmbeddedStore]:
        deadline = time.monotonic() + self._lock_wait
        with self._write_lock:
            while True:
                try:
                    writer = EmbeddedStore(self._path, snapshot_every=float("inf"))
                    break
                except StoreLockedError:
                    if time.monotonic() >= deadline:
                        raise
                    time.sleep(0.1)
            try:
                yield writer
            finally:
                writer.close()
        self._checked = 0.0  # read our own write at once

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query on the newest snapshot."""
        return self._current().query(sparql)

    def ask(self, sparql: str) -> bool:
        """Run an ASK query on the newest snapshot."""
        return self._current().ask(sparql)

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        return self._current().article_digests(graphs)

    def subject_triples(
        self, pairs: Sequence[tuple[str, str | None]], predicates: Sequence[str] | None = None
    ) -> list[Told]:
        """Every triple about each subject of ``pairs``, from the newest snapshot (see :meth:`Store.subject_triples`)."""
        return self._current().subject_triples(pairs, predicates)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold a short-lived writer (waiting for another writer to finish); it publishes when it ends."""
        with self._writer() as writer:
            yield writer

    def update(self, sparql: str) -> None:
        """Run a SPARQL update through a short-lived writer and publish it."""
        self._with_writer(lambda w: w.update(sparql))

    def stored_graphs(self, graphs: Sequence[str]) -> list[str]:
        """Those of ``graphs`` the newest snapshot holds."""
        return self._current().stored_graphs(graphs)

    def has_graph(self, graph: str) -> bool:
        """Whether the newest snapshot holds ``graph``."""
        return self._current().has_graph(graph)

    def write_quads(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Raw write through a short-lived writer (the summary is the writer's business)."""
        self._with_writer(lambda w: w.write_quads(batch))

    def write_nquads(self, batch: Sequence[tuple[str, str]]) -> None:
        """Raw write through a short-lived writer (the summary is the writer's business)."""
        self._with_writer(lambda w: w.write_nquads(batch))

    def drop_graph(self, graph: str) -> None:
        """Raw drop through a short-lived writer."""
        self._with_writer(lambda w: w.drop_graph(graph))

    def add_quads(self, quads: Sequence[ox.Quad]) -> None:
        """Raw add through a short-lived writer."""
        self._with_writer(lambda w: w.add_quads(quads))

    def sparql(self, job: QueryJob, accept: str | None, pool: QueryPool | None = None) -> Answer:
        """Answer a read-only query on the newest published snapshot."""
        return self._current().sparql(job, accept, pool)

    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's."""
        return self._current().graphs()

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad of the newest snapshot."""
        return self._current().quads()

    def close(self) -> None:
        """Release the snapshot."""
        with contextlib.suppress(AttributeError):
            self._reader.close()
