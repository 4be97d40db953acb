from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from kg.identity.events import KnownEvent, _entities, event_counts, interval, join_report_batch, same_event
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Article, Entity, EntityType, Event, Evidence, Extraction, Modality, Participant, Sentence
from kg.store import EmbeddedStore

BAKHMUT = Entity("place/bakhmut", EntityType.PLACE, "Bakhmut")
RUSSIA = Entity("place/russia", EntityType.PLACE, "Russia")
KYIV = Entity("place/kyiv", EntityType.PLACE, "Kyiv")


def _event(key: str, **kw: Any) -> Event:
    fields: dict[str, Any] = {
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
    return Event(key=key, **fields)


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
def test_same_event_newsreader_rule(change: dict[str, Any], merges: bool) -> None:
    first = _event("event/a/0")
    second = dataclasses.replace(_event("event/b/0"), **change)
    assert (same_event(second, [_known(first)]) is not None) is merges


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


def test_join_report_batch_against_the_store_gives_one_event_two_sources(store: EmbeddedStore) -> None:
    first = _extraction("a1", _event("event/a1/0", casualties=3))
    _put(store, [first])
    second = _extraction("a2", _event("event/a2/5", confidence=0.4, label="other label"))
    (merged,) = join_report_batch([second], store, DEFAULT_BASE)
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


def test_join_report_batch_within_one_batch_and_keeps_unrelated_events(store: EmbeddedStore) -> None:
    a = _extraction("a1", _event("event/a1/0"))
    b = _extraction("a2", _event("event/a2/0"), _event("event/a2/9", type="Fight"))
    merged = join_report_batch([a, b], store, DEFAULT_BASE)
    assert [e.key for e in merged[1].events] == ["event/a1/0", "event/a2/9"]
    _put(store, merged)
    assert event_counts(store) == {"events": 2, "mentions": 3}


def test_join_report_batch_never_joins_within_the_same_article(store: EmbeddedStore) -> None:
    x = _extraction("a1", _event("event/a1/0"), _event("event/a1/40"))
    _put(store, [x])
    (again,) = join_report_batch([x], store, DEFAULT_BASE)
    assert [e.key for e in again.events] == ["event/a1/0", "event/a1/40"]


def test_merged_event_validates_in_the_union_of_both_graphs(store: EmbeddedStore) -> None:
    from kg.validate import validate

    first = _extraction("a1", _event("event/a1/0", casualties=3))
    _put(store, [first])
    (second,) = join_report_batch([_extraction("a2", _event("event/a2/5", confidence=0.4))], store, DEFAULT_BASE)
    report = validate(extraction_quads(first) + extraction_quads(second))
    assert report.conforms, report


# Stored events with every date precision, in several articles; probes with spans around them.
STORED_DATES = [
    ("s1", "2022", None),
    ("s2", "2022-07", None),
    ("s3", "2022-07-15", None),
    ("s4", "2022-07-10", "2022-07-20"),
    ("s5", "2021-12-30", "2022-01"),
    ("s6", "2023-03", "2023"),
]
PROBES = [
    ("2022-07-15", None),
    ("2022-07-21", None),
    ("2022-08", None),
    ("2021-12-31", None),
    ("2022-01-01", None),
    ("2021", None),
    ("2023-12-31", None),
    ("2024", None),
    ("2020-01-01", "2021-12-29"),
    ("2022-07-16", "2022-07-16"),
]


@pytest.mark.parametrize(("start", "end"), PROBES, ids=[f"{s}..{e}" for s, e in PROBES])
def test_store_index_takes_the_event_same_event_takes_from_every_stored_one(start: str, end: str | None) -> None:
    from kg.identity import SparqlEventIndex

    probe = _event("event/probe", start=start, end=end)
    xs = [_extraction(f"a-{name}", _event(f"event/{name}", start=s, end=e)) for name, s, e in STORED_DATES]
    # Each stored event alone (does the date rule agree?), then all (is the same one first?).
    for stored in [[x] for x in xs] + [xs]:
        store = EmbeddedStore(None)
        _put(store, stored)
        every = sorted(
            (KnownEvent(ev, f"article/{x.article.id}", frozenset(_entities(ev))) for x in stored for ev in x.events),
            key=lambda k: (k.article, k.event.key),
        )
        expected = same_event(probe, every)
        found = same_event(probe, SparqlEventIndex(store, DEFAULT_BASE).candidates(probe, "probe"))
        got = found and (found.event.key, found.article)
        assert got == (expected and (expected.event.key, expected.article)), [x.article.id for x in stored]


def test_join_report_batch_leaves_apart_a_report_placed_where_the_article_never_names(store: EmbeddedStore) -> None:
    """The first report's place would be copied into a graph that does not describe it."""
    from kg.validate import validate

    first = _extraction("a1", _event("event/a1/0"))
    _put(store, [first])
    elsewhere = dataclasses.replace(
        _extraction("a2", _event("event/a2/5", place=None)), entities=(RUSSIA, KYIV)
    )  # shares the agent and the day, never names Bakhmut
    (second,) = join_report_batch([elsewhere], store, DEFAULT_BASE)
    assert [e.key for e in second.events] == ["event/a2/5"]
    assert validate(extraction_quads(second)).conforms
    named = dataclasses.replace(elsewhere, entities=(BAKHMUT, RUSSIA, KYIV))
    (joined,) = join_report_batch([named], store, DEFAULT_BASE)
    assert [e.key for e in joined.events] == ["event/a1/0"]
    assert validate(extraction_quads(joined)).conforms
