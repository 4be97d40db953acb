"""Where the graph lives: embedded Oxigraph on disk, or any SPARQL 1.1 endpoint.

Every backend implements :class:`Store` (:mod:`kg.store.base`):

* :class:`EmbeddedStore` (:mod:`kg.store.embedded`): Oxigraph in a directory, one
  writer process at a time, read-only snapshots for readers;
* :class:`ServingStore` (:mod:`kg.store.serving`): the embedded store as ``kg serve``
  holds it, reading the newest snapshot and writing briefly;
* :class:`RemoteStore` (:mod:`kg.store.remote`): a SPARQL 1.1 Query/Update endpoint,
  reached with :mod:`kg.store.sparql_http`.

Every write goes through :mod:`kg.store.writer` (raw write, entity summary,
snapshot); :mod:`kg.store.export` writes the whole graph out. :func:`open_store`
picks the backend from a location and, for a store opened for writing, loads the
ontology graph (:data:`kg.ontology.ONTOLOGY_GRAPH`) and upgrades dates written by
earlier versions (:func:`kg.store.writer.prepare`).
"""

from __future__ import annotations

import logging

from kg.errors import StoreError, StoreLockedError
from kg.store import writer
from kg.store.base import Row, Store, Told
from kg.store.embedded import SNAPSHOTS, EmbeddedStore, latest_snapshot, prune_snapshots
from kg.store.export import ExportFormat, write_export
from kg.store.remote import SERVER_GRAPHS, SERVICE, RemoteStore
from kg.store.serving import ServingStore

__all__ = [
    "SERVER_GRAPHS",
    "SERVICE",
    "SNAPSHOTS",
    "EmbeddedStore",
    "ExportFormat",
    "RemoteStore",
    "Row",
    "ServingStore",
    "Store",
    "Told",
    "latest_snapshot",
    "open_store",
    "prune_snapshots",
    "write_export",
]

_log = logging.getLogger(__name__)


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

    A store opened for writing (not ``read_only``) is brought up to date first
    (:func:`kg.store.writer.prepare`): the ontology graph, and dates of earlier versions.

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
    store: Store
    if location.startswith(("http://", "https://")):
        store = RemoteStore(location, update_endpoint, user=user, password=password)
        writable = not read_only and store.update_endpoint is not None
    elif serving:
        store = ServingStore(location)
        writable = True
    else:
        store = EmbeddedStore(location, read_only=read_only, snapshot_every=snapshot_every)
        writable = not read_only
    if writable:
        _prepare(store, serving=serving)
    return store


def _prepare(store: Store, *, serving: bool) -> None:
    """Load the ontology graph and upgrade old dates (:func:`kg.store.writer.prepare`).

    A server serves a store it cannot write as it is: one another process is writing
    (a running ``kg ingest``, which does it), or a SPARQL endpoint that refuses updates.
    """
    try:
        done = writer.prepare(store)
    except StoreError as exc:
        if not serving:
            store.close()
            raise
        why = "another process is writing it" if isinstance(exc, StoreLockedError) else str(exc)
        _log.warning("the store's ontology graph was not checked: %s", why)  # no location: it may hold a token
        return
    except BaseException:
        store.close()
        raise
    for what in done:
        _log.info("store opened for writing: %s", what)
