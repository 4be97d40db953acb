"""GraphiQL in a real browser: Debian's Chromium, driven by Playwright, with no network but this server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, sync_playwright

from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.store import EmbeddedStore
from tests.support.api_sample import extraction_a, extraction_b
from tests.support.servers import CHROMIUM, CHROMIUM_ARGS, kg_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("browser") / "kg-data"
    store = EmbeddedStore(path)
    for x in (extraction_a(), extraction_b()):
        store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x))])
    store.close()
    with kg_serve(path, env={"KG_BASE_IRI": DEFAULT_BASE}) as url:
        yield url


QUERY = '{ entities(search: "zelensky") { edges { node { label relationships { edges { node { predicate } } } } } } }'


def test_browser_graphiql_runs_a_query_offline(server: str) -> None:
    foreign: list[str] = []
    failed: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            here = urlsplit(server).netloc

            def route(r: Route) -> None:
                url = r.request.url
                if urlsplit(url).netloc != here and not url.startswith(("data:", "blob:")):
                    foreign.append(url)
                    r.abort()
                else:
                    r.continue_()

            page.route("**/*", route)
            page.on("requestfailed", lambda req: failed.append(req.url))
            page.goto(f"{server}/graphql", wait_until="load", timeout=30_000)
            page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=30_000)
            page.evaluate(
                "q => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q)", QUERY
            )
            page.click(".graphiql-execute-button")
            page.wait_for_function(
                "() => (document.querySelector('.graphiql-response')?.innerText || '').includes('leaderOf')",
                timeout=30_000,
            )
            response = page.inner_text(".graphiql-response")
        finally:
            browser.close()
    assert "Volodymyr Zelensky" in response
    assert foreign == [], foreign  # everything GraphiQL needs comes from this server
    assert failed == []
