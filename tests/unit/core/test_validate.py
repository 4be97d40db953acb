"""SHACL validation: realistic data conforms, each kind of broken data is reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg.errors import OntologyError, ValidationError
from kg.namespace import DCTERMS, KG, NIF, PROV, RDF, RDFS, SCHEMA, SKOS, WGS84, XSD
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Extraction
from kg.store import EmbeddedStore
from kg.validate import ValidationReport, Violation, render, to_graph, validate, validate_snapshot, validate_store
from tests.support.api_sample import extraction_a, extraction_b
from tests.support.ontology_sample import WHEN, seed_extraction

X = seed_extraction()
ART = URIRef(article_iri(DEFAULT_BASE, X.article.id))
PUTIN = URIRef(DEFAULT_BASE + "person/vladimir-putin")
BAKHMUT = URIRef(DEFAULT_BASE + "place/bakhmut")
ATTACK = URIRef(f"{DEFAULT_BASE}event/{X.article.id}/0")
KILLING = URIRef(f"{DEFAULT_BASE}event/{X.article.id}/1")
M0 = X.mentions[0]
MENTION = URIRef(f"{ART}/mention/{M0.start}-{M0.end}")
DEC = XSD.decimal


@pytest.fixture(scope="module")
def quads() -> list[pyoxigraph.Quad]:
    return extraction_quads(X, when=WHEN)


@pytest.fixture
def graph(quads: list[pyoxigraph.Quad]) -> Graph:
    return to_graph(quads)


def _statement(g: Graph) -> URIRef:
    node = next(s for s in g.subjects(RDF.type, KG.Statement))
    assert isinstance(node, URIRef)
    return node


def _set(node: URIRef | Callable[[Graph], URIRef], prop: URIRef, value: Literal | URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        s = node(g) if callable(node) else node
        g.set((s, prop, value))

    return change


def _drop(node: URIRef, prop: URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.remove((node, prop, None))

    return change


def _add(node: URIRef, prop: URIRef, value: Literal | URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.add((node, prop, value))

    return change


def _unassert_statement(g: Graph) -> None:
    st = _statement(g)
    g.remove((g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)))


def _span_outside_sentence(g: Graph) -> None:
    g.set((MENTION, KG.sentence, URIRef(f"{ART}/sentence/{X.sentences[-1].start}-{X.sentences[-1].end}")))


BROKEN: list[tuple[str, Callable[[Graph], None], str, str | None, str]] = [
    # id, change, focus node (substring), path, message (substring)
    ("confidence-1.7", _set(_statement, KG.confidence, Literal("1.7", datatype=DEC)), "/statement/",
     "kg:confidence", "in [0, 1]"),
    ("confidence-negative", _set(PUTIN, KG.confidence, Literal("-0.1", datatype=DEC)), "vladimir-putin",
     "kg:confidence", "in [0, 1]"),
    ("confidence-string", _set(MENTION, KG.confidence, Literal("high")), "/mention/",
     "kg:confidence", "xsd:decimal"),
    ("confidence-double", _set(ATTACK, KG.confidence, Literal(0.5, datatype=XSD.double)), "event/",
     "kg:confidence", "xsd:decimal"),
    ("end-before-begin", _set(MENTION, NIF.endIndex, Literal(M0.start - 1)), "/mention/",
     "nif:beginIndex", "not past nif:endIndex"),
    ("negative-offset", _set(MENTION, NIF.beginIndex, Literal(-3)), "/mention/",
     "nif:beginIndex", "non-negative integer"),
    ("offset-as-string", _set(MENTION, NIF.endIndex, Literal(str(M0.end))), "/mention/",
     "nif:endIndex", "non-negative integer"),
    ("anchor-not-the-text", _set(MENTION, NIF.anchorOf, Literal("Kyiv")), "/mention/",
     None, "is not the article text"),
    ("offset-past-the-text", _set(MENTION, NIF.endIndex, Literal(10**6)), "/mention/",
     None, "is not the article text"),
    ("span-outside-sentence", _span_outside_sentence, "/mention/", None, "lies outside its sentence"),
    ("missing-entity-label", _drop(PUTIN, RDFS.label), "vladimir-putin", "rdfs:label", "required"),
    ("empty-alias", _add(PUTIN, SKOS.altLabel, Literal("")), "vladimir-putin", "skos:altLabel", "non-empty"),
    ("entity-two-classes", _add(PUTIN, RDF.type, KG.Place), "vladimir-putin", None, "exactly one of the classes"),
    ("missing-event-label", _drop(ATTACK, RDFS.label), "event/", "rdfs:label", "required"),
    ("event-type-outside-taxonomy", _set(ATTACK, KG.eventType, URIRef("http://example.org/Attack")), "event/",
     "kg:eventType", "event-type taxonomy"),
    ("unknown-modality", _set(ATTACK, KG.modality, Literal("maybe")), "event/", "kg:modality", "asserted"),
    ("start-after-end", _set(KILLING, KG.start, Literal("2022-11-01T00:00:00", datatype=XSD.dateTime)), "event/",
     "kg:start", "not after kg:end"),
    ("start-not-a-date", _set(ATTACK, KG.start, Literal("May 2022")), "event/", "kg:start", "xsd:dateTime"),
    ("start-an-old-xsd-date", _set(ATTACK, KG.start, Literal("2022-05-01", datatype=XSD.date)), "event/", "kg:start",
     "xsd:dateTime"),
    ("unknown-precision", _set(ATTACK, KG.startPrecision, Literal("week")), "event/",
     "kg:startPrecision", "\"year\""),
    ("precision-without-date", _drop(ATTACK, KG.start), "event/", None, "kg:start needs kg:startPrecision"),
    ("precision-mismatch", _set(ATTACK, KG.start, Literal("2022-05-15T00:00:00", datatype=XSD.dateTime)), "event/",
     None, "does not match its precision"),
    ("date-with-a-time", _set(ATTACK, KG.start, Literal("2022-05-01T09:30:00", datatype=XSD.dateTime)), "event/",
     None, "midnight"),
    ("negative-casualties", _set(KILLING, KG.casualties, Literal(-2)), "event/", "kg:casualties",
     "non-negative integer"),
    ("participant-not-an-entity", _add(ATTACK, KG.agent, URIRef("http://example.org/nobody")), "event/",
     "kg:participant", "kg:Person, kg:Organisation or kg:Place"),
    ("relation-predicate-not-a-relation", _set(_statement, RDF.predicate, KG.denotes), "/statement/",
     "rdf:predicate", "kg relation"),
    ("relation-not-asserted", _unassert_statement, "/statement/", None, "is not asserted"),
    ("statement-without-evidence", _set(_statement, KG.evidence, Literal("a sentence")), "/statement/",
     "kg:evidence", "kg:Evidence"),
    ("mention-denotes-nothing", _set(MENTION, KG.denotes, URIRef("http://example.org/nobody")), "/mention/",
     "kg:denotes", "kg:Person, kg:Organisation or kg:Place"),
    ("latitude-out-of-range", _set(BAKHMUT, WGS84.lat, Literal("123.0", datatype=DEC)), "place/bakhmut",
     "wgs84:lat", "[-90, 90]"),
    ("latitude-without-longitude", _drop(BAKHMUT, WGS84.long), "place/bakhmut", None, "needs wgs84:long"),
    ("missing-provenance", _drop(ART, PROV.wasGeneratedBy), "/article/", "prov:wasGeneratedBy",
     "kg:ExtractionRun"),
    ("run-time-not-datetime", _set(URIRef(f"{ART}/run"), PROV.endedAtTime, Literal("yesterday")), "/run",
     "prov:endedAtTime", "xsd:dateTime"),
    ("bad-content-hash", _set(ART, KG.contentHash, Literal("abc")), "/article/", "kg:contentHash", "SHA-256"),
    ("published-not-a-date", _set(ART, SCHEMA.datePublished, Literal("28 Oct 2022")), "/article/",
     "schema:datePublished", "xsd:dateTime at midnight"),
    ("published-an-old-xsd-date", _set(ART, SCHEMA.datePublished, Literal("2022-10-28", datatype=XSD.date)),
     "/article/", "schema:datePublished", "xsd:dateTime at midnight"),
    ("published-with-a-time", _set(ART, SCHEMA.datePublished, Literal("2022-10-28T10:00:00", datatype=XSD.dateTime)),
     "/article/", "schema:datePublished", "midnight"),
    ("two-titles", _add(ART, DCTERMS.title, Literal("Another headline")), "/article/", "dcterms:title",
     "at most one"),
]  # fmt: skip


def test_validate_realistic_extraction_conforms(quads: list[pyoxigraph.Quad]) -> None:
    report = validate(quads)
    assert report.conforms, report.text
    assert report.violations == ()
    assert report.triples == len(quads)


def test_validate_extraction_conforms_after_a_round_trip_through_oxigraph(quads: list[pyoxigraph.Quad]) -> None:
    store = pyoxigraph.Store()
    store.extend(quads)
    report = validate(store)
    assert report.conforms, report.text


def test_validate_dataset_validates_the_union_of_named_graphs(quads: list[pyoxigraph.Quad]) -> None:
    ds = Dataset()
    for q in to_graph(quads):
        ds.graph(ART).add(q)
    ds.graph(URIRef("urn:other")).add((PUTIN, KG.confidence, Literal("2", datatype=DEC)))
    report = validate(ds)
    assert not report.conforms
    assert [(v.focus, v.path) for v in report.violations] == [(f"<{PUTIN}>", "kg:confidence")]


@pytest.mark.parametrize(("change", "focus", "path", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_validate_broken_data_is_reported_naming_node_and_path(
    graph: Graph, change: Callable[[Graph], None], focus: str, path: str | None, message: str
) -> None:
    change(graph)
    report = validate(graph)
    assert not report.conforms
    hits = [v for v in report.violations if focus in v.focus and v.path == path and message in v.message]
    assert hits, report.text
    assert all(v.severity == "Violation" for v in hits)


def test_validate_event_type_must_be_in_the_taxonomy_when_it_is_loaded(graph: Graph) -> None:
    scheme = URIRef("https://w3id.org/newskg/event-type/")
    for name in ("Attack", "Killing", "Statement"):
        graph.add((URIRef(f"https://w3id.org/newskg/event-type/{name}"), SKOS.inScheme, scheme))
    assert validate(graph).conforms
    graph.set((ATTACK, KG.eventType, URIRef("https://w3id.org/newskg/event-type/Picnic")))
    report = validate(graph)
    assert [v.message for v in report.violations] == [
        "event type <https://w3id.org/newskg/event-type/Picnic> is not a concept of the loaded event-type taxonomy"
    ]


def test_validate_enforce_raises_with_the_rendered_report(graph: Graph) -> None:
    graph.set((PUTIN, KG.confidence, Literal("1.7", datatype=DEC)))
    with pytest.raises(ValidationError, match=r"1 SHACL violation in \d+ triples") as info:
        validate(graph, enforce=True)
    assert "vladimir-putin" in info.value.report
    assert "kg:confidence" in info.value.report


def test_validate_enforce_returns_the_report_when_data_conforms(graph: Graph) -> None:
    assert validate(graph, enforce=True).conforms


def test_render_groups_results_by_focus_node() -> None:
    report = ValidationReport(
        conforms=False,
        violations=(
            Violation("<urn:a>", "kg:confidence", "out of range", "Violation", '"1.7"^^xsd:decimal'),
            Violation("<urn:a>", None, "not asserted", "Violation"),
            Violation("<urn:b>", "rdfs:label", "required", "Warning"),
        ),
        triples=9,
    )
    assert render(report).splitlines() == [
        "Does not conform: 2 violations, 1 warning in 9 triples.",
        "",
        "<urn:a>",
        '  Violation: kg:confidence: out of range (value "1.7"^^xsd:decimal)',
        "  Violation: not asserted",
        "",
        "<urn:b>",
        "  Warning: rdfs:label: required",
    ]


def test_validate_ingested_seed_graph_conforms(seed_store_dir: Path) -> None:
    store = EmbeddedStore(seed_store_dir, read_only=True)
    report = validate(store.quads())
    assert report.conforms, report.text
    assert report.triples > 500


def _in_graph(quads: list[pyoxigraph.Quad], graph: str) -> list[pyoxigraph.Quad]:
    return [pyoxigraph.Quad(q.subject, q.predicate, q.object, pyoxigraph.NamedNode(graph)) for q in quads]


def test_validate_store_checks_each_graph_on_its_own(quads: list[pyoxigraph.Quad]) -> None:
    # Two articles may give the same event different confidences: each graph has one.
    other = [
        pyoxigraph.Quad(q.subject, q.predicate, pyoxigraph.Literal("0.25", datatype=pyoxigraph.NamedNode(str(DEC))))
        if q.subject == pyoxigraph.NamedNode(str(ATTACK)) and q.predicate.value == str(KG.confidence)
        else q
        for q in quads
    ]
    both = quads + _in_graph(other, "urn:article:b")
    assert not validate(both).conforms  # as one graph: two confidences for one event
    report = validate_store(sorted(both, key=lambda q: str(q.graph_name)))
    assert report.conforms, report.text
    assert report.triples == 2 * len(quads)


def test_validate_store_reports_each_graphs_violations(quads: list[pyoxigraph.Quad]) -> None:
    bad = pyoxigraph.Quad(
        pyoxigraph.NamedNode(str(PUTIN)),
        pyoxigraph.NamedNode(str(KG.confidence)),
        pyoxigraph.Literal("1.7", datatype=pyoxigraph.NamedNode(str(DEC))),
        pyoxigraph.NamedNode("urn:article:b"),
    )
    report = validate_store([*quads, *_in_graph(quads, "urn:article:b"), bad])
    assert [(v.focus, v.path, v.value) for v in report.violations] == [
        (f"<{PUTIN}>", "kg:confidence", '"1.7"^^xsd:decimal')
    ]


def test_validate_store_reports_an_entity_with_two_classes_across_articles(quads: list[pyoxigraph.Quad]) -> None:
    person, place = pyoxigraph.NamedNode(str(KG.Person)), pyoxigraph.NamedNode(str(KG.Place))
    as_place = [  # another article describes only him, as a place
        pyoxigraph.Quad(q.subject, q.predicate, place if q.object == person else q.object, q.graph_name)
        for q in _in_graph(quads, "urn:article:b")
        if q.subject == pyoxigraph.NamedNode(str(PUTIN))
        and q.predicate.value in {str(RDF.type), str(RDFS.label), str(KG.confidence), str(KG.mentionedIn)}
    ]
    report = validate_store([*quads, *as_place])
    assert not report.conforms
    (hit,) = [v for v in report.violations if "exactly one of the classes" in v.message]
    assert hit.focus == f"<{PUTIN}>"
    assert f"kg:Person in <{ART}>" in hit.message
    assert "kg:Place in <urn:article:b>" in hit.message


def test_validate_store_refuses_a_graph_given_in_pieces(quads: list[pyoxigraph.Quad]) -> None:
    other = _in_graph(quads[:5], "urn:article:b")
    with pytest.raises(OntologyError, match="in pieces"):
        validate_store([*quads[:10], *other, *quads[10:]])


def test_validate_store_of_the_ingested_seed_conforms(seed_store_dir: Path) -> None:
    store = EmbeddedStore(seed_store_dir, read_only=True)
    report = validate_store(store.quads())
    store.close()
    assert report.conforms, report.text
    assert report.triples > 500


def test_validate_two_classes_message_names_both_classes_found(graph: Graph) -> None:
    graph.add((PUTIN, RDF.type, KG.Organisation))
    (hit,) = [v for v in validate(graph).violations if "exactly one of the classes" in v.message]
    assert f"<{KG.Person}>" in hit.message
    assert f"<{KG.Organisation}>" in hit.message


def test_validate_snapshot_in_processes_gives_the_same_report(quads: list[pyoxigraph.Quad], tmp_path: Path) -> None:
    person, place = pyoxigraph.NamedNode(str(KG.Person)), pyoxigraph.NamedNode(str(KG.Place))
    copies = [_in_graph(quads, f"{ART}-copy{i}") for i in range(3)]
    copies[2] = [  # the last copy types him as a place: a conflict across articles
        pyoxigraph.Quad(q.subject, q.predicate, place if q.object == person else q.object, q.graph_name)
        for q in copies[2]
        if q.subject == pyoxigraph.NamedNode(str(PUTIN))
        and q.predicate.value in {str(RDF.type), str(RDFS.label), str(KG.confidence), str(KG.mentionedIn)}
    ]
    writer = EmbeddedStore(tmp_path / "db")
    writer._store.extend([q for copy in copies for q in copy])
    writer.publish()
    writer.close()
    store = EmbeddedStore(tmp_path / "db", read_only=True)
    assert store.snapshot_path is not None
    one = validate_store(store.quads())
    two = validate_snapshot(store.snapshot_path, store.graphs(), workers=2)
    store.close()
    assert not one.conforms
    assert two == one


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            _add(PUTIN, RDF.type, KG.Place),
            ("kg#Person", "kg#Place> (from <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>)"),
        ),
        (_add(PUTIN, KG.founderOf, BAKHMUT), ("kg#Organisation> (from <kg#founderOf>)", "kg#Place")),
    ],
    ids=["type-triple", "range-of-a-relation"],
)
def test_validate_two_classes_message_names_the_classes_found_and_why(
    graph: Graph, change: Callable[[Graph], None], named: tuple[str, ...]
) -> None:
    change(graph)
    report = validate(graph)
    messages = [v.message for v in report.violations if "exactly one of the classes" in v.message]
    assert messages
    text = " ".join(messages).replace("https://w3id.org/newskg/ontology#", "kg#")
    for name in named:
        assert name in text


@pytest.mark.parametrize("make", [extraction_a, extraction_b], ids=["article-a", "article-b"])
def test_validate_api_sample_extraction_conforms(make: Callable[[], Extraction]) -> None:
    """The API tests' hand-made articles are data kg could write: they conform to the shapes."""
    report = validate(extraction_quads(make()))
    assert report.violations == ()
    assert report.conforms
