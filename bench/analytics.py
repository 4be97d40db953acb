"""Benchmark of kg.analytics on synthetic graphs, with igraph as the reference.

The graphs are synthetic: a Holme–Kim power-law cluster graph (networkx
``powerlaw_cluster_graph``, m=5, p=0.1: a Barabási–Albert degree distribution with
triangles) turned into articles of ten facts each. About one node in seven is an
event, the rest are people, organisations and places; an edge at an event is a role,
any other edge a relation; each article gets a month between 2020 and 2024 and
also restates three facts of earlier articles, so an edge has about 1.3 facts.

Usage::

    .venv/bin/python bench/analytics.py                 # 10^4 and 10^5 edges, a few minutes
    .venv/bin/python bench/analytics.py --heavy         # the same with every measure at 10^5 too
    .venv/bin/python bench/analytics.py --sizes 1000000 --light   # 10^6 edges, cheap queries only

Times are medians (p95 where it matters) of repeated calls, in milliseconds; peak
memory is what :mod:`tracemalloc` saw one call allocate above what it started with
(igraph works in C, which tracemalloc does not see). Betweenness, closeness and
Louvain run above 20,000 edges only with ``--heavy``, so the default run stays short.
``--nx-parallel`` also times networkx's betweenness with the nx-parallel backend when
it can be imported.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import networkx as nx

from kg.analytics import (
    Fact,
    Filters,
    Measure,
    Projection,
    centrality,
    communities,
    ego_network,
    k_shortest_paths,
    shortest_path,
    time_sliced_centrality,
)
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Article, Entity, EntityType, Event, Evidence, Extraction, Participant, Relation
from kg.store import EmbeddedStore

EVIDENCE = Evidence(0, 9, "synthetic", 0, 9)
TYPES = (EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE)
PREDICATES = ("relatedTo", "memberOf", "leaderOf", "basedIn", "affiliatedWith")
ROLES = ("agent", "target", "participant", "affected")
FACTS_PER_ARTICLE = 10
REPEATS = 3
#: Above this many edges betweenness, closeness and Louvain (and igraph's exact betweenness and
#: closeness, their reference) run only with ``--heavy``: minutes each at 10^5 edges on 2 busy cores.
HEAVY_LIMIT = 20_000
#: Up to this many edges the projection is also built from an in-memory store through SPARQL.
STORE_LIMIT = 200_000

T = TypeVar("T")


def key_of(i: int) -> str:
    if i % 7 == 0:
        return f"event/synthetic/{i}"
    return f"{TYPES[i % 3].slug}/synthetic-{i}"


def synthetic(edges: int, seed: int = 1) -> tuple[list[Extraction], list[str]]:
    """Return articles whose facts form a power-law cluster graph of about ``edges`` edges."""
    rng = random.Random(seed)
    graph = nx.powerlaw_cluster_graph(max(10, edges // 5), 5, 0.1, seed=seed)
    entities: dict[int, Entity] = {}

    def entity(i: int) -> Entity:
        if i not in entities:
            entities[i] = Entity(key_of(i), TYPES[i % 3], f"Synthetic {i}", confidence=0.9)
        return entities[i]

    pairs = [(u, v) for u, v in graph.edges() if not (u % 7 == 0 and v % 7 == 0)]
    rng.shuffle(pairs)
    out: list[Extraction] = []
    for a, start in enumerate(range(0, len(pairs), FACTS_PER_ARTICLE)):
        month = f"{rng.randint(2020, 2024)}-{rng.randint(1, 12):02d}"
        relations: list[Relation] = []
        roles: dict[int, list[Participant]] = {}
        used: set[int] = set()
        # news repeats itself: each article also restates a few facts reported before
        repeated = [pairs[rng.randrange(start)] for _ in range(REPEATS)] if start else []
        for u, v in pairs[start : start + FACTS_PER_ARTICLE] + repeated:
            if v % 7 == 0:
                u, v = v, u
            if u % 7 == 0:
                roles.setdefault(u, []).append(Participant(rng.choice(ROLES), key_of(v)))
                used.add(v)
            else:
                conf = round(rng.uniform(0.3, 1.0), 3)
                relations.append(Relation(key_of(u), rng.choice(PREDICATES), key_of(v), conf, EVIDENCE))
                used.update((u, v))
        events = [
            Event(key_of(e), "Attack", f"Event {e}", EVIDENCE, round(rng.uniform(0.3, 1.0), 3), tuple(ps), start=month)
            for e, ps in roles.items()
        ]
        article = Article(f"synthetic-{edges}-{a}", "synthetic", published=f"{month}-15")
        ents = tuple(entity(i) for i in sorted(used))
        out.append(Extraction(article, entities=ents, relations=tuple(relations), events=tuple(events)))
    return out, [key_of(i) for i in graph.nodes()]


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    return times


def each_ms(call: Callable[[T], object], items: Sequence[T]) -> list[float]:
    """Time one call per item, in milliseconds."""
    times = []
    for item in items:
        t = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - t) * 1000)
    return times


def peak_kib(call: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1024


class Table:
    def __init__(self, title: str) -> None:
        self.rows: list[tuple[str, ...]] = []
        print(f"\n### {title}\n", flush=True)
        print("| query | kg (networkx) | peak KiB | igraph | note |")
        print("| --- | --- | --- | --- | --- |", flush=True)

    def row(self, query: str, ours: str, peak: float | None, ref: str = "", note: str = "") -> None:
        peak_s = "" if peak is None else f"{peak:,.0f}"
        print(f"| {query} | {ours} | {peak_s} | {ref} | {note} |", flush=True)


def ms(times: Sequence[float]) -> str:
    if len(times) == 1:
        return f"{times[0]:,.2f} ms"
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    return f"{statistics.median(times):,.3f} ms (p95 {p95:,.3f})"


def overlap(ours: Sequence[str], theirs: Sequence[str], n: int = 20) -> str:
    return f"top-{n} overlap {len(set(ours[:n]) & set(theirs[:n])) / n:.0%}"


def pairs_of(keys: list[str], count: int, rng: random.Random) -> Iterator[tuple[str, str]]:
    for _ in range(count):
        yield rng.choice(keys), rng.choice(keys)


def bench(edges: int, *, light: bool, heavy: bool, with_nx_parallel: bool) -> None:
    rng = random.Random(7)
    t = time.perf_counter()
    extractions, _ = synthetic(edges)
    made = time.perf_counter() - t

    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t = time.perf_counter()
    proj = Projection.from_extractions(extractions)
    build_traced = time.perf_counter() - t
    size = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del proj
    gc.collect()
    t = time.perf_counter()
    proj = Projection.from_extractions(extractions)
    build = time.perf_counter() - t

    g = proj.graph
    n_nodes, n_edges = g.number_of_nodes(), g.number_of_edges()
    n_facts = sum(len(f) for _, _, f in g.edges(data="facts"))
    keys = list(g)
    table = Table(f"{n_edges:,} edges ({n_facts:,} facts, {n_nodes:,} nodes, {len(extractions):,} articles)")
    table.row("build projection", f"{build * 1000:,.0f} ms", None, note=f"{made:.1f} s to make the records")
    table.row(
        "projection memory",
        f"{size / n_edges:,.0f} B/edge",
        size / 1024,
        note=f"{size / n_facts:,.0f} B/fact; traced build {build_traced:.1f} s",
    )

    if n_edges <= STORE_LIMIT:
        from_store_row(extractions, build, table)

    import igraph as ig  # type: ignore[import-untyped]

    index = {k: i for i, k in enumerate(keys)}
    t = time.perf_counter()
    ref = ig.Graph(n=len(keys), edges=[(index[u], index[v]) for u, v in g.edges()])
    table.row("build reference graph", "", None, f"{(time.perf_counter() - t) * 1000:,.0f} ms (igraph)")

    # paths
    pairs = list(pairs_of(keys, 200, rng))
    ours = timed(lambda: [shortest_path(proj, a, b) for a, b in pairs], 1)[0] / len(pairs)
    each = each_ms(lambda ab: shortest_path(proj, *ab), pairs)
    theirs = timed(lambda: [ref.get_shortest_path(index[a], index[b]) for a, b in pairs], 1)[0] / len(pairs)
    agree = sum(
        (shortest_path(proj, a, b) or _NO).length == len(ref.get_shortest_path(index[a], index[b])) - 1
        for a, b in pairs[:50]
    )
    table.row(
        "shortest path (200 random pairs)",
        ms(each),
        peak_kib(lambda: shortest_path(proj, *pairs[0])),
        f"{theirs:.3f} ms",
        f"mean {ours:.3f} ms; same length as igraph on {agree}/50",
    )
    filt = Filters(min_confidence=0.5, start="2022", end="2023")
    each = each_ms(lambda ab: shortest_path(proj, *ab, max_length=6, filters=filt), pairs)
    table.row(
        "shortest path, confidence >= 0.5, 2022-2023, max 6",
        ms(each),
        peak_kib(lambda: shortest_path(proj, *pairs[0], max_length=6, filters=filt)),
    )
    few = pairs[:10]
    each = each_ms(lambda ab: k_shortest_paths(proj, *ab, 5), few)
    theirs_k = each_ms(lambda ab: ref.get_k_shortest_paths(index[ab[0]], index[ab[1]], k=5), few)
    table.row(
        "5 shortest simple paths (10 pairs)",
        ms(each),
        peak_kib(lambda: k_shortest_paths(proj, *few[0], 5)),
        ms(theirs_k),
    )
    centres = [rng.choice(keys) for _ in range(100)]
    for depth in (1, 2):
        each = each_ms(lambda c: ego_network(proj, c, depth, max_nodes=1000), centres)  # noqa: B023 - used at once
        theirs_e = each_ms(lambda c: ref.neighborhood(index[c], order=depth), centres)  # noqa: B023 - used at once
        table.row(
            f"ego network depth {depth} (100 centres, max 1000 nodes)",
            ms(each),
            peak_kib(lambda: ego_network(proj, centres[0], depth, max_nodes=1000)),  # noqa: B023 - used at once
            ms(theirs_e),
            "igraph: node ids only, no links",
        )

    # incremental updates: new articles of ten facts linking new nodes to existing
    # ones, one of them the busiest entity, which the article also declares
    hub_index = max((i for i in range(len(keys)) if not keys[i].startswith("event/")), key=lambda i: g.degree(keys[i]))
    hub = keys[hub_index]
    hub_entity = Entity(hub, TYPES[int(hub.rsplit("-", 1)[1]) % 3], "Busiest entity")
    new = []
    for i in range(200):
        rels = tuple(
            Relation(hub if j == 0 else rng.choice(keys), "relatedTo", f"person/new-{i}-{j % 3}", 0.8, EVIDENCE)
            for j in range(FACTS_PER_ARTICLE)
        )
        ents = (hub_entity, *(Entity(f"person/new-{i}-{j}", EntityType.PERSON, f"New {i} {j}") for j in range(3)))
        new.append(Extraction(Article(f"new-{i}", "x", published="2023-05-01"), entities=ents, relations=rels))
    adds = each_ms(proj.add_extraction, new)
    removes = each_ms(proj.remove_article, [x.article.id for x in new])
    table.row(
        f"add one article (10 facts; hub degree {g.degree(hub)})",
        ms(adds),
        peak_kib(lambda: proj.add_extraction(new[0])),
    )
    table.row("remove one article", ms(removes), peak_kib(lambda: proj.remove_article(new[0].article.id)))

    # whole-graph measures
    slow = {Measure.BETWEENNESS, Measure.CLOSENESS}
    run_slow = not light and (heavy or n_edges <= HEAVY_LIMIT)
    references: dict[Measure, Callable[[], list[float]]] = {
        Measure.DEGREE: ref.degree,
        Measure.PAGERANK: ref.pagerank,
        Measure.EIGENVECTOR: ref.eigenvector_centrality,
        Measure.BETWEENNESS: ref.betweenness,
        Measure.CLOSENESS: ref.closeness,
    }
    for measure in Measure:
        if run_slow or measure not in slow:
            measure_rows(proj, measure, references[measure], keys, table)

    cold = timed(lambda: time_sliced_centrality(proj, "pagerank", "2022", "2022"), 1)
    cached = timed(lambda: time_sliced_centrality(proj, "pagerank", "2022", "2022", first=10), 1000)
    table.row("pagerank on 2022 only, first call / cached", f"{ms(cold)} / {ms(cached)}", None)
    if run_slow:
        cold = timed(lambda: communities(proj), 1)
        cached = timed(lambda: communities(proj), 1000)
        ours_c = communities(proj)
        random.seed(42)
        t = time.perf_counter()
        theirs_c = ref.community_multilevel()
        ref_ms = (time.perf_counter() - t) * 1000
        table.row(
            "Louvain communities, first call / cached",
            f"{ms(cold)} / {ms(cached)}",
            peak_kib(lambda: communities(proj, seed=43)),
            f"{ref_ms:,.0f} ms",
            f"{len(ours_c)} communities, modularity {nx.community.modularity(g, [c.members for c in ours_c]):.3f}; "
            f"igraph {len(theirs_c)}, modularity {theirs_c.modularity:.3f}",
        )
        if n_edges <= 200_000:
            design(proj, table)
    if with_nx_parallel:
        parallel(g, table)


def from_store_row(extractions: list[Extraction], build: float, table: Table) -> None:
    """Time building the projection through SPARQL from an in-memory Oxigraph store."""
    store = EmbeddedStore(None)
    t = time.perf_counter()
    store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x)) for x in extractions])
    load = time.perf_counter() - t
    t = time.perf_counter()
    proj = Projection.from_store(store)
    took = time.perf_counter() - t
    table.row(
        "build projection from the store (5 SPARQL queries)",
        f"{took * 1000:,.0f} ms",
        None,
        note=f"{took / build:.1f}x building from records; {proj.number_of_edges():,} edges; "
        f"writing the quads took {load:.1f} s",
    )


def measure_rows(
    proj: Projection,
    measure: Measure,
    reference: Callable[[], list[float]],
    keys: list[str],
    table: Table,
) -> None:
    """Time one centrality measure cold, cached and against igraph's."""
    cold = timed(lambda: centrality(proj, measure), 1)
    cached = timed(lambda: centrality(proj, measure, first=10), 1000)
    typed = timed(lambda: centrality(proj, measure, types=["Person"], first=10), 1000)
    result = centrality(proj, measure)
    t = time.perf_counter()
    scores = reference()
    ref_ms = (time.perf_counter() - t) * 1000
    ranked_ref = [keys[i] for i in sorted(range(len(keys)), key=lambda i: -scores[i])]
    note = "exact" if result.exact else f"sampled, {result.samples} sources"
    table.row(
        f"{measure.value} centrality, first call",
        ms(cold),
        peak_kib(lambda: centrality(proj, measure, seed=43)),
        f"{ref_ms:,.1f} ms",
        f"{note}; {overlap([r.key for r in result.ranked], ranked_ref)}",
    )
    table.row(f"{measure.value} centrality, cached (first 10)", ms(cached), None, note=f"with type filter {ms(typed)}")


_NO = type("NoPath", (), {"length": -1})()


def design(proj: Projection, table: Table) -> None:
    """Compare the edge layout used (a Graph with a list of facts per edge) to a MultiGraph.

    Both graphs are built from the same facts, fresh, so only the layout differs.
    """
    facts = [(u, v, f) for u, v, fs in proj.graph.edges(data="facts") for f in fs]

    def simple() -> nx.Graph:
        graph = nx.Graph()
        for u, v, f in facts:
            data = graph._adj[u].get(v) if u in graph else None
            fact = Fact(f.predicate, f.source, f.article, f.confidence, f.lo, f.hi)
            if data is None:
                graph.add_edge(u, v, facts=[fact])
            else:
                data["facts"].append(fact)
        return graph

    def multi() -> nx.MultiGraph:
        graph = nx.MultiGraph()
        for u, v, f in facts:
            graph.add_edge(u, v, key=(f.predicate, f.source, f.article), confidence=f.confidence, lo=f.lo, hi=f.hi)
        return graph

    sizes = []
    for build in (simple, multi):
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        kept = build()
        sizes.append(tracemalloc.get_traced_memory()[0] - base)
        tracemalloc.stop()
        del kept
    s_graph, m_graph = simple(), multi()
    keys = list(s_graph)
    rng = random.Random(3)
    pairs = list(pairs_of(keys, 200, rng))
    bfs = [
        min(timed(lambda: [nx.bidirectional_shortest_path(g, a, b) for a, b in pairs], 3))  # noqa: B023 - used at once
        for g in (s_graph, m_graph)
    ]
    sampled = [min(timed(lambda: nx.betweenness_centrality(g, k=20, seed=1), 2)) for g in (s_graph, m_graph)]  # noqa: B023
    n = s_graph.number_of_edges()
    table.row(
        "design: Graph with fact lists vs MultiGraph",
        f"{sizes[0] / n:,.0f} vs {sizes[1] / n:,.0f} B/edge",
        None,
        note=(
            f"{len(facts) / n:.2f} facts per edge; on the MultiGraph BFS takes {bfs[1] / bfs[0]:.2f}x "
            f"and sampled betweenness {sampled[1] / sampled[0]:.2f}x the time"
        ),
    )


def parallel(g: nx.Graph, table: Table) -> None:
    """Time networkx's betweenness with and without the nx-parallel backend."""
    try:
        importlib.import_module("nx_parallel")  # registers the backend
    except ImportError as exc:
        table.row("nx-parallel", "not importable", None, note=str(exc).replace("|", "/"))
        return
    plain = nx.Graph(g.edges())
    for k in (100, None):
        if k is None and plain.number_of_nodes() > 5000:
            continue
        one = each_ms(lambda n: nx.betweenness_centrality(plain, k=n, seed=1), [k])
        two = each_ms(lambda n: nx.betweenness_centrality(plain, k=n, seed=1, backend="parallel"), [k])
        label = "exact" if k is None else f"{k} samples"
        table.row(
            f"betweenness {label}: networkx vs nx-parallel (2 jobs)",
            f"{ms(one)} vs {ms(two)}",
            None,
            note=f"speed-up {one[0] / two[0]:.2f}x",
        )
    one = timed(lambda: dict(nx.all_pairs_shortest_path_length(plain, cutoff=2)), 1)
    two = timed(lambda: dict(nx.all_pairs_shortest_path_length(plain, cutoff=2, backend="parallel")), 1)
    table.row(
        "all-pairs distances up to 2: networkx vs nx-parallel",
        f"{ms(one)} vs {ms(two)}",
        None,
        note=f"speed-up {one[0] / two[0]:.2f}x",
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="edge counts")
    parser.add_argument("--light", action="store_true", help="skip betweenness, closeness and Louvain at every size")
    parser.add_argument(
        "--heavy",
        action="store_true",
        help=f"run betweenness, closeness and Louvain above {HEAVY_LIMIT:,} edges too (tens of minutes at 10^5)",
    )
    parser.add_argument("--nx-parallel", action="store_true", help="also time the nx-parallel backend")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, networkx {nx.__version__}, {platform.machine()}, {sys.platform}")
    for edges in args.sizes:
        bench(edges, light=args.light, heavy=args.heavy, with_nx_parallel=args.nx_parallel)


if __name__ == "__main__":
    main()
