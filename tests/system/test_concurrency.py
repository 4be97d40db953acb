"""A running ``kg serve`` keeps answering from consistent snapshots while ``kg ingest`` writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port

pytestmark = pytest.mark.slow

KG = [sys.executable, "-m", "kg"]
N = 70  # articles: batches of 32, 32 and 6


def test_serve_answers_from_snapshots_while_ingest_writes(tmp_path: Path, seeds_dir: Path) -> None:
    store = tmp_path / "kg-data"
    first = subprocess.run([*KG, "ingest", str(seeds_dir), "--store", str(store)], capture_output=True, timeout=300)
    assert first.returncode == 0, first.stderr
    corpus = tmp_path / "more.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps({"id": f"m{i:03d}", "text": f"Olaf Scholz met Emmanuel Macron in Berlin, report {i}."})
            for i in range(N)
        )
    )
    port = free_port()
    server = subprocess.Popen(
        [*KG, "serve", "--store", str(store), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    ingest: subprocess.Popen[bytes] | None = None
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                pytest.fail("kg serve did not start")

            def articles() -> int:
                r = client.post("/graphql", json={"query": "{ stats { articles } }"})
                assert r.status_code == 200, r.text
                body = r.json()
                assert "errors" not in body, body
                return int(body["data"]["stats"]["articles"])

            assert articles() == 1
            ingest = subprocess.Popen(
                [*KG, "ingest", str(corpus), "--store", str(store), "--workers", "1"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "KG_SNAPSHOT_SECONDS": "0"},  # publish every batch
            )
            seen: list[int] = []
            stop = time.monotonic() + 240
            while ingest.poll() is None and time.monotonic() < stop:
                seen.append(articles())
                time.sleep(0.05)
            out, errors = ingest.communicate(timeout=60)
            assert ingest.returncode == 0, errors
            assert f"ingested {N} article(s)".encode() in out
            time.sleep(1.0)  # the server re-checks for a newer snapshot every 0.5 s
            final = articles()
    finally:
        if ingest is not None and ingest.poll() is None:
            ingest.kill()
            ingest.wait(timeout=10)
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()
    assert final == 1 + N, seen
    assert len(seen) > 10, seen
    assert seen == sorted(seen), seen  # snapshots only move forward
    # Whole batches only: a snapshot is published between batches, never inside one.
    assert set(seen) <= {1, 1 + 32, 1 + 64, 1 + N}, seen
