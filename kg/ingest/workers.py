"""Extraction in parallel: a pure function from an article to N-Quads, and an ordered pool.

:func:`article_nquads` is the unit of work: it depends only on the article, the
base IRI and the provenance time (and the installed model), and its result is
plain text, so it can run in a local worker process (:class:`ExtractorPool`) or
inside a distributed engine (:mod:`kg.ingest.distributed`) and be written by whoever
holds the store.

Workers are forked from a parent that has already loaded the spaCy pipeline,
so they start in milliseconds and share the model's memory until they write to it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from kg.extract import extract_many
from kg.extract.gazetteer import load_gazetteer
from kg.extract.pipeline import load_pipeline
from kg.identity import local_identity
from kg.rdf import article_iri, extraction_quads, nquads_text
from kg.records import Article, Extraction
from kg.summary import Contributions, contributions_of

__all__ = ["Extracted", "ExtractorPool", "Stored", "article_nquads", "extract_chunk"]

_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


@dataclass(frozen=True, slots=True)
class Stored:
    """What one article put in the store, as an ingest report counts it.

    Attributes:
        article_id: The article's id.
        mentions: Mentions written.
        entities: Entities written (before cross-article identity).
        events: Events written.
        relations: Relations written.
        quads: Distinct quads written.
    """

    article_id: str
    mentions: int
    entities: int
    events: int
    relations: int
    quads: int


@dataclass(frozen=True, slots=True)
class Extracted:
    """One article's extraction and its quads as N-Quads text (picklable).

    Attributes:
        extraction: The records extracted from the article.
        graph: The article's IRI, the name of its graph.
        nquads: Every quad of the article, in N-Quads syntax (what the store loads).
        summary: What the quads contribute to the entity summary, found while they
            were in memory, so the writer does not read them back.
    """

    extraction: Extraction
    graph: str
    nquads: str
    summary: Contributions

    @property
    def quad_count(self) -> int:
        """How many quads the store holds for the article: distinct lines (a store keeps a quad once)."""
        return len({line for line in self.nquads.splitlines() if line.strip()})

    @property
    def stored(self) -> Stored:
        """What the article puts in the store, as counted."""
        x = self.extraction
        return Stored(x.article.id, len(x.mentions), len(x.entities), len(x.events), len(x.relations), self.quad_count)

    @classmethod
    def of(cls, x: Extraction, base: str, when: datetime) -> Extracted:
        """Serialise one extraction (quads, N-Quads text, summary contributions)."""
        graph = article_iri(base, x.article.id)
        quads = extraction_quads(x, base, when=when)
        return cls(x, graph, nquads_text(quads), contributions_of(graph, quads))


def extract_chunk(articles: Sequence[Article], base: str, when: datetime) -> list[Extracted]:
    """Extract several articles with one ``nlp.pipe`` call, in order.

    Each extraction goes through :func:`kg.identity.local_identity` (what identity
    decides from the article alone) before it is serialised.

    Args:
        articles: The articles.
        base: The data base IRI.
        when: The extraction time recorded in provenance.

    Returns:
        One :class:`Extracted` per article, in the order given.
    """
    return [Extracted.of(local_identity(x), base, when) for x in extract_many(articles)]


def article_nquads(article: Article, base: str, when: datetime) -> str:
    """Extract one article and return all its quads as N-Quads text.

    A pure function of its arguments (given the installed model): the same article,
    base and time give the same text, so it is safe to retry or to run anywhere.

    >>> from datetime import UTC, datetime
    >>> a = Article(id="a1", text="Olaf Scholz visited Paris.", title=None, published=None,
    ...             url=None, source=None, origin="doc")
    >>> "<https://w3id.org/newskg/id/article/a1>" in article_nquads(a, "https://w3id.org/newskg/id/",
    ...                                                             datetime(2024, 1, 1, tzinfo=UTC))
    True
    """
    (one,) = extract_chunk([article], base, when)
    return one.nquads


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread meanwhile, so a worker started now starts with it blocked."""
    if not hasattr(signal, "pthread_sigmask"):  # not on Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _warm(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool, so a worker
    # finishes its chunk instead of dying with a traceback of its own. It was started
    # with SIGINT blocked (ExtractorPool.submit), so none is lost in between.
    if hasattr(signal, "pthread_sigmask"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # A worker must not outlive a parent killed with SIGKILL (it would wait forever on
    # its queue): on Linux the kernel kills it when the parent dies.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    load_pipeline()


class ExtractorPool:
    """Worker processes extracting chunks of articles; results come back in order.

    Use as a context manager; :meth:`submit` returns a future per chunk, and the
    caller keeps futures in submission order to stream results in input order.

    Args:
        workers: The number of processes (at least 1).
    """

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        methods = multiprocessing.get_all_start_methods()
        # fork shares the model already loaded here; spawn (other platforms) loads it per worker.
        method = "fork" if "fork" in methods else "spawn"
        if method == "fork":
            load_pipeline()
            load_gazetteer()  # built here once, shared by every worker, not built in each
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_warm,
            initargs=(os.getpid(),),
        )

    def submit(self, articles: Sequence[Article], base: str, when: datetime) -> Future[list[Extracted]]:
        """Queue one chunk of articles for extraction."""
        with _sigint_blocked():  # the first submit starts the workers
            return self._executor.submit(extract_chunk, list(articles), base, when)

    def close(self) -> None:
        """Stop the workers (pending chunks are cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
