from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pyoxigraph import RdfFormat, serialize
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.rdf import extraction_quads, iri_key, partial_date
from kg.records import (
    Article,
    Entity,
    EntityType,
    Event,
    Evidence,
    Extraction,
    Mention,
    Participant,
    Relation,
    Sentence,
)
from tests.support.terms import term_value

BASE = "https://example.org/id/"
WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def _extraction() -> Extraction:
    text = "Putin spoke. Russia shelled Bakhmut."
    article = Article(id="a1", text=text, published="2022-10-28", title="T")
    ev = Evidence(start=13, end=36, text=text[13:36], sentence_start=13, sentence_end=36)
    return Extraction(
        article=article,
        sentences=(Sentence(0, 12), Sentence(13, 36)),
        mentions=(
            Mention(0, 5, "Putin", "person/vladimir-putin", EntityType.PERSON, 0.9, 0, 12),
            Mention(13, 19, "Russia", "place/russia", EntityType.PLACE, 0.95, 13, 36),
        ),
        entities=(
            Entity("person/vladimir-putin", EntityType.PERSON, "Vladimir Putin", ("Putin",), 0.9),
            Entity(
                "place/russia",
                EntityType.PLACE,
                "Russia",
                (),
                0.95,
                ("https://sws.geonames.org/2017370/",),
                60.0,
                100.0,
            ),
        ),
        relations=(Relation("person/vladimir-putin", "leaderOf", "place/russia", 0.8, ev, role="President"),),
        events=(
            Event(
                key="event/a1-0",
                type="Attack",
                label="Russia shelled Bakhmut",
                evidence=ev,
                confidence=0.7,
                participants=(Participant("agent", "place/russia"),),
                start="2022-10",
            ),
        ),
        model="en_core_web_sm 3.8.0",
    )


EXPECTED = """
@prefix kg: <https://w3id.org/newskg/ontology#> .
@prefix evt: <https://w3id.org/newskg/event-type/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix a1: <https://example.org/id/article/a1/> .
@prefix id: <https://example.org/id/> .

<https://example.org/id/article/a1> a kg:Article ;
    nif:isString "Putin spoke. Russia shelled Bakhmut." ;
    kg:contentHash "HASH" ;
    dcterms:title "T" ;
    schema:datePublished "2022-10-28T00:00:00"^^xsd:dateTime ;
    prov:wasGeneratedBy a1:run .
a1:run a kg:ExtractionRun ; prov:wasAssociatedWith <https://example.org/id/agent/kg/VERSION> ;
    prov:endedAtTime "2024-01-02T03:04:05+00:00"^^xsd:dateTime ; kg:modelVersion "en_core_web_sm 3.8.0" .
<https://example.org/id/agent/kg/VERSION> a prov:SoftwareAgent ; rdfs:label "kg VERSION" .
<https://example.org/id/article/a1/sentence/0-12> a kg:Sentence ; nif:beginIndex 0 ; nif:endIndex 12 ;
    nif:anchorOf "Putin spoke." ; nif:referenceContext <https://example.org/id/article/a1> .
<https://example.org/id/article/a1/sentence/13-36> a kg:Sentence ; nif:beginIndex 13 ; nif:endIndex 36 ;
    nif:anchorOf "Russia shelled Bakhmut." ; nif:referenceContext <https://example.org/id/article/a1> .
id:person\\/vladimir-putin a kg:Person ; rdfs:label "Vladimir Putin" ; skos:altLabel "Putin" ;
    kg:confidence 0.900 ; kg:mentionedIn <https://example.org/id/article/a1> ; kg:leaderOf id:place\\/russia .
id:place\\/russia a kg:Place ; rdfs:label "Russia" ; kg:confidence 0.950 ;
    kg:mentionedIn <https://example.org/id/article/a1> ;
    skos:exactMatch <https://sws.geonames.org/2017370/> ; wgs84:lat 60.00000 ; wgs84:long 100.00000 .
<https://example.org/id/article/a1/mention/0-5> a kg:Mention ; nif:beginIndex 0 ; nif:endIndex 5 ; nif:anchorOf "Putin" ;
    nif:referenceContext <https://example.org/id/article/a1> ; kg:sentence <https://example.org/id/article/a1/sentence/0-12> ;
    kg:denotes id:person\\/vladimir-putin ; kg:confidence 0.900 .
<https://example.org/id/article/a1/mention/13-19> a kg:Mention ; nif:beginIndex 13 ; nif:endIndex 19 ; nif:anchorOf "Russia" ;
    nif:referenceContext <https://example.org/id/article/a1> ; kg:sentence <https://example.org/id/article/a1/sentence/13-36> ;
    kg:denotes id:place\\/russia ; kg:confidence 0.950 .
<https://example.org/id/article/a1/evidence/13-36> a kg:Evidence ; nif:beginIndex 13 ; nif:endIndex 36 ;
    nif:anchorOf "Russia shelled Bakhmut." ; nif:referenceContext <https://example.org/id/article/a1> ;
    kg:sentence <https://example.org/id/article/a1/sentence/13-36> .
<https://example.org/id/article/a1/statement/STMT> a kg:Statement ; rdf:subject id:person\\/vladimir-putin ;
    rdf:predicate kg:leaderOf ; rdf:object id:place\\/russia ; kg:confidence 0.800 ;
    kg:evidence <https://example.org/id/article/a1/evidence/13-36> ; kg:role "President" .
id:event\\/a1-0 a kg:Event ; kg:eventType evt:Attack ; rdfs:label "Russia shelled Bakhmut" ; kg:confidence 0.700 ;
    kg:modality "asserted" ; kg:mentionedIn <https://example.org/id/article/a1> ;
    kg:evidence <https://example.org/id/article/a1/evidence/13-36> ; kg:agent id:place\\/russia ;
    kg:start "2022-10-01T00:00:00"^^xsd:dateTime ; kg:startPrecision "month" .
"""


def test_extraction_quads_match_the_documented_mapping() -> None:
    from kg import __version__

    x = _extraction()
    quads = extraction_quads(x, BASE, when=WHEN)
    assert {term_value(q.graph_name) for q in quads} == {BASE + "article/a1"}
    got = Graph().parse(data=serialize([q.triple for q in quads], format=RdfFormat.N_TRIPLES), format="nt")
    stmt = next(str(s) for s in got.subjects() if "/statement/" in str(s)).rsplit("/", 1)[1]
    expected = EXPECTED.replace("HASH", x.article.digest).replace("VERSION", __version__).replace("STMT", stmt)
    want = Graph().parse(data=expected, format="turtle")
    assert isomorphic(got, want), sorted(set(got) ^ set(want))


def test_extraction_quads_are_deterministic_for_a_given_time() -> None:
    x = _extraction()
    assert extraction_quads(x, BASE, when=WHEN) == extraction_quads(x, BASE, when=WHEN)


def test_extraction_quads_parse_as_trig_with_one_graph_per_article() -> None:
    quads = extraction_quads(_extraction(), BASE, when=WHEN)
    ds = Dataset().parse(data=serialize(quads, format=RdfFormat.TRIG), format="trig")
    assert {str(g.identifier) for g in ds.graphs() if len(g)} == {BASE + "article/a1"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2022", ("2022-01-01", "year")), ("2022-07", ("2022-07-01", "month")), ("2022-10-26", ("2022-10-26", "day"))],
    ids=["year", "month", "day"],
)
def test_partial_date_keeps_precision(value: str, expected: tuple[str, str]) -> None:
    assert partial_date(value) == expected


def test_partial_date_rejects_other_shapes() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        partial_date("22-10")


def test_iri_key_inverts_entity_iri() -> None:
    assert iri_key(BASE, BASE + "place/bakhmut") == "place/bakhmut"
    assert iri_key(BASE, "https://elsewhere.org/x") == "https://elsewhere.org/x"


@pytest.mark.parametrize(
    ("derived_from", "expected"),
    [("https://sws.geonames.org/2017370/", ["https://sws.geonames.org/2017370/"]), (None, [])],
    ids=["gazetteer-fact", "text-fact"],
)
def test_extraction_quads_statement_says_where_a_gazetteer_fact_comes_from(
    derived_from: str | None, expected: list[str]
) -> None:
    x = _extraction()
    ev = Evidence(13, 19, "Russia", 13, 36)
    rel = Relation("place/russia", "locatedIn", "place/asia", 0.9, ev, derived_from=derived_from)
    quads = extraction_quads(Extraction(x.article, x.sentences, x.mentions, x.entities, (rel,)), BASE, when=WHEN)
    derived = [term_value(q.object) for q in quads if q.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"]
    assert derived == expected
    anchors = [
        term_value(q.object)
        for q in quads
        if q.predicate.value.endswith("#anchorOf") and "/evidence/" in term_value(q.subject)
    ]
    assert anchors == ["Russia"]
