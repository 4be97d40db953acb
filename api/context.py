"""Per-request context: the store, the settings and this request's DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from strawberry.dataloader import DataLoader

from kg import queries
from kg.settings import Settings
from kg.store import Store

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["Context", "Loaders"]

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(slots=True)
class Loaders:
    """Batching loaders, new for every request so nothing is cached across requests."""

    entities: DataLoader[str, queries.EntityView | None]
    articles: DataLoader[str, queries.ArticleView | None]


def _loaders(store: Store, base: str) -> Loaders:
    async def load_entities(keys: Sequence[str]) -> list[queries.EntityView | None]:
        found = await asyncio.to_thread(queries.entities_by_keys, store, base, keys)
        return [found.get(k) for k in keys]

    async def load_articles(ids: Sequence[str]) -> list[queries.ArticleView | None]:
        found = await asyncio.to_thread(queries.articles_by_ids, store, base, ids)
        return [found.get(i) for i in ids]

    return Loaders(entities=DataLoader(load_entities), articles=DataLoader(load_articles))


@dataclass(slots=True)
class Context:
    """What every resolver can reach through ``info.context``."""

    store: Store
    settings: Settings
    request: Request | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = _loaders(self.store, self.settings.base_iri)

    @property
    def base(self) -> str:
        """The data base IRI."""
        return self.settings.base_iri

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a blocking store function off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)
