"""Articles: look-ups by id, the paged list, an article's mentions, an entity's articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg import sparql, summary
from kg.rdf import article_iri, iri_key, stored_day
from kg.sparql import PROLOGUE, Page, count_and_page
from kg.store import Store

__all__ = [
    "ArticleView",
    "MentionView",
    "articles_by_ids",
    "articles_of_entity",
    "list_articles",
    "mentions_of_article",
]


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
        published=stored_day(r["published"]) if "published" in r else None,
        url=r.get("url"),
        source=r.get("source"),
    )


def articles_by_ids(store: Store, base: str, ids: Sequence[str]) -> dict[str, ArticleView]:
    """Return the articles with the given ids (missing ids are absent), in one query."""
    if not ids:
        return {}
    values = sparql.iris(article_iri(base, i) for i in dict.fromkeys(ids))
    # The VALUES inside the GRAPH block: Oxigraph then reads only those graphs (3x faster at 10^3 articles).
    rows = store.query(PROLOGUE + f"SELECT * WHERE {{ GRAPH ?a {{ VALUES ?a {{ {values} }} {_ARTICLE_FIELDS} }} }}")
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
    total, rows = count_and_page(
        store,
        "GRAPH ?a { ?a a kg:Article }",
        count="?a",
        select="*",
        page_where=f"GRAPH ?a {{ {_ARTICLE_FIELDS} }}",
        order_by="DESC(?published) ?a",
        page=page,
    )
    return total, [_article(base, r) for r in rows]


def mentions_of_article(store: Store, base: str, article_id: str, page: Page) -> tuple[int, list[MentionView]]:
    """Return the total count and one page of an article's mentions, in text order."""
    try:
        g = sparql.iri(article_iri(base, article_id))
    except sparql.InvalidIRIError:
        return 0, []  # no article has that id
    where = (
        f"GRAPH {g} {{ ?m a kg:Mention ; nif:beginIndex ?s ; nif:endIndex ?e ; nif:anchorOf ?t ;"
        " kg:denotes ?x ; kg:confidence ?c }"
    )
    total, rows = count_and_page(store, where, count="?m", select="?s ?e ?t ?x ?c", order_by="?s ?e", page=page)
    return total, [
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
    try:
        entity = sparql.iri(base + key)
    except sparql.InvalidIRIError:
        return 0, []  # no entity has that key
    prefix = article_iri(base, "")
    idx = summary.read_index(store)
    if idx is not None:  # the entity's own articles, in the index's date order
        count, iris = idx.articles_of(base + key, page.offset, page.limit)
        return count, [i[len(prefix) :] for i in iris]
    where = f"GRAPH ?a {{ ?a a kg:Article . {entity} kg:mentionedIn ?a . OPTIONAL {{ ?a schema:datePublished ?d }} }}"
    total, rows = count_and_page(
        store, where, count="DISTINCT ?a", select="DISTINCT ?a ?d", order_by="DESC(?d) ?a", page=page
    )
    return total, [r["a"][len(prefix) :] for r in rows]
