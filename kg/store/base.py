"""The one interface every backend implements, as httpx puts its transports behind one base.

A backend answers reads (SELECT, ASK, the raw read-only ``/sparql`` query), and
offers *raw* writes: write these graphs, drop that one, add these quads. What
must happen around a write (the entity summary marked before, synced after, a
snapshot published when due) is not the backend's business: it lives in one
place, :mod:`kg.store.writer`, which the public write methods here
(:meth:`Store.put_articles`, :meth:`Store.put_nquads`, :meth:`Store.delete_article`,
:meth:`Store.load`) call.

Every article is one named graph (the article's IRI) and is written atomically: a
reader sees all of an article or none of it. Queries must name graphs explicitly
(``GRAPH ?g { ... }``): SPARQL servers disagree on what their default graph is,
so kg never relies on it. Rows returned by :meth:`Store.query` map variable names
to lexical values (the IRI string or the literal's lexical form); unbound
variables are absent.
"""

from __future__ import annotations

import abc
import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

import pyoxigraph as ox

from kg import sparql as _sparql
from kg.sandbox import Answer
from kg.store import writer

if TYPE_CHECKING:
    from kg.sandbox import QueryJob, QueryPool
    from kg.store.export import ExportFormat
    from kg.summary import Contributions

__all__ = ["Row", "Store", "Told", "bounded", "lexical"]

Row = dict[str, str]
#: One triple as (subject, predicate, object, graph), each the lexical value (see :func:`lexical`).
Told = tuple[str, str, str, str]


def lexical(term: object) -> str:
    """The lexical value of a pyoxigraph term (its ``value``, else its text)."""
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def bounded(answer: Callable[[], Answer], timeout: float) -> Answer:
    """Run ``answer`` in a daemon thread and wait for it at most ``timeout`` seconds.

    Past that, a 503 answer is returned at once; the thread is left to finish on its
    own (a query on an embedded store stops at its next row past its deadline).
    """
    done: list[Answer] = []
    thread = threading.Thread(target=lambda: done.append(answer()), name="kg-sparql", daemon=True)
    thread.start()
    thread.join(timeout)
    if not done:
        return Answer(503, f"the query took longer than {timeout:g} s".encode(), "text/plain; charset=utf-8")
    return done[0]


class Store(abc.ABC):
    """The interface of the embedded, serving and remote backends.

    Attributes:
        location: Where the store is, safe to print (a path, or a URL without credentials).
    """

    location: str
    #: Whether :func:`kg.store.writer.prepare` rewrites ``xsd:date`` values of earlier
    #: versions in place. A remote store reads them as ``xsd:dateTime`` instead: Virtuoso
    #: gives every midnight ``xsd:dateTime`` back as an ``xsd:date``, so no rewrite sticks
    #: (:meth:`quads` of a remote store reads them so).
    upgrades_dates: ClassVar[bool] = True

    # Reads.

    @abc.abstractmethod
    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query and return its rows."""

    @abc.abstractmethod
    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""

    def subject_triples(
        self, pairs: Sequence[tuple[str, str | None]], predicates: Sequence[str] | None = None
    ) -> list[Told]:
        """Every triple about each subject of ``pairs``: in the graph paired with it, or in every named graph (``None``).

        The read of a page of known nodes (an event in the graphs reporting it, a
        statement and its evidence span): no join, so a backend that can seek a
        subject answers it without a query plan. This one asks SPARQL, at most two
        queries (a VALUES of (subject, graph) pairs before the GRAPH block, so that each
        pair is one seek; subjects with any graph inside it).

        Args:
            pairs: (subject IRI, graph IRI or ``None``) pairs.
            predicates: Only the triples with one of these predicates (all when ``None``).

        Returns:
            ``(subject, predicate, object, graph)`` rows, lexical values as :meth:`query`
            gives them; each triple once, however often its subject is asked for.
        """
        anywhere = sorted({s for s, g in pairs if g is None})
        known = sorted({(s, g) for s, g in pairs if g is not None} - {(s, g) for s, g in pairs if s in anywhere})
        only = f"VALUES ?p {{ {_sparql.iris(predicates)} }} " if predicates is not None else ""
        if predicates is not None and not predicates:
            return []
        rows: list[Row] = []
        if known:
            values = " ".join(f"({_sparql.iri(s)} {_sparql.iri(g)})" for s, g in known)
            rows += self.query(
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?g) {{ {values} }} GRAPH ?g {{ {only}?s ?p ?o }} }}"
            )
        if anywhere:
            rows += self.query(
                f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ VALUES ?s {{ {_sparql.iris(anywhere)} }} {only}?s ?p ?o }} }}"
            )
        return [(r["s"], r["p"], r["o"], r["g"]) for r in rows]

    @abc.abstractmethod
    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""

    @abc.abstractmethod
    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's."""

    @abc.abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad in every named graph but the entity summary's."""

    @abc.abstractmethod
    def sparql(self, job: QueryJob, accept: str | None, pool: QueryPool | None = None) -> Answer:
        """Answer a read-only SPARQL query as the SPARQL 1.1 Protocol does (``/sparql``).

        The default graph is the union of all graphs unless ``job`` names some.
        Blocking, for at most about ``job.timeout`` seconds: past it the answer is a 503.

        Args:
            job: The query and its bounds (answer size, time, allowed ``SERVICE`` endpoints).
            accept: The request's ``Accept`` header (a remote store passes it on).
            pool: Killable child processes that run queries on a snapshot on disk
                (an embedded store with none runs the query in this thread).
        """

    # Writes: one place keeps the entity summary and publishes snapshots (kg.store.writer).

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each named graph in ``batch`` with its quads, each atomically (see :mod:`kg.store.writer`)."""
        writer.put_articles(self, batch)

    def put_nquads(self, batch: Sequence[tuple[str, str]], known: Mapping[str, Contributions] | None = None) -> None:
        """Like :meth:`put_articles`, each graph's quads given as N-Quads text (all in that graph).

        ``known`` holds what some graphs contribute to the entity summary, found in
        their quads before serialising (:func:`kg.summary.contributions_of`), so
        that the summary does not read them back.
        """
        writer.put_nquads(self, batch, known)

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        return writer.delete_article(self, graph)

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF; triples go to ``graph`` (required for triple formats)."""
        writer.load(self, data, fmt, graph=graph)

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update as one transaction (the entity summary's writes)."""

    # Raw writes, for kg.store.writer (and cluster workers that leave the summary to a driver).

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold a store that takes writes for the duration (this one, unless it is read-only)."""
        yield self

    @abc.abstractmethod
    def stored_graphs(self, graphs: Sequence[str]) -> list[str]:
        """Those of ``graphs`` that may be stored already (whose summary records a write must mark)."""

    @abc.abstractmethod
    def has_graph(self, graph: str) -> bool:
        """Whether the named graph ``graph`` holds anything."""

    @abc.abstractmethod
    def write_quads(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each graph of ``batch`` with its quads, each atomically; nothing else."""

    @abc.abstractmethod
    def write_nquads(self, batch: Sequence[tuple[str, str]]) -> None:
        """Replace each graph of ``batch`` with the quads of its N-Quads text, each atomically; nothing else."""

    @abc.abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove one named graph; nothing else."""

    @abc.abstractmethod
    def add_quads(self, quads: Sequence[ox.Quad]) -> None:
        """Add quads to the graphs they name, replacing nothing; nothing else."""

    def after_write(self) -> None:  # noqa: B027 - a hook: most backends have nothing to do
        """Called by the writer once a write and its summary are done (an embedded store may publish)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store."""
