"""Extraction on a Dask cluster, for corpora one machine cannot keep up with.

The driver (this process) reads the articles, asks the store which are already
stored unchanged, and sends the rest in chunks to the cluster, where each task runs
:func:`kg.ingest.workers.extract_chunk` (a pure function of the articles). Then, either:

* ``resolve=True`` (the default): the tasks return their extractions and the driver
  identifies entities and events across articles (:class:`kg.ingest.Identity`, the
  same step as a local ``kg ingest``) and writes each chunk, in input order. The
  result is the store a local ingest would build; the driver is the single writer.
* ``resolve=False``: each task writes its articles straight to the remote SPARQL
  store, one atomic update per article, so the driver never becomes the bottleneck
  and a lost task can simply run again; names are not merged across articles
  (an entity's IRI still comes from its name, so identical spellings meet).

Usage, with a scheduler already running (``dask scheduler`` / ``dask worker``,
every worker with kg and its model installed)::

    from distributed import Client
    from kg.ingest.distributed import ingest_on_dask
    from kg.ingest.sources import read_paths
    from kg.settings import Settings
    from kg.store import RemoteStore

    settings = Settings.load(store="http://db:7878/query", update_endpoint="http://db:7878/update")
    store = RemoteStore(settings.store, settings.update_endpoint)
    with Client("tcp://scheduler:8786") as client:
        report = ingest_on_dask(read_paths(["corpus/"]), client, store, settings)

The batch loop is the local ingest's (:func:`kg.ingest.run_batches`): triage,
identity, writes and counts are the same; only where extraction runs differs.
Dask (``dask`` and ``distributed``) is needed only here; kg does not import it
anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ConfigError, InputError
from kg.ingest.run import Identity, IngestReport, Pending, run_batches
from kg.ingest.workers import Extracted, Stored, extract_chunk
from kg.records import Article
from kg.settings import Settings
from kg.store import RemoteStore
from kg.store.sparql_http import SparqlEndpoints

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["DaskExtractor", "extract_and_store", "ingest_on_dask"]


def extract_and_store(
    articles: list[Article],
    base: str,
    when: datetime,
    query_endpoint: str | SparqlEndpoints,
    update_endpoint: str | None,
) -> list[Stored]:
    """Extract ``articles`` and write each to the SPARQL store (runs on a cluster worker).

    Each article is written with one DROP GRAPH + INSERT DATA request, so running
    the same task twice (a retried task) leaves the same graph. The write is raw:
    the driver keeps the entity summary (one writer of it, no races).

    Returns:
        What each article stored, for the driver's report.
    """
    store = RemoteStore(query_endpoint, update_endpoint)
    try:
        done = extract_chunk(articles, base, when)
        store.write_nquads([(x.graph, x.nquads) for x in done])
    finally:
        store.close()
    return [x.stored for x in done]


class DaskExtractor:
    """Extraction on a Dask cluster, one task per batch (:class:`kg.ingest.Extractor`).

    Args:
        client: A connected ``distributed.Client``.
        in_flight: Tasks submitted ahead of the oldest unfinished one (bounds memory).
        endpoints: Where the workers write, when they write themselves (``None``:
            they return their extractions to the driver).
    """

    def __init__(self, client: Client, in_flight: int, endpoints: SparqlEndpoints | None = None) -> None:
        self._client = client
        self.ahead = in_flight
        self._endpoints = endpoints

    @property
    def writes(self) -> bool:
        """Whether the workers write their articles themselves."""
        return self._endpoints is not None

    def start(self, todo: list[Article], base: str, when: datetime) -> Pending:
        """Submit one task for ``todo``; return its result's waiter."""
        if self._endpoints is None:
            extracting: Future[list[Extracted]] = self._client.submit(extract_chunk, todo, base, when, pure=False)
            return extracting.result
        storing: Future[list[Stored]] = self._client.submit(
            extract_and_store, todo, base, when, self._endpoints, None, pure=False
        )
        return storing.result

    def close(self) -> None:
        """Nothing to stop: the client belongs to the caller."""


def ingest_on_dask(
    items: Iterable[Article | InputError],
    client: Client,
    store: RemoteStore,
    settings: Settings,
    *,
    chunk_size: int = 16,
    in_flight: int = 64,
    resolve: bool = True,
    merge_log: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest articles with extraction (and, without ``resolve``, writes) spread over a Dask cluster.

    Args:
        items: Articles, and errors standing for inputs that could not be read.
        client: A connected ``distributed.Client``.
        store: The remote store (without ``resolve``, every worker must reach its endpoints).
        settings: The base IRI.
        chunk_size: Articles per task.
        in_flight: Tasks submitted ahead of the oldest unfinished one (bounds memory).
        resolve: Identify entities and events across articles in the driver before
            writing, as a local ingest does; ``False`` lets the workers write directly.
        merge_log: Where the driver logs entity merges (default ``./kg-merges.jsonl``,
            see :func:`kg.identity.merge_log_path`).
        progress: Called with the number of inputs handled after each chunk.

    Returns:
        The same report as :func:`kg.ingest.ingest_articles`, in input order.

    Raises:
        ConfigError: ``store`` is not a remote store (cluster workers cannot share an
            embedded store directory).
    """
    if not isinstance(store, RemoteStore):
        raise ConfigError(f"distributed ingest needs a remote SPARQL store, not {type(store).__name__}")
    when = datetime.now(UTC)
    identify = Identity(store, settings.base_iri, when, merge_log) if resolve else None
    extractor = DaskExtractor(client, in_flight, None if resolve else store.endpoints)
    return run_batches(
        items, store, settings, extractor, batch=chunk_size, identify=identify, progress=progress, when=when
    )
