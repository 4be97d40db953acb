"""The JSON-lines files kg keeps beside a store: where they live and the one loop that reads them.

Two side-files exist: the merge log (``<store>.merges.jsonl``,
:mod:`kg.identity.mergelog`) and the shingle index of article texts
(``<store>.shingles.jsonl``, :mod:`kg.identity.copies`). Both are appended to one
JSON object a line and read back whole by :func:`read_lines`.

>>> sidecar_path("./kg-data", "merges").name
'kg-data.merges.jsonl'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import StoreError

__all__ = ["append_lines", "read_lines", "sidecar_path"]


def sidecar_path(store: str, kind: str) -> Path:
    """A file kg keeps beside a store: ``<store>.<kind>.jsonl``, or ``./kg-<kind>.jsonl`` for a URL.

    >>> sidecar_path("https://db.example/sparql", "merges").name
    'kg-merges.jsonl'
    """
    if store.startswith(("http://", "https://")):
        return Path(f"kg-{kind}.jsonl")
    path = Path(store)
    return path.with_name(f"{path.name}.{kind}.jsonl")


def read_lines(path: Path | None, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line of ``path`` (nothing if it is absent).

    Args:
        path: The file, or ``None`` for a side-file kept in memory.
        what: What a line is, for the error ("merge log", "shingle index").

    Raises:
        StoreError: A line is not a JSON object; the message names the file and line.
    """
    if path is None or not path.exists():
        return
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise StoreError(f"{path}:{n}: not a {what} line: {exc}") from exc
            if not isinstance(data, dict):
                raise StoreError(f"{path}:{n}: not a {what} line: not a JSON object")
            yield n, data


def append_lines(path: Path | None, lines: list[str]) -> None:
    """Append JSON lines to ``path`` (nothing for a side-file kept in memory)."""
    if path is not None and lines:
        with path.open("a", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))
