"""read -> extract -> rdf -> store, idempotently and in batches.

An article whose content hash is already stored under its id is skipped, so
re-ingesting a folder only extracts what changed. Bad inputs are reported, never
raised: the rest of the batch still goes in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from kg.errors import InputError
from kg.extract import extract_many
from kg.rdf import article_iri, extraction_quads
from kg.read import read_paths
from kg.records import Article, Extraction
from kg.settings import Settings
from kg.store import Store

__all__ = ["IngestReport", "ingest_articles", "ingest_paths"]

#: Articles extracted and written per store transaction.
BATCH = 32


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did.

    Attributes:
        ingested: Ids of articles extracted and written.
        unchanged: Ids of articles already stored with the same content.
        rejected: The inputs that could not be read, each naming its source.
        mentions: Mentions written.
        entities: Entities written (per article, before cross-article identity).
        events: Events written.
        relations: Relations written.
        quads: Quads written.
    """

    ingested: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    rejected: tuple[InputError, ...] = ()
    mentions: int = 0
    entities: int = 0
    events: int = 0
    relations: int = 0
    quads: int = 0

    @property
    def ok(self) -> bool:
        """Whether every input was accepted."""
        return not self.rejected


def _batches(items: Iterable[Article | InputError], size: int) -> Iterator[list[Article | InputError]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def ingest_articles(
    items: Iterable[Article | InputError],
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[int], None] | None = None,
    on_stored: Callable[[Extraction], None] | None = None,
) -> IngestReport:
    """Extract and store articles, skipping those stored unchanged.

    Args:
        items: Articles, and errors standing for inputs that could not be read.
        store: Where to write.
        settings: The base IRI and limits.
        progress: Called with the number of inputs handled after each batch.
        on_stored: Called with each extraction once it is in the store.
    """
    ingested: list[str] = []
    unchanged: list[str] = []
    rejected: list[InputError] = []
    counts = {"mentions": 0, "entities": 0, "events": 0, "relations": 0, "quads": 0}
    seen: set[str] = set()
    base = settings.base_iri
    for chunk in _batches(items, BATCH):
        articles: list[Article] = []
        for item in chunk:
            if isinstance(item, InputError):
                rejected.append(item)
            elif item.id in seen:
                unchanged.append(item.id)  # the same id twice in one run: the first wins
            else:
                seen.add(item.id)
                articles.append(item)
        stored = store.article_digests([article_iri(base, a.id) for a in articles])
        todo = [a for a in articles if stored.get(article_iri(base, a.id)) != a.digest]
        unchanged.extend(a.id for a in articles if a not in todo)
        if todo:
            when = datetime.now(UTC)
            extractions = list(extract_many(todo))
            batch = [(article_iri(base, x.article.id), extraction_quads(x, base, when=when)) for x in extractions]
            store.put_articles(batch)
            for x, (_, quads) in zip(extractions, batch, strict=True):
                ingested.append(x.article.id)
                counts["mentions"] += len(x.mentions)
                counts["entities"] += len(x.entities)
                counts["events"] += len(x.events)
                counts["relations"] += len(x.relations)
                counts["quads"] += len(quads)
                if on_stored is not None:
                    on_stored(x)
        if progress is not None:
            progress(len(chunk))
    return IngestReport(ingested=tuple(ingested), unchanged=tuple(unchanged), rejected=tuple(rejected), **counts)


def ingest_paths(
    paths: Sequence[str | Path],
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read files and folders and ingest every article in them."""
    return ingest_articles(read_paths(paths, max_chars=settings.max_article_chars), store, settings, progress=progress)
