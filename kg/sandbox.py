"""Untrusted SPARQL: federation refused, and queries run where they can be stopped.

Two dangers come with a public SPARQL endpoint, and this module answers both.

**Federation (SSRF).** ``SERVICE <iri>`` makes the store send an HTTP request to
any address the client names, from inside the server's network, and return the
answer. :func:`federation_refusal` parses the query (rdflib's SPARQL parser, then
its algebra, after the ``\\uXXXX`` escapes SPARQL processes before parsing) and
refuses every ``SERVICE`` (``SILENT`` or not, at any depth) whose endpoint is not
in the allow-list ``Settings.sparql_services``; a ``SERVICE ?variable`` is always
refused. Comments and string literals cannot fool the check, because it looks at
the parsed query, not its text. A query rdflib cannot parse is refused if its text
holds the word ``service`` anywhere; otherwise it goes on to Oxigraph, whose own
parser rejects it or runs it without federation.

**Runaway queries.** Oxigraph cannot cancel a query from another thread, so a
query that sorts or counts a cartesian product keeps a core busy and its memory
grows long after the client got its 503. :class:`QueryPool` runs each query in a
child process (a small pool of reusable workers) whose address space is limited
with ``RLIMIT_AS`` (``Settings.sparql_memory_mb``); a worker still busy at the
deadline is killed with SIGKILL and replaced, and a worker that runs out of memory
dies without taking the server with it. Each worker opens the store's newest
read-only snapshot itself, so a query never touches the server's own handle.

>>> federation_refusal("SELECT * WHERE { ?s ?p 'SERVICE <http://x/> {}' }", ())
>>> federation_refusal("SELECT * WHERE { service silent <http://10.0.0.1/> { ?s ?p ?o } }", ())[:34]
'federated queries (SERVICE) are of'
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import multiprocessing
import multiprocessing.connection
import os
import re
import resource
import signal
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, cast

import pyoxigraph as ox

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

__all__ = [
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "Answer",
    "QueryJob",
    "QueryPool",
    "federation_refusal",
    "run_query",
]

#: Result media types of SELECT and ASK answers.
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

#: Media types of CONSTRUCT and DESCRIBE answers.
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}

_TEXT = "text/plain; charset=utf-8"
_START_TIMEOUT = 120.0  # seconds a new worker may take to import and report ready
_GRACE = 1.0  # seconds past the deadline before a worker is killed

_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
READ_ONLY = "this SPARQL endpoint is read-only: updates are refused (use `kg ingest` or the GraphQL mutations)"

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_REFUSED = (
    "federated queries (SERVICE) are off on this endpoint; an operator can allow named "
    "endpoints with KG_SPARQL_SERVICES"
)


def is_update(query: str) -> bool:
    """Whether ``query`` is (syntactically) a SPARQL update rather than a query."""
    return _UPDATE.match(query) is not None


def _unescape(query: str) -> str:
    """Apply SPARQL's codepoint escapes, which are processed before the query is parsed."""

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ESCAPE.sub(one, query)


def _services(node: object, found: list[object], seen: set[int]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.append(node.get("term"))
        children: Iterable[object] = node.values()
    elif isinstance(node, dict):
        children = node.values()
    elif isinstance(node, (list, tuple, set)):
        children = node
    else:
        return
    for child in children:
        _services(child, found, seen)


def federation_refusal(query: str, allowed: Sequence[str]) -> str | None:
    """Return why ``query`` may not run here, or ``None`` when it has no refused ``SERVICE``.

    Args:
        query: The SPARQL query text, as the client sent it.
        allowed: Endpoint IRIs a ``SERVICE`` may name (exact match); empty: none.

    The message never says anything about the endpoint named, so it cannot be used
    to probe which addresses answer.
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    text = _unescape(query)
    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # rdflib raises many kinds; any failure means "could not check"
        if "service" in text.lower():
            return _REFUSED + " (this query could not be checked, and it mentions SERVICE)"
        return None
    found: list[object] = []
    _services(algebra, found, set())
    for term in found:
        if not (isinstance(term, URIRef) and str(term) in allowed):
            return _REFUSED
    return None


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer to a SPARQL request: status, body and media type."""

    status: int
    body: bytes
    media: str


def _text(status: int, message: str) -> Answer:
    return Answer(status, message.encode(), _TEXT)


@dataclass(frozen=True, slots=True)
class QueryJob:
    """One SPARQL query to run on an embedded store.

    Attributes:
        query: The query text.
        default_graphs: ``default-graph-uri`` values; empty: the union of all graphs.
        named_graphs: ``named-graph-uri`` values; empty: every named graph.
        results_media: The media type to answer SELECT/ASK with (``None``: the
            client accepts none, 406).
        graph_media: The media type to answer CONSTRUCT/DESCRIBE with.
        max_bytes: The largest answer; past it the query is stopped (422).
        timeout: Seconds the query may run; past it the query is stopped (503).
        services: The ``SERVICE`` endpoints allowed.
    """

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    results_media: str | None = "application/sparql-results+json"
    graph_media: str | None = "text/turtle"
    max_bytes: int = 64 * 2**20
    timeout: float = 10.0
    services: tuple[str, ...] = field(default=())


class _StoppedError(Exception):
    """Raised from :meth:`_Bounded.write` to stop a query; carries the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Bounded:
    """A byte buffer that refuses to grow past ``limit`` bytes or past ``deadline`` (monotonic).

    Oxigraph evaluates lazily, as the answer is serialised, so raising from
    ``write`` stops the query itself.
    """

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
            raise _StoppedError(503, _TOO_SLOW)
        return self._buffer.write(data)

    def getvalue(self) -> bytes:
        """The bytes written so far."""
        return self._buffer.getvalue()


_TOO_SLOW = "the query took longer than the request timeout (KG_REQUEST_TIMEOUT) and was stopped"
_TOO_BIG = (
    "the query needed more memory than a query may use (KG_SPARQL_MEMORY_MB) and was stopped; "
    "ask for less, e.g. with LIMIT or fewer joined patterns"
)
_DIED = (
    "the query stopped the process running it (it ran out of the memory a query may use, "
    "KG_SPARQL_MEMORY_MB, or the store failed on it); ask for less, e.g. with LIMIT or fewer joined patterns"
)


def run_query(store: ox.Store, job: QueryJob) -> Answer:
    """Run ``job`` on ``store`` and serialise its answer, within the job's bounds.

    This is what a pool worker does; it also runs in-process for stores that have no
    snapshot on disk (an in-memory store), where only the answer size and the
    deadline between rows bound it.
    """
    deadline = time.monotonic() + job.timeout
    refusal = federation_refusal(job.query, job.services)
    if refusal is not None:
        return _text(400, refusal)
    kwargs: dict[str, object] = {}
    try:
        if job.default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if job.named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    except ValueError as exc:
        return _text(400, f"a graph IRI is not valid: {exc}")
    try:
        result = store.query(job.query, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as exc:
        if is_update(job.query):
            return _text(403, READ_ONLY)
        return _text(400, f"the query does not parse: {exc}")
    except (OSError, ValueError) as exc:
        return _text(400, f"the query failed: {exc}")
    graph = isinstance(result, ox.QueryTriples)
    media = job.graph_media if graph else job.results_media
    offered = list(GRAPH_TYPES if graph else RESULT_TYPES)
    if media is None or media not in offered:
        return _text(406, f"offered: {', '.join(offered)}")
    out = _Bounded(job.max_bytes, deadline)
    try:
        if isinstance(result, ox.QueryTriples):
            result.serialize(cast("IO[bytes]", out), format=GRAPH_TYPES[media])
        elif isinstance(result, ox.QuerySolutions):
            result.serialize(cast("IO[bytes]", out), format=RESULT_TYPES[media])
        else:  # ASK: a boolean answer, never large
            out.write(result.serialize(format=RESULT_TYPES[media]) or b"")
    except _StoppedError as stop:  # raised in write(), it reaches here as itself
        return _text(stop.status, str(stop))
    except MemoryError:
        return _text(422, _TOO_BIG)
    except (OSError, ValueError, RuntimeError) as exc:  # evaluation errors surface while serialising
        return _text(400, f"the query failed: {exc}")
    return Answer(200, out.getvalue(), media)


def _worker_main(conn: multiprocessing.connection.Connection, memory_bytes: int) -> None:
    """A pool worker: limit the address space, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C is the parent's to handle
    if memory_bytes > 0:
        _few_arenas()
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    opened: tuple[str, ox.Store] | None = None
    federation_refusal("ASK {}", ())  # import the parser now: a start-up cost, not the first query's
    conn.send("ready")
    while True:
        try:
            path, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if opened is None or opened[0] != path:
                opened = None  # release the old snapshot before opening the new one
                opened = (path, ox.Store.read_only(path))
            answer = run_query(opened[1], job)
        except MemoryError:
            answer = _text(422, _TOO_BIG)
        except OSError as exc:
            answer = _text(503, f"the store could not be read: {type(exc).__name__}")
        except Exception as exc:  # any failure of one query is that query's answer; the worker lives on
            answer = _text(400, f"the query failed: {exc}")
        except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException (a BaseException)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            answer = _text(400, f"the query failed: {type(exc).__name__}")
        conn.send(answer)


def _few_arenas() -> None:
    """Cap glibc's malloc arenas, so threads do not reserve 64 MiB of address space each.

    ``RLIMIT_AS`` counts reserved address space, and each thread RocksDB or Oxigraph
    starts would otherwise reserve an arena of its own and fail to start.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX


@dataclass
class _Worker:
    process: BaseProcess
    conn: multiprocessing.connection.Connection


class QueryPool:
    """Reusable child processes that run SPARQL queries and can be killed at their deadline.

    Workers start on first use. A query waits for an idle worker (the wait counts
    towards its timeout); a worker that overruns the timeout, or dies (out of
    memory), is replaced.

    Args:
        size: How many queries may run at once.
        memory_mb: Each worker's address-space limit in MiB (0: none).
    """

    def __init__(self, size: int = 2, memory_mb: int = 1024) -> None:
        self._size = max(1, size)
        self._memory = memory_mb * 2**20
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []
        self._started = 0
        self._starting = 0
        self._cond = threading.Condition()
        self._closed = False

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, self._memory), name="kg-sparql", daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        # Start-up (imports) is the server's cost, not the query's: wait for it apart.
        try:
            if worker.conn.poll(_START_TIMEOUT) and worker.conn.recv() == "ready":
                return worker
        except (EOFError, OSError):
            pass
        self._kill(worker)
        raise OSError("a SPARQL worker process did not start")

    def _acquire(self, deadline: float) -> tuple[_Worker | None, bool]:
        """An idle worker (or a new one), and whether the wait was for a start-up.

        Waiting for a busy worker counts towards the query's ``deadline``; waiting
        for one that is starting does not (the caller restarts its clock).
        """
        started_up = False
        with self._cond:
            while not self._idle and self._started >= self._size:
                if self._closed:
                    return None, started_up
                if self._starting:
                    started_up = True
                    self._cond.wait(_START_TIMEOUT)
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, started_up
                self._cond.wait(left)
            if self._idle:
                return self._idle.pop(), started_up
            self._started += 1
            self._starting += 1
        try:
            return self._spawn(), True
        except OSError:
            self._retire()
            raise
        finally:
            with self._cond:
                self._starting -= 1

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if self._closed:
                self._kill(worker)
                self._started -= 1
            else:
                self._idle.append(worker)
            self._cond.notify_all()

    def _retire(self) -> None:
        with self._cond:
            self._started -= 1
            self._cond.notify_all()

    @staticmethod
    def _kill(worker: _Worker) -> None:
        with contextlib.suppress(OSError, ValueError):
            worker.conn.close()
        if worker.process.is_alive() and worker.process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=5)

    def run(self, snapshot: str, job: QueryJob) -> Answer:
        """Run ``job`` on the read-only snapshot at ``snapshot`` (blocking; call from a thread).

        Returns 503 when the query (with its wait for a worker) overruns
        ``job.timeout``, 422 when its worker ran out of memory.
        """
        deadline = time.monotonic() + job.timeout
        try:
            worker, started_up = self._acquire(deadline)
        except OSError:
            return _text(503, "no SPARQL worker could be started; try again")
        if started_up:
            deadline = time.monotonic() + job.timeout
        if worker is None:
            return _text(503, "every SPARQL worker stayed busy past the request timeout (KG_REQUEST_TIMEOUT)")
        try:
            worker.conn.send((snapshot, job))
            # The worker stops a query that produces rows at the deadline itself (its clock
            # starts once the snapshot is open); the kill is for those that produce none.
            if worker.conn.poll(max(0.0, deadline - time.monotonic()) + _GRACE):
                answer: Answer = worker.conn.recv()
                self._release(worker)
                return answer
            outcome = _text(503, _TOO_SLOW)
        except (EOFError, OSError):  # the worker died: by a signal, when it hit its memory limit
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            outcome = _text(422, _DIED) if code is None or code < 0 else _text(503, "the SPARQL worker failed")
        self._kill(worker)
        self._replace()
        return outcome

    def _replace(self) -> None:
        """Start a worker in place of a killed one, in the background, so the next query finds it ready."""

        with self._cond:
            self._starting += 1

        def start() -> None:
            try:
                worker = self._spawn()
            except OSError:
                self._retire()
                return
            finally:
                with self._cond:
                    self._starting -= 1
            self._release(worker)

        threading.Thread(target=start, name="kg-sparql-spawn", daemon=True).start()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for benchmarks and tests)."""
        with self._cond:
            return [w.process.pid for w in self._idle if w.process.pid is not None]

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped when their query returns."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._started -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            self._kill(worker)
