"""A materialised summary of every entity and relationship, kept beside the article graphs.

Articles describe an entity once each, so merging those descriptions at query time
costs as much as the entity is mentioned (a hub place: hundreds of articles). The
summary holds the merged view once, in its own named graph (:data:`SUMMARY_GRAPH`),
under an internal vocabulary (:data:`SUMMARY_NS`) that no article uses, so no query
over article graphs ever matches it:

===============================  ==================================================
``<entity> s:type <class>``      ``kg:Person``, ``kg:Organisation`` or ``kg:Place``
``<entity> s:label "..."``       every ``rdfs:label`` seen (the read model picks one)
``<entity> s:alias "..."``       every ``skos:altLabel`` seen
``<entity> s:sameAs <iri>``      every ``skos:exactMatch``
``<entity> s:lat / s:long``      coordinates
``<entity> s:confidence``        the highest confidence any article gives it
``<entity> s:mentions``          mentions of it over all articles
``<rel> s:subject/predicate/object``  one relationship (``<rel>`` hashes the triple)
``<rel> s:confidence``           its highest confidence
``<rel> s:evidence``             how many evidence spans state it
``<rel> s:statement <st>``       each reified statement of it (where its evidence is)
``<article> s:recorded true``    the article has a record (the summary took it in)
``<article> s:hash "..."``       the content hash the summary reflects
``<article> s:touches <iri>``    what the article said when it was marked changed
``<graph> s:version "3"``        the summary is maintained, in this format
===============================  ==================================================

:func:`sync` brings the summary up to date with the article graphs: articles
without a record are *fresh* and their contributions are merged into the stored
summary (O(article), so a bulk ingest costs what it writes). A fresh article's
contributions can be found in its quads where they are built
(:func:`contributions_of`, in the extracting worker), so its write reads nothing
back. Before a graph is replaced, rewritten or dropped, :func:`mark_changed`
records what it touches and drops its hash; the next sync finds it *changed* and
recomputes everything it touched, before and after, from all article graphs. A
graph whose record disagrees with it without that mark was written behind kg's
back, and the summary is rebuilt. Each step is one SPARQL update, records
included, so a step is all or nothing; a crash between an article write and its
sync leaves the article without a matching record, which the next full
:func:`sync` finds and repairs. The writer (:mod:`kg.store.writer`) calls :func:`sync` after every write
with the graphs written, so the check costs what the write touched, not the
store's size; the full check (every article's record, linear in
the article count) runs at the end of ``kg ingest``, when ``kg serve`` starts and
with ``kg summarise``.

Beside the summary, :func:`sync` keeps the *read index* (:mod:`kg.summary._index`):
SQLite tables next to an embedded store with the orders, per-entity lists,
counters and text index the API's lists, counts and search read, so that none of
them scans the article graphs.
"""

from __future__ import annotations

from kg.summary._contributions import Contributions, contributions_of
from kg.summary._index import ReadIndex, index_path, index_stale, read_index, rebuild_index, sync_index
from kg.summary._model import (
    SUMMARY_GRAPH,
    SUMMARY_NS,
    EntitySummary,
    RelationshipSummary,
    read_entities,
    read_relationships,
    rel_iri,
    relationships_by_iri,
)
from kg.summary._sync import Dirty, dirty_articles, mark_changed, rebuild, sync

__all__ = [
    "SUMMARY_GRAPH",
    "SUMMARY_NS",
    "Contributions",
    "Dirty",
    "EntitySummary",
    "ReadIndex",
    "RelationshipSummary",
    "contributions_of",
    "dirty_articles",
    "index_path",
    "index_stale",
    "mark_changed",
    "read_entities",
    "read_index",
    "read_relationships",
    "rebuild",
    "rebuild_index",
    "rel_iri",
    "relationships_by_iri",
    "sync",
    "sync_index",
]
