"""The read model: SPARQL over the store -> frozen views for the API and the CLI.

Every function takes the store and the base IRI and returns plain records, never
rdflib or pyoxigraph terms. Functions that take a list of keys answer for all of
them in one query, so the API's DataLoaders cost one store query per field and
page, whatever the page size.

Entities are described once per article that mentions them (each article's graph
holds its own view); the store keeps those views merged in the entity summary
(:mod:`kg.summary`), which entity look-ups and lists read: the longest label wins,
the others become aliases, confidence is the highest seen.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from kg import sparql_terms as terms
from kg import summary
from kg.namespace import DCTERMS, KG_NS, NIF, RDF, RDFS, SCHEMA, SKOS, WGS84
from kg.rdf import article_iri, iri_key
from kg.records import EntityType
from kg.store import SERVER_GRAPHS, SERVICE, Store
from kg.summary import SUMMARY_GRAPH, SUMMARY_NS

__all__ = [
    "ArticleView",
    "EntityOrder",
    "EntityView",
    "MentionView",
    "Page",
    "Stats",
    "articles_by_ids",
    "articles_of_entity",
    "entities_by_keys",
    "entities_of_article",
    "graph_stats",
    "list_articles",
    "list_entities",
    "mentions_of_article",
    "sparql_string",
]

_PREFIXES = f"""PREFIX kg: <{KG_NS}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX nif: <{NIF}>
PREFIX dcterms: <{DCTERMS}>
PREFIX schema: <{SCHEMA}>
PREFIX wgs84: <{WGS84}>
PREFIX s: <{SUMMARY_NS}>
"""

_SUMMARY = terms.iri(SUMMARY_GRAPH)
_TYPE_IRIS = {t: f"{KG_NS}{t.value}" for t in EntityType}
_IRI_TYPES = {v: k for k, v in _TYPE_IRIS.items()}


def sparql_string(value: str) -> str:
    """Return ``value`` as a quoted SPARQL string literal.

    >>> sparql_string('say "hi"')
    '"say \\\\"hi\\\\""'
    """
    return terms.literal(value)


def _iris(values: Sequence[str]) -> str:
    return terms.iris(values)


@dataclass(frozen=True, slots=True)
class Page:
    """A window of a list: ``offset`` items skipped, at most ``limit`` returned."""

    offset: int = 0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts over the whole graph."""

    articles: int
    entities: int
    people: int
    organisations: int
    places: int
    events: int
    relations: int
    mentions: int
    quads: int

    def as_dict(self) -> dict[str, int]:
        """The counts by name, in display order."""
        return {name: getattr(self, name) for name in self.__slots__}


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


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article's metadata and text."""

    id: str
    iri: str
    text: str
    title: str | None
    published: str | None
    url: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class MentionView:
    """A mention: a span of an article naming an entity."""

    article_id: str
    start: int
    end: int
    text: str
    entity_key: str
    confidence: float


#: Graphs whose quads ``stats`` does not count: the entity summary (derived) and a server's own.
_NOT_COUNTED = " ".join(f"<{g}>" for g in (SUMMARY_GRAPH, *SERVER_GRAPHS))


def graph_stats(store: Store) -> Stats:
    """Count what the graph holds: maintained counters of the read index, else one query.

    With the read index (:mod:`kg.summary._index`) ``quads`` counts the article
    graphs' quads (graphs written behind kg's back are not counted).
    """
    idx = summary.read_index(store)
    if idx is not None:
        c = idx.counts()
        people, orgs, places = (c.get(f"{KG_NS}{t}", 0) for t in ("Person", "Organisation", "Place"))
        return Stats(
            articles=c.get("articles", 0),
            entities=people + orgs + places,
            people=people,
            organisations=orgs,
            places=places,
            events=c.get("events", 0),
            relations=c.get("relations", 0),
            mentions=c.get("mentions", 0),
            quads=c.get("quads", 0),
        )
    rows = store.query(
        _PREFIXES
        + """SELECT
  (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?p) AS ?people)
  (COUNT(DISTINCT ?o) AS ?organisations) (COUNT(DISTINCT ?pl) AS ?places)
  (COUNT(DISTINCT ?e) AS ?events) (COUNT(DISTINCT ?st) AS ?relations)
  (COUNT(DISTINCT ?m) AS ?mentions)
WHERE { GRAPH ?g {
  { ?a a kg:Article } UNION { ?p a kg:Person } UNION { ?o a kg:Organisation } UNION { ?pl a kg:Place }
  UNION { ?e a kg:Event } UNION { ?st a kg:Statement } UNION { ?m a kg:Mention }
} }"""
    )
    # The entity summary's quads are derived data, and a server's own graphs are not kg's:
    # counted apart and taken off (a FILTER on every quad's graph would cost a fifth more
    # on a large store).
    quads = store.query(
        f"""SELECT ((?all - ?derived - ?described) AS ?n) WHERE {{
  {{ SELECT (COUNT(*) AS ?all) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(*) AS ?derived) WHERE {{ VALUES ?d {{ {_NOT_COUNTED} }} GRAPH ?d {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(*) AS ?described) WHERE {{ GRAPH ?sd {{ ?sd a <{SERVICE}> . ?s ?p ?o }} }} }}
}}"""
    )
    r = rows[0] if rows else {}

    def n(name: str) -> int:
        return int(r.get(name, "0"))

    return Stats(
        articles=n("articles"),
        entities=n("people") + n("organisations") + n("places"),
        people=n("people"),
        organisations=n("organisations"),
        places=n("places"),
        events=n("events"),
        relations=n("relations"),
        mentions=n("mentions"),
        quads=int(quads[0]["n"]) if quads else 0,
    )


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
    where = f"""VALUES ?type {{ {_iris(types)} }}
  GRAPH {_SUMMARY} {{ ?e s:type ?type ; s:confidence ?c ; s:mentions ?mc . }}"""
    if mentioned_in:
        if not terms.valid_iri(article_iri(base, mentioned_in)):
            return 0, []  # no article has that id
        where += f"\n  FILTER EXISTS {{ GRAPH {terms.iri(article_iri(base, mentioned_in))} {{ ?e a ?type }} }}"
    if search:
        needle = sparql_string(search.lower())
        if prefix:
            test = f'STRSTARTS(LCASE(STR(?n)), {needle}) || CONTAINS(LCASE(STR(?n)), CONCAT(" ", {needle}))'
        else:
            test = f"CONTAINS(LCASE(STR(?n)), {needle})"
        where += f"""
  FILTER EXISTS {{ GRAPH {_SUMMARY} {{ {{ ?e s:label ?n }} UNION {{ ?e s:alias ?n }} }} FILTER({test}) }}"""
    if min_confidence > 0:
        where += f"\n  FILTER(?c >= {min_confidence:.6f})"
    total = store.query(_PREFIXES + f"SELECT (COUNT(?e) AS ?n) WHERE {{ {where} }}")
    rows = store.query(
        _PREFIXES
        + f"""SELECT ?e (MIN(LCASE(STR(?label))) AS ?sort) (MAX(?c) AS ?conf) (MAX(?mc) AS ?mentions)
WHERE {{ {where} GRAPH {_SUMMARY} {{ ?e s:label ?label }} }}
GROUP BY ?e ORDER BY {_ENTITY_ORDER[order]} OFFSET {page.offset} LIMIT {page.limit}"""
    )
    return int(total[0]["n"]) if total else 0, [iri_key(base, r["e"]) for r in rows]


_ARTICLE_FIELDS = """?a a kg:Article ; nif:isString ?text .
    OPTIONAL { ?a dcterms:title ?title }
    OPTIONAL { ?a schema:datePublished ?published }
    OPTIONAL { ?a schema:url ?url }
    OPTIONAL { ?a kg:source ?source }"""


def _article(base: str, r: dict[str, str]) -> ArticleView:
    iri = r["a"]
    return ArticleView(
        id=iri[len(article_iri(base, "")) :],
        iri=iri,
        text=r["text"],
        title=r.get("title"),
        published=r.get("published"),
        url=r.get("url"),
        source=r.get("source"),
    )


def articles_by_ids(store: Store, base: str, ids: Sequence[str]) -> dict[str, ArticleView]:
    """Return the articles with the given ids (missing ids are absent), in one query."""
    if not ids:
        return {}
    values = _iris([article_iri(base, i) for i in dict.fromkeys(ids)])
    # The VALUES inside the GRAPH block: Oxigraph then reads only those graphs (3x faster at 10^3 articles).
    rows = store.query(_PREFIXES + f"SELECT * WHERE {{ GRAPH ?a {{ VALUES ?a {{ {values} }} {_ARTICLE_FIELDS} }} }}")
    views = (_article(base, r) for r in rows)
    return {v.id: v for v in views}


def list_articles(store: Store, base: str, page: Page) -> tuple[int, list[ArticleView]]:
    """Return the total count and one page of articles, newest first (from the read index's date order when there is one)."""
    idx = summary.read_index(store)
    if idx is not None:
        count, iris = idx.latest_articles(page.offset, page.limit)
        prefix = article_iri(base, "")
        found = articles_by_ids(store, base, [i[len(prefix) :] for i in iris])
        return count, [found[i[len(prefix) :]] for i in iris if i[len(prefix) :] in found]
    total = store.query(_PREFIXES + "SELECT (COUNT(?a) AS ?n) WHERE { GRAPH ?a { ?a a kg:Article } }")
    rows = store.query(
        _PREFIXES
        + f"""SELECT * WHERE {{ GRAPH ?a {{ {_ARTICLE_FIELDS} }} }}
ORDER BY DESC(?published) ?a OFFSET {page.offset} LIMIT {page.limit}"""
    )
    return int(total[0]["n"]) if total else 0, [_article(base, r) for r in rows]


def mentions_of_article(store: Store, base: str, article_id: str, page: Page) -> tuple[int, list[MentionView]]:
    """Return the total count and one page of an article's mentions, in text order."""
    if not terms.valid_iri(article_iri(base, article_id)):
        return 0, []  # no article has that id
    g = terms.iri(article_iri(base, article_id))
    where = (
        f"GRAPH {g} {{ ?m a kg:Mention ; nif:beginIndex ?s ; nif:endIndex ?e ; nif:anchorOf ?t ;"
        " kg:denotes ?x ; kg:confidence ?c }"
    )
    total = store.query(_PREFIXES + f"SELECT (COUNT(?m) AS ?n) WHERE {{ {where} }}")
    rows = store.query(
        _PREFIXES + f"SELECT ?s ?e ?t ?x ?c WHERE {{ {where} }} ORDER BY ?s ?e OFFSET {page.offset} LIMIT {page.limit}"
    )
    return int(total[0]["n"]) if total else 0, [
        MentionView(
            article_id=article_id,
            start=int(r["s"]),
            end=int(r["e"]),
            text=r["t"],
            entity_key=iri_key(base, r["x"]),
            confidence=float(r["c"]),
        )
        for r in rows
    ]


def articles_of_entity(store: Store, base: str, key: str, page: Page) -> tuple[int, list[str]]:
    """Return the total count and one page of ids of articles mentioning an entity, newest first."""
    if not terms.valid_iri(base + key):
        return 0, []  # no entity has that key
    prefix = article_iri(base, "")
    idx = summary.read_index(store)
    if idx is not None:  # the entity's own articles, in the index's date order
        count, iris = idx.articles_of(base + key, page.offset, page.limit)
        return count, [i[len(prefix) :] for i in iris]
    where = f"GRAPH ?a {{ ?a a kg:Article . {terms.iri(base + key)} kg:mentionedIn ?a . OPTIONAL {{ ?a schema:datePublished ?d }} }}"
    total = store.query(_PREFIXES + f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {where} }}")
    rows = store.query(
        _PREFIXES
        + f"SELECT DISTINCT ?a ?d WHERE {{ {where} }} ORDER BY DESC(?d) ?a OFFSET {page.offset} LIMIT {page.limit}"
    )
    return int(total[0]["n"]) if total else 0, [r["a"][len(prefix) :] for r in rows]


def entities_of_article(store: Store, base: str, article_id: str, page: Page) -> tuple[int, list[str]]:
    """Return the total count and one page of keys of entities an article mentions, by label."""
    if not terms.valid_iri(article_iri(base, article_id)):
        return 0, []  # no article has that id
    g = terms.iri(article_iri(base, article_id))
    types = _iris(list(_TYPE_IRIS.values()))
    where = f"VALUES ?type {{ {types} }} GRAPH {g} {{ ?e a ?type ; rdfs:label ?label }}"
    total = store.query(_PREFIXES + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")
    rows = store.query(
        _PREFIXES
        + f"""SELECT ?e (MIN(LCASE(STR(?label))) AS ?sort) WHERE {{ {where} }}
GROUP BY ?e ORDER BY ?sort ?e OFFSET {page.offset} LIMIT {page.limit}"""
    )
    return int(total[0]["n"]) if total else 0, [iri_key(base, r["e"]) for r in rows]
