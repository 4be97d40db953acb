"""What a runaway ``/sparql`` query costs the server after its client got the error.

Usage::

    .venv/bin/python bench/sparql_runaway.py [--copies 12] [--watch 10]

Builds a store of ``--copies`` copies of the seed's extraction (no spaCy at run time:
the test sample), then for each mode (``KG_SPARQL_WORKERS=2``: queries in killable
child processes; ``KG_SPARQL_WORKERS=0``: the old in-thread behaviour, as the
baseline) starts ``kg serve`` with ``KG_REQUEST_TIMEOUT=2`` and sends the two queries
of issue 18. After each answer it watches the server and its children for
``--watch`` seconds and reports the CPU seconds they used in that window and their
summed RSS at its end (``/proc``), besides the status code and whether the server
still answers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.store import EmbeddedStore
from tests.support.api_sample import extraction_a, extraction_b  # after the sys.path lines
from tests.support.servers import free_port

QUERIES = {
    "sort a product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
    "count a product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
}
_TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    out = [pid]
    for p in out:
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        out.extend(int(c) for c in children)
    return out


def _cpu_and_rss(pid: int) -> tuple[float, int]:
    """CPU seconds and RSS bytes, summed over ``pid``'s process tree."""
    cpu, rss = 0.0, 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / _TICK
            rss += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError):
            continue
    return cpu, rss


def _serve(store: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "KG_SPARQL_WORKERS": str(workers), "KG_REQUEST_TIMEOUT": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("kg serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--watch", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kg-data"
        store = EmbeddedStore(path)
        for i in range(args.copies // 2):
            for x in (extraction_a(), extraction_b()):
                store.put_articles([(article_iri(DEFAULT_BASE, f"{x.article.id}-{i}"), extraction_quads(x))])
        store.close()
        print(f"store: {args.copies} article graphs; KG_REQUEST_TIMEOUT=2; watched {args.watch:g} s after each answer")
        print("| mode | query | status | CPU s after | RSS after (MB) | still answers |")
        print("| --- | --- | --- | --- | --- | --- |")
        for workers, mode in ((0, "in-thread (before)"), (2, "worker processes (after)")):
            for name, query in QUERIES.items():
                proc, url = _serve(path, workers)
                try:
                    httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)  # warm
                    try:
                        status = str(httpx.get(f"{url}/sparql", params={"query": query}, timeout=60).status_code)
                    except httpx.TransportError:
                        status = "connection lost"
                    cpu0, _ = _cpu_and_rss(proc.pid)
                    time.sleep(args.watch)
                    cpu1, rss = _cpu_and_rss(proc.pid)
                    try:
                        alive = httpx.get(f"{url}/health", timeout=5).status_code == 200
                    except httpx.TransportError:
                        alive = False
                    print(
                        f"| {mode} | {name} | {status} | {cpu1 - cpu0:.1f} | {rss / 2**20:.0f} | {'yes' if alive else 'no'} |",
                        flush=True,
                    )
                finally:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    main()
