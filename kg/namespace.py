"""Ontology terms in closed namespaces, so a misspelt term fails at import.

``KG`` mirrors ``ontology/kg.ttl`` (a test checks the two agree), ``EVT`` the event
type taxonomy in ``ontology/event-types.ttl``. External vocabularies the ontology
aligns to are plain :class:`rdflib.Namespace` objects.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = [
    "DCTERMS",
    "EVT",
    "FOAF",
    "GN",
    "GN_SWS",
    "KG",
    "KG_NS",
    "NIF",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SEM",
    "SKOS",
    "SUMMARY_NS",
    "WGS84",
    "XSD",
    "curie",
    "local_name",
]

KG_NS = "https://w3id.org/newskg/ontology#"
EVT_NS = "https://w3id.org/newskg/event-type/"
#: The entity summary's own vocabulary (:mod:`kg.summary`); internal, not part of the ontology.
SUMMARY_NS = "https://w3id.org/newskg/summary#"


class KG(DefinedNamespace):
    """The kg ontology (``ontology/kg.ttl``)."""

    _fail = True
    _NS = Namespace(KG_NS)

    # classes
    Entity: URIRef  # the superclass of Person, Organisation and Place
    Article: URIRef
    Person: URIRef
    Organisation: URIRef
    Place: URIRef
    Event: URIRef
    Mention: URIRef
    Sentence: URIRef
    Evidence: URIRef  # a span of text that supports a fact
    Statement: URIRef  # a reified relation between two entities, with its evidence
    ExtractionRun: URIRef
    EventType: URIRef

    # entity-to-entity relations
    leaderOf: URIRef
    affiliatedWith: URIRef
    memberOf: URIRef
    locatedIn: URIRef
    basedIn: URIRef
    residentOf: URIRef
    employeeOf: URIRef
    playsFor: URIRef
    coachOf: URIRef
    spokespersonOf: URIRef
    founderOf: URIRef
    ownerOf: URIRef
    presentIn: URIRef
    visited: URIRef
    relatedTo: URIRef  # the super-property of every entity relation

    # event roles
    participant: URIRef  # super-property of every role
    agent: URIRef
    target: URIRef
    speaker: URIRef
    about: URIRef
    affected: URIRef
    location: URIRef  # a further place, when the text names several
    place: URIRef
    eventType: URIRef

    # provenance and text anchoring
    denotes: URIRef
    evidence: URIRef
    triggerSpan: URIRef  # the words that state an event, one span per report
    sentence: URIRef
    extractedIn: URIRef
    mentionedIn: URIRef

    # datatype properties
    confidence: URIRef
    contentHash: URIRef
    source: URIRef
    duplicateOf: URIRef
    start: URIRef
    end: URIRef
    startPrecision: URIRef
    endPrecision: URIRef
    casualties: URIRef
    modality: URIRef
    quote: URIRef
    trigger: URIRef
    role: URIRef
    relationPredicate: URIRef
    modelVersion: URIRef


class EVT(DefinedNamespace):
    """Event types (SKOS concepts in ``ontology/event-types.ttl``)."""

    _fail = True
    _NS = Namespace(EVT_NS)

    Attack: URIRef
    Fight: URIRef
    Capture: URIRef
    Withdrawal: URIRef
    Counteroffensive: URIRef
    Killing: URIRef
    Protest: URIRef
    Arrest: URIRef
    Statement: URIRef
    Accusation: URIRef
    Explosion: URIRef
    Death: URIRef
    Injury: URIRef
    Damage: URIRef
    Transport: URIRef
    Indictment: URIRef
    Trial: URIRef
    Sentencing: URIRef
    Meeting: URIRef
    Agreement: URIRef
    Aid: URIRef
    Displacement: URIRef
    Election: URIRef


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
# The GeoNames ontology keeps its http namespace; feature IRIs (GN_SWS) are https.
GN = Namespace("http://www.geonames.org/ontology#")
GN_SWS = Namespace("https://sws.geonames.org/")
# rdflib's WGS constant points at the wrong IRI; this is the W3C one.
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

#: The prefixes kg writes in Turtle and TriG and uses to shorten IRIs in messages.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "evt": EVT_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "sem": str(SEM),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "nif": str(NIF),
    "wgs84": str(WGS84),
}


def curie(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """Return ``iri`` as ``prefix:local`` under the longest namespace that fits, else ``None``.

    >>> curie("https://w3id.org/newskg/ontology#confidence")
    'kg:confidence'
    """
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return None


def local_name(iri: str, ns: str) -> str:
    """Return ``iri`` without the namespace ``ns``, else its last ``/`` or ``#`` segment.

    >>> local_name("https://w3id.org/newskg/ontology#leaderOf", KG_NS)
    'leaderOf'
    >>> local_name("https://example.org/vocab#knows", KG_NS)
    'knows'
    """
    return iri[len(ns) :] if iri.startswith(ns) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
