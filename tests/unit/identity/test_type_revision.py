"""One type per name over a whole run: weak persons typed before the corpus spoke are revised at its end."""

from __future__ import annotations

import pytest

from kg.identity import MemoryEntityIndex, MergeLog, Resolver
from kg.records import Article, Entity, EntityType, Extraction, Mention


def _article(article: str, label: str, etype: EntityType, confidence: float) -> Extraction:
    """An invented article naming ``label`` once, typed ``etype`` with ``confidence``."""
    key = f"{etype.slug}/{label.lower().replace(' ', '-')}"
    text = f"{label} won 3-1 at home on Sunday in article {article}."
    mention = Mention(0, len(label), label, key, etype, confidence, 0, len(text))
    entity = Entity(key=key, type=etype, label=label, confidence=confidence)
    return Extraction(article=Article(id=article, text=text), mentions=(mention,), entities=(entity,))


def _run(*articles: Extraction) -> tuple[Resolver, list[Extraction]]:
    """Resolve each article in a batch of its own, as a long ingest meets them."""
    resolver = Resolver(MemoryEntityIndex(), MergeLog())
    return resolver, [resolver.batch([x])[0] for x in articles]


def test_resolver_revise_retypes_an_early_weak_person_by_the_whole_run() -> None:
    resolver, written = _run(
        _article("a1", "Velmora", EntityType.PERSON, 0.4),
        _article("a2", "Velmora", EntityType.ORGANISATION, 0.9),
        _article("a3", "Velmora", EntityType.ORGANISATION, 0.8),
    )
    assert written[0].entities[0].type is EntityType.PERSON
    (revised,) = resolver.revise()
    assert revised.article.id == "a1"
    assert [(e.key, e.type) for e in revised.entities] == [("organisation/velmora", EntityType.ORGANISATION)]
    assert [(m.entity, m.type) for m in revised.mentions] == [("organisation/velmora", EntityType.ORGANISATION)]
    (merge,) = [m for m in resolver.log.active() if m.article == "a1"]
    assert (merge.method, merge.into_key) == ("type", "organisation/velmora")
    assert merge.reasons[0] == "2 article(s) say Organisation (0 on a strong cue, weighted confidence 0.85)"
    assert resolver.revise() == []  # decided once: nothing left to change


@pytest.mark.parametrize(
    ("first", "others"),
    [
        (("Velmora", 0.9), [("Velmora", EntityType.ORGANISATION, 0.2)]),
        (("Velmora", 0.9), [*[("Velmora", EntityType.PERSON, 0.9)] * 3, ("Velmora", EntityType.ORGANISATION, 0.4)]),
        (("Gordon Velmora", 0.4), [("Gordon Velmora", EntityType.ORGANISATION, 0.9)] * 2),
    ],
    ids=["one-weaker-article", "person-outweighs", "known-given-name"],
)
def test_resolver_revise_keeps_a_person_the_run_does_not_clearly_retype(
    first: tuple[str, float], others: list[tuple[str, EntityType, float]]
) -> None:
    resolver, _ = _run(
        _article("a0", first[0], EntityType.PERSON, first[1]),
        *(_article(f"a{i}", label, etype, conf) for i, (label, etype, conf) in enumerate(others, 1)),
    )
    assert resolver.revise() == []


def test_resolver_revise_weighs_evidence_per_article_not_only_in_all() -> None:
    tables = [_article(f"t{i}", "Velmora Bay", EntityType.PERSON, 0.35) for i in range(5)]
    reports = [_article(f"r{i}", "Velmora Bay", EntityType.PLACE, 0.8) for i in range(2)]
    resolver, _ = _run(*tables, *reports)  # 1.75 for the person in all, 0.8 a report against 0.35 a table
    revised = resolver.revise()
    assert sorted(x.article.id for x in revised) == [f"t{i}" for i in range(5)]
    assert {e.type for x in revised for e in x.entities} == {EntityType.PLACE}


def test_identity_finish_rewrites_the_revised_article_in_the_store() -> None:
    from datetime import UTC, datetime

    from kg.ingest import Identity
    from kg.ingest.workers import Extracted
    from kg.store import EmbeddedStore

    base = "https://example.org/id/"
    when = datetime(2026, 1, 1, tzinfo=UTC)
    store = EmbeddedStore(None)
    identify = Identity(store, base, when)
    articles = [
        _article("a1", "Velmora", EntityType.PERSON, 0.4),
        _article("a2", "Velmora", EntityType.ORGANISATION, 0.9),
        _article("a3", "Velmora", EntityType.ORGANISATION, 0.8),
    ]
    identify.write([Extracted.of(articles[0], base, when)])  # typed before the corpus spoke
    identify.write([Extracted.of(x, base, when) for x in articles[1:]])
    (revised,) = identify.finish()
    assert revised.extraction.article.id == "a1"
    rows = store.query(f"SELECT ?t WHERE {{ GRAPH <{base}article/a1> {{ <{base}organisation/velmora> a ?t }} }}")
    assert [r["t"].rsplit("#", 1)[-1] for r in rows] == ["Organisation"]
    assert identify.finish() == []


def test_run_batches_reports_the_articles_the_run_end_rewrote_to_on_stored() -> None:
    """A caller following ``on_stored`` sees each article as finally stored, retyped ones included."""
    from datetime import UTC, datetime

    from kg.ingest.run import run_batches
    from kg.ingest.workers import Extracted
    from kg.settings import Settings
    from kg.store import EmbeddedStore

    articles = {
        "a1": _article("a1", "Velmora", EntityType.PERSON, 0.4),
        "a2": _article("a2", "Velmora", EntityType.ORGANISATION, 0.9),
        "a3": _article("a3", "Velmora", EntityType.ORGANISATION, 0.8),
    }

    class Canned:
        """Extraction that hands back the invented articles above."""

        ahead = 0
        writes = False

        def start(self, todo: list[Article], base: str, when: datetime) -> object:
            done = [Extracted.of(articles[a.id], base, when) for a in todo]
            return lambda: done

        def close(self) -> None:
            pass

    seen: dict[str, EntityType] = {}
    store = EmbeddedStore(None)
    run_batches(
        [x.article for x in articles.values()],
        store,
        Settings.load(env={}),
        Canned(),  # type: ignore[arg-type]
        on_stored=lambda x: seen.__setitem__(x.article.id, x.entities[0].type),
        when=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert seen == {"a1": EntityType.ORGANISATION, "a2": EntityType.ORGANISATION, "a3": EntityType.ORGANISATION}


def test_resolver_revise_takes_one_article_that_is_clearly_better() -> None:
    resolver, _ = _run(
        _article("a1", "Velmora", EntityType.PERSON, 0.3), _article("a2", "Velmora", EntityType.ORGANISATION, 0.8)
    )
    (revised,) = resolver.revise()
    assert [(e.key, e.type) for e in revised.entities] == [("organisation/velmora", EntityType.ORGANISATION)]


@pytest.mark.parametrize(
    ("predicate", "as_object", "expected"),
    [
        ("playsFor", True, ("organisation/ruvo-kelst", EntityType.ORGANISATION)),
        ("coachOf", True, ("organisation/ruvo-kelst", EntityType.ORGANISATION)),
        ("basedIn", False, ("organisation/ruvo-kelst", EntityType.ORGANISATION)),
        ("leaderOf", True, ("organisation/ruvo-kelst", EntityType.ORGANISATION)),  # not a person: a party
        ("leaderOf", False, ("person/ruvo-kelst", EntityType.PERSON)),  # a person may lead
    ],
    ids=["plays-for", "coach-of", "based-in", "leader-of-object", "leader-of-subject"],
)
def test_resolve_across_retypes_a_weak_person_its_relations_need_as_another_type(
    predicate: str, as_object: bool, expected: tuple[str, EntityType]
) -> None:
    from kg.identity import resolve_across
    from kg.records import Evidence, Relation

    text = "Tomas Brell, a striker for Ruvo Kelst, scored twice in Dorn."
    brell = Entity(key="person/tomas-brell", type=EntityType.PERSON, label="Tomas Brell", confidence=0.9)
    club = Entity(key="person/ruvo-kelst", type=EntityType.PERSON, label="Ruvo Kelst", confidence=0.5)
    dorn = Entity(key="place/dorn", type=EntityType.PLACE, label="Dorn", confidence=0.9)
    other = dorn.key if predicate == "basedIn" else brell.key
    subject, obj = (other, club.key) if as_object else (club.key, other)
    rel = Relation(subject, predicate, obj, 0.7, Evidence(0, len(text), text, 0, len(text)))
    mentions = tuple(
        Mention(text.index(e.label), text.index(e.label) + len(e.label), e.label, e.key, e.type, 0.9, 0, len(text))
        for e in (brell, club, dorn)
    )
    x = Extraction(
        article=Article(id="a1", text=text), mentions=mentions, entities=(brell, club, dorn), relations=(rel,)
    )
    log = MergeLog()
    out = resolve_across(x, MemoryEntityIndex(), log)
    (found,) = [(e.key, e.type) for e in out.entities if e.label == "Ruvo Kelst"]
    assert found == expected
    retyped = expected[1] is not EntityType.PERSON
    assert len(out.relations) == (1 if retyped else 0)
    assert [m.method for m in log.active()] == (["type"] if retyped else [])
