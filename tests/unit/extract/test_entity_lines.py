"""Facility words that end a place's name, and clubs on table rows and fixture lines, on invented sentences."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract.entities import _club_mention, _facility_after

#: (start token, end token, label)
Ent = tuple[int, int, str]


def _doc(text: str, pos: list[str] | None = None, ents: Sequence[Ent] = ()) -> Doc:
    """A doc built by hand: whitespace-split ``text``, optional POS and sentence starts at token 0."""
    vocab = spacy.blank("en").vocab
    words = text.split(" ")
    starts: list[bool | int | None] = [True, *([False] * (len(words) - 1))]
    doc = Doc(vocab, words=words, pos=pos, sent_starts=starts)
    doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in ents]
    return doc


@pytest.mark.parametrize(
    ("text", "ent", "expected"),
    [
        ("They played at the Varnholm Stadium on Sunday", (4, 5, "GPE"), True),
        ("The plane landed at Ostrava Airport .", (4, 5, "ORG"), True),
        ("They played at the Varnholm stadium on Sunday", (4, 5, "GPE"), False),  # lower case: a description
        ("He met Varnholm Park Rangers", (2, 3, "GPE"), False),  # a longer capitalised name goes on
        ("They played in Varnholm on Sunday", (3, 4, "GPE"), False),
        ("He met Varnholm Stadium staff", (2, 3, "DATE"), False),  # not a name label
    ],
    ids=["stadium", "airport", "lower-case", "longer-name", "no-facility", "not-a-name"],
)
def test_facility_after_extends_a_place(text: str, ent: Ent, expected: bool) -> None:
    doc = _doc(text, ents=[ent])
    assert _facility_after(doc, doc.ents[0]) is expected


@pytest.mark.parametrize(
    ("text", "ent", "expected"),
    [
        ("VARNHOLM 70 63 .526 4", (0, 1), True),  # a row of a results table
        ("OSTRAVA AT VARNHOLM", (2, 3), True),  # a fixture
        ("Ostrava v Varnholm", (0, 1), True),
        ("The mayor of Varnholm said the bridge would reopen in the spring", (3, 4), False),
        ("Varnholm had 3 new cases", (0, 1), False),  # one number is not a table
        ("Varnholm had 70,000 people before the storm , but 90 % of them have left since", (0, 1), False),
    ],
    ids=["table-row", "fixture-at", "fixture-v", "prose", "one-number", "prose-numbers"],
)
def test_club_mention_reads_tables_and_fixtures(text: str, ent: tuple[int, int], expected: bool) -> None:
    doc = _doc(text)
    assert _club_mention(doc, doc[ent[0] : ent[1]]) is expected
