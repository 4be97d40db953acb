"""Strawberry types of the public schema (names fixed by PRODUCT.md).

Types are built from the read model's views (:mod:`kg.queries`); no rdflib or pyoxigraph term reaches them. Every
connection is an :class:`api.connections.CountedConnection` (offset cursors in
Relay's ``arrayconnection:N`` form, always with ``totalCount``). Every nested
list goes through a per-request DataLoader, so a page of objects with their
nested fields costs a bounded number of store queries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, get_type_hints

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.connections import CountedConnection, window
from api.context import Context
from api.inputs import Direction, EntityType, check_confidence, page_from
from kg import queries
from kg.errors import NotFoundError
from kg.records import EntityType as _EntityType

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "Article",
    "ArticleConnection",
    "Entity",
    "EntityConnection",
    "EntityNotFound",
    "EntityResult",
    "Event",
    "EventConnection",
    "Evidence",
    "KGInfo",
    "Mention",
    "MentionConnection",
    "Participant",
    "Relationship",
    "RelationshipConnection",
    "RelationshipEdge",
    "Stats",
    "load_entities",
    "load_events",
    "load_nodes",
]

KGInfo = Info[Context, None]

_BY_SLUG = {t.slug: t for t in _EntityType}


def _direction(subject: str, *, seen_from: str) -> Direction:
    """Which end of a relationship with this subject the entity ``seen_from`` is."""
    return Direction.OUTGOING if subject == seen_from else Direction.INCOMING


async def load_entities(info: KGInfo, keys: Sequence[str]) -> list[Entity]:
    """Load entities by key, in order; keys the store does not describe become stubs.

    A stub (an entity only referred to, such as a country no article names) keeps
    the fields that are non-null in the schema answerable.
    """
    views = await info.context.loaders.entities.load_many(list(keys))
    return [
        Entity.from_view(v) if v is not None else Entity.stub(k, info.context.base)
        for k, v in zip(keys, views, strict=True)
    ]


async def load_events(info: KGInfo, keys: Sequence[str]) -> list[Event]:
    """Load events by key, in order, leaving out keys no event has."""
    views = await info.context.loaders.events.load_many(list(keys))
    return [Event.from_view(v) for v in views if v is not None]


async def load_nodes(info: KGInfo, keys: Sequence[str]) -> list[Entity | Event]:
    """Load a mixed list of entity and event keys (analytics results), in order."""
    event_keys = [k for k in keys if k.startswith("event/")]
    entity_keys = [k for k in keys if not k.startswith("event/")]
    events = {e.key: e for e in await load_events(info, event_keys)}
    entities = {e.key: e for e in await load_entities(info, entity_keys)}
    out: list[Entity | Event] = []
    for k in keys:
        node = events.get(k) or entities.get(k)
        if node is not None:
            out.append(node)
    return out


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
    def stub(cls, key: str, base: str = "") -> Entity:
        """An entity known only by its key: its type from the key, its label from the last segment."""
        slug, _, rest = key.partition("/")
        label = (rest or key).rsplit("/", 1)[-1].replace("-", " ").title()
        etype = _BY_SLUG.get(slug, _EntityType.PLACE)
        return cls(
            key=key,
            iri=base + key,
            label=label,
            type=EntityType.from_record(etype),
            aliases=[],
            same_as=[],
            latitude=None,
            longitude=None,
            mention_count=0,
            confidence=0.0,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: KGInfo, node_ids: Iterable[str], required: bool = False
    ) -> list[Entity | None]:
        views = await info.context.loaders.entities.load_many(list(node_ids))
        return [cls.from_view(v) if v is not None else None for v in views]

    @strawberry.field(description="Articles that mention this entity, newest first.")
    async def articles(self, info: KGInfo, first: int | None = None, after: str | None = None) -> ArticleConnection:
        page = page_from(info.context, first, after)
        ctx = info.context
        total, ids = await ctx.run(queries.articles_of_entity, ctx.store, ctx.base, self.key, page)
        views = await ctx.loaders.articles.load_many(ids)
        return ArticleConnection.from_page((Article.from_view(v) for v in views if v), page, total)

    @strawberry.field(
        description="Relationships with other entities in both directions, by predicate; "
        "`predicate` is a local name (leaderOf) or an IRI. Only what some article's text states, "
        "unless `derived` is true: then also facts no text states, taken from another record "
        "(a place's containment from GeoNames), each with its `derivedFrom`."
    )
    async def relationships(
        self,
        info: KGInfo,
        predicate: str | None = None,
        first: int | None = None,
        after: str | None = None,
        min_confidence: float | None = None,
        direction: Direction | None = None,
        derived: bool = False,
    ) -> RelationshipConnection:
        page = page_from(info.context, first, after)
        floor = check_confidence(min_confidence)
        outgoing = None if direction is None else direction == Direction.OUTGOING
        filters = queries.RelationshipFilter(predicate or None, floor, derived, outgoing)
        total, views = await info.context.loaders.relationships.load((self.key, page, filters))
        on_page = (Relationship.from_view(r) for r in views)
        return RelationshipConnection.from_page(on_page, page, total, seen_from=self.key)

    @strawberry.field(description="Events it takes part in, or that happened there, newest first.")
    async def events(self, info: KGInfo, first: int | None = None, after: str | None = None) -> EventConnection:
        page = page_from(info.context, first, after)
        total, keys = await info.context.loaders.entity_events.load((self.key, page))
        events = await load_events(info, keys)
        return EventConnection.from_page(events, page, total)


@strawberry.type(description="A span of an article that supports a fact.")
class Evidence:
    text: str
    start: int = strawberry.field(description="Character offset into Article.text where the span starts.")
    end: int = strawberry.field(description="Character offset into Article.text just after the span.")
    article_id: strawberry.Private[str]

    @classmethod
    def from_view(cls, v: queries.EvidenceView) -> Evidence:
        """Build the GraphQL object from the read model's view."""
        return cls(text=v.text, start=v.start, end=v.end, article_id=v.article_id)

    @strawberry.field(description="The article the span is from.")
    async def article(self, info: KGInfo) -> Article:
        view = await info.context.loaders.articles.load(self.article_id)
        if view is None:  # evidence lives in its article's graph, so the article is there too
            raise NotFoundError("article", self.article_id)
        return Article.from_view(view)


@strawberry.type(description="A typed relationship between two entities, with its confidence and evidence.")
class Relationship:
    predicate: str = strawberry.field(description='The ontology term\'s local name, e.g. "leaderOf".')
    predicate_iri: str
    confidence: float = strawberry.field(description="The highest confidence any article gives it, in [0, 1].")
    evidence: list[Evidence] = strawberry.field(
        description="Every span that states it, in article order; for a derived fact, the mentions it is about."
    )
    stated: bool = strawberry.field(description="Whether some article's text states it.")
    derived_from: list[str] = strawberry.field(
        description="IRIs of the records a fact no text states was taken from (a GeoNames feature)."
    )
    subject_key: strawberry.Private[str]
    object_key: strawberry.Private[str]

    @classmethod
    def from_view(cls, v: queries.RelationshipView) -> Relationship:
        """Build the GraphQL object from the read model's view."""
        return cls(
            predicate=v.predicate,
            predicate_iri=v.predicate_iri,
            confidence=v.confidence,
            evidence=[Evidence.from_view(e) for e in v.evidence],
            stated=v.stated,
            derived_from=list(v.derived_from),
            subject_key=v.subject,
            object_key=v.object,
        )

    @strawberry.field
    async def subject(self, info: KGInfo) -> Entity:
        (entity,) = await load_entities(info, [self.subject_key])
        return entity

    @strawberry.field
    async def object(self, info: KGInfo) -> Entity:
        (entity,) = await load_entities(info, [self.object_key])
        return entity


# relay.Edge types its node as a Node; a relationship has no global id but pages alike.
@strawberry.type(description="An edge to a relationship, seen from the entity that was asked about.")
class RelationshipEdge(relay.Edge[Relationship]):  # type: ignore[type-var]
    seen_from: strawberry.Private[str]

    @strawberry.field(description="OUTGOING when the entity is the subject.")
    def direction(self) -> Direction:
        return _direction(self.node.subject_key, seen_from=self.seen_from)

    @strawberry.field
    def confidence(self) -> float:
        return self.node.confidence


@strawberry.type(description="A page of relationships.")
class RelationshipConnection(CountedConnection[Relationship]):  # type: ignore[type-var]
    # The edges know which end the entity asked about is.
    edges: list[RelationshipEdge] = strawberry.field(  # type: ignore[assignment]
        description="Contains the nodes in this connection"
    )
    total_count: int = strawberry.field(description="How many relationships the whole list has.")


@strawberry.type(description="An entity taking part in an event, in a role (agent, target, speaker, ...).")
class Participant:
    role: str
    entity_key: strawberry.Private[str]

    @strawberry.field
    async def entity(self, info: KGInfo) -> Entity:
        (entity,) = await load_entities(info, [self.entity_key])
        return entity


@strawberry.type(description="Something that happened or was said: who, where, when, and which text says so.")
class Event(relay.Node):
    key: relay.NodeID[str]
    iri: str
    label: str
    type: str = strawberry.field(description='The event type\'s local name, e.g. "Attack".')
    start: str | None = strawberry.field(description='ISO date as precise as known, e.g. "2022-07".')
    end: str | None
    casualties: int | None
    confidence: float
    participants: list[Participant]
    evidence: list[Evidence] = strawberry.field(
        description="The sentences that report it, one per report in each article, in article order."
    )
    triggers: list[Evidence] = strawberry.field(
        description='The words that state it ("shelled"), one span per report, inside the evidence sentences.'
    )
    place_key: strawberry.Private[str | None]

    @classmethod
    def from_view(cls, v: queries.EventView) -> Event:
        """Build the GraphQL object from the read model's view."""
        return cls(
            key=v.key,
            iri=v.iri,
            label=v.label,
            type=v.type,
            start=v.start,
            end=v.end,
            casualties=v.casualties,
            confidence=v.confidence,
            participants=[Participant(role=p.role, entity_key=p.entity) for p in v.participants],
            evidence=[Evidence.from_view(e) for e in v.evidence],
            triggers=[Evidence.from_view(e) for e in v.triggers],
            place_key=v.place,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: KGInfo, node_ids: Iterable[str], required: bool = False
    ) -> list[Event | None]:
        views = await info.context.loaders.events.load_many(list(node_ids))
        return [cls.from_view(v) if v is not None else None for v in views]

    @strawberry.field(description="Where it happened.")
    async def place(self, info: KGInfo) -> Entity | None:
        if self.place_key is None:
            return None
        (entity,) = await load_entities(info, [self.place_key])
        return entity


@strawberry.type(name="EventConnection", description="A page of events.")
class EventConnection(CountedConnection[Event]):
    total_count: int = strawberry.field(
        description="How many events the whole list has: a maintained count for unfiltered lists; "
        "filtered by type, participant, place, dates or confidence it is counted from the read index over "
        "the events that match (a broad filter costs more); a label `search` or the LABEL_ASC order is "
        "counted over the article graphs, which costs what the store holds."
    )


@strawberry.type(description="A span of an article that names an entity.")
class Mention:
    start: int = strawberry.field(description="Character offset into Article.text where the mention starts.")
    end: int = strawberry.field(description="Character offset into Article.text just after the mention.")
    text: str
    confidence: float
    entity_key: strawberry.Private[str]

    @strawberry.field(description="The entity the mention names.")
    async def entity(self, info: KGInfo) -> Entity:
        (entity,) = await load_entities(info, [self.entity_key])
        return entity


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
        page = page_from(info.context, first, after)
        ctx = info.context
        total, views = await ctx.run(queries.mentions_of_article, ctx.store, ctx.base, self.article_id, page)
        mentions = (
            Mention(start=m.start, end=m.end, text=m.text, confidence=m.confidence, entity_key=m.entity_key)
            for m in views
        )
        return MentionConnection.from_page(mentions, page, total)

    @strawberry.field(description="Entities mentioned in this article, by label.")
    async def entities(self, info: KGInfo, first: int | None = None, after: str | None = None) -> EntityConnection:
        page = page_from(info.context, first, after)
        ctx = info.context
        total, keys = await ctx.run(queries.entities_of_article, ctx.store, ctx.base, self.article_id, page)
        return EntityConnection.from_page(await load_entities(info, keys), page, total)

    @strawberry.field(description="Events this article reports, in text order.")
    async def events(self, info: KGInfo, first: int | None = None, after: str | None = None) -> EventConnection:
        page = page_from(info.context, first, after)
        keys = await info.context.loaders.article_events.load(self.article_id)
        events = await load_events(info, window(keys, page))
        return EventConnection.from_page(events, page, len(keys))


@strawberry.type(name="EntityConnection", description="A page of entities.")
class EntityConnection(CountedConnection[Entity]):
    total_count: int = strawberry.field(
        description="How many entities the whole list has: a maintained count by type; with `search`, "
        "`minConfidence` or `mentionedIn` it is counted over the matches (a short search matches many)."
    )


@strawberry.type(name="ArticleConnection", description="A page of articles.")
class ArticleConnection(CountedConnection[Article]):
    total_count: int = strawberry.field(description="How many articles the whole list has.")


@strawberry.type(description="A page of mentions (mentions are not nodes: they have no global id).")
class MentionConnection(CountedConnection[Mention]):  # type: ignore[type-var]
    total_count: int = strawberry.field(description="How many mentions the whole list has.")


@strawberry.type(description="No entity has the id that was asked for.")
class EntityNotFound:
    id: strawberry.ID
    message: str


EntityResult = Annotated[Entity | EntityNotFound, strawberry.union("EntityResult")]


def _mirror(record: type[DataclassInstance], *, name: str, description: str) -> type[object]:
    """A GraphQL object type with the fields of a dataclass ``record``, same names, types and order.

    The read model's record itself is then the value a resolver returns: the
    fields are read from it by name, so nothing is copied.
    """
    hints = get_type_hints(record)
    annotations = {f.name: hints[f.name] for f in dataclasses.fields(record)}
    body = {"__annotations__": annotations, "__module__": __name__, "__doc__": record.__doc__}
    return strawberry.type(type(name, (), body), name=name, description=description)


if TYPE_CHECKING:  # to a type checker the GraphQL type is the record it is derived from
    Stats = queries.Stats
else:
    Stats = _mirror(queries.Stats, name="Stats", description="Counts over the whole graph.")
