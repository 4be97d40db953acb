"""``events_by_keys`` (two queries) describes events exactly as the one UNION query it replaced did."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from kg import sparql, summary
from kg.namespace import EVT_NS, KG_NS, local_name
from kg.queries import EventView, ParticipantView, events_by_keys
from kg.queries.evidence import EvidenceView, evidence_of_row
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads, iri_key
from kg.records import Extraction, Participant
from kg.sparql import PROLOGUE
from kg.store import EmbeddedStore, Store
from tests.support.api_sample import FORCES, RUSSIA, UKRAINE, ZELENSKY, extraction_a, extraction_b, span

B = DEFAULT_BASE


def _union_events(store: Store, base: str, keys: list[str]) -> dict[str, EventView]:
    """The replaced query, kept here as the reference: one UNION branch per part of an event, over all graphs."""
    values = sparql.iris(base + k for k in dict.fromkeys(keys))
    roles = ", ".join(f"kg:{r}" for r in ("participant", "agent", "target", "speaker", "about", "affected"))
    branch = f"VALUES ?e {{ {values} }} ?e a kg:Event ."
    rows = store.query(
        PROLOGUE
        + f"""SELECT ?e ?g ?part ?label ?type ?conf ?start ?sp ?end ?ep ?place ?cas ?role ?who ?es ?ee ?et WHERE {{
  GRAPH ?g {{
    {{ {branch} BIND("main" AS ?part) ?e rdfs:label ?label ; kg:eventType ?type ; kg:confidence ?conf . }}
    UNION {{ {branch} BIND("start" AS ?part) ?e kg:start ?start ; kg:startPrecision ?sp . }}
    UNION {{ {branch} BIND("end" AS ?part) ?e kg:end ?end ; kg:endPrecision ?ep . }}
    UNION {{ {branch} BIND("place" AS ?part) ?e kg:place ?place . }}
    UNION {{ {branch} BIND("casualties" AS ?part) ?e kg:casualties ?cas . }}
    UNION {{ {branch} BIND("role" AS ?part) ?e ?role ?who . FILTER(?role IN ({roles})) }}
    UNION {{ {branch} BIND("evidence" AS ?part)
      ?e kg:evidence ?ev . ?ev nif:beginIndex ?es ; nif:endIndex ?ee ; nif:anchorOf ?et . }}
    UNION {{ {branch} BIND("trigger" AS ?part)
      ?e kg:triggerSpan ?ev . ?ev nif:beginIndex ?es ; nif:endIndex ?ee ; nif:anchorOf ?et . }}
  }}
}}"""
    )
    main: dict[str, dict[str, str]] = {}
    extra: dict[str, dict[str, str]] = {}
    parts: dict[str, dict[tuple[str, str], ParticipantView]] = {}
    spans: dict[str, dict[str, dict[tuple[str, int, int], EvidenceView]]] = {"evidence": {}, "trigger": {}}
    for r in rows:
        e, part = r["e"], r["part"]
        if part == "main":
            if e not in main or float(r["conf"]) > float(main[e]["conf"]):
                main[e] = r
        elif part == "role":
            role, who = local_name(r["role"], KG_NS), iri_key(base, r["who"])
            parts.setdefault(e, {})[(role, who)] = ParticipantView(role=role, entity=who)
        elif part in spans:
            ev = evidence_of_row(base, r)
            assert ev is not None
            spans[part].setdefault(e, {})[(ev.article_id, ev.start, ev.end)] = ev
        else:
            fields = extra.setdefault(e, {})
            for name in ("start", "sp", "end", "ep", "place", "cas"):
                if name in r:
                    fields.setdefault(name, r[name])
    out = {}
    for e, m in main.items():
        r = {**extra.get(e, {}), **m}
        key, ps = iri_key(base, e), parts.get(e, {})
        ss, ts = spans["evidence"].get(e, {}), spans["trigger"].get(e, {})
        lengths = {"year": 4, "month": 7, "day": 10}
        out[key] = EventView(
            key=key,
            iri=e,
            label=r["label"],
            type=local_name(r["type"], EVT_NS),
            start=r["start"][: lengths[r["sp"]]] if "start" in r else None,
            end=r["end"][: lengths[r["ep"]]] if "end" in r else None,
            place=iri_key(base, r["place"]) if "place" in r else None,
            participants=tuple(ps[k] for k in sorted(ps)),
            casualties=int(r["cas"]) if "cas" in r else None,
            confidence=float(r["conf"]),
            evidence=tuple(ss[k] for k in sorted(ss)),
            triggers=tuple(ts[k] for k in sorted(ts)),
        )
    return out


def _put(store: EmbeddedStore, *xs: Extraction) -> None:
    store.put_articles([(article_iri(B, x.article.id), extraction_quads(x, B)) for x in xs])


def _as(x: Extraction, article_id: str) -> Extraction:
    return dataclasses.replace(x, article=dataclasses.replace(x.article, id=article_id))


def _reported(x: Extraction) -> Extraction:
    """``x`` with an event told twice in its text: a second report, triggers, an end date, no place."""
    t = x.article.text
    first, *_ = x.events
    twice = dataclasses.replace(
        first,
        key=f"{first.key}/twice",
        place=None,
        end="2022-11",
        reports=(span(t, "Three people were killed"),),
        triggers=(span(t, "attacked"), span(t, "killed")),
        participants=(Participant("agent", FORCES), Participant("target", UKRAINE), Participant("about", RUSSIA)),
    )
    return dataclasses.replace(x, events=(*x.events, twice))


def _shared(x: Extraction, article_id: str, confidence: float, who: str) -> Extraction:
    """``x`` as another article that reports its first event under the same key, less or more sure, naming ``who``."""
    first, *rest = x.events
    again = dataclasses.replace(first, confidence=confidence, participants=(Participant("participant", who),))
    return dataclasses.replace(_as(x, article_id), events=(again, *rest))


def _deleted(store: EmbeddedStore) -> None:
    _put(store, extraction_a(), _shared(extraction_a(), "a2", 0.95, ZELENSKY))
    assert store.delete_article(article_iri(B, "a2"))


STORES: dict[str, Callable[[EmbeddedStore], None]] = {
    "two articles": lambda s: _put(s, extraction_a(), extraction_b()),
    "reports and triggers": lambda s: _put(s, _reported(extraction_a()), extraction_b()),
    "one event in three articles": lambda s: _put(
        s, extraction_a(), _shared(extraction_a(), "a2", 0.95, ZELENSKY), _shared(extraction_a(), "a3", 0.5, RUSSIA)
    ),
    "a reporting article deleted": _deleted,
}

KEYS = [
    ["event/a/0"],
    ["event/a/0", "event/a/1", "event/a/0/twice"],
    ["event/a/1", "event/a/0", "event/a/1"],  # repeated keys
    ["event/nothing", ZELENSKY],  # neither is an event
    [],
]


def _keys_of(store: Store) -> list[str]:
    rows = store.query(PROLOGUE + "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a kg:Event } }")
    return sorted(iri_key(B, r["e"]) for r in rows)


@pytest.mark.parametrize("index", [True, False], ids=["read index", "no index"])
@pytest.mark.parametrize("build", list(STORES.values()), ids=list(STORES))
def test_events_by_keys_describes_events_as_the_union_query_did(
    build: Callable[[EmbeddedStore], None], index: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(None)
    build(store)
    if not index:
        monkeypatch.setattr(summary, "read_index", lambda store, create=False: None)
    every = _keys_of(store)
    assert every  # the store holds events to describe
    for keys in [*KEYS, every]:
        assert events_by_keys(store, B, keys) == _union_events(store, B, keys)


def test_events_by_keys_takes_the_most_confident_report_and_every_participant() -> None:
    store = EmbeddedStore(None)
    STORES["one event in three articles"](store)
    found = events_by_keys(store, B, ["event/a/0"])["event/a/0"]
    assert found.confidence == 0.95
    assert {p.entity for p in found.participants} == {FORCES, ZELENSKY, RUSSIA}
    assert sorted({e.article_id for e in found.evidence}) == ["a2", "a3", "article-a"]
