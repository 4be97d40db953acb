"""``kg.Graph``: the knowledge graph from Python, as the CLI and the server see it.

Like :mod:`kg.cli`, this is an entry point on top of everything else: it opens the
store the way ``--store`` does, ingests with :mod:`kg.ingest`, reads with the read
model (:mod:`kg.queries`), follows paths with
:mod:`kg.analytics`, and answers GraphQL with the API's own schema
(:func:`api.schema.build_schema`). It adds no query of its own, and nothing in kg's
library imports it (``kg/__init__.py`` loads it on first use of ``kg.Graph``).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from api.inputs import article_id, check_confidence, check_event_types, node_key
from kg import analytics
from kg.errors import ConfigError, InputError, NotFoundError, StoreError
from kg.ingest import IngestReport, ingest_articles
from kg.ingest.sources import SUFFIXES, article_from_fields, read_paths
from kg.queries import (
    EntityOrder,
    EntityView,
    EventFilter,
    EventOrder,
    EventView,
    Page,
    RelationshipView,
    Stats,
    entities_by_keys,
    events_by_keys,
    graph_stats,
    list_entities,
    list_events,
    relationships_of,
)
from kg.records import Article, EntityType
from kg.settings import Settings
from kg.store import EmbeddedStore, Store, open_store, writer

if TYPE_CHECKING:
    import pandas as pd
    import strawberry

__all__ = ["Graph", "PathView"]

E = TypeVar("E", EntityOrder, EventOrder)

#: An item :meth:`Graph.ingest` takes: a file or folder, an article record, or an article's text.
Input = str | os.PathLike[str] | Article

#: The first keyword of a SPARQL request, after its prologue and comments.
_FORM = re.compile(r"^(?:\s|#[^\n]*\n|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*([A-Za-z]+)", re.IGNORECASE)
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


@dataclass(frozen=True, slots=True)
class PathView:
    """A path through the graph: entities and events in order, endpoints included.

    Attributes:
        nodes: Each step's entity or event.
    """

    nodes: tuple[EntityView | EventView, ...]

    @property
    def length(self) -> int:
        """The number of edges on the path."""
        return len(self.nodes) - 1

    @property
    def keys(self) -> tuple[str, ...]:
        """The nodes' keys (``person/vladimir-putin``), in order."""
        return tuple(n.key for n in self.nodes)


def _choice(kind: type[E], value: E | str, what: str) -> E:
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).upper())
    except ValueError:
        valid = ", ".join(o.value for o in kind)
        raise ConfigError(f"unknown {what} {value!r}; valid: {valid}") from None


def _entity_type(value: EntityType | str | None) -> EntityType | None:
    """Accept the GraphQL enum's name (``PERSON``), the class name (``Person``) or the record."""
    if value is None or isinstance(value, EntityType):
        return value
    for t in EntityType:
        if str(value).upper() in {t.name, t.value.upper()}:
            return t
    raise ConfigError(f"unknown entity type {value!r}; valid: {', '.join(t.name for t in EntityType)}")


def _window(first: int, offset: int) -> Page:
    if first < 0 or offset < 0:
        raise ConfigError(f"first and offset must not be negative, got first={first}, offset={offset}")
    return Page(offset=offset, limit=first)


def _looks_like_path(text: str) -> bool:
    """Whether a string names a file or folder rather than being an article's text.

    One line that exists on disk, ends in a suffix kg reads, or is one word with a
    ``/`` in it: a mistyped path is then rejected as missing, never ingested as text.
    """
    name = text.strip()
    if "\n" in text or not name:
        return False
    one_word_path = os.sep in name and not any(c.isspace() for c in name)
    if one_word_path or name.lower().endswith(SUFFIXES):
        return True
    try:
        return Path(name).exists()
    except (OSError, ValueError):  # a name too long for the file system, or holding a NUL: text
        return False


class Graph:
    """A kg store opened from Python: ingest, read, follow paths, query with SPARQL or GraphQL.

    Args:
        store: A store directory or the URL of a SPARQL 1.1 query endpoint, as
            ``--store`` takes (default ``KG_STORE``, else ``./kg-data``).
        read_only: Open an embedded store's newest snapshot, which works while
            ``kg ingest`` or ``kg serve`` writes it; :meth:`ingest` is then refused.
            Without it, the embedded store is held for writing until :meth:`close`,
            as ``kg ingest`` holds it.
        update_endpoint: The SPARQL update endpoint of a remote store.
        settings: Every other setting (default: the environment, as the CLI reads it).

    Raises:
        StoreError: The store cannot be opened (for read-only use: there is none yet).
        StoreLockedError: Another process is writing the embedded store.

    Use it as a context manager, or call :meth:`close`, to release the store.
    """

    def __init__(
        self,
        store: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        update_endpoint: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        location = os.fspath(store) if store is not None else None
        if settings is None:  # as the CLI: arguments over the environment over defaults
            settings = Settings.load(store=location, update_endpoint=update_endpoint)
        else:
            settings = replace(
                settings,
                store=location or settings.store,
                update_endpoint=update_endpoint or settings.update_endpoint,
            )
        self.settings = settings
        self.read_only = read_only
        self._store: Store | None = open_store(
            self.settings.store,
            update_endpoint=self.settings.update_endpoint,
            read_only=read_only,
            snapshot_every=self.settings.snapshot_seconds,
        )
        self._projection: analytics.Projection | None = None
        self._schema: strawberry.Schema | None = None

    def __repr__(self) -> str:
        state = "closed" if self._store is None else ("read-only" if self.read_only else "writable")
        return f"<kg.Graph {self.settings.store!r} {state}>"

    # ------------------------------------------------------------------ lifetime

    def __enter__(self) -> Graph:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the store (an embedded writer publishes what it wrote for readers first); idempotent."""
        if self._store is not None:
            store, self._store = self._store, None
            self._projection = None
            store.close()

    @property
    def store(self) -> Store:
        """The open store (for the library's functions that take one).

        Raises:
            StoreError: The graph was closed.
        """
        if self._store is None:
            raise StoreError(f"the graph at {self.settings.store_label} is closed")
        return self._store

    @property
    def base(self) -> str:
        """The IRI entities, events and articles are minted under."""
        return self.settings.base_iri

    def _analytics(self) -> analytics.Projection:
        """The networkx projection, built on first use and again after an ingest."""
        if self._projection is None:
            self._projection = analytics.Projection.from_store(self.store, self.base)
        return self._projection

    # ------------------------------------------------------------------ writing

    def ingest(self, items: Input | Iterable[Input], *, workers: int | None = None) -> IngestReport:
        """Read, extract and store articles, as ``kg ingest`` does; unchanged articles are skipped.

        Args:
            items: Files and folders (``.txt .md .jsonl .html``), :class:`kg.Article`
                records, and texts. A ``str`` is a path when it is one line naming a file
                or folder that exists, ends in one of those suffixes, or is one word with a
                ``/`` (a missing file is then rejected, not ingested as text); any other
                ``str`` is an article's text, taken exactly as given (as the
                ``ingestArticle`` mutation takes it).
            workers: Extraction processes (default ``KG_WORKERS``, else all cores).

        Returns:
            What was ingested; rejected inputs are listed in ``rejected`` (each names
            its source and reason), never raised. ``report.describe(store)`` is the line
            ``kg ingest`` prints.

        Raises:
            ConfigError: The graph was opened read-only.
        """
        store = self.store
        if self.read_only:
            raise ConfigError(
                f"the graph at {self.settings.store_label} was opened read-only; open it without read_only"
            )
        if isinstance(items, str | os.PathLike | Article):
            items = [items]
        try:
            report = ingest_articles(self._inputs(items), store, self.settings, workers=workers)
        finally:
            self._projection = None  # rebuilt from the store on next use
        # As `kg ingest`: repair what an interrupted earlier run left of the entity summary.
        writer.sync(store)
        return report

    def _inputs(self, items: Iterable[Input]) -> Iterator[Article | InputError]:
        limit = self.settings.max_article_chars
        for n, item in enumerate(items, start=1):
            thing: object = item  # checked as any object: a caller's list may hold anything
            if isinstance(thing, Article):
                fields = {k: getattr(thing, k) for k in ("id", "text", "title", "published", "url", "source")}
                source = thing.origin or f"article {thing.id!r}"
            elif isinstance(thing, os.PathLike) or (isinstance(thing, str) and _looks_like_path(thing)):
                yield from read_paths([os.fspath(thing)], max_chars=limit)
                continue
            elif isinstance(thing, str):
                fields, source = {"text": thing}, f"text #{n}"
            else:
                yield InputError(f"input #{n}", f"expected a path, a kg.Article or a text, not {type(thing).__name__}")
                continue
            try:  # the checks a JSONL line and the ingestArticle mutation get
                yield article_from_fields(fields, source, max_chars=limit)
            except InputError as exc:
                yield exc

    # ------------------------------------------------------------------ reading

    def stats(self) -> Stats:
        """Count articles, entities by type, events, relations, mentions and quads (``kg stats``)."""
        return graph_stats(self.store)

    def entity(self, id: str) -> EntityView:  # noqa: A002 - the GraphQL argument's name
        """Return one entity by key (``place/bakhmut``), IRI or GraphQL global id.

        Raises:
            NotFoundError: No entity has that id.
        """
        key = node_key(id, self.base, kinds=frozenset({"Entity"}))
        found = entities_by_keys(self.store, self.base, [key]) if key else {}
        if key is None or key not in found:
            raise NotFoundError("entity", id)
        return found[key]

    def entities(
        self,
        search: str | None = None,
        type: EntityType | str | None = None,  # noqa: A002 - the GraphQL argument's name
        *,
        prefix: bool = False,
        min_confidence: float | None = None,
        mentioned_in: str | None = None,
        order: EntityOrder | str = EntityOrder.LABEL_ASC,
        first: int = 20,
        offset: int = 0,
    ) -> list[EntityView]:
        """List entities with the filters of GraphQL's ``entities`` field.

        Args:
            search: Part of a label or alias, case-insensitive.
            type: ``PERSON``, ``ORGANISATION`` or ``PLACE``.
            prefix: Match ``search`` at the start of the name or of one of its words.
            min_confidence: Only entities some article believes at least this much.
            mentioned_in: Only entities the article with this id mentions.
            order: ``LABEL_ASC`` (default), ``LABEL_DESC``, ``MENTIONS_DESC`` or ``CONFIDENCE_DESC``.
            first: At most this many (no cap, unlike the server's page size).
            offset: Skip this many first.

        Raises:
            ConfigError: A bad type, order, confidence or window, naming the valid values.
        """
        _, keys = list_entities(
            self.store,
            self.base,
            _window(first, offset),
            type=_entity_type(type),
            search=search,
            prefix=prefix,
            min_confidence=check_confidence(min_confidence),
            mentioned_in=article_id(mentioned_in, self.base) if mentioned_in else None,
            order=_choice(EntityOrder, order, "entity order"),
        )
        found = entities_by_keys(self.store, self.base, keys)
        return [found[k] for k in keys if k in found]

    def relationships(
        self,
        id: str,  # noqa: A002 - the GraphQL argument's name
        predicate: str | None = None,
        *,
        min_confidence: float | None = None,
        derived: bool = False,
    ) -> list[RelationshipView]:
        """Return an entity's relationships in both directions, by predicate (as ``Entity.relationships``).

        Args:
            id: The entity's key, IRI or GraphQL global id.
            predicate: Only this predicate: a local name (``leaderOf``) or an IRI.
            min_confidence: Only relationships believed at least this much.
            derived: Also facts no text states (a place's GeoNames containment).

        Raises:
            NotFoundError: No entity has that id.
        """
        key = self.entity(id).key
        floor = check_confidence(min_confidence)
        found = relationships_of(self.store, self.base, [key], predicate=predicate)[key]
        return [r for r in found if r.confidence >= floor and (derived or r.stated)]

    def events(
        self,
        type: str | None = None,  # noqa: A002 - the GraphQL argument's name
        start: str | None = None,
        end: str | None = None,
        participant: str | None = None,
        place: str | None = None,
        *,
        types: Iterable[str] = (),
        search: str | None = None,
        min_confidence: float | None = None,
        order: EventOrder | str = EventOrder.START_DESC,
        first: int = 20,
        offset: int = 0,
    ) -> list[EventView]:
        """List events with the filters of GraphQL's ``events`` field.

        Args:
            type: An event type's local name (``Attack``); ``types`` takes several.
            start: ISO date ``YYYY[-MM[-DD]]``: keep events whose dates overlap ``start``..``end``.
            end: ISO date, inclusive.
            participant: An entity taking part in any role (key, IRI or global id).
            place: The place where it happened (key, IRI or global id).
            types: Event types; any of them.
            search: Part of the label, case-insensitive.
            min_confidence: The lowest confidence kept.
            order: ``START_DESC`` (default), ``START_ASC``, ``CONFIDENCE_DESC`` or ``LABEL_ASC``.
            first: At most this many (no cap).
            offset: Skip this many first.

        Raises:
            ConfigError: An unknown event type, a bad date or order, naming the valid values.
        """
        spec = EventFilter(
            types=check_event_types(tuple(types) + ((type,) if type else ())),
            participant=self._entity_key("participant", participant),
            place=self._entity_key("place", place),
            window=analytics.window_range(start, end),
            min_confidence=check_confidence(min_confidence),
            search=search,
        )
        order_by = _choice(EventOrder, order, "event order")
        _, keys = list_events(self.store, self.base, _window(first, offset), spec, order_by)
        found = events_by_keys(self.store, self.base, keys)
        return [found[k] for k in keys if k in found]

    def _entity_key(self, name: str, id: str | None) -> str | None:  # noqa: A002
        if id is None:
            return None
        key = node_key(id, self.base, kinds=frozenset({"Entity"}))
        if key is None:
            raise ConfigError(f"{name} {id!r} is not the id of an entity")
        return key

    def shortest_path(self, source: str, target: str, *, max_length: int | None = None) -> PathView | None:
        """Return a shortest path between two entities or events, as GraphQL's ``shortestPath``.

        Args:
            source: Key, IRI or GraphQL global id of the first node.
            target: ... of the last node.
            max_length: The most edges the path may have (default ``KG_PATH_LENGTH_MAX``).

        Returns:
            The path with each node described, or ``None`` when none is short enough.

        Raises:
            NotFoundError: ``source`` or ``target`` names no node.
        """
        keys = []
        for given in (source, target):
            key = node_key(given, self.base)
            if key is None:
                raise NotFoundError("entity or event", given)
            keys.append(key)
        cap = self.settings.path_length_max if max_length is None else max_length
        found = analytics.shortest_path(self._analytics(), keys[0], keys[1], max_length=cap)
        if found is None:
            return None
        entities = entities_by_keys(self.store, self.base, found.nodes)
        events = events_by_keys(self.store, self.base, [k for k in found.nodes if k not in entities])
        nodes: list[EntityView | EventView] = []
        for k in found.nodes:
            node = entities.get(k) or events.get(k)
            if node is None:  # the projection knows it, the store no longer does
                raise NotFoundError("entity or event", k)
            nodes.append(node)
        return PathView(nodes=tuple(nodes))

    # ------------------------------------------------------------------ queries

    def sparql(self, query: str) -> list[dict[str, str]] | bool:
        """Run a read-only SPARQL SELECT (rows of lexical values) or ASK (a boolean).

        As on ``/sparql``, the default graph of an embedded store is the union of its
        graphs; a remote store answers as it is configured to.

        Raises:
            ConfigError: ``query`` is an update, or neither SELECT nor ASK.
            StoreError: The query does not parse or fails.
        """
        m = _FORM.match(query)
        form = m.group(1).upper() if m else ""
        if form in _UPDATES:
            raise ConfigError("Graph.sparql is read-only: updates are refused (use Graph.ingest)")
        store = self.store
        if form not in {"SELECT", "ASK"}:
            raise ConfigError(f"Graph.sparql runs SELECT and ASK queries, not {form or 'this'}")
        if isinstance(store, EmbeddedStore):
            return store.ask(query, union=True) if form == "ASK" else store.query(query, union=True)
        return store.ask(query) if form == "ASK" else store.query(query)

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, operation_name: str | None = None
    ) -> dict[str, Any]:
        """Run a GraphQL query with the server's schema and limits, in-process.

        Works in a plain script and where an event loop is already running (a Jupyter
        kernel): the query then runs in a worker thread with a loop of its own, and
        this call waits for it. Mutations answer ``NotAuthorised``: use :meth:`ingest`.

        Returns:
            What ``POST /graphql`` answers: ``{"data": ...}``, with ``"errors"`` (each
            a dict with ``message``) when there were any.
        """
        store = self.store
        if self._schema is None:
            from api.schema import build_schema  # the API's schema, built once per Graph

            self._schema = build_schema(self.settings)
        schema = self._schema

        async def execute() -> dict[str, Any]:
            from api.context import Context

            ctx = Context(store=store, settings=self.settings, projection=self._projection)
            result = await schema.execute(
                query, variable_values=variables, context_value=ctx, operation_name=operation_name
            )
            if ctx.projection is not None:
                self._projection = ctx.projection  # built for this query: keep it for the next
            answer: dict[str, Any] = {"data": result.data}
            if result.errors:
                answer["errors"] = [e.formatted for e in result.errors]
            return answer

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(execute())
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-graphql") as pool:
            return pool.submit(asyncio.run, execute()).result()

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the graph as pandas DataFrames, as ``kg export --tables`` writes them.

        Keys: ``entities``, ``mentions``, ``relationships``, ``events``,
        ``event_participants``, ``articles``, ``communities`` (columns in :mod:`kg.tables`).
        """
        from kg.tables import read_tables, to_frames

        return to_frames(read_tables(self.store, self.base, projection=self._analytics()))
