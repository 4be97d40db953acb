"""Whole-graph measures: centrality (optionally on a time slice) and communities.

Each result is cached on the projection under its arguments and recomputed only
after the projection changes, so asking again is a dictionary look-up.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Hashable
from typing import Any

import networkx as nx
import numpy as np

from kg.analytics._model import (
    NODE_TYPES,
    CentralityResult,
    Community,
    Measure,
    Ranked,
    check_positive,
    window_range,
)
from kg.analytics._projection import Projection
from kg.errors import ConfigError, KGError

__all__ = [
    "EXACT_THRESHOLD",
    "SAMPLES",
    "SEED",
    "centrality",
    "communities",
    "time_sliced_centrality",
]

#: Graphs with at most this many nodes get exact betweenness and closeness.
EXACT_THRESHOLD = 1000
#: Source nodes sampled for betweenness and closeness on larger graphs.
SAMPLES = 100
#: The seed of every randomised algorithm, so answers repeat.
SEED = 42

_Window = tuple[str, str] | None

#: Measures that run on a copy of the graph, outside the projection's lock.
_SLOW = frozenset({Measure.BETWEENNESS, Measure.CLOSENESS})
_Scores = tuple[dict[Any, float], bool, int | None]


def centrality(
    projection: Projection,
    measure: Measure | str,
    *,
    types: Collection[str] | None = None,
    first: int | None = None,
    start: str | None = None,
    end: str | None = None,
    exact_threshold: int = EXACT_THRESHOLD,
    samples: int = SAMPLES,
    seed: int = SEED,
) -> CentralityResult:
    """Rank nodes by a centrality measure, highest first.

    Degree, PageRank and eigenvector centrality are always exact. Betweenness and
    closeness are exact on graphs of at most ``exact_threshold`` nodes; above that
    they are estimated from ``samples`` source nodes drawn with ``seed``, and the
    result says so (``exact=False``).

    Args:
        projection: The graph.
        measure: ``degree``, ``betweenness``, ``pagerank``, ``eigenvector`` or
            ``closeness`` (any case), or a :class:`Measure`.
        types: Only rank nodes of these types (entity classes or ``"Event"``);
            scores are still computed on the whole graph.
        first: Return only the first this many.
        start: Compute on the edges with a fact dated on or after this ISO
            (partial) date.
        end: ... and on or before this one, inclusive. With ``start`` or ``end``
            only the nodes linked by such edges are ranked.
        exact_threshold: Node count up to which betweenness and closeness are exact.
        samples: Sample size above it.
        seed: Seed of the sampling.

    Returns:
        The ranking, ties broken by key.

    Raises:
        ConfigError: An unknown measure or node type, a bad date or count.

    Notes:
        On V nodes and E edges: degree O(V); PageRank and eigenvector O(E) per
        power iteration; exact betweenness O(VE) (Brandes) and closeness O(V(V+E)),
        sampled ones O(s(V+E)) for s samples. A repeated call with the same
        arguments on an unchanged graph is a cache hit, O(first).
    """
    m = Measure.parse(measure)
    check_positive("first", first)
    check_positive("exact_threshold", exact_threshold, allow_zero=True)
    check_positive("samples", samples)
    window = window_range(start, end)
    wanted = _types(types)
    key: Hashable = ("centrality", m, window, exact_threshold, samples, seed)
    scored = projection.cached(key, lambda: _scores(projection, m, window, exact_threshold, samples, seed))
    ranked = projection.cached((key, wanted), lambda: _rank(projection, scored[0], wanted))
    _, exact, used = scored
    return CentralityResult(
        m.value,
        exact,
        ranked if first is None else ranked[:first],
        used,
        window[0] if window else None,
        window[1] if window else None,
    )


def time_sliced_centrality(
    projection: Projection,
    measure: Measure | str,
    start: str | None,
    end: str | None,
    **options: Any,
) -> CentralityResult:
    """Rank who was central between two dates: :func:`centrality` on a time slice.

    The slice keeps the edges with a fact dated in ``[start, end]`` (event dates,
    or the publication date of the article for relations and undated events) and
    the nodes they link. At least one of ``start`` and ``end`` is required; a
    missing one leaves that side of the window open.

    Raises:
        ConfigError: Neither date is given, or as for :func:`centrality`.

    Notes:
        Building the slice is O(F) for F facts, then as for :func:`centrality`.
    """
    if start is None and end is None:
        raise ConfigError("a time slice needs a start or an end date, got neither")
    return centrality(projection, measure, start=start, end=end, **options)


def communities(
    projection: Projection,
    *,
    seed: int = SEED,
    resolution: float = 1.0,
    min_size: int = 1,
    start: str | None = None,
    end: str | None = None,
) -> tuple[Community, ...]:
    """Split the graph into communities with the Louvain method.

    Args:
        projection: The graph.
        seed: Seed of the node order Louvain visits, so answers repeat.
        resolution: Above 1 favours smaller communities, below 1 larger ones.
        min_size: Leave out communities smaller than this (2 drops isolated nodes).
        start: Only use edges with a fact dated on or after this ISO (partial) date.
        end: ... and on or before this one, inclusive.

    Returns:
        The communities, largest first, ties broken by their first member.

    Raises:
        ConfigError: A bad resolution, size or date.

    Notes:
        Louvain as :func:`networkx.community.louvain_communities` implements it,
        about O(E) per pass and few passes in practice. Cached like centrality.
    """
    check_positive("min_size", min_size)
    if not resolution > 0:
        raise ConfigError(f"resolution must be positive, got {resolution!r}")
    window = window_range(start, end)

    def compute() -> tuple[Community, ...]:
        with projection.lock:
            graph = _graph(projection, window) if window is not None else projection.snapshot()
        found = nx.community.louvain_communities(graph, seed=seed, resolution=resolution)
        groups = sorted((tuple(sorted(c)) for c in found), key=lambda c: (-len(c), c[0]))
        return tuple(Community(i, members) for i, members in enumerate(groups))

    found = projection.cached(("communities", seed, resolution, window), compute)
    return tuple(c for c in found if c.size >= min_size)


def _types(types: Collection[str] | None) -> frozenset[str] | None:
    if types is None:
        return None
    wanted = frozenset(types)
    bad = sorted(wanted - NODE_TYPES)
    if bad:
        raise ConfigError(f"unknown node types {bad}; valid: {', '.join(sorted(NODE_TYPES))}")
    return wanted


def _graph(projection: Projection, window: _Window) -> nx.Graph:
    if window is None:
        return projection.graph
    sliced = nx.Graph()
    sliced.add_edges_from(
        (u, v) for u, v, facts in projection.graph.edges(data="facts") if any(f.passes(0.0, window) for f in facts)
    )
    return sliced


def _rank(projection: Projection, scores: dict[Any, float], wanted: frozenset[str] | None) -> tuple[Ranked, ...]:
    with projection.lock:
        ok = projection.node_type_ok(wanted)
        items = [(key, score) for key, score in scores.items() if ok(key)]
    items.sort(key=lambda item: (-item[1], item[0]))
    return tuple(Ranked(key, score) for key, score in items)


def _scores(projection: Projection, m: Measure, window: _Window, threshold: int, samples: int, seed: int) -> _Scores:
    if m in _SLOW:
        # minutes on large graphs: work on a copy so that ingest can go on meanwhile
        with projection.lock:
            graph = _graph(projection, window) if window is not None else projection.snapshot()
        return _compute(graph, m, threshold, samples, seed)
    # the lock keeps ingest from changing the graph under the algorithm
    with projection.lock:
        return _compute(_graph(projection, window), m, threshold, samples, seed)


def _compute(graph: nx.Graph, m: Measure, threshold: int, samples: int, seed: int) -> _Scores:
    n = graph.number_of_nodes()
    if n == 0:
        return {}, True, None
    if m is Measure.DEGREE:
        return dict(nx.degree_centrality(graph)), True, None
    if m is Measure.PAGERANK:
        return pagerank(graph), True, None
    if m is Measure.EIGENVECTOR:
        return eigenvector(graph), True, None
    sampled = n > threshold and samples < n
    if m is Measure.BETWEENNESS:
        if not sampled:
            return dict(nx.betweenness_centrality(graph)), True, None
        return dict(nx.betweenness_centrality(graph, k=samples, seed=seed)), False, samples
    if not sampled:
        return dict(nx.closeness_centrality(graph)), True, None
    return sampled_closeness(graph, samples, seed)


def pagerank(graph: nx.Graph, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200) -> dict[Any, float]:
    """Return the PageRank of every node of an undirected graph.

    Each edge counts once in each direction; nodes without edges spread their rank
    evenly over all nodes, as :func:`networkx.pagerank` does.

    Args:
        graph: An undirected graph.
        alpha: The damping factor.
        tol: Stop when the L1 change per node falls below this.
        max_iter: Stop after this many iterations at the latest.

    Returns:
        Node -> rank; the ranks sum to 1.

    Notes:
        Power iteration on numpy arrays: O(E) per iteration. networkx's own
        ``pagerank`` needs scipy, which kg does not otherwise depend on.

    >>> sorted(pagerank(nx.path_graph(3)).items())[1][1] > 0.45
    True
    """
    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    src, dst = _arcs(graph, nodes)
    degree = np.bincount(src, minlength=n).astype(np.float64)
    dangling = degree == 0
    inverse = np.divide(1.0, degree, out=np.zeros(n), where=~dangling)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = np.bincount(dst, weights=(x * inverse)[src], minlength=n)
        new = alpha * spread + (alpha * x[dangling].sum() + 1.0 - alpha) / n
        done = float(np.abs(new - x).sum()) < n * tol
        x = new
        if done:
            break
    return dict(zip(nodes, (float(v) for v in x / x.sum()), strict=True))


def eigenvector(graph: nx.Graph, tol: float = 1.0e-6, max_iter: int = 1000) -> dict[Any, float]:
    """Return the eigenvector centrality of every node of an undirected graph.

    The same definition and normalisation (unit Euclidean length) as
    :func:`networkx.eigenvector_centrality`, iterating with ``A + I`` so that
    bipartite parts (events and their participants) converge too.

    Args:
        graph: An undirected graph with at least one node.
        tol: Stop when the L1 change per node falls below this.
        max_iter: Give up after this many iterations.

    Returns:
        Node -> centrality.

    Raises:
        KGError: The iteration did not converge.

    Notes:
        Power iteration on numpy arrays, O(E) per iteration; networkx's own is
        the same algorithm in pure Python, about a hundred times slower here.
    """
    nodes = list(graph)
    n = len(nodes)
    src, dst = _arcs(graph, nodes)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        step = x + np.bincount(dst, weights=x[src], minlength=n)
        new = step / (float(np.linalg.norm(step)) or 1.0)
        if float(np.abs(new - x).sum()) < n * tol:
            return dict(zip(nodes, (float(v) for v in new), strict=True))
        x = new
    raise KGError(f"eigenvector centrality did not converge in {max_iter} iterations on {n} nodes")


def _arcs(graph: nx.Graph, nodes: list[Any]) -> tuple[np.ndarray[Any, np.dtype[np.int64]], ...]:
    # every undirected edge as two arcs, by node position
    index = {node: i for i, node in enumerate(nodes)}
    flat = np.fromiter(
        (index[x] for u, v in graph.edges() for x in (u, v)), dtype=np.int64, count=2 * graph.number_of_edges()
    )
    pairs = flat.reshape(-1, 2)
    return np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]])


def sampled_closeness(graph: nx.Graph, samples: int, seed: int) -> _Scores:
    """Estimate closeness centrality from breadth-first searches out of sampled pivots.

    A node's mean distance to the rest of its component is estimated by its mean
    distance to ``samples`` pivots drawn from that component (Eppstein and Wang);
    components no larger than ``samples`` are computed exactly. Scores use the
    Wasserman–Faust scaling of :func:`networkx.closeness_centrality` for graphs that
    are not connected.

    Returns:
        Node -> estimated closeness, whether every component was exact, and the
        number of pivots per sampled component (``None`` if none was sampled).

    Notes:
        O(s (V + E)) for s samples, plus O(c (V_c + E_c)) for each small
        component of c nodes.
    """
    n = graph.number_of_nodes()
    rng = random.Random(seed)
    scores: dict[Any, float] = {}
    exact = True
    for component in sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(map(str, c)))):
        r = len(component)
        if r == 1:
            scores.update(dict.fromkeys(component, 0.0))
            continue
        scale = (r - 1) / (n - 1)
        if r <= samples:
            for v in component:
                total = sum(nx.single_source_shortest_path_length(graph, v).values())
                scores[v] = (r - 1) / total * scale
            continue
        exact = False
        pivots = rng.sample(sorted(component, key=str), samples)
        totals = dict.fromkeys(component, 0)
        own: dict[Any, int] = {}
        for p in pivots:
            distances = nx.single_source_shortest_path_length(graph, p)
            own[p] = sum(distances.values())
            for v, d in distances.items():
                totals[v] += d
        for v in component:
            if v in own:  # a pivot's own search gave its exact distances
                scores[v] = (r - 1) / own[v] * scale
            else:
                scores[v] = scale / (totals[v] / samples)
    return scores, exact, None if exact else samples
