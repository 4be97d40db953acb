"""How long the explorer takes to show a search, against the cost of the data it fetches.

Run: ``.venv/bin/python -m bench.explore [--query Bakhmut] [--runs 10] [--store DIR]``

Input: ``seeds/`` ingested into ``bench/out/explore-store`` (reused on later runs), or
``--store DIR``, e.g. the 946 Reuters articles of ``conllpp-train.jsonl`` ingested with
``kg ingest`` and ``--query Moscow``, its most connected entity (a hub).
``kg serve`` runs on it in a subprocess; headless Chromium (Debian's, through
Playwright) opens ``/explore?q=QUERY`` ``--runs`` times in fresh browser contexts,
timing from navigation to the first picture (the centre and a neighbour drawn) and to
the moment the page reports itself idle (every panel drawn, no request pending); it
also records how many nodes the first picture draws and how many node labels overlap. The GraphQL requests the page sent on the first run
are recorded, and in the same process they are replayed over HTTP with httpx,
one after another, ``--runs`` times: that is the baseline, the cost of the data
alone. Printed: medians of both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
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


def _serve(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("kg serve did not start within 60 s")


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


def _page_runs(url: str, query: str, runs: int) -> tuple[list[float], list[dict[str, Any]]]:
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    FIRST.clear()
    recorded: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                if i == 0:
                    page.on(
                        "request",
                        lambda r: (
                            recorded.append(json.loads(r.post_data or "{}")) if r.url.endswith("/graphql") else None
                        ),
                    )
                t0 = time.perf_counter()
                page.goto(f"{url}/explore?q={query}")
                page.wait_for_selector("#graph g.nodes g.node:nth-child(2)", state="attached", timeout=60_000)
                FIRST.append(time.perf_counter() - t0)
                page.wait_for_selector("body[data-ready=true][data-pending='0']", state="attached", timeout=60_000)
                times.append(time.perf_counter() - t0)
                if i == 0:
                    page.wait_for_timeout(6000)  # the layout's frames, then labels are placed
                    SHAPE.extend(page.evaluate(OVERLAPS))
                context.close()
        finally:
            browser.close()
    return times, recorded


FIRST: list[float] = []  # seconds from navigation to the first picture, per run
SHAPE: list[int] = []  # nodes drawn, labels shown, labels overlapping (first run)


def _replay(url: str, requests: list[dict[str, Any]], runs: int) -> list[float]:
    times: list[float] = []
    with httpx.Client(timeout=30) as client:
        for _ in range(runs):
            t0 = time.perf_counter()
            for body in requests:
                r = client.post(f"{url}/graphql", json=body)
                if "errors" in r.json():
                    raise RuntimeError(f"replayed request failed: {r.text[:300]}")
            times.append(time.perf_counter() - t0)
    return times


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="Bakhmut")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--store", type=Path, default=None, help="an ingested store (default: the seed's)")
    args = parser.parse_args(argv)
    proc, url = _serve(args.store or _store())
    try:
        page, recorded = _page_runs(url, args.query, args.runs)
        data = _replay(url, recorded, args.runs)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    p, d = statistics.median(page), statistics.median(data)
    print(f"explorer /explore?q={args.query}: {args.runs} runs, {len(recorded)} GraphQL requests per load")
    print("| measure | median | min | max |")
    print("| --- | --- | --- | --- |")
    f = statistics.median(FIRST)
    print(
        f"| page: navigation to first picture | {f * 1000:.0f} ms | {min(FIRST) * 1000:.0f} ms | {max(FIRST) * 1000:.0f} ms |"
    )
    print(f"| page: navigation to idle | {p * 1000:.0f} ms | {min(page) * 1000:.0f} ms | {max(page) * 1000:.0f} ms |")
    print(
        f"| data: same requests replayed | {d * 1000:.0f} ms | {min(data) * 1000:.0f} ms | {max(data) * 1000:.0f} ms |"
    )
    print(f"page / data: {p / d:.1f}x")
    nodes, labels, overlapping = SHAPE
    print(f"first picture: {nodes} nodes drawn, {labels} labels shown, {overlapping} pairs of labels overlapping")


if __name__ == "__main__":
    main()
