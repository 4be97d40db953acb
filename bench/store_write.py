"""Replacing article graphs in the embedded store: extend versus one SPARQL update each.

Usage::

    .venv/bin/python bench/store_write.py [--articles 200] [--quads 300]

Three ways to write ``--articles`` graphs of ``--quads`` quads each, then replace
them all, on a fresh on-disk store each:

* ``remove_graph`` + one ``extend`` for the batch (two transactions: not atomic
  per article for a replaced graph);
* one ``update`` per article, ``DROP GRAPH`` + ``INSERT DATA`` (one transaction each);
* what :meth:`kg.store.EmbeddedStore.put_articles` does: ``extend`` for new
  articles, one ``update`` each for the replaced ones.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.store.embedded import EmbeddedStore, _replace_graph  # after the sys.path line, so the script runs anywhere

P = ox.NamedNode("http://example.org/p")


def _batch(articles: int, quads: int, tag: str) -> list[tuple[str, list[ox.Quad]]]:
    out = []
    for a in range(articles):
        g = f"https://example.org/id/article/{a}"
        node = ox.NamedNode(g)
        out.append(
            (g, [ox.Quad(ox.NamedNode(f"{g}/s{i}"), P, ox.Literal(f'{tag} "{i}"\n é'), node) for i in range(quads)])
        )
    return out


def _remove_extend(store: ox.Store, batch: list[tuple[str, list[ox.Quad]]]) -> None:
    for g, _ in batch:
        node = ox.NamedNode(g)
        if store.contains_named_graph(node):
            store.remove_graph(node)
    store.extend(q for _, quads in batch for q in quads)


def _updates(store: ox.Store, batch: list[tuple[str, list[ox.Quad]]]) -> None:
    for g, quads in batch:
        store.update(_replace_graph(g, quads))


def main() -> None:
    """Time the three ways and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--quads", type=int, default=300)
    args = parser.parse_args()
    first, second = _batch(args.articles, args.quads, "a"), _batch(args.articles, args.quads, "b")
    print("| method | first write s | replace s |")
    print("| --- | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("remove_graph + extend", "update per article", "put_articles (kg)"):
            path = Path(tmp) / name.split()[0]
            times = []
            if name.startswith("put"):
                kg_store = EmbeddedStore(path, snapshot_every=float("inf"))
                for batch in (first, second):
                    started = time.perf_counter()
                    kg_store.put_articles(batch)
                    times.append(time.perf_counter() - started)
                kg_store.close()
            else:
                raw = ox.Store(str(path))
                for batch in (first, second):
                    started = time.perf_counter()
                    (_remove_extend if name.startswith("remove") else _updates)(raw, batch)
                    times.append(time.perf_counter() - started)
                del raw
            print(f"| {name} | {times[0]:.2f} | {times[1]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
