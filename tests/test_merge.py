from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from kg.extract.merge import KnownEvent, event_counts, find_match, interval, merge_batch
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Article, Entity, EntityType, Event, Evidence, Extraction, Modality, Participant, Sentence
from kg.store import EmbeddedStore

BAKHMUT = Entity("place/bakhmut", EntityType.PLACE, "Bakhmut")
RUSSIA = Entity("place/russia", EntityType.PLACE, "Russia")
KYIV = Entity("place/kyiv", EntityType.PLACE, "Kyiv")


def _event(key: str, **kw: object) -> Event:
    fields: dict[str, object] = {
        "type": "Attack",
        "label": f"Attack {key}",
        "evidence": Evidence(0, 8, "shelling", 0, 33),
        "confidence": 0.7,
        "participants": (Participant("agent", "place/russia"),),
        "place": "place/bakhmut",
        "start": "2022-10-26",
        "end": "2022-10-27",
    }
    fields.update(kw)
    return Event(key=key, **fields)  # type: ignore[arg-type]


def _extraction(article_id: str, *events: Event) -> Extraction:
    art = Article(id=article_id, text="shelling in Bakhmut was reported.", published="2022-10-28")
    return Extraction(article=art, sentences=(Sentence(0, 33),), entities=(BAKHMUT, RUSSIA, KYIV), events=events)


def _known(ev: Event) -> KnownEvent:
    return KnownEvent(ev, "other", frozenset({p.entity for p in ev.participants} | {ev.place or ""}))


RULE = {
    "same-type-overlap-shared-place": ({}, True),
    "month-contains-day": ({"start": "2022-10", "end": None}, True),
    "different-type": ({"type": "Fight"}, False),
    "disjoint-time": ({"start": "2022-09-01", "end": "2022-09-02"}, False),
    "undated": ({"start": None, "end": None}, False),
    "nothing-shared": ({"participants": (Participant("agent", "place/kyiv"),), "place": "place/kyiv"}, False),
    "only-participant-shared": ({"place": None}, True),
    "not-asserted": ({"modality": Modality.HYPOTHETICAL}, False),
}


@pytest.mark.parametrize(("change", "merges"), RULE.values(), ids=RULE.keys())
def test_find_match_newsreader_rule(change: dict[str, object], merges: bool) -> None:
    first = _event("event/a/0")
    second = dataclasses.replace(_event("event/b/0"), **change)  # type: ignore[arg-type]
    assert (find_match(second, [_known(first)]) is not None) is merges


def test_interval_covers_precision() -> None:
    assert interval("2022", None) == interval("2022-01-01", "2022-12-31")
    assert interval("2022-02", "2022-02") == interval("2022-02-01", "2022-02-28")
    assert interval(None, None) is None


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(None)
    yield s
    s.close()


def _put(store: EmbeddedStore, xs: list[Extraction]) -> None:
    store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x)) for x in xs])


def test_merge_batch_against_the_store_gives_one_event_two_sources(store: EmbeddedStore) -> None:
    first = _extraction("a1", _event("event/a1/0", casualties=3))
    _put(store, [first])
    second = _extraction("a2", _event("event/a2/5", confidence=0.4, label="other label"))
    (merged,) = merge_batch([second], store, DEFAULT_BASE)
    (ev,) = merged.events
    assert ev.key == "event/a1/0"
    assert (ev.label, ev.confidence, ev.casualties) == ("Attack event/a1/0", 0.7, 3)
    _put(store, [merged])
    assert event_counts(store) == {"events": 1, "mentions": 2}
    sources = store.query(
        f"SELECT DISTINCT ?a WHERE {{ GRAPH ?g {{ <{DEFAULT_BASE}event/a1/0> "
        f"<https://w3id.org/newskg/ontology#mentionedIn> ?a }} }}"
    )
    assert {r["a"] for r in sources} == {article_iri(DEFAULT_BASE, "a1"), article_iri(DEFAULT_BASE, "a2")}


def test_merge_batch_within_one_batch_and_keeps_unrelated_events(store: EmbeddedStore) -> None:
    a = _extraction("a1", _event("event/a1/0"))
    b = _extraction("a2", _event("event/a2/0"), _event("event/a2/9", type="Fight"))
    merged = merge_batch([a, b], store, DEFAULT_BASE)
    assert [e.key for e in merged[1].events] == ["event/a1/0", "event/a2/9"]
    _put(store, merged)
    assert event_counts(store) == {"events": 2, "mentions": 3}


def test_merge_batch_never_merges_within_the_same_article(store: EmbeddedStore) -> None:
    x = _extraction("a1", _event("event/a1/0"), _event("event/a1/40"))
    _put(store, [x])
    (again,) = merge_batch([x], store, DEFAULT_BASE)
    assert [e.key for e in again.events] == ["event/a1/0", "event/a1/40"]


def test_merged_event_validates_in_the_union_of_both_graphs(store: EmbeddedStore) -> None:
    from kg.validate import validate

    first = _extraction("a1", _event("event/a1/0", casualties=3))
    _put(store, [first])
    (second,) = merge_batch([_extraction("a2", _event("event/a2/5", confidence=0.4))], store, DEFAULT_BASE)
    report = validate(extraction_quads(first) + extraction_quads(second))
    assert report.conforms, report
