"""The explorer page: a browser app at ``/explore`` that reads the graph through ``/graphql``.

The page is plain HTML, CSS and JavaScript kept in ``api/static/explore/`` and drawn
with SVG the page builds itself, so it needs no JavaScript package, no build step and
no network beyond this server. The server only hands out the files; every piece of
data the page shows comes from the public GraphQL API, like any other client's.

A strict Content-Security-Policy keeps it that way: scripts, styles and requests may
only come from this origin, so a stray CDN link would fail in the browser (and in the
tests) instead of quietly working online.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from kg.errors import ConfigError

__all__ = ["CONTENT_SECURITY_POLICY", "STATIC_DIR", "explore_routes"]

#: Where the page's HTML, CSS and JavaScript live (shipped as package data).
STATIC_DIR = Path(__file__).resolve().parent / "static" / "explore"

#: Everything from this origin only; inline scripts and styles are refused too.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _Assets(StaticFiles):
    """Static files with the page's security headers and revalidation on every load."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))  # type: ignore[call-overload]
                headers += [(k.lower().encode(), v.encode()) for k, v in _HEADERS.items()]
                headers.append((b"cache-control", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await super().__call__(scope, receive, send_with_headers)  # type: ignore[arg-type]


def explore_routes(static_dir: Path = STATIC_DIR) -> list[BaseRoute]:
    """Return the routes that serve the explorer.

    ``GET /explore`` answers the page (``?q=NAME`` is read by the page itself, so a
    search can be bookmarked); ``/explore/static/...`` answers its scripts and styles.

    Args:
        static_dir: The folder holding ``index.html`` and its assets.

    Raises:
        ConfigError: ``static_dir`` has no ``index.html`` (a wrong folder or a broken
            install).

    >>> [r.path for r in explore_routes()]
    ['/explore', '/explore/static']
    """
    index = static_dir / "index.html"
    if not index.is_file():
        raise ConfigError(f"the explorer's folder {str(static_dir)!r} has no index.html; expected the page at {index}")

    async def page(request: Request) -> Response:
        return FileResponse(
            index, media_type="text/html; charset=utf-8", headers={**_HEADERS, "Cache-Control": "no-cache"}
        )

    return [
        Route("/explore", page, methods=["GET", "HEAD"], name="explore"),
        Mount("/explore/static", app=_Assets(directory=static_dir), name="explore-static"),
    ]
