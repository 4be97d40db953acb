"""Strawberry types of the public schema (names fixed by PRODUCT.md).

Types are built from the read model's views (:mod:`kg.queries`,
:mod:`kg.queries_facts`); no rdflib or pyoxigraph term reaches them. Connections
use offset cursors in Relay's ``arrayconnection:N`` form and always carry
``totalCount``. Every nested list goes through a per-request DataLoader, so a page
of objects with their nested fields costs a bounded number of store queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.inputs import Direction, EntityType, check_confidence, page_from
from kg import queries, queries_facts
from kg.errors import NotFoundError
from kg.records import EntityType as _EntityType

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
    "MentionEdge",
    "Participant",
    "Relationship",
    "RelationshipConnection",
    "RelationshipEdge",
    "Stats",
    "connection",
    "load_entities",
    "load_events",
    "load_nodes",
]

KGInfo = Info[Context, None]

_BY_SLUG = {t.slug: t for t in _EntityType}


def _page_info(offset: int, count: int, total: int, cursors: Sequence[str]) -> relay.PageInfo:
    return relay.PageInfo(
        has_next_page=offset + count < total,
        has_previous_page=offset > 0,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def _cursor(n: int) -> str:
    return relay.to_base64("arrayconnection", n)


def connection(cls: type[Any], items: Iterable[Any], page: queries.Page, total: int) -> Any:
    """Build a Relay connection of Node items (``cls``) from one page of items and the total count."""
    nodes = list(items)
    edges = [relay.Edge(cursor=_cursor(page.offset + i), node=n) for i, n in enumerate(nodes)]
    info = _page_info(page.offset, len(nodes), total, [e.cursor for e in edges])
    return cls(edges=edges, page_info=info, total_count=total)


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
        return connection(ArticleConnection, (Article.from_view(v) for v in views if v), page, total)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Relationships with other entities in both directions, by predicate; "
        "`predicate` is a local name (leaderOf) or an IRI."
    )
    async def relationships(
        self,
        info: KGInfo,
        predicate: str | None = None,
        first: int | None = None,
        after: str | None = None,
        min_confidence: float | None = None,
        direction: Direction | None = None,
    ) -> RelationshipConnection:
        page = page_from(info.context, first, after)
        floor = check_confidence(min_confidence)
        rels = await info.context.loaders.relationships.load((self.key, predicate or ""))
        kept = [
            (r, Direction.OUTGOING if r.subject == self.key else Direction.INCOMING)
            for r in rels
            if r.confidence >= floor
        ]
        if direction is not None:
            kept = [(r, d) for r, d in kept if d is direction]
        window = kept[page.offset : page.offset + page.limit]
        edges = [
            RelationshipEdge(
                cursor=_cursor(page.offset + i),
                node=Relationship.from_view(r),
                direction=d,
                confidence=r.confidence,
            )
            for i, (r, d) in enumerate(window)
        ]
        return RelationshipConnection(
            edges=edges,
            page_info=_page_info(page.offset, len(edges), len(kept), [e.cursor for e in edges]),
            total_count=len(kept),
        )

    @strawberry.field(description="Events it takes part in, or that happened there, newest first.")
    async def events(self, info: KGInfo, first: int | None = None, after: str | None = None) -> EventConnection:
        page = page_from(info.context, first, after)
        keys = await info.context.loaders.entity_events.load(self.key)
        events = await load_events(info, keys[page.offset : page.offset + page.limit])
        return connection(EventConnection, events, page, len(keys))  # type: ignore[no-any-return]


@strawberry.type(description="A span of an article that supports a fact.")
class Evidence:
    text: str
    start: int = strawberry.field(description="Character offset into Article.text where the span starts.")
    end: int = strawberry.field(description="Character offset into Article.text just after the span.")
    article_id: strawberry.Private[str]

    @classmethod
    def from_view(cls, v: queries_facts.EvidenceView) -> Evidence:
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
    evidence: list[Evidence] = strawberry.field(description="Every span that states it, in article order.")
    subject_key: strawberry.Private[str]
    object_key: strawberry.Private[str]

    @classmethod
    def from_view(cls, v: queries_facts.RelationshipView) -> Relationship:
        """Build the GraphQL object from the read model's view."""
        return cls(
            predicate=v.predicate,
            predicate_iri=v.predicate_iri,
            confidence=v.confidence,
            evidence=[Evidence.from_view(e) for e in v.evidence],
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


@strawberry.type(description="An edge to a relationship, seen from the entity that was asked about.")
class RelationshipEdge:
    cursor: str = strawberry.field(description="A cursor for use in pagination")
    node: Relationship = strawberry.field(description="The item at the end of the edge")
    direction: Direction = strawberry.field(description="OUTGOING when the entity is the subject.")
    confidence: float


@strawberry.type(description="A page of relationships.")
class RelationshipConnection:
    page_info: relay.PageInfo = strawberry.field(description="Pagination data for this connection")
    edges: list[RelationshipEdge] = strawberry.field(description="Contains the nodes in this connection")
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
    def from_view(cls, v: queries_facts.EventView) -> Event:
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
class EventConnection(relay.Connection[Event]):
    total_count: int = strawberry.field(
        description="How many events the whole list has: a maintained count for unfiltered lists; "
        "with filters it is counted over the article graphs, which costs what the store holds."
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
        edges = [
            MentionEdge(
                cursor=_cursor(page.offset + i),
                node=Mention(start=m.start, end=m.end, text=m.text, confidence=m.confidence, entity_key=m.entity_key),
            )
            for i, m in enumerate(views)
        ]
        info_ = _page_info(page.offset, len(edges), total, [e.cursor for e in edges])
        return MentionConnection(edges=edges, page_info=info_, total_count=total)

    @strawberry.field(description="Entities mentioned in this article, by label.")
    async def entities(self, info: KGInfo, first: int | None = None, after: str | None = None) -> EntityConnection:
        page = page_from(info.context, first, after)
        ctx = info.context
        total, keys = await ctx.run(queries.entities_of_article, ctx.store, ctx.base, self.article_id, page)
        return connection(EntityConnection, await load_entities(info, keys), page, total)  # type: ignore[no-any-return]

    @strawberry.field(description="Events this article reports, in text order.")
    async def events(self, info: KGInfo, first: int | None = None, after: str | None = None) -> EventConnection:
        page = page_from(info.context, first, after)
        keys = await info.context.loaders.article_events.load(self.article_id)
        events = await load_events(info, keys[page.offset : page.offset + page.limit])
        return connection(EventConnection, events, page, len(keys))  # type: ignore[no-any-return]


@strawberry.type(name="EntityConnection", description="A page of entities.")
class EntityConnection(relay.Connection[Entity]):
    total_count: int = strawberry.field(
        description="How many entities the whole list has: a maintained count by type; with `search`, "
        "`minConfidence` or `mentionedIn` it is counted over the matches (a short search matches many)."
    )


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
