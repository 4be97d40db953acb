"""Fixed, seeded halves of the evaluation files: a tuning half and a check half.

Every benchmark that scores extraction reports both halves of each file in one run.
The *check* half is the project's own stand-in for the hidden test halves: its errors
are never read (no ``--misses`` on it, no rule written from it). The *tune* half is
where error analysis may happen. For ``conllpp-train.jsonl`` the tune half is also the
only part that training may read.

A record's half is decided by a hash of the seed and its id, so the split does not move
when a file is reordered, and it is the same in every process and on every machine.

Run ``.venv/bin/python bench/splits.py`` to print the size of each half.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

#: The seed of every split. Changing it would leak the check halves: never change it.
SEED = "kg-check-2026-12"

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"

#: The files that are split, by their stem.
SPLIT_FILES = (
    "gum-news-dev",
    "conllpp-dev",
    "conllpp-train",
    "crossre-news-dev",
    "wikievents-dev",
)

Half = Literal["all", "tune", "check"]


def is_check(file_stem: str, record_id: str) -> bool:
    """Whether a record of ``file_stem`` with ``record_id`` belongs to the check half.

    >>> is_check("conllpp-dev", "conll-000") in (True, False)
    True
    """
    digest = hashlib.sha256(f"{SEED}\x00{file_stem}\x00{record_id}".encode()).digest()
    return digest[0] % 2 == 1


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSONL file, in order."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split(path: Path, half: Half) -> list[dict[str, Any]]:
    """The records of ``path`` in ``half`` ("all", "tune" or "check"), in file order."""
    rows = read_jsonl(path)
    if half == "all":
        return rows
    stem = path.name.removesuffix(".jsonl")
    want = half == "check"
    return [r for r in rows if is_check(stem, str(r["id"])) == want]


def halves(path: Path) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """``(name, records)`` for the whole file, its tune half and its check half."""
    stem = path.name.removesuffix(".jsonl")
    for half in ("all", "tune", "check"):
        name = stem if half == "all" else f"{stem}:{half}"
        yield name, split(path, half)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the size of each half of every split file."""
    del argv
    for stem in SPLIT_FILES:
        path = EVAL_DIR / f"{stem}.jsonl"
        if not path.exists():
            print(f"{stem}: missing ({path})")
            continue
        sizes = {name: len(rows) for name, rows in halves(path)}
        print("  ".join(f"{k}={v}" for k, v in sizes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
