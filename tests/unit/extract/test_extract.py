"""Extraction of long articles: parsed in pieces, with every offset into the text kept exact."""

from __future__ import annotations

import pytest

import kg.extract
from kg.extract import extract, extract_many, pieces
from kg.extract.pipeline import load_pipeline
from kg.records import Article

SENTENCES = [
    "Emmanuel Macron met Olaf Scholz in Berlin on Monday.",
    "Angela Merkel later visited Vienna with her advisers.",
    "Joe Biden called Rishi Sunak from Washington.",
    "Officials in Kyiv said troops withdrew from Kherson.",
]


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        ("One. Two. Three.", 10, ["One. Two. ", "Three."]),
        ("First para.\n\nSecond one. Third.", 25, ["First para.\n\n", "Second one. Third."]),
        ("no sentence end here at all", 12, ["no sentence ", "end here at ", "all"]),
        ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),
        ("short", 10, ["short"]),
    ],
    ids=["sentence-ends", "paragraph-first", "whitespace", "no-whitespace", "short"],
)
def test_pieces_cut_at_the_best_boundary_and_join_back(text: str, size: int, expected: list[str]) -> None:
    assert pieces(text, size) == expected
    assert "".join(expected) == text


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of 300 characters and a spaCy limit of 1,000, so a 'long' article is a short test."""
    nlp = load_pipeline()
    monkeypatch.setattr(kg.extract, "PIECE_CHARS", 300)
    monkeypatch.setattr(nlp, "max_length", 1000)


def _article(text: str) -> Article:
    return Article(id="long", text=text, title=None, published=None, url=None, source=None, origin="test")


def test_extract_a_long_article_past_spacys_limit_keeps_offsets_exact(small_limits: None) -> None:
    text = "\n\n".join(" ".join(SENTENCES) for _ in range(12))  # about 2,400 characters
    assert len(text) > load_pipeline().max_length
    x = extract(_article(text))
    assert x.mentions
    for m in x.mentions:
        assert text[m.start : m.end] == m.text
    assert x.sentences[0].start == 0
    assert x.sentences[-1].end <= len(text)
    found = {text[m.start : m.end] for m in x.mentions}
    assert {"Emmanuel Macron", "Olaf Scholz", "Vienna", "Washington"} <= found
    # Every copy of the paragraph is found, not only those in the first piece.
    assert sum(1 for m in x.mentions if m.text == "Olaf Scholz") == 12


def test_extract_many_keeps_order_around_a_long_article(small_limits: None) -> None:
    long_text = " ".join(SENTENCES * 6)
    arts = [
        Article(id=f"a{i}", text=t, title=None, published=None, url=None, source=None, origin="test")
        for i, t in enumerate([SENTENCES[0], long_text, SENTENCES[2]])
    ]
    out = list(extract_many(arts))
    assert [x.article.id for x in out] == ["a0", "a1", "a2"]
    for x in out:
        for m in x.mentions:
            assert x.article.text[m.start : m.end] == m.text
