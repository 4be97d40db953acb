"""Events: look-ups by key, the filtered list, and the events of entities and articles.

Events are dated by ``kg:start``/``kg:end`` (the ``xsd:dateTime`` of a day's midnight,
or an ``xsd:date`` in stores written by earlier versions; only the first ten characters count) and their precision
(``year``, ``month``, ``day``); the views give them back as ISO partial dates
(``"2022"``, ``"2022-07"``, ``"2022-10-26"``). Functions that take a list of keys
answer for all of them in one query, so a DataLoader costs one store query per
field and page.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from kg import sparql, summary
from kg.namespace import EVT_NS, KG_NS, RDF, RDFS, local_name
from kg.queries.evidence import EvidenceView, by_subject, spans_of
from kg.rdf import article_iri, iri_key
from kg.sparql import PROLOGUE, Page, count_and_page
from kg.store import Store

__all__ = [
    "EventFilter",
    "EventOrder",
    "EventView",
    "ParticipantView",
    "events_by_keys",
    "events_of_articles",
    "events_of_entities",
    "list_events",
    "partial_upper",
]

#: Length of an ISO partial date by its precision name.
_LENGTHS = {"year": 4, "month": 7, "day": 10}


@dataclass(frozen=True, slots=True)
class ParticipantView:
    """An entity playing a role in an event."""

    role: str
    entity: str


@dataclass(frozen=True, slots=True)
class EventView:
    """An event with who, where, when and the text that reports it."""

    key: str
    iri: str
    label: str
    type: str
    start: str | None
    end: str | None
    place: str | None
    participants: tuple[ParticipantView, ...]
    casualties: int | None
    confidence: float
    evidence: tuple[EvidenceView, ...]
    triggers: tuple[EvidenceView, ...] = ()


class EventOrder(enum.Enum):
    """How a list of events is sorted."""

    START_DESC = "START_DESC"
    START_ASC = "START_ASC"
    CONFIDENCE_DESC = "CONFIDENCE_DESC"
    LABEL_ASC = "LABEL_ASC"


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a list keeps; every field given must match.

    Attributes:
        types: Event types' local names (``"Attack"``); any of them.
        participant: Key of an entity taking part in any role.
        place: Key of the place where it happened.
        window: Inclusive ``(first day, last day)``; an event matches when its
            dates overlap the window (undated events never do).
        min_confidence: The lowest confidence kept.
        search: A case-insensitive substring of the label.
    """

    types: tuple[str, ...] = ()
    participant: str | None = None
    place: str | None = None
    window: tuple[str, str] | None = None
    min_confidence: float = 0.0
    search: str | None = None


def partial_upper(full: str, precision: str) -> str:
    """Return the last day a stored date of a given precision can stand for, lexically.

    Months are closed with day 31: as a string bound it sorts after every real day
    of the month, which is all a comparison needs.

    >>> partial_upper("2022-07-01", "month")
    '2022-07-31'
    """
    if precision == "year":
        return full[:4] + "-12-31"
    if precision == "month":
        return full[:7] + "-31"
    return full[:10]


def _partial(full: str | None, precision: str | None) -> str | None:
    if full is None:
        return None
    return full[: _LENGTHS.get(precision or "day", 10)]


#: The predicates naming an event's participants (their local names are the roles).
_ROLES = frozenset(KG_NS + r for r in ("participant", "agent", "target", "speaker", "about", "affected", "location"))
_TYPE, _LABEL = str(RDF.type), str(RDFS.label)
#: The one-value parts of an event: a name in the view's row and the predicates that must all be present.
_FIELDS = (
    (("start", "sp"), (KG_NS + "start", KG_NS + "startPrecision")),
    (("end", "ep"), (KG_NS + "end", KG_NS + "endPrecision")),
    (("place",), (KG_NS + "place",)),
    (("cas",), (KG_NS + "casualties",)),
)
_SPANS = {KG_NS + "evidence": "evidence", KG_NS + "triggerSpan": "trigger"}


def events_by_keys(store: Store, base: str, keys: Sequence[str]) -> dict[str, EventView]:
    """Describe the events with the given keys (missing keys are absent), in two queries.

    The first reads every statement about the events in the graphs reporting them
    (with the read index, the (event, graph) pairs it lists; without it, the events
    in every graph); the second reads the spans their evidence and triggers point
    to. Both are subject look-ups (:meth:`kg.store.Store.subject_triples`, seeks in
    an embedded store), and each statement comes back once: no part multiplies
    another's rows, and the parts are put together here. An event counts in a
    graph that types it ``kg:Event``; with several graphs, the most confident
    graph's label, type and confidence win and the first graph's date, place and
    casualties; participants and spans are gathered from all.
    """
    if not keys:
        return {}
    iris = list(dict.fromkeys(base + k for k in keys))
    idx = summary.read_index(store)
    asked: list[tuple[str, str | None]]
    if idx is not None:
        asked = list(idx.graphs_of_events(iris))
        if not asked:
            return {}
    else:
        asked = [(e, None) for e in iris]  # every graph that says anything about them
    told = {eg: ps for eg, ps in by_subject(store, asked).items() if KG_NS + "Event" in ps.get(_TYPE, ())}
    spans = spans_of(store, base, {(o, g) for (_, g), ps in told.items() for p in _SPANS for o in ps.get(p, ())})
    main: dict[str, tuple[str, str, float]] = {}
    extra: dict[str, dict[str, str]] = {}
    parts: dict[str, dict[tuple[str, str], ParticipantView]] = {}
    found: dict[str, dict[str, dict[tuple[str, int, int], EvidenceView]]] = {}
    for (e, g), ps in told.items():
        labels, types, confs = ps.get(_LABEL), ps.get(KG_NS + "eventType"), ps.get(KG_NS + "confidence")
        if labels and types and confs:
            most = max(float(c) for c in confs)
            if e not in main or most > main[e][2]:
                main[e] = (labels[0], types[0], most)
        fields = extra.setdefault(e, {})
        for names, preds in _FIELDS:
            if names[0] not in fields and all(p in ps for p in preds):
                fields.update((n, ps[p][0]) for n, p in zip(names, preds, strict=True))
        for p, whos in ps.items():
            if p in _ROLES:
                role = local_name(p, KG_NS)
                for who in whos:
                    key = iri_key(base, who)
                    parts.setdefault(e, {})[(role, key)] = ParticipantView(role=role, entity=key)
        for p, kind in _SPANS.items():
            for ev in ps.get(p, ()):
                for view in spans.get((ev, g), ()):
                    found.setdefault(kind, {}).setdefault(e, {})[(view.article_id, view.start, view.end)] = view
    out: dict[str, EventView] = {}
    for e, (label, etype, conf) in main.items():
        r = extra.get(e, {})
        key = iri_key(base, e)
        ps_ = parts.get(e, {})
        ss = found.get("evidence", {}).get(e, {})
        ts = found.get("trigger", {}).get(e, {})
        out[key] = EventView(
            key=key,
            iri=e,
            label=label,
            type=local_name(etype, EVT_NS),
            start=_partial(r.get("start"), r.get("sp")),
            end=_partial(r.get("end"), r.get("ep")),
            place=iri_key(base, r["place"]) if "place" in r else None,
            participants=tuple(ps_[k] for k in sorted(ps_)),
            casualties=int(r["cas"]) if "cas" in r else None,
            confidence=conf,
            evidence=tuple(ss[k] for k in sorted(ss)),
            triggers=tuple(ts[k] for k in sorted(ts)),
        )
    return out


_ORDER = {
    EventOrder.START_DESC: "DESC(?sort) ?e",
    EventOrder.START_ASC: "?sort ?e",
    EventOrder.CONFIDENCE_DESC: "DESC(?conf) ?e",
    EventOrder.LABEL_ASC: "?lsort ?e",
}


def _event_where(base: str, f: EventFilter, order: EventOrder) -> str:
    # Only the patterns the filter and the order need, the most selective first:
    # Oxigraph joins in the order written, and a needless `?e kg:confidence ?c` or
    # `?e rdfs:label ?l` (one per entity and event in every article) costs 100 ms.
    parts = ["?e kg:eventType ?type ."]
    if f.window:
        parts.insert(0, "?e kg:start ?start ; kg:startPrecision ?sp .")
        parts.append("OPTIONAL { ?e kg:end ?end ; kg:endPrecision ?ep }")
    elif order in (EventOrder.START_DESC, EventOrder.START_ASC):
        parts.append("OPTIONAL { ?e kg:start ?start }")
    if f.min_confidence > 0 or order is EventOrder.CONFIDENCE_DESC:
        parts.append("?e kg:confidence ?c .")
    if f.search or order is EventOrder.LABEL_ASC:
        parts.append("?e rdfs:label ?label .")
    where = "GRAPH ?g { " + "\n    ".join(parts) + " }"
    if f.types:
        where = f"VALUES ?type {{ {sparql.iris(EVT_NS + t for t in f.types)} }}\n  " + where
    if f.participant:
        who = sparql.iri(base + f.participant)
        where += f"""
  FILTER EXISTS {{ GRAPH ?h {{ ?e ?role {who} .
    FILTER(?role IN (kg:participant, kg:agent, kg:target, kg:speaker, kg:about, kg:affected)) }} }}"""
    if f.place:
        where += f"\n  FILTER EXISTS {{ GRAPH ?h2 {{ ?e kg:place {sparql.iri(base + f.place)} }} }}"
    if f.min_confidence > 0:
        where += f"\n  FILTER(?c >= {f.min_confidence:.6f})"
    if f.search:
        where += f"\n  FILTER(CONTAINS(LCASE(STR(?label)), {sparql.literal(f.search.lower())}))"
    if f.window:
        lo, hi = f.window
        # The event's last possible day: its end, else its start, widened to its precision.
        # Days only (the first ten characters): a stored date is a day's midnight.
        upper = """IF(BOUND(?end),
      IF(?ep = "year", CONCAT(SUBSTR(STR(?end), 1, 4), "-12-31"),
        IF(?ep = "month", CONCAT(SUBSTR(STR(?end), 1, 7), "-31"), SUBSTR(STR(?end), 1, 10))),
      IF(?sp = "year", CONCAT(SUBSTR(STR(?start), 1, 4), "-12-31"),
        IF(?sp = "month", CONCAT(SUBSTR(STR(?start), 1, 7), "-31"), SUBSTR(STR(?start), 1, 10))))"""
        where += f"""
  FILTER(SUBSTR(STR(?start), 1, 10) <= {sparql.literal(hi)} && {upper} >= {sparql.literal(lo)})"""
    return where


_SORT_KEYS = {
    EventOrder.START_DESC: '(MIN(COALESCE(STR(?start), "0000")) AS ?sort)',
    EventOrder.START_ASC: '(MIN(COALESCE(STR(?start), "9999")) AS ?sort)',
    EventOrder.CONFIDENCE_DESC: "(MAX(?c) AS ?conf)",
    EventOrder.LABEL_ASC: "(MIN(LCASE(STR(?label))) AS ?lsort)",
}


#: The orders the read index serves filtered lists in (the label order and search scan the articles).
_INDEX_ORDER = {
    EventOrder.START_DESC: "newest",
    EventOrder.START_ASC: "oldest",
    EventOrder.CONFIDENCE_DESC: "confidence",
}


def list_events(
    store: Store, base: str, page: Page, f: EventFilter, order: EventOrder = EventOrder.START_DESC
) -> tuple[int, list[str]]:
    """Return the total count and one page of event keys matching ``f``, in ``order``.

    Undated events sort after dated ones whichever way dates are sorted. Without a
    filter, by date, the page comes from the read index's maintained order
    (:mod:`kg.summary._index`); filtered by type, participant, place, window or
    confidence, from its per-article event rows (the cost follows the matches);
    a label search or the label order query the article graphs.
    """
    idx = summary.read_index(store)
    if idx is not None and f == EventFilter() and order in (EventOrder.START_DESC, EventOrder.START_ASC):
        count, iris = idx.events(newest=order is EventOrder.START_DESC, offset=page.offset, limit=page.limit)
        return count, [iri_key(base, e) for e in iris]
    if idx is not None and not f.search and order in _INDEX_ORDER:
        count, iris = idx.filtered_events(
            types=[EVT_NS + t for t in f.types],
            participant=base + f.participant if f.participant else None,
            place=base + f.place if f.place else None,
            window=f.window,
            min_confidence=f.min_confidence,
            order=_INDEX_ORDER[order],
            offset=page.offset,
            limit=page.limit,
        )
        return count, [iri_key(base, e) for e in iris]
    try:
        where = _event_where(base, f, order)
    except sparql.InvalidIRIError:
        return 0, []  # a participant or place that is not an IRI names nothing
    total, rows = count_and_page(
        store,
        where,
        count="DISTINCT ?e",
        select=f"?e {_SORT_KEYS[order]}",
        group_by="?e",
        order_by=_ORDER[order],
        page=page,
    )
    return total, [iri_key(base, r["e"]) for r in rows]


def events_of_entities(store: Store, base: str, keys: Sequence[str]) -> dict[str, list[str]]:
    """Return, for each entity, the keys of events it takes part in or that happened there.

    One query for all the keys; each list is sorted newest first, undated last.
    """
    if not keys:
        return {}
    unique = list(dict.fromkeys(keys))
    idx = summary.read_index(store)
    if idx is not None:  # each entity's own events, from the read index
        found = idx.events_of([base + k for k in unique])
        return {k: [iri_key(base, e) for e in found[base + k]] for k in unique}
    values = sparql.iris(base + k for k in unique)
    rows = store.query(
        PROLOGUE
        + f"""SELECT ?x ?e (MIN(COALESCE(STR(?start), "0000")) AS ?sort) WHERE {{
  VALUES ?x {{ {values} }}
  GRAPH ?g {{ ?e a kg:Event ; ?role ?x .
    FILTER(?role IN (kg:participant, kg:agent, kg:target, kg:speaker, kg:about, kg:affected, kg:place))
    OPTIONAL {{ ?e kg:start ?start }} }}
}} GROUP BY ?x ?e ORDER BY ?x DESC(?sort) ?e"""
    )
    out: dict[str, list[str]] = {k: [] for k in unique}
    for r in rows:
        out[iri_key(base, r["x"])].append(iri_key(base, r["e"]))
    return out


def events_of_entity(store: Store, base: str, key: str, page: Page) -> tuple[int, list[str]]:
    """How many events an entity takes part in or happened at, and one page of their keys, newest first."""
    return event_pages_of_entities(store, base, [key], page)[key]


def event_pages_of_entities(
    store: Store, base: str, keys: Sequence[str], page: Page
) -> dict[str, tuple[int, list[str]]]:
    """For each entity, how many events it takes part in or happened at, and one page of them, newest first.

    From the read index each page is read in the maintained order (no store
    query); without one, :func:`events_of_entities` lists every event of the keys
    in one query.
    """
    unique = list(dict.fromkeys(keys))
    idx = summary.read_index(store)
    if idx is not None:
        out: dict[str, tuple[int, list[str]]] = {}
        for k in unique:
            total, iris = idx.events_of_entity(base + k, page.offset, page.limit)
            out[k] = (total, [iri_key(base, e) for e in iris])
        return out
    found = events_of_entities(store, base, unique)
    return {k: (len(found[k]), found[k][page.offset : page.offset + page.limit]) for k in unique}


def events_of_articles(store: Store, base: str, ids: Sequence[str]) -> dict[str, list[str]]:
    """Return, for each article id, the keys of the events it reports, in text order (one query)."""
    if not ids:
        return {}
    unique = list(dict.fromkeys(ids))
    values = sparql.iris(article_iri(base, i) for i in unique)
    rows = store.query(
        PROLOGUE
        + f"""SELECT ?g ?e (MIN(?s) AS ?first) WHERE {{
  VALUES ?g {{ {values} }}
  GRAPH ?g {{ ?e a kg:Event . OPTIONAL {{ ?e kg:evidence ?ev . ?ev nif:beginIndex ?s }} }}
}} GROUP BY ?g ?e ORDER BY ?g ?first ?e"""
    )
    prefix = article_iri(base, "")
    out: dict[str, list[str]] = {i: [] for i in unique}
    for r in rows:
        out[r["g"][len(prefix) :]].append(iri_key(base, r["e"]))
    return out
