"""Strawberry types of the public schema (names fixed by PRODUCT.md).

Types are built from the read model's views (:mod:`kg.queries`); no rdflib or
pyoxigraph term reaches them. Connections use offset cursors in Relay's
``arrayconnection:N`` form and always carry ``totalCount``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from kg import queries
from kg.records import EntityType as _EntityType

__all__ = [
    "Article",
    "ArticleConnection",
    "Entity",
    "EntityConnection",
    "EntityNotFound",
    "EntityResult",
    "EntityType",
    "Mention",
    "MentionConnection",
    "MentionEdge",
    "Stats",
    "connection",
    "page_from",
]

KGInfo = Info[Context, None]


@strawberry.enum(description="The kinds of entity in the graph.")
class EntityType(enum.Enum):
    PERSON = "PERSON"
    ORGANISATION = "ORGANISATION"
    PLACE = "PLACE"

    @classmethod
    def from_record(cls, value: _EntityType) -> EntityType:
        """Map the library's entity type to the GraphQL enum."""
        return cls[value.name]

    def to_record(self) -> _EntityType:
        """Map the GraphQL enum to the library's entity type."""
        return _EntityType[self.name]


def page_from(info: KGInfo, first: int | None, after: str | None, default: int = 20) -> queries.Page:
    """Turn Relay paging arguments into an offset window, enforcing the page-size cap.

    Raises:
        ValueError: ``first`` is negative or above the cap, or ``after`` is not a cursor
            this server issued. The message reaches the client as a GraphQL error.
    """
    cap = info.context.settings.page_size_max
    limit = default if first is None else first
    if limit < 0 or limit > cap:
        raise ValueError(f"first must be between 0 and {cap}, got {limit}")
    offset = 0
    if after is not None:
        try:
            kind, value = relay.from_base64(after)
            if kind != "arrayconnection":
                raise ValueError(kind)
            offset = int(value) + 1
        except (ValueError, TypeError):
            raise ValueError(f"after={after!r} is not a cursor from this API") from None
    return queries.Page(offset=offset, limit=min(limit, cap))


def _connection(cls: type[Any], items: Iterable[Any], page: queries.Page, total: int) -> Any:
    nodes = list(items)
    edge = MentionEdge if cls is MentionConnection else relay.Edge
    edges = [edge(cursor=relay.to_base64("arrayconnection", page.offset + i), node=n) for i, n in enumerate(nodes)]
    info = relay.PageInfo(
        has_next_page=page.offset + len(nodes) < total,
        has_previous_page=page.offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return cls(edges=edges, page_info=info, total_count=total)


@strawberry.type(description="An entity: a person, organisation or place, merged over all articles.")
class Entity(relay.Node):
    key: relay.NodeID[str]
    iri: str
    label: str
    type: EntityType
    aliases: list[str] = strawberry.field(description="Other names seen for it.")
    same_as: list[str] = strawberry.field(description="External IRIs, e.g. https://sws.geonames.org/713174/")
    latitude: float | None
    longitude: float | None
    mention_count: int
    confidence: float

    @classmethod
    def from_view(cls, v: queries.EntityView) -> Entity:
        """Build the GraphQL object from the read model's view."""
        return cls(
            key=v.key,
            iri=v.iri,
            label=v.label,
            type=EntityType.from_record(v.type),
            aliases=list(v.aliases),
            same_as=list(v.same_as),
            latitude=v.latitude,
            longitude=v.longitude,
            mention_count=v.mention_count,
            confidence=v.confidence,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: KGInfo, node_ids: Iterable[str], required: bool = False
    ) -> list[Entity | None]:
        views = await info.context.loaders.entities.load_many(list(node_ids))
        return [cls.from_view(v) if v is not None else None for v in views]

    @strawberry.field(description="Articles that mention this entity, newest first.")
    async def articles(
        self, info: KGInfo, first: int | None = None, after: str | None = None
    ) -> Annotated[ArticleConnection, strawberry.lazy("api.types")]:
        page = page_from(info, first, after)
        ctx = info.context
        total, ids = await ctx.run(queries.articles_of_entity, ctx.store, ctx.base, self.key, page)
        views = await ctx.loaders.articles.load_many(ids)
        return _connection(ArticleConnection, (Article.from_view(v) for v in views if v), page, total)  # type: ignore[no-any-return]


@strawberry.type(description="A span of an article that names an entity.")
class Mention:
    start: int = strawberry.field(description="Character offset into Article.text where the mention starts.")
    end: int = strawberry.field(description="Character offset into Article.text just after the mention.")
    text: str
    confidence: float
    entity_key: strawberry.Private[str]

    @strawberry.field(description="The entity the mention names.")
    async def entity(self, info: KGInfo) -> Entity:
        view = await info.context.loaders.entities.load(self.entity_key)
        if view is None:  # a mention always denotes an entity stored in the same graph
            raise ValueError(f"entity {self.entity_key!r} of a mention is missing from the store")
        return Entity.from_view(view)


@strawberry.type(description="A news article.")
class Article(relay.Node):
    article_id: relay.NodeID[str]
    iri: str
    title: str | None
    published: str | None = strawberry.field(description="Publication date, ISO 8601.")
    url: str | None
    source: str | None
    text: str

    @classmethod
    def from_view(cls, v: queries.ArticleView) -> Article:
        """Build the GraphQL object from the read model's view."""
        return cls(
            article_id=v.id,
            iri=v.iri,
            title=v.title,
            published=v.published,
            url=v.url,
            source=v.source,
            text=v.text,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: KGInfo, node_ids: Iterable[str], required: bool = False
    ) -> list[Article | None]:
        views = await info.context.loaders.articles.load_many(list(node_ids))
        return [cls.from_view(v) if v is not None else None for v in views]

    @strawberry.field(description="Mentions of entities in this article, in text order.")
    async def mentions(self, info: KGInfo, first: int | None = None, after: str | None = None) -> MentionConnection:
        page = page_from(info, first, after)
        ctx = info.context
        total, views = await ctx.run(queries.mentions_of_article, ctx.store, ctx.base, self.article_id, page)
        items = (
            Mention(start=m.start, end=m.end, text=m.text, confidence=m.confidence, entity_key=m.entity_key)
            for m in views
        )
        return _connection(MentionConnection, items, page, total)  # type: ignore[no-any-return]

    @strawberry.field(description="Entities mentioned in this article, by label.")
    async def entities(self, info: KGInfo, first: int | None = None, after: str | None = None) -> EntityConnection:
        page = page_from(info, first, after)
        ctx = info.context
        total, keys = await ctx.run(queries.entities_of_article, ctx.store, ctx.base, self.article_id, page)
        views = await ctx.loaders.entities.load_many(keys)
        return _connection(EntityConnection, (Entity.from_view(v) for v in views if v), page, total)  # type: ignore[no-any-return]


@strawberry.type(name="EntityConnection", description="A page of entities.")
class EntityConnection(relay.Connection[Entity]):
    total_count: int = strawberry.field(description="How many entities the whole list has.")


@strawberry.type(name="ArticleConnection", description="A page of articles.")
class ArticleConnection(relay.Connection[Article]):
    total_count: int = strawberry.field(description="How many articles the whole list has.")


@strawberry.type(description="An edge in a connection.")
class MentionEdge:
    cursor: str = strawberry.field(description="A cursor for use in pagination")
    node: Mention = strawberry.field(description="The item at the end of the edge")


@strawberry.type(description="A page of mentions (mentions are not nodes: they have no global id).")
class MentionConnection:
    page_info: relay.PageInfo = strawberry.field(description="Pagination data for this connection")
    edges: list[MentionEdge] = strawberry.field(description="Contains the nodes in this connection")
    total_count: int = strawberry.field(description="How many mentions the whole list has.")


@strawberry.type(description="No entity has the id that was asked for.")
class EntityNotFound:
    id: strawberry.ID
    message: str


EntityResult = Annotated[Entity | EntityNotFound, strawberry.union("EntityResult")]


@strawberry.type(description="Counts over the whole graph.")
class Stats:
    articles: int
    entities: int
    people: int
    organisations: int
    places: int
    events: int
    relations: int
    mentions: int
    quads: int

    @classmethod
    def from_view(cls, s: queries.Stats) -> Stats:
        """Build the GraphQL object from the read model's counts."""
        return cls(**s.as_dict())


def connection(cls: type[Any], items: Iterable[Any], page: queries.Page, total: int) -> Any:
    """Build a Relay connection of ``cls`` from one page of items and the total count."""
    return _connection(cls, items, page, total)
