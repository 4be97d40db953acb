"""Real `kg serve` processes for the tests that talk to the server over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: Debian's Chromium, and the flags that keep it headless and off the network on this
#: machine (as root, with no connections of its own to refuse).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def kg_serve(store: Path, *, env: Mapping[str, str] | None = None, start_timeout: float = 60.0) -> Iterator[str]:
    """Run ``python -m kg serve`` on ``store`` at a free port; yield its base URL.

    The server's output goes to a log file whose text is in the error raised when the
    server exits or does not answer ``/health`` within ``start_timeout`` seconds. The
    process is terminated when the block ends.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as tmp:
        log = Path(tmp) / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"kg serve exited with {proc.returncode}: {log.read_text()}")
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() >= deadline:
                    raise RuntimeError(f"kg serve did not answer within {start_timeout:g} s: {log.read_text()}")
                time.sleep(0.2)
            yield url
        finally:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a server process, killing it if it has not exited within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def chromium_page() -> Iterator[tuple[Page, list[str]]]:
    """A page of headless Chromium (1400x1000) and the console and page errors it logs."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg, errors
        browser.close()
