"""What writing new articles costs as the embedded store grows: a transaction against the bulk loader.

Usage::

    .venv/bin/python bench/store_growth.py [--copies 1] [--repeat 100] [--marks 5] [--publish-every 0]

One real ingest of the GUM news dev articles (``/work/shared/eval/gum-news-dev.jsonl``,
times ``--copies``) gives the N-Quads batches ``kg ingest`` writes. Those batches are
then written ``--repeat`` times under new article ids into three fresh on-disk
Oxigraph stores: one with ``Store.load`` (one transaction per batch, what
:meth:`kg.store.EmbeddedStore.put_nquads` does), one with ``Store.bulk_load``
(sorted files ingested into RocksDB), and one with a hybrid (bulk while the store
holds fewer than :data:`HYBRID_RATIO` batches' worth of articles). Each batch is
followed by a small transactional update (as the entity summary's is); the stores
are written one after the other in this process, each closed before the next
starts. It prints, at ``--marks`` points, the CPU each store spent on the last
stretch of batches, per article (the writing thread and RocksDB's background
threads: flushes and compactions), and the ratios to the transaction. This
measures the store alone; the entity summary's own upkeep is not included.

With ``--publish-every K``, every K batches the store is flushed and a checkpoint
of it written (the previous one removed), as an ingesting
:class:`kg.store.EmbeddedStore` publishes a snapshot for readers every
``KG_SNAPSHOT_SECONDS`` (5 s: one or two batches of 32). Each flush ends the
memtable early, so a transaction's writes reach disk in small files too; without
it, transactions are timed into one large memtable that a real ingest never keeps.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import corpus  # after the sys.path line, so the script runs from anywhere
from kg.ingest import ingest_paths
from kg.settings import Settings
from kg.store import EmbeddedStore
from kg.summary import Contributions

#: The hybrid bulk-loads while the store holds fewer than this many batches' worth of articles.
HYBRID_RATIO = 150


class _Capture(EmbeddedStore):
    """A store that keeps the N-Quads text of every batch written to it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.batches: list[tuple[int, str]] = []  # (articles, N-Quads text)

    def put_nquads(self, batch: Sequence[tuple[str, str]], known: Mapping[str, Contributions] | None = None) -> None:
        self.batches.append((len(batch), "\n".join(text for _, text in batch)))
        super().put_nquads(batch, known)


def grow(
    batches: list[tuple[int, str]],
    per_repeat: int,
    repeat: int,
    marks: int,
    folder: Path,
    bulk: Callable[[int, int], bool],
    publish_every: int = 0,
) -> list[float]:
    """Write ``batches`` ``repeat`` times into a fresh store; CPU ms per article over each stretch.

    ``bulk(articles stored, articles in the batch)`` says whether a batch is bulk-loaded.
    """
    store = ox.Store(str(folder))
    step = max(1, repeat // marks)
    rates: list[float] = []
    stored = 0
    written = 0
    snapshot: Path | None = None
    started = time.process_time()  # all threads: RocksDB's background work counts
    for k in range(repeat):
        for i, (articles, text) in enumerate(batches):
            text = text.replace("/article/", f"/article/r{k}-")
            if bulk(stored, articles):
                store.bulk_load(text, format=ox.RdfFormat.N_QUADS)
            else:
                store.load(text, format=ox.RdfFormat.N_QUADS)
            stored += articles
            store.update(f'INSERT DATA {{ GRAPH <urn:bench:s> {{ <urn:bench:x{k}-{i}> <urn:bench:p> "v" }} }}')
            written += 1
            if publish_every and written % publish_every == 0:
                store.flush()
                target = folder.with_name(f"{folder.name}-snapshot-{written}")
                store.backup(str(target))
                if snapshot is not None:
                    shutil.rmtree(snapshot)
                snapshot = target
        if (k + 1) % step == 0:
            now = time.process_time()
            rates.append(1000 * (now - started) / (step * per_repeat))
            started = now
    store.flush()
    if snapshot is not None:
        shutil.rmtree(snapshot)
    del store  # closed: its background threads stop before the next store is timed
    return rates


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--marks", type=int, default=5)
    parser.add_argument("--publish-every", type=int, default=0, help="batches between snapshots (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, texts = corpus(args.copies, folder)
        capture = _Capture(folder / "capture")
        ingest_paths([path], capture, Settings.load(env={}), workers=1)
        capture.close()
        n = len(texts)
        rules: dict[str, Callable[[int, int], bool]] = {
            "load": lambda stored, batch: False,
            "bulk_load": lambda stored, batch: True,
            # Bulk while the store holds fewer than 150 batches' worth of articles: a hybrid
            # tried and dropped (docs/BENCHMARKS.md).
            "hybrid": lambda stored, batch: stored < HYBRID_RATIO * batch,
        }
        rates = {
            name: grow(capture.batches, n, args.repeat, args.marks, folder / name, rule, args.publish_every)
            for name, rule in rules.items()
        }
        quads = sum(text.count("\n") + 1 for _, text in capture.batches)
        sizes = ", ".join(str(a) for a, _ in capture.batches)
        print(
            f"{n} articles ({quads:,} quads, batches of {sizes}) a repeat, {args.repeat} repeats, one store after the other; "
            + (f"a snapshot every {args.publish_every} batches" if args.publish_every else "no snapshots")
        )
        print()
        print("| articles in the store | load CPU ms/article | bulk_load | hybrid | bulk_load / load | hybrid / load |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        step = max(1, args.repeat // args.marks)
        for j, (t, b, k) in enumerate(zip(rates["load"], rates["bulk_load"], rates["hybrid"], strict=True)):
            print(f"| {(j + 1) * step * n:,} | {t:.1f} | {b:.1f} | {k:.1f} | {b / t:.2f} | {k / t:.2f} |")
        print()
        total = {name: sum(r) for name, r in rates.items()}
        print(
            f"mean over the run: bulk_load / load {total['bulk_load'] / total['load']:.2f}, "
            f"hybrid / load {total['hybrid'] / total['load']:.2f}"
        )


if __name__ == "__main__":
    main()
