"""``kg.Graph``, the Python facade: the same answers as GraphQL and the CLI, from ``import kg`` alone."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.settings import Settings
from tests.support.sparql_server import Endpoint, sparql_endpoint

__all__ = ["sparql_endpoint"]  # the fixture, imported so pytest finds it


@pytest.fixture(scope="module")
def graph(seed_store_dir: Path, settings: Settings) -> Iterator[kg.Graph]:
    """The seed store, opened read-only (its newest snapshot)."""
    with kg.Graph(seed_store_dir, read_only=True, settings=settings) as g:
        yield g


@pytest.fixture
def writable(seed_store_dir: Path, tmp_path: Path, settings: Settings) -> Iterator[kg.Graph]:
    """A private copy of the seed store, opened for writing."""
    copy = tmp_path / "kg-data"
    shutil.copytree(seed_store_dir, copy)
    with kg.Graph(copy, settings=settings) as g:
        yield g


def _iris(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["iri"] for e in connection["edges"]]


def _data(g: kg.Graph, query: str) -> dict[str, Any]:
    answer = g.graphql(query)
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


ENTITY_CASES = [
    ({"search": "zel"}, '(search: "zel", first: 100)'),
    ({"type": "PLACE"}, "(type: PLACE, first: 100)"),
    ({"type": "person"}, "(type: PERSON, first: 100)"),
    ({"search": "r", "prefix": True}, '(filter: {search: "r", prefix: true}, first: 100)'),
    ({"min_confidence": 0.9}, "(filter: {minConfidence: 0.9}, first: 100)"),
    ({"order": "MENTIONS_DESC", "first": 5}, "(orderBy: MENTIONS_DESC, first: 5)"),
    (
        {"order": "LABEL_DESC", "first": 3, "offset": 2},
        '(orderBy: LABEL_DESC, first: 3, after: "YXJyYXljb25uZWN0aW9uOjE=")',
    ),
]


@pytest.mark.parametrize(("kwargs", "args"), ENTITY_CASES, ids=[a for _, a in ENTITY_CASES])
def test_graph_entities_match_graphql(graph: kg.Graph, kwargs: dict[str, Any], args: str) -> None:
    expected = _iris(_data(graph, f"{{ entities{args} {{ edges {{ node {{ iri }} }} }} }}")["entities"])
    got = graph.entities(**{"first": 100, **kwargs})
    assert expected
    assert [e.iri for e in got] == expected
    assert all(isinstance(e, kg.EntityView) for e in got)


def test_graph_entities_mentioned_in_an_article(graph: kg.Graph) -> None:
    (article,) = _data(graph, "{ articles { edges { node { id iri } } } }")["articles"]["edges"]
    by_id = graph.entities(mentioned_in=article["node"]["id"], first=1000)
    by_iri = graph.entities(mentioned_in=article["node"]["iri"], first=1000)
    assert by_id == by_iri
    assert {e.key for e in by_id} == {e.key for e in graph.entities(first=1000)}


EVENT_CASES = [
    ({"type": "Attack"}, '(type: "Attack", first: 100)'),
    ({"start": "2022-10", "end": "2022-10-31"}, '(from: "2022-10", to: "2022-10-31", first: 100)'),
    ({"place": "place/bakhmut"}, '(place: "place/bakhmut", first: 100)'),
    ({"participant": "place/ukraine"}, '(participant: "place/ukraine", first: 100)'),
    ({"order": "START_ASC", "first": 4}, "(orderBy: START_ASC, first: 4)"),
    (
        {"search": "withdraw", "types": ["Withdrawal"]},
        '(filter: {search: "withdraw", types: [Withdrawal]}, first: 100)',
    ),
]


@pytest.mark.parametrize(("kwargs", "args"), EVENT_CASES, ids=[a for _, a in EVENT_CASES])
def test_graph_events_match_graphql(graph: kg.Graph, kwargs: dict[str, Any], args: str) -> None:
    expected = _iris(_data(graph, f"{{ events{args} {{ edges {{ node {{ iri }} }} }} }}")["events"])
    got = graph.events(**{"first": 100, **kwargs})
    assert expected
    assert [e.iri for e in got] == expected
    assert all(isinstance(e, kg.EventView) for e in got)


def test_graph_relationships_match_graphql(graph: kg.Graph) -> None:
    query = """{ entity(id: "person/vladimir-putin") { ... on Entity {
        relationships(first: 100) { edges { node { predicate subject { iri } object { iri } } } } } } }"""
    edges = _data(graph, query)["entity"]["relationships"]["edges"]
    expected = [(e["node"]["predicate"], e["node"]["subject"]["iri"], e["node"]["object"]["iri"]) for e in edges]
    got = graph.relationships("https://w3id.org/newskg/id/person/vladimir-putin")
    assert expected
    assert [(r.predicate, graph.base + r.subject, graph.base + r.object) for r in got] == expected
    assert [r.predicate for r in graph.relationships("person/vladimir-putin", "leaderOf")] == ["leaderOf"]


def test_graph_shortest_path_matches_graphql(graph: kg.Graph) -> None:
    query = '{ shortestPath(from: "place/bakhmut", to: "person/vladimir-putin") { length nodes { id } } }'
    path = _data(graph, query)["shortestPath"]
    found = graph.shortest_path("place/bakhmut", "person/vladimir-putin")
    assert found is not None
    assert found.length == path["length"] == len(found.nodes) - 1
    assert found.keys[0] == "place/bakhmut"
    assert found.keys[-1] == "person/vladimir-putin"
    assert isinstance(found.nodes[-1], kg.EntityView)
    assert found.nodes[-1].label == "Vladimir Putin"


def test_graph_shortest_path_none_when_too_long(graph: kg.Graph) -> None:
    assert graph.shortest_path("place/bakhmut", "person/vladimir-putin", max_length=1) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: g.entities(type="ANIMAL"), "valid: PERSON, ORGANISATION, PLACE"),
        (lambda g: g.entities(order="NEWEST"), "unknown entity order 'NEWEST'"),
        (lambda g: g.entities(min_confidence=2), "minConfidence must be between 0 and 1"),
        (lambda g: g.entities(first=-1), "must not be negative"),
        (lambda g: g.events(type="Picnic"), "unknown event type 'Picnic'"),
        (lambda g: g.events(start="October"), "October"),
        (lambda g: g.entity("person/nobody"), "no entity with id 'person/nobody'"),
        (lambda g: g.relationships("person/nobody"), "no entity with id 'person/nobody'"),
        (lambda g: g.shortest_path("place/bakhmut", "person/nobody"), "person/nobody"),
    ],
    ids=["type", "order", "confidence", "first", "event-type", "date", "entity", "relationships", "path"],
)
def test_graph_bad_arguments_raise_kg_errors_naming_them(graph: kg.Graph, call: Any, message: str) -> None:
    with pytest.raises(kg.KGError, match=message):
        call(graph)


def test_graph_graphql_works_inside_a_running_event_loop(graph: kg.Graph) -> None:
    query = '{ stats { entities } entities(search: "bakh") { edges { node { label } } } }'

    async def notebook_cell() -> dict[str, Any]:
        asyncio.get_running_loop()  # a Jupyter kernel runs every cell inside its loop
        return graph.graphql(query)

    inside = asyncio.run(notebook_cell())
    assert inside == graph.graphql(query)
    assert inside["data"]["entities"]["edges"] == [{"node": {"label": "Bakhmut"}}]


def test_graph_graphql_returns_errors_and_variables(graph: kg.Graph) -> None:
    answer = graph.graphql("query($q: String) { entities(search: $q) { totalCount } }", {"q": "putin"})
    assert answer == {"data": {"entities": {"totalCount": 1}}}
    bad = graph.graphql("{ entities(first: 1000) { totalCount } }")
    assert bad["data"] is None
    assert "first must be between 0 and 100" in bad["errors"][0]["message"]


def test_graph_graphql_mutations_are_not_authorised(writable: kg.Graph) -> None:
    answer = writable.graphql('mutation { ingestArticle(input: {text: "Olaf Scholz spoke."}) { __typename } }')
    assert answer["data"]["ingestArticle"]["__typename"] == "NotAuthorised"


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX kg: <https://w3id.org/newskg/ontology#>\nDELETE WHERE { ?s a kg:Person }",
        "# a comment\n  drop all",
        "CLEAR DEFAULT",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
    ids=["insert", "prefixed-delete", "commented-drop", "clear", "with"],
)
def test_graph_sparql_refuses_updates(writable: kg.Graph, query: str) -> None:
    before = writable.stats()
    with pytest.raises(kg.KGError, match="read-only"):
        writable.sparql(query)
    assert writable.stats() == before


def test_graph_sparql_selects_over_the_union_of_graphs(graph: kg.Graph) -> None:
    rows = graph.sparql(
        """PREFIX kg: <https://w3id.org/newskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?p a kg:Person ; rdfs:label ?label } ORDER BY ?label"""
    )
    assert isinstance(rows, list)
    assert {"label": "Vladimir Putin"} in rows
    assert graph.sparql("ASK { ?s ?p ?o }") is True
    with pytest.raises(kg.KGError, match="SELECT and ASK"):
        graph.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    with pytest.raises(kg.KGError, match="query failed"):
        graph.sparql("SELECT ?x WHERE { ?x }")


def test_graph_ingest_takes_paths_records_and_texts(writable: kg.Graph, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("date 2024-05-02 Olaf Scholz visited Warsaw on Thursday.")
    assert writable.shortest_path("place/bakhmut", "place/bakhmut") is not None  # the projection is built
    record = kg.Article(id="rec-1", text="Pedro Sanchez met Giorgia Meloni in Rome.", published="2024-05-03")
    report = writable.ingest(
        [folder, record, "Keir Starmer spoke in Leeds on Friday.", "missing.txt", str(tmp_path / "none"), "", 42],  # type: ignore[list-item]
        workers=1,
    )
    assert isinstance(report, kg.IngestReport)
    assert len(report.ingested) == 3
    assert "rec-1" in report.ingested
    assert [e.source for e in report.rejected] == ["missing.txt", str(tmp_path / "none"), "text #6", "input #7"]
    labels = {e.label for e in writable.entities(first=1000)}
    assert {"Olaf Scholz", "Giorgia Meloni", "Keir Starmer"} <= labels
    long_line = "Olaf Scholz said the talks in Berlin had gone well. " * 20  # no file name is that long
    assert len(writable.ingest([long_line], workers=1).ingested) == 1
    starmer = writable.shortest_path("person/keir-starmer", "person/keir-starmer")  # the projection followed
    assert starmer is not None
    assert starmer.length == 0
    again = writable.ingest(record, workers=1)
    assert again.unchanged == ("rec-1",)


def test_graph_ingest_summary_is_the_line_kg_ingest_prints(tmp_path: Path, settings: Settings) -> None:
    text = tmp_path / "one.txt"
    text.write_text("Angela Merkel met Emmanuel Macron in Paris on Monday.")
    cli = CliRunner().invoke(app, ["ingest", str(text), "--store", str(tmp_path / "cli"), "--workers", "1"])
    assert cli.exit_code == 0, cli.output
    with kg.Graph(tmp_path / "py", settings=settings) as g:
        line = g.ingest([str(text)], workers=1).describe(str(tmp_path / "py"))
    assert cli.stdout.strip() == line.replace(str(tmp_path / "py"), str(tmp_path / "cli"))


def test_graph_read_only_refuses_ingest_and_reads_beside_a_writer(writable: kg.Graph, settings: Settings) -> None:
    with kg.Graph(writable.settings.store, read_only=True, settings=settings) as reader:
        assert reader.stats() == writable.stats()  # the writer holds the store; the reader has its snapshot
        with pytest.raises(kg.KGError, match="read-only"):
            reader.ingest(["Olaf Scholz spoke in Berlin."])


def test_graph_closed_refuses_use(seed_store_dir: Path, settings: Settings) -> None:
    g = kg.Graph(seed_store_dir, read_only=True, settings=settings)
    assert "read-only" in repr(g)
    g.close()
    g.close()
    assert "closed" in repr(g)
    with pytest.raises(kg.KGError, match="closed"):
        g.entities()


def test_graph_missing_store_read_only_is_a_kg_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(kg.KGError, match="kg ingest"):
        kg.Graph(tmp_path / "nothing", read_only=True, settings=settings)


def test_graph_store_argument_beats_the_environment(tmp_path: Path, seed_store_dir: Path) -> None:
    settings = Settings.load(env={"KG_STORE": str(tmp_path / "elsewhere")})
    with kg.Graph(seed_store_dir, read_only=True, settings=settings) as g:
        assert g.settings.store == str(seed_store_dir)
        assert g.stats().articles == 1


@pytest.mark.slow
def test_graph_works_on_a_remote_sparql_store(sparql_endpoint: Endpoint) -> None:
    base = sparql_endpoint.prefix()
    mine = Settings.load(env={}, base_iri=base)
    with kg.Graph(sparql_endpoint.query, update_endpoint=sparql_endpoint.update, settings=mine) as g:
        try:
            report = g.ingest(["Angela Merkel met Emmanuel Macron in Paris on Monday."], workers=1)
            assert len(report.ingested) == 1
            assert [e.label for e in g.entities(search="merkel")] == ["Angela Merkel"]
            assert g.entity(base + "person/angela-merkel").key == "person/angela-merkel"
            assert g.sparql(f"ASK {{ GRAPH ?g {{ <{base}person/angela-merkel> ?p ?o }} }}") is True
            with pytest.raises(kg.KGError, match="read-only"):
                g.sparql("CLEAR ALL")
            answer = g.graphql('{ entities(search: "macron") { edges { node { label } } } }')
            assert answer["data"]["entities"]["edges"] == [{"node": {"label": "Emmanuel Macron"}}]
        finally:
            for graph in g.store.graphs():
                if graph.startswith(base):
                    g.store.delete_article(graph)
