"""Ingest throughput against raw spaCy on the same texts, in one run.

Usage::

    .venv/bin/python bench/ingest.py [--copies 4] [--workers 2] [--rounds 2] [--prefill 0] [--snapshot-seconds S]

The corpus is the GUM news dev articles (``/work/shared/eval/gum-news-dev.jsonl``),
each repeated ``--copies`` times with its own id and a closing line that differs,
so every copy is a distinct article. Four timings, each on a fresh store:

* raw spaCy ``nlp.pipe`` on the texts, one process, and with ``n_process=--workers``;
* ``kg`` ingest of the JSONL file (read, extract, RDF, store), ``workers=1`` and
  ``workers=--workers``.

It prints ratios (ours / raw with the same process count), the scaling from one
process to ``--workers``, and two store shares of each ingest:

* wall: seconds the ingesting process spent inside any call to the store (reads for
  triage and identity, parsing and writing the quads, snapshots, the final flush)
  over the ingest's seconds. Writes run in ingest's writer thread, overlapping the
  next batch's extraction, so this counts seconds spent, not seconds added, and
  with workers it includes the time the writer waits for a core they are using;
* CPU: CPU seconds of that store work, in the calling thread and in RocksDB's
  background threads (flushes, compactions), over the CPU seconds of the whole
  ingest (the ingesting process and its workers);
* added: 1 - (seconds of the same ingest with its writes thrown away) / (seconds of
  the real ingest), the share of the ingest's time that storing adds. With workers
  the writes overlap the next batches' extraction, so this can be far below the wall
  share, whose seconds are partly spent waiting for a core.

With ``--prefill N``, every kg ingest (real or discarding) starts from a copy of a
store already holding N other articles (copies of the corpus's own graphs under
other ids, written through ``put_nquads``, summary included), so the share is
measured where a store grows, not only on an empty one: identity reads more, and
RocksDB has more to compact.

The store is opened with the snapshot interval ``kg ingest`` uses
(``Settings.snapshot_seconds``, 5 s) unless ``--snapshot-seconds`` says otherwise:
each snapshot flushes RocksDB's memtable, and the small files that leaves cost
compactions later. spaCy and kg's extractors are warmed up once
before anything is timed, and CPU seconds (load-independent) are printed beside
the wall-clock ratios. The four runs are repeated ``--rounds`` times,
interleaved, and the fastest of each is kept, which damps the noise of a machine
shared with other work.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.extract import extract_many  # after the sys.path line, so the script runs from anywhere
from kg.extract.pipeline import load_pipeline
from kg.ingest import ingest_paths
from kg.rdf import nquads_text
from kg.records import Article
from kg.settings import Settings
from kg.store import SNAPSHOTS, EmbeddedStore, Row
from kg.summary import Contributions

T = TypeVar("T")

GUM = Path("/work/shared/eval/gum-news-dev.jsonl")


def rocksdb_cpu() -> float:
    """CPU seconds used so far by this process's RocksDB background threads (Linux; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 0.0
    for tid in tasks:
        try:
            if not Path(f"/proc/self/task/{tid}/comm").read_text().startswith("rocksdb"):
                continue
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


class TimedStore(EmbeddedStore):
    """The embedded store, counting wall and CPU seconds spent in each of its calls.

    Calls come from two threads (ingest's writer and its reader); a call made from
    inside another (the entity summary's queries during a write) is counted once, in
    the outer call.
    """

    seconds = 0.0
    cpu = 0.0
    _inside = threading.local()
    _lock = threading.Lock()

    def _timed(self, call: Callable[[], T]) -> T:
        if getattr(self._inside, "depth", 0):
            return call()
        self._inside.depth = 1
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return call()
        finally:
            self._inside.depth = 0
            with self._lock:
                self.seconds += time.perf_counter() - started
                self.cpu += time.thread_time() - cpu

    def query(self, sparql: str, *, union: bool = False) -> list[Row]:
        return self._timed(lambda: super(TimedStore, self).query(sparql, union=union))

    def ask(self, sparql: str, *, union: bool = False) -> bool:
        return self._timed(lambda: super(TimedStore, self).ask(sparql, union=union))

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        return self._timed(lambda: super(TimedStore, self).article_digests(graphs))

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        self._timed(lambda: super(TimedStore, self).put_articles(batch))

    def put_nquads(self, batch: Sequence[tuple[str, str]], known: Mapping[str, Contributions] | None = None) -> None:
        self._timed(lambda: super(TimedStore, self).put_nquads(batch, known))

    def close(self) -> None:
        # Closing waits for RocksDB's threads to flush: count the whole process meanwhile.
        started, cpu = time.perf_counter(), time.process_time()
        super().close()
        self.seconds += time.perf_counter() - started
        self.cpu += time.process_time() - cpu


class DiscardingStore(TimedStore):
    """The same store, answering reads but throwing writes away: the ingest without storing.

    Reads then see an empty store, so identity finds nothing earlier to merge with:
    slightly less work than the real run, which makes the store's cost look larger
    (the comparison errs against kg).
    """

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        return None

    def put_nquads(self, batch: Sequence[tuple[str, str]], known: Mapping[str, Contributions] | None = None) -> None:
        return None


def corpus(copies: int, folder: Path) -> tuple[Path, list[str]]:
    """Write the replicated corpus as JSONL; return its path and the texts."""
    rows = [json.loads(line) for line in GUM.read_text().splitlines() if line.strip()]
    texts: list[str] = []
    with (folder / "corpus.jsonl").open("w") as fh:
        for k in range(copies):
            for i, row in enumerate(rows):
                text = f"{row['text'].rstrip()}\n\nThis is copy {k} of report {i}."
                texts.append(text)
                fields = {
                    "id": f"gum-{i}-{k}",
                    "text": text,
                    "title": row.get("title"),
                    "published": row.get("published"),
                }
                fh.write(json.dumps(fields) + "\n")
    return folder / "corpus.jsonl", texts


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raw_spacy(texts: list[str], processes: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and its workers) for nlp.pipe over ``texts``."""
    nlp = load_pipeline()
    cpu, children = time.process_time(), children_cpu()
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=processes):
        pass
    return time.perf_counter() - started, time.process_time() - cpu + children_cpu() - children


@dataclass(frozen=True, slots=True)
class Run:
    """One timed ingest.

    Attributes:
        seconds: Wall seconds of the whole ingest, closing the store included.
        store_seconds: Wall seconds the ingesting process spent in store calls.
        cpu: CPU seconds of the ingesting process (all its threads) and its workers.
        store_cpu: CPU seconds of the store calls and of RocksDB's background threads.
        articles: Articles ingested.
    """

    seconds: float
    store_seconds: float
    cpu: float
    store_cpu: float
    articles: int


def prefilled(path: Path, articles: int, folder: Path) -> Path:
    """A store holding ``articles`` copies of the corpus's graphs under other ids; return its path."""
    settings = Settings.load(env={})
    first = EmbeddedStore(folder / "first")
    ingest_paths([path], first, settings, workers=1)
    quads: dict[str, list[ox.Quad]] = {}
    for q in first.quads():
        quads.setdefault(str(q.graph_name.value), []).append(q)  # type: ignore[union-attr]
    first.close()
    graphs = [(g, nquads_text(qs)) for g, qs in sorted(quads.items())]
    base = folder / "prefilled"
    store = EmbeddedStore(base, snapshot_every=3600)
    written = 0
    while written < articles:
        copy = [
            (
                g.replace("/article/", f"/article/pre{written + i}-"),
                t.replace("/article/", f"/article/pre{written + i}-"),
            )
            for i, (g, t) in enumerate(graphs[: articles - written])
        ]
        for i in range(0, len(copy), 32):
            store.put_nquads(copy[i : i + 32])
        written += len(copy)
    # Compact now, so the timed ingests pay for the compactions their own writes cause,
    # not for the ones this fill left behind.
    store._store.optimize()
    store.close()
    return base


def ours(
    path: Path,
    workers: int,
    folder: Path,
    *,
    discard: bool = False,
    base: Path | None = None,
    snapshot_seconds: float | None = None,
) -> Run:
    """Time a full ingest into a fresh store (a copy of ``base`` if given), and the part of it spent in the store.

    With ``discard``, writes are thrown away (:class:`DiscardingStore`).
    """
    folder.mkdir(exist_ok=True)
    settings = Settings.load(env={})
    kind = DiscardingStore if discard else TimedStore
    where = folder / f"store-{workers}-{discard}"
    if base is not None:
        shutil.copytree(base, where, ignore=shutil.ignore_patterns(SNAPSHOTS))
    every = settings.snapshot_seconds if snapshot_seconds is None else snapshot_seconds
    store = kind(where, snapshot_every=every)
    background = rocksdb_cpu()
    cpu, children = time.process_time(), children_cpu()
    started = time.perf_counter()
    report = ingest_paths([path], store, settings, workers=workers)
    background = rocksdb_cpu() - background
    store.close()
    total = time.perf_counter() - started
    # The pool's workers have exited and been waited for, so they count as children.
    used = time.process_time() - cpu + children_cpu() - children
    if report.rejected:
        raise SystemExit(f"bench corpus rejected: {report.rejected[0]}")
    return Run(total, store.seconds, used, store.cpu + background, len(report.ingested))


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--prefill", type=int, default=0, help="articles already in the store")
    parser.add_argument("--snapshot-seconds", type=float, default=None, help="default: what kg ingest uses")
    args = parser.parse_args()
    snap: float | None = args.snapshot_seconds
    raw1 = rawn = float("inf")
    raw1_cpu = rawn_cpu = 0.0
    best1: Run | None = None
    bestn: Run | None = None
    # The same ingests with the writes thrown away: what storing adds to the ingest's time.
    bare1 = baren = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, texts = corpus(args.copies, folder)
        chars = sum(map(len, texts))
        load_pipeline()
        raw_spacy(texts[:4], 1)  # warm up spaCy, and kg's own extractors (the gazetteer: ~2 CPU s once)
        extract_many([Article(f"warm-{i}", t, None, None, None, None, "bench") for i, t in enumerate(texts[:4])])
        base = prefilled(path, args.prefill, folder) if args.prefill else None
        for round_ in range(args.rounds):
            seconds, cpu = raw_spacy(texts, 1)
            raw1, raw1_cpu = (seconds, cpu) if seconds < raw1 else (raw1, raw1_cpu)
            run = ours(path, 1, folder / f"r{round_}", base=base, snapshot_seconds=snap)
            best1 = run if best1 is None or run.seconds < best1.seconds else best1
            seconds, cpu = raw_spacy(texts, args.workers)
            rawn, rawn_cpu = (seconds, cpu) if seconds < rawn else (rawn, rawn_cpu)
            run = ours(path, args.workers, folder / f"r{round_}", base=base, snapshot_seconds=snap)
            bestn = run if bestn is None or run.seconds < bestn.seconds else bestn
            bare1 = min(
                bare1, ours(path, 1, folder / f"r{round_}", discard=True, base=base, snapshot_seconds=snap).seconds
            )
            baren = min(
                baren,
                ours(path, args.workers, folder / f"r{round_}", discard=True, base=base, snapshot_seconds=snap).seconds,
            )
            print(
                f"round {round_ + 1}: raw1 {raw1:.1f} ours1 {best1.seconds:.1f} rawN {rawn:.1f} "
                f"oursN {bestn.seconds:.1f}",
                flush=True,
            )
    if best1 is None or bestn is None:
        raise SystemExit("--rounds must be at least 1")
    print(
        f"corpus: {len(texts)} articles, {chars:,} characters; {os.cpu_count()} cores; workers={args.workers}; "
        f"fastest of {args.rounds} rounds; store prefilled with {args.prefill} articles; "
        f"snapshots every {Settings.load(env={}).snapshot_seconds if snap is None else snap:g} s"
    )
    print()
    print("| run | seconds | articles/s | vs raw spaCy, same processes | store share, wall | store share, CPU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| raw spaCy nlp.pipe, 1 process | {raw1:.1f} | {len(texts) / raw1:.2f} | 1.00 | - | - |")
    print(_row("kg ingest, workers=1", best1, raw1))
    print(f"| raw spaCy nlp.pipe, n_process={args.workers} | {rawn:.1f} | {len(texts) / rawn:.2f} | 1.00 | - | - |")
    print(_row(f"kg ingest, workers={args.workers}", bestn, rawn))
    print()
    print(f"kg ingest workers={args.workers} / raw spaCy 1 process: {bestn.seconds / raw1:.2f}")
    print(
        f"scaling 1 -> {args.workers} processes: raw spaCy {raw1 / rawn:.2f}x, "
        f"kg ingest {best1.seconds / bestn.seconds:.2f}x"
    )
    print(
        f"CPU seconds (load-independent): raw 1 process {raw1_cpu:.2f}, kg workers=1 {best1.cpu:.2f} "
        f"({best1.cpu / raw1_cpu:.2f}x); raw n_process={args.workers} {rawn_cpu:.2f}, "
        f"kg workers={args.workers} {bestn.cpu:.2f} ({bestn.cpu / rawn_cpu:.2f}x)"
    )
    for name, run, bare in (("workers=1", best1, bare1), (f"workers={args.workers}", bestn, baren)):
        print(
            f"{name}: store {run.store_seconds:.2f} s wall of {run.seconds:.2f} s; "
            f"{run.store_cpu:.2f} CPU s of {run.cpu:.2f} CPU s; "
            f"writes discarded {bare:.2f} s, so storing adds {(run.seconds - bare) / run.seconds:.1%} of the ingest's time"
        )


def _row(name: str, run: Run, raw: float) -> str:
    return (
        f"| {name} | {run.seconds:.1f} | {run.articles / run.seconds:.2f} | {run.seconds / raw:.2f} | "
        f"{run.store_seconds / run.seconds:.1%} | {run.store_cpu / run.cpu:.1%} |"
    )


if __name__ == "__main__":
    main()
