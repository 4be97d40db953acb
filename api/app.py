"""The ASGI app factory: GraphQL (with GraphiQL) at /graphql, and /health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from api.context import Context
from api.schema import build_schema
from kg import __version__
from kg.settings import Settings
from kg.store import Store, open_store

__all__ = ["create_app"]


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, holder: dict[str, Any], settings: Settings) -> None:
        super().__init__(build_schema(), graphql_ide="graphiql" if settings.graphiql else None)
        self._holder = holder
        self._settings = settings

    async def get_context(self, request: Request | Any, response: Response | Any) -> Context:
        return Context(store=self._holder["store"], settings=self._settings, request=request)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Starlette:
    """Create the ASGI app.

    Args:
        settings: Configuration (default: read from the environment).
        store: An open store to serve; by default the app opens ``settings.store`` at
            start-up and closes it at shutdown.
    """
    settings = settings or Settings.load()
    holder: dict[str, Any] = {"store": store}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        opened = None
        if holder["store"] is None:
            opened = open_store(settings.store, update_endpoint=settings.update_endpoint, serving=True)
            holder["store"] = opened
        try:
            yield
        finally:
            if opened is not None:
                opened.close()
                holder["store"] = None

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__, "store": settings.store})

    graphql = _GraphQL(holder, settings)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
