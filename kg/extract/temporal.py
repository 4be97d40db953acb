"""Time expressions -> ISO partial dates, relative to the article's publication date.

A news article says "on Wednesday", "last month" or "since 2014" and means a date that
only the publication date pins down. :func:`normalise` turns one such expression into a
:class:`TimeValue`: a start and an end as ISO partial dates whose length is their
precision (``"2022"`` year, ``"2022-07"`` month, ``"2022-10-26"`` day), or a duration.

Rules are plain regular expressions over a small grammar, not a general date parser:
every form handled is listed in ``tests/unit/extract/test_temporal.py``. Unknown forms give ``None``
rather than a guess.

>>> normalise("between Wednesday and Thursday", "2022-10-28")
TimeValue(start='2022-10-26', end='2022-10-27', duration=None, bound=None)
>>> normalise("since 2014", "2022-10-28")
TimeValue(start='2014', end=None, duration=None, bound=None)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from kg.errors import DateError

__all__ = ["Tense", "TimeValue", "normalise", "parse_published"]

#: Whether an unanchored expression ("on Wednesday", "in July") points back or forward.
Tense = Literal["past", "future"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "several": 3, "a few": 3,
}  # fmt: skip
_UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}
_BOUNDS = {
    "more than": "min", "over": "min", "at least": "min", "nearly": "max", "almost": "max",
    "less than": "max", "under": "max", "up to": "max", "about": None, "around": None,
    "some": None, "roughly": None, "approximately": None,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(_WEEKDAYS)
_NUM_RE = r"\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
_BOUND_RE = "|".join(sorted(_BOUNDS, key=len, reverse=True))
# Words that shift nothing but blur the edges: "early Thursday", "late July", "the".
_NOISE = re.compile(
    r"\b(?:early|late|mid|the|on|in|of|during|at|local time|\(local time\)|"
    r"morning|afternoon|evening|night|overnight)\b|[,.()]",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TimeValue:
    """A normalised time: an interval of ISO partial dates, or a duration.

    Attributes:
        start: First day, month or year covered, or ``None`` when open or unknown.
        end: Last day, month or year covered, or ``None`` when open or unknown. A single
            day or month has ``start == end``.
        duration: An ISO 8601 duration (``"P5M"``) for "for five months".
        bound: ``"min"`` or ``"max"`` when the duration is a bound ("more than five months").
    """

    start: str | None
    end: str | None
    duration: str | None = None
    bound: str | None = None


def parse_published(value: str | None) -> date | None:
    """Parse an article's ISO publication date (``YYYY-MM-DD``; a longer timestamp is cut).

    Raises:
        DateError: ``value`` is not an ISO date.
    """
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise DateError("published", f"{value!r} is not an ISO date (YYYY-MM-DD)") from exc


def normalise(expr: str, published: str | date | None, *, tense: Tense = "past") -> TimeValue | None:
    """Normalise one time expression against the publication date.

    Args:
        expr: The expression as written, with its preposition when it has one
            ("since 2014", "between Wednesday and Thursday", "for more than five months").
        published: The article's publication date; relative expressions give ``None``
            without it, absolute ones ("July 14, 2021") do not need it.
        tense: Which way an unanchored weekday or month points: a past-tense sentence
            means the last Wednesday, a future one the next.

    Returns:
        The normalised value, or ``None`` when the expression is not one this grammar knows.

    Raises:
        DateError: ``published`` is given as a string that is not an ISO date.
    """
    pub = parse_published(published) if isinstance(published, str) else published
    text = " ".join(expr.replace("’", "'").split()).lower()
    if m := re.fullmatch(r"(?:between|from) (.+?) (?:and|to|until|through|-) (.+)", text):
        a, b = _point(m[1], pub, tense), _point(m[2], pub, tense)
        if a is None or b is None:
            return None
        return TimeValue(a[0], b[1])
    if m := re.fullmatch(r"(?:since|starting|from|as of) (.+)", text):
        p = _point(m[1], pub, "past")
        return None if p is None else TimeValue(p[0], None)
    if m := re.fullmatch(r"(?:until|till|by|before) (.+)", text):
        p = _point(m[1], pub, tense)
        return None if p is None else TimeValue(None, p[1])
    if m := re.fullmatch(rf"(?:for )?(?:({_BOUND_RE}) )?({_NUM_RE}) (day|week|month|year)s?", text):
        return TimeValue(None, None, f"P{_number(m[2])}{_UNITS[m[3]]}", _BOUNDS.get(m[1] or ""))
    p = _point(text, pub, tense)
    return None if p is None else TimeValue(p[0], p[1])


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _day(d: date) -> str:
    return d.isoformat()


def _month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _point(text: str, pub: date | None, tense: Tense) -> tuple[str, str] | None:
    """Return (first, last) ISO partial dates covered by a single time expression."""
    t = " ".join(_NOISE.sub(" ", text).split())
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        return None if d is None else (_day(d), _day(d))
    if m := re.fullmatch(r"(\d{4})", t):
        return m[1], m[1]
    if m := re.fullmatch(rf"({_MONTH_RE}) (\d{{4}})", t):
        s = _month(int(m[2]), _MONTHS[m[1]])
        return s, s
    if m := re.fullmatch(rf"(?:({_WEEKDAY_RE}) )?({_MONTH_RE}) (\d{{1,2}})(?:st|nd|rd|th)?(?: (\d{{4}}))?", t):
        return _month_day(_MONTHS[m[2]], int(m[3]), m[4], pub, tense)
    if m := re.fullmatch(rf"(?:({_WEEKDAY_RE}) )?(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH_RE})(?: (\d{{4}}))?", t):
        return _month_day(_MONTHS[m[3]], int(m[2]), m[4], pub, tense)
    if pub is None:
        return None
    if t in ("today", "tonight", "now", "this", "currently"):
        return _day(pub), _day(pub)
    if t == "yesterday":
        return _day(pub - timedelta(days=1)), _day(pub - timedelta(days=1))
    if t == "tomorrow":
        return _day(pub + timedelta(days=1)), _day(pub + timedelta(days=1))
    if m := re.fullmatch(rf"(?:(last|this|next|past|coming) )?({_WEEKDAY_RE})", t):
        return _weekday(_WEEKDAYS[m[2]], m[1], pub, tense)
    if m := re.fullmatch(rf"(?:(last|this|next|past|coming) )?({_MONTH_RE})", t):
        return _bare_month(_MONTHS[m[2]], m[1], pub, tense)
    if m := re.fullmatch(r"(?:(last|this|next|past|coming) )?(week|weekend|month|year)", t):
        return _relative_unit(m[2], m[1] or "this", pub)
    if m := re.fullmatch(rf"({_NUM_RE}) (day|week|month|year)s? (ago|later|earlier|from now)", t):
        n = _number(m[1]) * (1 if m[3] in ("later", "from now") else -1)
        return _shift(pub, n, m[2])
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_day(month: int, day: int, year: str | None, pub: date | None, tense: Tense) -> tuple[str, str] | None:
    if year is not None:
        d = _safe_date(int(year), month, day)
    elif pub is None:
        return None
    else:
        d = _safe_date(pub.year, month, day)
        # "on September 29" in an October article is this year's; in January, last year's.
        if d is not None and tense == "past" and d > pub + timedelta(days=7):
            d = _safe_date(pub.year - 1, month, day)
        elif d is not None and tense == "future" and d < pub - timedelta(days=7):
            d = _safe_date(pub.year + 1, month, day)
    return None if d is None else (_day(d), _day(d))


def _weekday(wd: int, mod: str | None, pub: date, tense: Tense) -> tuple[str, str]:
    forward = mod in ("next", "coming") or (mod is None and tense == "future")
    if mod == "this":
        # "this Wednesday": the one in the publication week.
        d = pub + timedelta(days=wd - pub.weekday())
    elif forward:
        d = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
    else:
        # A bare weekday in a past sentence is the latest one on or before publication.
        d = pub - timedelta(days=(pub.weekday() - wd) % 7)
        if mod in ("last", "past") and d == pub:
            d -= timedelta(days=7)
    return _day(d), _day(d)


def _bare_month(month: int, mod: str | None, pub: date, tense: Tense) -> tuple[str, str]:
    forward = mod in ("next", "coming") or (mod is None and tense == "future")
    if mod == "this":
        y = pub.year
    elif forward:
        y = pub.year if month >= pub.month else pub.year + 1
    else:
        y = pub.year if month <= pub.month else pub.year - 1
        if mod in ("last", "past") and month == pub.month:
            y -= 1
    s = _month(y, month)
    return s, s


def _relative_unit(unit: str, mod: str, pub: date) -> tuple[str, str]:
    step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[mod]
    if unit == "year":
        y = str(pub.year + step)
        return y, y
    if unit == "month":
        s = _month(*_add_months(pub.year, pub.month, step))
        return s, s
    monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
    if unit == "weekend":
        return _day(monday + timedelta(days=5)), _day(monday + timedelta(days=6))
    if step == 0:
        # "this week" in a news report means the days of the week so far.
        return _day(monday), _day(pub)
    return _day(monday), _day(monday + timedelta(days=6))


def _shift(pub: date, n: int, unit: str) -> tuple[str, str]:
    if unit == "day":
        d = pub + timedelta(days=n)
        return _day(d), _day(d)
    if unit == "week":
        d = pub + timedelta(weeks=n)
        return _day(d), _day(d)
    if unit == "month":
        s = _month(*_add_months(pub.year, pub.month, n))
        return s, s
    y = str(pub.year + n)
    return y, y
