"""A real SPARQL 1.1 server for the remote-store tests.

``.ci/run`` starts Oxigraph server and exports ``KG_TEST_SPARQL_ENDPOINT`` and
``KG_TEST_SPARQL_UPDATE_ENDPOINT``; without them the ``sparql_endpoint`` fixture
starts ``.venv/bin/oxigraph serve`` on a free port itself and stops it afterwards,
so the remote tests always run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from servers import free_port, stop

__all__ = ["Endpoint", "sparql_endpoint"]

OXIGRAPH = Path(sys.executable).parent / "oxigraph"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A SPARQL 1.1 query and update endpoint pair."""

    query: str
    update: str

    def prefix(self) -> str:
        """A graph IRI prefix no other test uses, for isolation on a shared server."""
        return f"https://example.org/test/{uuid.uuid4().hex}/"


def _wait(url: str, proc: subprocess.Popen[bytes] | None, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with {proc.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no SPARQL endpoint answered at {url} within {seconds} s")


@pytest.fixture(scope="session")
def sparql_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """The CI Oxigraph server, or one started for this session."""
    query = os.environ.get("KG_TEST_SPARQL_ENDPOINT")
    if query:
        update = os.environ.get("KG_TEST_SPARQL_UPDATE_ENDPOINT") or query
        _wait(query, None)
        yield Endpoint(query, update)
        return
    port = free_port()
    data = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/query", proc)
        yield Endpoint(f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update")
    finally:
        stop(proc)
