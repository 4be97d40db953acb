"""Shared fixtures: the seed article, stores with the seed ingested, settings, the real corpus's store.

Tests marked ``corpus`` need the real corpus (tests/support/corpus.py); where it is
missing they are deselected, and the summary at the end of the run says so and why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.ingest import ingest_paths
from kg.ingest.sources import read_paths
from kg.records import Article, Extraction
from kg.settings import Settings
from kg.store import EmbeddedStore
from tests.support import corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

#: How many ``corpus`` tests were deselected and why (set at collection, read by the summary).
_DESELECTED = pytest.StashKey[tuple[int, str]]()
#: The corpus store this session built (set by its fixture, read by the summary).
_BUILT = pytest.StashKey[corpus.CorpusStore]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the ``corpus`` tests when the corpus is not there (they neither fail nor pass)."""
    reason = corpus.missing()
    if reason is None:
        return
    gone = [item for item in items if item.get_closest_marker("corpus")]
    if gone:
        items[:] = [item for item in items if not item.get_closest_marker("corpus")]
        config.hook.pytest_deselected(items=gone)
        config.stash[_DESELECTED] = (len(gone), reason)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say that the corpus tests did not run and why, or how long building their store took."""
    if _DESELECTED in config.stash:
        count, reason = config.stash[_DESELECTED]
        terminalreporter.write_sep("=", f"{count} corpus test(s) did NOT run", yellow=True, bold=True)
        terminalreporter.write_line(f"corpus tests deselected: {reason}", yellow=True)
    if _BUILT in config.stash:
        built = config.stash[_BUILT]
        terminalreporter.write_line(
            f"corpus store: {built.articles} articles of {built.source} ingested by `kg ingest --workers "
            f"{corpus.WORKERS}` in {built.seconds:.0f} s ({built.quads:,} quads)"
        )


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The repository's seeds/ folder."""
    return SEEDS


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Default settings, independent of the caller's environment."""
    return Settings.load(env={})


@pytest.fixture(scope="session")
def seed_article() -> Article:
    """The seed article as read from seeds/."""
    (article,) = [a for a in read_paths([SEEDS]) if isinstance(a, Article)]
    return article


@pytest.fixture(scope="session")
def seed_extractions(seed_article: Article) -> list[Extraction]:
    """The seed article and an invented one with places and organisations, through the real pipeline."""
    from kg.extract import extract_many

    text = (
        "Angela Merkel, the former chancellor of Germany, met Emmanuel Macron in Paris on Monday. "
        "Siemens, which is based in Munich, said on Tuesday that it would open a plant in Lyon. "
        "Macron said the plant would bring 800 jobs to France."
    )
    invented = Article(
        id="invented-1", text=text, title="Plant", published="2024-03-04", url=None, source=None, origin="test"
    )
    return list(extract_many([seed_article, invented]))


@pytest.fixture(scope="session")
def seed_store_dir(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """A store directory with seeds/ ingested once per test session (read-only for tests)."""
    path = tmp_path_factory.mktemp("seed-store") / "kg-data"
    store = EmbeddedStore(path)
    report = ingest_paths([SEEDS], store, settings)
    store.close()
    if report.rejected or not report.ingested:
        raise RuntimeError(f"seed ingest failed: {report}")
    return path


@pytest.fixture
def seed_store(seed_store_dir: Path, tmp_path: Path) -> Iterator[EmbeddedStore]:
    """A private copy of the seed store, safe to write to."""
    copy = tmp_path / "kg-data"
    shutil.copytree(seed_store_dir, copy)
    store = EmbeddedStore(copy)
    yield store
    store.close()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[corpus.CorpusStore]:
    """The real corpus ingested once per session by ``kg ingest`` (read-only for tests: copy it to change it).

    Removed at the session's end (a few hundred MB that pytest would otherwise keep).
    """
    folder = tmp_path_factory.mktemp("corpus")
    try:
        store = corpus.ingest(corpus.corpus_file(), folder / "kg-data")
        pytestconfig.stash[_BUILT] = store
        yield store
    finally:
        shutil.rmtree(folder, ignore_errors=True)
