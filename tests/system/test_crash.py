"""``kill -9`` during ``kg ingest``: the store stays consistent and a re-run finishes the job.

Each case starts a real ``kg ingest`` subprocess, kills it with SIGKILL at a chosen
moment (as soon as the store is open, after the first batch is published, or after a
fixed delay), checks that every article in the store is complete, and re-runs the
same command until it finishes. The end result must equal an uninterrupted ingest.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import summary
from kg.store import EmbeddedStore, latest_snapshot

pytestmark = pytest.mark.slow

KG = [sys.executable, "-m", "kg"]
PEOPLE = ["Angela Merkel", "Emmanuel Macron", "Olaf Scholz", "Joe Biden", "Volodymyr Zelensky", "Rishi Sunak"]
PLACES = ["Paris", "Berlin", "Kyiv", "Washington", "London", "Brussels", "Warsaw", "Vienna"]
N = 80  # articles: three batches of kg.ingest.BATCH


def _corpus(path: Path) -> Path:
    lines = []
    for i in range(N):
        a, b = PEOPLE[i % len(PEOPLE)], PEOPLE[(i + 1) % len(PEOPLE)]
        place = PLACES[i % len(PLACES)]
        text = f"{a} met {b} in {place} on Monday, article {i}. They discussed sanctions with the European Union."
        lines.append(json.dumps({"id": f"c{i:03d}", "text": text}))
    path.write_text("\n".join(lines) + "\n")
    return path


def _ingest(corpus: Path, store: Path, workers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*KG, "ingest", str(corpus), "--store", str(store), "--workers", str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "KG_SNAPSHOT_SECONDS": "0"},  # publish after every batch: more kill points
    )


def _newest(store: Path) -> str | None:
    """The newest snapshot's name: each publication adds one (older ones are pruned)."""
    found = latest_snapshot(store)
    return found.name if found is not None else None


def _graphs(store: Path) -> dict[str, frozenset[tuple[str, str, str]]]:
    """Every article graph of the store, without provenance times (they differ per run)."""
    db = EmbeddedStore(store)  # opening for writing runs RocksDB recovery, as a re-run would
    found: dict[str, set[tuple[str, str, str]]] = {}
    for q in db.quads():
        if isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("#dateTime"):
            continue
        found.setdefault(str(q.graph_name), set()).add((str(q.subject), str(q.predicate), str(q.object)))
    db.close()
    return {g: frozenset(t) for g, t in found.items()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, frozenset[tuple[str, str, str]]]]:
    """The corpus and the graphs an uninterrupted ingest gives."""
    folder = tmp_path_factory.mktemp("crash-ref")
    corpus = _corpus(folder / "corpus.jsonl")
    proc = _ingest(corpus, folder / "db", 1)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    graphs = _graphs(folder / "db")
    assert len(graphs) == N
    return corpus, graphs


def _kill_when(proc: subprocess.Popen[str], store: Path, moment: str, before: str | None) -> None:
    deadline = time.monotonic() + 120
    published: set[str] = set()  # snapshots this run published
    while proc.poll() is None and time.monotonic() < deadline:
        newest = _newest(store)
        if newest is not None and newest != before:
            published.add(newest)
        # A fresh store gets its first snapshot when opened; then one per batch written.
        if moment == "opened" and published:
            break
        if moment == "first-batch" and len(published) >= (2 if before is None else 1):
            break
        if moment.startswith("after-") and time.monotonic() - START[proc.pid] >= float(moment[6:]):
            break
        time.sleep(0.005)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    # Workers die with their parent; a live process left in its session would be a leak.
    time.sleep(0.5)
    left = _alive_in_session(proc.pid)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"worker processes {left} outlived the killed ingest")


def _alive_in_session(sid: int) -> list[int]:
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":  # zombies are dead, only not yet reaped
            alive.append(int(entry.name))
    return alive


START: dict[int, float] = {}


@pytest.mark.parametrize(
    ("moments", "workers"),
    [
        (["opened", "first-batch"], 1),
        (["first-batch", "after-1.0"], 2),
        (["after-4.0", "after-5.5", "first-batch"], 2),
    ],
    ids=["store-open-then-batch", "workers-batch-then-timed", "workers-timed"],
)
def test_crash_kill_9_leaves_whole_articles_and_rerun_finishes(
    tmp_path: Path,
    reference: tuple[Path, dict[str, frozenset[tuple[str, str, str]]]],
    moments: list[str],
    workers: int,
) -> None:
    corpus, expected = reference
    store = tmp_path / "db"
    for moment in moments:
        before = _newest(store)
        proc = _ingest(corpus, store, workers)
        START[proc.pid] = time.monotonic()
        _kill_when(proc, store, moment, before)
        if not store.exists():
            continue
        partial = _graphs(store)
        # Consistent: every stored article is exactly what a full ingest stores for it.
        for g, triples in partial.items():
            assert triples == expected[g], f"{g} is incomplete after SIGKILL at {moment}"
    proc = _ingest(corpus, store, workers)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "0 rejected" in stdout
    assert _graphs(store) == expected  # finished, and nothing twice
    # The entity summary too: what the writes and the re-run left equals a fresh build.
    db = EmbeddedStore(store)
    node = ox.NamedNode(summary.SUMMARY_GRAPH)
    kept = {str(q) for q in db._store.quads_for_pattern(None, None, None, node)}
    summary.rebuild(db)
    rebuilt = {str(q) for q in db._store.quads_for_pattern(None, None, None, node)}
    db.close()
    assert kept
    assert kept == rebuilt


@pytest.mark.parametrize("presses", [1, 2], ids=["once", "twice"])
@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "workers"])
def test_ctrl_c_stops_the_ingest_cleanly_and_rerun_finishes(
    tmp_path: Path, reference: tuple[Path, dict[str, frozenset[tuple[str, str, str]]]], workers: int, presses: int
) -> None:
    corpus, expected = reference
    store = tmp_path / "db"
    proc = _ingest(corpus, store, workers)
    deadline = time.monotonic() + 120
    # Interrupt once the first batch is stored and published (a snapshot after every
    # batch here), so later batches are being extracted and written.
    published: set[str] = set()
    while proc.poll() is None and time.monotonic() < deadline:
        if (newest := _newest(store)) is not None:
            published.add(newest)
        if len(published) >= 2 and len(_alive_in_session(proc.pid)) >= (1 if workers == 1 else 1 + workers):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the ingest ended before it could be interrupted"
    for _ in range(presses):
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
        time.sleep(0.02)
    _, stderr = proc.communicate(timeout=60)  # a second Ctrl-C must never leave it waiting
    # A second Ctrl-C that lands as the interpreter exits meets the default handler: a
    # shell shows that as 130 too.
    assert proc.returncode in ((130,) if presses == 1 else (130, -signal.SIGINT)), stderr
    assert "Traceback" not in stderr
    time.sleep(0.5)
    assert not _alive_in_session(proc.pid), "worker processes outlived the interrupted ingest"
    partial = _graphs(store)
    for g, triples in partial.items():
        assert triples == expected[g], f"{g} is incomplete after Ctrl-C"
    if presses == 1:
        # The batch being written was finished, and counted in what the message says.
        said = re.search(r"interrupted after (\d+) input", stderr)
        assert said, stderr
        assert int(said.group(1)) == len(partial) > 0
    proc = _ingest(corpus, store, workers)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "0 rejected" in stdout
    assert _graphs(store) == expected
