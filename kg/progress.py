"""How far a long command has got: done/total, rate and time left, for a terminal or a log.

On a terminal :class:`Progress` draws a live bar (rich); otherwise (output piped to
a file or a log collector) it writes one plain line every ``every`` seconds and one
at the end, so a log shows an ingest moving without being flooded:

    ingest: 320/1,162 (27.5%), 4.1 articles/s, 3m25s left
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

__all__ = ["Progress", "duration"]


def duration(seconds: float) -> str:
    """Format a duration for people.

    >>> duration(3725), duration(205), duration(9.4)
    ('1h02m', '3m25s', '9s')
    """
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


class Progress:
    """Report progress of ``total`` units (``None``: unknown) as they are done.

    Args:
        label: What is being done (``"ingest"``).
        total: How many units there are, when known.
        stream: Where to write (a terminal gets a bar, anything else lines).
        unit: The units' name in lines (``"articles"``).
        every: Seconds between lines when ``stream`` is not a terminal.
        clock: The time source (tests give a fake one).
        terminal: Whether ``stream`` is a terminal (default: ask it).
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        stream: TextIO,
        *,
        unit: str = "items",
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        terminal: bool | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self._shown = 0  # ``done`` when the last line was written
        self._stream = stream
        self._unit = unit
        self._every = every
        self._clock = clock
        self._started = clock()
        self._last_line = self._started
        is_tty = stream.isatty() if terminal is None else terminal
        self._bar: RichProgress | None = None
        if is_tty:
            self._bar = RichProgress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=stream),
                transient=True,
            )
            self._task = self._bar.add_task(label, total=total, rate="")

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif kind is None and self.done != self._shown:
            self._write()

    def rate(self) -> float:
        """Units per second so far."""
        elapsed = self._clock() - self._started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The progress as one plain line."""
        rate = self.rate()
        if self.total:
            share = f"{self.done:,}/{self.total:,} ({100 * self.done / self.total:.1f}%)"
        else:
            share = f"{self.done:,}"
        text = f"{self.label}: {share}, {rate:.1f} {self._unit}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", {duration((self.total - self.done) / rate)} left"
        elif self.total and self.done >= self.total:
            text += f", done in {duration(self._clock() - self._started)}"
        return text

    def advance(self, n: int) -> None:
        """Count ``n`` more units done; draw the bar, or write a line when one is due."""
        self.done += n
        if self._bar is not None:
            self._bar.update(self._task, advance=n, rate=f"{self.rate():.1f} {self._unit}/s")
            return
        now = self._clock()
        if now - self._last_line >= self._every:
            self._last_line = now
            self._write()

    def _write(self) -> None:
        self._shown = self.done
        self._stream.write(self.line() + "\n")
        self._stream.flush()
