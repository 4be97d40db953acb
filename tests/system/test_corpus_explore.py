"""The explorer on the real corpus's biggest hub, in headless Chromium, as a person sees it.

``kg serve`` runs on the session's ``corpus_store`` (946 Reuters articles of conllpp-train
ingested by ``kg ingest``). The hub is picked from the store, never named here: the most
mentioned entity, which links to hundreds of others. ``/explore?q=<its label>`` must
draw a first picture a person can read (at most about 40 nodes, a visible "show more",
labels that do not overlap, events grouped by type with counts), keep the text lists
complete, and keep the timeline readable. ``bench/explore.py --store`` times the same page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest

from tests.support.corpus import CorpusStore
from tests.support.servers import chromium_page, kg_serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.corpus, pytest.mark.browser, pytest.mark.slow]

#: What the page promises: nodes drawn at first around a hub, nodes each "show more"
#: adds, and the number of dated events above which the timeline counts per week or month.
FIRST_NODES, MORE_NODES, DENSE = 40, 20, 40


@dataclass(frozen=True)
class Hub:
    """The hub as the API describes it."""

    id: str
    label: str
    mentions: int
    neighbours: int
    relationships: int
    events: int
    dated: int
    types: dict[str, int]


def _gql(url: str, query: str, **variables: Any) -> dict[str, Any]:
    answer = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, timeout=120).json()
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


TOP = "{ entities(first: 1, orderBy: MENTIONS_DESC) { edges { node { id label mentionCount } } } }"
HUB = """query($id: ID!) {
  hub(id: $id) { ... on Hub { relationCount eventCount eventTypes { name count } neighbours(first: 1) { totalCount } } }
  entity(id: $id) { ... on Entity { relationships(first: 1, derived: true) { totalCount } } }
}"""
EVENTS = """query($id: ID!, $after: String) { entity(id: $id) { ... on Entity {
  events(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { start } } } } } }"""


@pytest.fixture(scope="module")
def server(corpus_store: CorpusStore) -> Iterator[str]:
    with kg_serve(corpus_store.path) as url:
        yield url


@pytest.fixture(scope="module")
def hub(server: str) -> Hub:
    """The most mentioned entity of the store, and what the API says it links to."""
    (edge,) = _gql(server, TOP)["entities"]["edges"]
    top = edge["node"]
    data = _gql(server, HUB, id=top["id"])
    starts: list[str | None] = []
    after = None
    while True:
        events = _gql(server, EVENTS, id=top["id"], after=after)["entity"]["events"]
        starts += [e["node"]["start"] for e in events["edges"]]
        if not events["pageInfo"]["hasNextPage"]:
            break
        after = events["pageInfo"]["endCursor"]
    found = Hub(
        id=top["id"],
        label=top["label"],
        mentions=top["mentionCount"],
        neighbours=data["hub"]["neighbours"]["totalCount"],
        relationships=data["entity"]["relationships"]["totalCount"],
        events=data["hub"]["eventCount"],
        dated=sum(s is not None for s in starts),
        types={t["name"]: t["count"] for t in data["hub"]["eventTypes"]},
    )
    assert len(starts) == found.events
    # Its relationships, derived facts too (a place's containment), are the ones the hub counts.
    assert found.relationships == data["hub"]["relationCount"]
    # A hub: far more linked entities than one picture can draw, events of several types.
    assert found.neighbours >= 5 * FIRST_NODES, found
    assert found.relationships > 100, found  # more than one page of them (the page asks 100 at a time)
    assert found.events >= 20, found
    assert len(found.types) >= 3, found
    return found


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[tuple[Page, list[str]]]:
    with chromium_page() as opened:
        yield opened


def _open(pg: Page, server: str, hub: Hub) -> None:
    pg.goto(f"{server}/explore?q={quote(hub.label)}")
    pg.wait_for_selector("body[data-ready=true][data-pending='0']", state="attached", timeout=120_000)
    pg.wait_for_selector("#graph[data-layout=settled]", state="attached", timeout=60_000)


@pytest.fixture
def page(browser_page: tuple[Page, list[str]], server: str, hub: Hub) -> Iterator[Page]:
    """The explorer showing the hub, everything loaded and the layout settled."""
    pg, errors = browser_page
    errors.clear()
    _open(pg, server, hub)
    yield pg
    assert not errors, errors


def _count(page: Page, selector: str) -> int:
    return int(page.locator(selector).count())


def _overlapping(page: Page, selector: str) -> list[tuple[list[float], list[float]]]:
    """Pairs of visible elements matching ``selector`` whose boxes intersect."""
    boxes: list[list[float]] = page.locator(selector).evaluate_all(
        """els => els.filter(t => getComputedStyle(t).display !== 'none' && t.getClientRects().length)
             .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    )
    return [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def test_corpus_explore_centres_the_hub_found_by_its_label(page: Page, hub: Hub) -> None:
    centre = page.locator(f'#graph .node[data-id="{hub.id}"]')
    assert centre.count() == 1
    assert page.locator("#selected-label").inner_text() == hub.label
    assert f"Mentioned {hub.mentions} times" in page.locator("#selection").inner_text()


def test_corpus_explore_draws_at_most_40_nodes_and_a_visible_show_more(page: Page, hub: Hub) -> None:
    drawn = _count(page, "#graph .node")
    assert 10 < drawn <= FIRST_NODES
    more = page.locator("#show-more")
    assert more.is_visible()
    not_drawn = hub.neighbours - (_count(page, "#graph .node.entity") - 1)  # every linked entity but those drawn
    assert more.inner_text() == f"Show {MORE_NODES} more ({not_drawn} not drawn)"
    more.click()
    page.wait_for_function(f"document.querySelectorAll('#graph .node').length > {drawn}")
    assert _count(page, "#graph .node") == drawn + MORE_NODES


def test_corpus_explore_edges_are_aggregated_the_strongest_drawn_each_with_its_sentences(page: Page) -> None:
    edges = page.locator("#graph .edge.aggregate").evaluate_all(
        "els => els.map(e => [e.dataset.target, +e.dataset.weight, +e.dataset.evidence, e.dataset.predicate])"
    )
    assert len(edges) == _count(page, "#graph .node.entity") - 1  # one edge per drawn linked entity
    assert [e for e in edges if e[1] < 1 or not e[3]] == []  # each with its weight and kinds
    assert [e for e in edges if e[2] == 0] == []  # and the sentences behind it (a click shows them)
    listed = page.locator("#neighbours li[data-id]").evaluate_all(
        "els => els.map(e => [e.dataset.id, +e.dataset.weight])"
    )
    drawn = {e[0] for e in edges}
    assert min(e[1] for e in edges) >= max(w for i, w in listed if i not in drawn)


def test_corpus_explore_labels_do_not_overlap(page: Page) -> None:
    assert _count(page, "#graph .node-label") >= 10
    assert _overlapping(page, "#graph .node-label") == []
    # A label left out for room shows on keyboard focus.
    hidden = page.locator("#graph .node.label-hidden")
    assert hidden.count() > 0  # forty nodes around one centre do not all fit their labels
    node = hidden.first
    node.focus()
    assert node.locator(".node-label").evaluate("t => getComputedStyle(t).display") != "none"


def test_corpus_explore_groups_events_by_type_with_counts_and_a_click_expands_one(page: Page, hub: Hub) -> None:
    groups = page.locator("#graph .node.group")
    labels = groups.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(labels) == len(hub.types)
    for kind, count in hub.types.items():
        assert any(label.startswith(f"{kind} ({count})") for label in labels), (kind, count, labels)
    biggest = max(hub.types, key=lambda k: hub.types[k])
    before = _count(page, "#graph .node.event")
    page.locator(f"#graph .node.group[data-id$='|{biggest}']").click()
    page.wait_for_function(f"document.querySelectorAll('#graph .node.event').length > {before}")
    assert _count(page, "#graph .node.event") == before + min(hub.types[biggest], FIRST_NODES)
    # The group's events, all of them, listed as text.
    assert _count(page, "#neighbours li[data-id]") == hub.types[biggest]
    assert page.locator("#selected-label").inner_text().startswith(f"{biggest} (")


def test_corpus_explore_text_lists_are_complete(page: Page, hub: Hub) -> None:
    assert _count(page, "#neighbours li[data-id]") == hub.neighbours  # every linked entity, drawn or not
    assert _count(page, "#neighbours li[data-group]") == len(hub.types)
    assert _count(page, "#relationships li[data-key]") == hub.relationships  # more than one page of them
    assert _count(page, "#events li[data-id]") == hub.events


def test_corpus_explore_timeline_is_readable(page: Page, hub: Hub) -> None:
    buckets, marks = _count(page, "#timeline .tl-bucket"), _count(page, "#timeline .tl-event")
    if hub.dated > DENSE:
        # Dense: counted per week or month, a few dozen bars at most, every dated event in one.
        assert marks == 0
        assert 0 < buckets <= 60
        counts = page.locator("#timeline .tl-bucket").evaluate_all("els => els.map(e => +e.dataset.count)")
        assert sum(counts) == hub.dated
    else:
        # Sparse: one mark per dated event, their labels apart.
        assert (buckets, marks) == (0, hub.dated)
        assert _overlapping(page, "#timeline .tl-label") == []
    assert _overlapping(page, "#timeline .tick") == []
    # The events with no date are counted, not silently left off the axis.
    note = page.locator("#timeline-note")
    undated = hub.events - hub.dated
    if 0 < undated < hub.events:
        assert (
            note.inner_text()
            == f"{undated} of {hub.events} events have no date: they are listed below, not on the axis."
        )
    else:
        assert note.is_hidden()


def test_corpus_explore_first_picture_needs_only_the_start_request(
    browser_page: tuple[Page, list[str]], server: str, hub: Hub
) -> None:
    """Every request but the search-and-hub one is held back: the hub is drawn all the same."""
    from playwright.sync_api import Route

    pg, errors = browser_page
    errors.clear()
    held: list[Route] = []
    holding = [True]

    def hold(route: Route) -> None:
        if holding[0] and "query ExploreStart" not in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    pg.route("**/graphql", hold)
    try:
        pg.goto(f"{server}/explore?q={quote(hub.label)}")
        pg.wait_for_selector("#graph g.nodes g.node:nth-child(2)", state="attached", timeout=60_000)
        assert 10 < _count(pg, "#graph .node") <= FIRST_NODES
        assert _count(pg, "#graph .node.group") == len(hub.types)
    finally:
        holding[0] = False
        for route in held:
            route.continue_()
    pg.wait_for_selector("body[data-ready=true][data-pending='0']", state="attached", timeout=120_000)
    pg.unroute("**/graphql")
    assert not errors, errors


def test_corpus_export_is_every_article_graph_as_n_quads(server: str, corpus_store: CorpusStore) -> None:
    with httpx.stream("GET", f"{server}/export", params={"format": "nquads"}, timeout=300) as response:
        assert response.status_code == 200
        body = response.read()
    quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
    stats = _gql(server, "{ stats { articles quads } }")["stats"]
    assert len(quads) == stats["quads"]
    assert len({q.graph_name for q in quads}) == stats["articles"] == corpus_store.articles
