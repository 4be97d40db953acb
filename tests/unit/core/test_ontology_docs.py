"""docs/ONTOLOGY.md: generated parts up to date, example queries answer on the seed graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.errors import OntologyError
from kg.namespace import KG, KG_NS
from kg.ontology import load_graph, ontology_path
from kg.ontology_docs import DOC, alignment_diagram, class_diagram, regenerate, term_table
from kg.store import EmbeddedStore

TEXT = DOC.read_text(encoding="utf-8")
QUERIES = re.findall(r"^### (.+?)\n\n```sparql\n(.*?)```", TEXT, flags=re.DOTALL | re.MULTILINE)


def test_ontology_docs_generated_parts_are_up_to_date() -> None:
    assert regenerate(TEXT) == TEXT, "run: .venv/bin/python -m kg.ontology_docs"


def test_ontology_docs_diagrams_show_every_class_and_alignment() -> None:
    g = load_graph(ontology_path("kg.ttl"))
    classes = class_diagram(g)
    for name in ("Article", "Person", "Organisation", "Place", "Event", "Mention", "Statement", "Evidence"):
        assert f'class kg_{name}["kg:{name}"]' in classes
    assert "kg_Mention --> kg_Entity : denotes" in classes
    assert "kg_Person --> kg_Place : leaderOf" in classes
    assert "kg_Person -->|subClassOf| schema_Person" in alignment_diagram(g)


def test_ontology_docs_term_table_lists_every_kg_term() -> None:
    table = term_table(load_graph(ontology_path("kg.ttl")))
    for term in dir(KG):
        assert f"| `kg:{str(term)[len(KG_NS) :]}` |" in table


def test_ontology_docs_regenerate_needs_the_markers() -> None:
    with pytest.raises(OntologyError, match="generated block 'classes'"):
        regenerate("# no markers here\n")


def test_ontology_docs_has_example_queries() -> None:
    assert len(QUERIES) >= 5


@pytest.fixture(scope="module")
def seed_graph(seed_store_dir: Path) -> EmbeddedStore:
    return EmbeddedStore(seed_store_dir, read_only=True)


@pytest.mark.parametrize(("title", "query"), QUERIES, ids=[t for t, _ in QUERIES])
def test_ontology_docs_example_query_answers_on_the_seed_graph(
    seed_graph: EmbeddedStore, title: str, query: str
) -> None:
    rows = seed_graph.query(query)
    assert rows, f"the example {title!r} returned nothing on the seed graph"


def test_ontology_docs_mention_offsets_point_at_the_text(seed_graph: EmbeddedStore) -> None:
    (query,) = [q for t, q in QUERIES if t.startswith("Every mention")]
    text = seed_graph.query(
        "SELECT ?text WHERE { GRAPH ?g { ?a a <https://w3id.org/newskg/ontology#Article> ;"
        " <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString> ?text } }"
    )[0]["text"]
    for row in seed_graph.query(query):
        assert text[int(row["begin"]) : int(row["end"])] == row["text"] == "Bakhmut"
