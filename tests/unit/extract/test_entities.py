"""The entity stage on the seed article and invented sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract import extract
from kg.extract.entities import entities_from_doc
from kg.extract.pipeline import load_pipeline
from kg.records import Article, Entity, EntityType, Extraction, Mention
from tests.support.paths import ROOT

Run = Callable[[str], tuple[list[Mention], list[Entity]]]


@pytest.fixture(scope="module")
def run() -> Run:
    nlp = load_pipeline()
    return lambda text: entities_from_doc(nlp(text))


@pytest.fixture(scope="module")
def seed(seed_article: Article) -> Extraction:
    return extract(seed_article)


def _types_of(x: Extraction, surface: str) -> set[EntityType]:
    return {m.type for m in x.mentions if m.text == surface}


@pytest.mark.parametrize(
    ("surface", "etype"),
    [
        ("Bakhmut", EntityType.PLACE),
        ("Kherson", EntityType.PLACE),
        ("Kramatorsk", EntityType.PLACE),
        ("Kharkiv", EntityType.PLACE),
        ("Associated Press", EntityType.ORGANISATION),
        ("Wagner Group", EntityType.ORGANISATION),
        ("Volodymyr Zelensky", EntityType.PERSON),
    ],
    ids=["bakhmut", "kherson", "kramatorsk", "kharkiv", "associated-press", "wagner-group", "zelensky"],
)
def test_entities_seed_names_get_one_right_type(seed: Extraction, surface: str, etype: EntityType) -> None:
    assert _types_of(seed, surface) == {etype}


def test_entities_every_bakhmut_mention_found(seed: Extraction) -> None:
    text = seed.article.text
    assert len([m for m in seed.mentions if m.text == "Bakhmut"]) == text.count("Bakhmut")


@pytest.mark.parametrize(
    ("short", "full", "key"),
    [
        ("Zelensky", "Volodymyr Zelensky", "person/volodymyr-zelensky"),
        ("Ramani", "Samuel Ramani", "person/samuel-ramani"),
    ],
    ids=["zelensky", "ramani"],
)
def test_entities_surname_joins_full_name(seed: Extraction, short: str, full: str, key: str) -> None:
    found = [m for m in seed.mentions if m.text in {short, full}]
    assert {m.text for m in found} == {short, full}
    assert {m.entity for m in found} == {key}


def test_entities_confidence_in_unit_interval(seed: Extraction) -> None:
    assert seed.mentions
    assert all(0.0 <= m.confidence <= 1.0 for m in seed.mentions)
    assert all(0.0 <= e.confidence <= 1.0 for e in seed.entities)


def test_entities_mentions_point_at_entities_and_text(seed: Extraction) -> None:
    keys = {e.key for e in seed.entities}
    text = seed.article.text
    for m in seed.mentions:
        assert m.entity in keys
        assert text[m.start : m.end] == m.text
        assert m.sentence_start <= m.start < m.end <= m.sentence_end


def test_entities_alternate_spelling_links_to_closest_name(seed: Extraction) -> None:
    (m,) = [m for m in seed.mentions if m.text == "Sloviansk"]
    ent = next(e for e in seed.entities if e.key == m.entity)
    assert ent.same_as == ("https://sws.geonames.org/693468/",)


def test_entities_places_linked_to_geonames(seed: Extraction) -> None:
    bakhmut = next(e for e in seed.entities if e.key == "place/bakhmut")
    assert bakhmut.same_as == ("https://sws.geonames.org/713174/",)
    assert bakhmut.country == "place/ukraine"
    assert bakhmut.latitude is not None
    assert 48 < bakhmut.latitude < 49
    assert any(e.key == "place/ukraine" for e in seed.entities)


@pytest.mark.parametrize(
    ("text", "surface", "key"),
    [
        ("Russian forces shelled the town on Monday.", "Russian", "place/russia"),
        ("The Ukrainian army said the attack failed.", "Ukrainian", "place/ukraine"),
    ],
    ids=["forces", "army"],
)
def test_entities_demonym_naming_an_actor_is_its_country(run: Run, text: str, surface: str, key: str) -> None:
    mentions, _ = run(text)
    assert any(m.text == surface and m.entity == key for m in mentions)


def test_entities_demonym_not_naming_an_actor_is_dropped(run: Run) -> None:
    mentions, _ = run("She cooked a Ukrainian soup for her guests.")
    assert not any(m.text == "Ukrainian" for m in mentions)


def test_entities_acronym_joins_name_it_abbreviates(run: Run) -> None:
    text = "The Institute for the Study of War published a map on Monday. ISW analysts said the front had barely moved."
    mentions, _ = run(text)
    keys = {m.entity for m in mentions if m.text in {"Institute for the Study of War", "ISW"}}
    assert keys == {"organisation/institute-for-the-study-of-war"}


def test_entities_place_inside_organisation_name(run: Run) -> None:
    mentions, _ = run("She studied at the University of Texas before moving abroad.")
    assert any(m.text == "Texas" and m.type is EntityType.PLACE for m in mentions)


def test_entities_context_picks_namesake(run: Run) -> None:
    mentions, entities = run("Officials in Texas said flooding hit Paris and nearby towns in Texas.")
    paris = {e.key: e for e in entities}.get(next(m.entity for m in mentions if m.text == "Paris"))
    assert paris is not None
    assert paris.country == "place/united-states"


@pytest.mark.parametrize(
    ("text", "surface", "etype"),
    [
        ("Commuters crowded Maple Leaf Station on Friday morning.", "Maple Leaf Station", EntityType.PLACE),
        ("The story ran in The Springfield Herald last week.", "Springfield Herald", EntityType.ORGANISATION),
    ],
    ids=["facility", "newspaper"],
)
def test_entities_names_with_a_telling_last_word(run: Run, text: str, surface: str, etype: EntityType) -> None:
    mentions, _ = run(text)
    assert any(m.text == surface and m.type is etype for m in mentions)


def test_entities_countries_in_a_sports_report_are_teams(run: Run) -> None:
    text = (
        "Sweden beat Mexico 3-0 in the World Cup group match on Wednesday. The striker scored the first goal "
        "after a penalty, and the keeper saved a header before half-time. Mexico's coach said the team "
        "lost the game in the final minutes of the match. Sweden face Switzerland in the tournament next."
    )
    mentions, _ = run(text)
    assert {m.type for m in mentions if m.text == "Sweden"} == {EntityType.ORGANISATION}


def test_entities_countries_outside_sports_stay_places(run: Run) -> None:
    mentions, _ = run("Sweden and Mexico signed a trade agreement in Stockholm on Wednesday.")
    assert {m.type for m in mentions if m.text == "Sweden"} == {EntityType.PLACE}


def test_entities_acronym_introduced_in_brackets_joins_its_name(run: Run) -> None:
    text = (
        "The Northern Rivers Conservation Trust (NORCOT) planted trees on Saturday. "
        "Volunteers from NORCOT said the work would go on."
    )
    mentions, entities = run(text)
    acronym = [m for m in mentions if m.text == "NORCOT"]
    full = [m for m in mentions if m.text == "Northern Rivers Conservation Trust"]
    assert full
    assert len(acronym) == 2
    assert {m.entity for m in acronym} == {full[0].entity}
    ent = next(e for e in entities if e.key == full[0].entity)
    assert "NORCOT" in ent.aliases


def test_entities_name_with_bracketed_acronym_is_an_organisation(run: Run) -> None:
    mentions, _ = run("Farmers met deputies of Partito 7 Colline (P7C) in the hills. P7C called it a success.")
    full = [m for m in mentions if m.text == "Partito 7 Colline"]
    assert [m.type for m in full] == [EntityType.ORGANISATION]
    assert {m.entity for m in mentions if m.text == "P7C"} == {full[0].entity}


def test_bench_score_follows_the_eval_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's scorer: containment match by type, recall over wiki+propn gold, cluster recall."""
    import importlib.util
    import sys

    path = ROOT / "bench" / "entities.py"
    spec = importlib.util.spec_from_file_location("bench_entities", path)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_entities", bench)  # dataclasses look their module up
    spec.loader.exec_module(bench)
    score = bench.score

    gold = [
        {"start": 0, "end": 18, "type": "person", "cluster": 1, "wiki": "Volodymyr_Zelensky", "propn": True},
        {"start": 30, "end": 38, "type": "person", "cluster": 1, "wiki": "Volodymyr_Zelensky", "propn": True},
        {"start": 50, "end": 57, "type": "place", "cluster": 2, "wiki": "Bakhmut", "propn": True},
        {"start": 60, "end": 70, "type": "organization", "cluster": 3, "wiki": None, "propn": True},
        {"start": 80, "end": 95, "type": "person", "cluster": 4, "wiki": "Someone", "propn": False},
    ]
    doc = {"id": "d", "mentions": gold}
    predictions = [
        (10, 18, "person"),  # inside gold 0: a match
        (50, 57, "organization"),  # right span, wrong type: no match
        (58, 72, "organization"),  # contains gold 3 (no wiki): counts for precision only
        (100, 105, "place"),  # matches nothing
    ]
    s = score([doc], [predictions])
    assert s.precision == 2 / 4
    assert s.recall == 1 / 3  # gold 0, 1 and 2 have wiki and propn; only gold 0 is found
    assert s.cluster_recall == 1 / 3  # clusters 1, 2 and 4 have wiki; only 1 is found
    assert s.f1 == pytest.approx(0.4)
    assert s.predicted == 4


@pytest.mark.parametrize(
    ("text", "town"),
    [
        # "of" is no strong locative: the town's type comes from its prior, not from the context
        ("Residents of Bozeman said the storm damaged roofs across Montana on Tuesday.", "Bozeman"),
        ("Residents of Wenatchee said the storm damaged roofs across Washington on Tuesday.", "Wenatchee"),
    ],
    ids=["bozeman-montana", "wenatchee-washington"],
)
def test_entities_small_town_in_a_region_the_article_names_is_a_place(run: Run, text: str, town: str) -> None:
    """No country is named, but the region implies it: the town's prior is not a stranger's."""
    mentions, entities = run(text)
    (m,) = [m for m in mentions if m.text == town]
    assert m.type is EntityType.PLACE
    assert {e.key: e for e in entities}[m.entity].country == "place/united-states"


@pytest.mark.parametrize("word", ["Sodium", "Fluoride"])
def test_entities_word_the_article_writes_in_lower_case_is_not_a_name(run: Run, word: str) -> None:
    low = word.lower()
    text = (
        f"{word} deficiency can harm children, doctors warned on Monday. Bakers add {low} to bread, and {low} "
        f'tablets are cheap. "If {word} levels fall, growth slows," Dr Anna Reyes said. Schools will test '
        f"{low} levels next year, and farmers will feed {low} to cattle. Milk carries {low} too."
    )
    mentions, _ = run(text)
    assert not any(m.text == word for m in mentions)
    assert any(m.text == "Anna Reyes" for m in mentions)
