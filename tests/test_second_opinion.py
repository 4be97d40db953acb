"""The stock NER as a second opinion beside the fine-tuned one, and facility words that end a
place's name, on invented sentences."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract.entities import _club_mention, _facility_after, _second_opinion
from kg.extract.pipeline import NER_DIR, STOCK_SPANS_KEY, build_pipeline, hold_ents, restore_ents

#: (start token, end token, label)
Ent = tuple[int, int, str]


def _doc(text: str, pos: list[str] | None = None, ents: Sequence[Ent] = (), stock: Sequence[Ent] | None = None) -> Doc:
    """A doc built by hand: whitespace-split ``text``, optional POS and sentence starts at token 0."""
    vocab = spacy.blank("en").vocab
    words = text.split(" ")
    starts: list[bool | int | None] = [True, *([False] * (len(words) - 1))]
    doc = Doc(vocab, words=words, pos=pos, sent_starts=starts)
    doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in ents]
    if stock is not None:
        doc.spans[STOCK_SPANS_KEY] = [Span(doc, s, e, label=lab) for s, e, lab in stock]
    return doc


@pytest.mark.parametrize(
    ("text", "ents", "stock", "expected"),
    [
        # a newspaper the fine-tuned model left unlabelled
        (
            "Ann Lee of The Daily Lantern wrote",
            [(0, 2, "PERSON")],
            [(0, 2, "PERSON"), (3, 6, "ORG")],
            ["The Daily Lantern"],
        ),
        # overlapping a fine-tuned entity: the fine-tuned one stands
        ("Ann Lee of The Daily Lantern wrote", [(3, 6, "ORG")], [(0, 2, "PERSON"), (4, 6, "ORG")], ["Ann Lee"]),
        # places and dates are not taken from the second opinion
        ("They met in Varnholm on Monday", [], [(3, 4, "GPE"), (5, 6, "DATE")], []),
        # an all-capitals heading is not a name
        ("TENNIS - WORLD RESULTS today", [], [(0, 4, "ORG")], []),
        # a lone capitalised word opening the sentence ("Attendance") is not taken
        ("Attendance was 4,000", [], [(0, 1, "ORG")], []),
        # an acronym inside the sentence is
        ("Shares of the KWB rose", [], [(3, 4, "ORG")], ["KWB"]),
        # lower case is never a name
        ("the committee met", [], [(1, 2, "ORG")], []),
    ],
    ids=["newspaper", "overlap", "not-places", "heading", "sentence-start", "acronym", "lower-case"],
)
def test_second_opinion_takes_unlabelled_names(
    text: str, ents: list[Ent], stock: list[Ent], expected: list[str]
) -> None:
    pos = ["PROPN" if w[:1].isupper() else "NOUN" for w in text.split(" ")]
    doc = _doc(text, pos, ents, stock)
    assert [s.text for s in _second_opinion(doc)] == expected


def test_second_opinion_without_stock_spans_is_empty() -> None:
    doc = _doc("Ann Lee of The Daily Lantern wrote", ents=[(0, 2, "PERSON")])
    assert _second_opinion(doc) == []


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


def test_pipeline_hold_and_restore_keep_the_fine_tuned_entities() -> None:
    doc = _doc("Ann Lee met Bo Chan", ents=[(0, 2, "PERSON")])
    hold_ents(doc)
    assert list(doc.ents) == []
    doc.ents = [Span(doc, 3, 5, label="PERSON")]  # what the stock NER would set
    restore_ents(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Ann Lee", "PERSON")]
    assert [(e.text, e.label_) for e in doc.spans[STOCK_SPANS_KEY]] == [("Bo Chan", "PERSON")]


def test_pipeline_runs_the_stock_ner_only_beside_fine_tuned_weights() -> None:
    with_weights = build_pipeline(NER_DIR, gazetteer=False)
    stock_only = build_pipeline(None, gazetteer=False)
    assert STOCK_SPANS_KEY in with_weights.pipe_names
    assert STOCK_SPANS_KEY not in stock_only.pipe_names
    doc = with_weights("Ann Lee of the Varnholm Daily Lantern spoke in Paris on Monday.")
    assert STOCK_SPANS_KEY in doc.spans
    assert "kg_ner_held" not in doc.spans


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
