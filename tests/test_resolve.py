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
