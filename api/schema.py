"""The GraphQL schema: queries over the read model."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.types import (
    Article,
    ArticleConnection,
    Entity,
    EntityConnection,
    EntityNotFound,
    EntityResult,
    EntityType,
    KGInfo,
    Stats,
    connection,
    page_from,
)
from kg import queries

__all__ = ["Query", "build_schema", "entity_key_from_id"]


def entity_key_from_id(id: str, base: str) -> str | None:  # noqa: A002 - the GraphQL argument's name
    """Accept a Relay global id of an Entity, an entity IRI or a bare key; return the key.

    >>> entity_key_from_id("https://w3id.org/newskg/id/place/bakhmut", "https://w3id.org/newskg/id/")
    'place/bakhmut'
    """
    if id.startswith(base):
        return id[len(base) :]
    try:
        gid = relay.GlobalID.from_id(id)
    except (relay.GlobalIDValueError, ValueError):
        return id if "/" in id else None
    return gid.node_id if gid.type_name == "Entity" else None


@strawberry.type
class Query:
    node: relay.Node = relay.node(description="Any object by its Relay global id.")

    @strawberry.field(description="One entity by its global id (or IRI); EntityNotFound when none has it.")
    async def entity(self, info: KGInfo, id: strawberry.ID) -> EntityResult:  # noqa: A002
        key = entity_key_from_id(str(id), info.context.base)
        view = await info.context.loaders.entities.load(key) if key else None
        if view is None:
            return EntityNotFound(id=id, message=f"no entity has the id {id!r}")
        return Entity.from_view(view)

    @strawberry.field(description="Entities, by label; filter by type and by a case-insensitive search.")
    async def entities(
        self,
        info: KGInfo,
        type: EntityType | None = None,  # noqa: A002
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> EntityConnection:
        page = page_from(info, first, after)
        ctx = info.context
        total, keys = await ctx.run(
            queries.list_entities,
            ctx.store,
            ctx.base,
            page,
            type=type.to_record() if type else None,
            search=search,
        )
        views = await ctx.loaders.entities.load_many(keys)
        return connection(EntityConnection, (Entity.from_view(v) for v in views if v), page, total)  # type: ignore[no-any-return]

    @strawberry.field(description="Articles, newest first.")
    async def articles(self, info: KGInfo, first: int | None = None, after: str | None = None) -> ArticleConnection:
        page = page_from(info, first, after)
        ctx = info.context
        total, views = await ctx.run(queries.list_articles, ctx.store, ctx.base, page)
        return connection(ArticleConnection, (Article.from_view(v) for v in views), page, total)  # type: ignore[no-any-return]

    @strawberry.field(description="Counts over the whole graph.")
    async def stats(self, info: KGInfo) -> Stats:
        return Stats.from_view(await info.context.run(queries.graph_stats, info.context.store))


def build_schema() -> strawberry.Schema:
    """Build the schema (types are fixed; limits are applied by the app)."""
    return strawberry.Schema(query=Query, types=[Entity, Article])
