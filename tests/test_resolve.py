"""Identity across articles: transliteration, surnames, fuzzy scores, the merge log and undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import NotFoundError
from kg.records import Article, Entity, EntityType, Extraction, Mention
from kg.resolve import KnownEntity, MemoryEntityIndex, MergeLog, resolve_across, translit_key


def _x(article: str, key: str, label: str, etype: EntityType = EntityType.PERSON) -> Extraction:
    text = f"{label} spoke on Monday."
    mention = Mention(0, len(label), label, key, etype, 0.9, 0, len(text))
    return Extraction(
        article=Article(id=article, text=text),
        mentions=(mention,),
        entities=(Entity(key=key, type=etype, label=label, confidence=0.9),),
    )


@pytest.mark.parametrize(
    "variant",
    ["Zelensky", "Zelenskyy", "Zelenskiy", "ZELENSKYI", "Zelenskij"],
    ids=["plain", "yy", "iy", "upper-yi", "ij"],
)
def test_translit_key_folds_variants(variant: str) -> None:
    assert translit_key(variant) == "zelensky"


@pytest.mark.parametrize(
    ("second_key", "second_label", "method"),
    [
        ("person/volodymyr-zelenskyy", "Volodymyr Zelenskyy", "transliteration"),
        ("person/zelenskiy", "Zelenskiy", "surname"),
        ("person/volodymyr-zelenzky", "Volodymyr Zelenzky", "fuzzy"),
    ],
    ids=["transliteration", "surname", "fuzzy"],
)
def test_resolve_across_merges_spelling_variants(second_key: str, second_label: str, method: str) -> None:
    index = MemoryEntityIndex()
    log = MergeLog()
    first = resolve_across(_x("a1", "person/volodymyr-zelensky", "Volodymyr Zelensky"), index, log)
    second = resolve_across(_x("a2", second_key, second_label), index, log)
    assert first.entities[0].key == "person/volodymyr-zelensky"
    assert [e.key for e in second.entities] == ["person/volodymyr-zelensky"]
    assert [m.entity for m in second.mentions] == ["person/volodymyr-zelensky"]
    assert second_label in second.entities[0].aliases
    (merge,) = log.active()
    assert (merge.from_key, merge.into_key, merge.method) == (second_key, "person/volodymyr-zelensky", method)
    assert 0.9 <= merge.score <= 1.0
    assert merge.evidence == (0, len(second_label), second_label)


def test_resolve_across_never_crosses_types() -> None:
    index = MemoryEntityIndex([KnownEntity("place/georgia", EntityType.PLACE, "Georgia")])
    x = resolve_across(_x("a1", "person/georgia", "Georgia"), index, MergeLog())
    assert x.entities[0].key == "person/georgia"


def test_resolve_across_leaves_unrelated_names() -> None:
    index = MemoryEntityIndex([KnownEntity("person/samuel-ramani", EntityType.PERSON, "Samuel Ramani")])
    x = resolve_across(_x("a1", "person/leonid-tarasov", "Leonid Tarasov"), index, MergeLog())
    assert x.entities[0].key == "person/leonid-tarasov"


def test_merge_log_persists_and_undo_blocks_remerge(tmp_path: Path) -> None:
    path = tmp_path / "merges.jsonl"
    index = MemoryEntityIndex([KnownEntity("person/volodymyr-zelensky", EntityType.PERSON, "Volodymyr Zelensky")])
    resolve_across(_x("a2", "person/volodymyr-zelenskyy", "Volodymyr Zelenskyy"), index, MergeLog(path))
    reread = MergeLog(path)
    (merge,) = reread.active()
    undone = reread.undo(merge.id)
    assert undone == merge
    assert MergeLog(path).active() == []
    index = MemoryEntityIndex([KnownEntity("person/volodymyr-zelensky", EntityType.PERSON, "Volodymyr Zelensky")])
    again = resolve_across(_x("a2", "person/volodymyr-zelenskyy", "Volodymyr Zelenskyy"), index, MergeLog(path))
    assert again.entities[0].key == "person/volodymyr-zelenskyy"


def test_merge_log_undo_unknown_id_names_it() -> None:
    with pytest.raises(NotFoundError, match="nope"):
        MergeLog().undo("nope")


def test_store_entity_index_and_undo_merge_rewrite_the_article_graph() -> None:
    from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
    from kg.resolve import Resolver, undo_merge
    from kg.store import EmbeddedStore

    store = EmbeddedStore(None)
    first = _x("a1", "person/volodymyr-zelensky", "Volodymyr Zelensky")
    store.put_articles([(article_iri(DEFAULT_BASE, "a1"), extraction_quads(first))])
    log = MergeLog()
    resolver = Resolver.for_store(store, DEFAULT_BASE, None)
    resolver.log = log
    second = resolver(_x("a2", "person/volodymyr-zelenskyy", "Volodymyr Zelenskyy"))
    assert second.entities[0].key == "person/volodymyr-zelensky"
    store.put_articles([(article_iri(DEFAULT_BASE, "a2"), extraction_quads(second))])

    def keys_in(article: str) -> set[str]:
        rows = store.query(
            f"SELECT DISTINCT ?e WHERE {{ GRAPH <{article_iri(DEFAULT_BASE, article)}> "
            "{ ?m <https://w3id.org/newskg/ontology#denotes> ?e } }"
        )
        return {r["e"].removeprefix(DEFAULT_BASE) for r in rows}

    assert keys_in("a2") == {"person/volodymyr-zelensky"}
    (merge,) = log.active()
    undo_merge(store, log, merge.id, DEFAULT_BASE)
    assert keys_in("a2") == {"person/volodymyr-zelenskyy"}
    assert keys_in("a1") == {"person/volodymyr-zelensky"}
    labels = store.query(
        f"SELECT ?l WHERE {{ GRAPH <{article_iri(DEFAULT_BASE, 'a2')}> "
        f"{{ <{DEFAULT_BASE}person/volodymyr-zelenskyy> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}"
    )
    assert [r["l"] for r in labels] == ["Volodymyr Zelenskyy"]


def test_cli_merges_lists_and_unmerge_undoes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
    from kg.resolve import merge_log_path
    from kg.store import EmbeddedStore

    store_dir = tmp_path / "kg-data"
    store = EmbeddedStore(store_dir)
    index = MemoryEntityIndex([KnownEntity("person/volodymyr-zelensky", EntityType.PERSON, "Volodymyr Zelensky")])
    log = MergeLog(merge_log_path(str(store_dir)))
    x = resolve_across(_x("a2", "person/volodymyr-zelenskyy", "Volodymyr Zelenskyy"), index, log)
    store.put_articles([(article_iri(DEFAULT_BASE, "a2"), extraction_quads(x))])
    store.close()
    (merge,) = log.active()

    runner = CliRunner()
    listed = runner.invoke(app, ["merges", "--store", str(store_dir)])
    assert listed.exit_code == 0, listed.output
    assert merge.id in listed.output
    assert "transliteration" in listed.output
    undone = runner.invoke(app, ["unmerge", merge.id, "--store", str(store_dir)])
    assert undone.exit_code == 0, undone.output
    assert MergeLog(merge_log_path(str(store_dir))).active() == []
    again = runner.invoke(app, ["unmerge", merge.id, "--store", str(store_dir)])
    assert again.exit_code == 1
    assert merge.id in again.output


def test_two_extracted_articles_spelling_a_name_differently_share_one_entity() -> None:
    from kg.extract import extract

    first = extract(Article(id="b1", text="President Volodymyr Zelensky met soldiers in Kharkiv on Monday."))
    second = extract(Article(id="b2", text="Volodymyr Zelenskyy thanked the soldiers in Kharkiv, his office said."))
    index = MemoryEntityIndex()
    log = MergeLog()
    a = resolve_across(first, index, log)
    b = resolve_across(second, index, log)
    people_a = {m.entity for m in a.mentions if m.type is EntityType.PERSON}
    people_b = {m.entity for m in b.mentions if m.type is EntityType.PERSON}
    assert people_a == people_b == {"person/volodymyr-zelensky"}
    merged = next(e for e in b.entities if e.key == "person/volodymyr-zelensky")
    assert "Volodymyr Zelenskyy" in merged.aliases
    assert [m.method for m in log.active()] == ["transliteration"]
    kharkiv = {m.entity for x in (a, b) for m in x.mentions if m.text == "Kharkiv"}
    assert kharkiv == {"place/kharkiv"}


def test_store_entity_index_reads_the_summary_when_current_and_the_articles_otherwise() -> None:
    import dataclasses

    from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
    from kg.resolve import StoreEntityIndex
    from kg.store import EmbeddedStore

    key = "person/volodymyr-zelensky"
    first = _x("a1", key, "Volodymyr Zelensky")
    e = dataclasses.replace(first.entities[0], label="Zelensky", aliases=("President Zelensky",))
    second = dataclasses.replace(_x("a2", key, "Zelensky"), entities=(e,))
    store = EmbeddedStore(None)
    store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x)) for x in (first, second)])

    def seen(index: StoreEntityIndex) -> tuple[str, tuple[str, ...], list[str]]:
        found = index.get(key)
        assert found is not None
        return found.label, found.aliases, [k.key for k in index.by_name(EntityType.PERSON, "President Zelensky")]

    expected = ("Volodymyr Zelensky", ("President Zelensky", "Zelensky"), [key])
    queries: list[str] = []
    store.query = lambda sparql: queries.append(sparql) or EmbeddedStore.query(store, sparql)  # type: ignore[method-assign]
    assert seen(StoreEntityIndex(store, DEFAULT_BASE)) == expected
    assert "newskg/summary>" in queries[-1]  # read from the summary: one row per name
    # An article the summary has not taken in yet (as a crash leaves it): read every article.
    third = _x("a3", "person/olena-zelenska", "Olena Zelenska")
    store._store.extend(extraction_quads(third))
    index = StoreEntityIndex(store, DEFAULT_BASE)
    assert "newskg/summary>" not in queries[-1]
    assert seen(index) == expected
    assert index.get("person/olena-zelenska") is not None
