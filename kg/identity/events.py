"""Reports of one event: one event reported by several articles becomes one event IRI with several sources.

(Entity *merges* across articles, which ``kg merges`` lists, are :mod:`kg.identity.resolve`;
what happens here is joining event *reports*, which no log records.)

NewsReader's rule: two event mentions denote the same event when they have the same
type, their times overlap, and they share a participant or the place. Mentions without
a date are never joined across articles (no time, no evidence of the same happening),
and only events reported as having happened are joined.

Joining re-keys the new article's event to the stored event's key, so the event IRI is
written into both articles' named graphs: each graph carries its own evidence and
``kg:mentionedIn``, and the single-valued facts (label, type, confidence, modality, place,
start, end, casualties, quote) are copied from the first report, so the union of the
graphs still has one value for each (a first report placed where the new article names
no place of its own is therefore not joined: its graph could not describe that place); deleting either article leaves the other's report
whole. Event counts and mention counts are therefore different numbers; see
:func:`event_counts`.

The one call ingest needs, after extraction and before :func:`kg.rdf.extraction_quads`::

    extractions = join_report_batch(extractions, store, base)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from kg import sparql as terms
from kg.namespace import EVT, KG, RDF, RDFS
from kg.rdf import article_iri, entity_iri, iri_key, partial_date
from kg.records import Event, Extraction, Modality

__all__ = [
    "EventIndex",
    "KnownEvent",
    "Queryable",
    "SparqlEventIndex",
    "event_counts",
    "interval",
    "join_report_batch",
    "join_reports",
    "same_event",
]

_ROLES = ("agent", "target", "speaker", "about", "affected", "location", "participant")


class Queryable(Protocol):
    """Anything that answers SPARQL SELECT queries with rows of lexical values (a kg Store)."""

    def query(self, sparql: str) -> list[dict[str, str]]:
        """Run a SELECT query and return its rows."""
        ...


@dataclass(frozen=True, slots=True)
class KnownEvent:
    """An event already reported, as far as joining reports needs it."""

    event: Event
    article: str
    entities: frozenset[str]  # participant and place keys


class EventIndex(Protocol):
    """Finds already reported events that a new one might be the same as."""

    def candidates(self, event: Event, article_id: str) -> list[KnownEvent]:
        """Return reported events of ``event``'s type, from other articles, that may match.

        An index may narrow the list to the one event :func:`same_event` would take.
        """
        ...


def interval(start: str | None, end: str | None) -> tuple[date, date] | None:
    """Return the first and last day an event's partial dates cover, or ``None`` undated.

    >>> interval("2022-07", None)
    (datetime.date(2022, 7, 1), datetime.date(2022, 7, 31))
    """
    if not start and not end:
        return None
    first = date.fromisoformat(partial_date(start or end or "")[0])
    last_text = end or start or ""
    last = date.fromisoformat(partial_date(last_text)[0])
    if len(last_text) == 4:
        last = date(last.year, 12, 31)
    elif len(last_text) == 7:
        nxt = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        last = nxt - timedelta(days=1)
    return first, last


def _entities(event: Event) -> frozenset[str]:
    keys = {p.entity for p in event.participants}
    if event.place:
        keys.add(event.place)
    return frozenset(keys)


def same_event(event: Event, known: Iterable[KnownEvent]) -> KnownEvent | None:
    """Return the first known event that ``event`` is the same as, by NewsReader's rule."""
    if event.modality is not Modality.ASSERTED:
        return None
    span = interval(event.start, event.end)
    if span is None:
        return None
    mine = _entities(event)
    for k in known:
        other = interval(k.event.start, k.event.end)
        if (
            k.event.type == event.type
            and k.event.modality is Modality.ASSERTED
            and other is not None
            and other[0] <= span[1]
            and span[0] <= other[1]
            and mine & k.entities
        ):
            return k
    return None


def join_reports(x: Extraction, index: EventIndex) -> Extraction:
    """Return ``x`` with each event that another article already reported re-keyed to it.

    Args:
        x: One article's extraction.
        index: Where reported events are looked up.
    """
    events = []
    changed = False
    described = {e.key for e in x.entities}
    for ev in x.events:
        # The first report's place is copied into this article's graph, which must describe
        # it; a report placed where this article never names is not joined (it may well be
        # another happening: the same day, the same leader, another town).
        candidates = [k for k in index.candidates(ev, x.article.id) if k.event.place in (None, ev.place, *described)]
        match = same_event(ev, candidates)
        if match is None:
            events.append(ev)
            continue
        first = match.event
        changed = True
        events.append(
            dataclasses.replace(
                ev,
                key=first.key,
                label=first.label,
                confidence=first.confidence,
                modality=first.modality,
                place=first.place or ev.place,
                start=first.start,
                end=first.end,
                casualties=first.casualties if first.casualties is not None else ev.casualties,
                quote=first.quote or ev.quote,
            )
        )
    return dataclasses.replace(x, events=tuple(events)) if changed else x


class SparqlEventIndex:
    """An :class:`EventIndex` over a kg store, found by SPARQL.

    Args:
        store: The store (anything with ``query``).
        base: The data base IRI the store's keys were minted under.
    """

    def __init__(self, store: Queryable, base: str) -> None:
        self._store = store
        self._base = base

    def candidates(self, event: Event, article_id: str) -> list[KnownEvent]:
        """Return the stored event :func:`same_event` takes for ``event``, if any (a list of at most one).

        The whole rule runs in SPARQL: the event's type, asserted, a shared participant
        or place, and dates that overlap; of the events that pass, the first in
        (graph, event) order is the one :func:`same_event` would take from the full
        list. The events are found from the shared entities first (an index look-up
        each), not by scanning every event of the type, and only the one found is
        read whole, so the cost follows the events sharing an entity with this one
        in the same period, not the store's size (docs/BENCHMARKS.md).
        """
        keys = _entities(event)
        span = interval(event.start, event.end)
        if not keys or span is None or event.modality is not Modality.ASSERTED:
            return []
        first, last = span[0].isoformat(), span[1].isoformat()
        values = terms.iris(entity_iri(self._base, k) for k in sorted(keys))
        roles = "|".join(f"<{KG[r]}>" for r in (*_ROLES, "place"))
        # A stored event's last day is its end's (or else its start's) at that date's precision.
        found = self._store.query(f"""
            SELECT ?g ?e WHERE {{
              {{ SELECT DISTINCT ?g ?e WHERE {{
                  VALUES ?shared {{ {values} }}
                  GRAPH ?g {{ ?e {roles} ?shared . ?e <{KG.eventType}> <{EVT[event.type]}> }}
                  FILTER (?g != {terms.iri(article_iri(self._base, article_id))})
              }} }}
              GRAPH ?g {{
                ?e <{RDF.type}> <{KG.Event}> ; <{KG.modality}> "asserted" ; <{KG.start}> ?start ;
                   <{KG.startPrecision}> ?sp ; <{RDFS.label}> ?label ; <{KG.confidence}> ?conf .
                OPTIONAL {{ ?e <{KG.end}> ?end ; <{KG.endPrecision}> ?ep }}
              }}
              BIND (STR(COALESCE(?end, ?start)) AS ?d)
              BIND (COALESCE(?ep, ?sp) AS ?p)
              FILTER (SUBSTR(STR(?start), 1, 10) <= "{last}")
              FILTER (IF(?p = "year", SUBSTR(?d, 1, 4) >= "{first[:4]}",
                         IF(?p = "month", SUBSTR(?d, 1, 7) >= "{first[:7]}", ?d >= "{first}")))
            }}
            ORDER BY ?g ?e
            LIMIT 1
        """)
        if not found:
            return []
        g, e = found[0]["g"], found[0]["e"]
        sparql = f"""
            SELECT ?e ?g ?label ?conf ?mod ?place ?start ?sp ?end ?ep ?cas ?quote
                   (GROUP_CONCAT(DISTINCT STR(?x); separator=" ") AS ?xs) WHERE {{
              VALUES (?g ?e) {{ ({terms.iri(g)} {terms.iri(e)}) }}
              GRAPH ?g {{
                ?e <{KG.start}> ?start ; <{KG.startPrecision}> ?sp ;
                   <{RDFS.label}> ?label ; <{KG.confidence}> ?conf ; <{KG.modality}> ?mod ;
                   {roles} ?x .
                OPTIONAL {{ ?e <{KG.place}> ?place }}
                OPTIONAL {{ ?e <{KG.end}> ?end ; <{KG.endPrecision}> ?ep }}
                OPTIONAL {{ ?e <{KG.casualties}> ?cas }}
                OPTIONAL {{ ?e <{KG.quote}> ?quote }}
              }}
            }}
            GROUP BY ?e ?g ?label ?conf ?mod ?place ?start ?sp ?end ?ep ?cas ?quote
            LIMIT 1
        """
        out = []
        for row in self._store.query(sparql):
            start = _truncate(row["start"], row["sp"])
            end = _truncate(row["end"], row["ep"]) if "end" in row and "ep" in row else None
            known = Event(
                key=iri_key(self._base, row["e"]),
                type=event.type,
                label=row["label"],
                evidence=event.evidence,  # not used when joining
                confidence=float(row["conf"]),
                place=iri_key(self._base, row["place"]) if "place" in row else None,
                start=start,
                end=end,
                casualties=int(row["cas"]) if "cas" in row else None,
                modality=Modality(row["mod"]),
                quote=row.get("quote"),
            )
            ents = frozenset(iri_key(self._base, i) for i in row.get("xs", "").split())
            out.append(KnownEvent(known, iri_key(self._base, row["g"]), ents))
        return out


def _truncate(value: str, precision: str) -> str:
    return value[: {"year": 4, "month": 7}.get(precision, 10)]


class _Chain:
    """The store, then the earlier extractions of the same batch (not yet stored)."""

    def __init__(self, index: EventIndex) -> None:
        self._index = index
        self._seen: list[tuple[str, Event]] = []

    def add(self, x: Extraction) -> None:
        self._seen.extend((x.article.id, ev) for ev in x.events)

    def candidates(self, event: Event, article_id: str) -> list[KnownEvent]:
        local = [
            KnownEvent(ev, art, _entities(ev)) for art, ev in self._seen if art != article_id and ev.type == event.type
        ]
        return local + self._index.candidates(event, article_id)


def join_report_batch(extractions: Sequence[Extraction], store: Queryable, base: str) -> list[Extraction]:
    """Merge a batch's events with the store's and with each other's, in batch order.

    Args:
        extractions: Extractions about to be written, in order.
        store: The store they will be written to.
        base: The data base IRI.

    Returns:
        The extractions, with events already reported re-keyed to the first report.
    """
    chain = _Chain(SparqlEventIndex(store, base))
    out = []
    for x in extractions:
        joined = join_reports(x, chain)
        chain.add(joined)
        out.append(joined)
    return out


def event_counts(store: Queryable) -> dict[str, int]:
    """Return how many distinct events the store holds and how many reports (mentions) of them.

    A report is one event in one article's graph; ``events`` counts IRIs, so an event
    joined across two articles counts once there and twice in ``mentions``.
    """
    rows = store.query(
        f"""SELECT (COUNT(DISTINCT ?e) AS ?events) (COUNT(*) AS ?mentions) WHERE {{
              SELECT DISTINCT ?e ?g WHERE {{ GRAPH ?g {{ ?e <{RDF.type}> <{KG.Event}> }} }}
            }}"""
    )
    row = rows[0] if rows else {}
    return {"events": int(row.get("events", 0)), "mentions": int(row.get("mentions", 0))}
