"""Tabular export: ``kg export --tables`` against the RDF export of the same store.

Run: ``.venv/bin/python -m bench.tables [--articles 300] [--runs 3]``

Input (synthetic, labelled so): the store of :mod:`bench.api` (articles recombined
from the seed and eval sentences with names drawn from fixed pools), built once in
``bench/out/api-store`` (reused when it holds at least ``--articles``; a larger one
is used as it is).

In one process, on a read-only handle, it times (median of ``--runs``):

1. the baseline: N-Quads export of the whole store (``kg export --format nquads``);
2. the tables read (:func:`kg.tables.read_tables`), with the store queries it sends counted;
3. the tables written as Parquet and as CSV (read included);
4. entities and their relationships read as the tables read them (all keys at once)
   and with a per-entity loop (two read-model calls per entity, as a client of the
   look-up functions would), to show what bulk queries save.

Printed: seconds, rows per table, store queries, and ratios against the baseline.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.api import build_store
from kg.queries import Page, entities_by_keys, list_entities, relationships_of
from kg.settings import Settings
from kg.store import EmbeddedStore, ExportFormat, Row, write_export
from kg.tables import TableFormat, read_tables, write_tables

OUT = Path(__file__).resolve().parent / "out" / "api-store"


class _Counting:
    """A store wrapper that counts SELECT queries."""

    def __init__(self, store: EmbeddedStore) -> None:
        self._store = store
        self.location = store.location
        self.queries = 0

    def query(self, sparql: str) -> list[Row]:
        self.queries += 1
        return self._store.query(sparql)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _bulk(store: EmbeddedStore, base: str) -> int:
    total, keys = list_entities(store, base, Page(0, 1_000_000))
    entities_by_keys(store, base, keys)
    relationships_of(store, base, keys)
    return total


def _per_entity(store: EmbeddedStore, base: str) -> int:
    total, keys = list_entities(store, base, Page(0, 1_000_000))
    for key in keys:
        entities_by_keys(store, base, [key])
        relationships_of(store, base, [key])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    build_store(OUT, args.articles, rebuild=False)
    base = Settings.load(env={}).base_iri
    store = EmbeddedStore(OUT, read_only=True)
    try:
        counting = _Counting(store)
        tables = read_tables(counting, base)  # type: ignore[arg-type]
        rows = {name: t.num_rows for name, t in tables.items()}
        print(f"store: {OUT} ({(OUT / 'bench-articles.txt').read_text().strip()} articles)")
        print("rows: " + ", ".join(f"{n} {c}" for n, c in rows.items()))
        print(f"store queries for all tables: {counting.queries}")
        baseline = _median(lambda: write_export(store, ExportFormat.NQUADS, io.BytesIO()), args.runs)
        read = _median(lambda: read_tables(store, base), args.runs)
        with tempfile.TemporaryDirectory() as tmp:
            parquet = _median(lambda: write_tables(store, base, Path(tmp) / "p", TableFormat.PARQUET), args.runs)
            csv = _median(lambda: write_tables(store, base, Path(tmp) / "c", TableFormat.CSV), args.runs)
        bulk = _median(lambda: _bulk(store, base), args.runs)
        loop = _median(lambda: _per_entity(store, base), args.runs)
    finally:
        store.close()
    print(f"{'what':<40} {'seconds':>8} {'x N-Quads':>10}")
    for name, seconds in (
        ("N-Quads export (baseline)", baseline),
        ("read_tables (7 tables)", read),
        ("kg export --tables (parquet)", parquet),
        ("kg export --tables --format csv", csv),
        ("entities + relationships, bulk", bulk),
        ("entities + relationships, per entity", loop),
    ):
        print(f"{name:<40} {seconds:>8.2f} {seconds / baseline:>10.2f}")


if __name__ == "__main__":
    main()
