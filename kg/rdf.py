"""Extraction records -> quads under the kg ontology, one named graph per article.

The named graph of an article is the article's own IRI; everything extracted from
that article, entities included, is written into it, so deleting the graph deletes
exactly what only that article supported. IRIs:

==============================  ==============================================
``{base}article/{id}``          the article, and the name of its graph
``{article}/sentence/{s}-{e}``  a sentence (``kg:Sentence``, a NIF sentence)
``{article}/mention/{s}-{e}``   a mention (``kg:Mention``)
``{article}/evidence/{s}-{e}``  a span supporting a relation or an event
``{article}/statement/{h}``     a relation between entities, reified
``{article}/run``               the extraction run (PROV-O activity)
``{base}{entity key}``          an entity, e.g. ``{base}person/volodymyr-zelensky``
``{base}{event key}``           an event
==============================  ==============================================

Quads are built as :mod:`pyoxigraph` terms because the store takes them without
conversion; term IRIs come from the closed namespaces in :mod:`kg.namespace`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

from kg import __version__
from kg.namespace import DCTERMS, EVT, KG, NIF, PROV, RDF, RDFS, SCHEMA, SKOS, WGS84, XSD
from kg.records import Entity, Event, Evidence, Extraction, Mention, Relation

__all__ = [
    "DEFAULT_BASE",
    "MIDNIGHT",
    "PRECISIONS",
    "article_iri",
    "day_literal",
    "entity_iri",
    "extraction_nquads",
    "extraction_quads",
    "iri_key",
    "nquads_text",
    "partial_date",
    "stored_day",
]

DEFAULT_BASE = "https://w3id.org/newskg/id/"

#: Precision names by the length of an ISO partial date.
PRECISIONS = {4: "year", 7: "month", 10: "day"}

#: Builds one quad in the article's graph: (subject, ontology term, object).
_Q = Callable[[NamedNode, object, "NamedNode | Literal"], Quad]

#: Participant roles -> ontology properties.
_ROLES = ("agent", "target", "speaker", "about", "affected", "location", "participant")


@cache
def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


_TYPE = _n(str(RDF.type))
_DECIMAL = _n(str(XSD.decimal))
# Offsets and counts are xsd:integer (shapes require >= 0): Oxigraph stores every
# integer-derived datatype as xsd:integer, so any other type would not round-trip.
_INT = _n(str(XSD.integer))
_DATETIME = _n(str(XSD.dateTime))
#: The time of day every kg date carries: kg dates are days, written as the
#: ``xsd:dateTime`` of their midnight because ``xsd:date`` is not in OWL 2's datatype
#: map (HermiT, Protégé's reasoner, refuses it). No time zone: a day in a news
#: article is the local day, and kg never claims more.
MIDNIGHT = "T00:00:00"
_ANYURI = _n(str(XSD.anyURI))


def article_iri(base: str, article_id: str) -> str:
    """Return the IRI of an article (also the name of its graph)."""
    return f"{base}article/{article_id}"


def entity_iri(base: str, key: str) -> str:
    """Return the IRI of an entity or event from its key."""
    return f"{base}{key}"


def iri_key(base: str, iri: str) -> str:
    """Return the key of an IRI minted under ``base`` (the inverse of :func:`entity_iri`).

    >>> iri_key("https://x/id/", "https://x/id/place/bakhmut")
    'place/bakhmut'
    """
    return iri[len(base) :] if iri.startswith(base) else iri


def day_literal(day: str) -> Literal:
    """Return a day (``YYYY-MM-DD``) as the ``xsd:dateTime`` literal kg stores: its midnight.

    >>> day_literal("2022-10-28").value
    '2022-10-28T00:00:00'
    """
    return Literal(day + MIDNIGHT, datatype=_DATETIME)


def stored_day(lexical: str) -> str:
    """Return the day (``YYYY-MM-DD``) of a stored date's lexical form.

    Dates are stored as ``xsd:dateTime`` at midnight (:func:`day_literal`); stores
    written before that hold ``xsd:date``. Both give the same day, so every reader
    that hands a date to a client goes through here.

    >>> stored_day("2022-10-28T00:00:00"), stored_day("2022-10-28")
    ('2022-10-28', '2022-10-28')
    """
    return lexical[:10]


def partial_date(value: str) -> tuple[str, str]:
    """Split an ISO partial date into the day it starts (``YYYY-MM-DD``) and its precision.

    The day is stored with :func:`day_literal`.

    >>> partial_date("2022-07")
    ('2022-07-01', 'month')
    """
    precision = PRECISIONS.get(len(value))
    if precision is None:
        raise ValueError(f"not an ISO partial date: {value!r}; expected YYYY, YYYY-MM or YYYY-MM-DD")
    full = value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value
    return full, precision


def _dec(value: float) -> Literal:
    return Literal(f"{min(1.0, max(0.0, value)):.3f}", datatype=_DECIMAL)


def _nonneg(value: int) -> Literal:
    return Literal(str(value), datatype=_INT)


def extraction_quads(x: Extraction, base: str = DEFAULT_BASE, *, when: datetime | None = None) -> list[Quad]:
    """Return every quad for one article's extraction, all in the article's graph.

    Args:
        x: What was extracted from the article.
        base: The data base IRI, ending in ``/``.
        when: The extraction time recorded in provenance (defaults to now).

    Returns:
        The quads; the same extraction and ``when`` always give the same list.
    """
    return list(_quads(x, base, when or datetime.now(UTC)))


def extraction_nquads(x: Extraction, base: str = DEFAULT_BASE, *, when: datetime | None = None) -> str:
    """Return :func:`extraction_quads` as N-Quads text, one quad per line.

    This is how an article's quads travel between processes and into the store
    (:meth:`kg.store.Store.put_nquads`): Oxigraph writes and reads the text, so no
    process other than the extracting one builds Python quad objects.

    >>> from kg.records import Article
    >>> a = Article(id="a1", text="Hi.", title=None, published=None, url=None, source=None, origin="doc")
    >>> when = datetime(2024, 1, 1, tzinfo=UTC)
    >>> extraction_nquads(Extraction(a), when=when).count("\\n") == len(extraction_quads(Extraction(a), when=when))
    True
    """
    return nquads_text(extraction_quads(x, base, when=when))


def nquads_text(quads: list[Quad]) -> str:
    """Return ``quads`` as N-Quads text, one quad per line (see :func:`extraction_nquads`)."""
    text = serialize(quads, None, RdfFormat.N_QUADS)
    return text.decode("utf-8") if text is not None else ""  # None only when given an output


def _quads(x: Extraction, base: str, when: datetime) -> Iterator[Quad]:
    a = x.article
    art = _n(article_iri(base, a.id))
    g = art

    def q(s: NamedNode, p: object, o: NamedNode | Literal) -> Quad:
        return Quad(s, _n(str(p)), o, g)

    # the article
    yield q(art, RDF.type, _n(str(KG.Article)))
    yield q(art, NIF.isString, Literal(a.text))
    yield q(art, KG.contentHash, Literal(a.digest))
    if a.title:
        yield q(art, DCTERMS.title, Literal(a.title))
    if a.published:
        # A day (every reader of articles makes one); a partial date from the Python API
        # becomes the first day of its period, still a valid xsd:dateTime.
        yield q(art, SCHEMA.datePublished, day_literal(partial_date(a.published)[0]))
    if a.url:
        yield q(art, SCHEMA.url, Literal(a.url, datatype=_ANYURI))
    if a.source:
        yield q(art, KG.source, Literal(a.source))
    if x.duplicate_of:
        yield q(art, KG.duplicateOf, _n(article_iri(base, x.duplicate_of)))

    # provenance of the run
    run = _n(f"{art.value}/run")
    agent = _n(f"{base}agent/kg/{__version__}")
    yield q(art, PROV.wasGeneratedBy, run)
    yield q(run, RDF.type, _n(str(KG.ExtractionRun)))
    yield q(run, PROV.wasAssociatedWith, agent)
    yield q(run, PROV.endedAtTime, Literal(when.isoformat(timespec="seconds"), datatype=_DATETIME))
    if x.model:
        yield q(run, KG.modelVersion, Literal(x.model))
    yield q(agent, RDF.type, _n(str(PROV.SoftwareAgent)))
    yield q(agent, RDFS.label, Literal(f"kg {__version__}"))

    for s in x.sentences:
        yield from _sentence(q, art, s.start, s.end, a.text)
    for e in x.entities:
        yield from _entity(q, base, art, e)
    for m in x.mentions:
        yield from _mention(q, base, art, m)
    for r in x.relations:
        yield from _relation(q, base, art, r)
    for ev in x.events:
        yield from _event(q, base, art, ev)


def _sentence(q: _Q, art: NamedNode, start: int, end: int, text: str) -> Iterator[Quad]:
    s = _n(f"{art.value}/sentence/{start}-{end}")
    yield q(s, RDF.type, _n(str(KG.Sentence)))
    yield q(s, NIF.beginIndex, _nonneg(start))
    yield q(s, NIF.endIndex, _nonneg(end))
    yield q(s, NIF.anchorOf, Literal(text[start:end]))
    yield q(s, NIF.referenceContext, art)


def _entity(q: _Q, base: str, art: NamedNode, e: Entity) -> Iterator[Quad]:
    s = _n(entity_iri(base, e.key))
    yield q(s, RDF.type, _n(str(KG[e.type.value])))
    yield q(s, RDFS.label, Literal(e.label))
    for alias in e.aliases:
        yield q(s, SKOS.altLabel, Literal(alias))
    yield q(s, KG.confidence, _dec(e.confidence))
    yield q(s, KG.mentionedIn, art)
    for other in e.same_as:
        yield q(s, SKOS.exactMatch, _n(other))
    if e.latitude is not None and e.longitude is not None:
        yield q(s, WGS84.lat, Literal(f"{e.latitude:.5f}", datatype=_DECIMAL))
        yield q(s, WGS84.long, Literal(f"{e.longitude:.5f}", datatype=_DECIMAL))
    if e.country is not None and e.country != e.key:
        yield q(s, KG.locatedIn, _n(entity_iri(base, e.country)))


def _mention(q: _Q, base: str, art: NamedNode, m: Mention) -> Iterator[Quad]:
    s = _n(f"{art.value}/mention/{m.start}-{m.end}")
    yield q(s, RDF.type, _n(str(KG.Mention)))
    yield q(s, NIF.beginIndex, _nonneg(m.start))
    yield q(s, NIF.endIndex, _nonneg(m.end))
    yield q(s, NIF.anchorOf, Literal(m.text))
    yield q(s, NIF.referenceContext, art)
    yield q(s, KG.sentence, _n(f"{art.value}/sentence/{m.sentence_start}-{m.sentence_end}"))
    yield q(s, KG.denotes, _n(entity_iri(base, m.entity)))
    yield q(s, KG.confidence, _dec(m.confidence))


def _evidence(q: _Q, art: NamedNode, ev: Evidence) -> tuple[NamedNode, list[Quad]]:
    s = _n(f"{art.value}/evidence/{ev.start}-{ev.end}")
    return s, [
        q(s, RDF.type, _n(str(KG.Evidence))),
        q(s, NIF.beginIndex, _nonneg(ev.start)),
        q(s, NIF.endIndex, _nonneg(ev.end)),
        q(s, NIF.anchorOf, Literal(ev.text)),
        q(s, NIF.referenceContext, art),
        q(s, KG.sentence, _n(f"{art.value}/sentence/{ev.sentence_start}-{ev.sentence_end}")),
    ]


def _relation(q: _Q, base: str, art: NamedNode, r: Relation) -> Iterator[Quad]:
    subj = _n(entity_iri(base, r.subject))
    obj = _n(entity_iri(base, r.object))
    pred = _n(str(KG[r.predicate]))
    yield Quad(subj, pred, obj, art)
    digest = hashlib.sha1(f"{r.subject}|{r.predicate}|{r.object}|{r.evidence.start}".encode()).hexdigest()[:12]
    st = _n(f"{art.value}/statement/{digest}")
    ev, ev_quads = _evidence(q, art, r.evidence)
    yield from ev_quads
    yield q(st, RDF.type, _n(str(KG.Statement)))
    yield q(st, RDF.subject, subj)
    yield q(st, RDF.predicate, pred)
    yield q(st, RDF.object, obj)
    yield q(st, KG.confidence, _dec(r.confidence))
    yield q(st, KG.evidence, ev)
    if r.role:
        yield q(st, KG.role, Literal(r.role))
    if r.derived_from:
        yield q(st, PROV.wasDerivedFrom, _n(r.derived_from))


def _event(q: _Q, base: str, art: NamedNode, e: Event) -> Iterator[Quad]:
    s = _n(entity_iri(base, e.key))
    yield q(s, RDF.type, _n(str(KG.Event)))
    yield q(s, KG.eventType, _n(str(EVT[e.type])))
    yield q(s, RDFS.label, Literal(e.label))
    yield q(s, KG.confidence, _dec(e.confidence))
    yield q(s, KG.modality, Literal(e.modality.value))
    yield q(s, KG.mentionedIn, art)
    for span in (e.evidence, *e.reports):
        ev, ev_quads = _evidence(q, art, span)
        yield from ev_quads
        yield q(s, KG.evidence, ev)
    for span in e.triggers:
        ev, ev_quads = _evidence(q, art, span)
        yield from ev_quads
        yield q(s, KG.triggerSpan, ev)
    if e.place:
        yield q(s, KG.place, _n(entity_iri(base, e.place)))
    for p in e.participants:
        role = p.role if p.role in _ROLES else "participant"
        yield q(s, KG[role], _n(entity_iri(base, p.entity)))
    for prop, prec, value in ((KG.start, KG.startPrecision, e.start), (KG.end, KG.endPrecision, e.end)):
        if value:
            full, precision = partial_date(value)
            yield q(s, prop, day_literal(full))
            yield q(s, prec, Literal(precision))
    if e.casualties is not None:
        yield q(s, KG.casualties, _nonneg(e.casualties))
    if e.quote:
        yield q(s, KG.quote, Literal(e.quote))
    if e.trigger:
        yield q(s, KG.trigger, Literal(e.trigger))
