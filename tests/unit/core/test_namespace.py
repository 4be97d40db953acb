"""The closed ``KG`` namespace and ``ontology/kg.ttl`` agree, both ways."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.namespace import KG, KG_NS
from kg.ontology import ONTOLOGY_FILE, load_graph, ontology_path

_OWL_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_graph(ontology_path(ONTOLOGY_FILE))


def _declared_kg_terms(graph: Graph) -> set[str]:
    return {
        str(s)[len(KG_NS) :]
        for t in _OWL_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(KG_NS)
    }


def _python_kg_terms() -> set[str]:
    return {str(term)[len(KG_NS) :] for term in dir(KG)}


def test_namespace_every_python_term_is_declared_in_the_ontology(ontology: Graph) -> None:
    missing = _python_kg_terms() - _declared_kg_terms(ontology)
    assert not missing, f"in kg.namespace.KG but not declared in kg.ttl: {sorted(missing)}"


def test_namespace_every_declared_term_is_in_python(ontology: Graph) -> None:
    extra = _declared_kg_terms(ontology) - _python_kg_terms()
    assert not extra, f"declared in kg.ttl but missing from kg.namespace.KG: {sorted(extra)}"


def test_namespace_no_term_in_the_kg_namespace_is_left_undeclared(ontology: Graph) -> None:
    used = {
        str(node) for triple in ontology for node in triple if isinstance(node, URIRef) and str(node).startswith(KG_NS)
    }
    undeclared = {iri[len(KG_NS) :] for iri in used} - _declared_kg_terms(ontology)
    assert not undeclared, f"kg terms used in kg.ttl without a declaration: {sorted(undeclared)}"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Person", OWL.Class),
        ("Statement", OWL.Class),
        ("leaderOf", OWL.ObjectProperty),
        ("evidence", OWL.ObjectProperty),
        ("confidence", OWL.DatatypeProperty),
        ("startPrecision", OWL.DatatypeProperty),
    ],
    ids=["class", "reified-class", "relation", "provenance-link", "decimal", "precision"],
)
def test_namespace_term_has_its_owl_type(ontology: Graph, name: str, kind: URIRef) -> None:
    assert (KG[name], RDF.type, kind) in ontology


@pytest.mark.parametrize("name", ["Persn", "leader_of", "Confidence", "organization"], ids=str)
def test_namespace_misspelt_term_raises_at_attribute_access(name: str) -> None:
    with pytest.raises(AttributeError, match=name):
        getattr(KG, name)


def test_namespace_known_term_is_the_ontology_iri() -> None:
    assert str(KG.Organisation) == "https://w3id.org/newskg/ontology#Organisation"
