"""A cold ``kg ingest`` from the command line: wall and CPU seconds of a fresh process.

Usage::

    .venv/bin/python bench/cold_ingest.py [--copies 4] [--workers 1 2] [--rounds 3] [--tree DIR ...]

``bench/ingest.py`` times ingest inside one warm process; this one starts
``python -m kg ingest`` afresh for every run, so model loading, kg's own start-up
(the gazetteer) and the workers' start-up are counted as a user meets them. The
corpus is ``bench/ingest.py``'s (the GUM news dev articles, ``--copies`` times).
Each ``--tree`` is a checkout of kg to run (default: this one); trees and worker
counts are interleaved in every round, so two checkouts compare in one machine state.
CPU seconds cover the ingest process and its workers.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import corpus  # after the sys.path line, so the script runs from anywhere


def cold_run(tree: Path, path: Path, store: Path, workers: int) -> tuple[float, float]:
    """Wall and CPU seconds of one ``kg ingest`` in a new process run from ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kg", "ingest", str(path), "--store", str(store), "--workers", str(workers)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"kg ingest failed in {tree}: {done.stderr[-2000:]}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tree", type=Path, nargs="+", default=[Path(__file__).resolve().parent.parent])
    args = parser.parse_args()
    runs: dict[tuple[Path, int], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, texts = corpus(args.copies, folder)
        for round_ in range(args.rounds):
            for workers in args.workers:
                for i, tree in enumerate(args.tree):
                    wall, cpu = cold_run(tree.resolve(), path, folder / f"store-{round_}-{workers}-{i}", workers)
                    runs.setdefault((tree, workers), []).append((wall, cpu))
                    print(f"round {round_ + 1}: {tree} workers={workers}: {wall:.1f} s, {cpu:.1f} CPU s", flush=True)
    print(f"corpus: {len(texts)} articles; {os.cpu_count()} cores; fastest of {args.rounds} rounds")
    print()
    print("| tree | workers | seconds | CPU seconds |")
    print("| --- | ---: | ---: | ---: |")
    for (tree, workers), results in runs.items():
        wall, cpu = min(results)
        print(f"| {tree} | {workers} | {wall:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
