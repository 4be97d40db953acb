"""The entity summary's vocabulary, records and reads (see :mod:`kg.summary`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.namespace import KG_NS, SUMMARY_NS, XSD
from kg.sparql import PROLOGUE as _PREFIXES
from kg.sparql import iris as _iris

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "SUMMARY_GRAPH",
    "SUMMARY_NS",
    "EntitySummary",
    "RelationshipSummary",
    "read_entities",
    "read_relationships",
    "rel_iri",
]

#: The named graph holding the summary (never an article's graph).
SUMMARY_GRAPH = "https://w3id.org/newskg/summary"
#: Format of the summary; a store with another version is rebuilt.
VERSION = "3"
#: Fresh articles merged per update when nothing else changed (bounds one update's size).
CHUNK = 256

_ENTITY_TYPES = tuple(f"{KG_NS}{t}" for t in ("Person", "Organisation", "Place"))
_LOCATED_IN = f"{KG_NS}locatedIn"
_DECIMAL = str(XSD.decimal)
_INTEGER = str(XSD.integer)


@dataclass(slots=True)
class EntitySummary:
    """One entity merged over articles (mutable while it is being accumulated)."""

    iri: str
    type: str = ""
    labels: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    same_as: set[str] = field(default_factory=set)
    lat: str | None = None
    long: str | None = None
    confidence: float = 0.0
    mentions: int = 0

    def merge(self, other: EntitySummary) -> None:
        """Fold ``other`` (more articles' view of the same entity) into this one."""
        self.type = self.type or other.type
        self.labels |= other.labels
        self.aliases |= other.aliases
        self.same_as |= other.same_as
        if self.lat is None and other.lat is not None:
            self.lat, self.long = other.lat, other.long
        self.confidence = max(self.confidence, other.confidence)
        self.mentions += other.mentions


@dataclass(slots=True)
class RelationshipSummary:
    """One relationship (subject, predicate, object) merged over articles."""

    subject: str
    predicate: str
    object: str
    confidence: float = 0.0
    evidence: int = 0
    statements: set[str] = field(default_factory=set)

    @property
    def iri(self) -> str:
        """The summary node's IRI: a hash of the triple, so each triple has one."""
        return rel_iri(self.subject, self.predicate, self.object)

    def merge(self, other: RelationshipSummary) -> None:
        """Fold ``other`` into this one."""
        self.confidence = max(self.confidence, other.confidence)
        self.evidence += other.evidence
        self.statements |= other.statements


def rel_iri(subject: str, predicate: str, obj: str) -> str:
    """The IRI of the summary node of one relationship."""
    digest = hashlib.sha1(f"{subject}|{predicate}|{obj}".encode()).hexdigest()[:20]
    return f"{SUMMARY_GRAPH}/rel/{digest}"


def _dec(value: float) -> str:
    return f'"{value:.3f}"^^<{_DECIMAL}>'


def _int(value: int) -> str:
    return f'"{value}"^^<{_INTEGER}>'


# ------------------------------------------------------------------ reading


def read_entities(store: Store, iris: Sequence[str]) -> dict[str, EntitySummary]:
    """Return the summaries of the entities ``iris`` (absent when not summarised), in one query."""
    return {k: v for k, v in _read_summaries(store, iris).items() if v.type}


def _read_summaries(store: Store, iris: Sequence[str], fields: Sequence[str] = ()) -> dict[str, EntitySummary]:
    """Every summary of ``iris``, typed or not (mentions of something no article types yet).

    ``fields`` (names in :data:`SUMMARY_NS`) limits what is read; all by default.
    The entities' VALUES sit inside the GRAPH block and the fields are a FILTER:
    a VALUES outside the block, or one for the fields, made Oxigraph read the
    whole summary graph first (1-3 s for 300 entities of 1,162 articles on a
    loaded machine; about 0.1 s this way).
    """
    if not iris:
        return {}
    only = f"FILTER(?p IN ({', '.join(_iris(SUMMARY_NS + f for f in fields).split())}))" if fields else ""
    rows = store.query(
        _PREFIXES
        + f"SELECT ?e ?p ?o WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ VALUES ?e {{ {_iris(dict.fromkeys(iris))} }}"
        + f" ?e ?p ?o {only} }} }}"
    )
    found: dict[str, EntitySummary] = {}
    for r in rows:
        _entity_field(found.setdefault(r["e"], EntitySummary(r["e"])), r["p"], r["o"])
    return found


def _entity_field(e: EntitySummary, p: str, o: str) -> None:
    name = p[len(SUMMARY_NS) :] if p.startswith(SUMMARY_NS) else ""
    if name == "type":
        e.type = o
    elif name == "label":
        e.labels.add(o)
    elif name == "alias":
        e.aliases.add(o)
    elif name == "sameAs":
        e.same_as.add(o)
    elif name == "lat":
        e.lat = o
    elif name == "long":
        e.long = o
    elif name == "confidence":
        e.confidence = float(o)
    elif name == "mentions":
        e.mentions = int(o)


def read_relationships(store: Store, iris: Sequence[str]) -> list[RelationshipSummary]:
    """Return the summarised relationships with any of ``iris`` as subject or object (one query).

    Each relationship node's triples come back as they are and are assembled here:
    three times faster on Oxigraph than binding every field in the query.
    """
    if not iris:
        return []
    rows = store.query(
        _PREFIXES
        + f"""SELECT ?r ?p ?o WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
  VALUES ?x {{ {_iris(dict.fromkeys(iris))} }} VALUES ?end {{ s:subject s:object }} ?r ?end ?x . ?r ?p ?o }} }}"""
    )
    return list(_relationship_rows(rows).values())


def _relationship_rows(rows: list[dict[str, str]]) -> dict[str, RelationshipSummary]:
    fields: dict[str, dict[str, str]] = {}
    statements: dict[str, set[str]] = {}
    for r in rows:
        name = r["p"][len(SUMMARY_NS) :] if r["p"].startswith(SUMMARY_NS) else ""
        if name == "statement":
            statements.setdefault(r["r"], set()).add(r["o"])
        elif name:
            fields.setdefault(r["r"], {})[name] = r["o"]
    found: dict[str, RelationshipSummary] = {}
    for rel, f in fields.items():
        if {"subject", "predicate", "object", "confidence", "evidence"} <= f.keys():
            found[rel] = RelationshipSummary(
                f["subject"],
                f["predicate"],
                f["object"],
                float(f["confidence"]),
                int(f["evidence"]),
                statements.get(rel, set()),
            )
    return found


def relationships_by_iri(store: Store, rel_iris: Sequence[str]) -> dict[str, RelationshipSummary]:
    """The summarised relationships ``rel_iris`` (by :func:`rel_iri`), with their statements, in one query."""
    return _read_relationships_by_iri(store, rel_iris)


def _read_relationships_by_iri(
    store: Store, rel_iris: Sequence[str], *, statements: bool = True
) -> dict[str, RelationshipSummary]:
    """The summarised relationships ``rel_iris``; without their statements if ``statements`` is false."""
    if not rel_iris:
        return {}
    fields = ("subject", "predicate", "object", "confidence", "evidence")
    only = "" if statements else f"FILTER(?p IN ({', '.join(_iris(SUMMARY_NS + f for f in fields).split())}))"
    rows = store.query(
        _PREFIXES
        + f"SELECT ?r ?p ?o WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ VALUES ?r {{ {_iris(rel_iris)} }} ?r ?p ?o {only} }} }}"
    )
    return _relationship_rows(rows)
