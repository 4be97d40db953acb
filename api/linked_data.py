"""Dereferenceable IRIs: ``GET`` on the path of an IRI below the base answers RDF or HTML.

With the base IRI ``https://w3id.org/newskg/id/`` the route is ``/newskg/id/{key}``: a
request for ``/newskg/id/place/bakhmut`` describes ``https://w3id.org/newskg/id/place/bakhmut``.
A redirect service (w3id.org) or a reverse proxy maps the public IRI onto this path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kg.describe import MEDIA_TYPES, describe, negotiate, render
from kg.errors import NotFoundError
from kg.settings import Settings

if TYPE_CHECKING:
    from api.state import AppState

__all__ = ["base_path", "linked_data_route"]


def base_path(base_iri: str) -> str:
    """Return the server path that the base IRI maps to (``/newskg/id/``)."""
    path = urlsplit(base_iri).path or "/"
    return path if path.endswith("/") else path + "/"


def linked_data_route(state: AppState, settings: Settings) -> Route:
    """Return the route that describes resources minted under ``settings.base_iri``.

    Args:
        state: The app's state, which holds the open store (set by the app's lifespan).
        settings: Where ``base_iri`` comes from.
    """
    prefix = base_path(settings.base_iri)

    async def resource(request: Request) -> Response:
        key = request.path_params["key"]
        iri = settings.base_iri + key
        media = negotiate(request.headers.get("accept"))
        headers = {"Vary": "Accept"}
        if media is None:
            offered = ", ".join(MEDIA_TYPES)
            return PlainTextResponse(
                f"cannot produce any type the Accept header allows; offered: {offered}\n", 406, headers
            )
        try:
            found = await run_in_threadpool(describe, state.require_store(), iri)
        except NotFoundError:
            return PlainTextResponse(f"nothing is known about {iri}\n", status_code=404, headers=headers)
        body = render(found, media, base=settings.base_iri, local_prefix=prefix)
        charset = "; charset=utf-8" if media.startswith("text/") else ""
        return Response(body, media_type=media + charset, headers=headers)

    endpoint: Callable[[Request], Any] = resource
    return Route(prefix + "{key:path}", endpoint, methods=["GET"])
