"""Load test of ``kg serve``: fixed concurrency for a fixed time, then latency percentiles.

Usage::

    .venv/bin/python bench/load.py [--store DIR] [--seconds 20] [--concurrency 8] [--p99-max 2.0]

Without ``--store`` it ingests ``seeds/`` into a temporary store first. It starts a
real ``kg serve`` in a subprocess, then ``--concurrency`` async clients (httpx) send a
fixed mix of GraphQL queries back to back for ``--seconds``. It prints requests per
second and p50/p95/p99 latency, and exits non-zero if any request failed (HTTP
error, GraphQL ``errors``, timeout) or p99 exceeds ``--p99-max`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]
MIX = [
    "{ stats { articles entities events relations } }",
    '{ entities(search: "zelensky", first: 5) { totalCount edges { node { id label type mentionCount } } } }',
    "{ entities(type: PLACE, first: 10) { edges { cursor node { label latitude longitude } } } }",
    "{ articles(first: 5) { totalCount edges { node { id title published } } } }",
    "{ events(first: 5) { totalCount edges { node { label type start } } } }",
    "{ centrality(measure: DEGREE, first: 5) { score entity { label } } }",
]


async def _client(url: str, stop: float, latencies: list[float], failures: list[str], offset: int) -> None:
    queries = itertools.cycle(MIX[offset % len(MIX) :] + MIX[: offset % len(MIX)])
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        while time.monotonic() < stop:
            query = next(queries)
            started = time.perf_counter()
            try:
                r = await http.post("/graphql", json={"query": query})
                ok = r.status_code == 200 and "errors" not in r.json()
                if not ok:
                    failures.append(f"{r.status_code}: {r.text[:200]}")
            except httpx.HTTPError as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
            latencies.append(time.perf_counter() - started)


async def run_load(url: str, seconds: float, concurrency: int) -> tuple[list[float], list[str]]:
    """Drive ``url`` with ``concurrency`` clients for ``seconds``; return latencies and failures."""
    latencies: list[float] = []
    failures: list[str] = []
    stop = time.monotonic() + seconds
    await asyncio.gather(*(_client(url, stop, latencies, failures, i) for i in range(concurrency)))
    return latencies, failures


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> int:
    """Run the load test; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--p99-max", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "kg-data"
            subprocess.run([*KG, "ingest", str(ROOT / "seeds"), "--store", str(store)], check=True, timeout=600)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [*KG, "serve", "--store", str(store), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            latencies, failures = asyncio.run(run_load(url, args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=30)
    p50, p95, p99 = (_percentile(latencies, p) for p in (50, 95, 99))
    print(
        f"{len(latencies)} requests in {args.seconds:.0f} s at concurrency {args.concurrency}: "
        f"{len(latencies) / args.seconds:.1f} req/s; p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms; "
        f"{len(failures)} failed"
    )
    for failure in failures[:5]:
        print(f"  failure: {failure}")
    if failures or p99 > args.p99_max:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
