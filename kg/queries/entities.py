"""Entities: look-ups by key, the paged list, and the entities an article mentions.

Entities are described once per article that mentions them (each article's graph
holds its own view); the store keeps those views merged in the entity summary
(:mod:`kg.summary`), which look-ups and lists read: the longest label wins, the
others become aliases, confidence is the highest seen.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from kg import sparql, summary
from kg.namespace import KG_NS
from kg.rdf import article_iri, iri_key
from kg.records import EntityType
from kg.sparql import Page, count_and_page
from kg.store import Store
from kg.summary import SUMMARY_GRAPH

__all__ = [
    "EntityOrder",
    "EntityView",
    "entities_by_keys",
    "entities_of_article",
    "list_entities",
]

_SUMMARY = sparql.iri(SUMMARY_GRAPH)
_TYPE_IRIS = {t: f"{KG_NS}{t.value}" for t in EntityType}
_IRI_TYPES = {v: k for k, v in _TYPE_IRIS.items()}


@dataclass(frozen=True, slots=True)
class EntityView:
    """An entity merged over every article that mentions it."""

    key: str
    iri: str
    type: EntityType
    label: str
    aliases: tuple[str, ...]
    same_as: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    mention_count: int
    confidence: float


def entities_by_keys(store: Store, base: str, keys: Sequence[str]) -> dict[str, EntityView]:
    """Describe the entities with the given keys (missing keys are absent), in one query.

    Reads the entity summary (:mod:`kg.summary`), which holds each entity merged
    over every article once, so the cost does not grow with how often an entity is
    mentioned: the longest label wins, the other labels become aliases, confidence
    is the highest any article gives.
    """
    if not keys:
        return {}
    found = summary.read_entities(store, [base + k for k in dict.fromkeys(keys)])
    out: dict[str, EntityView] = {}
    for iri, e in found.items():
        etype = _IRI_TYPES.get(e.type)
        if etype is None or not e.labels:
            continue
        key = iri_key(base, iri)
        # The longest label is the fullest form ("Volodymyr Zelensky" over "Zelensky").
        labels = sorted(e.labels, key=lambda s: (-len(s), s))
        out[key] = EntityView(
            key=key,
            iri=iri,
            type=etype,
            label=labels[0],
            aliases=tuple(sorted((set(labels[1:]) | e.aliases) - {labels[0]})),
            same_as=tuple(sorted(e.same_as)),
            latitude=float(e.lat) if e.lat is not None else None,
            longitude=float(e.long) if e.long is not None else None,
            mention_count=e.mentions,
            confidence=e.confidence,
        )
    return out


class EntityOrder(enum.Enum):
    """How a list of entities is sorted."""

    LABEL_ASC = "LABEL_ASC"
    LABEL_DESC = "LABEL_DESC"
    MENTIONS_DESC = "MENTIONS_DESC"
    CONFIDENCE_DESC = "CONFIDENCE_DESC"


_ENTITY_ORDER = {
    EntityOrder.LABEL_ASC: "?sort ?e",
    EntityOrder.LABEL_DESC: "DESC(?sort) ?e",
    EntityOrder.MENTIONS_DESC: "DESC(?mentions) ?sort ?e",
    EntityOrder.CONFIDENCE_DESC: "DESC(?conf) ?sort ?e",
}


_INDEX_ORDER = {
    EntityOrder.LABEL_ASC: "label",
    EntityOrder.LABEL_DESC: "label_desc",
    EntityOrder.MENTIONS_DESC: "mentions",
    EntityOrder.CONFIDENCE_DESC: "confidence",
}


def list_entities(
    store: Store,
    base: str,
    page: Page,
    *,
    type: EntityType | None = None,  # noqa: A002 - mirrors the GraphQL argument
    search: str | None = None,
    prefix: bool = False,
    min_confidence: float = 0.0,
    mentioned_in: str | None = None,
    order: EntityOrder = EntityOrder.LABEL_ASC,
) -> tuple[int, list[str]]:
    """Return the total count and one page of entity keys, in ``order`` (by label by default).

    Args:
        store: The store.
        base: The data base IRI.
        page: The window to return.
        type: Only entities of this type.
        search: Matches any label or alias, case-insensitively: as a substring, or
            with ``prefix`` as the start of the name or of one of its words.
        prefix: Match ``search`` as a prefix.
        min_confidence: Only entities some article believes at least this much.
        mentioned_in: Only entities the article with this id mentions.
        order: The sort order; ties are broken by label, then IRI.
    """
    types = [_TYPE_IRIS[type]] if type else list(_TYPE_IRIS.values())
    idx = summary.read_index(store)
    if idx is not None:  # the read index: B-tree orders, maintained counts, a trigram text index
        count, found = idx.entities(
            types,
            (page.offset, page.limit),
            search=search,
            prefix=prefix,
            min_confidence=min_confidence,
            mentioned_in=article_iri(base, mentioned_in) if mentioned_in else None,
            order=_INDEX_ORDER[order],
        )
        return count, [iri_key(base, iri) for iri in found]
    # Everything but the article filter reads the entity summary: one small description
    # per entity, instead of every article's (searching those timed out at 10^4 articles).
    where = f"""VALUES ?type {{ {sparql.iris(types)} }}
  GRAPH {_SUMMARY} {{ ?e s:type ?type ; s:confidence ?c ; s:mentions ?mc . }}"""
    if mentioned_in:
        try:
            graph = sparql.iri(article_iri(base, mentioned_in))
        except sparql.InvalidIRIError:
            return 0, []  # no article has that id
        where += f"\n  FILTER EXISTS {{ GRAPH {graph} {{ ?e a ?type }} }}"
    if search:
        needle = sparql.literal(search.lower())
        if prefix:
            test = f'STRSTARTS(LCASE(STR(?n)), {needle}) || CONTAINS(LCASE(STR(?n)), CONCAT(" ", {needle}))'
        else:
            test = f"CONTAINS(LCASE(STR(?n)), {needle})"
        where += f"""
  FILTER EXISTS {{ GRAPH {_SUMMARY} {{ {{ ?e s:label ?n }} UNION {{ ?e s:alias ?n }} }} FILTER({test}) }}"""
    if min_confidence > 0:
        where += f"\n  FILTER(?c >= {min_confidence:.6f})"
    total, rows = count_and_page(
        store,
        where,
        count="?e",
        select="?e (MIN(LCASE(STR(?label))) AS ?sort) (MAX(?c) AS ?conf) (MAX(?mc) AS ?mentions)",
        page_where=f"{where} GRAPH {_SUMMARY} {{ ?e s:label ?label }}",
        group_by="?e",
        order_by=_ENTITY_ORDER[order],
        page=page,
    )
    return total, [iri_key(base, r["e"]) for r in rows]


def entities_of_article(store: Store, base: str, article_id: str, page: Page) -> tuple[int, list[str]]:
    """Return the total count and one page of keys of entities an article mentions, by label."""
    try:
        g = sparql.iri(article_iri(base, article_id))
    except sparql.InvalidIRIError:
        return 0, []  # no article has that id
    types = sparql.iris(_TYPE_IRIS.values())
    where = f"VALUES ?type {{ {types} }} GRAPH {g} {{ ?e a ?type ; rdfs:label ?label }}"
    total, rows = count_and_page(
        store,
        where,
        count="DISTINCT ?e",
        select="?e (MIN(LCASE(STR(?label))) AS ?sort)",
        group_by="?e",
        order_by="?sort ?e",
        page=page,
    )
    return total, [iri_key(base, r["e"]) for r in rows]
