"""The graph as tables, for pandas, DuckDB and spreadsheets.

Seven tables, each with ids that join with the RDF: ``iri`` is a node's IRI and
``id`` its key (``person/tony-blair``), the short form every GraphQL argument
accepts; a column pointing at another table's ``id`` ends in ``Id``. Other
columns are named as in ``schema.graphql``:

======================  =====================================================================
table                   columns
======================  =====================================================================
``entities``            id iri type label aliases sameAs latitude longitude mentionCount confidence
``mentions``            iri articleId entityId start end text confidence
``relationships``       subjectId predicate predicateIri objectId confidence stated derivedFrom
``events``              id iri label type start end casualties confidence placeId
``event_participants``  eventId role entityId
``articles``            id iri title published url source text
``communities``         index size memberId memberType
======================  =====================================================================

``aliases``, ``sameAs`` and ``derivedFrom`` are lists (JSON arrays in CSV). A
relationship's ``stated`` says whether an article's text states it; ``derivedFrom``
lists the records it was taken from (GeoNames features), never empty when no text states it. ``communities`` lists
the Louvain communities of two or more members, as ``communities`` in GraphQL, one
row per member (an entity's or an event's ``id``).

The rows come from the read model (:mod:`kg.queries`),
asked for whole lists of keys at once, and from :mod:`kg.analytics`, so a table
is what the API answers, read with a few store queries whatever the graph's size.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from kg import analytics
from kg.errors import ConfigError, StoreError
from kg.queries import (
    EntityView,
    EventFilter,
    EventOrder,
    EventView,
    MentionView,
    Page,
    RelationshipView,
    entities_by_keys,
    events_by_keys,
    list_articles,
    list_entities,
    list_events,
)
from kg.queries import relationships_of as _relationships_of
from kg.rdf import article_iri, iri_key
from kg.sparql import PROLOGUE
from kg.store import Store

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMAS", "TABLES", "TableFormat", "read_tables", "to_frames", "write_tables"]

#: Keys asked of the read model per query: keeps each query's VALUES block a few MB at most.
CHUNK = 5_000

_STR = pa.string()
_INT = pa.int64()
_FLOAT = pa.float64()
_LIST = pa.list_(pa.string())
_BOOL = pa.bool_()

#: Every table's columns and their Arrow types, in file order.
SCHEMAS: dict[str, pa.Schema] = {
    "entities": pa.schema(
        [
            ("id", _STR),
            ("iri", _STR),
            ("type", _STR),
            ("label", _STR),
            ("aliases", _LIST),
            ("sameAs", _LIST),
            ("latitude", _FLOAT),
            ("longitude", _FLOAT),
            ("mentionCount", _INT),
            ("confidence", _FLOAT),
        ]
    ),
    "mentions": pa.schema(
        [
            ("iri", _STR),
            ("articleId", _STR),
            ("entityId", _STR),
            ("start", _INT),
            ("end", _INT),
            ("text", _STR),
            ("confidence", _FLOAT),
        ]
    ),
    "relationships": pa.schema(
        [
            ("subjectId", _STR),
            ("predicate", _STR),
            ("predicateIri", _STR),
            ("objectId", _STR),
            ("confidence", _FLOAT),
            ("stated", _BOOL),
            ("derivedFrom", _LIST),
        ]
    ),
    "events": pa.schema(
        [
            ("id", _STR),
            ("iri", _STR),
            ("label", _STR),
            ("type", _STR),
            ("start", _STR),
            ("end", _STR),
            ("casualties", _INT),
            ("confidence", _FLOAT),
            ("placeId", _STR),
        ]
    ),
    "event_participants": pa.schema([("eventId", _STR), ("role", _STR), ("entityId", _STR)]),
    "articles": pa.schema(
        [
            ("id", _STR),
            ("iri", _STR),
            ("title", _STR),
            ("published", _STR),
            ("url", _STR),
            ("source", _STR),
            ("text", _STR),
        ]
    ),
    "communities": pa.schema([("index", _INT), ("size", _INT), ("memberId", _STR), ("memberType", _STR)]),
}

#: The table names, in the order they are written.
TABLES: tuple[str, ...] = tuple(SCHEMAS)


class TableFormat(enum.Enum):
    """The file formats ``kg export --tables`` writes."""

    PARQUET = "parquet"
    CSV = "csv"

    @classmethod
    def parse(cls, value: str) -> TableFormat:
        """Return the format named ``value``, or raise :class:`ConfigError` listing the valid ones."""
        try:
            return cls(value.lower())
        except ValueError:
            valid = ", ".join(f.value for f in cls)
            raise ConfigError(f"unknown table format {value!r}; expected one of {valid}") from None


Row = dict[str, Any]


def _chunks(keys: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(keys), CHUNK):
        yield keys[i : i + CHUNK]


def _everything(list_page: Callable[[Page], tuple[int, list[Any]]]) -> list[Any]:
    """Every item of a paged read-model list: one call for the count, one for all of them."""
    total, _ = list_page(Page(0, 0))
    if total == 0:
        return []
    _, items = list_page(Page(0, total))
    return items


def _entity_rows(views: Sequence[EntityView]) -> list[Row]:
    return [
        {
            "id": v.key,
            "iri": v.iri,
            "type": v.type.name,  # as the GraphQL enum: PERSON, ORGANISATION, PLACE
            "label": v.label,
            "aliases": list(v.aliases),
            "sameAs": list(v.same_as),
            "latitude": v.latitude,
            "longitude": v.longitude,
            "mentionCount": v.mention_count,
            "confidence": v.confidence,
        }
        for v in views
    ]


def _relationship_rows(views: Sequence[RelationshipView]) -> list[Row]:
    return [
        {
            "subjectId": v.subject,
            "predicate": v.predicate,
            "predicateIri": v.predicate_iri,
            "objectId": v.object,
            "confidence": v.confidence,
            "stated": v.stated,
            "derivedFrom": list(v.derived_from),
        }
        for v in views
    ]


def _event_rows(views: Sequence[EventView]) -> tuple[list[Row], list[Row]]:
    events: list[Row] = []
    participants: list[Row] = []
    for v in views:
        events.append(
            {
                "id": v.key,
                "iri": v.iri,
                "label": v.label,
                "type": v.type,
                "start": v.start,
                "end": v.end,
                "casualties": v.casualties,
                "confidence": v.confidence,
                "placeId": v.place,
            }
        )
        participants.extend({"eventId": v.key, "role": p.role, "entityId": p.entity} for p in v.participants)
    return events, participants


_MENTIONS = (
    PROLOGUE
    + """SELECT ?g ?m ?s ?e ?t ?x ?c WHERE {
  GRAPH ?g { ?m a kg:Mention ; nif:beginIndex ?s ; nif:endIndex ?e ; nif:anchorOf ?t ; kg:denotes ?x ; kg:confidence ?c }
}"""
)


def _mentions(store: Store, base: str) -> list[tuple[str, MentionView]]:
    """Every mention of every article with its IRI, in one query (the read model reads one article's)."""
    prefix = article_iri(base, "")
    found = [
        (
            r["m"],
            MentionView(
                article_id=r["g"][len(prefix) :],
                start=int(r["s"]),
                end=int(r["e"]),
                text=r["t"],
                entity_key=iri_key(base, r["x"]),
                confidence=float(r["c"]),
            ),
        )
        for r in store.query(_MENTIONS)
        if r["g"].startswith(prefix)
    ]
    found.sort(key=lambda im: (im[1].article_id, im[1].start, im[1].end, im[0]))
    return found


def _community_rows(projection: analytics.Projection) -> list[Row]:
    rows: list[Row] = []
    for c in analytics.communities(projection, min_size=2):
        for key in c.members:
            kind = projection.node(key).kind
            rows.append({"index": c.index, "size": c.size, "memberId": key, "memberType": kind.capitalize()})
    return rows


def read_tables(store: Store, base: str, *, projection: analytics.Projection | None = None) -> dict[str, pa.Table]:
    """Read the whole graph as Arrow tables, by name (see the module docstring for their columns).

    Args:
        store: The store.
        base: The data base IRI.
        projection: The analytics projection for ``communities`` (built from the store when ``None``).

    Returns:
        One table per name of :data:`TABLES`, in that order; entities sorted by label,
        events by start, articles newest first, mentions in text order.

    Notes:
        Two store queries per paged list, one per :data:`CHUNK` keys for the
        entities, relationships and events, one for every mention, and the
        projection's five: O(N) in what the graph holds, never a query per row.
    """
    keys: list[str] = _everything(lambda page: list_entities(store, base, page))
    entity_views: list[EntityView] = []
    relationships: dict[tuple[str, str, str], RelationshipView] = {}
    for chunk in _chunks(keys):
        found = entities_by_keys(store, base, chunk)
        entity_views.extend(found[k] for k in chunk if k in found)
        for views in _relationships_of(store, base, chunk).values():
            for r in views:
                relationships.setdefault((r.subject, r.predicate, r.object), r)
    event_keys: list[str] = _everything(
        lambda page: list_events(store, base, page, EventFilter(), EventOrder.START_ASC)
    )
    event_views: list[EventView] = []
    for chunk in _chunks(event_keys):
        found_events = events_by_keys(store, base, chunk)
        event_views.extend(found_events[k] for k in chunk if k in found_events)
    events, participants = _event_rows(event_views)
    articles = _everything(lambda page: list_articles(store, base, page))
    mentions = _mentions(store, base)
    rows: dict[str, list[Row]] = {
        "entities": _entity_rows(entity_views),
        "mentions": [
            {
                "iri": iri,
                "articleId": m.article_id,
                "entityId": m.entity_key,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "confidence": m.confidence,
            }
            for iri, m in mentions
        ],
        "relationships": _relationship_rows([relationships[k] for k in sorted(relationships)]),
        "events": events,
        "event_participants": participants,
        "articles": [
            {
                "id": a.id,
                "iri": a.iri,
                "title": a.title,
                "published": a.published,
                "url": a.url,
                "source": a.source,
                "text": a.text,
            }
            for a in articles
        ],
        "communities": _community_rows(projection or analytics.Projection.from_store(store, base)),
    }
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in TABLES}


def _pandas_type(arrow_type: pa.DataType) -> Any:
    """Lists stay lists (Arrow-backed); integer columns with gaps stay integers."""
    import pandas as pd

    if pa.types.is_list(arrow_type):
        return pd.ArrowDtype(arrow_type)
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    return None


def to_frames(tables: dict[str, pa.Table]) -> dict[str, pd.DataFrame]:
    """Turn Arrow tables into pandas DataFrames (nullable integers, lists as lists)."""
    return {name: t.to_pandas(types_mapper=_pandas_type) for name, t in tables.items()}


def _as_csv(table: pa.Table) -> pa.Table:
    """The table with its list columns as JSON arrays: CSV has no lists."""
    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type):
            encoded = pa.array([json.dumps(v, ensure_ascii=False) for v in table.column(i).to_pylist()], _STR)
            table = table.set_column(i, f.name, encoded)
    return table


def write_tables(
    store: Store,
    base: str,
    directory: str | Path,
    fmt: TableFormat = TableFormat.PARQUET,
    *,
    projection: analytics.Projection | None = None,
) -> list[Path]:
    """Write every table to ``directory`` as ``NAME.parquet`` or ``NAME.csv`` (created when missing).

    Args:
        store: The store.
        base: The data base IRI.
        directory: Where the files go; existing files of the same names are replaced.
        fmt: Parquet (typed, lists kept) or CSV (UTF-8 with a header row; lists as JSON arrays).
        projection: See :func:`read_tables`.

    Returns:
        The files written, in :data:`TABLES` order.

    Raises:
        StoreError: The directory cannot be created or written.
    """
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    folder = Path(directory)
    tables = read_tables(store, base, projection=projection)
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            path = folder / f"{name}.{fmt.value}"
            if fmt is TableFormat.PARQUET:
                pq.write_table(table, path)
            else:
                pcsv.write_csv(_as_csv(table), path)
            written.append(path)
    except OSError as exc:
        raise StoreError(f"cannot write the tables to {folder}: {exc}") from exc
    return written
