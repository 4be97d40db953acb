"""The real corpus the ``corpus`` tests run on, and the store ``kg ingest`` builds of it.

The corpus is ``conllpp-train.jsonl`` (946 Reuters articles) in the evaluation folder:
``$KG_EVAL_DIR`` when set, else ``../shared/eval`` beside the repository. It is read
from there, never copied into the repository; where it is missing (a clean clone on CI)
the tests marked ``corpus`` are deselected and pytest's summary says so (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import ROOT

#: The variable that names the evaluation folder.
EVAL_ENV = "KG_EVAL_DIR"

#: The corpus file inside that folder.
CORPUS_FILE = "conllpp-train.jsonl"

#: Extraction processes of the ingest (the machine's two cores).
WORKERS = 2


def eval_dir(env: Mapping[str, str] | None = None) -> Path:
    """The evaluation folder: ``$KG_EVAL_DIR``, else ``../shared/eval`` beside the repository."""
    given = (os.environ if env is None else env).get(EVAL_ENV, "")
    return Path(given) if given else ROOT.parent / "shared" / "eval"


def corpus_file(env: Mapping[str, str] | None = None) -> Path:
    """Where the corpus should be (it may not exist)."""
    return eval_dir(env) / CORPUS_FILE


def missing(env: Mapping[str, str] | None = None) -> str | None:
    """Why the corpus tests cannot run here, or ``None`` when the corpus is there."""
    path = corpus_file(env)
    if path.is_file():
        return None
    given = (os.environ if env is None else env).get(EVAL_ENV)
    where = f"{EVAL_ENV}={given}" if given else f"{EVAL_ENV} is not set"
    return f"{path} not found ({where}); set {EVAL_ENV} to the folder that holds {CORPUS_FILE}"


@dataclass(frozen=True, slots=True)
class CorpusStore:
    """A store of the corpus as ``kg ingest`` left it.

    Attributes:
        path: The store folder (read-only for tests: copy it to change it).
        source: The corpus file ingested.
        articles: Articles the ingest stored.
        quads: Quads it wrote.
        seconds: Wall time of the ingest command, start to exit.
    """

    path: Path
    source: Path
    articles: int
    quads: int
    seconds: float


def ingest(source: Path, store: Path, *, workers: int = WORKERS) -> CorpusStore:
    """Run ``kg ingest SOURCE --store STORE --workers N --json`` as a user would; time it.

    Raises:
        RuntimeError: The command failed or rejected an article (its output is in the message).
    """
    command = [sys.executable, "-m", "kg", "ingest", str(source), "--store", str(store), "--workers", str(workers)]
    start = time.monotonic()
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, check=False, cwd=ROOT)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}: {done.stderr[-4000:]}")
    report = json.loads(done.stdout)
    if report["rejected"]:
        raise RuntimeError(f"{' '.join(command)} rejected {report['rejected'][:5]}")
    return CorpusStore(store, source, len(report["ingested"]), int(report["quads"]), seconds)
