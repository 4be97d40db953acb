"""Copies of articles: the MinHash band index finds exact and near copies, not other stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.identity import ShingleIndex, shingle_index_path, signature

_STORY = (
    "The harbour authority of Velmora said on Tuesday that the northern pier would close for repairs"
    " from March, after inspectors found cracks in two of its supports. Ferries to the islands will"
    " leave from the southern terminal instead, and the authority expects the work to last four months."
)


@pytest.mark.parametrize(
    ("text", "copy"),
    [
        (_STORY, True),
        (_STORY + " (Reporting by Ana Lisk)", True),
        (_STORY.replace("four months", "five months"), True),
        ("Velmora beat Tarsk 2-1 in the cup final on Sunday, with two late goals from their captain.", False),
        (_STORY[: len(_STORY) // 3], False),
    ],
    ids=["same-text", "credit-added", "one-word-changed", "other-story", "a-third-of-it"],
)
def test_shingle_index_finds_copies_only(text: str, copy: bool) -> None:
    index = ShingleIndex()
    index.add("orig", _STORY)
    assert index.find("other", text) == ("orig" if copy else None)


def test_shingle_index_ignores_the_article_itself_and_points_copies_of_copies_at_the_original() -> None:
    index = ShingleIndex()
    index.add("orig", _STORY)
    assert index.find("orig", _STORY) is None
    index.add("copy1", _STORY, scope="orig")
    assert index.find("copy2", _STORY + " More to follow.") == "orig"


def test_shingle_index_persists_beside_the_store(tmp_path: Path) -> None:
    path = shingle_index_path(str(tmp_path / "kg-data"))
    assert path.name == "kg-data.shingles.jsonl"
    first = ShingleIndex(path)
    first.add("orig", _STORY)
    first.flush()
    assert ShingleIndex(path).find("later", _STORY) == "orig"


def test_signature_is_stable_and_sized() -> None:
    assert signature(_STORY) == signature(_STORY)
    assert len(signature("short")) == 64
