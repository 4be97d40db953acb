"""GraphiQL served from this app, so the IDE works without any CDN.

Strawberry's own GraphiQL page loads React and GraphiQL from unpkg. kg serves the
same files itself: ``make install`` runs ``npm ci`` in ``api/ide/`` (pinned by its
``package-lock.json``; ``node_modules`` is never committed), and the routes here
hand out the four files the page needs under ``/static/graphiql/``. The page sets
a Content-Security-Policy that allows scripts from this origin only, so a stray
CDN link fails loudly in the browser test instead of quietly working online.
"""

from __future__ import annotations

import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

__all__ = ["ASSETS", "CONTENT_SECURITY_POLICY", "DEFAULT_QUERY", "graphiql_page", "graphiql_routes"]

_HERE = Path(__file__).resolve().parent
_MODULES = _HERE / "ide" / "node_modules"

#: URL name -> file, for everything the page loads.
ASSETS = {
    "react.production.min.js": _MODULES / "react" / "umd" / "react.production.min.js",
    "react-dom.production.min.js": _MODULES / "react-dom" / "umd" / "react-dom.production.min.js",
    "graphiql.min.js": _MODULES / "graphiql" / "graphiql.min.js",
    "graphiql.min.css": _MODULES / "graphiql" / "graphiql.min.css",
    "kg-graphiql.js": _HERE / "static" / "graphiql" / "kg-graphiql.js",
}

#: Scripts, styles and requests from this origin only (GraphiQL styles some elements inline).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:"
)

#: What the editor shows on first visit.
DEFAULT_QUERY = """# kg: entities, relationships, events and their evidence.
{
  stats { articles entities events relations }
  entities(first: 5, orderBy: MENTIONS_DESC) {
    totalCount
    edges { node { label type mentionCount } }
  }
}
"""

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>kg GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/static/graphiql/graphiql.min.css">
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="graphiql" data-endpoint="{endpoint}" data-default-query="{query}">Loading GraphiQL...</div>
  <script src="/static/graphiql/react.production.min.js"></script>
  <script src="/static/graphiql/react-dom.production.min.js"></script>
  <script src="/static/graphiql/graphiql.min.js"></script>
  <script src="/static/graphiql/kg-graphiql.js"></script>
</body>
</html>
"""


def graphiql_page(endpoint: str = "/graphql") -> HTMLResponse:
    """Return the GraphiQL page for ``endpoint``."""
    body = _PAGE.format(endpoint=html.escape(endpoint), query=html.escape(DEFAULT_QUERY))
    return HTMLResponse(body, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    path = ASSETS.get(name)
    if path is None:
        return PlainTextResponse(f"no asset {name!r}", status_code=404)
    if not path.is_file():
        return PlainTextResponse(
            f"{name} is not installed: run `make install` (npm ci in api/ide/) to fetch GraphiQL", status_code=503
        )
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


def graphiql_routes() -> list[Route]:
    """The route serving GraphiQL's assets under ``/static/graphiql/``."""
    return [Route("/static/graphiql/{name}", _asset, methods=["GET"])]
