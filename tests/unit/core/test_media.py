"""One reading of the Accept header for every route."""

from __future__ import annotations

import pytest

from kg.media import choose

OFFERED = ["text/turtle", "text/html", "application/n-triples"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "text/turtle"),
        ("", "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/*", "text/turtle"),
        ("text/html, text/turtle", "text/html"),
        ("text/turtle;q=0.2, application/n-triples", "application/n-triples"),
        ("text/turtle;q=0", None),
        ("text/turtle;q=0, */*;q=0.5", "text/html"),
        ("text/*;q=0, application/n-triples;q=0.1", "application/n-triples"),
        ("image/png", None),
        ("text/html;q=nonsense", None),
        ("TEXT/HTML", "text/html"),
    ],
    ids=[
        "no-header",
        "empty",
        "any",
        "text-any",
        "client-order",
        "quality",
        "only-refused",
        "refused-beats-wildcard",
        "refused-range",
        "unsupported",
        "bad-q",
        "case",
    ],
)
def test_choose_reads_the_accept_header(header: str | None, expected: str | None) -> None:
    assert choose(header, OFFERED) == expected


def test_choose_takes_aliases() -> None:
    assert choose("application/xhtml+xml", OFFERED, aliases={"application/xhtml+xml": "text/html"}) == "text/html"
