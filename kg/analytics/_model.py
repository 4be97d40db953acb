"""The records analytics returns, the filters it takes, and partial-date arithmetic.

Everything here is a frozen value: results hold keys (IRI paths below the base,
see :func:`kg.rdf.iri_key`), never networkx objects, so callers such as the API
can keep them as long as they like.
"""

from __future__ import annotations

import calendar
import enum
import re
import sys
from dataclasses import dataclass

from kg.errors import ConfigError
from kg.records import EntityType

__all__ = [
    "EVENT",
    "NODE_TYPES",
    "CentralityResult",
    "Community",
    "Filters",
    "Link",
    "Measure",
    "NodeInfo",
    "PathResult",
    "Ranked",
    "Subgraph",
    "check_positive",
    "date_range",
    "window_range",
]

#: The node type that every event matches in a node-type filter.
EVENT = "Event"

#: Valid values of a node-type filter: the entity classes and ``"Event"``.
NODE_TYPES = frozenset({*(t.value for t in EntityType), EVENT})

_PARTIAL_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


class Measure(enum.Enum):
    """The centrality measures :func:`kg.analytics.centrality` computes."""

    DEGREE = "degree"
    BETWEENNESS = "betweenness"
    PAGERANK = "pagerank"
    EIGENVECTOR = "eigenvector"
    CLOSENESS = "closeness"

    @classmethod
    def parse(cls, value: Measure | str) -> Measure:
        """Return the measure named ``value`` (any case), or raise :class:`ConfigError`.

        >>> Measure.parse("PageRank")
        <Measure.PAGERANK: 'pagerank'>
        """
        if isinstance(value, Measure):
            return value
        try:
            return cls(value.lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ConfigError(f"unknown centrality measure {value!r}; valid: {valid}") from None


def _bound(value: str, *, upper: bool, what: str) -> str:
    if not _PARTIAL_DATE.fullmatch(value):
        raise ConfigError(f"{what} {value!r} is not an ISO date; expected YYYY, YYYY-MM or YYYY-MM-DD")
    if len(value) == 10:
        return value
    if not upper:
        return value + "-01-01"[: 10 - len(value)]
    if len(value) == 4:
        return value + "-12-31"
    year, month = int(value[:4]), int(value[5:7])
    return f"{value}-{calendar.monthrange(year, month)[1]:02d}"


def date_range(start: str | None, end: str | None, *, what: str = "date") -> tuple[str, str] | None:
    """Turn ISO partial dates into an inclusive ``(first day, last day)`` pair.

    A missing ``end`` means the period of ``start``; a missing ``start`` the period of
    ``end``. Both missing means undated (``None``). The bounds are interned strings
    because the projection holds one pair per fact.

    Args:
        start: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or ``None``.
        end: The same, or ``None``.
        what: How to name the value in an error message.

    Returns:
        The first and last day covered, as ``YYYY-MM-DD``, or ``None``.

    Raises:
        ConfigError: A value is not an ISO partial date, or ends before it starts.

    >>> date_range("2022-02", None)
    ('2022-02-01', '2022-02-28')
    """
    if start is None and end is None:
        return None
    lo = _bound(start if start is not None else end, upper=False, what=what)  # type: ignore[arg-type]
    hi = _bound(end if end is not None else start, upper=True, what=what)  # type: ignore[arg-type]
    if hi < lo:
        raise ConfigError(f"{what} range {start!r}..{end!r} ends before it starts")
    return sys.intern(lo), sys.intern(hi)


def window_range(start: str | None, end: str | None) -> tuple[str, str] | None:
    """Turn the bounds of a query's time window into an inclusive day range.

    Unlike :func:`date_range`, a missing bound leaves that side open.

    Raises:
        ConfigError: A bound is not an ISO partial date, or the window ends before it starts.

    >>> window_range("2022-10", None)
    ('2022-10-01', '9999-12-31')
    """
    if start is None and end is None:
        return None
    lo = _bound(start, upper=False, what="time window start") if start is not None else "0000-01-01"
    hi = _bound(end, upper=True, what="time window end") if end is not None else "9999-12-31"
    if hi < lo:
        raise ConfigError(f"time window {start!r}..{end!r} ends before it starts")
    return lo, hi


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """What the projection knows about one node.

    Attributes:
        key: The entity or event key.
        kind: ``"entity"`` or ``"event"``.
        type: The entity class (``"Person"``) or the event type (``"Attack"``).
        label: The preferred label.
    """

    key: str
    kind: str
    type: str
    label: str


@dataclass(frozen=True, slots=True)
class Link:
    """One relation or event role between two nodes, merged over the articles that state it.

    Attributes:
        source: The subject of the relation, or the event of a role.
        target: The object of the relation, or the entity filling the role.
        predicate: The ontology property's local name (``"leaderOf"``, ``"agent"``).
        confidence: The highest confidence any supporting article gives it.
        articles: Ids of the supporting articles, sorted.
    """

    source: str
    target: str
    predicate: str
    confidence: float
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PathResult:
    """A path between two nodes, endpoints included."""

    nodes: tuple[str, ...]

    @property
    def length(self) -> int:
        """The number of edges on the path."""
        return len(self.nodes) - 1


@dataclass(frozen=True, slots=True)
class Ranked:
    """A node and its score under some measure."""

    key: str
    score: float


@dataclass(frozen=True, slots=True)
class CentralityResult:
    """A ranking of nodes, highest score first, ties broken by key.

    Attributes:
        measure: The measure's name (``"betweenness"``).
        exact: ``False`` when the scores were estimated from sampled sources.
        ranked: The nodes and their scores.
        samples: How many source nodes were sampled when not exact.
        start: First day of the time slice the measure was computed on, if any.
        end: Last day of that slice, if any.
    """

    measure: str
    exact: bool
    ranked: tuple[Ranked, ...]
    samples: int | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Subgraph:
    """Some nodes and the links among them.

    Attributes:
        nodes: The node keys, nearest to the centre first.
        edges: Every link between two of the nodes.
        truncated: Whether more nodes were in reach than the caller's limit.
    """

    nodes: tuple[str, ...]
    edges: tuple[Link, ...]
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Community:
    """A group of nodes more densely linked to each other than to the rest.

    Attributes:
        index: Position in the list of communities, largest first.
        members: The member keys, sorted.
    """

    index: int
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        """The number of members."""
        return len(self.members)


@dataclass(frozen=True, slots=True)
class Filters:
    """Which edges and nodes a path may use.

    Attributes:
        min_confidence: Edges need at least this confidence from one article.
        start: Edges must have a fact dated on or after this ISO (partial) date;
            undated edges are left out when either bound is given.
        end: ... and on or before this one, inclusive.
        node_types: Intermediate nodes must have one of these types (entity classes
            or ``"Event"``); the endpoints are always allowed.
    """

    min_confidence: float = 0.0
    start: str | None = None
    end: str | None = None
    node_types: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"min_confidence {self.min_confidence!r} is outside [0, 1]")
        window_range(self.start, self.end)
        if self.node_types is not None:
            bad = sorted(set(self.node_types) - NODE_TYPES)
            if bad:
                raise ConfigError(f"unknown node types {bad}; valid: {', '.join(sorted(NODE_TYPES))}")

    @property
    def window(self) -> tuple[str, str] | None:
        """The time window as an inclusive ``(first day, last day)`` pair, or ``None``."""
        return window_range(self.start, self.end)

    @property
    def is_open(self) -> bool:
        """Whether the filters let everything through."""
        return self.min_confidence <= 0.0 and self.window is None and self.node_types is None


def check_positive(name: str, value: int | None, *, allow_zero: bool = False) -> None:
    """Raise :class:`ConfigError` unless ``value`` is ``None`` or a positive integer."""
    if value is None:
        return
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}")
