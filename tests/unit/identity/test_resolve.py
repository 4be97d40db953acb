"""Identity across articles: transliteration, surnames, fuzzy scores, the merge log and undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import NotFoundError
from kg.identity import KnownEntity, MemoryEntityIndex, MergeLog, resolve_across, translit_key
from kg.records import Article, Entity, EntityType, Extraction, Mention
from tests.support.terms import term_value


def _x(
    article: str,
    key: str,
    label: str,
    etype: EntityType = EntityType.PERSON,
    aliases: tuple[str, ...] = (),
    others: tuple[tuple[str, EntityType, str], ...] = (),
) -> Extraction:
    """An article naming one entity (with ``aliases``), then each of ``others`` (key, type, label)."""
    text = f"{label} spoke on Monday."
    mentions = [Mention(0, len(label), label, key, etype, 0.9, 0, len(text))]
    entities = [Entity(key=key, type=etype, label=label, aliases=aliases, confidence=0.9)]
    for okey, otype, olabel in others:
        start = len(text) + 1
        text += f" {olabel} was there."
        mentions.append(Mention(start, start + len(olabel), olabel, okey, otype, 0.9, start, len(text)))
        entities.append(Entity(key=okey, type=otype, label=olabel, confidence=0.9))
    return Extraction(article=Article(id=article, text=text), mentions=tuple(mentions), entities=tuple(entities))


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
        ("person/v-zelensky", "V. Zelensky", "variant"),
        ("person/volodymyr-zelenzky", "Volodymyr Zelenzky", "fuzzy"),
    ],
    ids=["transliteration", "initial", "fuzzy"],
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
    assert x.entities[0].type is EntityType.PERSON
    assert x.entities[0].key.startswith("person/georgia")


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
    from kg.identity import Resolver, undo_merge
    from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
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
    from kg.identity import merge_log_path
    from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
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


def test_store_entity_index_reads_the_summary_when_current_and_the_articles_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    from kg.identity import StoreEntityIndex
    from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
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

    def recording(sparql: str, *, union: bool = False) -> list[dict[str, str]]:
        queries.append(sparql)
        return EmbeddedStore.query(store, sparql, union=union)

    monkeypatch.setattr(store, "query", recording)
    assert seen(StoreEntityIndex(store, DEFAULT_BASE)) == expected
    assert "newskg/summary>" in queries[-1]  # read from the summary: one row per name
    # An article the summary has not taken in yet (as a crash leaves it): read every article.
    third = _x("a3", "person/olena-zelenska", "Olena Zelenska")
    store._store.extend(extraction_quads(third))
    index = StoreEntityIndex(store, DEFAULT_BASE)
    assert "newskg/summary>" not in queries[-1]
    assert seen(index) == expected
    assert index.get("person/olena-zelenska") is not None


_P, _O, _L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE


@pytest.mark.parametrize(
    ("known", "new", "new_aliases"),
    [
        ("Gordon Brown", "Craig Brown", ("Brown",)),
        ("Charles Clarke", "Ken Clarke", ("Clarke",)),
        ("Patricia Hewitt", "Lleyton Hewitt", ()),
        ("Spike Lee", "Stan Lee", ("Lee",)),
    ],
    ids=["brown", "clarke", "hewitt", "lee"],
)
def test_resolve_across_never_merges_people_with_different_given_names(
    known: str, new: str, new_aliases: tuple[str, ...]
) -> None:
    index = MemoryEntityIndex()
    log = MergeLog()
    surname = known.split()[-1]
    resolve_across(_x("a1", f"person/{known.lower().replace(' ', '-')}", known, aliases=(surname,)), index, log)
    key = f"person/{new.lower().replace(' ', '-')}"
    x = resolve_across(_x("a2", key, new, aliases=new_aliases), index, log)
    assert x.entities[0].key == key
    assert log.active() == []


@pytest.mark.parametrize(
    ("known", "new"),
    [("Steven Brown", "Steve Brown"), ("Bernard Ecclestone", "Bernie Ecclestone"), ("Gordon Brown", "G. Brown")],
    ids=["steve", "bernie", "initial"],
)
def test_resolve_across_merges_given_name_variants(known: str, new: str) -> None:
    index = MemoryEntityIndex([KnownEntity(f"person/{known.lower().replace(' ', '-')}", _P, known)])
    log = MergeLog()
    x = resolve_across(_x("a2", "person/new", new), index, log)
    assert x.entities[0].label == known
    (merge,) = log.active()
    assert merge.method == "variant"
    assert merge.reasons


def test_resolve_across_keeps_a_bare_surname_apart_without_context() -> None:
    index = MemoryEntityIndex([KnownEntity("person/gordon-brown", _P, "Gordon Brown")])
    log = MergeLog()
    a = resolve_across(_x("a1", "person/johnson", "Johnson"), index, log)
    b = resolve_across(_x("a2", "person/johnson", "Johnson"), index, log)
    c = resolve_across(_x("a3", "person/brown", "Brown"), index, log)
    assert a.entities[0].key != b.entities[0].key
    assert a.entities[0].key.startswith("person/johnson-")
    assert c.entities[0].key.startswith("person/brown-")
    assert c.entities[0].confidence < 0.9
    assert {m.entity for m in c.mentions} == {c.entities[0].key}
    assert log.active() == []


def test_resolve_across_joins_a_bare_surname_when_the_contexts_agree() -> None:
    index = MemoryEntityIndex()
    log = MergeLog()
    shared = (("organisation/treasury", _O, "Treasury"), ("place/dunmore", _L, "Dunmore"))
    resolve_across(_x("a1", "person/gordon-brown", "Gordon Brown", others=shared), index, log)
    resolve_across(
        _x("a2", "person/craig-brown", "Craig Brown", others=(("organisation/hearts", _O, "Hearts"),)), index, log
    )
    x = resolve_across(_x("a3", "person/brown", "Brown", others=shared), index, log)
    assert x.entities[0].key == "person/gordon-brown"
    (merge,) = log.active()
    assert (merge.method, merge.reasons) == ("context", ("organisation/treasury", "place/dunmore"))
    assert 0.5 < merge.score < 1.0


def test_resolve_across_an_acronym_alias_does_not_identify_across_articles() -> None:
    index = MemoryEntityIndex()
    log = MergeLog()
    resolve_across(
        _x("a1", "organisation/world-health-organisation", "World Health Organisation", _O, ("WHO",)), index, log
    )
    x = resolve_across(_x("a2", "organisation/world-hockey-office", "World Hockey Office", _O, ("WHO",)), index, log)
    assert x.entities[0].key == "organisation/world-hockey-office"
    assert log.active() == []


def test_resolve_across_a_weak_person_takes_the_type_the_corpus_gives_its_name() -> None:
    index = MemoryEntityIndex()
    log = MergeLog()
    for n in range(3):
        resolve_across(_x(f"a{n}", "organisation/labour", "Labour", _O), index, log)
    x = resolve_across(_x("a9", "person/labour", "Labour"), index, log)
    assert [(e.key, e.type) for e in x.entities] == [("organisation/labour", _O)]
    assert [m.type for m in x.mentions] == [_O]
    (merge,) = log.active()
    assert merge.method == "type"
    # a full name with a known given name keeps its own type
    y = resolve_across(_x("b1", "person/mary-labour", "Mary Labour"), index, log)
    assert y.entities[0].type is _P


@pytest.mark.parametrize(
    ("label", "others", "expected"),
    [
        ("PM Ada Quill", (), "person/ada-quill"),
        ("Halvard Ada Quill", (("person/ada-quill", _P, "Ada Quill"),), "person/ada-quill"),
    ],
    ids=["title", "neighbour"],
)
def test_resolve_across_labels_a_person_by_the_name_alone(
    label: str, others: tuple[tuple[str, EntityType, str], ...], expected: str
) -> None:
    x = resolve_across(_x("a1", "person/x", label, others=others), MemoryEntityIndex(), MergeLog())
    people = {e.key: e for e in x.entities if e.type is _P}
    assert list(people) == [expected]
    assert people[expected].label == "Ada Quill"


def test_conform_drops_relations_and_places_of_the_wrong_type() -> None:
    from dataclasses import replace

    from kg.identity import conform
    from kg.records import Event, Evidence, Relation

    x = _x(
        "a1",
        "person/jim-pike",
        "Jim Pike",
        others=(("place/tamora", _L, "Tamora"), ("organisation/velt", _O, "Velt")),
    )
    ev = Evidence(0, 8, "Jim Pike", 0, 20)
    rels = (
        Relation("person/jim-pike", "founderOf", "place/tamora", 0.8, ev),
        Relation("person/jim-pike", "affiliatedWith", "organisation/velt", 0.8, ev),
        Relation("organisation/velt", "basedIn", "place/tamora", 0.8, ev),
        Relation("place/tamora", "leaderOf", "organisation/velt", 0.8, ev),
    )
    events = (Event("event/1/0", "Statement", "said", ev, 0.8, place="organisation/velt"),)
    out = conform(replace(x, relations=rels, events=events))
    assert [(r.subject, r.predicate, r.object) for r in out.relations] == [
        ("person/jim-pike", "affiliatedWith", "organisation/velt"),
        ("organisation/velt", "basedIn", "place/tamora"),
    ]
    assert out.events[0].place is None


@pytest.mark.parametrize(
    ("predicate", "object_key", "object_type"),
    [
        ("coachOf", "place/dresvik", _L),
        ("playsFor", "place/dresvik", _L),
        ("employeeOf", "place/dresvik", _L),
        ("spokespersonOf", "place/dresvik", _L),
        ("founderOf", "place/dresvik", _L),
        ("affiliatedWith", "place/dresvik", _L),
        ("coachOf", "organisation/dresvik-united", _O),
    ],
    ids=[
        "coach-place",
        "player-place",
        "employee-place",
        "spokesperson-place",
        "founder-place",
        "affiliated-place",
        "coach-club",
    ],
)
def test_conform_leaves_no_relation_that_validation_rejects(
    predicate: str, object_key: str, object_type: EntityType
) -> None:
    """What a property entails through its super-properties counts too: coachOf is affiliatedWith.

    A side or government named by its place may be what a person plays for, coaches,
    works or speaks for (every super-property allows a place too); nobody founds a place.
    """
    from dataclasses import replace

    from kg.identity import conform
    from kg.rdf import extraction_quads
    from kg.records import Evidence, Relation
    from kg.validate import validate

    x = _x("a1", "person/ivar-holm", "Ivar Holm", others=((object_key, object_type, "Dresvik"),))
    rel = Relation("person/ivar-holm", predicate, object_key, 0.8, Evidence(0, 9, "Ivar Holm", 0, 26))
    out = conform(replace(x, relations=(rel,)))
    report = validate(extraction_quads(out))
    two_classes = [v.message for v in report.violations if "exactly one of the classes" in v.message]
    assert two_classes == []
    kept = object_type is _O or predicate != "founderOf"
    assert [r.object for r in out.relations] == ([object_key] if kept else [])


def test_resolver_recognises_a_copy_and_shares_its_entities_and_events() -> None:
    from dataclasses import replace

    from kg.identity import Resolver
    from kg.records import Event, Evidence

    resolver = Resolver(MemoryEntityIndex(), MergeLog())
    text = "Osgood said the bridge over the Tamora river would reopen in May after repairs, officials said."
    ev = Evidence(0, 6, "Osgood", 0, len(text))

    def article(aid: str, body: str) -> Extraction:
        x = _x(aid, "person/osgood", "Osgood")
        event = Event(f"event/{aid}/0", "Statement", "said", ev, 0.8)
        return replace(x, article=Article(id=aid, text=body), events=(event,))

    first, copy, other = resolver.batch(
        [article("o1", text), article("c1", text + " Reuters"), article("d1", "A different story about Osgood.")]
    )
    assert copy.duplicate_of == "o1"
    assert other.duplicate_of is None
    assert copy.entities[0].key == first.entities[0].key != other.entities[0].key
    assert copy.events[0].key == first.events[0].key == "event/o1/0"


def test_merge_log_keeps_reasons_and_cli_shows_them(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from kg.cli import app
    from kg.identity import Merge, merge_log_path

    store_dir = tmp_path / "kg-data"
    log = MergeLog(merge_log_path(str(store_dir)))
    log.record(
        Merge(
            "m1",
            "a3",
            _P,
            "person/brown",
            "person/gordon-brown",
            "Brown",
            "Gordon Brown",
            "context",
            0.7,
            (0, 5, "Brown"),
            ("organisation/treasury", "place/dunmore"),
        )
    )
    (again,) = MergeLog(merge_log_path(str(store_dir))).active()
    assert again.reasons == ("organisation/treasury", "place/dunmore")
    listed = CliRunner().invoke(app, ["merges", "--store", str(store_dir)])
    assert listed.exit_code == 0, listed.output
    assert "context 0.70" in listed.output
    assert "organisation/treasury" in listed.output
    as_json = CliRunner().invoke(app, ["merges", "--store", str(store_dir), "--json"])
    assert as_json.exit_code == 0, as_json.output
    (merge,) = json.loads(as_json.stdout)["merges"]
    assert (merge["method"], merge["score"], merge["into_label"]) == ("context", 0.7, "Gordon Brown")
    assert merge["reasons"] == ["organisation/treasury", "place/dunmore"]
    assert merge["evidence"] == {"start": 0, "end": 5, "text": "Brown"}


_CORPUS = [
    (
        "n1",
        "2031-03-02",
        "Prime Minister Halvard Rosk met Marta Velling, the chief executive of Orvan Motors, in Dresvik on Monday."
        " Rosk said Orvan Motors would build a plant near Dresvik. Velling said the plant would employ 900 people.",
    ),
    (
        "n2",
        "2031-03-03",
        "Marta Velling of Orvan Motors told reporters in Oslo that the Dresvik plant was on schedule."
        " Halvard Rosk, the prime minister, visited the site with officials from the Nordic Trade Council.",
    ),
    (
        "n3",
        "2031-03-04",
        "Ivar Velling, a striker for Dresvik United, scored twice as Dresvik United beat Oslo Rovers 3-1 on Sunday."
        " Velling has scored nine goals this season, the club said.",
    ),
    (
        "n4",
        "2031-03-05",
        "Police arrested two men in Oslo after a fire damaged the Orvan Motors showroom on Friday."
        " The Nordic Trade Council condemned the attack, and Halvard Rosk said the men would face trial.",
    ),
]


def test_ingest_of_a_corpus_with_repeated_entities_and_a_copy_validates(tmp_path: Path) -> None:
    import json

    from kg.ingest import ingest_paths
    from kg.settings import Settings
    from kg.store import EmbeddedStore
    from kg.validate import validate

    rows = [{"id": i, "published": d, "text": t} for i, d, t in _CORPUS]
    rows.append({"id": "n1-syndicated", "published": "2031-03-02", "text": _CORPUS[0][2]})
    docs = tmp_path / "news.jsonl"
    docs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = EmbeddedStore(tmp_path / "kg-data")
    report = ingest_paths([docs], store, Settings.load(env={}), workers=1)
    assert len(report.ingested) == 5
    checked = validate(list(store.quads()))
    assert checked.conforms, checked.text
    copy_graph = [q for q in store.quads() if term_value(q.graph_name).endswith("/article/n1-syndicated")]
    alone = validate(copy_graph)
    assert alone.conforms, alone.text
    kg = "https://w3id.org/newskg/ontology#"
    copies = store.query(f"SELECT ?a ?b WHERE {{ GRAPH ?g {{ ?a <{kg}duplicateOf> ?b }} }}")
    assert [(r["a"].rsplit("/", 1)[1], r["b"].rsplit("/", 1)[1]) for r in copies] == [("n1-syndicated", "n1")]
    people = store.query(
        f"SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?e a <{kg}Person> }} }} GROUP BY ?e"
    )
    by_key = {r["e"].split("/id/", 1)[1]: int(r["n"]) for r in people}
    # Marta Velling and Ivar Velling are two people; the original and its copy share every entity
    assert not any(k.startswith("person/velling") and n > 2 for k, n in by_key.items())
    assert by_key.get("person/marta-velling", 0) >= 2
    shared_events = store.query(
        f"SELECT ?e WHERE {{ GRAPH ?g {{ ?e a <{kg}Event> }} }} GROUP BY ?e HAVING (COUNT(DISTINCT ?g) = 2)"
    )
    events_n1 = store.query(
        f"SELECT DISTINCT ?e WHERE {{ GRAPH <https://w3id.org/newskg/id/article/n1> {{ ?e a <{kg}Event> }} }}"
    )
    assert len(shared_events) >= len(events_n1) > 0


def test_resolver_ignores_a_copy_of_an_article_the_store_does_not_hold() -> None:
    from kg.identity import Resolver, ShingleIndex

    text = "Osgood said the bridge over the Tamora river would reopen in May after repairs, officials said."
    shingles = ShingleIndex()
    shingles.add("ghost", text)  # indexed once, since deleted (or from another store)
    held: set[str] = set()
    resolver = Resolver(MemoryEntityIndex(), MergeLog(), shingles, held.__contains__)
    x = _x("n1", "person/osgood", "Osgood")
    (out,) = resolver.batch([Extraction(article=Article(id="n1", text=text), mentions=x.mentions, entities=x.entities)])
    assert out.duplicate_of is None
    held.add("ghost")
    again = Resolver(MemoryEntityIndex(), MergeLog(), shingles, held.__contains__).batch(
        [Extraction(article=Article(id="n2", text=text), mentions=x.mentions, entities=x.entities)]
    )
    assert again[0].duplicate_of == "ghost"
