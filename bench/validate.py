"""``kg validate`` at scale: graph by graph with kg's SHACL engine, against pyshacl over the union.

Usage::

    .venv/bin/python bench/validate.py [--store DIR] [--quads 1000000] [--sample 20]

Input: an embedded store of real articles (``--store``; by default
``../shared/eval/conllpp-train.jsonl`` ingested once into ``bench/out/``, 946 Reuters
articles, 331,561 quads).
Its N-Quads export is loaded into a fresh store as many times as it takes to reach
``--quads``, each copy's article graphs renamed (``...#copyK``), so the store holds
real article graphs and the same entities across many of them. Then, in one run:

1. ``kg.validate.validate_snapshot`` over the whole store (what ``kg validate`` runs)
   with 1 and then 2 worker processes, each run in a child process, with its wall time,
   CPU time (all its processes) and peak RSS;
2. on the first ``--sample`` article graphs only: ``validate_store`` against plain
   pyshacl (RDFS inference, the full ``shapes.ttl``) over their union, which is what
   ``kg validate`` ran before; both must agree on conformance.

The machine's load average is printed: on a shared machine wall time is CPU time
times the contention, so CPU time is the figure to compare.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import pyshacl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.ontology import ontology_graph, shapes_graph  # after the sys.path line
from kg.store import EmbeddedStore, ExportFormat, write_export
from kg.validate import to_graph, validate_snapshot, validate_store


def grown(source: Path, target: Path, quads: int) -> int:
    """Load ``source``'s export into ``target`` until it holds at least ``quads``; return the copies loaded."""
    reader = EmbeddedStore(source, read_only=True)
    buf = io.BytesIO()
    write_export(reader, ExportFormat.NQUADS, buf)
    reader.close()
    text = buf.getvalue().decode("utf-8")
    per_copy = text.count("\n")
    store = ox.Store(str(target))
    graph_iri = re.compile(r"(<[^>]*)> \.$", re.MULTILINE)
    copy = 0
    while copy * per_copy < quads:
        renamed = graph_iri.sub(rf"\1#copy{copy}> .", text)
        store.bulk_load(renamed, ox.RdfFormat.N_QUADS)
        copy += 1
    store.flush()
    del store
    return copy


def _child(path: str, workers: int, out: multiprocessing.Queue[tuple[int, int, float, float, int]]) -> None:
    store = EmbeddedStore(path, read_only=True)
    wall = time.perf_counter()
    report = validate_snapshot(store.snapshot_path or path, store.graphs(), workers=workers)
    wall = time.perf_counter() - wall
    store.close()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    rss = max(own.ru_maxrss, kids.ru_maxrss) // 1024
    out.put((report.triples, len(report.violations), wall, cpu, rss))


def sample_comparison(path: Path, n: int) -> tuple[int, float, float, bool, bool]:
    """Both engines on the first ``n`` graphs: (quads, kg seconds, pyshacl seconds, kg conforms, pyshacl conforms)."""
    store = EmbeddedStore(path, read_only=True)
    chosen = store.graphs()[:n]
    quads = [q for q in store.quads() if q.graph_name.value in set(chosen)]  # type: ignore[union-attr]
    store.close()
    cpu = time.process_time()
    ours = validate_store(quads)
    ours_s = time.process_time() - cpu
    graph = to_graph(quads)
    cpu = time.process_time()
    theirs, _, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="rdfs", allow_warnings=True
    )
    theirs_s = time.process_time() - cpu
    return len(quads), ours_s, theirs_s, ours.conforms, bool(theirs)


def _default_store() -> Path:
    """conllpp-train ingested into ``bench/out/conllpp-train-store`` (once; reused on later runs)."""
    root = Path(__file__).resolve().parent.parent
    store = root / "bench" / "out" / "conllpp-train-store"
    if not store.exists():
        source = root.parent / "shared" / "eval" / "conllpp-train.jsonl"
        subprocess.run([sys.executable, "-m", "kg", "ingest", str(source), "--store", str(store)], check=True)
    return store


def main() -> None:
    """Grow the store, validate it in a child process, compare with pyshacl on a sample; print tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=None, help="a store of real articles (default: conllpp-train)")
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20, help="article graphs for the pyshacl comparison")
    args = parser.parse_args()
    args.store = args.store or _default_store()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    n, kg_s, py_s, kg_ok, py_ok = sample_comparison(args.store, args.sample)
    print()
    print("| sample | quads | kg (graph by graph) CPU | pyshacl over the union CPU | pyshacl / kg | agree |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| {args.sample} graphs | {n:,} | {kg_s:.2f} s | {py_s:.2f} s | {py_s / kg_s:.0f}x | {kg_ok == py_ok} |")
    with tempfile.TemporaryDirectory(prefix="kg-validate-bench-") as tmp:
        target = Path(tmp) / "db"
        copies = grown(args.store, target, args.quads)
        EmbeddedStore(target).close()  # publish a snapshot, as an ingest leaves one
        runs = []
        for workers in (1, 2):
            queue: multiprocessing.Queue[tuple[int, int, float, float, int]] = multiprocessing.Queue()
            child = multiprocessing.get_context("fork").Process(target=_child, args=(str(target), workers, queue))
            child.start()
            runs.append((workers, *queue.get()))
            child.join()
    print()
    print("| store | workers | quads validated | results | wall | CPU (all processes) | peak RSS (largest process) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for workers, triples, violations, wall, cpu, rss in runs:
        print(
            f"| {args.store.name} x{copies} | {workers} | {triples:,} | {violations} | {wall:.1f} s | {cpu:.1f} s "
            f"| {rss} MB |"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}; 1 worker / 2 workers wall: {runs[0][3] / runs[1][3]:.2f}x")


if __name__ == "__main__":
    main()
