"""Progress of long commands: plain lines for logs, and the inputs counted up front."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.ingest.sources import count_inputs, read_paths
from kg.progress import Progress, duration


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_without_a_terminal_writes_a_line_every_few_seconds() -> None:
    clock, out = Clock(), io.StringIO()
    with Progress("ingest", 100, out, unit="articles", every=5.0, clock=clock, terminal=False) as bar:
        for when, n in [(1.0, 10), (6.0, 10), (7.0, 10), (12.0, 20)]:
            clock.now = 100.0 + when
            bar.advance(n)
        clock.now = 120.0
        bar.advance(50)
    assert out.getvalue().splitlines() == [
        "ingest: 20/100 (20.0%), 3.3 articles/s, 24s left",
        "ingest: 50/100 (50.0%), 4.2 articles/s, 12s left",
        "ingest: 100/100 (100.0%), 5.0 articles/s, done in 20s",
    ]


def test_progress_without_a_total_counts_and_gives_the_rate() -> None:
    clock, out = Clock(), io.StringIO()
    with Progress("ingest", None, out, unit="inputs", every=1.0, clock=clock, terminal=False) as bar:
        clock.now = 104.0
        bar.advance(8)
    assert out.getvalue().splitlines() == ["ingest: 8, 2.0 inputs/s"]  # not repeated at the end


def test_progress_on_a_terminal_writes_no_log_lines() -> None:
    out = io.StringIO()
    with Progress("ingest", 3, out, terminal=True) as bar:
        bar.advance(3)
    assert "ingest: 3/3" not in out.getvalue()


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.4, "0s"), (59, "59s"), (61, "1m01s"), (3600, "1h00m")], ids=["zero", "s", "m", "h"]
)
def test_duration_is_short_and_readable(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown


def _folder(root: Path) -> Path:
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Angela Merkel visited Paris.")
    (folder / "sub" / "b.md").write_text("date 2022-10-28 Olaf Scholz spoke.")
    (folder / "c.jsonl").write_text('{"text": "One."}\n\n{broken\n   \n{"text": "Three."}\n')
    (folder / "empty.jsonl").write_text("\n\n")
    (folder / "notes.csv").write_text("not read")
    (folder / ".hidden.txt").write_text("not read")
    return folder


CASES = [
    ("folder", lambda f: [f]),
    ("jsonl-lines", lambda f: [f / "c.jsonl"]),
    ("empty-jsonl", lambda f: [f / "empty.jsonl"]),
    ("explicit-unknown-type", lambda f: [f / "notes.csv"]),
    ("missing", lambda f: [f / "nothing.txt"]),
    ("mixed", lambda f: [f / "a.txt", f / "sub", f / "c.jsonl"]),
]


@pytest.mark.parametrize("paths", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_count_inputs_equals_what_the_readers_yield(tmp_path: Path, paths: Callable[[Path], list[Path]]) -> None:
    folder = _folder(tmp_path)
    chosen = paths(folder)
    assert count_inputs(chosen) == len(list(read_paths(chosen)))


def test_count_inputs_does_not_parse_lines(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_bytes(b'{"text": "x"}\n' * 5000 + b"not json at all\n")
    assert count_inputs([big]) == 5001
