"""Input types, enums and argument parsing shared by the schema's fields.

Everything that turns a client's argument into a library value lives here, so
every field rejects bad arguments with the same wording. Bad arguments raise
:class:`kg.errors.InvalidArgumentError` (``extensions.code`` ``BAD_USER_INPUT``),
which the app never masks: the client sees the message naming the value and
what would have been valid.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING

import strawberry
from strawberry import relay

from kg import queries
from kg.errors import InvalidArgumentError
from kg.namespace import EVT
from kg.records import EntityType as _EntityType

if TYPE_CHECKING:
    from api.context import Context

__all__ = [
    "EVENT_TYPES",
    "ArticleInput",
    "CentralityMeasure",
    "Direction",
    "EntityFilter",
    "EntityOrder",
    "EntityType",
    "EventFilter",
    "EventOrder",
    "PathFilter",
    "article_id",
    "check_confidence",
    "check_event_types",
    "check_limit",
    "node_key",
    "page_from",
]


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


@strawberry.enum(description="Centrality measures over the entity-event graph.")
class CentralityMeasure(enum.Enum):
    DEGREE = "degree"
    BETWEENNESS = "betweenness"
    PAGERANK = "pagerank"
    EIGENVECTOR = "eigenvector"
    CLOSENESS = "closeness"


@strawberry.enum(description="Which end of a relationship the entity asked about is.")
class Direction(enum.Enum):
    OUTGOING = "OUTGOING"
    INCOMING = "INCOMING"


EntityOrder = strawberry.enum(queries.EntityOrder, description="How entities are sorted.")
EventOrder = strawberry.enum(queries.EventOrder, description="How events are sorted.")


@strawberry.input(description="Narrows a list of entities; every field given must match.")
class EntityFilter:
    type: EntityType | None = None
    search: str | None = strawberry.field(
        default=None, description="Part of a label or alias, case-insensitive; see `prefix`."
    )
    prefix: bool = strawberry.field(
        default=False, description="Match `search` at the start of the name or of one of its words."
    )
    min_confidence: float | None = None
    mentioned_in: strawberry.ID | None = strawberry.field(default=None, description="An article's id.")


#: Event types' local names, from the closed namespace of the SKOS taxonomy.
EVENT_TYPES = frozenset(k for k in EVT.__annotations__ if not k.startswith("_"))

#: The same names as a GraphQL enum, so GraphiQL completes ``filter.types``. A value is
#: the type's local name: ``types: [Attack]`` inline, ``["Attack"]`` in JSON variables.
_EVENT_TYPE_NAMES: type[enum.Enum] = enum.Enum(  # type: ignore[misc]  # built from the taxonomy, not literal
    "EventTypeName", {t: t for t in sorted(EVENT_TYPES)}
)
EventTypeName = strawberry.enum(
    _EVENT_TYPE_NAMES,
    description="An event type of the SKOS taxonomy (ontology/event-types.ttl), by its local name.",
)


@strawberry.input(description="Narrows a list of events; every field given must match.")
class EventFilter:
    types: list[enum.Enum] | None = strawberry.field(
        default=None,
        graphql_type=list[EventTypeName] | None,  # type: ignore[valid-type]
        description="Event types, e.g. [Attack, Statement].",
    )
    participant: strawberry.ID | None = None
    place: strawberry.ID | None = None
    from_: str | None = strawberry.field(default=None, name="from", description="ISO date, YYYY[-MM[-DD]].")
    to: str | None = strawberry.field(default=None, description="ISO date, inclusive.")
    min_confidence: float | None = None
    search: str | None = strawberry.field(
        default=None,
        description="Part of the label, case-insensitive. Costly on a large store: it reads every event's label.",
    )

    def type_names(self) -> tuple[str, ...]:
        """The local names of ``types`` (none when not given)."""
        return tuple(str(t.value) for t in self.types or ())


@strawberry.input(description="Which edges and intermediate nodes a path may use.")
class PathFilter:
    min_confidence: float | None = None
    from_: str | None = strawberry.field(default=None, name="from", description="Edges dated on or after.")
    to: str | None = strawberry.field(default=None, description="Edges dated on or before.")
    node_types: list[str] | None = strawberry.field(
        default=None, description='Intermediate node types: "Person", "Organisation", "Place", "Event".'
    )


@strawberry.input(description="An article to ingest; offsets in results point into `text` as given.")
class ArticleInput:
    text: str
    title: str | None = None
    published: str | None = strawberry.field(default=None, description="ISO date, e.g. 2022-10-28.")
    url: str | None = None
    source: str | None = None
    id: strawberry.ID | None = strawberry.field(
        default=None, description="The article's identity; by default the hash of its text."
    )


def page_from(ctx: Context, first: int | None, after: str | None, default: int = 20) -> queries.Page:
    """Turn Relay paging arguments into an offset window, enforcing the page-size cap.

    Raises:
        InvalidArgumentError: ``first`` is negative or above the cap, or ``after`` is not a
            cursor this server issued.
    """
    cap = ctx.settings.page_size_max
    limit = default if first is None else first
    if limit < 0 or limit > cap:
        raise InvalidArgumentError("first", f"first must be between 0 and {cap}, got {limit}")
    offset = 0
    if after is not None:
        try:
            kind, value = relay.from_base64(after)
            if kind != "arrayconnection":
                raise ValueError(kind)
            offset = int(value) + 1
        except (ValueError, TypeError):
            raise InvalidArgumentError("after", f"after={after!r} is not a cursor from this API") from None
    return queries.Page(offset=offset, limit=min(limit, cap))


def check_event_types(types: Sequence[str]) -> tuple[str, ...]:
    """Return ``types`` if each is an event type's local name, else raise :class:`InvalidArgumentError` listing them."""
    bad = [t for t in types if t not in EVENT_TYPES]
    if bad:
        raise InvalidArgumentError("types", f"unknown event type {bad[0]!r}; valid: {', '.join(sorted(EVENT_TYPES))}")
    return tuple(types)


def check_limit(name: str, value: int, cap: int, *, low: int = 0) -> int:
    """Return ``value`` if it lies in ``[low, cap]``, else raise :class:`InvalidArgumentError` naming it."""
    if value < low or value > cap:
        raise InvalidArgumentError(name, f"{name} must be between {low} and {cap}, got {value}")
    return value


def check_confidence(value: float | None) -> float:
    """Return a confidence floor (``None`` means 0), or raise :class:`InvalidArgumentError` outside [0, 1]."""
    if value is None:
        return 0.0
    if not 0.0 <= value <= 1.0:
        raise InvalidArgumentError("minConfidence", f"minConfidence must be between 0 and 1, got {value}")
    return value


_KINDS = {"Entity", "Event"}
_TYPES = {"Entity", "Event", "Article"}


def node_key(id: str, base: str, *, kinds: frozenset[str] = frozenset(_KINDS)) -> str | None:  # noqa: A002
    """Accept a Relay global id, an IRI or a bare key of an entity or event; return the key.

    ``None`` when ``id`` is a global id of another type (an Article's, say).

    >>> node_key("https://w3id.org/newskg/id/place/bakhmut", "https://w3id.org/newskg/id/")
    'place/bakhmut'
    """
    if id.startswith(base):
        return id[len(base) :]
    try:
        gid = relay.GlobalID.from_id(id)
    except (relay.GlobalIDValueError, ValueError):
        gid = None
    if gid is not None and gid.type_name in _TYPES:
        return gid.node_id if gid.type_name in kinds else None
    return id if "/" in id else None


def article_id(id: str, base: str) -> str:  # noqa: A002
    """Accept an Article's Relay global id, its IRI or its plain id; return the plain id."""
    prefix = base + "article/"
    if id.startswith(prefix):
        return id[len(prefix) :]
    try:
        gid = relay.GlobalID.from_id(id)
    except (relay.GlobalIDValueError, ValueError):
        return id
    return gid.node_id if gid.type_name == "Article" else id
