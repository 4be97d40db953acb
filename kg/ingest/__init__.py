"""Ingest: input files -> articles -> extraction -> the store, in batches and in input order.

* :mod:`kg.ingest.sources`: files, folders, JSONL and HTML -> articles;
* :mod:`kg.ingest.run`: the one batch loop (triage, identity, write, report);
* :mod:`kg.ingest.workers`: extraction as a pure function, and the local worker pool;
* :mod:`kg.ingest.distributed`: extraction (and writes) on a Dask cluster.
"""

from __future__ import annotations

from kg.ingest.run import (
    BATCH,
    Extractor,
    Identity,
    IngestReport,
    LocalExtractor,
    Triage,
    batches,
    ingest_articles,
    ingest_paths,
    run_batches,
    triage,
)

__all__ = [
    "BATCH",
    "Extractor",
    "Identity",
    "IngestReport",
    "LocalExtractor",
    "Triage",
    "batches",
    "ingest_articles",
    "ingest_paths",
    "run_batches",
    "triage",
]
