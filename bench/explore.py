"""How long the explorer takes to show a search, where that time goes, and the cost of its data.

Run: ``.venv/bin/python -m bench.explore [--query Bakhmut] [--runs 10] [--store DIR | --corpus] [--cwd DIR]``

Input: ``seeds/`` ingested into ``bench/out/explore-store`` (reused on later runs), or
``--store DIR``, e.g. the 946 Reuters articles of ``conllpp-train.jsonl`` ingested with
``kg ingest`` and ``--query Moscow``, its most connected entity (a hub). ``--corpus``
builds (once, into ``bench/out/corpus-store``) the store the ``corpus`` tests use, with
the same command (tests/support/corpus.py: ``kg ingest --workers 2`` of conllpp-train from
``$KG_EVAL_DIR`` or ``../shared/eval``). Without ``--query``, a store given by ``--store``
or ``--corpus`` is searched for its most mentioned entity, as those tests do.
``kg serve`` runs on it in a subprocess (from ``--cwd``, default this checkout: point
it at an export of an older commit to measure the page as it was, on the same store);
headless Chromium (Debian's, through Playwright) opens ``/explore?q=QUERY`` ``--runs``
times in fresh browser contexts, timing from navigation to

- the first picture (the centre and a neighbour drawn): by the page's own clock (an
  observer installed before its scripts notes when the nodes are in the document and
  the next frame, when they are painted), and as Playwright's polling sees it from
  outside (which adds the harness's own latency on a loaded machine),
- idle (every panel drawn, no request pending),
- the layout settled (``#graph[data-layout=settled]``, where the page sets it),

and records how many nodes the first picture draws and how many node labels overlap.
The breakdown of the first picture, per run, median over runs: each GraphQL request
the page had finished by then (operation name, when it started and how long it took
in the browser), and the page's own drawing time (``kg-render`` measures, where the
page sets them). The GraphQL requests the page sent on the first run are then
replayed over HTTP with httpx, one after another, ``--runs`` times: the cost of the
data alone, in total and per operation (its server time, without the browser).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from tests.support.servers import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def _store() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    store = OUT / "explore-store"
    if not store.exists():
        subprocess.run([sys.executable, "-m", "kg", "ingest", str(ROOT / "seeds"), "--store", str(store)], check=True)
    return store


def _corpus_store() -> Path:
    from tests.support import corpus

    store = OUT / "corpus-store"
    if not store.exists():
        reason = corpus.missing()
        if reason:
            raise SystemExit(reason)
        OUT.mkdir(parents=True, exist_ok=True)
        built = corpus.ingest(corpus.corpus_file(), store)
        print(f"built {store}: {built.articles} articles, {built.quads:,} quads, ingest {built.seconds:.0f} s")
    return store


def _most_mentioned(url: str) -> str:
    query = "{ entities(first: 1, orderBy: MENTIONS_DESC) { edges { node { label } } } }"
    answer = httpx.post(f"{url}/graphql", json={"query": query}, timeout=120).json()
    return str(answer["data"]["entities"]["edges"][0]["node"]["label"])


def _serve(store: Path, cwd: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("kg serve did not start within 120 s")


#: Pairs of visible node labels whose boxes intersect, measured in the page.
OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('#graph .node-label')]
    .filter((t) => getComputedStyle(t).display !== 'none')
    .map((t) => t.getBoundingClientRect());
  let n = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
  }
  return [document.querySelectorAll('#graph .node').length, boxes.length, n];
}"""

#: Installed before the page's own scripts: the page's clock when the first picture's
#: nodes are in the document, and at the start of the next frame (when it is painted).
FIRST_PICTURE = """window.__kgFirst = null;
new MutationObserver((_, obs) => {
  if (!document.querySelector('#graph g.nodes g.node:nth-child(2)')) return;
  obs.disconnect();
  const drawn = performance.timeOrigin + performance.now();
  requestAnimationFrame(() => { window.__kgFirst = [drawn, performance.timeOrigin + performance.now()]; });
}).observe(document, { childList: true, subtree: true });"""

#: When the page started navigating (ms since the epoch), and when its HTML arrived and its scripts ran (ms after).
NAVIGATION = """() => { const n = performance.getEntriesByType('navigation')[0];
  return [performance.timeOrigin, n.responseEnd, n.domContentLoadedEventEnd]; }"""

#: The page's own measures (drawing, layout): start (ms since the epoch) and duration, oldest first.
MEASURES = """() => Object.fromEntries(['kg-answer', 'kg-render', 'kg-layout'].map(
  (n) => [n, performance.getEntriesByName(n).map((m) => [performance.timeOrigin + m.startTime, m.duration])]))"""


def _operation(body: dict[str, Any]) -> str:
    query = str(body.get("query", ""))
    head = query.split("(")[0].split("{")[0].split()
    return head[1] if len(head) > 1 else "anonymous"


class Run:
    """What one page load measured, in ms from navigation."""

    def __init__(self) -> None:
        self.first = self.idle = self.settled = 0.0  # as Playwright sees them (with its polling)
        self.drawn = self.painted = 0.0  # by the page's clock: nodes in the document, the next frame
        self.requests: list[tuple[str, float, float]] = []  # operation, start, duration
        self.answer: list[tuple[float, float]] = []  # when the search's answer was in the page's hands
        self.render: list[tuple[float, float]] = []  # start, duration of each drawing
        self.layout: list[tuple[float, float]] = []
        self.navigation = (0.0, 0.0, 0.0)  # navigation starts; HTML received and scripts run (after that)


def _page_runs(url: str, query: str, runs: int) -> tuple[list[Run], list[dict[str, Any]], list[int]]:
    from playwright.sync_api import Request, sync_playwright

    done: list[Run] = []
    recorded: list[dict[str, Any]] = []
    shape: list[int] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.add_init_script(FIRST_PICTURE)
                run = Run()
                finished: list[tuple[str, Request]] = []

                def on_finished(r: Request, sink: list[tuple[str, Request]] = finished) -> None:
                    if r.url.endswith("/graphql"):
                        sink.append((_operation(json.loads(r.post_data or "{}")), r))

                page.on("requestfinished", on_finished)
                if i == 0:
                    page.on(
                        "request",
                        lambda r: (
                            recorded.append(json.loads(r.post_data or "{}")) if r.url.endswith("/graphql") else None
                        ),
                    )
                t0 = time.perf_counter()
                wall0 = time.time() * 1000
                page.goto(f"{url}/explore?q={query}")
                page.wait_for_selector("#graph g.nodes g.node:nth-child(2)", state="attached", timeout=60_000)
                run.first = (time.perf_counter() - t0) * 1000
                page.wait_for_selector("body[data-ready=true][data-pending='0']", state="attached", timeout=60_000)
                run.idle = (time.perf_counter() - t0) * 1000
                tells = page.evaluate("() => document.querySelector('#graph').dataset.layout !== undefined")
                if tells:  # older pages do not say when their layout stops
                    page.wait_for_selector("#graph[data-layout=settled]", state="attached", timeout=60_000)
                    run.settled = (time.perf_counter() - t0) * 1000
                page.wait_for_function("() => window.__kgFirst !== null", timeout=60_000)
                drawn, painted = page.evaluate("() => window.__kgFirst")
                run.drawn, run.painted = drawn - wall0, painted - wall0
                for op, r in finished:
                    t = r.timing
                    start = t["startTime"] - wall0
                    if start + t["responseEnd"] <= run.painted:
                        run.requests.append((op, start, t["responseEnd"]))
                origin, html, scripts = page.evaluate(NAVIGATION)
                run.navigation = (origin - wall0, html, scripts)
                measures = page.evaluate(MEASURES)
                run.answer = [(m[0] - wall0, m[1]) for m in measures["kg-answer"]]
                run.render = [(m[0] - wall0, m[1]) for m in measures["kg-render"]]
                run.layout = [(m[0] - wall0, m[1]) for m in measures["kg-layout"]]
                if i == 0:
                    # labels are placed on every frame: let the last one land
                    page.wait_for_timeout(1000 if tells else 6000)
                    shape.extend(page.evaluate(OVERLAPS))
                done.append(run)
                context.close()
        finally:
            browser.close()
    return done, recorded, shape


def _replay(url: str, requests: list[dict[str, Any]], runs: int) -> tuple[list[float], dict[str, list[float]]]:
    totals: list[float] = []
    each: dict[str, list[float]] = defaultdict(list)
    with httpx.Client(timeout=60) as client:
        for _ in range(runs):
            t0 = time.perf_counter()
            for body in requests:
                t1 = time.perf_counter()
                r = client.post(f"{url}/graphql", json=body)
                each[_operation(body)].append((time.perf_counter() - t1) * 1000)
                if "errors" in r.json():
                    raise RuntimeError(f"replayed request failed: {r.text[:300]}")
            totals.append((time.perf_counter() - t0) * 1000)
    return totals, each


def _row(name: str, values: list[float]) -> str:
    return f"| {name} | {statistics.median(values):.0f} ms | {min(values):.0f} ms | {max(values):.0f} ms |"


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--query", default=None, help="default: Bakhmut on the seed; else the most mentioned entity")
    parser.add_argument("--runs", type=int, default=10)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, default=None, help="an ingested store (default: the seed's)")
    where.add_argument("--corpus", action="store_true", help="the corpus tests' store of conllpp-train")
    parser.add_argument("--cwd", type=Path, default=ROOT, help="the checkout whose kg serve answers (default: this)")
    args = parser.parse_args(argv)
    store = args.store or (_corpus_store() if args.corpus else None)
    proc, url = _serve(store or _store(), args.cwd)
    try:
        if args.query is None:
            args.query = _most_mentioned(url) if store else "Bakhmut"
        page, recorded, shape = _page_runs(url, args.query, args.runs)
        data, each = _replay(url, recorded, args.runs)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"explorer /explore?q={args.query}: {args.runs} runs, {len(recorded)} GraphQL requests per load")
    print("| measure | median | min | max |")
    print("| --- | --- | --- | --- |")
    print(_row("page: navigation to first picture, painted (page's clock)", [r.painted for r in page]))
    print(_row("page: navigation to first picture (seen by Playwright's polling)", [r.first for r in page]))
    print(_row("page: navigation to idle", [r.idle for r in page]))
    if all(r.settled for r in page):
        print(_row("page: navigation to layout settled", [r.settled for r in page]))
    print(_row("data: same requests replayed", data))
    print(f"idle page / data: {statistics.median(r.idle for r in page) / statistics.median(data):.1f}x")
    nodes, labels, overlapping = shape
    print(f"first picture: {nodes} nodes drawn, {labels} labels shown, {overlapping} pairs of labels overlapping")
    print()
    print("Before the first picture (median over runs; requests the page had finished by then):")
    print("| step | runs | starts at | takes (browser) | server alone (replayed) |")
    print("| --- | --- | --- | --- | --- |")
    nav = [r.navigation for r in page]
    print(
        f"| browser starts the navigation | {len(nav)} | 0 ms | {statistics.median(n[0] for n in nav):.0f} ms | - |\n"
        f"| HTML received | {len(nav)} | {statistics.median(n[0] for n in nav):.0f} ms"
        f" | {statistics.median(n[1] for n in nav):.0f} ms | - |\n"
        f"| scripts loaded and run (DOMContentLoaded) | {len(nav)} | {statistics.median(n[0] for n in nav):.0f} ms"
        f" | {statistics.median(n[2] for n in nav):.0f} ms | - |"
    )
    by_op: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in page:
        for op, start, took in r.requests:
            by_op[op].append((start, took))
    for op, rows in sorted(by_op.items(), key=lambda kv: statistics.median(s for s, _ in kv[1])):
        server = f"{statistics.median(each[op]):.0f} ms" if op in each else "-"
        print(
            f"| {op} | {len(rows)} | {statistics.median(s for s, _ in rows):.0f} ms"
            f" | {statistics.median(t for _, t in rows):.0f} ms | {server} |"
        )
    answers = [r.answer[0][0] for r in page if r.answer]
    if answers:
        print(
            f"| the search's answer parsed in the page (kg-answer) | {len(answers)} | {statistics.median(answers):.0f} ms | - | - |"
        )
    renders = [r.render[0] for r in page if r.render]
    if renders:
        print(
            f"| page draws the first picture (kg-render) | {len(renders)} | {statistics.median(s for s, _ in renders):.0f} ms"
            f" | {statistics.median(d for _, d in renders):.1f} ms | - |"
        )
    layouts = [sum(d for _, d in r.layout) for r in page if r.layout]
    if layouts:
        print(f"layout animation (after the first picture, all settles): median {statistics.median(layouts):.0f} ms")
    print(
        f"| first picture in the document, then painted | {len(page)} | {statistics.median(r.drawn for r in page):.0f} ms"
        f" | {statistics.median(r.painted - r.drawn for r in page):.0f} ms | - |"
    )
    later = sorted(op for op in each if op not in by_op)
    if later:
        print("After the first picture: " + ", ".join(f"{op} {statistics.median(each[op]):.0f} ms" for op in later))


if __name__ == "__main__":
    main()
