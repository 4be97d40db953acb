"""Where the projection's facts come from: extraction records, or a SPARQL store.

Both paths produce, per article, the nodes it declares and the facts it states,
normalised the same way (confidences to the store's three decimals, dates to
inclusive day ranges), so a projection built from the store equals one built by
adding the same extractions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from kg.analytics._model import date_range
from kg.namespace import EVT_NS, KG_NS
from kg.namespace import local_name as _local
from kg.rdf import iri_key
from kg.records import Extraction
from kg.sparql import PROLOGUE

__all__ = ["ArticleFacts", "Decl", "SparqlSource", "extraction_facts", "read_store"]

#: Event roles as written by :mod:`kg.rdf`; any other role becomes ``participant``.
_ROLES = frozenset({"agent", "target", "speaker", "about", "affected", "location", "participant"})

#: Length of a partial date by its precision, as written by :func:`kg.rdf.partial_date`.
_PRECISION_LENGTH = {"year": 4, "month": 7, "day": 10}


class SparqlSource(Protocol):
    """Anything that answers SPARQL SELECT queries, such as :class:`kg.store.Store`."""

    def query(self, sparql: str) -> list[dict[str, str]]:
        """Return one dict per solution: variable name -> lexical value."""
        ...


#: (kind, type, label) of a node as one article declares it.
Decl = tuple[str, str, str]
# (source, target, predicate) -> (confidence, lo, hi) for one article.
_FactKey = tuple[str, str, str]
_FactVal = tuple[float, "str | None", "str | None"]


@dataclass(slots=True)
class ArticleFacts:
    """The nodes one article declares and the facts it states."""

    nodes: dict[str, Decl]
    facts: dict[_FactKey, _FactVal]

    def fact(self, key: _FactKey, value: _FactVal) -> None:
        """Record a fact, keeping the highest confidence if the article repeats it."""
        source, target, _ = key
        if source == target:
            return
        old = self.facts.get(key)
        if old is None or value[0] > old[0]:
            self.facts[key] = value


def _conf(value: float) -> float:
    # the store keeps three decimals; rounding here makes both build paths agree
    return round(min(1.0, max(0.0, value)), 3)


# ------------------------------------------------------------- from records


def extraction_facts(x: Extraction) -> ArticleFacts:
    """Return the nodes and facts of one extraction."""
    published = date_range(x.article.published, None, what=f"published date of article {x.article.id!r}")
    plo, phi = published or (None, None)
    a = ArticleFacts({}, {})
    for e in x.entities:
        a.nodes[e.key] = ("entity", e.type.value, e.label)
    for ev in x.events:
        a.nodes[ev.key] = ("event", ev.type, ev.label)
    for r in x.relations:
        a.fact((r.subject, r.object, r.predicate), (_conf(r.confidence), plo, phi))
    for e in x.entities:
        if e.country is not None and (e.key, e.country, "locatedIn") not in a.facts:
            a.fact((e.key, e.country, "locatedIn"), (_conf(e.confidence), plo, phi))
    for ev in x.events:
        span = date_range(ev.start, ev.end, what=f"date of event {ev.key!r}") or published
        lo, hi = span or (None, None)
        conf = _conf(ev.confidence)
        for p in ev.participants:
            role = p.role if p.role in _ROLES else "participant"
            a.fact((ev.key, p.entity, role), (conf, lo, hi))
        if ev.place:
            a.fact((ev.key, ev.place, "place"), (conf, lo, hi))
    return a


# --------------------------------------------------------------- from store

_Q_ARTICLES = (
    PROLOGUE
    + """SELECT ?g ?published WHERE { GRAPH ?g {
  ?g a kg:Article . OPTIONAL { ?g schema:datePublished ?published }
} }"""
)

_Q_ENTITIES = (
    PROLOGUE
    + """SELECT ?g ?s ?type ?label ?conf ?country WHERE { GRAPH ?g {
  VALUES ?type { kg:Person kg:Organisation kg:Place }
  ?s a ?type ; rdfs:label ?label ; kg:confidence ?conf .
  OPTIONAL { ?s kg:locatedIn ?country }
} }"""
)

_Q_STATEMENTS = (
    PROLOGUE
    + """SELECT ?g ?s ?p ?o (MAX(?c) AS ?conf) WHERE { GRAPH ?g {
  ?st a kg:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:confidence ?c .
} } GROUP BY ?g ?s ?p ?o"""
)

_Q_EVENTS = (
    PROLOGUE
    + """SELECT ?g ?s ?etype ?label ?conf ?start ?startp ?end ?endp WHERE { GRAPH ?g {
  ?s a kg:Event ; kg:eventType ?etype ; rdfs:label ?label ; kg:confidence ?conf .
  OPTIONAL { ?s kg:start ?start ; kg:startPrecision ?startp }
  OPTIONAL { ?s kg:end ?end ; kg:endPrecision ?endp }
} }"""
)

_Q_ROLES = (
    PROLOGUE
    + """SELECT ?g ?s ?role ?x WHERE { GRAPH ?g {
  VALUES ?role { kg:agent kg:target kg:speaker kg:about kg:affected kg:participant kg:place }
  ?s a kg:Event ; ?role ?x .
} }"""
)


def _partial(row: dict[str, str], value: str, precision: str) -> str | None:
    full = row.get(value)
    if full is None:
        return None
    return full[: _PRECISION_LENGTH.get(row.get(precision, "day"), 10)]


def _rows(store: SparqlSource, sparql: str) -> Iterator[dict[str, str]]:
    yield from store.query(sparql)


def read_store(store: SparqlSource, base: str) -> dict[str, ArticleFacts]:
    """Return the nodes and facts of every article graph in a store, by article id."""
    prefix = base + "article/"
    articles: dict[str, ArticleFacts] = {}
    published: dict[str, tuple[str, str] | None] = {}

    def article(g: str) -> tuple[ArticleFacts, str | None, str | None] | None:
        if not g.startswith(prefix) or g not in published:
            return None
        a = articles.setdefault(g, ArticleFacts({}, {}))
        lo, hi = published[g] or (None, None)
        return a, lo, hi

    for row in _rows(store, _Q_ARTICLES):
        g = row["g"]
        pub = row.get("published")
        published[g] = date_range(pub[:10], None, what=f"published date of {g}") if pub else None
        articles.setdefault(g, ArticleFacts({}, {}))

    def key(iri: str) -> str:
        return iri_key(base, iri)

    countries: list[tuple[str, str, str, float]] = []
    for row in _rows(store, _Q_ENTITIES):
        if article(row["g"]) is None:
            continue
        a = articles[row["g"]]
        s = key(row["s"])
        a.nodes[s] = ("entity", _local(row["type"], KG_NS), row["label"])
        if "country" in row:
            countries.append((row["g"], s, key(row["country"]), _conf(float(row["conf"]))))

    for row in _rows(store, _Q_STATEMENTS):
        found = article(row["g"])
        if found is None:
            continue
        a, lo, hi = found
        fact = (key(row["s"]), key(row["o"]), _local(row["p"], KG_NS))
        a.fact(fact, (_conf(float(row["conf"])), lo, hi))

    for g, s, country, conf in countries:
        found = article(g)
        if found is not None and (s, country, "locatedIn") not in found[0].facts:
            found[0].fact((s, country, "locatedIn"), (conf, found[1], found[2]))

    spans: dict[tuple[str, str], tuple[float, str | None, str | None]] = {}
    for row in _rows(store, _Q_EVENTS):
        found = article(row["g"])
        if found is None:
            continue
        a, plo, phi = found
        s = key(row["s"])
        a.nodes[s] = ("event", _local(row["etype"], EVT_NS), row["label"])
        start, end = _partial(row, "start", "startp"), _partial(row, "end", "endp")
        dated = date_range(start, end, what=f"date of event {row['s']}")
        lo, hi = dated or (plo, phi)
        spans[(row["g"], s)] = (_conf(float(row["conf"])), lo, hi)

    for row in _rows(store, _Q_ROLES):
        found = article(row["g"])
        s = key(row["s"])
        event = spans.get((row["g"], s))
        if found is None or event is None:
            continue
        found[0].fact((s, key(row["x"]), _local(row["role"], KG_NS)), event)

    return {iri_key(prefix, g): a for g, a in articles.items()}
