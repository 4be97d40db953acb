"""The embedded backend: an Oxigraph store in a directory (RocksDB), and its read-only snapshots."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import StoreError, StoreLockedError
from kg.namespace import KG_NS
from kg.ontology import ONTOLOGY_GRAPH
from kg.sandbox import run_query
from kg.store.base import Row, Store, Told, bounded, lexical
from kg.summary import SUMMARY_GRAPH

if TYPE_CHECKING:
    from kg.sandbox import Answer, QueryJob, QueryPool

__all__ = ["SNAPSHOTS", "EmbeddedStore", "latest_snapshot", "prune_snapshots"]

#: Named graphs that are not data: the entity summary (derived) and the ontology (kg.ttl, event-types.ttl).
_NOT_DATA = frozenset((SUMMARY_GRAPH, ONTOLOGY_GRAPH))


#: Sub-directory of an embedded store holding its read-only snapshots.
SNAPSHOTS = "snapshots"
#: Suffix of the lock file beside each snapshot: every reader holds a shared lock on it.
_HELD = ".lock"


def snapshot_names(path: Path) -> list[str]:
    """Return the finished snapshots of the store at ``path``, oldest first."""
    folder = path / SNAPSHOTS
    try:
        names = [e.name for e in os.scandir(folder) if e.is_dir() and e.name.isdigit()]
    except OSError:
        return []
    return sorted(names)


def latest_snapshot(path: str | Path) -> Path | None:
    """Return the newest finished snapshot of the embedded store at ``path``, if any."""
    names = snapshot_names(Path(path))
    return Path(path) / SNAPSHOTS / names[-1] if names else None


def _hold_latest(path: Path) -> tuple[Path | None, int | None]:
    """Open the newest snapshot's lock file and take a shared lock on it, for a reader.

    A reader holds the lock for as long as it reads the snapshot; the kernel drops it
    when the reader closes the file, exits or is killed, so a crash never pins a
    snapshot. A pruner removes a snapshot only under an exclusive lock, so after the
    shared lock is taken, a snapshot folder that still exists stays until it is released.

    Returns:
        The snapshot (``None`` when there is none yet) and the lock file's descriptor
        (``None`` when the folder cannot hold one, e.g. a read-only file system; then
        this reader prunes nothing).
    """
    while True:
        newest = latest_snapshot(path)
        if newest is None:
            return None, None
        try:
            fd = os.open(newest.with_name(newest.name + _HELD), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return newest, None
        fcntl.flock(fd, fcntl.LOCK_SH)
        if newest.is_dir():
            return newest, fd
        os.close(fd)  # pruned between the listing and the lock: take the next newest


def prune_snapshots(path: str | Path) -> list[str]:
    """Remove every snapshot of the embedded store at ``path`` that no reader holds, but the newest.

    Safe at any time and from any process: a snapshot is removed under an exclusive
    lock on its lock file, which a reader's shared lock blocks (see :func:`_hold_latest`).
    The newest snapshot is always kept, for the next reader.

    Returns:
        The names of the snapshots removed.
    """
    folder = Path(path) / SNAPSHOTS
    names = snapshot_names(Path(path))
    removed: list[str] = []
    try:
        locks = [e.name[: -len(_HELD)] for e in os.scandir(folder) if e.name.endswith(_HELD)]
    except OSError:
        return removed
    newest = names[-1] if names else None
    for name in sorted(set(names[:-1]) | {n for n in locks if n != newest and n not in names}):
        lock = folder / (name + _HELD)
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return removed  # a folder this process may not change: prune nothing
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a reader still uses it
        try:
            if (folder / name).is_dir():
                shutil.rmtree(folder / name, ignore_errors=True)
                removed.append(name)
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
        finally:
            os.close(fd)
    return removed


class EmbeddedStore(Store):
    """An Oxigraph store in a directory (RocksDB); one writer process at a time.

    The writer publishes consistent read-only snapshots (RocksDB checkpoints, which
    hard-link the data files, so they cost little time and disk) under
    ``snapshots/`` when the store has none yet, after a batch once ``snapshot_every``
    seconds have passed since the last one, and when it closes. Readers
    (``kg serve``, ``kg export``, ``kg stats``) open the newest snapshot, so they
    never see a write in progress and never touch files a writer is changing.

    Each reader holds a shared ``flock`` on the snapshot's lock file while it reads
    (the kernel drops it when the reader exits or is killed). A snapshot that is not
    the newest and that no reader holds is removed by the next :meth:`publish` and by
    every reader that opens the store (:func:`prune_snapshots`): a superseded
    snapshot keeps alive the data files compaction has replaced, so keeping it would
    cost up to a copy of the store each.

    Args:
        path: The directory (created when missing); ``None`` keeps the store in memory.
        read_only: Open the newest snapshot read-only (the primary itself when there is
            no snapshot yet); this works while another process writes.
        snapshot_every: Seconds between snapshots published by :meth:`put_articles`
            (``KG_SNAPSHOT_SECONDS``; the last write is always published by :meth:`close`).
    """

    def __init__(self, path: str | Path | None, *, read_only: bool = False, snapshot_every: float = 1.0) -> None:
        self.location = str(path) if path is not None else ":memory:"
        self._path = Path(path) if path is not None else None
        self._read_only = read_only
        self._snapshot_every = snapshot_every
        self._published = time.monotonic()
        self._dirty = False  # written since the last snapshot
        self.snapshot_path: Path | None = None
        self._held: weakref.finalize[[int], EmbeddedStore] | None = None  # a reader's shared lock on its snapshot
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                if not Path(path).is_dir():
                    raise StoreError(f"there is no store at {self.location} (run `kg ingest` first)")
                self.snapshot_path, fd = _hold_latest(Path(path))
                if fd is not None:
                    # Released by close(), or when this object is collected (kg serve drops
                    # a superseded reader once its last request ends).
                    self._held = weakref.finalize(self, os.close, fd)
                self._store = ox.Store.read_only(str(self.snapshot_path or path))
                if fd is not None:
                    prune_snapshots(path)  # readers clean up too: kg serve, kg stats
            else:
                Path(path).parent.mkdir(parents=True, exist_ok=True)  # RocksDB makes only the last folder
                self._store = ox.Store(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"the store {self.location} is being written by another process (another `kg ingest`?); "
                    "wait for it to finish, or ingest through the server's ingestArticle mutation"
                ) from exc
            raise StoreError(f"cannot open the store {self.location}: {exc}") from exc
        if self._path is not None and not read_only and latest_snapshot(self._path) is None:
            self.publish()  # readers need a first snapshot; later ones follow the writes

    def publish(self) -> Path | None:
        """Write a consistent snapshot for readers and prune superseded ones no reader holds.

        Returns:
            The new snapshot's directory (``None`` for an in-memory or read-only store).
        """
        if self._path is None or self._read_only:
            return None
        folder = self._path / SNAPSHOTS
        folder.mkdir(exist_ok=True)
        target = folder / f"{time.time_ns():020d}"
        try:
            self._store.flush()
            self._store.backup(str(target))
        except OSError as exc:
            raise StoreError(f"cannot write a snapshot of {self.location} to {target}: {exc}") from exc
        self._published = time.monotonic()
        self._dirty = False
        self._prune(folder)
        return target

    def _prune(self, folder: Path) -> None:
        prune_snapshots(self._path or folder.parent)
        for entry in os.scandir(folder):
            # Left by a crash mid-snapshot. Only the writer removes these (it holds the
            # store's lock, so no other checkpoint is being written).
            if entry.name.endswith(".tmp") and entry.is_dir():
                shutil.rmtree(entry.path, ignore_errors=True)

    def query(self, sparql: str, *, union: bool = False) -> list[Row]:
        """Run a SELECT query and return its rows.

        ``union`` makes the default graph the union of all graphs (as ``/sparql``
        does); kg's own queries name their graphs and leave it off.
        """
        try:
            result = self._store.query(sparql, use_default_graph_as_union=union)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"query failed: {exc}") from exc
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for solution in result:
            row: Row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = lexical(term)
            rows.append(row)
        return rows

    def ask(self, sparql: str, *, union: bool = False) -> bool:
        """Run an ASK query (``union``: see :meth:`query`)."""
        try:
            result = self._store.query(sparql, use_default_graph_as_union=union)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"query failed: {exc}") from exc
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("expected an ASK query")
        return bool(result)

    def subject_triples(
        self, pairs: Sequence[tuple[str, str | None]], predicates: Sequence[str] | None = None
    ) -> list[Told]:
        """Every triple about each subject of ``pairs`` (see :meth:`Store.subject_triples`), read from the indexes.

        Each pair (and predicate, when given) is one seek in Oxigraph's subject-first
        indexes: no SPARQL parse or plan, which on a hub's page of 20 events cost more
        than the reads themselves. Triples of the default graph are left out, as
        ``GRAPH ?g`` does.
        """
        out: list[Told] = []
        anywhere = {s for s, g in pairs if g is None}
        seen: set[tuple[str, str | None]] = set()
        try:
            wanted: list[ox.NamedNode | None] = (
                [None] if predicates is None else [ox.NamedNode(p) for p in dict.fromkeys(predicates)]
            )
            for s, g in pairs:
                if (s, g) in seen or (g is not None and s in anywhere):
                    continue
                seen.add((s, g))
                node = ox.NamedNode(s)
                graph = ox.NamedNode(g) if g is not None else None
                for p in wanted:
                    for q in self._store.quads_for_pattern(node, p, None, graph):
                        where = q.graph_name
                        if g is not None:
                            out.append((s, q.predicate.value, lexical(q.object), g))
                        elif not isinstance(where, ox.DefaultGraph):
                            out.append((s, q.predicate.value, lexical(q.object), where.value))
        except (OSError, ValueError) as exc:
            raise StoreError(f"reading {len(pairs)} subject(s) from {self.location} failed: {exc}") from exc
        return out

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        found: dict[str, str] = {}
        pred = ox.NamedNode(f"{KG_NS}contentHash")
        for g in graphs:
            node = ox.NamedNode(g)
            for q in self._store.quads_for_pattern(node, pred, None, node):
                found[g] = lexical(q.object)
        return found

    def after_write(self) -> None:
        """Publish a snapshot for readers once ``snapshot_every`` seconds have passed since the last."""
        if self._path is not None and time.monotonic() - self._published >= self._snapshot_every:
            self.publish()

    def write_quads(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each graph of ``batch`` with its quads, each article atomically.

        New articles go in with one ``extend`` (one transaction for the batch). An
        article that is already stored is replaced by one SPARQL update (DROP GRAPH +
        INSERT DATA), which Oxigraph applies as one transaction, so no reader and no
        crash ever sees it half-written. Readers see the batch once it is published.
        """
        existing = set(self.stored_graphs([g for g, _ in batch]))
        try:
            fresh: list[ox.Quad] = []
            for g, quads in batch:
                if g in existing:
                    self._store.update(_replace_graph(g, quads))
                else:
                    fresh.extend(quads)
            self._store.extend(fresh)
            self._dirty = True
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"writing {len(batch)} article(s) to {self.location} failed: {exc}") from exc

    def write_nquads(self, batch: Sequence[tuple[str, str]]) -> None:
        """Replace each graph of ``batch`` with the quads of its N-Quads text, each article atomically.

        The text is read by Oxigraph itself, so no Python quad objects are built: new
        articles go in with one ``load`` of their texts (one transaction for the
        batch); an article already stored is replaced by one SPARQL update, as in
        :meth:`write_quads`. Each text must hold quads of its own graph only, as
        :func:`kg.rdf.extraction_nquads` writes them.
        """
        existing = set(self.stored_graphs([g for g, _ in batch]))
        try:
            fresh: list[str] = []
            for g, text in batch:
                if g in existing:
                    self._store.update(_replace_graph(g, _parse_nquads(text)))
                else:
                    fresh.append(text)
            if fresh:
                # One transaction. Oxigraph's bulk loader is cheaper on a small store, but
                # each call leaves a file per index for RocksDB to compact into everything
                # stored: over a growing store it costs the same or more in all
                # (bench/store_growth.py, docs/BENCHMARKS.md). ``lenient`` skips checking
                # the IRIs again: the text was serialised by Oxigraph from terms it had
                # already checked when they were built.
                self._store.load("\n".join(fresh), format=ox.RdfFormat.N_QUADS, lenient=True)
            self._dirty = True
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"writing {len(batch)} article(s) to {self.location} failed: {exc}") from exc

    def stored_graphs(self, graphs: Sequence[str]) -> list[str]:
        """Those of ``graphs`` the store holds."""
        return [g for g in graphs if self._store.contains_named_graph(ox.NamedNode(g))]

    def has_graph(self, graph: str) -> bool:
        """Whether the store holds the named graph ``graph``."""
        return bool(self._store.contains_named_graph(ox.NamedNode(graph)))

    def drop_graph(self, graph: str) -> None:
        """Remove one named graph."""
        self._store.remove_graph(ox.NamedNode(graph))
        self._dirty = True

    def add_quads(self, quads: Sequence[ox.Quad]) -> None:
        """Add quads (one transaction)."""
        self._store.extend(quads)
        self._dirty = True

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update; Oxigraph applies it as one transaction."""
        try:
            self._store.update(sparql)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"update of {self.location} failed: {exc}") from exc
        self._dirty = True

    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's (derived data) and the ontology's."""
        return sorted(name for g in self._store.named_graphs() if (name := lexical(g)) not in _NOT_DATA)

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad in every named graph but the entity summary's and the ontology's."""
        skip = {ox.NamedNode(g) for g in _NOT_DATA}
        for q in self._store.quads_for_pattern(None, None, None, None):
            if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name not in skip:
                yield q

    def sparql(self, job: QueryJob, accept: str | None, pool: QueryPool | None = None) -> Answer:
        """Answer a read-only query: in ``pool`` on this store's snapshot, else in this thread.

        A query in the pool runs in a child process with a memory limit, killed at the
        job's deadline; in this thread (an in-memory store, or no pool) only the answer
        size and the deadline between rows bound it.
        """
        if pool is not None and self.snapshot_path is not None:
            return pool.run(str(self.snapshot_path), job)  # the pool kills the query at its deadline
        return bounded(lambda: run_query(self._store, job), job.timeout)

    def flush(self) -> None:
        """Make sure written data is on disk."""
        self._store.flush()

    def close(self) -> None:
        """Flush, publish what was written since the last snapshot, and release the store.

        A writer also drops its write-ahead log: RocksDB keeps the log of writes it has
        already flushed until the database is next opened, which left a store half as
        large again as its data after an ingest (docs/BENCHMARKS.md, issue 20).
        """
        if not self._read_only:
            self._store.flush()
            if self._dirty:
                self.publish()
        del self._store
        if not self._read_only and self._path is not None:
            _drop_flushed_log(self._path)
        if self._held is not None:
            self._held()  # the snapshot may now be pruned


def _drop_flushed_log(path: Path) -> None:
    """Open the closed store at ``path`` once more, so RocksDB deletes the logs it has flushed.

    Opening sees that every write in the log is already in the data files, deletes
    the log and writes nothing new: a fraction of a second. If another writer took
    the lock meanwhile, its own open does this.
    """
    with contextlib.suppress(OSError):
        ox.Store(str(path))  # not kept: closed again at once


def _triples_text(quads: Iterable[ox.Quad]) -> str:
    # str() of a pyoxigraph term is its N-Triples form, escapes included, so every
    # literal round-trips exactly through SPARQL's INSERT DATA.
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _parse_nquads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text, ox.RdfFormat.N_QUADS))


def _replace_graph(graph: str, quads: Iterable[ox.Quad]) -> str:
    """The one SPARQL update that replaces ``graph`` with ``quads``."""
    return f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(quads)}\n}} }}"
