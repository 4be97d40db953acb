"""Ingest throughput against raw spaCy on the same texts, in one run.

Usage::

    .venv/bin/python bench/ingest.py [--copies 4] [--workers 2] [--rounds 2]

The corpus is the GUM news dev articles (``/work/shared/eval/gum-news-dev.jsonl``),
each repeated ``--copies`` times with its own id and a closing line that differs,
so every copy is a distinct article. Four timings, each on a fresh store:

* raw spaCy ``nlp.pipe`` on the texts, one process, and with ``n_process=--workers``;
* ``kg`` ingest of the JSONL file (read, extract, RDF, store), ``workers=1`` and
  ``workers=--workers``.

It prints ratios (ours / raw with the same process count), the scaling from one
process to ``--workers``, and the share of ingest time spent in the store. The
four runs are repeated ``--rounds`` times, interleaved, and the fastest of each is
kept, which damps the noise of a machine shared with other work.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.extract.pipeline import load_pipeline  # after the sys.path line, so the script runs from anywhere
from kg.ingest import ingest_paths
from kg.settings import Settings
from kg.store import EmbeddedStore

GUM = Path("/work/shared/eval/gum-news-dev.jsonl")


class TimedStore(EmbeddedStore):
    """The embedded store, counting the seconds spent in its calls during ingest."""

    seconds = 0.0

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        started = time.perf_counter()
        super().put_articles(batch)
        self.seconds += time.perf_counter() - started

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        started = time.perf_counter()
        found = super().article_digests(graphs)
        self.seconds += time.perf_counter() - started
        return found


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


def raw_spacy(texts: list[str], processes: int) -> float:
    """Seconds for nlp.pipe over ``texts``."""
    nlp = load_pipeline()
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=processes):
        pass
    return time.perf_counter() - started


def ours(path: Path, workers: int, folder: Path) -> tuple[float, float, int]:
    """Seconds for a full ingest, seconds of it in the store, and articles ingested."""
    folder.mkdir(exist_ok=True)
    store = TimedStore(folder / f"store-{workers}")
    settings = Settings.load(env={})
    started = time.perf_counter()
    report = ingest_paths([path], store, settings, workers=workers)
    close_started = time.perf_counter()
    store.close()
    store.seconds += time.perf_counter() - close_started
    total = time.perf_counter() - started
    if report.rejected:
        raise SystemExit(f"bench corpus rejected: {report.rejected[0]}")
    return total, store.seconds, len(report.ingested)


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    raw1 = rawn = ours1 = oursn = float("inf")
    store1 = storen = 0.0
    n1 = nn = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, texts = corpus(args.copies, folder)
        chars = sum(map(len, texts))
        load_pipeline()
        raw_spacy(texts[:4], 1)  # warm up
        for round_ in range(args.rounds):
            raw1 = min(raw1, raw_spacy(texts, 1))
            total, store, n1 = ours(path, 1, folder / f"r{round_}")
            if total < ours1:
                ours1, store1 = total, store
            rawn = min(rawn, raw_spacy(texts, args.workers))
            total, store, nn = ours(path, args.workers, folder / f"r{round_}")
            if total < oursn:
                oursn, storen = total, store
            print(
                f"round {round_ + 1}: raw1 {raw1:.1f} ours1 {ours1:.1f} rawN {rawn:.1f} oursN {oursn:.1f}", flush=True
            )
    print(
        f"corpus: {len(texts)} articles, {chars:,} characters; {os.cpu_count()} cores; workers={args.workers}; "
        f"fastest of {args.rounds} rounds"
    )
    print()
    print("| run | seconds | articles/s | vs raw spaCy, same processes | store share |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| raw spaCy nlp.pipe, 1 process | {raw1:.1f} | {len(texts) / raw1:.2f} | 1.00 | - |")
    print(f"| kg ingest, workers=1 | {ours1:.1f} | {n1 / ours1:.2f} | {ours1 / raw1:.2f} | {store1 / ours1:.1%} |")
    print(f"| raw spaCy nlp.pipe, n_process={args.workers} | {rawn:.1f} | {len(texts) / rawn:.2f} | 1.00 | - |")
    print(
        f"| kg ingest, workers={args.workers} | {oursn:.1f} | {nn / oursn:.2f} | {oursn / rawn:.2f} | "
        f"{storen / oursn:.1%} |"
    )
    print()
    print(f"kg ingest workers={args.workers} / raw spaCy 1 process: {oursn / raw1:.2f}")
    print(f"scaling 1 -> {args.workers} processes: raw spaCy {raw1 / rawn:.2f}x, kg ingest {ours1 / oursn:.2f}x")


if __name__ == "__main__":
    main()
