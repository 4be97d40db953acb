"""The explorer page: served offline by the app, and used in a real headless Chromium.

The in-process tests check what the server hands out. The browser tests start a real
``kg serve`` on the seed graph, drive Debian's Chromium through Playwright, and compare
what the page shows with what the public GraphQL API answers for the same question.
"""

from __future__ import annotations

import asyncio
import html.parser
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as url_quote

import httpx
import pytest
from graphql import parse, validate
from starlette.applications import Starlette
from starlette.types import ASGIApp

from api import build_schema, create_app
from api.explore import CONTENT_SECURITY_POLICY, STATIC_DIR, explore_routes
from kg.analytics import date_range
from kg.errors import ConfigError
from kg.settings import Settings
from kg.store import EmbeddedStore
from tests.support.paths import ROOT
from tests.support.servers import CHROMIUM, CHROMIUM_ARGS, kg_serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

SCREENSHOTS = ROOT / "tmp" / "explore-screenshots"  # /tmp/ is in .gitignore
ASSETS = ["explore.js", "api.js", "graph.js", "panels.js", "explore.css"]
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


class _Client:
    """In-process HTTP through httpx's ASGI transport (Starlette's TestClient warns)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(go())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


@pytest.fixture(scope="module")
def static_client() -> _Client:
    return _Client(Starlette(routes=explore_routes()))


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value is not None:
                self.urls.append((tag, value))


def test_explore_page_is_served_with_a_strict_policy(static_client: _Client) -> None:
    r = static_client.get("/explore", params={"q": "Bakhmut"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert r.headers["x-content-type-options"] == "nosniff"
    assert '<svg id="graph"' in r.text


@pytest.mark.parametrize(
    ("name", "media"),
    [(n, "text/css" if n.endswith(".css") else "javascript") for n in ASSETS],
    ids=ASSETS,
)
def test_explore_assets_are_served_from_the_repo(static_client: _Client, name: str, media: str) -> None:
    r = static_client.get(f"/explore/static/{name}")
    assert r.status_code == 200
    assert media in r.headers["content-type"]
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert r.content == (STATIC_DIR / name).read_bytes()


@pytest.mark.parametrize(
    "path",
    ["/explore/static/missing.js", "/explore/static/../explore.py", "/explore/static/%2e%2e/explore.py"],
    ids=["missing", "dot-dot", "encoded-dot-dot"],
)
def test_explore_assets_outside_the_folder_are_not_found(static_client: _Client, path: str) -> None:
    assert static_client.get(path).status_code == 404


def test_explore_page_links_only_to_local_files(static_client: _Client) -> None:
    parser = _Links()
    parser.feed((STATIC_DIR / "index.html").read_text(encoding="utf-8"))
    local = [(tag, url) for tag, url in parser.urls if url != "data:,"]  # the empty favicon
    assert local, "the page links no scripts or styles"
    for tag, url in local:
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE), f"<{tag}> leaves the server: {url}"
    for _, url in local:
        if url.startswith("explore/static/"):
            assert static_client.get("/" + url).status_code == 200, url


@pytest.mark.parametrize("name", ASSETS, ids=ASSETS)
def test_explore_assets_name_no_other_host(name: str) -> None:
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[^\s\"'`)]+", text)) - {SVG_NAMESPACE}
    assert not urls, f"{name} refers to other hosts: {sorted(urls)}"
    for module in re.findall(r"""(?:import|from)\s+["']([^"']+)["']""", text):
        assert module.startswith("./"), f"{name} imports {module!r}, not a file beside it"
        assert (STATIC_DIR / module).is_file(), f"{name} imports a missing {module!r}"


def test_explore_routes_refuse_a_folder_without_the_page(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(str(tmp_path))):
        explore_routes(tmp_path)


def test_create_app_serves_explore_beside_graphql(seed_store: EmbeddedStore) -> None:
    client = _Client(create_app(Settings.load(env={}), store=seed_store))
    assert client.get("/explore").status_code == 200
    assert client.get("/explore/static/explore.js").status_code == 200
    r = client.post("/graphql", json={"query": "{ stats { entities } }"})
    assert r.json()["data"]["stats"]["entities"] > 0


# ---- a real server and a real browser ------------------------------------------------


@pytest.fixture(scope="module")
def server(seed_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kg serve`` on a private copy of the seed store, for this module's browser tests."""
    import shutil

    store = tmp_path_factory.mktemp("explore") / "kg-data"
    shutil.copytree(seed_store_dir, store)
    with kg_serve(store) as url:
        yield url


def _gql(server: str, query: str, **variables: Any) -> dict[str, Any]:
    body = httpx.post(f"{server}/graphql", json={"query": query, "variables": variables}, timeout=30).json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


ENTITY_FACTS = """query($id: ID!) { entity(id: $id) { ... on Entity { id label latitude longitude type
  relationships(first: 100) { edges { node { predicate subject { id label type latitude longitude }
    object { id label type latitude longitude } evidence { text article { published } } } } }
  events(first: 100) { edges { node { id label type start end evidence { text }
    place { id label type latitude longitude } } } } } } }"""


def _entity(server: str, name: str) -> dict[str, Any]:
    found = _gql(server, "query($q: String!) { entities(search: $q) { edges { node { id label } } } }", q=name)
    ids = [e["node"]["id"] for e in found["entities"]["edges"] if e["node"]["label"].lower() == name.lower()]
    assert ids, f"the seed graph has no entity labelled {name!r}"
    entity: dict[str, Any] = _gql(server, ENTITY_FACTS, id=ids[0])["entity"]
    return entity


class _Browser:
    """One Chromium page that records console errors and refuses requests to other hosts."""

    def __init__(self, page: Page, server: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r: Route) -> None:
            if r.request.url.startswith(server):
                r.continue_()
            else:
                self.foreign.append(r.request.url)
                r.abort()

        page.route("**/*", route)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        self.settle()

    def settle(self) -> None:
        # the page's CSP forbids eval, so wait on the attribute rather than a JS predicate
        self.page.wait_for_selector("body[data-pending='0']", state="attached", timeout=30_000)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium: Browser, server: str) -> Iterator[_Browser]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    b = _Browser(context.new_page(), server)
    yield b
    context.close()
    assert not b.foreign, f"the page asked other hosts: {b.foreign}"
    assert not b.errors, f"the page logged errors: {b.errors}"


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) into rows."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                ul = prev[i - bpp] if i >= bpp else 0
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else ul)) & 0xFF
        rows.append(bytes(line[j] for j in range(stride) if j % bpp < 3))
        prev = line
    return width, height, rows


def _not_blank(png: bytes) -> tuple[int, float]:
    """Distinct colours and the share of pixels that differ from the most common one."""
    _, _, rows = _png_pixels(png)
    counts: dict[bytes, int] = {}
    for row in rows:
        for i in range(0, len(row), 3):
            px = row[i : i + 3]
            counts[px] = counts.get(px, 0) + 1
    total = sum(counts.values())
    return len(counts), 1 - max(counts.values()) / total


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_shows_bakhmut_neighbours_and_edge_evidence(browser: _Browser, server: str) -> None:
    facts = _entity(server, "Bakhmut")
    rels = [e["node"] for e in facts["relationships"]["edges"]]
    events = [e["node"] for e in facts["events"]["edges"]]
    ends = {r["object"]["id"] if r["subject"]["id"] == facts["id"] else r["subject"]["id"] for r in rels}
    expected = ends | {e["id"] for e in events}
    assert expected, "the seed graph gives Bakhmut no neighbours to show"
    sentences = {ev["text"] for item in [*rels, *events] for ev in item["evidence"]}

    page = browser.page
    browser.open(f"{server}/explore?q=Bakhmut")
    assert page.inner_text("#selected-label") == "Bakhmut"
    listed = page.locator("#neighbours li[data-id]")
    assert {listed.nth(i).get_attribute("data-id") for i in range(listed.count())} == expected
    assert page.locator("#graph .node").count() == len(expected) + 1
    assert page.locator("#relationships li[data-key]").count() == page.locator("#graph .edge").count()

    # click a drawn edge that has a supporting sentence and no twin between the same two
    # nodes (an entity that is both target and place of an event has two edges drawn on
    # one line, and a click lands on whichever is on top)
    drawn = page.locator("#graph .edge")
    pairs = [(drawn.nth(i).get_attribute("data-source"), drawn.nth(i).get_attribute("data-target"))
             for i in range(drawn.count())]  # fmt: skip
    single = [i for i, p in enumerate(pairs) if pairs.count(p) == 1
              and drawn.nth(i).get_attribute("data-evidence") != "0"]  # fmt: skip
    assert single, "no edge with evidence is drawn"
    edge = drawn.nth(single[0])
    edge.locator(".edge-hit").click(force=True)
    browser.settle()
    box = page.locator("#evidence-body")
    heading = box.locator(".fact").inner_text()
    predicate = edge.get_attribute("data-predicate")
    assert predicate is not None
    assert predicate in heading
    marks = box.locator("blockquote mark").all_inner_texts()
    assert marks, box.inner_text()
    assert set(marks) <= sentences
    # each span is shown inside its sentence, taken from the article's own text
    article = _gql(server, "{ articles(first: 1) { edges { node { text } } } }")["articles"]["edges"][0]["node"]["text"]
    for quote, mark in zip(box.locator("blockquote").all_inner_texts(), marks, strict=True):
        assert mark in quote
        at = article.index(quote)
        after = article[at + len(quote) : at + len(quote) + 1]
        assert quote[-1] in '.!?"”’)' or after in {"", "\n"}, f"{quote!r} stops inside a sentence"
    caption = box.locator("figcaption").first.inner_text()
    assert re.search(r"\d{4}-\d{2}-\d{2}", caption), caption  # the article's date

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bakhmut.png"), full_page=True)
    colours, busy = _not_blank(page.locator("#graph").screenshot())
    assert colours >= 4, f"the graph drawing has {colours} colours"
    assert busy > 0.02, f"only {busy:.1%} of the graph drawing is not background"


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_search_box_is_bookmarkable_and_expands_on_click(browser: _Browser, server: str) -> None:
    page = browser.page
    browser.open(f"{server}/explore")
    page.fill("#q", "Ukraine")
    page.click("#search button[type=submit]")
    browser.settle()
    assert page.url.endswith("/explore?q=Ukraine")
    assert page.inner_text("#selected-label") == "Ukraine"
    before = page.locator("#graph .node").count()
    # expand a neighbour by clicking its node in the drawing
    target = page.locator("#graph .node:not(.expanded)").first
    label = target.get_attribute("aria-label") or ""
    target.click()
    browser.settle()
    assert page.inner_text("#selected-label") == label.split(" (")[0]
    assert page.locator("#graph .node").count() >= before
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    browser.settle()
    assert page.inner_text("#selected-label") == "Ukraine"


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_timeline_filters_by_type_and_date(browser: _Browser, server: str) -> None:
    facts = _entity(server, "Bakhmut")
    events = [e["node"] for e in facts["events"]["edges"]]
    assert events, "the seed graph gives Bakhmut no events"
    page = browser.page
    browser.open(f"{server}/explore?q=Bakhmut")
    assert page.locator("#events li[data-id]").count() == len(events)

    kind = max({e["type"] for e in events}, key=lambda t: sum(e["type"] == t for e in events))
    page.select_option("#event-type", kind)
    assert page.locator("#events li[data-id]").count() == sum(e["type"] == kind for e in events)

    page.select_option("#event-type", "")
    dated = [(e, date_range(e["start"], e["end"])) for e in events]
    assert any(r for _, r in dated), "none of Bakhmut's events in the seed graph has a date"
    day = min(r[0] for _, r in dated if r)
    page.fill("#from", day)
    page.fill("#to", day)
    page.dispatch_event("#to", "input")
    want = sum(1 for _, r in dated if r and r[0] <= day <= r[1])
    assert page.locator("#events li[data-id]").count() == want
    assert page.locator("#timeline .tl-event").count() == want


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_draws_places_by_coordinates(browser: _Browser, server: str) -> None:
    facts = _entity(server, "Ukraine")
    ends = [e["node"][side] for e in facts["relationships"]["edges"] for side in ("subject", "object")]
    ends += [e["node"]["place"] for e in facts["events"]["edges"] if e["node"]["place"]]
    places = {p["label"] for p in [facts, *ends] if p["type"] == "PLACE" and p["latitude"] is not None}
    assert len(places) >= 2, "the seed graph has too few located places near Ukraine"
    page = browser.page
    browser.open(f"{server}/explore?q=Ukraine")
    drawn = page.locator("#map .place")
    assert {t.strip() for t in drawn.all_text_contents()} == places
    # north is up and east is right: compare the drawn positions with the coordinates
    located = [p for p in [facts, *ends] if p["label"] in places]
    north = max(located, key=lambda p: p["latitude"])
    south = min(located, key=lambda p: p["latitude"])
    ys: dict[str, float] = {}
    for p in (north, south):
        box = page.locator(f'#map .place[data-id="{p["id"]}"]').bounding_box()
        assert box is not None, p["label"]  # drawn, so it has a box
        ys[p["label"]] = box["y"]
    assert ys[north["label"]] < ys[south["label"]]


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_path_finder_shows_each_step_with_evidence(browser: _Browser, server: str) -> None:
    start = _entity(server, "Bakhmut")
    people = _gql(server, "{ entities(type: PERSON) { edges { node { id label } } } }")["entities"]["edges"]
    path = None
    for person in (e["node"] for e in people):
        query = "query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b) { length nodes { id ... on Entity { label } ... on Event { label } } } }"
        path = _gql(server, query, a=start["id"], b=person["id"])["shortestPath"]
        if path:
            break
    assert path, "no person in the seed graph is connected to Bakhmut"
    page = browser.page
    browser.open(f"{server}/explore?q=Bakhmut")
    page.fill("#path-to", path["nodes"][-1]["label"])
    page.fill("#path-max", "8")
    page.click("#path-form button[type=submit]")
    page.wait_for_selector("#paths section.path", timeout=30_000)
    first = page.locator("#paths section.path").first
    assert first.locator(".path-nodes").inner_text() == " — ".join(n["label"] for n in path["nodes"])
    steps = first.locator("li.step")
    assert steps.count() == path["length"]
    assert first.locator("blockquote").count() >= 1


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_queries_are_valid_against_the_schema(browser: _Browser, server: str) -> None:
    page = browser.page
    browser.open(f"{server}/explore")
    queries: dict[str, str] = page.evaluate(
        """async () => {
          const api = await import("./explore/static/api.js");
          const out = { ...api.QUERIES };
          out.PATH_DETAILS = api.pathDetailsQuery([{ id: "e", __typename: "Event" }, { id: "x", __typename: "Entity" }]).query;
          return out;
        }"""
    )
    assert set(queries) >= {"SEARCH", "RELATIONSHIPS", "EVENTS", "CENTRALITY", "PATH", "PATH_DETAILS"}
    schema = build_schema()._schema
    for name, query in queries.items():
        assert not validate(schema, parse(query)), f"{name} does not fit the schema"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("measure", ["DEGREE", "BETWEENNESS"], ids=["degree", "betweenness"])
def test_explore_browser_sizes_nodes_by_the_chosen_centrality(browser: _Browser, server: str, measure: str) -> None:
    ranked = _gql(
        server,
        "query($m: CentralityMeasure!) { centrality(measure: $m, first: 100) { score entity { id } } }",
        m=measure,
    )["centrality"]
    scores = {r["entity"]["id"]: r["score"] for r in ranked}
    page = browser.page
    browser.open(f"{server}/explore?q=Ukraine")
    page.select_option("#measure", measure)
    browser.settle()
    circles = page.locator("#graph .node circle")
    radius = {}
    for i in range(circles.count()):
        c = circles.nth(i)
        node_id = c.locator("xpath=..").get_attribute("data-id")
        radius[node_id] = float(c.get_attribute("r") or "nan")
    drawn = [(scores.get(k, 0.0), r) for k, r in radius.items()]
    assert len({s for s, _ in drawn}) >= 2, "every drawn entity has the same score; nothing to compare"
    for s1, r1 in drawn:
        for s2, r2 in drawn:
            if s1 > s2:
                assert r1 > r2, f"a node scoring {s1} is drawn no larger than one scoring {s2}"


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_event_node_opened_by_keyboard_shows_its_sentence(browser: _Browser, server: str) -> None:
    facts = _entity(server, "Bakhmut")
    events = {e["node"]["id"]: e["node"] for e in facts["events"]["edges"]}
    page = browser.page
    browser.open(f"{server}/explore?q=Bakhmut")
    node = page.locator("#graph .node.EVENT").first
    event = events[node.get_attribute("data-id") or ""]
    node.focus()  # by keyboard: drawn nodes are focusable buttons
    page.keyboard.press("Enter")
    browser.settle()
    box = page.locator("#evidence-body")
    assert box.locator(".fact").inner_text().startswith(event["label"])
    assert set(box.locator("blockquote mark").all_inner_texts()) == {ev["text"] for ev in event["evidence"]}
    # expanding the event draws its participants and place as its neighbours
    assert page.inner_text("#selected-label") == event["label"]
    assert page.locator("#neighbours li[data-id]").count() >= 1


@pytest.mark.browser
@pytest.mark.slow
def test_explore_browser_without_a_search_offers_the_most_central_entities(browser: _Browser, server: str) -> None:
    ranked = _gql(server, "{ centrality(measure: PAGERANK, first: 8) { entity { label } } }")["centrality"]
    page = browser.page
    browser.open(f"{server}/explore")
    offered = page.locator("#selection .start button").all_inner_texts()
    assert offered == [r["entity"]["label"] for r in ranked]
    page.locator("#selection .start button").first.click()
    browser.settle()
    assert page.inner_text("#selected-label") == offered[0]
    assert page.url.endswith("/explore?q=" + url_quote(offered[0]))
