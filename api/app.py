"""The ASGI app factory: GraphQL (with GraphiQL) at /graphql, exports, read-only SPARQL, /health.

At start-up the app opens the store (unless given one) and builds the analytics
projection from it; the mutations keep that projection up to date, so analytics
answers follow ingests and deletes without a restart.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api import limits
from api.context import Context, ProjectionKeeper
from api.explore import explore_routes
from api.graphiql import graphiql_page, graphiql_routes
from api.http import export_endpoint, ontology_route, sparql_endpoint
from api.linked_data import linked_data_route
from api.schema import build_schema
from api.state import AppState
from kg import __version__
from kg.errors import StoreLockedError
from kg.sandbox import QueryPool
from kg.settings import Settings
from kg.store import Store, open_store, writer

__all__ = ["create_app"]

_log = logging.getLogger(__name__)


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, state: AppState, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None)
        self._state = state
        self._settings = settings

    async def get_context(self, request: Request | Any, response: Response | Any) -> Context:
        return Context(
            store=self._state.require_store(),
            settings=self._settings,
            request=request,
            keeper=self._state.keeper,
        )

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Every error carries extensions.code; a syntax error never reaches the schema's extensions.
        response = await super().process_result(request, result)
        for error in response.get("errors") or []:
            if isinstance(error, dict):
                extensions = error.setdefault("extensions", {})
                if isinstance(extensions, dict):
                    extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        return response

    def decode_json(self, data: str | bytes) -> object:
        # A body (or GET `variables`) that is not a JSON object is the client's mistake: 400, not 500.
        try:
            value = json.loads(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise HTTPException(400, "the request body is not valid JSON in UTF-8") from exc
        if not isinstance(value, dict):
            raise HTTPException(
                400, 'the request body must be a JSON object such as {"query": "{ stats { articles } }"}'
            )
        return value

    async def render_graphql_ide(self, request: Request) -> Response:
        # The offline page (assets from this server), not Strawberry's CDN one.
        return graphiql_page(request.url.path)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        # The per-request time limit, for queries. Blocking store calls run in threads
        # and finish on their own; the client gets its answer (an error) on time.
        # Mutations are not cut short: an ingest half done would still be written,
        # and its length is bounded by max_article_chars instead.
        if _is_mutation(kwargs.get("request_data")):
            return await super().execute_operation(*args, **kwargs)
        timeout = self._settings.request_timeout
        # Work of this request not yet started when the deadline passes is never started.
        token = limits.deadline.set(time.monotonic() + timeout)
        try:
            return await asyncio.wait_for(super().execute_operation(*args, **kwargs), timeout=timeout)
        except TimeoutError:
            message = f"the request took longer than {timeout:g} s (KG_REQUEST_TIMEOUT) and was stopped"
            return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": "TIMEOUT"})])
        finally:
            limits.deadline.reset(token)


def _is_mutation(request_data: Any) -> bool:
    query = getattr(request_data, "query", None)
    if not isinstance(query, str) or "mutation" not in query:
        return False
    try:
        operation = get_operation_ast(parse(query), getattr(request_data, "operation_name", None))
    except GraphQLError:
        return False  # Strawberry reports the syntax error
    return operation is not None and operation.operation is OperationType.MUTATION


def _ensure_summary(store: Store) -> None:
    """Build the entity summary of a store written before it existed, or repair it after a crash.

    A writer holding the store (a running ``kg ingest``) updates the summary itself
    with its next batch, so a locked store is served as it is.
    """
    try:
        taken = writer.ensure(store)
    except StoreLockedError:
        _log.warning("the entity summary of %s was not checked: another process is writing it", store.location)
        return
    if taken:
        _log.info("entity summary: took in %d article(s)", taken)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Starlette:
    """Create the ASGI app.

    Args:
        settings: Configuration (default: read from the environment).
        store: An open store to serve; by default the app opens ``settings.store`` at
            start-up and closes it at shutdown.
    """
    settings = settings or Settings.load()
    state = AppState(store=store)
    # KG_SPARQL_WORKERS=0 runs /sparql queries in this process: no isolation (benchmarks only).
    pool = QueryPool(settings.sparql_workers, settings.sparql_memory_mb) if settings.sparql_workers > 0 else None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        opened = None
        if state.store is None:
            opened = open_store(
                settings.store,
                update_endpoint=settings.update_endpoint,
                serving=True,
                user=settings.store_user,
                password=settings.store_password,
            )
            state.store = opened
        await asyncio.to_thread(_ensure_summary, state.store)
        keeper = await asyncio.to_thread(ProjectionKeeper, state.store, settings.base_iri)
        state.keeper = keeper
        projection = keeper.projection
        _log.info("analytics projection: %d nodes, %d edges", len(projection), projection.number_of_edges())
        try:
            yield
        finally:
            state.keeper = None
            if pool is not None:
                pool.close()
            if opened is not None:
                opened.close()
                state.store = None

    async def health(request: Request) -> JSONResponse:
        # The kind of store only: its path or URL (and any credentials in it) stay private.
        kind = "remote" if settings.is_remote else "embedded"
        return JSONResponse({"status": "ok", "version": __version__, "store": kind})

    graphql = _GraphQL(state, settings)
    middleware = [Middleware(limits.BodyLimit, limit=settings.max_body_bytes)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/export", export_endpoint(state.require_store), methods=["GET"]),
            ontology_route(),
            Route("/sparql", sparql_endpoint(state.require_store, settings, pool), methods=["GET", "POST"]),
            *graphiql_routes(),
            *explore_routes(),
            linked_data_route(state, settings),  # last: its path may be a prefix of the others
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
