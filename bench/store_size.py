"""The embedded store's size on disk after an ingest of real articles, against its N-Quads export.

Usage::

    .venv/bin/python bench/store_size.py [--copies 1] [--workers 1] [--no-baseline]

Input: ``/work/shared/eval/conllpp-train.jsonl`` (946 Reuters articles) and
``conllpp-dev.jsonl`` (216), their ids prefixed (``train-``, ``dev-``) because the two
files reuse ids; ``--copies K`` repeats both under new ids (``c1-train-...``) to reach
K x 1,162 articles. Each run ingests them into a fresh store in this process, as
``kg ingest`` does (batches of 32, a snapshot for readers every ``KG_SNAPSHOT_SECONDS``
= 5 s), then measures:

- the store folder (files counted once however many hard links they have, as ``du``
  does), and how much of it is ``snapshots/``, with the number of snapshots left;
- its N-Quads export (``kg export --format nquads``), and the ratio folder / export;
- the largest folder size seen between batches during the ingest.

The baseline (skipped with ``--no-baseline``) is the same ingest with snapshot pruning
turned off (every snapshot published stays, as before readers held locks), measured
once the ingest has finished and again after a reader opened the store (what
``kg stats`` and ``kg serve`` do, which prunes every snapshot no reader holds).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kg.store  # after the sys.path line, so the script runs from anywhere
from kg.ingest import ingest_paths
from kg.settings import Settings
from kg.store import SNAPSHOTS, EmbeddedStore, ExportFormat, write_export

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
FILES = {"train": EVAL / "conllpp-train.jsonl", "dev": EVAL / "conllpp-dev.jsonl"}


def corpus(target: Path, copies: int) -> int:
    """Write the articles (ids prefixed per file and per copy) to ``target``; return how many."""
    n = 0
    with target.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for name, path in FILES.items():
                for line in path.open(encoding="utf-8"):
                    if not line.strip():
                        continue
                    record = json.loads(line)
                    prefix = f"c{copy}-{name}-" if copy else f"{name}-"
                    record["id"] = prefix + str(record["id"])
                    out.write(json.dumps(record) + "\n")
                    n += 1
    return n


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path``, each inode counted once (hard-linked snapshots share files)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                st = os.lstat(os.path.join(root, f))
            except FileNotFoundError:
                continue  # pruned while we walked
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def snapshots_left(path: Path) -> int:
    """How many snapshot folders the store holds."""
    return sum(1 for p in (path / SNAPSHOTS).iterdir() if p.is_dir() and p.name.isdigit())


def export_bytes(path: Path) -> int:
    """Size of the store's N-Quads export."""
    reader = EmbeddedStore(path, read_only=True)
    buf = io.BytesIO()
    write_export(reader, ExportFormat.NQUADS, buf)
    reader.close()
    return len(buf.getvalue())


def run(source: Path, store: Path, workers: int, *, prune: bool) -> dict[str, Any]:
    """Ingest ``source`` into a fresh ``store`` and measure it."""
    original = kg.store.prune_snapshots
    if not prune:
        kg.store.prune_snapshots = lambda path: []
    peak = 0
    batches = 0

    def progress(_: int) -> None:
        nonlocal peak, batches
        batches += 1
        if batches % 4 == 0:  # walking the folder costs; every 4th batch is enough for a peak
            peak = max(peak, folder_bytes(store))

    settings = Settings.load(store=str(store), workers=workers)
    db = EmbeddedStore(store, snapshot_every=settings.snapshot_seconds)
    started = time.perf_counter()
    try:
        report = ingest_paths([source], db, settings, progress=progress)
    finally:
        db.close()
        kg.store.prune_snapshots = original
    seconds = time.perf_counter() - started
    after = folder_bytes(store)
    result = {
        "articles": len(report.ingested),
        "quads": report.quads,
        "seconds": seconds,
        "peak": max(peak, after),
        "after_ingest": after,
        "snapshots_after_ingest": snapshots_left(store),
    }
    EmbeddedStore(store, read_only=True).close()  # a reader opens it, as kg stats does
    result["after_reader"] = folder_bytes(store)
    result["snapshots_after_reader"] = snapshots_left(store)
    result["export"] = export_bytes(store)
    return result


def _mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB"


def main() -> None:
    """Ingest the corpus with and without pruning and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="repeat the corpus under new ids")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without pruning")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-store-size-") as tmp:
        source = Path(tmp) / "corpus.jsonl"
        n = corpus(source, args.copies)
        print(f"{n:,} articles (conllpp train + dev, x{args.copies}), --workers {args.workers}", flush=True)
        runs = [("pruning (this branch)", True)] + ([] if args.no_baseline else [("no pruning (baseline)", False)])
        results = []
        for label, prune in runs:
            results.append((label, run(source, Path(tmp) / label.split()[0], args.workers, prune=prune)))
            print(f"{label}: {json.dumps(results[-1][1])}", flush=True)
    print()
    print(
        "| store | quads | ingest | peak during ingest | after ingest (snapshots) | after a reader opened it "
        "(snapshots) | N-Quads export | store / export |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, r in results:
        print(
            f"| {label} | {r['quads']:,} | {r['seconds']:.0f} s | {_mb(r['peak'])} | {_mb(r['after_ingest'])} "
            f"({r['snapshots_after_ingest']}) | "
            f"{_mb(r['after_reader'])} ({r['snapshots_after_reader']}) | {_mb(r['export'])} | "
            f"{r['after_ingest'] / r['export']:.2f}x after ingest, {r['after_reader'] / r['export']:.2f}x after a reader |"
        )


if __name__ == "__main__":
    main()
