"""HTTP beside GraphQL: ``GET /export`` and a read-only ``/sparql`` endpoint.

``/export`` serializes the whole graph with :func:`kg.store.write_export`, chosen
by ``?format=`` or by the ``Accept`` header, and streams it while it is written.

``/sparql`` follows the SPARQL 1.1 Protocol for queries (``GET ?query=``, ``POST``
form-encoded, ``POST application/sparql-query``) and answers with the standard
result media types; updates are refused with 403. Without ``default-graph-uri``
the default graph is the union of every article's graph, so plain triple
patterns work; ``GRAPH`` still reaches each article's own graph. The embedded
store's :class:`kg.store.Store` interface returns rows of lexical values only, so
the endpoint runs queries on its Oxigraph handle to keep term types and the
standard serializers; a remote store gets the query forwarded as it is.

Oxigraph evaluates a query lazily, as its answer is serialised, and cannot be
interrupted otherwise. So the answer is written into a :class:`_Bounded` buffer
that stops the query (by raising from ``write``) once the answer passes
``Settings.sparql_max_bytes`` or the request's deadline: a cartesian product is
cut off after its first kilobytes instead of filling the server's memory. A query
that runs long without producing any row (a large aggregate) still runs to its
end in its thread; the client gets its 503 at the deadline all the same.
"""

from __future__ import annotations

import asyncio
import io
import queue
import re
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import IO, TYPE_CHECKING, cast
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from kg.errors import ConfigError, KGError
from kg.settings import Settings
from kg.store import EmbeddedStore, ExportFormat, RemoteStore, ServingStore, Store, write_export

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["export_endpoint", "negotiate_export", "sparql_endpoint"]

#: Export formats by media type, in the order offered when ``Accept`` allows any.
_EXPORT_TYPES = {
    "text/turtle": ExportFormat.TURTLE,
    "application/trig": ExportFormat.TRIG,
    "application/n-quads": ExportFormat.NQUADS,
    "application/n-triples": ExportFormat.NTRIPLES,
    "application/ld+json": ExportFormat.JSONLD,
}

_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

_GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}

_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_READ_ONLY = "this SPARQL endpoint is read-only: updates are refused (use `kg ingest` or the GraphQL mutations)"


def _accepted(header: str) -> list[str]:
    """Media ranges of an Accept header, most preferred first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, i, media.lower()))
    return [m for _, _, m in sorted(ranked)]


def _pick(header: str | None, offered: Iterable[str]) -> str | None:
    """The first offered media type the Accept header allows; the first offered for none or ``*/*``."""
    choices = list(offered)
    if not header:
        return choices[0]
    for media in _accepted(header):
        if media in ("*/*", "*"):
            return choices[0]
        if media.endswith("/*"):
            for c in choices:
                if c.startswith(media[:-1]):
                    return c
        elif media in choices:
            return media
    return None


def negotiate_export(fmt: str | None, accept: str | None) -> ExportFormat | None:
    """Choose the export format: ``?format=`` wins, else the Accept header (Turtle for any).

    Returns ``None`` when the Accept header allows none of the formats.

    Raises:
        ConfigError: ``fmt`` names no format (the message lists the valid ones).

    >>> negotiate_export(None, "application/trig, text/turtle;q=0.5").value
    'trig'
    """
    if fmt:
        return ExportFormat.parse(fmt)
    media = _pick(accept, _EXPORT_TYPES)
    return _EXPORT_TYPES[media] if media else None


class _Pipe:
    """A file-like sink a writer thread fills and an async reader drains, a chunk at a time."""

    def __init__(self, depth: int = 16) -> None:
        self._q: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=depth)

    def write(self, data: bytes) -> int:
        self._q.put(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: chunks are handed over as they are written."""

    def close(self, error: BaseException | None = None) -> None:
        self._q.put(error)

    def get(self) -> bytes | BaseException | None:
        return self._q.get()


async def _stream(produce: Callable[[_Pipe], None]) -> AsyncIterator[bytes]:
    pipe = _Pipe()

    def run() -> None:
        try:
            produce(pipe)
        except BaseException as exc:  # handed to the reader, which raises it
            pipe.close(exc)
        else:
            pipe.close()

    threading.Thread(target=run, name="kg-export", daemon=True).start()
    while True:
        chunk = await asyncio.to_thread(pipe.get)
        if chunk is None:
            return
        if isinstance(chunk, BaseException):
            raise chunk
        yield chunk


def export_endpoint(get_store: Callable[[], Store]) -> Callable[[Request], object]:
    """Return the ``GET /export`` handler for the store ``get_store`` returns."""

    async def export(request: Request) -> Response:
        try:
            fmt = negotiate_export(request.query_params.get("format"), request.headers.get("accept"))
        except ConfigError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        if fmt is None:
            offered = ", ".join(_EXPORT_TYPES)
            return PlainTextResponse(f"cannot produce any type the Accept header allows; offered: {offered}", 406)
        store = get_store()
        suffix = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "jsonld": "jsonld", "trig": "trig"}[fmt.value]
        return StreamingResponse(
            _stream(lambda out: write_export(store, fmt, out)),  # type: ignore[arg-type]
            media_type=fmt.media_type,
            headers={"Content-Disposition": f'attachment; filename="kg-export.{suffix}"', "Vary": "Accept"},
        )

    return export


async def _sparql_request(request: Request) -> tuple[str | None, str | None, list[str], list[str]]:
    """Return (query, update, default graphs, named graphs) from any of the protocol's three forms."""
    params = list(request.query_params.multi_items())
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    query: str | None = None
    update: str | None = None
    if request.method == "POST":
        body = (await request.body()).decode("utf-8", errors="replace")
        if ctype == "application/sparql-query":
            query = body
        elif ctype == "application/sparql-update":
            update = body
        elif ctype == "application/x-www-form-urlencoded":
            params += parse_qsl(body, keep_blank_values=True)
    for k, v in params:
        if k == "query" and query is None:
            query = v
        elif k == "update":
            update = v
    default = [v for k, v in params if k == "default-graph-uri"]
    named = [v for k, v in params if k == "named-graph-uri"]
    return query, update, default, named


class _StoppedError(Exception):
    """Raised from :meth:`_Bounded.write` to stop a query; carries the HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Bounded:
    """A byte buffer that refuses to grow past ``limit`` bytes or past ``deadline`` (monotonic)."""

    def __init__(self, limit: int, deadline: float) -> None:
        self._buffer = io.BytesIO()
        self._limit = limit
        self._deadline = deadline

    def flush(self) -> None:
        """Nothing to flush: the bytes stay in memory."""

    def write(self, data: bytes) -> int:
        """Keep ``data``, or stop the query that produces it."""
        if self._buffer.tell() + len(data) > self._limit:
            raise _StoppedError(
                422,
                f"the answer is larger than {self._limit:,} bytes (KG_SPARQL_MAX_BYTES); ask for less, e.g. with LIMIT",
            )
        if time.monotonic() > self._deadline:
            raise _StoppedError(503, "the query took longer than the request timeout (KG_REQUEST_TIMEOUT)")
        return self._buffer.write(data)

    def getvalue(self) -> bytes:
        """The bytes written so far."""
        return self._buffer.getvalue()


def _run_embedded(
    store: ox.Store,
    query: str,
    default: list[str],
    named: list[str],
    accept: str | None,
    limit: int,
    deadline: float,
) -> tuple[int, bytes, str]:
    kwargs: dict[str, object] = {}
    if default:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named]
    try:
        result = store.query(query, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as exc:
        if _UPDATE.match(query):
            return 403, _READ_ONLY.encode(), "text/plain; charset=utf-8"
        return 400, f"the query does not parse: {exc}".encode(), "text/plain; charset=utf-8"
    except (OSError, ValueError) as exc:
        return 400, f"the query failed: {exc}".encode(), "text/plain; charset=utf-8"
    if isinstance(result, ox.QueryTriples):
        media = _pick(accept, _GRAPH_TYPES)
        if media is None:
            return 406, f"offered: {', '.join(_GRAPH_TYPES)}".encode(), "text/plain; charset=utf-8"
    else:
        media = _pick(accept, _RESULT_TYPES)
        if media is None:
            return 406, f"offered: {', '.join(_RESULT_TYPES)}".encode(), "text/plain; charset=utf-8"
    out = _Bounded(limit, deadline)
    try:
        if isinstance(result, ox.QueryTriples):
            result.serialize(cast("IO[bytes]", out), format=_GRAPH_TYPES[media])
        elif isinstance(result, ox.QuerySolutions):
            result.serialize(cast("IO[bytes]", out), format=_RESULT_TYPES[media])
        else:  # ASK: a boolean answer, never large
            out.write(result.serialize(format=_RESULT_TYPES[media]) or b"")
    except _StoppedError as stop:  # raised in write(), it reaches here as itself
        return stop.status, str(stop).encode(), "text/plain; charset=utf-8"
    except (OSError, ValueError, RuntimeError) as exc:  # evaluation errors surface while serialising
        return 400, f"the query failed: {exc}".encode(), "text/plain; charset=utf-8"
    return 200, out.getvalue(), media


def _run_remote(store: RemoteStore, query: str, accept: str | None) -> tuple[int, bytes, str]:
    # A remote store is itself a SPARQL endpoint: forward the query and its answer.
    if _UPDATE.match(query):
        return 403, _READ_ONLY.encode(), "text/plain; charset=utf-8"
    # The store's own transport: the request every server answers, its credentials,
    # and errors that name the server without them.
    return store.forward(query, accept)


def sparql_endpoint(get_store: Callable[[], Store], settings: Settings) -> Callable[[Request], object]:
    """Return the ``GET``/``POST /sparql`` handler (queries only; updates get 403)."""

    async def sparql(request: Request) -> Response:
        query, update, default, named = await _sparql_request(request)
        if update is not None:
            return PlainTextResponse(_READ_ONLY, status_code=403)
        if not query:
            return PlainTextResponse(
                "missing the `query` parameter (GET ?query=..., or POST application/sparql-query)", 400
            )
        store = get_store()
        if isinstance(store, ServingStore):
            store = store.current()  # the newest published snapshot
        accept = request.headers.get("accept")
        if isinstance(store, EmbeddedStore):
            raw: ox.Store = store._store  # the embedded store's own Oxigraph handle; see the module docstring
            deadline = time.monotonic() + settings.request_timeout
            job = asyncio.to_thread(
                _run_embedded, raw, query, default, named, accept, settings.sparql_max_bytes, deadline
            )
        elif isinstance(store, RemoteStore):
            job = asyncio.to_thread(_run_remote, store, query, accept)
        else:
            return PlainTextResponse("this store does not support raw SPARQL", 501)
        try:
            status, body, media = await asyncio.wait_for(job, timeout=settings.request_timeout)
        except TimeoutError:
            return PlainTextResponse(f"the query took longer than {settings.request_timeout:g} s", 503)
        except KGError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return Response(body, status_code=status, media_type=media, headers={"Vary": "Accept"})

    return sparql
