"""Graph analytics over a networkx projection of the knowledge graph.

The projection (:class:`Projection`) holds entities and events as nodes and the
relations and event roles between them as edges; it is built from the store at
start-up and updated on every ingest and delete. The queries are plain functions
that take it, NetworkX style, and return frozen records. A server keeps one
projection for its lifetime::

    projection = Projection.from_store(store, base)      # at start-up
    projection.add_extraction(extraction)                # after each ingest
    projection.remove_article(article_id)                # after each delete

    shortest_path(projection, "person/a", "place/b", max_length=4)
    centrality(projection, "pagerank", types={"Person"}, first=10)
    ego_network(projection, "person/a", depth=2, max_nodes=500)
    hub_summary(projection, "place/b")                   # aggregated, for the explorer

Unknown keys raise :class:`kg.errors.NotFoundError`; bad arguments raise
:class:`kg.errors.ConfigError` naming the value and the valid ones.

>>> from kg.analytics import Projection, centrality
>>> centrality(Projection(), "pagerank").ranked
()
"""

from __future__ import annotations

from kg.analytics._hub import HubSummary, Neighbour, hub_summary
from kg.analytics._measures import (
    EXACT_THRESHOLD,
    SAMPLES,
    SEED,
    centrality,
    communities,
    eigenvector,
    pagerank,
    sampled_closeness,
    time_sliced_centrality,
)
from kg.analytics._model import (
    NODE_TYPES,
    CentralityResult,
    Community,
    Filters,
    Link,
    Measure,
    NodeInfo,
    PathResult,
    Ranked,
    Subgraph,
    date_range,
    window_range,
)
from kg.analytics._paths import MAX_K, ego_network, k_shortest_paths, shortest_path
from kg.analytics._projection import Fact, Projection
from kg.analytics._sources import SparqlSource

__all__ = [
    "EXACT_THRESHOLD",
    "MAX_K",
    "NODE_TYPES",
    "SAMPLES",
    "SEED",
    "CentralityResult",
    "Community",
    "Fact",
    "Filters",
    "HubSummary",
    "Link",
    "Measure",
    "Neighbour",
    "NodeInfo",
    "PathResult",
    "Projection",
    "Ranked",
    "SparqlSource",
    "Subgraph",
    "centrality",
    "communities",
    "date_range",
    "ego_network",
    "eigenvector",
    "hub_summary",
    "k_shortest_paths",
    "pagerank",
    "sampled_closeness",
    "shortest_path",
    "time_sliced_centrality",
    "window_range",
]
