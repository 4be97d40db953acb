"""Relationships between entities, merged over the articles stating them, with their evidence.

A relationship is an entity-to-entity relation under the kg ontology (``leaderOf``,
``locatedIn``, ...). Each article's graph states it on its own, as a reified
``kg:Statement`` carrying a confidence and an evidence span; the views merge the
articles: the highest confidence wins and every evidence span is kept. The plain
``locatedIn`` triple linking writes for a place's country takes the confidence of
its subject's description in that article; the same fact is also stated, with
``prov:wasDerivedFrom`` the GeoNames feature, once per mention of the place, so its
evidence lists the place's mentions (:func:`kg.extract.link.containment`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg import sparql, summary
from kg.namespace import KG_NS, local_name
from kg.queries.evidence import EvidenceView, evidence_of_row
from kg.rdf import iri_key
from kg.sparql import PROLOGUE, Page
from kg.store import Store

__all__ = ["RelationshipFilter", "RelationshipView", "relationship_page", "relationship_pages", "relationships_of"]


@dataclass(frozen=True, slots=True)
class RelationshipView:
    """One relationship between two entities, merged over the articles stating it.

    ``stated`` says whether some article's text states it; a relationship no text
    states was derived from another record (``derived_from``: e.g. a GeoNames feature
    for a place's containment). ``evidence`` lists the spans that state it, or, for a
    derived relationship, the mentions it is about.
    """

    subject: str
    predicate: str
    predicate_iri: str
    object: str
    confidence: float
    evidence: tuple[EvidenceView, ...]
    stated: bool = True
    derived_from: tuple[str, ...] = ()


def relationships_of(
    store: Store, base: str, keys: Sequence[str], *, predicate: str | None = None
) -> dict[str, list[RelationshipView]]:
    """Return every relationship of each entity, in both directions, in one query.

    Args:
        store: The store.
        base: The data base IRI.
        keys: Entity keys.
        predicate: Keep only this predicate: its local name (``"leaderOf"``) or IRI.

    Returns:
        For each key, its relationships sorted by predicate, subject and object;
        keys with none map to an empty list.
    """
    if not keys:
        return {}
    unique = list(dict.fromkeys(keys))
    iris = [base + k for k in unique]
    wanted = None
    if predicate:
        wanted = predicate if "://" in predicate else KG_NS + predicate
    # The relationships, merged, come from the entity summary (one small node each,
    # whatever the number of articles stating them); only the evidence spans are read
    # from the articles' statements, and only when some relationship has any.
    found = [r for r in summary.read_relationships(store, iris) if wanted is None or r.predicate == wanted]
    out: dict[str, list[RelationshipView]] = {k: [] for k in unique}
    for view in _views(store, base, found):
        for end in {view.subject, view.object}:
            if end in out:
                out[end].append(view)
    for views in out.values():
        views.sort(key=lambda v: (v.predicate, v.subject, v.object))
    return out


def _views(store: Store, base: str, found: Sequence[summary.RelationshipSummary]) -> list[RelationshipView]:
    """The views of the summarised relationships ``found``, each with its evidence (one query for all)."""
    # Spans by triple, apart for statements the text makes (True) and derived ones (False).
    spans: dict[tuple[str, str, str, bool], dict[tuple[str, int, int], EvidenceView]] = {}
    sources: dict[tuple[str, str, str], set[str]] = {}
    triples = {st: (r.subject, r.predicate, r.object) for r in found for st in r.statements}
    if triples:
        # The summary names each relationship's statements, so their evidence is a
        # look-up by subject, not a scan of every statement about the entities. The
        # VALUES goes inside the GRAPH block: outside it, Oxigraph matched the block in
        # every graph first (3 s for 21 statements on 1,162 articles, 2 ms inside).
        rows = store.query(
            PROLOGUE
            + f"""SELECT ?st ?g ?es ?ee ?et ?src WHERE {{ GRAPH ?g {{ VALUES ?st {{ {sparql.iris(sorted(triples))} }}
  ?st kg:evidence ?ev . ?ev nif:beginIndex ?es ; nif:endIndex ?ee ; nif:anchorOf ?et .
    OPTIONAL {{ ?st prov:wasDerivedFrom ?src }} }} }}"""
        )
        for r in rows:
            triple = triples[r["st"]]
            if "src" in r:
                sources.setdefault(triple, set()).add(r["src"])
            ev = evidence_of_row(base, r)
            if ev is not None:
                spans.setdefault((*triple, "src" not in r), {})[(ev.article_id, ev.start, ev.end)] = ev
    views = []
    for rel in found:
        triple = (rel.subject, rel.predicate, rel.object)
        # A relationship with no statement at all is the plain triple linking writes
        # for a place's country: derived too.
        stated = (*triple, True) in spans
        found_spans = spans.get((*triple, stated), {})
        views.append(
            RelationshipView(
                subject=iri_key(base, rel.subject),
                predicate=local_name(rel.predicate, KG_NS),
                predicate_iri=rel.predicate,
                object=iri_key(base, rel.object),
                confidence=rel.confidence,
                evidence=tuple(found_spans[k] for k in sorted(found_spans)),
                stated=stated,
                derived_from=tuple(sorted(sources.get(triple, ()))),
            )
        )
    return views


def relationship_page(
    store: Store,
    base: str,
    key: str,
    page: Page,
    *,
    predicate: str | None = None,
    min_confidence: float = 0.0,
    derived: bool = False,
    outgoing: bool | None = None,
) -> tuple[int, list[RelationshipView]]:
    """One page of an entity's relationships that pass the filters, and how many pass.

    Args:
        store: The store.
        base: The data base IRI.
        key: The entity's key.
        page: The window wanted, in :func:`relationships_of`'s order.
        predicate: Keep only this predicate: its local name or IRI.
        min_confidence: Keep those with at least this confidence.
        derived: Keep also relationships no text states.
        outgoing: Keep those with the entity as subject (``True``) or only as object (``False``).

    See :func:`relationship_pages`, which answers for several entities at once.
    """
    filters = RelationshipFilter(predicate, min_confidence, derived, outgoing)
    return relationship_pages(store, base, [key], page, filters)[key]


@dataclass(frozen=True, slots=True)
class RelationshipFilter:
    """Which of an entity's relationships a page keeps (see :func:`relationship_page`)."""

    predicate: str | None = None
    min_confidence: float = 0.0
    derived: bool = False
    outgoing: bool | None = None


def relationship_pages(
    store: Store, base: str, keys: Sequence[str], page: Page, filters: RelationshipFilter = RelationshipFilter()
) -> dict[str, tuple[int, list[RelationshipView]]]:
    """For each entity, how many of its relationships pass ``filters`` and one page of them.

    With the read index (:mod:`kg.summary`) each page is chosen from the entity's
    relationships kept in order, and only the pages' relationships and evidence are
    read from the store (two queries for all the keys), so the cost follows the
    pages and the entities' relationship counts, not their evidence or the store.
    Without one (a remote store) every relationship of the keys is merged (as
    :func:`relationships_of`) and paged here.
    """
    if not keys:
        return {}
    unique = list(dict.fromkeys(keys))
    f = filters
    idx = summary.read_index(store)
    if idx is None:
        everything = relationships_of(store, base, unique, predicate=f.predicate)
        out: dict[str, tuple[int, list[RelationshipView]]] = {}
        for k in unique:
            kept = [
                r
                for r in everything[k]
                if r.confidence >= f.min_confidence and (f.derived or r.stated) and f.outgoing in (None, r.subject == k)
            ]
            out[k] = (len(kept), kept[page.offset : page.offset + page.limit])
        return out
    wanted = None
    if f.predicate:
        wanted = f.predicate if "://" in f.predicate else KG_NS + f.predicate
    pages: dict[str, tuple[int, list[str]]] = {}
    for k in unique:
        total, rows = idx.relationships_of(
            base + k,
            (page.offset, page.limit),
            predicate=wanted,
            min_confidence=f.min_confidence,
            stated_only=not f.derived,
            outgoing=f.outgoing,
        )
        pages[k] = (total, [summary.rel_iri(s, p, o) for s, p, o, _, _ in rows])
    wanted_iris = sorted({r for _, rels in pages.values() for r in rels})
    by_iri = summary.relationships_by_iri(store, wanted_iris)
    views = dict(
        zip(
            [r for r in wanted_iris if r in by_iri],
            _views(store, base, [by_iri[r] for r in wanted_iris if r in by_iri]),
            strict=True,
        )
    )
    return {k: (total, [views[r] for r in rels if r in views]) for k, (total, rels) in pages.items()}
