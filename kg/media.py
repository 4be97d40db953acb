"""Content negotiation: one reading of the ``Accept`` header for every route that offers formats.

The export, the linked-data pages and ``/sparql`` all choose with :func:`choose`:
each offered type gets the quality of the most specific media range that matches it
(``text/turtle`` over ``text/*`` over ``*/*``), a type with ``q=0`` is refused even
when a wildcard would allow it, the highest quality wins, then the range the client
listed first, then the server's order. No header means the first type offered;
nothing acceptable means ``None`` (answer 406).

>>> choose("text/turtle;q=0, */*", ["text/turtle", "application/n-triples"])
'application/n-triples'
>>> choose("image/png", ["text/turtle"]) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["accepted", "choose"]


def accepted(header: str) -> list[tuple[str, float, int]]:
    """The media ranges of an ``Accept`` header: (range, quality, position), lower-cased.

    A quality that does not parse counts as 0 (not acceptable).
    """
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q, position))
    return ranges


def _specificity(media_range: str, offered: str) -> int:
    """How specifically ``media_range`` matches ``offered``: 3 exact, 2 ``type/*``, 1 ``*/*``, 0 not at all."""
    if media_range == offered:
        return 3
    if media_range.endswith("/*") and offered.startswith(media_range[:-1]):
        return 2
    if media_range in ("*/*", "*"):
        return 1
    return 0


def choose(header: str | None, offered: Sequence[str], *, aliases: Mapping[str, str] | None = None) -> str | None:
    """The offered media type the ``Accept`` header prefers, or ``None`` when it accepts none.

    Args:
        header: The ``Accept`` header (``None`` or empty: anything).
        offered: The types the route can produce, the default first.
        aliases: Ranges that stand for an offered type (``application/xhtml+xml`` for
            ``text/html``).
    """
    if not offered:
        return None
    if not header or not header.strip():
        return offered[0]
    ranges = [((aliases or {}).get(m, m), q, pos) for m, q, pos in accepted(header)]
    best: tuple[float, int, int, str] | None = None
    for order, media in enumerate(offered):
        matches = [(_specificity(m, media), q, pos) for m, q, pos in ranges if _specificity(m, media)]
        if not matches:
            continue
        _, q, pos = max(matches, key=lambda x: (x[0], x[1]))  # the most specific range decides
        key = (-q, pos, order, media)
        if q > 0 and (best is None or key < best):
            best = key
    return best[3] if best else None
