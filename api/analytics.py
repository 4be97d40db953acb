"""Analytics fields: paths, centrality, neighbourhoods and communities.

The resolvers call :mod:`kg.analytics` on the projection the app keeps up to date
(:meth:`api.context.Context.graph`), off the event loop, and turn its keys into
entities and events through the request's DataLoaders.
"""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.inputs import (
    CentralityMeasure,
    EntityType,
    PathFilter,
    check_confidence,
    check_limit,
    node_key,
)
from api.types import Entity, Event, KGInfo, load_entities, load_nodes
from kg import analytics
from kg.errors import NotFoundError

__all__ = [
    "Community",
    "Link",
    "Path",
    "Ranked",
    "Subgraph",
    "centrality",
    "communities",
    "neighbourhood",
    "paths",
    "shortest_path",
]

#: Entity classes as the projection names them.
_ENTITY_TYPES = ("Person", "Organisation", "Place")


@strawberry.type(description="A path through the graph: entities and events, in order.")
class Path:
    length: int = strawberry.field(description="The number of edges.")
    nodes: list[relay.Node]


@strawberry.type(description="An entity and its score under a centrality measure.")
class Ranked:
    entity: Entity
    score: float


@strawberry.type(description="A relation or event role between two nodes of a subgraph.")
class Link:
    source: relay.Node = strawberry.field(description="The relation's subject, or the event of a role.")
    target: relay.Node = strawberry.field(description="The relation's object, or the entity in the role.")
    predicate: str
    confidence: float
    article_ids: list[str] = strawberry.field(description="Ids of the articles that state it.")


@strawberry.type(description="The nodes around a centre and the links among them.")
class Subgraph:
    nodes: list[relay.Node] = strawberry.field(description="Nearest to the centre first.")
    edges: list[Link]
    truncated: bool = strawberry.field(description="Whether more nodes were in reach than `maxNodes`.")


@strawberry.type(description="A group of nodes more densely linked to each other than to the rest.")
class Community:
    index: int
    size: int
    member_keys: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="Members, by key.")
    async def members(self, info: KGInfo, first: int = 20) -> list[relay.Node]:
        check_limit("first", first, info.context.settings.page_size_max)
        return list(await load_nodes(info, self.member_keys[:first]))


def _filters(f: PathFilter | None) -> analytics.Filters | None:
    if f is None:
        return None
    return analytics.Filters(
        min_confidence=check_confidence(f.min_confidence),
        start=f.from_,
        end=f.to,
        node_types=frozenset(f.node_types) if f.node_types is not None else None,
    )


def _key(info: KGInfo, id: str) -> str:  # noqa: A002
    key = node_key(id, info.context.base)
    if key is None:
        raise NotFoundError("entity or event", id)
    return key


async def _path(info: KGInfo, p: analytics.PathResult) -> Path:
    return Path(length=p.length, nodes=list(await load_nodes(info, p.nodes)))


async def shortest_path(
    info: KGInfo, source: str, target: str, max_length: int | None, filters: PathFilter | None
) -> Path | None:
    """Resolve ``shortestPath``: a shortest path of at most ``maxLength`` edges, or null."""
    ctx = info.context
    cap = ctx.settings.path_length_max
    length = check_limit("maxLength", cap if max_length is None else max_length, cap)
    s, t = _key(info, source), _key(info, target)
    found = await ctx.run(
        lambda: analytics.shortest_path(ctx.graph(), s, t, max_length=length, filters=_filters(filters))
    )
    return None if found is None else await _path(info, found)


async def paths(
    info: KGInfo, source: str, target: str, k: int, max_length: int | None, filters: PathFilter | None
) -> list[Path]:
    """Resolve ``paths``: up to ``k`` shortest simple paths, shortest first."""
    ctx = info.context
    cap = ctx.settings.path_length_max
    length = check_limit("maxLength", cap if max_length is None else max_length, cap)
    check_limit("k", k, min(analytics.MAX_K, ctx.settings.page_size_max), low=1)
    s, t = _key(info, source), _key(info, target)
    found = await ctx.run(
        lambda: analytics.k_shortest_paths(ctx.graph(), s, t, k, max_length=length, filters=_filters(filters))
    )
    return [await _path(info, p) for p in found]


async def centrality(
    info: KGInfo,
    measure: CentralityMeasure,
    type: EntityType | None,  # noqa: A002
    first: int,
    start: str | None,
    end: str | None,
) -> list[Ranked]:
    """Resolve ``centrality``: entities ranked by a measure, highest first."""
    ctx = info.context
    check_limit("first", first, ctx.settings.page_size_max, low=1)
    types = (type.to_record().value,) if type is not None else _ENTITY_TYPES
    result = await ctx.run(
        lambda: analytics.centrality(ctx.graph(), measure.value, types=types, first=first, start=start, end=end)
    )
    entities = await load_entities(info, [r.key for r in result.ranked])
    return [Ranked(entity=e, score=r.score) for e, r in zip(entities, result.ranked, strict=True)]


async def neighbourhood(
    info: KGInfo,
    id: str,  # noqa: A002 - the GraphQL argument's name
    depth: int,
    max_nodes: int | None,
    filters: PathFilter | None,
) -> Subgraph:
    """Resolve ``neighbourhood``: the ego network of a node."""
    ctx = info.context
    check_limit("depth", depth, ctx.settings.path_length_max)
    cap = ctx.settings.page_size_max
    limit = check_limit("maxNodes", cap if max_nodes is None else max_nodes, cap, low=1)
    center = _key(info, id)
    sub = await ctx.run(
        lambda: analytics.ego_network(ctx.graph(), center, depth, filters=_filters(filters), max_nodes=limit)
    )
    nodes = await load_nodes(info, sub.nodes)
    by_key: dict[str, Entity | Event] = {n.key: n for n in nodes}
    edges = [
        Link(
            source=by_key[link.source],
            target=by_key[link.target],
            predicate=link.predicate,
            confidence=link.confidence,
            article_ids=list(link.articles),
        )
        for link in sub.edges
        if link.source in by_key and link.target in by_key
    ]
    return Subgraph(nodes=list(nodes), edges=edges, truncated=sub.truncated)


async def communities(info: KGInfo, min_size: int, first: int, start: str | None, end: str | None) -> list[Community]:
    """Resolve ``communities``: Louvain communities, largest first."""
    ctx = info.context
    check_limit("first", first, ctx.settings.page_size_max, low=1)
    check_limit("minSize", min_size, 1_000_000, low=1)
    found = await ctx.run(lambda: analytics.communities(ctx.graph(), min_size=min_size, start=start, end=end))
    return [Community(index=c.index, size=c.size, member_keys=c.members) for c in found[:first]]
