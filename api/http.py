"""HTTP beside GraphQL: ``GET /export``, the ontology at its own IRI, and a read-only ``/sparql`` endpoint.

``/export`` serializes the whole graph with :func:`kg.store.write_export`, chosen
by ``?format=`` or by the ``Accept`` header, and streams it while it is written;
``?ontology=true`` adds the ontology. The ontology answers at the path of its IRI
(``https://w3id.org/newskg/ontology`` -> ``/newskg/ontology``) in Turtle, RDF/XML,
N-Triples or JSON-LD. Every route that offers formats, these and the linked-data
pages, chooses with the one function :func:`kg.media.choose`.

``/sparql`` follows the SPARQL 1.1 Protocol for queries (``GET ?query=``, ``POST``
form-encoded, ``POST application/sparql-query``) and answers with the standard
result media types; updates are refused with 403. Without ``default-graph-uri``
the default graph is the union of every article's graph, so plain triple
patterns work; ``GRAPH`` still reaches each article's own graph. Every backend
answers through the same read-only call, :meth:`kg.store.Store.sparql`: an
embedded store runs the query itself (term types kept, the standard
serializers), a remote store forwards it as it is.

Every query is checked first: ``SERVICE`` (federation) is refused unless its
endpoint is in ``Settings.sparql_services`` (:func:`kg.sandbox.federation_refusal`).
On ``kg serve``'s embedded store, queries run in a :class:`kg.sandbox.QueryPool`:
child processes with a memory limit, killed at the request's deadline, so a
runaway query stops using CPU and memory when its client gets the 503. Answers
are bounded by ``Settings.sparql_max_bytes`` (422).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from kg.errors import ConfigError
from kg.media import choose
from kg.namespace import PREFIXES
from kg.ontology import ONTOLOGY_IRI, ontology_quads
from kg.sandbox import GRAPH_TYPES, READ_ONLY, RESULT_TYPES, QueryJob, QueryPool
from kg.settings import Settings
from kg.store import ExportFormat, Store, write_export

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "ONTOLOGY_TYPES",
    "export_endpoint",
    "negotiate_export",
    "ontology_path",
    "ontology_route",
    "sparql_endpoint",
]

#: Export formats by media type, in the order offered when ``Accept`` allows any.
_EXPORT_TYPES = {
    "text/turtle": ExportFormat.TURTLE,
    "application/trig": ExportFormat.TRIG,
    "application/n-quads": ExportFormat.NQUADS,
    "application/n-triples": ExportFormat.NTRIPLES,
    "application/ld+json": ExportFormat.JSONLD,
    "application/rdf+xml": ExportFormat.RDFXML,
}

_TEXT = "text/plain; charset=utf-8"

#: The ontology's formats by media type, the default first.
ONTOLOGY_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def _pick(header: str | None, offered: Iterable[str]) -> str | None:
    """The offered media type the Accept header prefers (:func:`kg.media.choose`); ``None``: 406."""
    return choose(header, list(offered))


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
        with_ontology = request.query_params.get("ontology", "").lower() in ("1", "true", "yes")
        return StreamingResponse(
            _stream(lambda out: write_export(store, fmt, out, with_ontology=with_ontology)),  # type: ignore[arg-type]
            media_type=fmt.media_type,
            headers={"Content-Disposition": f'attachment; filename="kg-export.{fmt.suffix}"', "Vary": "Accept"},
        )

    return export


def ontology_path() -> str:
    """The server path of the ontology's IRI (``/newskg/ontology``)."""
    return urlsplit(ONTOLOGY_IRI).path


@cache
def _ontology_body(media: str) -> bytes:
    fmt = ONTOLOGY_TYPES[media]
    triples = [q.triple for q in ontology_quads()]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


def ontology_route() -> Route:
    """Return ``GET`` on the ontology IRI's path: ``kg.ttl`` and ``event-types.ttl``, content-negotiated.

    The same triples as the store's ontology graph (:data:`kg.ontology.ONTOLOGY_GRAPH`);
    406 when the ``Accept`` header allows none of :data:`ONTOLOGY_TYPES`.
    """

    async def ontology(request: Request) -> Response:
        headers = {"Vary": "Accept"}
        media = choose(request.headers.get("accept"), list(ONTOLOGY_TYPES))
        if media is None:
            offered = ", ".join(ONTOLOGY_TYPES)
            return PlainTextResponse(
                f"cannot produce any type the Accept header allows; offered: {offered}\n", 406, headers
            )
        charset = "; charset=utf-8" if media.startswith("text/") else ""
        return Response(_ontology_body(media), media_type=media + charset, headers=headers)

    return Route(ontology_path(), ontology, methods=["GET"])


async def _sparql_request(request: Request) -> tuple[str | None, str | None, list[str], list[str]]:
    """Return (query, update, default graphs, named graphs) from any of the protocol's three forms."""
    params = list(request.query_params.multi_items())
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    query: str | None = None
    update: str | None = None
    if request.method == "POST":
        body = (await request.body()).decode("utf-8")
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


def sparql_endpoint(
    get_store: Callable[[], Store], settings: Settings, pool: QueryPool | None = None
) -> Callable[[Request], object]:
    """Return the ``GET``/``POST /sparql`` handler (queries only; updates get 403).

    Args:
        get_store: Returns the store to query.
        settings: Limits: answer size, timeout, allowed ``SERVICE`` endpoints.
        pool: Where queries on an embedded store's snapshots run (killable child
            processes); without one, or for a store with no snapshot on disk, they run
            in a thread of this process.
    """

    async def sparql(request: Request) -> Response:
        try:
            query, update, default, named = await _sparql_request(request)
        except UnicodeDecodeError:
            return PlainTextResponse("the request body is not valid UTF-8", 400)
        if update is not None:
            return PlainTextResponse(READ_ONLY, status_code=403)
        if not query:
            return PlainTextResponse(
                "missing the `query` parameter (GET ?query=..., or POST application/sparql-query)", 400
            )
        accept = request.headers.get("accept")
        job = QueryJob(
            query=query,
            default_graphs=tuple(default),
            named_graphs=tuple(named),
            results_media=_pick(accept, RESULT_TYPES),
            graph_media=_pick(accept, GRAPH_TYPES),
            max_bytes=settings.sparql_max_bytes,
            timeout=settings.request_timeout,
            services=settings.sparql_services,
        )
        # Every backend answers within the job's timeout (a 503 past it).
        answer = await asyncio.to_thread(get_store().sparql, job, accept, pool)
        return Response(answer.body, status_code=answer.status, media_type=answer.media, headers={"Vary": "Accept"})

    return sparql
