"""Where the store's CPU goes during an ingest, and what the quads it writes cost.

Usage::

    .venv/bin/python bench/store_costs.py [--copies 16] [--workers 2]

Part 1 ingests the GUM news dev articles, ``--copies`` times as ``bench/ingest.py``
builds them, into a fresh embedded store with ``--workers`` processes, and charges
every store call to what asked for it, in CPU seconds of the calling thread: the
writes (``put_nquads``), split into the entity summary's reads and writes, the
snapshots and the rest (the transaction itself); identity's reads; triage's reads;
closing. RocksDB's own threads (flushes and compactions) are read from ``/proc``.
Each is printed as a share of the whole ingest's CPU, its workers included.

Part 2 writes the N-Quads of that ingest again into fresh on-disk stores, batches of
32 articles in one transaction each as ``kg ingest`` does, once as they are and once
without each of the NIF span properties (``nif:anchorOf``, the span's text, and
``nif:referenceContext``, its article), which together are a fifth of the quads:
the CPU a write would save without them, best of three.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import children_cpu, corpus, rocksdb_cpu  # after the sys.path line
from kg.extract import extract_many
from kg.ingest import ingest_paths
from kg.namespace import NIF
from kg.records import Article
from kg.settings import Settings
from kg.store import EmbeddedStore, Row
from kg.summary import Contributions

T = TypeVar("T")

#: How the charges are printed: a call's name, or "outer: inner" for a call made inside another.
LABELS = {
    "write": "write: the transaction and the rest of put_nquads",
    "write: reads": "write: the entity summary's reads",
    "write: summary writes": "write: the entity summary's writes",
    "write: snapshots": "write: snapshots",
    "reads": "identity's reads (entities, events)",
    "snapshots": "the first snapshot, on opening",
}


class ChargedStore(EmbeddedStore):
    """The embedded store, charging the CPU of each call to the call that made it."""

    def __init__(self, path: Path, *, snapshot_every: float) -> None:
        self.charges: defaultdict[str, float] = defaultdict(float)
        self.batches: list[str] = []  # the N-Quads text of every batch written
        self._lock = threading.Lock()
        self._outer = threading.local()
        super().__init__(path, snapshot_every=snapshot_every)

    def _charge(self, name: str, call: Callable[[], T]) -> T:
        outer: str | None = getattr(self._outer, "name", None)
        label = f"{outer}: {name}" if outer else name
        self._outer.name = outer or name
        cpu = time.thread_time()
        try:
            return call()
        finally:
            spent = time.thread_time() - cpu
            self._outer.name = outer
            with self._lock:
                self.charges[label] += spent
                if outer:  # the outer call's own share is what its inner calls leave
                    self.charges[outer] -= spent

    def query(self, sparql: str, *, union: bool = False) -> list[Row]:
        return self._charge("reads", lambda: super(ChargedStore, self).query(sparql, union=union))

    def ask(self, sparql: str, *, union: bool = False) -> bool:
        return self._charge("reads", lambda: super(ChargedStore, self).ask(sparql, union=union))

    def update(self, sparql: str) -> None:
        self._charge("summary writes", lambda: super(ChargedStore, self).update(sparql))

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        return self._charge("triage reads", lambda: super(ChargedStore, self).article_digests(graphs))

    def publish(self) -> Path | None:
        return self._charge("snapshots", super().publish)

    def put_nquads(self, batch: Sequence[tuple[str, str]], known: Mapping[str, Contributions] | None = None) -> None:
        self.batches.append("\n".join(text for _, text in batch))
        self._charge("write", lambda: super(ChargedStore, self).put_nquads(batch, known))

    def close(self) -> None:
        # Closing waits for RocksDB's threads to flush: count the whole process meanwhile.
        cpu = time.process_time()
        super().close()
        self.charges["close"] += time.process_time() - cpu


def write_cost(batches: list[str], keep: Callable[[str], bool], folder: Path) -> tuple[int, float]:
    """Quads kept, and the best CPU seconds of three runs writing them into a fresh store."""
    texts = ["\n".join(line for line in text.splitlines() if keep(line)) for text in batches]
    quads = sum(text.count("\n") + 1 for text in texts)
    best = float("inf")
    for run in range(3):
        where = folder / f"write-{run}"
        store = ox.Store(str(where))
        cpu = time.process_time()  # every thread: RocksDB's flushes count
        for text in texts:
            store.load(text, format=ox.RdfFormat.N_QUADS, lenient=True)
        store.flush()
        best = min(best, time.process_time() - cpu)
        del store
        shutil.rmtree(where)
    return quads, best


def main() -> None:
    """Run both parts and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    settings = Settings.load(env={})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, texts = corpus(args.copies, folder)
        list(extract_many([Article(f"warm-{i}", t, None, None, None, None, "bench") for i, t in enumerate(texts[:4])]))
        store = ChargedStore(folder / "store", snapshot_every=settings.snapshot_seconds)
        background, cpu, children = rocksdb_cpu(), time.process_time(), children_cpu()
        started = time.perf_counter()
        ingest_paths([path], store, settings, workers=args.workers)
        background = rocksdb_cpu() - background
        store.close()
        wall = time.perf_counter() - started
        total = time.process_time() - cpu + children_cpu() - children
        store.charges["RocksDB background threads"] += background
        print(
            f"{len(texts)} articles, workers={args.workers}: {wall:.1f} s, {total:.2f} CPU s "
            f"(this process and its workers), snapshots every {settings.snapshot_seconds:g} s"
        )
        print()
        print("| store work | CPU s | share of the ingest's CPU | ms an article |")
        print("| --- | ---: | ---: | ---: |")
        for name, spent in sorted(store.charges.items(), key=lambda kv: -kv[1]):
            label = LABELS.get(name, name)
            print(f"| {label} | {spent:.2f} | {100 * spent / total:.1f}% | {1000 * spent / len(texts):.1f} |")
        spent = sum(store.charges.values())
        print(f"| all | {spent:.2f} | {100 * spent / total:.1f}% | {1000 * spent / len(texts):.1f} |")
        print()
        anchor, context = f"<{NIF.anchorOf}>", f"<{NIF.referenceContext}>"
        variants: dict[str, Callable[[str], bool]] = {
            "as written": lambda line: True,
            "without nif:anchorOf": lambda line: anchor not in line,
            "without nif:referenceContext": lambda line: context not in line,
            "without both": lambda line: anchor not in line and context not in line,
        }
        print("| quads written | quads | CPU s | ms an article | vs as written |")
        print("| --- | ---: | ---: | ---: | ---: |")
        first = 0.0
        for name, keep in variants.items():
            quads, best = write_cost(store.batches, keep, folder)
            first = first or best
            print(f"| {name} | {quads:,} | {best:.2f} | {1000 * best / len(texts):.1f} | {best / first:.2f} |")


if __name__ == "__main__":
    main()
