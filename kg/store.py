"""Where the graph lives: embedded Oxigraph on disk, or any SPARQL 1.1 endpoint.

Both backends implement :class:`Store`. Every article is one named graph (the
article's IRI) and is written atomically: a reader sees all of an article or
none of it. Queries must name graphs explicitly (``GRAPH ?g { ... }``): SPARQL
servers disagree on what their default graph is, so kg never relies on it.

Rows returned by :meth:`Store.query` map variable names to lexical values (the
IRI string or the literal's lexical form); unbound variables are absent.
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import io
import os
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol, TypeVar

import pyoxigraph as ox

from kg import sparql
from kg import summary as _summary
from kg.errors import ConfigError, StoreError, StoreLockedError
from kg.namespace import KG_NS, PREFIXES
from kg.sparql_http import SparqlClient, SparqlEndpoints
from kg.summary import SUMMARY_GRAPH

__all__ = [
    "SNAPSHOTS",
    "EmbeddedStore",
    "ExportFormat",
    "RemoteStore",
    "Row",
    "ServingStore",
    "Store",
    "latest_snapshot",
    "open_store",
    "prune_snapshots",
    "write_export",
]

Row = dict[str, str]
T = TypeVar("T")


class ExportFormat(enum.Enum):
    """The serializations kg exports and imports."""

    TURTLE = "turtle"
    TRIG = "trig"
    NQUADS = "nquads"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """The pyoxigraph format."""
        return {
            "turtle": ox.RdfFormat.TURTLE,
            "trig": ox.RdfFormat.TRIG,
            "nquads": ox.RdfFormat.N_QUADS,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
        }[self.value]

    @property
    def media_type(self) -> str:
        """The IANA media type."""
        return self.rdf_format.media_type

    @property
    def is_dataset(self) -> bool:
        """Whether the format keeps named graphs (otherwise the union is written)."""
        return self in {ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD}

    @classmethod
    def parse(cls, value: str) -> ExportFormat:
        """Return the format named ``value``, or raise :class:`ConfigError` listing the valid ones."""
        try:
            return cls(value.lower())
        except ValueError:
            valid = ", ".join(f.value for f in cls)
            raise ConfigError(f"unknown format {value!r}; expected one of {valid}") from None


class Store(Protocol):
    """The interface both backends implement."""

    location: str

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query and return its rows."""
        ...

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        ...

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        ...

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each named graph in ``batch`` with its quads, each atomically."""
        ...

    def put_nquads(
        self, batch: Sequence[tuple[str, str]], known: Mapping[str, _summary.Contributions] | None = None
    ) -> None:
        """Like :meth:`put_articles`, each graph's quads given as N-Quads text (all in that graph).

        ``known`` holds what some graphs contribute to the entity summary, found in
        their quads before serialising (:func:`kg.summary.contributions_of`), so
        that the summary does not read them back.
        """
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update as one transaction (the entity summary's writes)."""
        ...

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        ...

    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's."""
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad in every named graph but the entity summary's."""
        ...

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF; triples go to ``graph`` (required for triple formats)."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


def _lexical(term: object) -> str:
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


#: Sub-directory of an embedded store holding its read-only snapshots.
SNAPSHOTS = "snapshots"
#: Suffix of the lock file beside each snapshot: every reader holds a shared lock on it.
_HELD = ".lock"


def _snapshot_names(path: Path) -> list[str]:
    """Return the finished snapshots of the store at ``path``, oldest first."""
    folder = path / SNAPSHOTS
    try:
        names = [e.name for e in os.scandir(folder) if e.is_dir() and e.name.isdigit()]
    except OSError:
        return []
    return sorted(names)


def latest_snapshot(path: str | Path) -> Path | None:
    """Return the newest finished snapshot of the embedded store at ``path``, if any."""
    names = _snapshot_names(Path(path))
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
    names = _snapshot_names(Path(path))
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


class EmbeddedStore:
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
                    row[name] = _lexical(term)
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

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        found: dict[str, str] = {}
        pred = ox.NamedNode(f"{KG_NS}contentHash")
        for g in graphs:
            node = ox.NamedNode(g)
            for q in self._store.quads_for_pattern(node, pred, None, node):
                found[g] = _lexical(q.object)
        return found

    def _written(self, graphs: list[str], known: Mapping[str, _summary.Contributions] | None = None) -> None:
        """After a batch of articles is written: the summary takes them in, then readers may get a snapshot."""
        _summary.sync(self, graphs, known)
        if self._path is not None and time.monotonic() - self._published >= self._snapshot_every:
            self.publish()

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each graph of ``batch`` with its quads, each article atomically.

        New articles go in with one ``extend`` (one transaction for the batch). An
        article that is already stored is replaced by one SPARQL update (DROP GRAPH +
        INSERT DATA), which Oxigraph applies as one transaction, so no reader and no
        crash ever sees it half-written. Readers see the batch once it is published.
        """
        existing = self._existing([g for g, _ in batch])
        _summary.mark_changed(self, existing)
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
        self._written([g for g, _ in batch])

    def put_nquads(
        self, batch: Sequence[tuple[str, str]], known: Mapping[str, _summary.Contributions] | None = None
    ) -> None:
        """Replace each graph of ``batch`` with the quads of its N-Quads text, each article atomically.

        The text is read by Oxigraph itself, so no Python quad objects are built: new
        articles go in with one ``load`` of their texts (one transaction for the
        batch); an article already stored is replaced by one SPARQL update, as in
        :meth:`put_articles`. Each text must hold quads of its own graph only, as
        :func:`kg.rdf.extraction_nquads` writes them. ``known``: see :meth:`Store.put_nquads`.
        """
        existing = self._existing([g for g, _ in batch])
        _summary.mark_changed(self, existing)
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
        self._written([g for g, _ in batch], known)

    def _existing(self, graphs: list[str]) -> list[str]:
        return [g for g in graphs if self._store.contains_named_graph(ox.NamedNode(g))]

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        node = ox.NamedNode(graph)
        if not self._store.contains_named_graph(node):
            return False
        _summary.mark_changed(self, [graph])
        self._store.remove_graph(node)
        self._dirty = True
        _summary.sync(self, [graph])
        return True

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update; Oxigraph applies it as one transaction."""
        try:
            self._store.update(sparql)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"update of {self.location} failed: {exc}") from exc
        self._dirty = True

    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's (derived data)."""
        return sorted(name for g in self._store.named_graphs() if (name := _lexical(g)) != SUMMARY_GRAPH)

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad in every named graph but the entity summary's (derived data)."""
        summary = ox.NamedNode(SUMMARY_GRAPH)
        for q in self._store.quads_for_pattern(None, None, None, None):
            if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name != summary:
                yield q

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF; triples go to ``graph``."""
        to_graph = ox.NamedNode(graph) if graph else None
        try:
            quads = list(ox.parse(io.BytesIO(data), fmt.rdf_format, base_iri=None))
        except SyntaxError as exc:
            raise StoreError(f"cannot parse the {fmt.value} data: {exc}") from exc
        if to_graph is not None:
            quads = [ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in quads]
        named = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
        _summary.mark_changed(self, self._existing(named))
        self._store.extend(quads)
        self._dirty = True
        _summary.sync(self)

    def flush(self) -> None:
        """Make sure written data is on disk."""
        self._store.flush()

    def close(self) -> None:
        """Flush, publish what was written since the last snapshot, and release the store."""
        if not self._read_only:
            self._store.flush()
            if self._dirty:
                self.publish()
        del self._store
        if self._held is not None:
            self._held()  # the snapshot may now be pruned


def _triples_text(quads: Iterable[ox.Quad]) -> str:
    # str() of a pyoxigraph term is its N-Triples form, escapes included, so every
    # literal round-trips exactly through SPARQL's INSERT DATA.
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _parse_nquads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text, ox.RdfFormat.N_QUADS))


def _replace_graph(graph: str, quads: Iterable[ox.Quad]) -> str:
    """The one SPARQL update that replaces ``graph`` with ``quads``."""
    return f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(quads)}\n}} }}"


class ServingStore:
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
                elif len(_snapshot_names(self._path)) > 1:
                    prune_snapshots(self._path)
        return self._reader

    def write(self, action: Callable[[EmbeddedStore], T]) -> T:
        """Run ``action`` with a short-lived writer (waiting for another writer to finish) and publish."""
        return self._with_writer(action)

    def _with_writer(self, action: Callable[[EmbeddedStore], T]) -> T:
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
                result = action(writer)
            finally:
                writer.close()
        self._checked = 0.0  # read our own write at once
        return result

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query on the newest snapshot."""
        return self._current().query(sparql)

    def ask(self, sparql: str) -> bool:
        """Run an ASK query on the newest snapshot."""
        return self._current().ask(sparql)

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        return self._current().article_digests(graphs)

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Write ``batch`` through a short-lived writer and publish it."""
        self._with_writer(lambda w: w.put_articles(batch))

    def put_nquads(
        self, batch: Sequence[tuple[str, str]], known: Mapping[str, _summary.Contributions] | None = None
    ) -> None:
        """Write ``batch`` (N-Quads text per graph) through a short-lived writer and publish it."""
        self._with_writer(lambda w: w.put_nquads(batch, known))

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        return self._with_writer(lambda w: w.delete_article(graph))

    def update(self, sparql: str) -> None:
        """Run a SPARQL update through a short-lived writer and publish it."""
        self._with_writer(lambda w: w.update(sparql))

    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's."""
        return self._current().graphs()

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad of the newest snapshot."""
        return self._current().quads()

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF through a short-lived writer."""
        self._with_writer(lambda w: w.load(data, fmt, graph=graph))

    def close(self) -> None:
        """Release the snapshot."""
        with contextlib.suppress(AttributeError):
            self._reader.close()


class RemoteStore:
    """Any SPARQL 1.1 Query/Update endpoint over HTTP (the SPARQL 1.1 Protocol).

    Queries are sent the way every server answers them (:mod:`kg.sparql_http`);
    what differs between servers (Virtuoso's system graphs, its limit on the size
    of one ``INSERT DATA``, blank nodes in ``INSERT DATA``, truncated results) is
    handled here and described in ``docs/SCALE.md``.

    Args:
        query_endpoint: The query URL (credentials may be in it), or parsed endpoints.
        update_endpoint: The update URL (defaults to the query URL).
        user: User name when the URLs carry none (``KG_STORE_USER``).
        password: Its password (``KG_STORE_PASSWORD``); otherwise ``~/.netrc`` is read.
        timeout: Seconds per request.
        retries: Further attempts after a dropped connection or a 502/503/504.
        summarise: Keep the entity summary current (off for cluster workers).
        direct_post: Send long queries as ``application/sparql-query`` bodies.
    """

    def __init__(
        self,
        query_endpoint: str | SparqlEndpoints,
        update_endpoint: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        summarise: bool = True,
        direct_post: bool = False,
    ) -> None:
        if isinstance(query_endpoint, SparqlEndpoints):
            endpoints = query_endpoint
        else:
            endpoints = SparqlEndpoints.parse(query_endpoint, update_endpoint, user=user, password=password)
        self.endpoints = endpoints
        #: The query endpoint without credentials: safe to print.
        self.location = endpoints.query
        #: The update endpoint without credentials.
        self.update_endpoint = endpoints.update
        self._client = SparqlClient(endpoints, timeout=timeout, retries=retries, direct_post=direct_post)
        self._summarise = summarise

    def _select(self, sparql: str) -> list[dict[str, dict[str, str]]]:
        """The bindings of a SELECT query, refusing a result the server cut short."""
        r = self._client.query(sparql, _JSON_RESULTS)
        cut = r.headers.get("x-sparql-maxrows")
        if cut is not None:
            raise _TruncatedError(
                f"the SPARQL endpoint {self.endpoints.label} cut a result at {cut} rows "
                "(Virtuoso's ResultSetMaxRows): raise it in the [SPARQL] section of virtuoso.ini "
                "(docs/SCALE.md)",
                int(cut) if cut.isdigit() else 0,
            )
        bindings: list[dict[str, dict[str, str]]] = r.json()["results"]["bindings"]
        return bindings

    def forward(self, sparql: str, accept: str | None) -> tuple[int, bytes, str]:
        """Send a read-only query as it is and return the server's status, body and media type.

        The raw ``/sparql`` endpoint of ``kg serve`` uses this, so it reaches the server
        the same way (and with the same credentials) as every other query.
        """
        try:
            r = self._client.query(sparql, accept or "*/*", check=False)
        except StoreError as exc:
            return 502, str(exc).encode(), "text/plain; charset=utf-8"
        return r.status_code, r.content, r.headers.get("content-type", "application/octet-stream")

    def _update(self, sparql: str) -> None:
        self._client.update(sparql)

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query and return its rows."""
        return [{k: v["value"] for k, v in b.items()} for b in self._select(sparql)]

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        data = self._client.query(sparql, _JSON_RESULTS).json()
        if "boolean" in data:
            return bool(data["boolean"])
        # Virtuoso 7.2 answers an ASK asked for JSON as a SELECT: one row when true, none when false.
        return bool(data.get("results", {}).get("bindings"))

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        if not graphs:
            return {}
        rows = self.query(
            f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {sparql.iris(graphs)} }} GRAPH ?g {{ ?g <{KG_NS}contentHash> ?h }} }}"
        )
        return {row["g"]: row["h"] for row in rows}

    def _writing(self, graphs: list[str]) -> None:
        """Before graphs are replaced or dropped: the summary keeps what it took from them."""
        if self._summarise:
            _summary.mark_changed(self, graphs)

    def _written(self, graphs: list[str] | None, known: Mapping[str, _summary.Contributions] | None = None) -> None:
        """After articles are written or dropped: the summary takes them in (all articles for ``None``)."""
        if self._summarise:
            _summary.sync(self, graphs, known)

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each graph in one update request per article (DROP GRAPH + INSERT DATA)."""
        self._writing([g for g, _ in batch])
        for g, quads in batch:
            self._update(_remote_write(g, quads, replace=True))
        self._written([g for g, _ in batch])

    def put_nquads(
        self, batch: Sequence[tuple[str, str]], known: Mapping[str, _summary.Contributions] | None = None
    ) -> None:
        """Replace each graph with the quads of its N-Quads text, one update request per article."""
        self._writing([g for g, _ in batch])
        for g, text in batch:
            self._update(_remote_write(g, _parse_nquads(text), replace=True))
        self._written([g for g, _ in batch], known)

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        existed = self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        if existed:
            self._writing([graph])
            self._update(f"DROP SILENT GRAPH <{graph}>")
            self._written([graph])
        return existed

    def update(self, sparql: str) -> None:
        """Send a SPARQL update (one request, which the server applies atomically)."""
        self._update(sparql)

    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's and the server's own."""
        # GROUP BY, not DISTINCT: Virtuoso 7.2 answers this in 0.1 s on 40,000 quads, and
        # `SELECT DISTINCT ?g` not within minutes (the same on Oxigraph).
        rows = self.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        own = {r["g"] for r in self.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g a <{SERVICE}> }} }}")}
        own.update(SERVER_GRAPHS, (SUMMARY_GRAPH,))
        return sorted(g for r in rows if (g := r["g"]) not in own)

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad of :meth:`graphs`, :data:`_GRAPHS_PER_REQUEST` graphs a request.

        A server that caps the rows of a result (Virtuoso's ``ResultSetMaxRows``) gets
        the graphs of a capped request again one by one, in pages of that size.
        """
        names = self.graphs()
        for i in range(0, len(names), _GRAPHS_PER_REQUEST):
            chunk = names[i : i + _GRAPHS_PER_REQUEST]
            values = " ".join(f"<{g}>" for g in chunk)
            try:
                bindings = self._select(
                    f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
                )
            except _TruncatedError as cut:
                if cut.rows < 1:
                    raise
                bindings = [b for g in chunk for b in self._paged(g, cut.rows)]
            for b in bindings:
                subject, predicate, obj = _term(b["s"]), _term(b["p"]), _term(b["o"])
                if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
                    raise StoreError(f"SPARQL endpoint {self.location} returned an invalid quad: {b}")
                yield ox.Quad(subject, predicate, obj, ox.NamedNode(b["g"]["value"]))

    def _paged(self, graph: str, size: int) -> Iterator[dict[str, dict[str, str]]]:
        offset = 0
        while True:
            page = self._select(
                f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ <{graph}> }} GRAPH ?g {{ ?s ?p ?o }} }} "
                f"ORDER BY ?s ?p ?o LIMIT {size} OFFSET {offset}"
            )
            yield from page
            if len(page) < size:
                return
            offset += size

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF, one update request per graph."""
        by_graph: dict[str, list[ox.Quad]] = {}
        for q in ox.parse(io.BytesIO(data), fmt.rdf_format):
            name = graph or _lexical(q.graph_name)
            by_graph.setdefault(name, []).append(q)
        self._writing(sorted(by_graph))
        for g, quads in by_graph.items():
            self._update(_remote_write(g, quads, replace=False))
        self._written(None)

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


class _TruncatedError(StoreError):
    """A server returned fewer rows than the query has (its result-size cap)."""

    def __init__(self, message: str, rows: int) -> None:
        super().__init__(message)
        self.rows = rows


_JSON_RESULTS = "application/sparql-results+json"
#: Graphs fetched per request when a remote store is read whole (export).
_GRAPHS_PER_REQUEST = 200
#: Triples per ``INSERT DATA`` operation. Virtuoso 7.2's SPARQL parser runs out of
#: memory ("SP030 ... memory exhausted") on one operation of about 5,000 triples;
#: several operations in one request are fine, and are one request to every server.
_TRIPLES_PER_OPERATION = 2000
#: Graphs a server keeps for itself, left out of :meth:`RemoteStore.graphs`, exports and
#: statistics: Virtuoso's RDF views and its Linked Data Platform vocabulary. A graph that
#: describes itself as a SPARQL service (Virtuoso's ``http://HOST/sparql``) is left out too.
SERVER_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#")
#: The class of a SPARQL service description (``sd:Service``).
SERVICE = "http://www.w3.org/ns/sparql-service-description#Service"


def _remote_write(graph: str, quads: Sequence[ox.Quad], *, replace: bool) -> str:
    """One update request that (re)writes ``graph``: DROP SILENT GRAPH, then its quads.

    Triples go in ``INSERT DATA`` operations of :data:`_TRIPLES_PER_OPERATION`; those
    with blank nodes all go in one ``INSERT { } WHERE { }``, which every server takes
    (Virtuoso refuses blank nodes in ``INSERT DATA``), so each blank node stays one node.
    """
    ops = [f"DROP SILENT GRAPH <{graph}>"] if replace else []
    plain = [q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)]
    blank = [q for q in quads if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    for i in range(0, len(plain), _TRIPLES_PER_OPERATION):
        chunk = plain[i : i + _TRIPLES_PER_OPERATION]
        ops.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(chunk)}\n}} }}")
    if blank:
        ops.append(f"INSERT {{ GRAPH <{graph}> {{\n{_triples_text(blank)}\n}} }} WHERE {{}}")
    if not ops:
        ops.append(f"INSERT DATA {{ GRAPH <{graph}> {{ }} }}")
    return " ;\n".join(ops)


def _term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of a SPARQL 1.1 JSON results binding."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        # Servers choose their own labels (Virtuoso: ``nodeID://b10001``); keep them
        # distinct and stable within an answer, as valid N-Triples labels.
        return ox.BlankNode("".join(c if c.isascii() and c.isalnum() else "_" for c in value) or "b")
    if kind in {"literal", "typed-literal"}:
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    raise StoreError(f"unsupported term in SPARQL results: {binding}")


def open_store(
    location: str,
    *,
    update_endpoint: str | None = None,
    read_only: bool = False,
    serving: bool = False,
    snapshot_every: float = 5.0,
    user: str | None = None,
    password: str | None = None,
) -> Store:
    """Open the store at ``location``: a directory (embedded) or a SPARQL endpoint URL.

    Args:
        location: A store directory, or the URL of a SPARQL 1.1 query endpoint.
        update_endpoint: The SPARQL 1.1 update endpoint of a remote store.
        read_only: Open an embedded store's newest snapshot read-only; this works while
            another process writes.
        serving: Open an embedded store for a long-running server (:class:`ServingStore`):
            reads follow the snapshots other writers publish, writes lock only briefly.
        snapshot_every: Seconds between snapshots an embedded writer publishes.
        user: A remote store's user when its URLs carry none (``KG_STORE_USER``).
        password: That user's password (``KG_STORE_PASSWORD``).
    """
    if location.startswith(("http://", "https://")):
        return RemoteStore(location, update_endpoint, user=user, password=password)
    if serving:
        return ServingStore(location)
    return EmbeddedStore(location, read_only=read_only, snapshot_every=snapshot_every)


def write_export(store: Store, fmt: ExportFormat, out: IO[bytes]) -> None:
    """Serialize the whole graph to ``out`` with Oxigraph's serializers.

    Dataset formats keep one named graph per article; Turtle and N-Triples get the
    flattened union (duplicates across articles written once).
    """
    if fmt is ExportFormat.JSONLD:
        from kg.exchange import write_jsonld  # compact @context; kg.exchange imports this module

        write_jsonld(store.quads(), out)
        return
    if fmt.is_dataset:
        ox.serialize(store.quads(), out, fmt.rdf_format, prefixes=PREFIXES if fmt is ExportFormat.TRIG else None)
        return
    seen: set[ox.Triple] = set()
    triples: list[ox.Triple] = []
    for q in store.quads():
        t = q.triple
        if t not in seen:
            seen.add(t)
            triples.append(t)
    ox.serialize(_sorted(triples), out, fmt.rdf_format, prefixes=PREFIXES if fmt is ExportFormat.TURTLE else None)


def _sorted(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    # Grouping by subject keeps Turtle compact (one block per subject).
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
