"""Issue 15's rules (parties, titles and nationalities, awards, companies, clubs) on invented sentences,
and the NER training data built from eval-style records."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import spacy
from spacy.tokens import Span

from kg.extract.cues import is_party, join_parties
from kg.extract.entities import _after_nationality, entities_from_doc
from kg.extract.gazetteer import load_gazetteer
from kg.extract.pipeline import NER_DIR, build_pipeline, join_date_ranges, load_pipeline
from kg.records import Entity, EntityType, Mention
from tests.support.paths import ROOT

Run = Callable[[str], tuple[list[Mention], list[Entity]]]

PER, ORG, PLA = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE


@pytest.fixture(scope="module")
def run() -> Run:
    nlp = load_pipeline()
    return lambda text: entities_from_doc(nlp(text))


def _bench(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import ``bench/<name>.py`` by path (bench is not an installed package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, f"bench_{name}", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("words", "party"),
    [
        (["Labour"], True),
        (["the", "Tories"], True),
        (["Lib", "Dems"], True),
        (["Green", "Party"], True),
        (["labour"], False),  # the common noun
        (["Green", "Street"], False),
        (["Acme", "Holdings"], False),
    ],
    ids=["labour", "tories", "lib-dems", "green-party", "lower-case", "street", "company"],
)
def test_cues_is_party_by_last_word(words: list[str], party: bool) -> None:
    doc = spacy.blank("en")(" ".join(words))
    assert is_party(doc[:]) is party


@pytest.mark.parametrize(
    ("text", "ents", "joined"),
    [
        ("The Lib Dems won", [(1, 2, "GPE"), (2, 3, "PERSON")], [("Lib Dems", "ORG")]),
        # the model left the party word out
        ("The Lib Dems won", [(1, 2, "GPE")], [("Lib Dems", "ORG")]),
        ("Social Democrats gained", [(0, 1, "NORP"), (1, 2, "NORP")], [("Social Democrats", "ORG")]),
        # not adjacent: a word between them
        ("Leeds and Labour", [(0, 1, "GPE"), (2, 3, "ORG")], [("Leeds", "GPE"), ("Labour", "ORG")]),
        # the second name is no party
        ("Lib Smith", [(0, 1, "GPE"), (1, 2, "PERSON")], [("Lib", "GPE"), ("Smith", "PERSON")]),
        # a date is never part of a party's name
        ("2010 Tories", [(0, 1, "DATE"), (1, 2, "ORG")], [("2010", "DATE"), ("Tories", "ORG")]),
    ],
    ids=["lib-dems", "word-left-out", "social-democrats", "not-adjacent", "no-party", "date-before"],
)
def test_cues_join_parties_cut_in_two(
    text: str, ents: list[tuple[int, int, str]], joined: list[tuple[str, str]]
) -> None:
    doc = spacy.blank("en")(text)
    out = join_parties(doc, [Span(doc, s, e, label=lab) for s, e, lab in ents])
    assert [(s.text, s.label_) for s in out] == joined


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Briton Tam Halloway", "Tam Halloway"),
        ("German Chancellor Anna Keller", "Anna Keller"),
        ("American Airlines", "American Airlines"),  # one word left: not a person's name
        ("Kenyan runners", "Kenyan runners"),  # the rest is not a name
        ("Tam Halloway", "Tam Halloway"),
    ],
    ids=["briton", "demonym-then-title", "airline", "lower-case-rest", "no-demonym"],
)
def test_entities_nationality_is_not_part_of_a_name(text: str, name: str) -> None:
    start = _after_nationality(text, 0, len(text), load_gazetteer())
    assert text[start:] == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("PM Tony Marsh flew to Ottawa on Monday for talks on trade.", "Tony Marsh"),
        ("Briton Tam Halloway won his first-round match in straight sets.", "Tam Halloway"),
        ("The talks were led by German Chancellor Anna Keller and her deputy.", "Anna Keller"),
    ],
    ids=["pm", "briton", "demonym-title"],
)
def test_entities_person_named_without_title_or_nationality(run: Run, text: str, name: str) -> None:
    mentions, _ = run(text)
    people = {m.text for m in mentions if m.type is PER}
    assert name in people
    assert not any(p != name and name in p for p in people)


@pytest.mark.parametrize(
    "text",
    [
        "The Lib Dems won two seats in the council election, and their leader thanked voters.",
        "Voters in the town backed the Lib Dems again, the count showed on Friday.",
    ],
    ids=["subject", "object"],
)
def test_entities_party_is_one_organisation(run: Run, text: str) -> None:
    mentions, _ = run(text)
    assert [(m.text, m.type) for m in mentions if "Lib" in m.text or "Dems" in m.text] == [("Lib Dems", ORG)]


def test_entities_party_word_is_not_a_person(run: Run) -> None:
    mentions, _ = run("Labour said on Tuesday that the budget would hurt families, and the Tories disagreed.")
    assert {m.type for m in mentions if m.text in {"Labour", "Tories"}} <= {ORG}


@pytest.mark.parametrize(
    ("text", "award"),
    [
        ("The film won three statues at the Oscars on Sunday night.", "Oscars"),
        ("She received the Hartwell Prize for her work on malaria.", "Hartwell Prize"),
        ("The striker was given the Golden Boot Award after the season.", "Golden Boot Award"),
    ],
    ids=["oscars", "prize", "award"],
)
def test_entities_award_is_not_a_person(run: Run, text: str, award: str) -> None:
    mentions, _ = run(text)
    assert not [m for m in mentions if award in m.text and m.type is PER]


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("On Monday, Vextor shares fell 5 percent after the oil company missed its targets.", "Vextor"),
        ("A Brannock boss said the plant would close next year.", "Brannock"),
    ],
    ids=["shares", "boss"],
)
def test_entities_company_named_by_its_shares_or_boss_is_not_a_person(run: Run, text: str, company: str) -> None:
    mentions, _ = run(text)
    assert {m.type for m in mentions if m.text == company} == {ORG}


def test_entities_towns_in_a_sports_report_are_clubs(run: Run) -> None:
    text = (
        "Blackburn beat Coventry 2-1 in the league on Saturday. The striker scored the winning goal after a "
        "penalty, and the keeper saved a header before half-time. Coventry's coach said the team lost the "
        "match in the final minutes of the game. Blackburn face Ipswich in the cup next."
    )
    mentions, _ = run(text)
    assert {m.type for m in mentions if m.text == "Blackburn"} == {ORG}


def test_entities_towns_outside_sports_stay_places(run: Run) -> None:
    mentions, _ = run("Blackburn and Coventry signed a twinning agreement with a town in France on Wednesday.")
    assert {m.type for m in mentions if m.text == "Blackburn"} == {PLA}


def test_pipeline_falls_back_to_stock_ner_without_weights(tmp_path: Path) -> None:
    nlp = build_pipeline(tmp_path, gazetteer=False)  # an empty directory: no weights
    assert "kg_ner" not in nlp.meta
    assert nlp.pipe_names[-1] == "ner"


def test_pipeline_uses_trained_ner_when_present() -> None:
    assert (NER_DIR / "model").is_file()
    assert load_pipeline().meta.get("kg_ner", "").startswith("kg-ner")


def test_bench_misses_refuse_check_halves(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench("entities", monkeypatch)
    for half in ("conllpp-dev:check", "gum-news-dev", "conllpp-train:check"):
        assert bench.main(["--misses", half]) == 2
    assert "only tune halves" in capsys.readouterr().err


def test_bench_conll_recall_counts_every_gold_mention(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _bench("entities", monkeypatch)
    gold = [
        {"start": 0, "end": 5, "type": "PERSON", "cluster": -1, "wiki": None, "conll": True},
        {"start": 10, "end": 15, "type": "ORGANISATION", "cluster": -1, "wiki": None, "conll": True},
    ]
    s = bench.score([{"id": "c", "mentions": gold}], [[(0, 5, "person"), (10, 15, "place")]])
    assert (s.precision, s.recall) == (0.5, 0.5)


@pytest.mark.parametrize(
    ("mentions", "gold"),
    [
        # a title and a possessive are cleaned off, the outer name wins over a nested one
        (
            [
                {"start": 0, "end": 18, "type": "person", "named": False, "propn": True},
                {"start": 20, "end": 44, "type": "organization", "named": True, "propn": True},
                {"start": 34, "end": 44, "type": "place", "named": True, "propn": True},
            ],
            [(4, 16, "PERSON"), (20, 44, "ORG")],
        ),
        # a description with a proper noun inside is not a name
        ([{"start": 20, "end": 56, "type": "person", "named": False, "propn": True}], []),
    ],
    ids=["clean-outer", "description"],
)
def test_train_ner_gum_names_are_cleaned_outermost(
    monkeypatch: pytest.MonkeyPatch, mentions: list[dict[str, object]], gold: list[tuple[int, int, str]]
) -> None:
    train = _bench("train_ner", monkeypatch)
    text = "Dr. Hana Oberlin's  University of Ravensholm researchers met."
    assert train._gum_gold({"text": text, "mentions": mentions}) == gold


def test_train_ner_chunks_keep_whole_lines() -> None:
    spec = importlib.util.spec_from_file_location("bench_train_ner_chunks", ROOT / "bench" / "train_ner.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "aaaa\nbbbb\ncccc\n"
    assert list(module._chunks(text, limit=10)) == [(0, 10), (10, 15)]
    assert list(module._chunks(text, limit=100)) == [(0, 15)]


@pytest.mark.parametrize(
    ("text", "ents", "dates"),
    [
        # cut after the range word, or with the range word between two dates
        ("between Wednesday and Thursday", [(0, 3, "DATE"), (3, 4, "DATE")], ["between Wednesday and Thursday"]),
        ("from May to July", [(0, 2, "DATE"), (3, 4, "DATE")], ["from May to July"]),
        # two dates with other words between them stay two
        ("Monday or Friday", [(0, 1, "DATE"), (2, 3, "DATE")], ["Monday", "Friday"]),
        # a range word before a name is no range
        ("May and Paris", [(0, 1, "DATE"), (2, 3, "GPE")], ["May"]),
    ],
    ids=["cut-after-and", "to-between", "or", "not-a-date"],
)
def test_pipeline_date_ranges_are_joined(text: str, ents: list[tuple[int, int, str]], dates: list[str]) -> None:
    doc = spacy.blank("en")(text)
    doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in ents]
    out = join_date_ranges(doc)
    assert [e.text for e in out.ents if e.label_ == "DATE"] == dates
