"""What article graphs contribute to the summary, from their quads where they are built.

:func:`kg.summary._sync._contributions` reads contributions back from the store
with three SPARQL queries. :func:`contributions_of` finds the same patterns in
one article's quads while they are still in memory (the extracting worker has
them), so a fresh article's write does not read its graph back: the test suite
checks the two agree on every article it ingests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespace import KG_NS, RDF, RDFS, SKOS, WGS84
from kg.summary._index import ArticleFacts, facts_of
from kg.summary._model import _ENTITY_TYPES, _LOCATED_IN, EntitySummary, RelationshipSummary

__all__ = ["Contributions", "contributions_of"]


@dataclass(slots=True)
class Contributions:
    """Entities and relationships accumulated over some article graphs (picklable).

    Attributes:
        entities: Each entity's description merged over the graphs.
        relationships: Each (subject, predicate, object) merged over the graphs.
        touches: For each graph, the IRIs it says something about.
        facts: For each graph built in a worker, what it gives the read index
            (:mod:`kg.summary._index`); empty for contributions read back.
    """

    entities: dict[str, EntitySummary] = field(default_factory=dict)
    relationships: dict[tuple[str, str, str], RelationshipSummary] = field(default_factory=dict)
    touches: dict[str, set[str]] = field(default_factory=dict)
    facts: dict[str, ArticleFacts] = field(default_factory=dict)

    def entity(self, iri: str) -> EntitySummary:
        """The accumulating summary of ``iri`` (created empty)."""
        return self.entities.setdefault(iri, EntitySummary(iri))

    def relationship(self, s: str, p: str, o: str, confidence: float, evidence: int, statements: set[str]) -> None:
        """Fold one graph's view of a relationship in."""
        found = self.relationships.setdefault((s, p, o), RelationshipSummary(s, p, o))
        found.merge(RelationshipSummary(s, p, o, confidence, evidence, statements))

    def add(self, other: Contributions) -> None:
        """Fold in what other graphs contribute."""
        for iri, e in other.entities.items():
            self.entity(iri).merge(e)
        for (s, p, o), r in other.relationships.items():
            self.relationship(s, p, o, r.confidence, r.evidence, set(r.statements))
        for g, touched in other.touches.items():
            self.touches.setdefault(g, set()).update(touched)
        self.facts.update(other.facts)


_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ALIAS = str(SKOS.altLabel)
_SAME = str(SKOS.exactMatch)
_LAT = str(WGS84.lat)
_LONG = str(WGS84.long)
_CONFIDENCE = f"{KG_NS}confidence"
_DENOTES = f"{KG_NS}denotes"
_STATEMENT = f"{KG_NS}Statement"
_EVIDENCE = f"{KG_NS}evidence"
_ST_FIELDS = (str(RDF.subject), str(RDF.predicate), str(RDF.object))
_TYPES = frozenset(_ENTITY_TYPES)


def contributions_of(graph: str, quads: Iterable[ox.Quad]) -> Contributions:
    """What one article graph contributes: the patterns :func:`_contributions` matches, in Python.

    Args:
        graph: The article's graph.
        quads: Its quads (all in ``graph``).

    Returns:
        The graph's entities, relationships and what it touches, as the SPARQL
        read-back would give them (decimals keep their written lexical form, which
        the store makes canonical when the summary is written).
    """
    props: dict[str, dict[str, list[str]]] = {}
    distinct: set[ox.Quad] = set()  # the store keeps each quad once
    for q in quads:
        distinct.add(q)
        subj, obj = q.subject, q.object
        if isinstance(subj, ox.Triple) or isinstance(obj, ox.Triple):
            continue  # quoted triples: nothing the summary reads
        props.setdefault(subj.value, {}).setdefault(q.predicate.value, []).append(obj.value)
    acc = Contributions()
    touched: set[str] = set()
    mentions: dict[str, set[str]] = {}
    rels: dict[tuple[str, str, str], _Rel] = {}
    for node, p in props.items():
        types = [t for t in p.get(_TYPE, ()) if t in _TYPES]
        if types:
            _entity(acc.entity(node), types, p)
            touched.add(node)
        for target in p.get(_DENOTES, ()):
            mentions.setdefault(target, set()).add(node)
        confidences = [float(c) for c in p.get(_CONFIDENCE, ())]
        if not confidences:
            continue
        if _STATEMENT in p.get(_TYPE, ()):
            ends = [p.get(pred, ()) for pred in _ST_FIELDS]
            for s, pred, o in ((s, pred, o) for s in ends[0] for pred in ends[1] for o in ends[2]):
                rels.setdefault((s, pred, o), _Rel()).add(max(confidences), p.get(_EVIDENCE, ()), node)
        for o in p.get(_LOCATED_IN, ()):
            rels.setdefault((node, _LOCATED_IN, o), _Rel()).add(max(confidences), (), None)
    for target, ms in mentions.items():
        acc.entity(target).mentions += len(ms)
        touched.add(target)
    for (s, pred, o), r in rels.items():
        acc.relationship(s, pred, o, r.confidence, len(r.evidence), r.statements)
        touched.update((s, o))
    acc.touches[graph] = touched
    acc.facts[graph] = facts_of(graph, props, len(distinct))
    return acc


@dataclass(slots=True)
class _Rel:
    """One relationship within one graph: as the SPARQL read-back groups it."""

    confidence: float = 0.0
    evidence: set[str] = field(default_factory=set)
    statements: set[str] = field(default_factory=set)

    def add(self, confidence: float, evidence: Iterable[str], statement: str | None) -> None:
        self.confidence = max(self.confidence, confidence)
        self.evidence.update(evidence)
        if statement is not None:
            self.statements.add(statement)


def _entity(e: EntitySummary, types: list[str], p: dict[str, list[str]]) -> None:
    labels, confidences = p.get(_LABEL, ()), p.get(_CONFIDENCE, ())
    if labels and confidences:  # the typed, labelled, scored description
        e.type = e.type or types[0]
        e.labels.update(labels)
        e.confidence = max(e.confidence, *(float(c) for c in confidences))
    e.aliases.update(p.get(_ALIAS, ()))
    e.same_as.update(p.get(_SAME, ()))
    if _LAT in p and _LONG in p and e.lat is None:
        e.lat, e.long = p[_LAT][0], p[_LONG][0]
