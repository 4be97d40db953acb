"""Extraction on a Dask cluster, for corpora one machine cannot keep up with.

The driver (this process) reads the articles, asks the store which are already
stored unchanged, and sends the rest in chunks to the cluster. Each task runs
:func:`kg.workers.extract_chunk` (a pure function of the articles) and writes its
articles straight to the remote SPARQL store, one atomic update per article, so
the driver never becomes the bottleneck and a lost task can simply run again.

Usage, with a scheduler already running (``dask scheduler`` / ``dask worker``,
every worker with kg and its model installed)::

    from distributed import Client
    from kg.distributed import ingest_on_dask
    from kg.read import read_paths
    from kg.settings import Settings
    from kg.store import RemoteStore

    settings = Settings.load(store="http://db:7878/query", update_endpoint="http://db:7878/update")
    store = RemoteStore(settings.store, settings.update_endpoint)
    with Client("tcp://scheduler:8786") as client:
        report = ingest_on_dask(read_paths(["corpus/"]), client, store, settings)

Dask (``dask`` and ``distributed``) is needed only here; kg does not import it
anywhere else.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kg import summary
from kg.errors import ConfigError, InputError
from kg.ingest import IngestReport, batches, triage
from kg.records import Article
from kg.settings import Settings
from kg.store import RemoteStore
from kg.workers import extract_chunk, parse_nquads

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["ChunkResult", "extract_and_store", "ingest_on_dask"]

#: (article id, mentions, entities, events, relations, quads) for each stored article.
ChunkResult = list[tuple[str, int, int, int, int, int]]


def extract_and_store(
    articles: list[Article], base: str, when: datetime, query_endpoint: str, update_endpoint: str
) -> ChunkResult:
    """Extract ``articles`` and write each to the SPARQL store (runs on a cluster worker).

    Each article is written with one DROP GRAPH + INSERT DATA request, so running
    the same task twice (a retried task) leaves the same graph.

    Returns:
        Counts per article, for the driver's report.
    """
    # Workers leave the entity summary to the driver: one writer of it, no races.
    store = RemoteStore(query_endpoint, update_endpoint, summarise=False)
    try:
        done = extract_chunk(articles, base, when)
        store.put_articles([(x.graph, parse_nquads(x.nquads)) for x in done])
    finally:
        store.close()
    return [
        (
            x.extraction.article.id,
            len(x.extraction.mentions),
            len(x.extraction.entities),
            len(x.extraction.events),
            len(x.extraction.relations),
            x.nquads.count("\n"),
        )
        for x in done
    ]


def ingest_on_dask(
    items: Iterable[Article | InputError],
    client: Client,
    store: RemoteStore,
    settings: Settings,
    *,
    chunk_size: int = 16,
    in_flight: int = 64,
) -> IngestReport:
    """Ingest articles with extraction and writes spread over a Dask cluster.

    Args:
        items: Articles, and errors standing for inputs that could not be read.
        client: A connected ``distributed.Client``.
        store: The remote store every worker writes to (workers must reach its endpoints).
        settings: The base IRI.
        chunk_size: Articles per task.
        in_flight: Tasks submitted ahead of the oldest unfinished one (bounds memory).

    Returns:
        The same report as :func:`kg.ingest.ingest_articles`, in input order.

    Raises:
        ConfigError: ``store`` is not a remote store (cluster workers cannot share an
            embedded store directory).
    """
    if not isinstance(store, RemoteStore):
        raise ConfigError(f"distributed ingest needs a remote SPARQL store, not {type(store).__name__}")
    base = settings.base_iri
    when = datetime.now(UTC)
    ingested: list[str] = []
    unchanged: list[str] = []
    rejected: list[InputError] = []
    totals = [0, 0, 0, 0, 0]
    seen: set[str] = set()
    pending: deque[Future[ChunkResult]] = deque()

    def collect(future: Future[ChunkResult]) -> None:
        for article_id, *counts in future.result():
            ingested.append(article_id)
            for i, n in enumerate(counts):
                totals[i] += n
        summary.sync(store)  # the entity summary takes in what the workers wrote

    for chunk in batches(items, chunk_size):
        triaged = triage(chunk, store, base, seen)
        todo = triaged.todo
        unchanged.extend(triaged.unchanged)
        rejected.extend(triaged.rejected)
        if todo:
            pending.append(
                client.submit(extract_and_store, todo, base, when, store.location, store.update_endpoint, pure=False)
            )
        while len(pending) > in_flight:
            collect(pending.popleft())
    while pending:
        collect(pending.popleft())
    mentions, entities, events, relations, quads = totals
    return IngestReport(
        ingested=tuple(ingested),
        unchanged=tuple(unchanged),
        rejected=tuple(rejected),
        mentions=mentions,
        entities=entities,
        events=events,
        relations=relations,
        quads=quads,
    )
