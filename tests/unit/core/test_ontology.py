"""ontology/kg.ttl describes exactly the data kg.rdf writes, and loads as clean OWL."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from kg.errors import OntologyError
from kg.namespace import FOAF, GN, KG, KG_NS, NIF, ORG, PROV, SCHEMA, SEM, WGS84
from kg.ontology import ONTOLOGY_IRI, load_graph, ontology_graph, ontology_path, shapes_graph
from kg.rdf import extraction_quads
from tests.support.ontology_sample import WHEN, seed_extraction
from tests.support.terms import term_value

_DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# OWL 2 reserves these; the reification data uses them, but they cannot be declared
_RESERVED = {str(RDF.type), str(RDF.subject), str(RDF.predicate), str(RDF.object), str(RDFS.label)}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_graph(ontology_path("kg.ttl"))


@pytest.fixture(scope="module")
def quads() -> list[pyoxigraph.Quad]:
    return extraction_quads(seed_extraction(), when=WHEN)


def _declared(g: Graph, kind: URIRef | None = None) -> set[str]:
    kinds = (kind,) if kind is not None else _DECLARATIONS
    return {str(s) for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)}


def test_ontology_header_has_version_title_description_licence_creator(onto: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in onto
    dcterms = [URIRef(f"http://purl.org/dc/terms/{p}") for p in ("title", "description", "license", "creator")]
    for prop in (OWL.versionIRI, OWL.versionInfo, *dcterms):
        assert onto.value(header, prop) is not None, f"ontology header lacks {prop}"


def test_ontology_every_predicate_and_class_the_data_uses_is_declared(
    onto: Graph, quads: list[pyoxigraph.Quad]
) -> None:
    used = {q.predicate.value for q in quads}
    used |= {term_value(q.object) for q in quads if q.predicate.value == str(RDF.type)}
    undeclared = used - _declared(onto) - _RESERVED
    assert not undeclared, f"used by kg.rdf but not declared in kg.ttl: {sorted(undeclared)}"


def test_ontology_datatype_and_object_properties_match_the_data(onto: Graph, quads: list[pyoxigraph.Quad]) -> None:
    literal_props = {q.predicate.value for q in quads if isinstance(q.object, pyoxigraph.Literal)}
    iri_props = {q.predicate.value for q in quads if isinstance(q.object, pyoxigraph.NamedNode)}
    datatype = _declared(onto, OWL.DatatypeProperty) | _declared(onto, OWL.AnnotationProperty)
    objects = _declared(onto, OWL.ObjectProperty)
    assert literal_props - datatype - _RESERVED == set()
    assert iri_props - objects - _RESERVED == set()


@pytest.mark.parametrize(
    ("prop", "datatype"),
    [
        (KG.confidence, XSD.decimal),
        (KG.start, XSD.dateTime),
        (KG.end, XSD.dateTime),
        (KG.casualties, XSD.nonNegativeInteger),
        (KG.startPrecision, XSD.string),
        (KG.contentHash, XSD.string),
    ],
    ids=["confidence", "start", "end", "casualties", "precision", "hash"],
)
def test_ontology_datatype_property_has_its_range(onto: Graph, prop: URIRef, datatype: URIRef) -> None:
    assert onto.value(prop, RDFS.range) == datatype


def test_ontology_every_term_has_english_label_comment_and_defined_by(onto: Graph) -> None:
    missing = []
    for term in _declared(onto):
        node = URIRef(term)
        labels = [o for o in onto.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        comments = [o for o in onto.objects(node, RDFS.comment) if isinstance(o, Literal) and o.language == "en"]
        if not labels or not comments or onto.value(node, RDFS.isDefinedBy) is None:
            missing.append(term)
    assert not missing, f"terms without rdfs:label@en, rdfs:comment@en or rdfs:isDefinedBy: {sorted(missing)}"


def test_ontology_kg_terms_are_defined_by_the_ontology(onto: Graph) -> None:
    for term in dir(KG):
        assert onto.value(URIRef(term), RDFS.isDefinedBy) == URIRef(ONTOLOGY_IRI), term


def test_ontology_every_referenced_external_term_is_declared(onto: Graph) -> None:
    referenced = {
        str(o)
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
        for o in onto.objects(None, p)
        if isinstance(o, URIRef) and not str(o).startswith(str(XSD))
    }
    assert referenced - _declared(onto) == set()


def test_ontology_aligns_by_subclass_never_by_equivalence(onto: Graph) -> None:
    assert not list(onto.triples((None, OWL.equivalentClass, None)))
    assert not list(onto.triples((None, OWL.equivalentProperty, None)))


@pytest.mark.parametrize(
    "vocabulary",
    [SCHEMA, SEM, PROV, ORG, FOAF, NIF, GN, WGS84],
    ids=["schema.org", "SEM", "PROV-O", "ORG", "FOAF", "NIF", "GeoNames", "WGS84"],
)
def test_ontology_aligns_to_vocabulary(onto: Graph, vocabulary: object) -> None:
    supers = {
        str(o)
        for p in (RDFS.subClassOf, RDFS.subPropertyOf)
        for s, o in onto.subject_objects(p)
        if str(s).startswith(KG_NS)
    }
    assert any(iri.startswith(str(vocabulary)) for iri in supers)


def test_ontology_uses_the_w3c_wgs84_namespace_not_rdflibs(onto: Graph) -> None:
    iris = {str(n) for triple in onto for n in triple if isinstance(n, URIRef)}
    assert "http://www.w3.org/2003/01/geo/wgs84_pos#lat" in iris
    assert not [i for i in iris if "wgs84_pos" in i and not i.startswith("http://www.w3.org/2003/01/geo/wgs84_pos#")]


@pytest.mark.parametrize(
    ("one", "other"),
    [(KG.Person, KG.Organisation), (KG.Person, KG.Place), (KG.Organisation, KG.Place)],
    ids=["person-organisation", "person-place", "organisation-place"],
)
def test_ontology_entity_classes_are_disjoint(onto: Graph, one: URIRef, other: URIRef) -> None:
    assert (one, OWL.disjointWith, other) in onto or (other, OWL.disjointWith, one) in onto


def test_ontology_statement_shape_allows_exactly_the_relation_properties(onto: Graph) -> None:
    shapes = shapes_graph()
    shape = next(shapes.subjects(SH.path, RDF.predicate))
    members = shapes.value(shape, SH["in"])
    assert members is not None, shape
    allowed = set(shapes.items(members))
    relations = set(onto.subjects(RDFS.subPropertyOf, KG.relatedTo)) | {KG.relatedTo}
    assert allowed == relations


def test_ontology_shapes_target_every_class_the_data_uses(quads: list[pyoxigraph.Quad]) -> None:
    shapes = shapes_graph()
    targeted = {str(o) for o in shapes.objects(None, SH.targetClass)}
    written = {term_value(q.object) for q in quads if q.predicate.value == str(RDF.type)}
    assert written - targeted == set()


def test_ontology_graph_includes_the_event_taxonomy_when_asked() -> None:
    with_types = ontology_graph()
    without = ontology_graph(with_event_types=False)
    assert len(with_types) > len(without)
    assert (URIRef("https://w3id.org/newskg/event-type/Attack"), None, None) in with_types


def test_ontology_path_rejects_an_unknown_file() -> None:
    with pytest.raises(OntologyError, match=r"unknown ontology file 'kg.owl'; expected one of kg.ttl"):
        ontology_path("kg.owl")


def test_ontology_load_graph_names_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <x#> .\nkg:a kg:b", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"bad\.ttl is not valid Turtle"):
        load_graph(bad)
    with pytest.raises(OntologyError, match="not found"):
        load_graph(tmp_path / "missing.ttl")


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"], ids=["ontology", "shapes"])
def test_ontology_file_is_read_by_rapper(name: str) -> None:
    rapper = shutil.which("rapper")
    assert rapper, "rapper not found: install Debian's raptor2-utils (apt-get install raptor2-utils)"
    path = ontology_path(name)
    done = subprocess.run([rapper, "-c", "-i", "turtle", str(path)], capture_output=True, text=True, timeout=60,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"returned {len(load_graph(path))} triples" in done.stderr


def test_ontology_every_declared_term_has_exactly_one_owl_type(onto: Graph) -> None:
    kinds: dict[str, list[str]] = {}
    for kind in _DECLARATIONS:
        for term in _declared(onto, kind):
            kinds.setdefault(term, []).append(str(kind))
    punned = {term: k for term, k in kinds.items() if len(k) > 1}
    assert not punned, f"declared with more than one OWL type (Protégé reports these): {punned}"


def test_ontology_property_ranges_are_of_the_right_kind(onto: Graph) -> None:
    for prop in _declared(onto, OWL.DatatypeProperty):
        rng = onto.value(URIRef(prop), RDFS.range)
        assert rng is None or str(rng).startswith(str(XSD)), f"{prop} range {rng} is not a datatype"
    for prop in _declared(onto, OWL.ObjectProperty):
        rng = onto.value(URIRef(prop), RDFS.range)
        assert rng is None or not str(rng).startswith(str(XSD)), f"{prop} range {rng} is a datatype"


# Oxigraph stores integer-derived datatypes as xsd:integer; the range holds by value
_COMPATIBLE = {str(XSD.nonNegativeInteger): {str(XSD.integer), str(XSD.nonNegativeInteger)}}


def test_ontology_literals_in_the_data_match_their_property_range(onto: Graph, quads: list[pyoxigraph.Quad]) -> None:
    wrong = set()
    for q in quads:
        if not isinstance(q.object, pyoxigraph.Literal):
            continue
        rng = onto.value(URIRef(q.predicate.value), RDFS.range)
        if rng is None:
            continue
        if q.object.datatype.value not in _COMPATIBLE.get(str(rng), {str(rng)}):
            wrong.add((q.predicate.value, q.object.datatype.value, str(rng)))
    assert not wrong, f"(property, datatype written, range declared): {sorted(wrong)}"


def test_ontology_loads_as_owl2_with_every_triple_mapped_to_an_axiom(onto: Graph, tmp_path: Path) -> None:
    # Horned-OWL (Rust) applies the OWL 2 RDF mapping strictly: a triple it cannot map
    # is dropped, so comparing counts shows whether an OWL tool sees the whole file.
    import pyhornedowl

    path = tmp_path / "kg.owl"
    path.write_text(onto.serialize(format="xml"), encoding="utf-8")
    owl = pyhornedowl.open_ontology_from_file(str(path), "rdf")
    axioms: dict[str, int] = {}
    for axiom in owl.get_axioms():
        kind = str(axiom).split("(", 1)[0]
        kind = re.sub(r"(Object|Data)(?=Property)", "", kind)
        axioms[kind] = axioms.get(kind, 0) + 1

    def count(p: URIRef) -> int:
        return len(list(onto.triples((None, p, None))))

    header = URIRef(ONTOLOGY_IRI)
    # the header's triples but rdf:type and owl:versionIRI (both part of the ontology's id)
    assert axioms.pop("Annotation") == len(list(onto.predicate_objects(header))) - 2
    assert axioms == {
        "Declaration": len(_declared(onto)),
        "AnnotationAssertion": sum(
            1 for p in (RDFS.label, RDFS.comment, RDFS.isDefinedBy) for s in onto.subjects(p) if s != header
        ),
        "SubClassOf": count(RDFS.subClassOf),
        "SubPropertyOf": count(RDFS.subPropertyOf),
        "PropertyDomain": count(RDFS.domain),
        "PropertyRange": count(RDFS.range),
        "DisjointClasses": count(OWL.disjointWith),
    }


def test_ontology_shapes_are_valid_shacl() -> None:
    # meta_shacl validates shapes.ttl against the SHACL-for-SHACL shapes first and
    # raises when the shapes graph is malformed
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes_graph(), meta_shacl=True)
    assert conforms, text


def test_ontology_declares_every_term_the_event_taxonomy_uses(onto: Graph) -> None:
    taxonomy = load_graph(ontology_path("event-types.ttl"))
    used = {str(p) for p in taxonomy.predicates()} | {str(o) for o in taxonomy.objects(None, RDF.type)}
    builtin = {str(RDF.type), str(RDFS.label), str(RDFS.comment)}
    assert used - builtin - _declared(onto) == set()
