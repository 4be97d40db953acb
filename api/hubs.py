"""The ``hub`` field: an entity's neighbourhood aggregated, in one request.

This server's extension of the contract, made for the explorer's first picture of a
busy entity: every linked entity once, with the weight and kinds of what it shares
with the centre, and the centre's events counted by type. It is answered from the
analytics projection in memory (:func:`kg.analytics.hub_summary`) and the entity
loader, so its cost follows the centre's events, not reads of each event.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.connections import CountedConnection, window
from api.inputs import page_from
from api.types import Entity, EntityNotFound, KGInfo, load_entities
from kg import analytics, queries
from kg.errors import InvalidArgumentError, NotFoundError

__all__ = ["SEARCH_MATCHES", "Hub", "HubResult", "KindCount", "Neighbour", "NeighbourConnection", "hub"]


@strawberry.type(description="A kind of link (a predicate or an event type) and how often it occurs.")
class KindCount:
    name: str
    count: int


def _kinds(pairs: tuple[tuple[str, int], ...]) -> list[KindCount]:
    return [KindCount(name=k, count=n) for k, n in pairs]


@strawberry.type(description="An entity linked to a hub, with what the two share.")
class Neighbour:
    entity: Entity
    weight: int = strawberry.field(description="Relations plus shared events.")
    relations: int = strawberry.field(description="Relations between the two (one per predicate and direction).")
    events: int = strawberry.field(description="The hub's events this entity also takes part in or hosts.")
    kinds: list[KindCount] = strawberry.field(description="Predicates and event types shared, most frequent first.")


# relay.Edge types its node as a Node; a neighbour has no global id but pages alike.
@strawberry.type(description="A page of a hub's neighbours, the most strongly linked first.")
class NeighbourConnection(CountedConnection[Neighbour]):  # type: ignore[type-var]
    total_count: int = strawberry.field(description="How many entities are linked to the hub.")


@strawberry.type(description="An entity's neighbourhood aggregated: linked entities weighted, events counted by type.")
class Hub:
    entity: Entity
    relation_count: int = strawberry.field(description="Relations of the entity (one per other end and predicate).")
    event_count: int = strawberry.field(description="Events it takes part in or that happened there.")
    event_types: list[KindCount] = strawberry.field(description="Its events counted by type, most frequent first.")
    summary: strawberry.Private[analytics.HubSummary]

    @strawberry.field(description="Linked entities, the most strongly linked first.")
    async def neighbours(self, info: KGInfo, first: int | None = None, after: str | None = None) -> NeighbourConnection:
        page = page_from(info.context, first, after)
        on_page = window(self.summary.neighbours, page)
        entities = await load_entities(info, [n.key for n in on_page])
        items = [
            Neighbour(
                entity=e,
                weight=n.weight,
                relations=n.relations,
                events=n.events,
                kinds=_kinds(n.kinds),
            )
            for n, e in zip(on_page, entities, strict=True)
        ]
        return NeighbourConnection.from_page(items, page, len(self.summary.neighbours))


HubResult = Annotated[Hub | EntityNotFound, strawberry.union("HubResult")]


#: How many of a search's matches (in the order ``entities(search:)`` gives) the best is picked from.
SEARCH_MATCHES = 10


async def _best_match(info: KGInfo, search: str) -> queries.EntityView | None:
    """The entity a search means: the most mentioned exact label match, else the most mentioned match.

    The matches are the first :data:`SEARCH_MATCHES` that ``entities(search:)`` gives,
    so a page that lists those beside the hub shows the same choice.
    """
    ctx = info.context
    search = search.strip()
    _, keys = await ctx.run(
        queries.list_entities, ctx.store, ctx.base, queries.Page(offset=0, limit=SEARCH_MATCHES), search=search
    )
    found = [v for v in await ctx.loaders.entities.load_many(keys) if v is not None]
    wanted = search.casefold()
    exact = [v for v in found if v.label.casefold() == wanted]
    return max(exact or found, key=lambda v: v.mention_count, default=None)


async def hub(info: KGInfo, id: str | None, key: str | None, search: str | None) -> Hub | EntityNotFound:  # noqa: A002
    """Resolve ``hub``: the aggregated neighbourhood of the entity ``id`` or of the one ``search`` means.

    Raises:
        InvalidArgumentError: Both ``id`` and ``search`` are given, or neither.
    """
    ctx = info.context
    if (id is None) == (search is None):
        raise InvalidArgumentError("id", "give hub exactly one of id (an entity) or search (a name to look up)")
    if search is not None:
        view = await _best_match(info, search)
        if view is None:
            return EntityNotFound(id=strawberry.ID(""), message=f"no entity matches {search!r}")
        key = view.key
    else:
        view = await ctx.loaders.entities.load(key) if key else None
        if view is None or key is None:
            return EntityNotFound(id=strawberry.ID(str(id)), message=f"no entity has the id {id!r}")
    try:
        summary = await ctx.run(lambda: analytics.hub_summary(ctx.graph(), key))
    except NotFoundError:  # an entity the projection has no link for: a hub of nothing
        summary = analytics.HubSummary(key, (), 0, 0, ())
    return Hub(
        entity=Entity.from_view(view),
        relation_count=summary.relations,
        event_count=summary.events,
        event_types=_kinds(summary.event_types),
        summary=summary,
    )
