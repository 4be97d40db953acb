"""Whether two names can be one person: given names, variants, canonical labels."""

from __future__ import annotations

import pytest

from kg.identity import canonical_person_label, given_names_agree, is_acronym, split_person


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("Gordon Brown", "Craig Brown", False),
        ("Charles Clarke", "Ken Clarke", False),
        ("Patricia Hewitt", "Lleyton Hewitt", False),
        ("Spike Lee", "Stan Lee", False),
        ("Dan Brown", "Don Brown", False),
        ("Steve Brown", "Steven Brown", True),
        ("Bernie Ecclestone", "Bernard Ecclestone", True),
        ("G. Brown", "Gordon Brown", True),
        ("G.W. Bush", "George Bush", True),
        ("Yury Petrov", "Yuri Petrov", True),
        ("Mohammed Said", "Muhammad Said", True),
        ("Brown", "Gordon Brown", True),
        ("Mr Gordon Brown", "Gordon Brown", True),
    ],
    ids=[
        "gordon-craig",
        "charles-ken",
        "patricia-lleyton",
        "spike-stan",
        "dan-don",
        "steve-steven",
        "bernie-bernard",
        "initial",
        "two-initials",
        "translit",
        "consonants",
        "bare-surname",
        "title",
    ],
)
def test_given_names_agree_only_for_variants(a: str, b: str, agree: bool) -> None:
    assert given_names_agree(a, b) is agree
    assert given_names_agree(b, a) is agree


@pytest.mark.parametrize(
    ("name", "parts"),
    [("Gordon Brown", ("gordon", "brown")), ("Dr. Ann Lee Jr", ("ann", "lee")), ("Brown", ("", "brown"))],
    ids=["plain", "title-suffix", "bare"],
)
def test_split_person_gives_given_name_and_surname(name: str, parts: tuple[str, str]) -> None:
    assert split_person(name) == parts


@pytest.mark.parametrize(
    ("label", "known", "clean"),
    [
        ("PM Tony Blair", set(), "Tony Blair"),
        ("President Walter Mendez", set(), "Walter Mendez"),
        ("British Tony Blair", set(), "Tony Blair"),
        ("Howard Tony Blair", {"Tony Blair"}, "Tony Blair"),
        ("Tories Ken Clarke", {"Ken Clarke"}, "Ken Clarke"),
        ("Howard Tony Blair", set(), "Howard Tony Blair"),
        ("Mary Ann Evans", set(), "Mary Ann Evans"),
        ("Trainer Berti Vogel", set(), "Berti Vogel"),
        ("Pole Wojtek Lazar", set(), "Wojtek Lazar"),
        ("Almunia Arsene Wenger", set(), "Arsene Wenger"),
        ("Abu Bakr Hamid", set(), "Abu Bakr Hamid"),
        ("Finn Russell", set(), "Finn Russell"),
    ],
    ids=[
        "acronym-title",
        "title",
        "demonym",
        "neighbour",
        "party-word",
        "unknown-tail-kept",
        "middle-name",
        "role",
        "nationality-noun",
        "not-a-given-name-first",
        "particle",
        "two-words-kept",
    ],
)
def test_canonical_person_label_drops_titles_nationalities_and_neighbours(
    label: str, known: set[str], clean: str
) -> None:
    given = frozenset({"tony", "ken", "mary", "ann", "berti", "wojtek", "arsene", "bakr", "finn", "howard"})
    assert canonical_person_label(label, known.__contains__, frozenset({"British"}), given) == clean


@pytest.mark.parametrize(("name", "acronym"), [("BBC", True), ("U.N.", True), ("Labour", False), ("B", False)])
def test_is_acronym_recognises_capitals(name: str, acronym: bool) -> None:
    assert is_acronym(name) is acronym


@pytest.mark.parametrize(
    ("a", "b"),
    [("Wang Shi-Ting", "Shi-Ting Wang"), ("Aleksander Lebed", "Alexander Lebed")],
    ids=["family-name-first", "ks-x"],
)
def test_given_names_agree_across_name_order_and_spelling(a: str, b: str) -> None:
    assert given_names_agree(a, b)


@pytest.mark.parametrize(
    "label", ["A. Stewart", "DAVEY JOHNSON", "F.W. de Klerk"], ids=["initial", "capitals", "dotted"]
)
def test_canonical_person_label_keeps_initials_and_capitalised_names(label: str) -> None:
    assert canonical_person_label(label) == label
