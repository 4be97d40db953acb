"""Peak memory (RSS) of ``kg ingest`` and ``kg serve``, each in its own subprocess.

Usage::

    .venv/bin/python bench/memory.py [--ingest 300 1200] [--serve 10000]

* ingest: ``kg ingest --workers 1`` of N short articles (three-sentence slices of the
  GUM news dev texts) for each N given; a flat peak across N shows that ingest
  streams (its memory does not grow with the corpus).
* serve: a store holding ``--serve`` articles, built without spaCy by copying the
  quads of the 12 extracted GUM articles under new article ids (entities recur
  across copies, as in real news), then ``kg serve`` answering a fixed set of
  GraphQL queries; the server's peak RSS (``VmHWM``) is read from ``/proc`` after each.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.extract import extract_many  # after the sys.path line, so the script runs from anywhere
from kg.ingest.sources import article_from_fields
from kg.rdf import article_iri, extraction_quads
from kg.settings import Settings
from kg.store import EmbeddedStore

GUM = Path("/work/shared/eval/gum-news-dev.jsonl")
KG = [sys.executable, "-m", "kg"]
QUERIES = {
    "stats": "{ stats { articles entities events } }",
    "articles page": "{ articles(first: 20) { totalCount edges { node { id title } } } }",
    "entity search": '{ entities(search: "Afghan", first: 20) { totalCount edges { node { label type } } } }',
    "centrality": "{ centrality(measure: DEGREE, first: 10) { score entity { label } } }",
}


def _status(pid: int, key: str) -> int:
    """A ``kB`` field of /proc/PID/status, in bytes (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in GUM.read_text().splitlines() if line.strip()]


def ingest_peak(n: int, folder: Path) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of ``kg ingest --workers 1`` over ``n`` short articles.

    Raises:
        SystemExit: The ingest failed or ran over an hour (a peak of a failed run means nothing).
    """
    sentences = [s for row in _rows() for s in re.split(r"(?<=[.!?])\s+", row["text"]) if len(s) > 40]
    path = folder / f"short-{n}.jsonl"
    with path.open("w") as fh:
        for i in range(n):
            text = " ".join(sentences[(i + j) % len(sentences)] for j in range(3))
            fh.write(json.dumps({"id": f"s{i}", "text": f"{text} (item {i})"}) + "\n")
    started = time.monotonic()
    proc = subprocess.Popen(
        [*KG, "ingest", str(path), "--store", str(folder / f"store-{n}"), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0
    while proc.poll() is None and time.monotonic() - started < 3600:
        peak = max(peak, _status(proc.pid, "VmHWM"))
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    if proc.wait() != 0:
        raise SystemExit(f"kg ingest of {n} articles failed (exit {proc.returncode})")
    return peak / 2**20, time.monotonic() - started


def build_store(n: int, path: Path) -> int:
    """Write ``n`` articles' worth of real extracted quads; return the number of quads."""
    settings = Settings.load(env={})
    base = settings.base_iri
    articles = [article_from_fields(row, f"gum:{i}", max_chars=10**7) for i, row in enumerate(_rows())]
    templates = [(article_iri(base, x.article.id), extraction_quads(x, base)) for x in extract_many(articles)]
    store = EmbeddedStore(path, snapshot_every=float("inf"))
    total = 0
    batch: list[tuple[str, list[ox.Quad]]] = []

    def rename(term: ox.NamedNode, old: str, new: str) -> ox.NamedNode:
        return ox.NamedNode(new + term.value[len(old) :]) if term.value.startswith(old) else term

    for k in range(n):
        old, quads = templates[k % len(templates)]
        new = article_iri(base, f"copy-{k}")
        graph = ox.NamedNode(new)
        copied = [
            ox.Quad(
                rename(q.subject, old, new) if isinstance(q.subject, ox.NamedNode) else q.subject,
                q.predicate,
                rename(q.object, old, new) if isinstance(q.object, ox.NamedNode) else q.object,
                graph,
            )
            for q in quads
        ]
        batch.append((new, copied))
        total += len(copied)
        if len(batch) == 200:
            store.put_articles(batch)
            batch = []
    store.put_articles(batch)
    store.close()
    return total


def serve_peaks(path: Path) -> list[tuple[str, float, float]]:
    """(query, seconds, server peak RSS in MB after it) for each of :data:`QUERIES`."""
    from socket import socket

    with socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [*KG, "serve", "--store", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    results: list[tuple[str, float, float]] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        results.append(("started", 0.0, _status(proc.pid, "VmHWM") / 2**20))
        for name, query in QUERIES.items():
            started = time.monotonic()
            try:
                r = httpx.post(f"{url}/graphql", json={"query": query}, timeout=600)
                ok = r.status_code == 200 and "errors" not in r.json()
            except httpx.HTTPError:
                ok = False
            label = name if ok else f"{name} (failed)"
            results.append((label, time.monotonic() - started, _status(proc.pid, "VmHWM") / 2**20))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return results


def main() -> None:
    """Run both measurements and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest", type=int, nargs="*", default=[300, 1200])
    parser.add_argument("--serve", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("| kg ingest --workers 1 | seconds | peak RSS MB |")
        print("| --- | ---: | ---: |")
        for n in args.ingest:
            peak, seconds = ingest_peak(n, folder)
            print(f"| {n} short articles | {seconds:.0f} | {peak:.0f} |", flush=True)
        if args.serve:
            started = time.monotonic()
            quads = build_store(args.serve, folder / "big")
            print(f"\nstore: {args.serve} articles, {quads:,} quads, built in {time.monotonic() - started:.0f} s")
            print("\n| kg serve, after | seconds | peak RSS MB |")
            print("| --- | ---: | ---: |")
            for name, seconds, peak in serve_peaks(folder / "big"):
                print(f"| {name} | {seconds:.1f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
