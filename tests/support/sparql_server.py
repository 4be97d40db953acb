"""Real SPARQL 1.1 servers for the remote-store tests: Oxigraph server and Virtuoso.

Both are started the same way by ``.ci/run`` and by the test fixtures:

- ``.ci/run`` runs ``python -m tests.support.sparql_server start DIR`` (which starts both,
  each on free ports with its data under ``DIR``, prints ``export`` lines for
  ``KG_TEST_SPARQL_ENDPOINT``, ``KG_TEST_SPARQL_UPDATE_ENDPOINT`` and
  ``KG_TEST_VIRTUOSO_ENDPOINT``, and returns) and ``... stop DIR`` at exit;
- without those variables (a developer's ``make test``) the session fixtures
  start the servers themselves and stop them when the session ends, so the
  remote tests always run against both engines.

Oxigraph comes from the ``oxigraph`` PyPI package (``.venv/bin/oxigraph``);
Virtuoso from Debian's ``virtuoso-opensource-7-bin`` (``scripts/system-deps.sh``).
The Virtuoso instance is throw-away: a generated ``virtuoso.ini`` keeps its
database in the temporary folder, and the anonymous ``SPARQL`` user is granted
``SPARQL_UPDATE`` through ``isql-vt`` on its SQL port.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port, stop

__all__ = ["ENGINES", "Endpoint", "remote_endpoint", "sparql_endpoint", "virtuoso_endpoint"]

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
#: The engines every remote-store test runs against.
ENGINES = ("oxigraph", "virtuoso")

#: What kg needs from Virtuoso (docs/SCALE.md): no cap on result rows, no query time
#: limit, no cost-estimate refusals, and no automatic checkpoints for a throw-away database.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 0
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A SPARQL 1.1 query and update endpoint pair."""

    query: str
    update: str
    engine: str = "oxigraph"

    def prefix(self) -> str:
        """A graph IRI prefix no other test uses, for isolation on a shared server."""
        return f"https://example.org/test/{uuid.uuid4().hex}/"

    @property
    def auth_query(self) -> str:
        """The endpoint that needs a login (Virtuoso's ``/sparql-auth``, Digest), if the engine has one."""
        return self.query.replace("/sparql", "/sparql-auth") if self.engine == "virtuoso" else ""


@dataclass(frozen=True, slots=True)
class Server:
    """A running server process and its endpoint."""

    proc: subprocess.Popen[bytes]
    endpoint: Endpoint


def _wait(url: str, proc: subprocess.Popen[bytes] | None, name: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}")
        try:
            r = httpx.get(url, params={"query": "ASK {}"}, timeout=2)
            if r.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no SPARQL endpoint answered at {url} within {seconds:g} s ({name})")


def start_oxigraph(folder: Path, *, detach: bool = False) -> Server:
    """Start ``oxigraph serve`` on a free port with its data in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=detach,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/query", proc, "oxigraph serve")
    except RuntimeError:
        stop(proc)
        raise
    return Server(proc, Endpoint(f"{base}/query", f"{base}/update", "oxigraph"))


def start_virtuoso(folder: Path, *, detach: bool = False) -> Server:
    """Start a throw-away Virtuoso with its database in ``folder``; grant updates to ``SPARQL``."""
    if shutil.which(VIRTUOSO) is None or shutil.which(ISQL) is None:
        raise RuntimeError(
            "Virtuoso is not installed: run `bash scripts/system-deps.sh` (Debian's virtuoso-opensource-7-bin)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, http_port=http_port, sql_port=sql_port))
    proc = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=detach,
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait(url, proc, "virtuoso-t")
        grant = subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
            raise RuntimeError(f"granting SPARQL_UPDATE failed: {grant.stdout}{grant.stderr}")
    except (RuntimeError, subprocess.TimeoutExpired):
        stop(proc)
        raise
    return Server(proc, Endpoint(url, url, "virtuoso"))


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
#: The variables ``.ci/run`` exports, by engine: (query, update).
ENV = {
    "oxigraph": ("KG_TEST_SPARQL_ENDPOINT", "KG_TEST_SPARQL_UPDATE_ENDPOINT"),
    "virtuoso": ("KG_TEST_VIRTUOSO_ENDPOINT", "KG_TEST_VIRTUOSO_UPDATE_ENDPOINT"),
}


def _session_server(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    query_var, update_var = ENV[engine]
    query = os.environ.get(query_var)
    if query:
        _wait(query, None, engine)
        yield Endpoint(query, os.environ.get(update_var) or query, engine)
        return
    server = STARTERS[engine](tmp_path_factory.mktemp(engine))
    try:
        yield server.endpoint
    finally:
        stop(server.proc)


@pytest.fixture(scope="session")
def sparql_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """The Oxigraph server of ``.ci/run``, or one started for this session."""
    yield from _session_server("oxigraph", tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """The Virtuoso of ``.ci/run``, or one started for this session."""
    yield from _session_server("virtuoso", tmp_path_factory)


@pytest.fixture(params=ENGINES)
def remote_endpoint(request: pytest.FixtureRequest) -> Endpoint:
    """Each SPARQL engine kg is tested against, in turn."""
    name = "sparql_endpoint" if request.param == "oxigraph" else "virtuoso_endpoint"
    found: Endpoint = request.getfixturevalue(name)
    return found


def _start_all(folder: Path) -> None:
    """Start every engine detached, record their pids in ``folder``, print ``export`` lines."""
    for engine in ENGINES:
        server = STARTERS[engine](folder / engine, detach=True)
        (folder / f"{engine}.pid").write_text(str(server.proc.pid))
        query_var, update_var = ENV[engine]
        print(f"export {query_var}={server.endpoint.query}")
        print(f"export {update_var}={server.endpoint.update}")


def _stop_all(folder: Path) -> None:
    """Stop the servers whose pids ``_start_all`` recorded in ``folder``."""
    for engine in ENGINES:
        pid_file = folder / f"{engine}.pid"
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text())
        try:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        pid_file.unlink()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in {"start", "stop"}:
        sys.exit("usage: python -m tests.support.sparql_server start|stop DIR")
    target = Path(sys.argv[2]).resolve()
    if sys.argv[1] == "start":
        try:
            _start_all(target)
        except RuntimeError as exc:
            _stop_all(target)
            sys.exit(f"sparql_server: {exc}")
    else:
        _stop_all(target)
