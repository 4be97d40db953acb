"""Ingest and look-ups of this tree against another tree (a baseline), in one run.

Usage::

    .venv/bin/python bench/write_path.py --baseline /work/main [--copies 4] [--rounds 2]

The corpus is the GUM news dev articles (``/work/shared/eval/gum-news-dev.jsonl``),
each repeated ``--copies`` times with its own id, so every copy is a distinct
article. Each round runs, for the baseline tree and for this one in turn (each in
its own process, with that tree's ``.venv`` and the tree first on ``PYTHONPATH``):

* ingest: ``kg.ingest.ingest_articles`` of the corpus into a fresh embedded store,
  one worker (extraction, identity, RDF, the write and its entity summary);
* re-ingest: the same corpus again (every article unchanged: triage only);
* look-ups: ``kg.queries.entities_by_keys`` for every stored entity, 20 keys a call,
  then ``kg.queries.graph_stats``, ``--lookup-repeats`` times over (default 5).

The fastest of ``--rounds`` is kept for each, wall-clock and CPU seconds (the
process's, all its threads: the figure to trust on a loaded machine), and the
ratio this / baseline printed (below 1: this tree is faster). Both trees load the
same spaCy model.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "gum-news-dev.jsonl"
HERE = Path(__file__).resolve().parent.parent
#: Wall-clock and CPU seconds (the process's, all threads: load-independent) of each step.
TIMED = ("ingest", "reingest", "lookups", "ingest_cpu", "reingest_cpu", "lookups_cpu")


def child(copies: int, folder: Path, repeats: int = 5) -> dict[str, float]:
    """Run in the tree under test: time ingest, re-ingest and look-ups."""
    from kg.ingest import ingest_articles
    from kg.queries import entities_by_keys, graph_stats
    from kg.records import Article
    from kg.settings import Settings
    from kg.store import EmbeddedStore

    try:
        from kg.ingest.sources import read_paths
    except ImportError:  # the tree before kg/ingest/ became a package
        from kg.read import read_paths  # type: ignore[import-not-found,no-redef]

    settings = Settings.load(env={})
    base = settings.base_iri
    source = list(read_paths([CORPUS], max_chars=settings.max_article_chars))
    articles = [
        dataclasses.replace(a, id=f"{a.id}-c{i}") if isinstance(a, Article) else a
        for i in range(copies)
        for a in source
    ]
    ingest_articles(articles[:1], EmbeddedStore(None), settings, workers=1)  # warm the model
    store = EmbeddedStore(folder / "store", snapshot_every=settings.snapshot_seconds)
    t, c = time.perf_counter(), time.process_time()
    report = ingest_articles(articles, store, settings, workers=1)
    ingest, ingest_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    again = ingest_articles(articles, store, settings, workers=1)
    reingest, reingest_cpu = time.perf_counter() - t, time.process_time() - c
    keys = sorted(
        r["e"][len(base) :]
        for r in store.query(
            "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a ?t } "
            "FILTER(?t IN (<https://w3id.org/newskg/ontology#Person>, <https://w3id.org/newskg/ontology#Organisation>, "
            "<https://w3id.org/newskg/ontology#Place>)) }"
        )
        if r["e"].startswith(base)
    )
    t, c = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        for i in range(0, len(keys), 20):
            entities_by_keys(store, base, keys[i : i + 20])
        graph_stats(store)
    lookups, lookups_cpu = time.perf_counter() - t, time.process_time() - c
    store.close()
    return {
        "articles": float(len(report.ingested)),
        "unchanged": float(len(again.unchanged)),
        "quads": float(report.quads),
        "keys": float(len(keys)),
        "ingest": ingest,
        "reingest": reingest,
        "lookups": lookups,
        "ingest_cpu": ingest_cpu,
        "reingest_cpu": reingest_cpu,
        "lookups_cpu": lookups_cpu,
    }


def run(tree: Path, copies: int, repeats: int) -> dict[str, float]:
    """One child run in ``tree``."""
    python = tree / ".venv" / "bin" / "python"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        bench = str(Path(__file__).resolve().parent)
        code = (
            f"import json, pathlib, sys; sys.path.insert(0, {bench!r}); import write_path as w, kg; "
            f"r = w.child({copies}, pathlib.Path({tmp!r}), {repeats}); r['where'] = kg.__file__; print(json.dumps(r))"
        )
        out = subprocess.run([str(python), "-c", code], env=env, cwd=tree, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    where = str(result.pop("where"))
    if not where.startswith(str(tree)):
        raise SystemExit(f"{tree}: kg was imported from {where}, not from the tree")
    return {k: float(v) for k, v in result.items()}


def main() -> None:
    """Run both trees ``--rounds`` times, interleaved, and print the fastest of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the tree to compare with (e.g. /work/main)")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--lookup-repeats", type=int, default=5, help="passes over every entity key")
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "this": HERE}
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            r = run(tree, args.copies, args.lookup_repeats)
            kept = best.setdefault(name, r)
            for k in TIMED:
                kept[k] = min(kept[k], r[k])
            for k in ("articles", "unchanged", "quads", "keys"):
                if kept[k] != r[k]:
                    raise SystemExit(f"{name}: {k} differs between rounds ({kept[k]} vs {r[k]})")
    b, t = best["baseline"], best["this"]
    print(f"corpus: {CORPUS.name} x {args.copies} copies, best of {args.rounds} rounds")
    for k in ("articles", "unchanged", "quads", "keys"):
        print(f"  {k:10s} baseline {b[k]:>8.0f}   this {t[k]:>8.0f}")
    for k in TIMED:
        print(f"  {k:12s} baseline {b[k]:8.3f} s   this {t[k]:8.3f} s   ratio {t[k] / b[k]:.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
