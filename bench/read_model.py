"""Read-model look-ups in-process, one call at a time: the API's cost without the API.

Run: ``.venv/bin/python -m bench.read_model [--store bench/out/api-store] [--calls 300]``

Input (synthetic, labelled so): the store of :mod:`bench.api` (built there; this script
only reads it, on a read-only handle). Three look-ups, each as the GraphQL resolvers
issue it, ``--calls`` times after 20 warm-up calls:

1. an entity (a person drawn at random, fixed seed) and its relationships with the
   entities at their ends (``entities_by_keys`` + ``relationships_of``);
2. the first page of events in a two-month window and their descriptions
   (``list_events`` + ``events_by_keys``);
3. a page of the entity list searched by a letter and a page of the article list.

Printed: the median and mean milliseconds per look-up, labelled with ``--label`` so runs
of two checkouts can be told apart in one log.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.api import OUT
from kg import queries
from kg.rdf import DEFAULT_BASE
from kg.store import EmbeddedStore


def main() -> None:
    """Time the look-ups and print one line each."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=OUT)
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    store = EmbeddedStore(args.store, read_only=True)
    base = DEFAULT_BASE
    rows = store.query(
        "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a <https://w3id.org/newskg/ontology#Person> } } ORDER BY ?e"
    )
    keys = [r["e"][len(base) :] for r in rows]
    rng = random.Random(5)
    picks = [rng.choice(keys) for _ in range(args.calls)]

    def entity(i: int) -> None:
        key = picks[i % len(picks)]
        queries.entities_by_keys(store, base, [key])
        rels = queries.relationships_of(store, base, [key])[key][:50]
        queries.entities_by_keys(store, base, sorted({r.subject for r in rels} | {r.object for r in rels}))

    def events(i: int) -> None:
        month = 1 + i % 10
        spec = queries.EventFilter(window=(f"2022-{month:02d}-01", f"2022-{month + 2:02d}-28"))
        _, found = queries.list_events(store, base, queries.Page(0, 20), spec)
        queries.events_by_keys(store, base, found)

    def lists(i: int) -> None:
        queries.list_entities(store, base, queries.Page(i % 50, 20), search="a")
        queries.list_articles(store, base, queries.Page(i % 50, 20))

    looks: dict[str, Callable[[int], None]] = {
        "entity + relationships": entity,
        "events in a date range": events,
        "entity and article lists": lists,
    }
    try:
        for name, look in looks.items():
            for i in range(20):
                look(i)
            times = []
            for i in range(args.calls):
                t0 = time.perf_counter()
                look(i)
                times.append((time.perf_counter() - t0) * 1000)
            print(
                f"{args.label:8} {name:26} p50 {statistics.median(times):8.2f} ms  mean {statistics.fmean(times):8.2f} ms",
                flush=True,
            )
    finally:
        store.close()


if __name__ == "__main__":
    main()
