"""Tests of kg.analytics on small hand-made graphs whose answers are known."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import networkx as nx
import pyoxigraph
import pytest

import kg.analytics
from kg.analytics import (
    CentralityResult,
    Filters,
    Link,
    Measure,
    Projection,
    centrality,
    communities,
    date_range,
    ego_network,
    eigenvector,
    k_shortest_paths,
    pagerank,
    sampled_closeness,
    shortest_path,
    time_sliced_centrality,
)
from kg.errors import ConfigError, NotFoundError
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Article, Entity, EntityType, Event, Evidence, Extraction, Participant, Relation
from kg.store import EmbeddedStore

EVIDENCE = Evidence(0, 4, "text", 0, 4)
_TYPES = {t.slug: t for t in EntityType}


def _entity(key: str) -> Entity:
    slug, _, name = key.partition("/")
    return Entity(key, _TYPES[slug], name.replace("-", " ").title())


def relation(subject: str, predicate: str, obj: str, confidence: float = 0.9) -> Relation:
    return Relation(subject, predicate, obj, confidence, EVIDENCE)


def event(
    key: str,
    kind: str,
    roles: Sequence[tuple[str, str]],
    *,
    place: str | None = None,
    start: str | None = None,
    end: str | None = None,
    confidence: float = 0.8,
) -> Event:
    parts = tuple(Participant(role, entity) for role, entity in roles)
    return Event(key, kind, kind.lower(), EVIDENCE, confidence, parts, place, start, end)


def extraction(
    article_id: str,
    relations: Iterable[Relation] = (),
    events: Iterable[Event] = (),
    *,
    published: str | None = None,
    entities: Iterable[Entity] = (),
) -> Extraction:
    rels, evs, given = tuple(relations), tuple(events), tuple(entities)
    keys = {k for r in rels for k in (r.subject, r.object)}
    keys |= {p.entity for e in evs for p in e.participants} | {e.place for e in evs if e.place}
    keys -= {e.key for e in given}
    ents = given + tuple(_entity(k) for k in sorted(keys))
    return Extraction(Article(article_id, "text", published=published), entities=ents, relations=rels, events=evs)


def chain(article_id: str, keys: Sequence[str], confidence: float = 0.9) -> Extraction:
    """A path of ``relatedTo`` relations through ``keys``."""
    return extraction(article_id, [relation(a, "relatedTo", b, confidence) for a, b in pairwise(keys)])


def p(*names: str) -> list[str]:
    return [f"person/{n}" for n in names]


def snapshot(projection: Projection) -> tuple[object, object]:
    g = projection.graph
    nodes = sorted((k, d["kind"], d["type"], d["label"]) for k, d in g.nodes(data=True))
    edges = sorted(
        (min(u, v), max(u, v), sorted((f.predicate, f.source, f.article, f.confidence, f.lo, f.hi) for f in facts))
        for u, v, facts in g.edges(data="facts")
    )
    return nodes, edges


class SparqlAdapter:
    """The store interface over an in-memory Oxigraph store."""

    def __init__(self, extractions: Iterable[Extraction]) -> None:
        self.store = pyoxigraph.Store()
        for x in extractions:
            self.store.extend(extraction_quads(x, DEFAULT_BASE))

    def query(self, sparql: str) -> list[dict[str, str]]:
        solutions = self.store.query(sparql)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


# ------------------------------------------------------------------ the seed

PUTIN, ZELENSKY, RAMANI = "person/vladimir-putin", "person/volodymyr-zelensky", "person/samuel-ramani"
RUSSIA, UKRAINE, BAKHMUT = "place/russia", "place/ukraine", "place/bakhmut"
WAGNER, RUSI, ISW = "organisation/wagner-group", "organisation/rusi", "organisation/institute-for-the-study-of-war"


def seed_extraction() -> Extraction:
    """Records shaped like what extraction gives for seeds/000_3103324fae5b7b40.txt."""
    bakhmut = Entity(BAKHMUT, EntityType.PLACE, "Bakhmut", ("the city",), 0.95, country=UKRAINE)
    return extraction(
        "3103324fae5b7b40",
        [
            relation(PUTIN, "leaderOf", RUSSIA, 0.9),
            relation(ZELENSKY, "leaderOf", UKRAINE, 0.9),
            relation(WAGNER, "basedIn", RUSSIA, 0.6),
            relation(RAMANI, "affiliatedWith", RUSI, 0.8),
        ],
        [
            event("event/seed/0", "Attack", [("agent", RUSSIA), ("target", BAKHMUT)], place=BAKHMUT, start="2022-10"),
            event("event/seed/1", "Statement", [("speaker", ZELENSKY), ("about", RUSSIA)], start="2022-10-26"),
            event("event/seed/2", "Statement", [("speaker", RAMANI), ("about", WAGNER)], confidence=0.5),
            event("event/seed/3", "Withdrawal", [("agent", UKRAINE)], place="place/luhansk", start="2022-07"),
            event("event/seed/4", "Statement", [("speaker", ISW), ("about", RUSSIA)], confidence=0.4),
        ],
        published="2022-10-28",
        entities=[bakhmut],
    )


def test_projection_seed_nodes_and_edges() -> None:
    proj = Projection.from_extractions([seed_extraction()])
    assert proj.node(PUTIN).type == "Person"
    assert proj.node("event/seed/0").kind == "event"
    assert proj.node("event/seed/0").type == "Attack"
    assert proj.links(BAKHMUT, UKRAINE) == (Link(BAKHMUT, UKRAINE, "locatedIn", 0.95, ("3103324fae5b7b40",)),)
    assert {link.predicate for link in proj.links("event/seed/0", BAKHMUT)} == {"target", "place"}
    assert "article/3103324fae5b7b40" not in proj


def test_shortest_path_seed_connects_the_two_presidents() -> None:
    proj = Projection.from_extractions([seed_extraction()])
    path = shortest_path(proj, PUTIN, ZELENSKY)
    assert path is not None
    assert path.nodes == (PUTIN, RUSSIA, "event/seed/1", ZELENSKY)
    assert path.length == 3
    assert shortest_path(proj, PUTIN, ZELENSKY, max_length=2) is None


def test_centrality_seed_russia_is_most_central_entity() -> None:
    proj = Projection.from_extractions([seed_extraction()])
    for measure in Measure:
        top = centrality(proj, measure, types={"Person", "Organisation", "Place"}, first=1).ranked
        assert top[0].key == RUSSIA, measure


def test_from_store_equals_incremental_build() -> None:
    extractions = [
        seed_extraction(),
        chain("a2", [PUTIN, "person/sergei-shoigu", WAGNER]),
        extraction("a3", [relation(PUTIN, "leaderOf", RUSSIA, 0.7)], published="2022-06-15"),
    ]
    built = Projection.from_store(SparqlAdapter(extractions), DEFAULT_BASE)
    assert snapshot(built) == snapshot(Projection.from_extractions(extractions))
    assert built.articles == {"3103324fae5b7b40", "a2", "a3"}


def test_from_store_embedded_store_after_delete_equals_incremental_remove() -> None:
    extractions = [seed_extraction(), chain("a2", [PUTIN, "person/sergei-shoigu", WAGNER])]
    store = EmbeddedStore(None)
    store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x)) for x in extractions])
    proj = Projection.from_store(store)
    assert snapshot(proj) == snapshot(Projection.from_extractions(extractions))
    store.delete_article(article_iri(DEFAULT_BASE, "a2"))
    proj.remove_article("a2")
    assert snapshot(Projection.from_store(store)) == snapshot(proj)
    assert "person/sergei-shoigu" not in proj


def test_from_store_empty_store_gives_empty_projection() -> None:
    proj = Projection.from_store(SparqlAdapter([]))
    assert (len(proj), proj.number_of_edges(), proj.articles) == (0, 0, frozenset())


# ------------------------------------------------------------------- paths

# a - b - c - d - e, plus a shortcut a - x - d through an organisation
LINE = p("a", "b", "c", "d", "e")
SHORTCUT = ["person/a", "organisation/x", "person/d"]


def line_projection(shortcut_confidence: float = 0.9) -> Projection:
    return Projection.from_extractions([chain("line", LINE), chain("cut", SHORTCUT, shortcut_confidence)])


@pytest.mark.parametrize(
    ("source", "target", "max_length", "length"),
    [
        ("person/a", "person/a", None, 0),
        ("person/a", "person/b", None, 1),
        ("person/a", "person/d", None, 2),
        ("person/a", "person/e", None, 3),
        ("person/b", "person/e", None, 3),
        ("person/a", "person/e", 3, 3),
        ("person/a", "person/e", 2, None),
        ("person/a", "person/b", 0, None),
    ],
    ids=["self", "neighbour", "shortcut", "via-shortcut", "along-line", "at-limit", "over-limit", "zero-limit"],
)
def test_shortest_path_lengths(source: str, target: str, max_length: int | None, length: int | None) -> None:
    path = shortest_path(line_projection(), source, target, max_length=max_length)
    assert (None if path is None else path.length) == length
    if path is not None:
        assert (path.nodes[0], path.nodes[-1]) == (source, target)


@pytest.mark.parametrize(
    ("filters", "length"),
    [
        (Filters(), 3),
        (Filters(min_confidence=0.5), 4),
        (Filters(node_types=frozenset({"Person"})), 4),
        (Filters(node_types=frozenset({"Organisation", "Person"})), 3),
        (Filters(node_types=frozenset({"Organisation"})), None),
        (Filters(min_confidence=0.95), None),
    ],
    ids=[
        "open",
        "weak-shortcut-dropped",
        "people-only",
        "organisations-allowed",
        "organisations-only",
        "nothing-strong-enough",
    ],
)
def test_shortest_path_filters(filters: Filters, length: int | None) -> None:
    path = shortest_path(line_projection(shortcut_confidence=0.3), "person/a", "person/e", filters=filters)
    assert (None if path is None else path.length) == length


def test_shortest_path_time_window_uses_event_dates() -> None:
    march = event("event/m", "Meeting", [("participant", "person/a"), ("participant", "person/b")], start="2022-03")
    october = event("event/o", "Meeting", [("participant", "person/a"), ("participant", "person/c")], start="2022-10")
    proj = Projection.from_extractions([extraction("e1", events=[march, october]), chain("bc", p("b", "c"))])
    path = shortest_path(proj, "person/a", "person/c")
    assert path is not None
    assert path.length == 2
    window = Filters(start="2022-03", end="2022-06")
    # relations from an undated article are undated, so only the March meeting is in the window
    path = shortest_path(proj, "person/a", "person/b", filters=window)
    assert path is not None
    assert path.length == 2
    assert shortest_path(proj, "person/a", "person/c", filters=window) is None


def test_k_shortest_paths_lengths_in_order() -> None:
    paths = k_shortest_paths(line_projection(), "person/a", "person/e", 5)
    assert [x.length for x in paths] == [3, 4]
    assert paths[1].nodes == tuple(LINE)
    assert [x.length for x in k_shortest_paths(line_projection(), "person/a", "person/e", 5, max_length=3)] == [3]
    filtered = k_shortest_paths(
        line_projection(), "person/a", "person/e", 5, filters=Filters(node_types=frozenset({"Person"}))
    )
    assert [x.nodes for x in filtered] == [tuple(LINE)]


def test_k_shortest_paths_disconnected_gives_none() -> None:
    proj = Projection.from_extractions([chain("a", p("a", "b")), chain("b", p("c", "d"))])
    assert k_shortest_paths(proj, "person/a", "person/d", 3) == ()


def test_ego_network_depths() -> None:
    proj = line_projection()
    assert ego_network(proj, "person/c", 0).nodes == ("person/c",)
    one = ego_network(proj, "person/c", 1)
    assert set(one.nodes) == set(p("b", "c", "d"))
    assert {(x.source, x.target) for x in one.edges} == {("person/b", "person/c"), ("person/c", "person/d")}
    two = ego_network(proj, "person/c", 2)
    assert set(two.nodes) == {*p("a", "b", "c", "d", "e"), "organisation/x"}
    assert len(two.edges) == 6
    capped = ego_network(proj, "person/c", 2, max_nodes=3)
    assert (len(capped.nodes), capped.truncated, two.truncated) == (3, True, False)


# -------------------------------------------------------------- centrality


def star_projection() -> Projection:
    leaves = p("l1", "l2", "l3", "l4")
    return Projection.from_extractions(
        [
            extraction("star", [relation("person/hub", "relatedTo", leaf) for leaf in leaves]),
            chain("tail", ["person/l1", "person/far"]),
        ]
    )


@pytest.mark.parametrize("measure", list(Measure), ids=[m.value for m in Measure])
def test_centrality_star_hub_first(measure: Measure) -> None:
    result = centrality(star_projection(), measure)
    assert result.ranked[0].key == "person/hub"
    assert result.ranked[1].key == "person/l1"
    assert result.exact
    assert [r.score for r in result.ranked] == sorted((r.score for r in result.ranked), reverse=True)


def test_centrality_path_betweenness_known_values() -> None:
    proj = Projection.from_extractions([chain("p5", LINE)])
    scores = {r.key: r.score for r in centrality(proj, "betweenness").ranked}
    # on a path of 5 the middle node lies on 4 of the 6 pairs not involving it
    assert scores == pytest.approx(
        {"person/c": 4 / 6, "person/b": 3 / 6, "person/d": 3 / 6, "person/a": 0.0, "person/e": 0.0}
    )
    assert [r.key for r in centrality(proj, "BETWEENNESS").ranked[:3]] == p("c", "b", "d")


def test_centrality_sampled_above_threshold_says_so_and_repeats() -> None:
    proj = Projection.from_extractions([chain("p5", LINE)])
    first = centrality(proj, "betweenness", exact_threshold=3, samples=2, seed=7)
    again = centrality(
        Projection.from_extractions([chain("p5", LINE)]), "betweenness", exact_threshold=3, samples=2, seed=7
    )
    assert (first.exact, first.samples) == (False, 2)
    assert first == again


def test_sampled_closeness_with_all_but_one_pivot_is_exact() -> None:
    graph = nx.barbell_graph(4, 2)
    graph.add_edge("x", "y")
    estimate, exact, samples = sampled_closeness(graph, graph.number_of_nodes() - 3, seed=1)
    assert (exact, samples) == (False, graph.number_of_nodes() - 3)
    assert estimate == pytest.approx(nx.closeness_centrality(graph))


def test_centrality_closeness_sampled_marks_inexact() -> None:
    proj = Projection.from_extractions([chain("p5", LINE)])
    result = centrality(proj, "closeness", exact_threshold=2, samples=2)
    assert (result.exact, result.samples, len(result.ranked)) == (False, 2, 5)


def test_pagerank_path_of_three_known_values() -> None:
    ranks = pagerank(nx.path_graph(3))
    # solved by hand: m = 0.05 + 0.85 * 2e, e = 0.05 + 0.85 * m / 2
    assert ranks == pytest.approx(
        {0: 0.135 * 0.425 / 0.2775 + 0.05, 1: 0.135 / 0.2775, 2: 0.135 * 0.425 / 0.2775 + 0.05}
    )
    isolated = nx.Graph([(0, 1)])
    isolated.add_node(2)
    assert sum(pagerank(isolated).values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "graph",
    [nx.karate_club_graph(), nx.barbell_graph(5, 3), nx.star_graph(6), nx.complete_bipartite_graph(3, 5)],
    ids=["karate", "barbell", "star", "bipartite"],
)
def test_eigenvector_matches_networkx(graph: nx.Graph) -> None:
    assert eigenvector(graph, tol=1e-10) == pytest.approx(
        nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-10), abs=1e-6
    )


def test_centrality_types_and_first() -> None:
    proj = line_projection()
    result = centrality(proj, "degree", types=["Organisation"])
    assert [r.key for r in result.ranked] == ["organisation/x"]
    assert len(centrality(proj, "degree", first=2).ranked) == 2


def test_centrality_cached_until_change() -> None:
    proj = line_projection()
    first = centrality(proj, "pagerank")
    assert centrality(proj, "pagerank").ranked is first.ranked
    proj.add_extraction(chain("more", p("e", "f")))
    assert centrality(proj, "pagerank").ranked is not first.ranked
    assert "person/f" in {r.key for r in centrality(proj, "pagerank").ranked}


def test_projection_cached_computes_without_the_lock_and_skips_stale_results() -> None:
    proj = line_projection()
    calls: list[bool] = []

    def compute() -> int:
        # another thread (an ingest) must be able to take the lock meanwhile
        free: list[bool] = []

        def ingest() -> None:
            free.append(proj.lock.acquire(timeout=5))
            if free[-1]:
                proj.lock.release()

        worker = threading.Thread(target=ingest)
        worker.start()
        worker.join()
        calls.append(free == [True])
        if len(calls) == 1:
            proj.add_extraction(chain("late", p("e", "z")))
        return len(calls)

    assert proj.cached("k", compute) == 1  # answered, but computed while the graph changed
    assert proj.cached("k", compute) == 2  # so computed again, and cached this time
    assert proj.cached("k", compute) == 2
    assert calls == [True, True]


def test_time_sliced_centrality_ranks_who_was_central_then() -> None:
    def meeting(key: str, month: str, people: Sequence[str]) -> Event:
        return event(key, "Meeting", [("participant", x) for x in people], start=month)

    proj = Projection.from_extractions(
        [
            extraction(
                "spring",
                events=[meeting("event/s1", "2022-03", p("a", "b")), meeting("event/s2", "2022-04", p("a", "c"))],
            ),
            extraction(
                "autumn",
                events=[meeting("event/o1", "2022-10", p("d", "b")), meeting("event/o2", "2022-11", p("d", "e"))],
            ),
        ]
    )
    people = {"Person"}
    spring = time_sliced_centrality(proj, "degree", "2022-03", "2022-05", types=people)
    autumn = time_sliced_centrality(proj, "degree", "2022-10", None, types=people)
    october = time_sliced_centrality(proj, "degree", None, "2022-10", types=people)
    assert spring.ranked[0].key == "person/a"
    assert {r.key for r in spring.ranked} == set(p("a", "b", "c"))
    assert autumn.ranked[0].key == "person/d"
    assert (autumn.start, autumn.end) == ("2022-10-01", "9999-12-31")
    assert {r.key for r in october.ranked} == set(p("a", "b", "c", "d"))
    # over the whole time a, b and d each met twice: a tie, broken by key
    whole = centrality(proj, "degree", types=people).ranked
    assert [r.key for r in whole[:3]] == p("a", "b", "d")
    assert whole[0].score == whole[2].score > whole[3].score


# ------------------------------------------------------------- communities


def test_communities_two_cliques_and_a_bridge() -> None:
    left, right = p("a1", "a2", "a3", "a4"), p("b1", "b2", "b3", "b4")
    cliques = [
        extraction(name, [relation(x, "relatedTo", y) for i, x in enumerate(group) for y in group[i + 1 :]])
        for name, group in (("left", left), ("right", right))
    ]
    proj = Projection.from_extractions([*cliques, chain("bridge", ["person/a1", "person/b1"])])
    found = communities(proj)
    assert {c.members for c in found} == {tuple(sorted(left)), tuple(sorted(right))}
    assert [c.index for c in found] == [0, 1]
    assert communities(Projection.from_extractions([*cliques, chain("bridge", ["person/a1", "person/b1"])])) == found


def test_communities_min_size_drops_singletons() -> None:
    proj = Projection.from_extractions([chain("a", p("a", "b"))])
    proj.add_extraction(extraction("lone", entities=[_entity("person/lone")]))
    assert [c.size for c in communities(proj)] == [2, 1]
    assert [c.size for c in communities(proj, min_size=2)] == [2]


# ------------------------------------------------------- incremental updates


def test_remove_article_restores_previous_answers() -> None:
    proj = Projection.from_extractions([chain("line", LINE)])
    before = snapshot(proj), shortest_path(proj, "person/a", "person/e"), centrality(proj, "closeness")
    proj.add_extraction(chain("cut", SHORTCUT))
    path = shortest_path(proj, "person/a", "person/e")
    assert path is not None
    assert path.length == 3
    assert proj.remove_article("cut") is True
    after = snapshot(proj), shortest_path(proj, "person/a", "person/e"), centrality(proj, "closeness")
    assert after == before
    assert "organisation/x" not in proj
    assert proj.remove_article("cut") is False


def test_remove_article_keeps_support_from_others() -> None:
    proj = Projection.from_extractions(
        [
            extraction("one", [relation(PUTIN, "leaderOf", RUSSIA, 0.6)]),
            extraction("two", [relation(PUTIN, "leaderOf", RUSSIA, 0.9), relation(PUTIN, "memberOf", WAGNER)]),
        ]
    )
    assert proj.links(PUTIN, RUSSIA) == (Link(PUTIN, RUSSIA, "leaderOf", 0.9, ("one", "two")),)
    proj.remove_article("two")
    assert proj.links(PUTIN, RUSSIA) == (Link(PUTIN, RUSSIA, "leaderOf", 0.6, ("one",)),)
    assert WAGNER not in proj


def test_add_extraction_twice_replaces_the_article() -> None:
    proj = Projection.from_extractions([seed_extraction()])
    before, version = snapshot(proj), proj.version
    proj.add_extraction(seed_extraction())
    assert snapshot(proj) == before
    assert proj.version > version


def test_projection_label_is_most_common_then_longest() -> None:
    def named(article: str, label: str) -> Extraction:
        return extraction(article, entities=[Entity(PUTIN, EntityType.PERSON, label)])

    proj = Projection.from_extractions([named("1", "Putin"), named("2", "Vladimir Putin"), named("3", "Putin")])
    assert proj.node(PUTIN).label == "Putin"
    proj.remove_article("3")
    assert proj.node(PUTIN).label == "Vladimir Putin"


def test_projection_referenced_only_node_gets_type_from_key() -> None:
    x = Extraction(Article("a", "t"), relations=(relation("person/a", "basedIn", "place/kyiv"),))
    proj = Projection.from_extractions([x])
    assert (proj.node("place/kyiv").type, proj.node("place/kyiv").label) == ("Place", "kyiv")


# -------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call",
    [
        lambda proj: shortest_path(proj, "person/a", "person/nobody"),
        lambda proj: shortest_path(proj, "person/nobody", "person/a"),
        lambda proj: k_shortest_paths(proj, "person/nobody", "person/a", 2),
        lambda proj: ego_network(proj, "person/nobody"),
        lambda proj: proj.node("person/nobody"),
        lambda proj: proj.links("person/a", "person/nobody"),
    ],
    ids=["path-target", "path-source", "k-paths", "ego", "node", "links"],
)
def test_analytics_unknown_key_not_found(call: Callable[[Projection], object]) -> None:
    with pytest.raises(NotFoundError, match="person/nobody"):
        call(line_projection())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda proj: centrality(proj, "fame"), "'fame'.*degree, betweenness, pagerank"),
        (lambda proj: centrality(proj, "degree", types=["Robot"]), "Robot.*Event, Organisation, Person, Place"),
        (lambda proj: centrality(proj, "degree", first=0), "first must be"),
        (lambda proj: centrality(proj, "degree", start="2022-13"), "2022-13"),
        (lambda proj: time_sliced_centrality(proj, "degree", None, None), "neither"),
        (lambda proj: shortest_path(proj, "person/a", "person/b", max_length=-1), "max_length.*-1"),
        (lambda proj: k_shortest_paths(proj, "person/a", "person/b", 0), "k must be"),
        (lambda proj: k_shortest_paths(proj, "person/a", "person/b", 1000), "at most 100"),
        (lambda proj: ego_network(proj, "person/a", -2), "depth.*-2"),
        (lambda proj: communities(proj, resolution=0), "resolution"),
        (lambda proj: Filters(min_confidence=2), "min_confidence 2"),
        (lambda proj: Filters(node_types=frozenset({"Thing"})), "Thing"),
        (lambda proj: Filters(start="2022-10", end="2022-01"), "ends before"),
        (lambda proj: Filters(end="2022-1"), "2022-1"),
    ],
    ids=[
        "measure",
        "node-type",
        "first",
        "date",
        "no-slice",
        "max-length",
        "k-zero",
        "k-large",
        "depth",
        "resolution",
        "confidence",
        "filter-type",
        "window-order",
        "window-end",
    ],
)
def test_analytics_bad_argument_config_error(call: Callable[[Projection], object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        call(line_projection())


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2022", None, ("2022-01-01", "2022-12-31")),
        ("2024-02", None, ("2024-02-01", "2024-02-29")),
        ("2022-10-26", None, ("2022-10-26", "2022-10-26")),
        ("2022-03", "2022-05-02", ("2022-03-01", "2022-05-02")),
        (None, "2022-11", ("2022-11-01", "2022-11-30")),
        (None, None, None),
    ],
    ids=["year", "leap-month", "day", "range", "end-only", "undated"],
)
def test_date_range_partial_dates(start: str | None, end: str | None, expected: tuple[str, str] | None) -> None:
    assert date_range(start, end) == expected


def test_analytics_all_matches_exports() -> None:
    modules = {n for n, v in vars(kg.analytics).items() if isinstance(v, type(kg.analytics))}
    public = {n for n in vars(kg.analytics) if not n.startswith("_")} - modules - {"annotations"}
    assert set(kg.analytics.__all__) == public
    assert len(kg.analytics.__all__) == len(public)
    assert isinstance(centrality(Projection(), "degree"), CentralityResult)


# ------------------------------------------------- the seed, really extracted


def test_projection_ingested_seed_centres_on_bakhmut(seed_store: EmbeddedStore) -> None:
    proj = Projection.from_store(seed_store)
    (article,) = proj.articles
    kinds = {d["kind"] for _, d in proj.graph.nodes(data=True)}
    assert kinds == {"entity", "event"}
    assert not [k for k in proj.graph if k.startswith("article/") or "/mention/" in k]
    # the article is about the battle for Bakhmut: it is the best-connected entity
    top = centrality(proj, "degree", types={"Person", "Organisation", "Place"}, first=1).ranked
    assert top[0].key == BAKHMUT
    path = shortest_path(proj, ZELENSKY, BAKHMUT, max_length=4)
    assert path is not None
    assert all(proj.node(k).kind in {"entity", "event"} for k in path.nodes)
    assert proj.remove_article(article)
    assert (len(proj), proj.number_of_edges()) == (0, 0)
