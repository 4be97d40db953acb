"""The in-memory networkx projection of the knowledge graph.

Nodes are entities and events; edges come from relations between entities and from
the roles entities play in events. Articles and mentions are not nodes: two
entities named in the same article are not thereby connected.

The graph is a simple undirected :class:`networkx.Graph`. Everything said about a
pair of nodes is kept on their one edge as a list of facts, one per (predicate,
direction, article), so parallel relations stay distinct, filters can look at each
of them, and removing an article removes exactly the facts it supported. A
:class:`networkx.MultiGraph` with one edge per fact holds the same information; on
``bench/analytics.py`` it took 640 bytes per edge against 458 for this layout and
was no faster (see ``docs/BENCHMARKS.md``).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx

from kg.analytics._model import EVENT, Filters, Link, NodeInfo
from kg.analytics._sources import ArticleFacts, Decl, SparqlSource, extraction_facts, read_store
from kg.errors import NotFoundError
from kg.rdf import DEFAULT_BASE
from kg.records import EntityType, Extraction

__all__ = ["Fact", "Projection"]

T = TypeVar("T")

#: Entity types by the first segment of a key, for nodes only referred to.
_BY_SLUG = {t.slug: t.value for t in EntityType}


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement about an edge, as supported by one article.

    Attributes:
        predicate: The relation's or role's local name.
        source: The subject of the relation, or the event of a role.
        article: The id of the supporting article.
        confidence: The article's confidence in it.
        lo: First day it is dated to, or ``None`` when undated.
        hi: Last day it is dated to, or ``None`` when undated.
    """

    predicate: str
    source: str
    article: str
    confidence: float
    lo: str | None
    hi: str | None

    def passes(self, min_confidence: float, window: tuple[str, str] | None) -> bool:
        """Whether the fact meets a confidence floor and overlaps a time window."""
        if self.confidence < min_confidence:
            return False
        if window is None:
            return True
        return self.lo is not None and self.hi is not None and self.lo <= window[1] and window[0] <= self.hi


def _undeclared(key: str) -> Decl:
    slug, _, rest = key.partition("/")
    if slug == "event":
        return ("event", EVENT, key)
    return ("entity", _BY_SLUG.get(slug, "Entity"), (rest or key).rsplit("/", 1)[-1])


class Projection:
    """The knowledge graph's entities and events as a networkx graph, kept up to date.

    Build it once with :meth:`from_store` at start-up, then call :meth:`add_extraction`
    on ingest and :meth:`remove_article` on delete. Whole-graph measures are cached
    by the query functions and dropped whenever :attr:`version` changes.

    Node attributes are ``kind`` (``"entity"``/``"event"``), ``type`` and ``label``;
    each edge has ``facts``, a list of :class:`Fact`. Treat :attr:`graph` as read-only
    and hold :attr:`lock` while reading it from another thread.

    >>> p = Projection()
    >>> len(p), p.version
    (0, 0)
    """

    def __init__(self) -> None:
        self.graph: nx.Graph = nx.Graph()
        self.lock = threading.RLock()
        self.version = 0
        # how many articles declare each (kind, type, label) of a node: picking its
        # label then costs O(distinct names), not O(articles that mention it)
        self._tally: dict[str, Counter[Decl]] = {}
        # one copy of each distinct declaration, shared by every article that makes it
        self._pool: dict[Decl, Decl] = {}
        # per article: the nodes it declared, how, and the node pairs it has facts on
        self._articles: dict[str, tuple[tuple[str, ...], tuple[Decl, ...], tuple[tuple[str, str], ...]]] = {}
        self._cache: dict[Hashable, Any] = {}
        self._cache_version = 0

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return int(self.graph.number_of_nodes())

    def __contains__(self, key: object) -> bool:
        return key in self.graph

    @property
    def articles(self) -> frozenset[str]:
        """The ids of the articles the projection holds."""
        return frozenset(self._articles)

    def number_of_edges(self) -> int:
        """The number of connected node pairs."""
        return int(self.graph.number_of_edges())

    def require(self, key: str) -> None:
        """Raise :class:`NotFoundError` unless ``key`` is a node."""
        if key not in self.graph:
            raise NotFoundError("entity or event", key)

    def node(self, key: str) -> NodeInfo:
        """Return what is known about a node.

        Raises:
            NotFoundError: No entity or event has that key.
        """
        self.require(key)
        d = self.graph.nodes[key]
        return NodeInfo(key, d["kind"], d["type"], d["label"])

    def links(self, u: str, v: str) -> tuple[Link, ...]:
        """Return the relations and roles between two nodes, merged over articles.

        Raises:
            NotFoundError: A key names no node.
        """
        self.require(u)
        self.require(v)
        data = self.graph.get_edge_data(u, v)
        return _links(u, v, data["facts"]) if data else ()

    def node_type_ok(self, types: frozenset[str] | None) -> Callable[[str], bool]:
        """Return a predicate telling whether a node has one of ``types`` (``None``: any)."""
        nodes = self.graph.nodes
        if types is None:
            return lambda _key: True
        events = EVENT in types

        def ok(key: str) -> bool:
            d = nodes[key]
            return (events and d["kind"] == "event") or d["type"] in types

        return ok

    def edge_ok(self, filters: Filters) -> Callable[[str, str], bool]:
        """Return a predicate telling whether an edge has a fact that passes ``filters``."""
        adj = self.graph._adj
        floor, window = filters.min_confidence, filters.window
        if floor <= 0.0 and window is None:
            return lambda _u, _v: True

        def ok(u: str, v: str) -> bool:
            return any(f.passes(floor, window) for f in adj[u][v]["facts"])

        return ok

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return the value cached under ``key`` for this version, computing it if needed.

        ``compute`` runs without :attr:`lock` held (it takes the lock itself for as long
        as it reads the graph), so a slow measure does not hold up ingest; its result
        is cached only if the graph did not change meanwhile.
        """
        with self.lock:
            self._sync_cache()
            if key in self._cache:
                hit: T = self._cache[key]
                return hit
            version = self.version
        value = compute()
        with self.lock:
            self._sync_cache()
            if self.version == version:
                value = self._cache.setdefault(key, value)
        return value

    def snapshot(self) -> nx.Graph:
        """Return a copy of the graph's structure, without attributes, for long computations.

        Notes:
            O(V + E), under :attr:`lock`.
        """
        with self.lock:
            copy = nx.Graph()
            copy.add_nodes_from(self.graph)
            copy.add_edges_from(self.graph.edges())
            return copy

    def _sync_cache(self) -> None:
        if self._cache_version != self.version:
            self._cache.clear()
            self._cache_version = self.version

    # ----------------------------------------------------------------- building

    @classmethod
    def from_extractions(cls, extractions: Iterable[Extraction]) -> Projection:
        """Build a projection from extraction records (tests, benchmarks, small imports)."""
        p = cls()
        for x in extractions:
            p.add_extraction(x)
        return p

    @classmethod
    def from_store(cls, store: SparqlSource, base: str = DEFAULT_BASE) -> Projection:
        """Build the projection from every article graph in a store.

        Args:
            store: Answers SPARQL SELECT queries with rows of lexical values.
            base: The data base IRI the store's entities are minted under.

        Returns:
            A projection equal to adding each stored article's extraction in turn.

        Notes:
            Five SELECT queries, each linear in the matching triples; building is
            O(F) for F facts.
        """
        p = cls()
        for article_id, facts in read_store(store, base).items():
            p._add(article_id, facts)
        return p

    def add_extraction(self, x: Extraction) -> None:
        """Add (or replace) what one article says.

        Notes:
            O(e + n) for the e relations and roles and n entities and events of the
            article, plus a replaced version's removal.
        """
        with self.lock:
            self._remove(x.article.id)
            self._add(x.article.id, extraction_facts(x))

    def remove_article(self, article_id: str) -> bool:
        """Remove every fact only ``article_id`` supported; return whether it was held.

        Nodes nothing else declares or links are removed with it.

        Notes:
            O(e + n) for the article's e facts and n nodes.
        """
        with self.lock:
            return self._remove(article_id)

    def _add(self, article_id: str, a: ArticleFacts) -> None:
        g = self.graph
        # callers remove an article before adding it again, so nothing here is counted twice
        decls: list[Decl] = []
        for key, decl in a.nodes.items():
            shared = self._pool.setdefault(decl, decl)
            self._tally.setdefault(key, Counter())[shared] += 1
            decls.append(shared)
            self._refresh_node(key)
        pairs: list[tuple[str, str]] = []
        for (source, target, predicate), (confidence, lo, hi) in a.facts.items():
            for key in (source, target):
                if key not in g:
                    self._refresh_node(key)
            fact = Fact(predicate, source, article_id, confidence, lo, hi)
            data = g._adj[source].get(target)
            if data is None:
                g.add_edge(source, target, facts=[fact])
            else:
                data["facts"].append(fact)
            pairs.append((source, target))
        self._articles[article_id] = (tuple(a.nodes), tuple(decls), tuple(pairs))
        self.version += 1

    def _remove(self, article_id: str) -> bool:
        held = self._articles.pop(article_id, None)
        if held is None:
            return False
        g = self.graph
        nodes, decls, pairs = held
        touched: set[str] = set()
        for u, v in pairs:
            data = g._adj[u].get(v)
            if data is None:
                continue
            kept = [f for f in data["facts"] if f.article != article_id]
            if kept:
                data["facts"] = kept
            else:
                g.remove_edge(u, v)
            touched.update((u, v))
        for key, decl in zip(nodes, decls, strict=True):
            tally = self._tally[key]
            tally[decl] -= 1
            if tally[decl] <= 0:
                del tally[decl]
            if not tally:
                del self._tally[key]
            if key in g and (key in self._tally or g._adj[key]):
                self._refresh_node(key)
            touched.add(key)
        for key in touched:
            if key in g and key not in self._tally and not g._adj[key]:
                g.remove_node(key)
        self.version += 1
        return True

    def _refresh_node(self, key: str) -> None:
        tally = self._tally.get(key)
        if not tally:
            kind, type_, label = _undeclared(key)
        else:
            kind = "event" if any(d[0] == "event" for d in tally) else "entity"
            types: Counter[str] = Counter()
            labels: Counter[str] = Counter()
            for (_, t, name), count in tally.items():
                types[t] += count
                labels[name] += count
            type_, label = _most_common(types), _most_common(labels)
        g = self.graph
        if key in g:
            g.nodes[key].update(kind=kind, type=type_, label=label)
        else:
            g.add_node(key, kind=kind, type=type_, label=label)


def _most_common(counts: Counter[str]) -> str:
    # most often seen, then the longest, then the first in sort order: stable whatever the order of ingest
    return min(counts, key=lambda v: (-counts[v], -len(v), v))


def _links(u: str, v: str, facts: list[Fact]) -> tuple[Link, ...]:
    merged: dict[tuple[str, str], tuple[float, set[str]]] = {}
    for f in facts:
        conf, arts = merged.get((f.source, f.predicate), (0.0, set()))
        arts.add(f.article)
        merged[(f.source, f.predicate)] = (max(conf, f.confidence), arts)
    out = [
        Link(source, v if source == u else u, predicate, conf, tuple(sorted(arts)))
        for (source, predicate), (conf, arts) in merged.items()
    ]
    return tuple(sorted(out, key=lambda link: (link.source, link.predicate, link.target)))
