"""The GraphQL schema: queries over the read model and the analytics, mutations, limits.

Run ``python -m api.sdl`` to print the SDL; ``schema.graphql`` at the
repository root is that output, committed, and a test fails when they differ.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from api import analytics as an
from api import hubs
from api.inputs import (
    CentralityMeasure,
    EntityFilter,
    EntityOrder,
    EntityType,
    EventFilter,
    EventOrder,
    PathFilter,
    article_id,
    check_confidence,
    check_event_types,
    node_key,
    page_from,
)
from api.limits import ArgumentLengthLimiter
from api.mutations import Mutation
from api.types import (
    Article,
    ArticleConnection,
    Entity,
    EntityConnection,
    EntityNotFound,
    EntityResult,
    Event,
    EventConnection,
    KGInfo,
    Stats,
    load_entities,
    load_events,
)
from kg import queries
from kg.analytics import window_range
from kg.errors import ErrorCode, InvalidArgumentError, KGError
from kg.settings import Settings

__all__ = ["Query", "build_schema", "entity_key_from_id", "error_code", "should_mask"]


def entity_key_from_id(id: str, base: str) -> str | None:  # noqa: A002 - the GraphQL argument's name
    """Accept a Relay global id of an Entity, an entity IRI or a bare key; return the key.

    >>> entity_key_from_id("https://w3id.org/newskg/id/place/bakhmut", "https://w3id.org/newskg/id/")
    'place/bakhmut'
    """
    return node_key(id, base, kinds=frozenset({"Entity"}))


def _entity_arg(name: str, id: str | None, base: str) -> str | None:  # noqa: A002
    if id is None:
        return None
    key = entity_key_from_id(str(id), base)
    if key is None:
        raise InvalidArgumentError(name, f"{name} {id!r} is not the id of an entity")
    return key


T = TypeVar("T")


def _both(name: str, top: T | None, inner: T | None) -> T | None:
    """The value of an argument given at the top level, in ``filter``, or in both alike.

    Every filter must hold, so two different values for the same field can only
    mean a mistake.

    Raises:
        InvalidArgumentError: The two values differ.
    """
    if top is None:
        return inner
    if inner is not None and inner != top:
        raise InvalidArgumentError(
            name,
            f"{name} {_shown(top)} and filter.{name} {_shown(inner)} disagree; every filter must hold, "
            "so give the value once",
        )
    return top


def _shown(value: object) -> str:
    return value.name if isinstance(value, enum.Enum) else repr(value)


_NODE_TYPES: dict[str, type[Entity] | type[Event] | type[Article]] = {
    "Entity": Entity,
    "Event": Event,
    "Article": Article,
}


@strawberry.type
class Query:
    @strawberry.field(description="Any object (Entity, Event, Article) by its Relay global id; null when none has it.")
    async def node(self, info: KGInfo, id: strawberry.ID) -> relay.Node | None:  # noqa: A002
        # Written out rather than relay.node(), whose field can join only one schema
        # per process, while the app and the tests build one per set of limits.
        try:
            gid = relay.GlobalID.from_id(str(id))
        except (relay.GlobalIDValueError, ValueError):
            raise InvalidArgumentError("id", f"{id!r} is not a global id (base64 of 'Type:id')") from None
        kind = _NODE_TYPES.get(gid.type_name)
        if kind is None:
            raise InvalidArgumentError(
                "id", f"unknown node type {gid.type_name!r}; valid: {', '.join(sorted(_NODE_TYPES))}"
            )
        (found,) = await kind.resolve_nodes(info=info, node_ids=[gid.node_id])
        return found

    @strawberry.field(description="One entity by its global id (or IRI); EntityNotFound when none has it.")
    async def entity(self, info: KGInfo, id: strawberry.ID) -> EntityResult:  # noqa: A002
        key = entity_key_from_id(str(id), info.context.base)
        view = await info.context.loaders.entities.load(key) if key else None
        if view is None:
            return EntityNotFound(id=id, message=f"no entity has the id {id!r}")
        return Entity.from_view(view)

    @strawberry.field(
        description="Entities; filter by type and by a case-insensitive search of labels and aliases. "
        "`filter` adds prefix search, a confidence floor and an article; `orderBy` sorts."
    )
    async def entities(
        self,
        info: KGInfo,
        type: EntityType | None = None,  # noqa: A002
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        filter: EntityFilter | None = None,  # noqa: A002
        order_by: EntityOrder = queries.EntityOrder.LABEL_ASC,  # type: ignore[valid-type]
    ) -> EntityConnection:
        page = page_from(info.context, first, after)
        ctx = info.context
        f = filter or EntityFilter()
        etype = _both("type", type, f.type)
        total, keys = await ctx.run(
            queries.list_entities,
            ctx.store,
            ctx.base,
            page,
            type=etype.to_record() if etype else None,
            search=_both("search", search, f.search),
            prefix=f.prefix,
            min_confidence=check_confidence(f.min_confidence),
            mentioned_in=article_id(str(f.mentioned_in), ctx.base) if f.mentioned_in else None,
            order=order_by,
        )
        return EntityConnection.from_page(await load_entities(info, keys), page, total)

    @strawberry.field(
        description="Events, newest first by default; `from`/`to` keep events whose dates overlap the range."
    )
    async def events(
        self,
        info: KGInfo,
        type: str | None = None,  # noqa: A002
        participant: strawberry.ID | None = None,
        place: strawberry.ID | None = None,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
        first: int | None = None,
        after: str | None = None,
        filter: EventFilter | None = None,  # noqa: A002
        order_by: EventOrder = queries.EventOrder.START_DESC,  # type: ignore[valid-type]
    ) -> EventConnection:
        page = page_from(info.context, first, after)
        ctx = info.context
        f = filter or EventFilter()
        named = f.type_names()
        types = check_event_types(named + ((type,) if type else ()))
        if type and named:  # both must hold: the event is of `type`, which must be one of filter.types
            if type not in named:
                raise InvalidArgumentError(
                    "type",
                    f"type {type!r} is not among filter.types {list(named)!r}; every filter must hold, "
                    "so no event could match: give the type once",
                )
            types = check_event_types((type,))
        lo = _both("from", from_, f.from_)
        hi = _both("to", to, f.to)
        spec = queries.EventFilter(
            types=types,
            participant=_entity_arg("participant", _both("participant", participant, f.participant), ctx.base),
            place=_entity_arg("place", _both("place", place, f.place), ctx.base),
            window=window_range(lo, hi),
            min_confidence=check_confidence(f.min_confidence),
            search=f.search,
        )
        total, keys = await ctx.run(queries.list_events, ctx.store, ctx.base, page, spec, order_by)
        return EventConnection.from_page(await load_events(info, keys), page, total)

    @strawberry.field(description="Articles, newest first.")
    async def articles(self, info: KGInfo, first: int | None = None, after: str | None = None) -> ArticleConnection:
        page = page_from(info.context, first, after)
        ctx = info.context
        total, views = await ctx.run(queries.list_articles, ctx.store, ctx.base, page)
        return ArticleConnection.from_page((Article.from_view(v) for v in views), page, total)

    @strawberry.field(
        name="shortestPath",
        description="A shortest path between two entities or events (ids, IRIs or keys), at most "
        "`maxLength` edges (default and cap: the server's path length limit); null when none.",
    )
    async def shortest_path(
        self,
        info: KGInfo,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_length: int | None = None,
        filter: PathFilter | None = None,  # noqa: A002
    ) -> an.Path | None:
        return await an.shortest_path(info, str(from_), str(to), max_length, filter)

    @strawberry.field(description="Up to `k` shortest simple paths between two nodes, shortest first.")
    async def paths(
        self,
        info: KGInfo,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        k: int = 3,
        max_length: int | None = None,
        filter: PathFilter | None = None,  # noqa: A002
    ) -> list[an.Path]:
        return await an.paths(info, str(from_), str(to), k, max_length, filter)

    @strawberry.field(description="Entities ranked by a centrality measure, highest first (`first` defaults to 10).")
    async def centrality(
        self,
        info: KGInfo,
        measure: CentralityMeasure,
        type: EntityType | None = None,  # noqa: A002
        first: int | None = None,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
    ) -> list[an.Ranked]:
        return await an.centrality(info, measure, type, 10 if first is None else first, from_, to)

    @strawberry.field(
        description="The entities and events within `depth` (default 1) edges of a node, and the links among them."
    )
    async def neighbourhood(
        self,
        info: KGInfo,
        id: strawberry.ID,  # noqa: A002
        depth: int | None = None,
        max_nodes: int | None = None,
        filter: PathFilter | None = None,  # noqa: A002
    ) -> an.Subgraph:
        return await an.neighbourhood(info, str(id), 1 if depth is None else depth, max_nodes, filter)

    @strawberry.field(
        description="An entity's neighbourhood aggregated (this server's extension, for the explorer): "
        "each linked entity once with the weight and kinds of what it shares, the events counted by type. "
        "Give `id`, or `search`: then the entity it means (the most mentioned exact match of the first "
        "10 `entities(search:)` gives, else the most mentioned of them)."
    )
    async def hub(self, info: KGInfo, id: strawberry.ID | None = None, search: str | None = None) -> hubs.HubResult:  # noqa: A002
        key = entity_key_from_id(str(id), info.context.base) if id is not None else None
        return await hubs.hub(info, None if id is None else str(id), key, search)

    @strawberry.field(description="Louvain communities of the graph, largest first.")
    async def communities(
        self,
        info: KGInfo,
        min_size: int = 2,
        first: int = 20,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
    ) -> list[an.Community]:
        return await an.communities(info, min_size, first, from_, to)

    @strawberry.field(description="Counts over the whole graph.")
    async def stats(self, info: KGInfo) -> Stats:
        return await info.context.run(queries.graph_stats, info.context.store)


def should_mask(error: GraphQLError) -> bool:
    """Whether an error is unexpected and so must reach the client masked.

    Validation and syntax errors (no original exception), kg's own errors (bad
    arguments, unknown ids) and GraphQL errors raised on purpose keep their message;
    anything else (a bug, a broken store) becomes "Unexpected error.".
    """
    original = error.original_error
    if original is None:
        return False
    return not isinstance(original, KGError | GraphQLError)


def error_code(error: GraphQLError) -> ErrorCode:
    """The ``extensions.code`` a client can act on, for an error as raised.

    kg's own errors carry their code (:class:`kg.errors.ErrorCode`: an argument
    kg refuses is ``BAD_USER_INPUT``, an unknown id ``NOT_FOUND``, a failing store
    ``INTERNAL``, a request past its deadline ``TIMEOUT``). Of the rest, syntax,
    validation and query-limit errors are ``GRAPHQL_VALIDATION_FAILED``, a
    refused token ``UNAUTHENTICATED``, and anything unexpected (masked) ``INTERNAL``.
    """
    original = error.original_error
    if original is None:
        return ErrorCode.GRAPHQL_VALIDATION_FAILED
    if isinstance(original, KGError):
        return original.code
    if isinstance(original, TimeoutError):
        return ErrorCode.TIMEOUT
    if isinstance(original, PermissionError):
        return ErrorCode.UNAUTHENTICATED
    if isinstance(original, GraphQLError):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL


class _CodedErrors(MaskErrors):
    """Mask unexpected errors (:func:`should_mask`) and give every error an ``extensions.code``."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        codes = [(error.extensions or {}).get("code") or error_code(error).value for error in errors]
        processed = super()._process_errors(errors)
        for error, code in zip(processed, codes, strict=True):
            error.extensions = {**(error.extensions or {}), "code": code}
        return processed


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """Build the schema with the limits of ``settings`` (defaults when ``None``).

    Limits: query depth, tokens and aliases; introspection can be switched off;
    unexpected errors are masked (see :func:`should_mask`). Parsed and validated
    documents are cached by query text (128 of each, least recently used out).
    """
    s = settings or Settings()
    # The limiters are built once and copied for each request: a copy has its own
    # per-request state but shares the validation rule classes, which keeps them
    # stable, so ValidationCache can skip validating a query text seen before.
    depth = QueryDepthLimiter(max_depth=s.max_depth)
    aliases = MaxAliasesLimiter(max_alias_count=s.max_aliases)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: copy.copy(depth),
        lambda: copy.copy(aliases),
        lambda: MaxTokensLimiter(max_token_count=s.max_tokens),
        lambda: ArgumentLengthLimiter(max_chars=s.max_argument_chars),
        ParserCache,
        ValidationCache,
        lambda: _CodedErrors(should_mask_error=should_mask),
    ]
    if not s.introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(query=Query, mutation=Mutation, types=[Entity, Article, Event], extensions=extensions)
