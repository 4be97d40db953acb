"""The explorer on a hub: an entity with hundreds of events and dozens of linked entities.

The store is generated (invented articles, built as extraction records, no model): one
mayor takes part in 300 events of five types over two years, with 72 other entities,
so the page must aggregate. ``bench/explore.py --store`` measures the same page on the
946 Reuters articles of conllpp-train.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Article, Entity, EntityType, Event, Evidence, Extraction, Mention, Participant
from kg.store import EmbeddedStore
from tests.support.servers import chromium_page, kg_serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HUB = "person/ana-lopez"
TYPES = ["Statement", "Meeting", "Protest", "Agreement", "Aid"]
ARTICLES = 60
EVENTS_PER_ARTICLE = 5
PEOPLE = 60
CITIES = 12


def _article(i: int) -> Extraction:
    other, city = f"Councillor Number {i % PEOPLE}", f"Town {i % CITIES}"
    text = f"Mayor Ana Lopez met {other} in {city} on a Monday. They talked about roads and schools for an hour."

    def ev(needle: str) -> Evidence:
        start = text.index(needle)
        return Evidence(start, start + len(needle), needle, 0, len(text))

    def mention(needle: str, key: str, kind: EntityType) -> Mention:
        start = text.index(needle)
        return Mention(start, start + len(needle), needle, key, kind, 0.9, 0, len(text))

    other_key, city_key = f"person/councillor-number-{i % PEOPLE}", f"place/town-{i % CITIES}"
    month = 1 + i % 12
    year = 2021 + (i // 30)
    return Extraction(
        article=Article(
            id=f"hub-{i:03d}", text=text, title=f"Mayor meets councillor {i}", published=f"{year}-{month:02d}-15"
        ),
        mentions=(
            mention("Ana Lopez", HUB, EntityType.PERSON),
            mention(other, other_key, EntityType.PERSON),
            mention(city, city_key, EntityType.PLACE),
        ),
        entities=(
            Entity(HUB, EntityType.PERSON, "Ana Lopez", confidence=0.95),
            Entity(other_key, EntityType.PERSON, other, confidence=0.9),
            Entity(city_key, EntityType.PLACE, city, confidence=0.9),
        ),
        relations=(),
        events=tuple(
            Event(
                f"event/hub-{i:03d}/{k}",
                TYPES[(i + k) % len(TYPES)],
                f"{TYPES[(i + k) % len(TYPES)]} {i}.{k}",
                ev("met"),
                0.8,
                participants=(Participant("agent", HUB), Participant("target", other_key)),
                place=city_key,
                start=f"{year}-{month:02d}-{1 + k * 5:02d}",
            )
            for k in range(EVENTS_PER_ARTICLE)
        ),
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("hub") / "kg-data"
    store = EmbeddedStore(path)
    batch = [(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x)) for x in map(_article, range(ARTICLES))]
    store.put_articles(batch)
    store.close()
    with kg_serve(path, env={"KG_BASE_IRI": DEFAULT_BASE}) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[tuple[Page, list[str]]]:
    with chromium_page() as opened:
        yield opened


@pytest.fixture
def page(browser_page: tuple[Page, list[str]], server: str) -> Iterator[Page]:
    """The explorer showing the hub, every page of its events loaded and the layout settled."""
    pg, errors = browser_page
    pg.goto(f"{server}/explore?q=Ana Lopez")
    pg.wait_for_selector("body[data-ready=true][data-pending='0']", state="attached", timeout=60_000)
    pg.wait_for_selector("#neighbours li[data-group='Aid']", timeout=60_000)
    pg.wait_for_timeout(500)  # a few frames of layout (labels are placed on every frame)
    yield pg
    assert not errors, errors


def _count(page: Page, selector: str) -> int:
    return int(page.locator(selector).count())


def test_explore_hub_draws_at_most_40_nodes_with_a_visible_show_more(page: Page) -> None:
    assert 10 < _count(page, "#graph .node") <= 40
    more = page.locator("#show-more")
    assert more.is_visible()
    hidden = int(more.inner_text().split("(")[1].split()[0])
    assert hidden == PEOPLE + CITIES - (_count(page, "#graph .node.entity") - 1)  # all but the hub drawn
    before = _count(page, "#graph .node")
    more.click()
    page.wait_for_timeout(300)
    assert _count(page, "#graph .node") == before + 20


def test_explore_hub_edges_are_aggregated_with_weight_and_kinds(page: Page) -> None:
    edges = page.locator("#graph .edge.aggregate")
    assert edges.count() > 0
    weights = [int(w) for w in edges.evaluate_all("els => els.map(e => e.dataset.weight)")]
    # a councillor shares all five events of each of their article(s) with the mayor
    assert max(weights) >= EVENTS_PER_ARTICLE
    labels = edges.evaluate_all("els => els.map(e => e.dataset.predicate)")
    assert any("Statement" in label and "Meeting" in label for label in labels), labels


def test_explore_hub_groups_events_by_type_and_a_click_expands_a_group(page: Page) -> None:
    groups = page.locator("#graph .node.group")
    assert groups.count() == len(TYPES)
    names = sorted(groups.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))"))
    assert all(f"({ARTICLES * EVENTS_PER_ARTICLE // len(TYPES)})" in n for n in names), names
    events_before = _count(page, "#graph .node.event")
    page.locator("#graph .node.group[data-id$='|Aid']").click()
    page.wait_for_timeout(300)
    assert _count(page, "#graph .node.event") > events_before
    assert _count(page, "#neighbours li") == ARTICLES * EVENTS_PER_ARTICLE // len(TYPES)  # the group's events


def test_explore_hub_text_list_is_complete(page: Page) -> None:
    assert _count(page, "#neighbours li[data-id]") == PEOPLE + CITIES  # every linked entity, drawn or not
    assert _count(page, "#neighbours li[data-group]") == len(TYPES)


def test_explore_hub_labels_do_not_overlap(page: Page) -> None:
    boxes = page.locator("#graph .node-label").evaluate_all(
        """els => els.filter(t => getComputedStyle(t).display !== 'none').map(t => {
             const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    )
    assert len(boxes) >= 5
    overlapping = [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]
    assert overlapping == []
    # the layout may still move nodes (and so which labels are hidden, if any: a layout
    # that settles with room for every label hides none): name one node, hidden as the
    # layout hides a label when none is
    hidden = page.locator("#graph .node.label-hidden")
    if hidden.count() == 0:
        page.locator("#graph .node").first.evaluate("n => n.classList.add('label-hidden')")
    node_id = hidden.first.get_attribute("data-id")
    node = page.locator(f'#graph .node[data-id="{node_id}"]')
    node.focus()
    assert node.locator(".node-label").evaluate("t => getComputedStyle(t).display") != "none"


def test_explore_hub_timeline_aggregates_by_month(page: Page) -> None:
    bars = page.locator("#timeline .tl-bucket")
    assert bars.count() == 24  # two years of months
    counts = [int(c) for c in bars.evaluate_all("els => els.map(e => e.dataset.count)")]
    assert sum(counts) == ARTICLES * EVENTS_PER_ARTICLE
    assert _count(page, "#timeline .tl-event") == 0
    bars.first.click()
    page.wait_for_timeout(300)
    assert page.locator("#from").input_value() == "2021-01-01"
    assert _count(page, "#events li") == counts[0]


def test_explore_hub_first_picture_needs_only_the_start_request(
    browser_page: tuple[Page, list[str]], server: str
) -> None:
    """Every request but the search-and-hub one is held back: the hub is drawn all the same."""
    from playwright.sync_api import Route

    pg, errors = browser_page
    held: list[Route] = []
    holding = [True]

    def hold(route: Route) -> None:
        if holding[0] and "query ExploreStart" not in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    pg.route("**/graphql", hold)
    try:
        pg.goto(f"{server}/explore?q=Ana Lopez")
        pg.wait_for_selector("#graph g.nodes g.node:nth-child(2)", state="attached", timeout=60_000)
        assert 10 < _count(pg, "#graph .node") <= 40
        assert _count(pg, "#graph .node.group") == len(TYPES)
        assert _count(pg, "#graph .edge.aggregate") > 0
    finally:
        holding[0] = False
        for route in held:
            route.continue_()
    pg.wait_for_selector("body[data-ready=true][data-pending='0']", state="attached", timeout=60_000)
    pg.unroute("**/graphql")
    assert _count(pg, "#neighbours li[data-id]") == PEOPLE + CITIES
    assert not errors, errors
