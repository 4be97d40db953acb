"""Ingest into the embedded store, Oxigraph server and Virtuoso: one corpus, one run.

Usage::

    .venv/bin/python bench/remote.py [--articles 100] [--file ../shared/eval/conllpp-train.jsonl]

Reads the first ``--articles`` articles of ``--file`` and runs ``kg ingest``'s own
code path (:func:`kg.ingest.ingest_articles`, one worker) into each store in turn:
an embedded store on disk, an Oxigraph server and a throw-away Virtuoso, each
started on free ports by the helper the tests use (``tests/support/sparql_server.py``).
Oxigraph is also run with queries sent as ``application/sparql-query`` bodies
(``direct_post``), to see whether that option is worth offering. For each store it
prints the wall time of the first ingest, of a second ingest that finds every
article unchanged, and of an N-Quads export, with ratios against the embedded
store; extraction alone (no store) is timed once, so that the store's share of an
ingest can be read off.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.extract import extract_many  # after the sys.path lines, so the script runs anywhere
from kg.ingest import ingest_articles
from kg.records import Article
from kg.settings import Settings
from kg.store import EmbeddedStore, ExportFormat, RemoteStore, Store, write_export
from tests.support.servers import stop
from tests.support.sparql_server import start_oxigraph, start_virtuoso

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared" / "eval" / "conllpp-train.jsonl"


def _articles(path: Path, n: int) -> list[Article]:
    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if len(out) >= n:
                break
            row = json.loads(line)
            out.append(
                Article(
                    id=row["id"],
                    text=row["text"],
                    title=row.get("title"),
                    published=row.get("published"),
                    url=row.get("url"),
                    source=row.get("source"),
                    origin=str(path),
                )
            )
    return out


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    articles = _articles(args.file, args.articles)
    list(extract_many(articles[:1]))  # load the model outside the timings
    extraction = _timed(lambda: list(extract_many(articles)))
    rows: list[tuple[str, float, float, float, int]] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-remote-") as tmp:
        folder = Path(tmp)
        stores: list[tuple[str, Callable[[], Store]]] = [("embedded", lambda: EmbeddedStore(folder / "embedded"))]
        servers = [start_oxigraph(folder / "oxigraph"), start_oxigraph(folder / "oxigraph-direct")]
        servers.append(start_virtuoso(folder / "virtuoso"))
        try:
            ox_ep, direct_ep, vt_ep = (s.endpoint for s in servers)
            stores += [
                ("oxigraph server", lambda: RemoteStore(ox_ep.query, ox_ep.update)),
                (
                    "oxigraph server, direct POST",
                    lambda: RemoteStore(direct_ep.query, direct_ep.update, direct_post=True),
                ),
                ("virtuoso 7.2", lambda: RemoteStore(vt_ep.query, vt_ep.update)),
            ]
            for i, (name, opener) in enumerate(stores):
                store = opener()
                base = f"https://example.org/bench{i}/"
                settings = Settings.load(env={}, base_iri=base, workers=1)
                started = time.perf_counter()
                first = ingest_articles(articles, store, settings, workers=1)
                ingest = time.perf_counter() - started
                if len(first.ingested) != len(articles):
                    raise SystemExit(f"{name}: ingested {len(first.ingested)} of {len(articles)}")
                started = time.perf_counter()
                again = ingest_articles(articles, store, settings, workers=1)
                unchanged = time.perf_counter() - started
                if len(again.unchanged) != len(articles):
                    raise SystemExit(f"{name}: {len(again.unchanged)} unchanged of {len(articles)}")
                out = io.BytesIO()
                export = _timed(lambda s=store, o=out: write_export(s, ExportFormat.NQUADS, o))  # type: ignore[misc]
                rows.append((name, ingest, unchanged, export, out.getvalue().count(b"\n")))
                store.close()
        finally:
            for server in servers:
                stop(server.proc)
    base_ingest, base_again, base_export = rows[0][1], rows[0][2], rows[0][3]
    print(f"{len(articles)} articles of {args.file.name}; extraction alone (no store): {extraction:.1f} s")
    print(
        f"{'store':<30} {'ingest s':>9} {'x':>6} {'store share s':>14} {'x':>6} "
        f"{'re-ingest s':>12} {'x':>6} {'export s':>9} {'x':>6} {'quads':>7}"
    )
    base_share = max(base_ingest - extraction, 1e-9)
    for name, ingest, again_s, export, quads in rows:
        share = ingest - extraction
        print(
            f"{name:<30} {ingest:>9.1f} {ingest / base_ingest:>6.2f} {share:>14.1f} {share / base_share:>6.2f} "
            f"{again_s:>12.2f} {again_s / base_again:>6.1f} {export:>9.2f} {export / base_export:>6.1f} {quads:>7}"
        )


if __name__ == "__main__":
    main()
