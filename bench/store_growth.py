"""What writing new articles costs as the embedded store grows: bulk load against a transaction.

Usage::

    .venv/bin/python bench/store_growth.py [--copies 1] [--repeat 100] [--marks 5]

One real ingest of the GUM news dev articles (``/work/shared/eval/gum-news-dev.jsonl``,
times ``--copies``) gives the N-Quads batches ``kg ingest`` writes. Those batches are
then written ``--repeat`` times under new article ids into two fresh on-disk
Oxigraph stores, one with ``Store.bulk_load`` (what :meth:`kg.store.EmbeddedStore.put_nquads`
does for new articles) and one with ``Store.load`` (one transaction per batch), each
batch followed by a small transactional update (as the entity summary's is), one
store after the other in this process (each closed before the next starts). It
prints, at ``--marks`` points, the CPU seconds (the writing thread and RocksDB's
background threads: flushes and compactions) each store spent on the last stretch
of batches, per article, and the ratio between the two. This measures the
store alone; the entity summary's own upkeep is not included.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import corpus  # after the sys.path line, so the script runs from anywhere
from kg.ingest import ingest_paths
from kg.settings import Settings
from kg.store import EmbeddedStore
from kg.summary import Contributions


class _Capture(EmbeddedStore):
    """A store that keeps the N-Quads text of every batch written to it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.batches: list[str] = []

    def put_nquads(self, batch: Sequence[tuple[str, str]], known: Mapping[str, Contributions] | None = None) -> None:
        self.batches.append("\n".join(text for _, text in batch))
        super().put_nquads(batch, known)


def grow(batches: list[str], per_repeat: int, repeat: int, marks: int, folder: Path, *, bulk: bool) -> list[float]:
    """Write ``batches`` ``repeat`` times into a fresh store; CPU ms per article over each stretch."""
    store = ox.Store(str(folder))
    step = max(1, repeat // marks)
    rates: list[float] = []
    started = time.process_time()  # all threads: RocksDB's background work counts
    for k in range(repeat):
        for i, text in enumerate(batches):
            text = text.replace("/article/", f"/article/r{k}-")
            if bulk:
                store.bulk_load(text, format=ox.RdfFormat.N_QUADS)
            else:
                store.load(text, format=ox.RdfFormat.N_QUADS)
            store.update(f'INSERT DATA {{ GRAPH <urn:bench:s> {{ <urn:bench:x{k}-{i}> <urn:bench:p> "v" }} }}')
        if (k + 1) % step == 0:
            now = time.process_time()
            rates.append(1000 * (now - started) / (step * per_repeat))
            started = now
    store.flush()
    del store  # closed: its background threads stop before the other store is timed
    return rates


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--marks", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, texts = corpus(args.copies, folder)
        capture = _Capture(folder / "capture")
        ingest_paths([path], capture, Settings.load(env={}), workers=1)
        capture.close()
        n = len(texts)
        bulk = grow(capture.batches, n, args.repeat, args.marks, folder / "bulk", bulk=True)
        load = grow(capture.batches, n, args.repeat, args.marks, folder / "load", bulk=False)
        quads = sum(b.count("\n") + 1 for b in capture.batches)
        print(f"{n} articles ({quads:,} quads) a repeat, {args.repeat} repeats, one store after the other")
        print()
        print("| articles in the store | bulk_load CPU ms/article | load CPU ms/article | bulk_load / load |")
        print("| ---: | ---: | ---: | ---: |")
        step = max(1, args.repeat // args.marks)
        for j, (b, t) in enumerate(zip(bulk, load, strict=True)):
            print(f"| {(j + 1) * step * n:,} | {b:.1f} | {t:.1f} | {b / t:.2f} |")
        total_b, total_t = sum(bulk), sum(load)
        print()
        print(f"mean over the run: bulk_load / load {total_b / total_t:.2f}")


if __name__ == "__main__":
    main()
