"""Names as written: cleaning spans, given names."""

from __future__ import annotations

import pytest

from kg.extract.names import clean_name, given_names


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("the Wagner Group", "Wagner Group"),
        ("President Volodymyr Zelensky", "Volodymyr Zelensky"),
        ("Mr. Ramani", "Ramani"),
        ("Zelensky's", "Zelensky"),
        ("Russia’s", "Russia"),
        ("Ahmed Mohamed \nImage", "Ahmed Mohamed"),
        ("Prime Minister", "Prime Minister"),
        ("The World Health Organisation (WHO", "World Health Organisation"),
    ],
    ids=[
        "the",
        "title",
        "honorific-dot",
        "possessive",
        "curly-possessive",
        "line-break",
        "title-only-kept",
        "unclosed-bracket",
    ],
)
def test_clean_name_strips_dressing(raw: str, name: str) -> None:
    start, end = clean_name(raw)
    assert raw[start:end] == name


@pytest.mark.parametrize("name", ["volodymyr", "samuel", "ilona", "thibaut"], ids=str)
def test_given_names_include_news_names(name: str) -> None:
    assert name in given_names()


@pytest.mark.parametrize("word", ["bakhmut", "google", "institute"], ids=str)
def test_given_names_exclude_places_and_words(word: str) -> None:
    assert word not in given_names()
