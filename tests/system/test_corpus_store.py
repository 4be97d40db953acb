"""A store of the real corpus, as ``kg ingest`` writes it: counted, validated, exported.

The store is the session's ``corpus_store`` (tests/conftest.py): 946 Reuters articles of
conllpp-train ingested once by ``kg ingest --workers 2``. kg must accept every store it
writes (issue 16), and on a store made invalid on purpose ``kg validate`` must name the
classes it actually found.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.namespace import KG, RDF
from kg.store import EmbeddedStore
from tests.support.corpus import CorpusStore

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=900, env=os.environ, check=False
    )


def _articles_in(source: Path) -> int:
    with source.open(encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def test_corpus_ingest_stores_every_article_and_stats_count_them(corpus_store: CorpusStore) -> None:
    lines = _articles_in(corpus_store.source)
    assert corpus_store.articles == lines
    result = kg("stats", "--store", str(corpus_store.path), "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["articles"] == lines
    assert stats["entities"] == stats["people"] + stats["organisations"] + stats["places"]
    assert min(stats["people"], stats["organisations"], stats["places"], stats["events"], stats["relations"]) > 100
    assert stats["mentions"] > stats["entities"]
    # The run's end may rewrite a few articles (a retyped person); the count is the store's.
    assert 0.9 * corpus_store.quads <= stats["quads"] <= 1.1 * corpus_store.quads


def test_corpus_validate_conforms(corpus_store: CorpusStore) -> None:
    result = kg("validate", "--store", str(corpus_store.path), "--workers", "2")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    match = re.fullmatch(r"Conforms: (\d+) triples, no violations\.\n", result.stdout)
    assert match, result.stdout[-5000:]
    assert int(match.group(1)) > 100_000
    assert result.stderr == ""


def _most_typed(store: EmbeddedStore, cls: str) -> str:
    """The entity of class ``cls`` typed so in the most article graphs."""
    (row,) = store.query(
        f"SELECT ?e (COUNT(?g) AS ?n) WHERE {{ GRAPH ?g {{ ?e <{RDF.type}> <{cls}> }} }} "
        "GROUP BY ?e ORDER BY DESC(?n) STR(?e) LIMIT 1"
    )
    return row["e"]


def _typed(entity: str, cls: str, graph: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(entity), ox.NamedNode(str(RDF.type)), ox.NamedNode(cls), ox.NamedNode(graph))


def test_corpus_validate_names_the_classes_it_found_in_a_corrupted_copy(
    corpus_store: CorpusStore, tmp_path: Path
) -> None:
    copy = tmp_path / "kg-data"
    shutil.copytree(corpus_store.path, copy)
    store = EmbeddedStore(copy)
    try:
        place, person = _most_typed(store, str(KG.Place)), _most_typed(store, str(KG.Person))
        # One graph says the most-named place is an organisation (the corpus says place);
        # another says the most-named person is also an organisation, in the same graph.
        across, within = "urn:test:corrupt-across", "urn:test:corrupt-within"
        organisation = str(KG.Organisation)
        store.put_articles([(across, [_typed(place, organisation, across)])])
        store.put_articles([(within, [_typed(person, str(KG.Person), within), _typed(person, organisation, within)])])
    finally:
        store.close()

    try:
        result = kg("validate", "--store", str(copy), "--workers", "2")
    finally:
        shutil.rmtree(tmp_path)  # a few hundred MB that pytest would otherwise keep
    assert result.returncode == 1, result.stdout[-5000:] + result.stderr[-2000:]
    assert result.stdout.startswith("Does not conform: ")
    assert "Traceback" not in result.stderr
    blocks = {b.split("\n", 1)[0]: b for b in result.stdout.split("\n\n")[1:]}
    # Only the two entities made invalid are reported: the rest of the corpus conforms.
    assert sorted(blocks) == sorted([f"<{place}>", f"<{person}>"]), list(blocks)[:10]
    # Across articles: the classes found, each with a graph that gave it, and no other class.
    # (The bare type triples written also lack a label and the rest: reported too, on other lines.)
    found = blocks[f"<{place}>"].split("across articles this one is ", 1)[1].split("\n", 1)[0]
    assert re.fullmatch(rf"kg:Organisation in <{across}> and kg:Place in <[^>]+>", found), found
    assert "kg:Person" not in found
    # Within one graph: both classes found, named by the shape's message.
    (message,) = [line for line in blocks[f"<{person}>"].splitlines() if "exactly one of the classes" in line]
    assert f"this one is <{KG.Person}>" in message or f"this one is <{KG.Organisation}>" in message, message
    assert str(KG.Person) in message, message
    assert str(KG.Organisation) in message, message
    assert str(KG.Place) not in message.split("this one is", 1)[1], message
