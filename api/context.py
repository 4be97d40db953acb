"""Per-request context: the store, the settings, the analytics projection and this request's DataLoaders."""

from __future__ import annotations

import gc
import hmac
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar, runtime_checkable

from strawberry.dataloader import DataLoader

from api.limits import off_loop
from kg import queries
from kg.analytics import Projection
from kg.settings import Settings
from kg.store import Store

if TYPE_CHECKING:
    from starlette.requests import Request

_log = logging.getLogger(__name__)

__all__ = ["Context", "EventPageKey", "Loaders", "ProjectionKeeper", "RelationshipKey"]

P = ParamSpec("P")
R = TypeVar("R")

#: A relationship page: the entity key, the page and the filters.
RelationshipKey = tuple[str, queries.Page, queries.RelationshipFilter]
#: A page of an entity's events: the entity key and the page.
EventPageKey = tuple[str, queries.Page]


@runtime_checkable
class _Versioned(Protocol):
    """A store that publishes snapshots (the serving store): ``version`` names the current one."""

    @property
    def version(self) -> str: ...


@dataclass(slots=True)
class Loaders:
    """Batching loaders, new for every request so nothing is cached across requests.

    Each loader answers a whole batch of keys with one store query (two for
    entities), so a page of N objects costs a bounded number of queries, not N.
    """

    entities: DataLoader[str, queries.EntityView | None]
    articles: DataLoader[str, queries.ArticleView | None]
    events: DataLoader[str, queries.EventView | None]
    relationships: DataLoader[RelationshipKey, tuple[int, list[queries.RelationshipView]]]
    entity_events: DataLoader[EventPageKey, tuple[int, list[str]]]
    article_events: DataLoader[str, list[str]]


def _loaders(store: Store, base: str) -> Loaders:
    async def load_entities(keys: Sequence[str]) -> list[queries.EntityView | None]:
        found = await off_loop(queries.entities_by_keys, store, base, keys)
        return [found.get(k) for k in keys]

    async def load_articles(ids: Sequence[str]) -> list[queries.ArticleView | None]:
        found = await off_loop(queries.articles_by_ids, store, base, ids)
        return [found.get(i) for i in ids]

    async def load_events(keys: Sequence[str]) -> list[queries.EventView | None]:
        found = await off_loop(queries.events_by_keys, store, base, keys)
        return [found.get(k) for k in keys]

    async def load_relationships(
        keys: Sequence[RelationshipKey],
    ) -> list[tuple[int, list[queries.RelationshipView]]]:
        # One batch per distinct page and filter (almost always one): the pages of all
        # the batch's entities cost two store queries together.
        groups: dict[tuple[queries.Page, queries.RelationshipFilter], list[str]] = {}
        for key, page, filters in keys:
            groups.setdefault((page, filters), []).append(key)
        found: dict[RelationshipKey, tuple[int, list[queries.RelationshipView]]] = {}
        for (page, filters), entity_keys in groups.items():
            pages = await off_loop(queries.relationship_pages, store, base, entity_keys, page, filters)
            found.update({(k, page, filters): v for k, v in pages.items()})
        return [found.get(k, (0, [])) for k in keys]

    async def load_entity_events(keys: Sequence[EventPageKey]) -> list[tuple[int, list[str]]]:
        groups: dict[queries.Page, list[str]] = {}
        for key, page in keys:
            groups.setdefault(page, []).append(key)
        found: dict[EventPageKey, tuple[int, list[str]]] = {}
        for page, entity_keys in groups.items():
            pages = await off_loop(queries.event_pages_of_entities, store, base, entity_keys, page)
            found.update({(k, page): v for k, v in pages.items()})
        return [found.get(k, (0, [])) for k in keys]

    async def load_article_events(ids: Sequence[str]) -> list[list[str]]:
        found = await off_loop(queries.events_of_articles, store, base, ids)
        return [found.get(i, []) for i in ids]

    return Loaders(
        entities=DataLoader(load_entities),
        articles=DataLoader(load_articles),
        events=DataLoader(load_events),
        relationships=DataLoader(load_relationships),
        entity_events=DataLoader(load_entity_events),
        article_events=DataLoader(load_article_events),
    )


def _settle() -> None:
    """Collect garbage once, then exempt every object alive now from later collections.

    The projection is a hundred thousand long-lived objects; every full collection
    walked them all (70-80 ms on the benchmark store, a pause for every request in
    flight), which set the p99 of requests that take a few milliseconds. Frozen
    objects are still freed by reference counting; unfreezing first lets the
    collection reclaim a replaced projection's cycles.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class ProjectionKeeper:
    """The analytics projection a server answers from, kept in step with the store.

    Mutations change the projection incrementally and then :meth:`mark` it current.
    Writes from elsewhere (a ``kg ingest`` beside ``kg serve``) show up as a new
    store ``version`` (a published snapshot); the projection is then rebuilt in a
    background thread while the old one keeps answering, and swapped in when ready.
    Stores without a ``version`` (remote endpoints) are never rebuilt from here.
    """

    def __init__(self, store: Store, base: str) -> None:
        self._store = store
        self._base = base
        self._version = self._store_version()
        self._projection = Projection.from_store(store, base)
        self._lock = threading.Lock()
        self._rebuilding = False
        _settle()

    def _store_version(self) -> str:
        return self._store.version if isinstance(self._store, _Versioned) else ""

    @property
    def projection(self) -> Projection:
        """The current projection; starts a rebuild when the store moved on without it."""
        version = self._store_version()
        with self._lock:
            if version != self._version and not self._rebuilding:
                self._rebuilding = True
                threading.Thread(target=self._rebuild, args=(version,), daemon=True, name="kg-projection").start()
            return self._projection

    def mark(self) -> None:
        """Record that the projection reflects the store as it is now (after a mutation)."""
        with self._lock:
            if not self._rebuilding:
                self._version = self._store_version()

    def _rebuild(self, version: str) -> None:
        try:
            fresh = Projection.from_store(self._store, self._base)
        except Exception:  # a failed rebuild keeps the old projection; the next request retries
            _log.exception("rebuilding the analytics projection failed")
            with self._lock:
                self._rebuilding = False
            return
        with self._lock:
            # A write during the rebuild leaves the store ahead of `version`, so the
            # next request starts another rebuild that includes it.
            self._projection, self._version, self._rebuilding = fresh, version, False
        _settle()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until no rebuild is running (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._rebuilding:
                    return
            time.sleep(0.05)


@dataclass(slots=True)
class Context:
    """What every resolver can reach through ``info.context``.

    Attributes:
        store: The store to read and write.
        settings: Limits, the base IRI and the API token.
        request: The HTTP request, when served over HTTP.
        projection: The analytics graph the app keeps up to date; built from the
            store on first use when the caller (a test, a script) gave none.
        authorization: The ``Authorization`` header value, for in-process callers
            that have no request.
        keeper: The server's projection keeper; when given, it supplies the projection.
    """

    store: Store
    settings: Settings
    request: Request | None = None
    projection: Projection | None = None
    authorization: str | None = None
    keeper: ProjectionKeeper | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = _loaders(self.store, self.settings.base_iri)

    @property
    def base(self) -> str:
        """The data base IRI."""
        return self.settings.base_iri

    def graph(self) -> Projection:
        """Return the analytics projection, building it from the store if there is none yet."""
        if self.keeper is not None:
            return self.keeper.projection
        if self.projection is None:
            self.projection = Projection.from_store(self.store, self.base)
        return self.projection

    def written(self) -> None:
        """Tell the keeper a mutation has brought the projection up to date with its write."""
        if self.keeper is not None:
            self.keeper.mark()

    def authorised(self) -> bool:
        """Whether the request carries ``Authorization: Bearer <api_token>``.

        Always ``False`` when no token is configured: mutations are then disabled.
        """
        token = self.settings.api_token
        if not token:
            return False
        header = self.request.headers.get("authorization") if self.request is not None else self.authorization
        scheme, _, given = (header or "").partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode(), token.encode())

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a blocking store function off the event loop (not at all once the request timed out)."""
        return await off_loop(fn, *args, **kwargs)
