"""The frozen records passed between the pipeline's stages.

read -> :class:`Article`; extract/resolve/link -> :class:`Extraction`; rdf turns an
:class:`Extraction` into quads. Offsets are always character offsets into
``Article.text`` (Python ``str`` indices), half-open ``[start, end)``.

Entity and event *keys* are the path of their IRI below the data base IRI, for
example ``"person/volodymyr-zelensky"`` or ``"event/3f2a.../0"``; the base IRI is
applied only by :mod:`kg.rdf`, so records stay independent of deployment.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

__all__ = [
    "Article",
    "Entity",
    "EntityType",
    "Event",
    "Evidence",
    "Extraction",
    "Mention",
    "Modality",
    "Participant",
    "Relation",
    "Sentence",
    "content_hash",
]


class EntityType(enum.Enum):
    """The kinds of entity the graph holds; values are the ontology class names."""

    PERSON = "Person"
    ORGANISATION = "Organisation"
    PLACE = "Place"

    @property
    def slug(self) -> str:
        """The lower-case path segment used in entity keys (``person``)."""
        return self.value.lower()


class Modality(enum.Enum):
    """Whether an event is reported as having happened."""

    ASSERTED = "asserted"
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    FUTURE = "future"


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of ``text`` encoded as UTF-8.

    >>> content_hash("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from a file, a JSONL line or a mutation.

    Attributes:
        id: The article's identity: the ``id`` given in JSONL, else the content
            hash of ``text`` (first 16 hex digits).
        text: The body; every offset in the product points into it.
        title: The headline, when known.
        published: ISO date (``YYYY-MM-DD``), when known.
        url: Where the article was published.
        source: The outlet or agency.
        origin: Where it was read from (``path`` or ``path:line``), for messages.
    """

    id: str
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    source: str | None = None
    origin: str | None = None

    @property
    def digest(self) -> str:
        """The content hash over text and metadata: a change to either re-extracts."""
        meta = "\x1f".join(x or "" for x in (self.title, self.published, self.url, self.source))
        return content_hash(meta + "\x1e" + self.text)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence span of an article."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """The text that supports a fact: a span of the article and its sentence."""

    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the article that names an entity."""

    start: int
    end: int
    text: str
    entity: str  # entity key
    type: EntityType
    confidence: float
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity as seen in one article, after resolution and linking.

    Attributes:
        key: IRI path below the base, e.g. ``"place/bakhmut"``.
        type: Its class.
        label: The preferred name (the longest full form seen).
        aliases: Other surface forms seen in the article.
        confidence: Belief in the entity's existence and type, in [0, 1].
        same_as: External IRIs (GeoNames, ...).
        latitude: WGS84 latitude for places, when linked.
        longitude: WGS84 longitude for places, when linked.
        country: Key of the country entity a place lies in, when known.
    """

    key: str
    type: EntityType
    label: str
    aliases: tuple[str, ...] = ()
    confidence: float = 0.5
    same_as: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed relation between two entities, with its evidence.

    ``predicate`` is the ontology property's local name (``"leaderOf"``); ``role``
    carries the position or role text when the source gives one ("President").
    ``derived_from`` is the IRI of the record a fact was taken from when the text does
    not state it (a GeoNames feature for containment); ``evidence`` is then the
    mention of the subject that the fact is about.
    """

    subject: str
    predicate: str
    object: str
    confidence: float
    evidence: Evidence
    role: str | None = None
    derived_from: str | None = None

    @property
    def stated(self) -> bool:
        """Whether the text states it (it was derived from no other record)."""
        return self.derived_from is None


@dataclass(frozen=True, slots=True)
class Participant:
    """An entity taking part in an event, in a role (``agent``, ``target``, ...)."""

    role: str
    entity: str


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened (or was said), with who, where and when.

    ``type`` is the event type's local name in the SKOS taxonomy (``"Attack"``).
    ``start``/``end`` are ISO dates truncated to their precision: ``"2022"``,
    ``"2022-07"`` or ``"2022-10-26"``. ``evidence`` is the sentence of the first report;
    ``reports`` are the sentences of the article's further reports of the same happening;
    ``triggers`` are the words that state it, one span per report, in text order.
    """

    key: str
    type: str
    label: str
    evidence: Evidence
    confidence: float
    participants: tuple[Participant, ...] = ()
    place: str | None = None
    start: str | None = None
    end: str | None = None
    casualties: int | None = None
    modality: Modality = Modality.ASSERTED
    quote: str | None = None
    trigger: str | None = None
    reports: tuple[Evidence, ...] = ()
    triggers: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article: the unit written to the store.

    ``duplicate_of`` is the id of an earlier article this one copies (the same or nearly
    the same text under another id), set by :mod:`kg.identity.resolve`.
    """

    article: Article
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    events: tuple[Event, ...] = ()
    model: str = ""
    duplicate_of: str | None = None
