"""``kill -9`` while the embedded store writes batches of new articles: each batch is in every index, or in none.

:meth:`kg.store.EmbeddedStore.put_nquads` writes a batch of new articles in one
Oxigraph transaction. A writer subprocess writes batches of graphs in a loop and is
killed with SIGKILL at several moments; after each kill the store is reopened (as
a re-run would, recovery included) and read through every index Oxigraph keeps.
Every graph any index knows must be whole in all of them, and the graph count a
multiple of the batch size. The test fails when a batch is written in parts.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import EmbeddedStore
from tests.support.terms import term_value

pytestmark = pytest.mark.slow

PER_GRAPH = 400  # subjects per graph, two quads each
GRAPHS_PER_BATCH = 25
PRED_P = ox.NamedNode("urn:test:p")
PRED_Q = ox.NamedNode("urn:test:q")
OBJ = ox.NamedNode("urn:test:o")

WRITER = f"""
import sys
from kg.store import EmbeddedStore

store = EmbeddedStore(sys.argv[1], snapshot_every=3600)
batch = 0
while True:
    texts = []
    for i in range({GRAPHS_PER_BATCH}):
        g = f"urn:test:g/{{sys.argv[2]}}-{{batch}}-{{i}}"
        lines = []
        for j in range({PER_GRAPH}):
            lines.append(f'<{{g}}/s{{j}}> <urn:test:p> "{{g}} value {{j}}" <{{g}}> .')
            lines.append(f'<{{g}}/s{{j}}> <urn:test:q> <urn:test:o> <{{g}}> .')
        texts.append((g, "\\n".join(lines) + "\\n"))
    store.put_nquads(texts)
    print(batch, flush=True)
    batch += 1
"""


def _per_graph(store: ox.Store, s: ox.NamedNode | None, p: ox.NamedNode | None, o: ox.NamedNode | None) -> Counter[str]:
    return Counter(
        q.graph_name.value for q in store.quads_for_pattern(s, p, o, None) if isinstance(q.graph_name, ox.NamedNode)
    )


def _check_whole(path: Path) -> int:
    """Reopen the store and check each graph through each index; return the graphs found."""
    db = EmbeddedStore(path)  # opening for writing runs RocksDB's recovery, as a re-run would
    raw = db._store
    listed = {g.value for g in raw.named_graphs() if g.value.startswith("urn:test:g/")}
    by_graph = {g: sum(1 for _ in raw.quads_for_pattern(None, None, None, ox.NamedNode(g))) for g in listed}  # gspo
    by_predicate = _per_graph(raw, None, PRED_P, None)  # posg
    by_object = _per_graph(raw, None, None, OBJ)  # ospg
    for g in listed:
        node = ox.NamedNode(g)
        assert by_graph[g] == 2 * PER_GRAPH, f"{g}: {by_graph[g]} quads in the graph index"
        assert by_predicate[g] == PER_GRAPH, f"{g}: {by_predicate[g]} in the predicate index"
        assert by_object[g] == PER_GRAPH, f"{g}: {by_object[g]} in the object index"
        assert sum(1 for _ in raw.quads_for_pattern(None, PRED_Q, OBJ, node)) == PER_GRAPH  # gpos
        subject = ox.NamedNode(f"{g}/s{PER_GRAPH - 1}")
        found = list(raw.quads_for_pattern(subject, PRED_P, None, None))  # spog, and the literal's string
        assert [term_value(q.object) for q in found] == [f"{g} value {PER_GRAPH - 1}"]
    # No index holds a graph the others lack.
    assert set(by_predicate) <= listed
    assert set(by_object) <= listed
    db.close()
    return len(listed)


def test_kill_9_during_writes_leaves_each_batch_whole_or_absent(tmp_path: Path) -> None:
    store = tmp_path / "db"
    rng = random.Random(7)
    counts = []
    for run in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store), str(run)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # one batch written: the loop is running
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)
        assert "Traceback" not in stderr, stderr
        found = _check_whole(store)
        assert found % GRAPHS_PER_BATCH == 0, f"{found} graphs: a batch was cut"
        counts.append(found)
    # Each run added batches to what the killed runs left.
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]
