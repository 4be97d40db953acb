"""Extraction on a Dask cluster, for corpora one machine cannot keep up with.

The driver (this process) reads the articles, asks the store which are already
stored unchanged, and sends the rest in chunks to the cluster, where each task runs
:func:`kg.workers.extract_chunk` (a pure function of the articles). Then, either:

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
    from kg.distributed import ingest_on_dask
    from kg.read import read_paths
    from kg.settings import Settings
from kg.sparql_http import SparqlEndpoints
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
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kg import summary
from kg.errors import ConfigError, InputError
from kg.ingest import Identity, IngestReport, batches, triage
from kg.rdf import article_iri
from kg.records import Article
from kg.settings import Settings
from kg.sparql_http import SparqlEndpoints
from kg.store import RemoteStore
from kg.workers import Extracted, extract_chunk

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["ChunkResult", "extract_and_store", "ingest_on_dask"]

#: (article id, mentions, entities, events, relations, quads) for each stored article.
ChunkResult = list[tuple[str, int, int, int, int, int]]


def extract_and_store(
    articles: list[Article],
    base: str,
    when: datetime,
    query_endpoint: str | SparqlEndpoints,
    update_endpoint: str | None,
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
        store.put_nquads([(x.graph, x.nquads) for x in done])
    finally:
        store.close()
    return _counts(done)


def _counts(done: Iterable[Extracted]) -> ChunkResult:
    return [
        (
            x.extraction.article.id,
            len(x.extraction.mentions),
            len(x.extraction.entities),
            len(x.extraction.events),
            len(x.extraction.relations),
            x.quad_count,
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
    resolve: bool = True,
    merge_log: Path | None = None,
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
    identify = Identity(store, base, when, merge_log) if resolve else None
    ingested: list[str] = []
    unchanged: list[str] = []
    rejected: list[InputError] = []
    totals = [0, 0, 0, 0, 0]
    seen: dict[str, Article] = {}
    # Each pending chunk, as a call that waits for its task and returns its counts.
    pending: deque[Callable[[], ChunkResult]] = deque()

    def write(identify: Identity, future: Future[list[Extracted]]) -> ChunkResult:
        return _counts(identify.write(future.result()))

    def collect(wait: Callable[[], ChunkResult]) -> None:
        rows = wait()
        for article_id, *counts in rows:
            ingested.append(article_id)
            for i, n in enumerate(counts):
                totals[i] += n
        if identify is None:  # the entity summary takes in what the workers wrote
            summary.sync(store, [article_iri(base, r[0]) for r in rows])

    for chunk in batches(items, chunk_size):
        triaged = triage(chunk, store, base, seen)
        todo = triaged.todo
        unchanged.extend(triaged.unchanged)
        rejected.extend(triaged.rejected)
        if todo and identify is not None:
            extracting: Future[list[Extracted]] = client.submit(extract_chunk, todo, base, when, pure=False)
            pending.append(partial(write, identify, extracting))
        elif todo:
            # The workers cannot mark what they replace for the entity summary: the driver does.
            summary.mark_changed(store, [article_iri(base, a.id) for a in todo])
            storing: Future[ChunkResult] = client.submit(
                extract_and_store, todo, base, when, store.endpoints, None, pure=False
            )
            pending.append(storing.result)
        while len(pending) > in_flight:
            collect(pending.popleft())
    while pending:
        collect(pending.popleft())
    if identify is not None:
        identify.finish()  # types decided over the whole run rewrite the articles they change
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
