"""SHACL validation: kg's set-at-a-time SPARQL checks vs pyshacl's per-node evaluation.

Run: ``.venv/bin/python -m bench.validate [--articles 1 4 16]``

Input: the seed article extracted once, its extraction written under N distinct
article ids (synthetic copies: same text and entities, different article graphs, so
every span, statement and event is repeated N times). For each N, in one process:

1. ``kg.validate.validate``: pyshacl with RDFS inference on the core shapes, then each
   SPARQL constraint of ``shapes.ttl`` run once over the inferred graph, by Oxigraph;
2. plain ``pyshacl.validate`` with the full ``shapes.ttl`` and the same inference,
   which evaluates each SPARQL constraint once per focus node, with rdflib's engine.

Both must agree on conformance. The ratio compares the two runs for the same input, in
the same process.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import pyshacl

from kg.extract import extract
from kg.ontology import ontology_graph, shapes_graph
from kg.rdf import extraction_quads
from kg.read import read_paths
from kg.records import Article
from kg.validate import to_graph, validate


def main() -> None:
    """Time both validation strategies for each article count and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()
    (article,) = [a for a in read_paths(["seeds"]) if isinstance(a, Article)]
    x = extract(article)
    print("| articles | triples | kg.validate | pyshacl per node | per node / kg |")
    print("| --- | --- | --- | --- | --- |")
    for n in args.articles:
        quads = []
        for i in range(n):
            copy = replace(x, article=replace(x.article, id=f"{x.article.id[:12]}{i:04d}"))
            quads += extraction_quads(copy)
        t = time.perf_counter()
        ours = validate(quads)
        ours_s = time.perf_counter() - t
        graph = to_graph(quads)
        t = time.perf_counter()
        theirs, _, _ = pyshacl.validate(
            graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="rdfs", allow_warnings=True
        )
        theirs_s = time.perf_counter() - t
        if ours.conforms != theirs:
            raise SystemExit(f"disagreement at {n} articles: kg {ours.conforms}, pyshacl {theirs}")
        print(f"| {n} | {ours.triples:,} | {ours_s:.2f} s | {theirs_s:.2f} s | {theirs_s / ours_s:.1f}x |")


if __name__ == "__main__":
    main()
