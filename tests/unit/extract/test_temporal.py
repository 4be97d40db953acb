from __future__ import annotations

import pytest

from kg.errors import DateError
from kg.extract.temporal import Tense, TimeValue, normalise, parse_published

PUB = "2022-10-28"  # a Friday, the seed article's date

CASES = [
    ("between Wednesday and Thursday", PUB, "past", TimeValue("2022-10-26", "2022-10-27")),
    ("between Wednesday and Thursday (local time)", PUB, "past", TimeValue("2022-10-26", "2022-10-27")),
    ("in July", PUB, "past", TimeValue("2022-07", "2022-07")),
    ("in November", PUB, "past", TimeValue("2021-11", "2021-11")),
    ("in November", PUB, "future", TimeValue("2022-11", "2022-11")),
    ("last month", PUB, "past", TimeValue("2022-09", "2022-09")),
    ("the last month", "2022-01-15", "past", TimeValue("2021-12", "2021-12")),
    ("next month", "2022-12-02", "future", TimeValue("2023-01", "2023-01")),
    ("since 2014", PUB, "past", TimeValue("2014", None)),
    ("since last month", PUB, "past", TimeValue("2022-09", None)),
    ("for more than five months", PUB, "past", TimeValue(None, None, "P5M", "min")),
    ("for two hours days", PUB, "past", None),
    ("for 3 weeks", PUB, "past", TimeValue(None, None, "P3W", None)),
    ("less than a year", PUB, "past", TimeValue(None, None, "P1Y", "max")),
    ("this week", PUB, "past", TimeValue("2022-10-24", "2022-10-28")),
    ("last week", PUB, "past", TimeValue("2022-10-17", "2022-10-23")),
    ("this weekend", "2015-09-22", "past", TimeValue("2015-09-26", "2015-09-27")),
    ("yesterday", PUB, "past", TimeValue("2022-10-27", "2022-10-27")),
    ("tomorrow", "2015-09-22", "future", TimeValue("2015-09-23", "2015-09-23")),
    ("today", PUB, "past", TimeValue(PUB, PUB)),
    ("this morning", PUB, "past", TimeValue(PUB, PUB)),
    ("early Thursday", PUB, "past", TimeValue("2022-10-27", "2022-10-27")),
    ("by early Thursday", PUB, "past", TimeValue(None, "2022-10-27")),
    ("Friday", PUB, "past", TimeValue(PUB, PUB)),
    ("last Friday", PUB, "past", TimeValue("2022-10-21", "2022-10-21")),
    ("On Wednesday", "2015-09-22", "future", TimeValue("2015-09-23", "2015-09-23")),
    ("next Monday", PUB, "past", TimeValue("2022-10-31", "2022-10-31")),
    ("on September 29", "2010-10-09", "past", TimeValue("2010-09-29", "2010-09-29")),
    ("December 30", "2011-01-03", "past", TimeValue("2010-12-30", "2010-12-30")),
    ("September 14th", "2015-09-22", "past", TimeValue("2015-09-14", "2015-09-14")),
    ("14 July 2021", None, "past", TimeValue("2021-07-14", "2021-07-14")),
    ("July 14, 2021", None, "past", TimeValue("2021-07-14", "2021-07-14")),
    ("Tuesday, September 22, 2015", None, "past", TimeValue("2015-09-22", "2015-09-22")),
    ("September 2021", None, "past", TimeValue("2021-09", "2021-09")),
    ("2021-02-30", None, "past", None),
    ("2019-05-04", None, "past", TimeValue("2019-05-04", "2019-05-04")),
    ("in 2014", None, "past", TimeValue("2014", "2014")),
    ("from 2014 to 2016", None, "past", TimeValue("2014", "2016")),
    ("between July and September", PUB, "past", TimeValue("2022-07", "2022-09")),
    ("two years ago", PUB, "past", TimeValue("2020", "2020")),
    ("three days ago", PUB, "past", TimeValue("2022-10-25", "2022-10-25")),
    ("last year", PUB, "past", TimeValue("2021", "2021")),
    ("until next year", PUB, "future", TimeValue(None, "2023")),
    ("yesterday", None, "past", None),
    ("the eight-month war", PUB, "past", None),
    ("a long time", PUB, "past", None),
]


@pytest.mark.parametrize(
    ("expr", "published", "tense", "expected"), CASES, ids=[f"{c[0]}@{c[1]}/{c[2]}" for c in CASES]
)
def test_normalise_expression(expr: str, published: str | None, tense: Tense, expected: TimeValue | None) -> None:
    assert normalise(expr, published, tense=tense) == expected


def test_parse_published_rejects_non_iso_date() -> None:
    with pytest.raises(DateError, match="28/10/2022"):
        parse_published("28/10/2022")


def test_parse_published_cuts_timestamp() -> None:
    assert str(parse_published("2022-10-28T10:00:00Z")) == "2022-10-28"
