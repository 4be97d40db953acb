"""A store kg opens for writing holds the ontology in its own named graph, and old dates are upgraded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ontology import ONTOLOGY_GRAPH, ontology_quads
from kg.queries import articles_by_ids, events_by_keys, graph_stats
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.store import EmbeddedStore, RemoteStore, Store, open_store, writer
from kg.validate import validate_store
from tests.support.api_sample import extraction_a
from tests.support.sparql_server import ENGINES, Endpoint, sparql_endpoint, virtuoso_endpoint

__all__ = ["sparql_endpoint", "virtuoso_endpoint"]  # fixtures, imported so pytest finds them

_XSD = "http://www.w3.org/2001/XMLSchema#"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_PERSON_SUBCLASSES = f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  GRAPH ?g {{ ?x a ?c }} GRAPH <{ONTOLOGY_GRAPH}> {{ ?c {_SUBCLASS} <https://schema.org/Person> }}
}}"""


def _old_dates(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads as kg wrote them before: days as ``xsd:date``."""
    out = []
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and o.datatype.value == _XSD + "dateTime" and o.value.endswith("T00:00:00"):
            o = ox.Literal(o.value[:10], datatype=ox.NamedNode(_XSD + "date"))
        out.append(ox.Quad(q.subject, q.predicate, o, q.graph_name))
    return out


def _datatypes(store: Store) -> set[str]:
    """The datatypes of the dates the store gives back (:meth:`kg.store.Store.quads`, which exports use)."""
    dated = {"https://schema.org/datePublished", "https://w3id.org/newskg/ontology#start"}
    return {
        q.object.datatype.value
        for q in store.quads()
        if q.predicate.value in dated and isinstance(q.object, ox.Literal)
    }


def _ontology_size(store: Store) -> int:
    return int(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")[0]["n"])


@pytest.fixture(params=["embedded", *ENGINES])
def opened(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """Where a store with one article (its dates written the old way) is: a folder, or a SPARQL server."""
    x = extraction_a()
    g = article_iri(DEFAULT_BASE, x.article.id)
    quads = _old_dates(extraction_quads(x))
    if request.param == "embedded":
        raw: Store = EmbeddedStore(tmp_path / "db")
        location, update = str(tmp_path / "db"), None
    else:
        endpoint: Endpoint = request.getfixturevalue(
            "sparql_endpoint" if request.param == "oxigraph" else "virtuoso_endpoint"
        )
        raw = RemoteStore(endpoint.query, endpoint.update)
        location, update = endpoint.query, endpoint.update
    raw.update(f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}>")
    raw.write_quads([(g, quads)])
    raw.close()
    yield location, update
    if request.param != "embedded":
        cleanup = RemoteStore(location, update)
        cleanup.drop_graph(g)
        cleanup.close()


def test_store_open_loads_the_ontology_once_and_upgrades_old_dates(opened: tuple[str, str | None]) -> None:
    location, update = opened
    store = open_store(location, update_endpoint=update)
    try:
        assert _datatypes(store) == {_XSD + "dateTime"}
        assert _ontology_size(store) == len(ontology_quads()) + 1  # the files, and the digest they were loaded at
        assert int(store.query(_PERSON_SUBCLASSES)[0]["n"]) >= 1  # kg:Person rdfs:subClassOf schema:Person
        assert writer.prepare(store) == []  # idempotent: nothing left to do
        assert ONTOLOGY_GRAPH not in store.graphs()
        assert not any(q.graph_name == ox.NamedNode(ONTOLOGY_GRAPH) for q in store.quads())
        # Readers give clients the same day as before.
        assert articles_by_ids(store, DEFAULT_BASE, ["article-a"])["article-a"].published == "2022-10-28"
    finally:
        store.close()
    again = open_store(location, update_endpoint=update)
    try:
        assert _ontology_size(again) == len(ontology_quads()) + 1
    finally:
        again.close()


def test_store_ontology_graph_is_not_an_article(tmp_path: Path) -> None:
    x = extraction_a()
    quads = extraction_quads(x)
    store = open_store(str(tmp_path / "db"))
    try:
        store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), quads)])
        stats = graph_stats(store)
        assert (stats.articles, stats.quads) == (1, len(quads))
        assert validate_store(store.quads()).triples == len(quads)  # the article only, not the ontology
        assert store.graphs() == [article_iri(DEFAULT_BASE, x.article.id)]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("key", "start"),
    [("event/a/0", "2022-10-26"), ("event/a/1", "2022-10")],
    ids=["day", "month"],
)
def test_store_event_dates_read_back_as_partial_dates(tmp_path: Path, key: str, start: str) -> None:
    x = extraction_a()
    store = open_store(str(tmp_path / "db"))
    try:
        store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x))])
        assert events_by_keys(store, DEFAULT_BASE, [key])[key].start == start
    finally:
        store.close()
