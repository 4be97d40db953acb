"""The one place a write happens: the backend's raw write, the entity summary's upkeep, the snapshot.

Every write to the graph goes through here, whoever asks: ``kg ingest`` and the
in-process, worker-pool and Dask ingests (:mod:`kg.ingest`), ``kg import``, the
GraphQL mutations, ``kg serve`` at start-up and ``kg summarise``. Each write is,
in this order:

1. :func:`kg.summary.mark_changed` on the graphs it replaces or drops (the
   summary keeps what it took from them);
2. the backend's raw write (:meth:`kg.store.Store.write_nquads` and the like),
   each article atomically;
3. :func:`kg.summary.sync` on the graphs written (``known``: contributions found
   before serialising, so nothing is read back);
4. :meth:`kg.store.Store.after_write`: an embedded store publishes a snapshot for
   readers once ``snapshot_every`` seconds have passed (and always when it closes).

All of it runs inside :meth:`kg.store.Store.writing`, which for ``kg serve``'s
store opens a short-lived writer and publishes when it ends. Cluster workers that
write straight to a remote store do step 2 only; their driver calls
:func:`before_external_write` and :func:`after_external_write` around them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import summary
from kg.errors import StoreError
from kg.namespace import KG_NS, SCHEMA, SUMMARY_NS, XSD
from kg.ontology import ONTOLOGY_GRAPH, ontology_digest, ontology_quads

if TYPE_CHECKING:
    from kg.store.base import Store
    from kg.store.export import ExportFormat

__all__ = [
    "after_external_write",
    "before_external_write",
    "delete_article",
    "ensure",
    "load",
    "prepare",
    "put_articles",
    "put_nquads",
    "rebuild",
    "sync",
]


def put_articles(store: Store, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
    """Replace each graph of ``batch`` with its quads, keeping the summary (see the module docstring)."""
    graphs = [g for g, _ in batch]
    with store.writing() as w:
        summary.mark_changed(w, w.stored_graphs(graphs))
        w.write_quads(batch)
        summary.sync(w, graphs)
        w.after_write()


def put_nquads(
    store: Store, batch: Sequence[tuple[str, str]], known: Mapping[str, summary.Contributions] | None = None
) -> None:
    """Replace each graph of ``batch`` with its N-Quads text, keeping the summary.

    ``known``: what some graphs contribute to the summary (:func:`kg.summary.contributions_of`).
    """
    graphs = [g for g, _ in batch]
    with store.writing() as w:
        summary.mark_changed(w, w.stored_graphs(graphs))
        w.write_nquads(batch)
        summary.sync(w, graphs, known)
        w.after_write()


def delete_article(store: Store, graph: str) -> bool:
    """Drop one article's graph, keeping the summary; return whether it existed."""
    with store.writing() as w:
        if not w.has_graph(graph):
            return False
        summary.mark_changed(w, [graph])
        w.drop_graph(graph)
        summary.sync(w, [graph])
        w.after_write()
        return True


def load(store: Store, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
    """Add serialized RDF (triples go to ``graph``), keeping the summary.

    Raises:
        StoreError: The data is not valid ``fmt``.
    """
    try:
        quads = list(ox.parse(io.BytesIO(data), fmt.rdf_format, base_iri=None))
    except SyntaxError as exc:
        raise StoreError(f"cannot parse the {fmt.value} data: {exc}") from exc
    if graph:
        node = ox.NamedNode(graph)
        quads = [ox.Quad(q.subject, q.predicate, q.object, node) for q in quads]
    named = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
    with store.writing() as w:
        summary.mark_changed(w, w.stored_graphs(named))
        w.add_quads(quads)
        summary.sync(w)
        w.after_write()


def before_external_write(store: Store, graphs: Sequence[str]) -> None:
    """Before other processes (cluster workers) replace ``graphs``: the summary keeps what it took from them."""
    summary.mark_changed(store, store.stored_graphs(graphs))


def after_external_write(store: Store, graphs: Sequence[str]) -> None:
    """After other processes wrote ``graphs``: the summary takes them in."""
    summary.sync(store, graphs)


def sync(store: Store) -> int:
    """Bring the summary up to date with every article (after a crash); return the articles taken in."""
    with store.writing() as w:
        return summary.sync(w)


def rebuild(store: Store) -> int:
    """Drop the summary and build it again from every article graph; return the articles taken in."""
    with store.writing() as w:
        return summary.rebuild(w)


def ensure(store: Store) -> int:
    """Build or repair the summary of a store that needs it; return the articles taken in.

    The store (for ``kg serve``: its newest snapshot) is checked first, and a writer
    is opened only when something is dirty.
    """
    if not summary.dirty_articles(store) and not summary.index_stale(store):
        return 0
    with store.writing() as w:
        return summary.sync(w)


#: Marks which ontology files the ontology graph holds: ``<graph> s:loaded "sha256"``.
ONTOLOGY_LOADED = f"{SUMMARY_NS}loaded"

# Stores written before dates became xsd:dateTime hold xsd:date: the day, without its midnight.
_DATED = (
    f"VALUES ?p {{ <{SCHEMA}datePublished> <{KG_NS}start> <{KG_NS}end> }}"
    f" GRAPH ?g {{ ?s ?p ?o }} FILTER(DATATYPE(?o) = <{XSD}date>)"
)
_OLD_DATES = f"ASK {{ {_DATED} }}"
#: Old dates rewritten by one update request at most.
_UPGRADE_CHUNK = 2000


def _upgrade_dates(store: Store) -> int:
    """Rewrite every ``xsd:date`` of ``schema:datePublished``, ``kg:start`` and ``kg:end`` as midnight's ``xsd:dateTime``.

    The old and new quads are named one by one (DELETE DATA / INSERT DATA), which
    every SPARQL server applies the same way; returns how many dates were rewritten.
    """
    rows = store.query(f"SELECT ?g ?s ?p ?o WHERE {{ {_DATED} }}")
    for i in range(0, len(rows), _UPGRADE_CHUNK):
        old, new = [], []
        for r in rows[i : i + _UPGRADE_CHUNK]:
            g, s, p = (ox.NamedNode(r[k]) for k in ("g", "s", "p"))
            was = ox.Literal(r["o"], datatype=ox.NamedNode(f"{XSD}date"))
            now = ox.Literal(r["o"][:10] + "T00:00:00", datatype=ox.NamedNode(f"{XSD}dateTime"))
            old.append(f"GRAPH {g} {{ {s} {p} {was} }}")
            new.append(f"GRAPH {g} {{ {s} {p} {now} }}")
        store.update("DELETE DATA { " + " ".join(old) + " } ;\nINSERT DATA { " + " ".join(new) + " }")
    return len(rows)


def prepare(store: Store) -> list[str]:
    """Bring a store kg opens for writing up to date; return what was done (nothing, usually).

    * The ontology graph (:data:`kg.ontology.ONTOLOGY_GRAPH`) holds the current
      ``kg.ttl`` and ``event-types.ttl``, loaded again whenever the files change
      (their digest is kept in the graph); it is not an article.
    * Dates written as ``xsd:date`` by earlier versions become the ``xsd:dateTime`` of
      the day's midnight, which OWL 2 reasoners accept (the same day for every reader);
      a remote store reads them so instead (:attr:`kg.store.Store.upgrades_dates`).

    Two ASK queries when nothing is to do; a writer is opened only otherwise.
    """
    digest = ontology_digest()
    loaded = store.ask(f'ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> <{ONTOLOGY_LOADED}> "{digest}" }} }}')
    old_dates = store.upgrades_dates and store.ask(_OLD_DATES)
    done: list[str] = []
    if loaded and not old_dates:
        return done
    with store.writing() as w:
        if old_dates:
            n = _upgrade_dates(w)
            done.append(f"{n} date(s) upgraded from xsd:date to xsd:dateTime")
        if not loaded:
            node = ox.NamedNode(ONTOLOGY_GRAPH)
            marker = ox.Quad(node, ox.NamedNode(ONTOLOGY_LOADED), ox.Literal(digest), node)
            w.write_quads([(ONTOLOGY_GRAPH, [*ontology_quads(), marker])])
            done.append("ontology graph loaded")
        # No snapshot of its own: readers see it with the next write's, or when the writer
        # closes (an embedded store publishes then; a serving store's writer ends here).
    return done
