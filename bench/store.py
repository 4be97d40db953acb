"""Store choice: pyoxigraph directly vs rdflib over oxrdflib, and export serializers.

Run: ``.venv/bin/python -m bench.store [--articles N]``

Input: the seed article extracted once, its extraction replicated under N distinct
article ids (labelled synthetic: same text, different graphs), so every variant
writes the same quads and only the write path differs. In one process it times:

1. writing every article in its own transaction, pyoxigraph ``Store.extend`` vs an
   rdflib ``Dataset`` backed by oxrdflib's ``Oxigraph`` store;
2. one SPARQL query (entities by label) on both;
3. serializing the union as Turtle: Oxigraph's serializer vs rdflib's.

Figures are ratios against the pyoxigraph run in the same process.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.extract import extract
from kg.ingest.sources import read_paths
from kg.namespace import PREFIXES
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Article
from kg.store import EmbeddedStore, ExportFormat, write_export

QUERY = """PREFIX kg: <https://w3id.org/newskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e (MIN(?l) AS ?label) (COUNT(DISTINCT ?g) AS ?articles) WHERE {
  GRAPH ?g { ?e a kg:Place ; rdfs:label ?l } } GROUP BY ?e ORDER BY ?label"""


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def _median(fn: Callable[[], object], runs: int = 7) -> tuple[float, object]:
    results = [_timed(fn) for _ in range(runs)]
    times = sorted(t for t, _ in results)
    return times[len(times) // 2], results[-1][1]


def _to_rdflib(term: object) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else None
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=dt)
    raise TypeError(term)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    (seed,) = [a for a in read_paths([seeds]) if isinstance(a, Article)]
    x = extract(seed)
    batches = []
    for i in range(args.articles):
        xi = replace(x, article=replace(seed, id=f"synthetic-{i:05d}"))
        batches.append((article_iri(DEFAULT_BASE, xi.article.id), extraction_quads(xi, DEFAULT_BASE)))
    n_quads = sum(len(q) for _, q in batches)

    with tempfile.TemporaryDirectory() as tmp:
        ox_store = EmbeddedStore(Path(tmp) / "ox")

        def ox_write() -> None:
            for b in batches:
                ox_store.put_articles([b])

        t_ox_write, _ = _timed(ox_write)

        ds = rdflib.Dataset(store="Oxigraph")
        ds.open(str(Path(tmp) / "rdflib"), create=True)
        converted = [
            (rdflib.URIRef(g), [(_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)) for q in quads])
            for g, quads in batches
        ]

        def rdflib_write() -> None:
            for g, triples in converted:
                graph = ds.graph(g)
                graph.addN((s, p, o, graph) for s, p, o in triples)
                ds.commit()

        t_rdf_write, _ = _timed(rdflib_write)

        # queries are repeated and the median kept: the first run of each warms caches
        t_ox_query, rows_ox = _median(lambda: ox_store.query(QUERY))
        t_rdf_query, rows_rdf = _median(lambda: list(ds.query(QUERY)))
        if not isinstance(rows_ox, list) or not isinstance(rows_rdf, list) or len(rows_ox) != len(rows_rdf):
            raise RuntimeError(f"the two stores disagree: {rows_ox!r:.200} against {rows_rdf!r:.200}")

        t_ox_ser, _ = _timed(lambda: write_export(ox_store, ExportFormat.TURTLE, io.BytesIO()))
        union = rdflib.Graph()
        for prefix, ns in PREFIXES.items():
            union.bind(prefix, ns)
        for _, triples in converted:
            for t in triples:
                union.add(t)
        t_rdf_ser, _ = _timed(lambda: union.serialize(format="turtle"))
        ds.close()

    print(f"store choice, {args.articles} articles (synthetic copies of the seed), {n_quads:,} quads")
    print(f"{'operation':<34}{'pyoxigraph':>12}{'rdflib+oxrdflib':>18}{'ratio':>8}")
    for name, a, b in (
        ("write, one transaction per article", t_ox_write, t_rdf_write),
        ("SPARQL group-by over all graphs", t_ox_query, t_rdf_query),
        ("Turtle export of the union", t_ox_ser, t_rdf_ser),
    ):
        print(f"{name:<34}{a:>11.3f}s{b:>17.3f}s{b / a:>7.1f}x")


if __name__ == "__main__":
    main()
