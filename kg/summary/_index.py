"""The read index: what the API lists and counts, kept at write time in SQLite beside the store.

The entity summary (:mod:`kg.summary`) merges each entity's descriptions once, but
lists in an order (newest articles, newest events), an entity's articles and
events, counts and text search still had to scan every article graph, so they grew
with the store. The read index keeps, per article, what those reads need, in
tables whose B-tree indexes answer a page in time that follows the page, not the
store:

==================  ===========================================================
``articles``        id, content hash, publication date, its quad/mention/statement counts
``article_entities``  (entity, date, article): ``kg:mentionedIn``, in date order per entity
``article_typed``   (article, entity, class) and ``typed`` (entity, class, articles)
``event_in``        (article, event, start, type, confidence, dated start, last day) and ``events`` (event, earliest start, articles)
``event_roles``     (article, event, entity, place): participants in any role (``place`` 0), and the place (1)
``touches``         (article, entity): what the article says about, for the summary rows
``rel_in``          (article, subject, predicate, object): each relationship an article states, with its confidence
``rel_ends``        each merged relationship once per end, in the API's order (predicate, subject, object)
``entities``        each summarised entity: class, sort label, confidence, mentions
``names``           FTS5 trigram index of every label and alias (lower-cased)
``grams``           one- and two-character substrings of the names (needles FTS5 cannot serve)
``counts``          counters the triggers keep: articles, quads, mentions, events, entities by class IRI
==================  ===========================================================

It is a SQLite file next to an embedded store (``<store>.read.sqlite``, like the
other files kg keeps beside a store, :func:`kg.duplicates.sidecar_path`), a SQLite
database in memory for an in-memory store, and absent for a remote SPARQL store:
there the read model keeps its query shapes, which the server answers from its own
indexes.

:func:`sync` keeps it in step: it compares the content hash each article has in
the store with the one the index took in, and re-reads what differs (new,
re-ingested or deleted articles) in one SQLite transaction per chunk, after the
entity summary has been updated (:func:`kg.summary.sync` calls it). A crash
between a store write and the index update leaves a hash that disagrees, which the
next full check (end of ``kg ingest``, ``kg serve`` start-up, ``kg summarise``)
repairs: no worse than the summary itself. :func:`kg.summary.rebuild` rebuilds it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.namespace import KG_NS, PROV, SCHEMA, local_name
from kg.rdf import stored_day
from kg.sparql import PROLOGUE, iris
from kg.summary._model import _ENTITY_TYPES, CHUNK, SUMMARY_GRAPH, EntitySummary, _read_summaries

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["ArticleFacts", "ReadIndex", "facts_of", "index_path", "read_index", "rebuild_index", "sync_index"]

#: Format of the index; a file with another version is rebuilt.
INDEX_VERSION = "3"
#: Roles that make an entity part of an event (the event's place counts too).
ROLES = ("participant", "agent", "target", "speaker", "about", "affected", "location")
#: Counters kept by triggers.
COUNTERS = ("articles", "quads", "mentions", "relations", "events", *_ENTITY_TYPES)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS articles (
  iri TEXT PRIMARY KEY, hash TEXT NOT NULL, published TEXT,
  quads INTEGER NOT NULL, mentions INTEGER NOT NULL, relations INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS articles_by_date ON articles (published DESC, iri);
CREATE TABLE IF NOT EXISTS article_entities (
  entity TEXT NOT NULL, published TEXT, article TEXT NOT NULL, PRIMARY KEY (entity, article)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_entities_by_date ON article_entities (entity, published DESC, article);
CREATE INDEX IF NOT EXISTS article_entities_of ON article_entities (article);
CREATE TABLE IF NOT EXISTS article_typed (
  article TEXT NOT NULL, entity TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (article, entity, type)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS typed (
  entity TEXT NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (entity, type)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_in (
  article TEXT NOT NULL, event TEXT NOT NULL, start TEXT, type TEXT, confidence REAL, dated TEXT, upper TEXT,
  PRIMARY KEY (article, event)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_in_by_type ON event_in (type, event);
CREATE INDEX IF NOT EXISTS event_in_by_date ON event_in (dated, upper);
CREATE INDEX IF NOT EXISTS event_in_by_event ON event_in (event);
CREATE TABLE IF NOT EXISTS events (iri TEXT PRIMARY KEY, start TEXT, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_newest ON events (COALESCE(start, '0000') DESC, iri);
CREATE INDEX IF NOT EXISTS events_oldest ON events (COALESCE(start, '9999'), iri);
CREATE TABLE IF NOT EXISTS event_roles (
  article TEXT NOT NULL, event TEXT NOT NULL, entity TEXT NOT NULL, place INTEGER NOT NULL,
  PRIMARY KEY (article, event, entity, place)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_roles_by_entity ON event_roles (entity, place, event);
CREATE TABLE IF NOT EXISTS touches (article TEXT NOT NULL, entity TEXT NOT NULL, PRIMARY KEY (article, entity)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rel_in (
  article TEXT NOT NULL, subject TEXT NOT NULL, predicate TEXT NOT NULL, object TEXT NOT NULL,
  confidence REAL NOT NULL, stated INTEGER NOT NULL, PRIMARY KEY (article, subject, predicate, object)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rel_in_by_triple ON rel_in (subject, predicate, object);
CREATE TABLE IF NOT EXISTS rel_ends (
  entity TEXT NOT NULL, name TEXT NOT NULL, subject TEXT NOT NULL, object TEXT NOT NULL, predicate TEXT NOT NULL,
  confidence REAL NOT NULL, stated INTEGER NOT NULL,
  PRIMARY KEY (entity, name, subject, object, predicate)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, type TEXT NOT NULL, sort TEXT NOT NULL,
  confidence REAL NOT NULL, mentions INTEGER NOT NULL, names TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entities_label ON entities (sort, iri);
CREATE INDEX IF NOT EXISTS entities_label_desc ON entities (sort DESC, iri);
CREATE INDEX IF NOT EXISTS entities_mentions ON entities (mentions DESC, sort, iri);
CREATE INDEX IF NOT EXISTS entities_confidence ON entities (confidence DESC, sort, iri);
CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5(text, tokenize='trigram case_sensitive 1');
CREATE TABLE IF NOT EXISTS grams (gram TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (gram, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS grams_of ON grams (id);
CREATE TRIGGER IF NOT EXISTS articles_in AFTER INSERT ON articles BEGIN
  UPDATE counts SET n = n + 1 WHERE name = 'articles';
  UPDATE counts SET n = n + NEW.quads WHERE name = 'quads';
  UPDATE counts SET n = n + NEW.mentions WHERE name = 'mentions';
  UPDATE counts SET n = n + NEW.relations WHERE name = 'relations'; END;
CREATE TRIGGER IF NOT EXISTS articles_out AFTER DELETE ON articles BEGIN
  UPDATE counts SET n = n - 1 WHERE name = 'articles';
  UPDATE counts SET n = n - OLD.quads WHERE name = 'quads';
  UPDATE counts SET n = n - OLD.mentions WHERE name = 'mentions';
  UPDATE counts SET n = n - OLD.relations WHERE name = 'relations'; END;
CREATE TRIGGER IF NOT EXISTS events_in AFTER INSERT ON events BEGIN
  UPDATE counts SET n = n + 1 WHERE name = 'events'; END;
CREATE TRIGGER IF NOT EXISTS events_out AFTER DELETE ON events BEGIN
  UPDATE counts SET n = n - 1 WHERE name = 'events'; END;
CREATE TRIGGER IF NOT EXISTS typed_in AFTER INSERT ON typed BEGIN
  UPDATE counts SET n = n + 1 WHERE name = NEW.type; END;
CREATE TRIGGER IF NOT EXISTS typed_out AFTER DELETE ON typed BEGIN
  UPDATE counts SET n = n - 1 WHERE name = OLD.type; END;
CREATE TRIGGER IF NOT EXISTS entities_in AFTER INSERT ON entities BEGIN
  INSERT INTO counts (name, n) VALUES ('entity:' || NEW.type, 1)
  ON CONFLICT (name) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS entities_out AFTER DELETE ON entities BEGIN
  UPDATE counts SET n = n - 1 WHERE name = 'entity:' || OLD.type; END;
"""

_ROLE_IRIS = [f"{KG_NS}{r}" for r in ROLES]
_MEMORY: weakref.WeakKeyDictionary[object, ReadIndex] = weakref.WeakKeyDictionary()
_FILES: dict[str, ReadIndex] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Row:
    """One entity's row: what its summary gives the lists and the text index."""

    type: str
    sort: str
    confidence: float
    mentions: int
    names: str


@dataclass(slots=True)
class ArticleFacts:
    """What one article graph gives the read index."""

    hash: str = ""
    published: str | None = None
    quads: int = 0
    mentions: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)
    mentioned: set[str] = field(default_factory=set)
    typed: set[tuple[str, str]] = field(default_factory=set)
    events: dict[str, str | None] = field(default_factory=dict)
    roles: set[tuple[str, str]] = field(default_factory=set)
    #: (event, place) for ``kg:place``; ``roles`` holds the other roles
    places: set[tuple[str, str]] = field(default_factory=set)
    #: event -> (type, highest confidence, start when its precision is known, last possible day)
    event_info: dict[str, tuple[str | None, float | None, str | None, str | None]] = field(default_factory=dict)
    touches: set[str] = field(default_factory=set)
    #: (subject, predicate, object) -> (highest confidence here, whether a statement here states it in the text)
    rels: dict[tuple[str, str, str], tuple[float, bool]] = field(default_factory=dict)

    def rel(self, triple: tuple[str, str, str], confidence: float, stated: bool) -> None:
        """Fold one statement (or plain ``locatedIn`` triple) of ``triple`` in."""
        old = self.rels.get(triple)
        if old is not None:
            confidence, stated = max(old[0], confidence), old[1] or stated
        self.rels[triple] = (confidence, stated)


def index_path(location: str) -> Path | None:
    """The SQLite file of the read index of the store at ``location``; ``None`` when it has none.

    >>> index_path("/data/kg-store").name
    'kg-store.read.sqlite'
    >>> index_path("https://db.example/sparql") is None
    True
    """
    if location == ":memory:" or location.startswith(("http://", "https://")):
        return None
    path = Path(location)
    return path.with_name(f"{path.name}.read.sqlite")


def read_index(store: Store, *, create: bool = False) -> ReadIndex | None:
    """The read index of ``store``; ``None`` for a remote store, or one not indexed yet (unless ``create``)."""
    if store.location == ":memory:":
        with _LOCK:
            found = _MEMORY.get(store)
            if found is None and create:
                found = _MEMORY[store] = ReadIndex(None)
            return found
    path = index_path(store.location)
    if path is None:
        return None
    key = str(path)
    with _LOCK:
        found = _FILES.get(key)
        if found is not None and found.valid():
            return found
        if not create and not path.exists():
            return None
        found = _FILES[key] = ReadIndex(path)
        return found


class ReadIndex:
    """The read index in one SQLite database (a file, or memory when ``path`` is ``None``).

    Each thread gets its own connection to a file (SQLite in WAL mode: readers never
    wait for the writer); a database in memory has one connection behind a lock.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        if path is None:
            self._shared = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._prepare()

    def valid(self) -> bool:
        """Whether the file is still there (a store deleted and made again starts over)."""
        return self.path is None or self.path.exists()

    def _connect(self) -> sqlite3.Connection:
        if self._shared is not None:
            return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self._lock if self._shared is not None else _NoLock():
            return list(self._connect().execute(sql, tuple(args)).fetchall())

    def _prepare(self) -> None:
        with self._lock:
            conn = self._connect()
            found = conn.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone()
            if found:
                row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is not None and row[0] == INDEX_VERSION:
                    return
            self._reset(conn)

    def _reset(self, conn: sqlite3.Connection) -> None:
        # The version goes in last: a crash half-way leaves none, and the next open starts over.
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'names_%'"
        ).fetchall()
        for (name,) in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        conn.executescript(_SCHEMA)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO counts (name, n) VALUES (?, 0)", [(c,) for c in COUNTERS])
        conn.execute("INSERT INTO meta (key, value) VALUES ('version', ?)", (INDEX_VERSION,))
        conn.execute("COMMIT")

    def clear(self) -> None:
        """Drop everything indexed (a rebuild follows)."""
        with self._lock:
            self._reset(self._connect())

    # ------------------------------------------------------------ writing

    def hashes(self, graphs: Sequence[str] | None) -> dict[str, str]:
        """The content hash each of ``graphs`` (every article when ``None``) was indexed with."""
        if graphs is None:
            return {str(g): str(h) for g, h in self._rows("SELECT iri, hash FROM articles")}
        out: dict[str, str] = {}
        for part in _chunks(list(graphs), 500):
            marks = ",".join("?" * len(part))
            out.update(
                (str(g), str(h)) for g, h in self._rows(f"SELECT iri, hash FROM articles WHERE iri IN ({marks})", part)
            )
        return out

    def old_touches(self, graphs: Sequence[str]) -> set[str]:
        """What the indexed versions of ``graphs`` said something about."""
        out: set[str] = set()
        for part in _chunks(list(graphs), 500):
            marks = ",".join("?" * len(part))
            out.update(str(e) for (e,) in self._rows(f"SELECT entity FROM touches WHERE article IN ({marks})", part))
        return out

    def apply(self, facts: Mapping[str, ArticleFacts | None], entities: Mapping[str, EntitySummary | None]) -> None:
        """Replace the articles of ``facts`` (``None``: deleted) and the entity rows ``entities``, in one transaction."""
        with self._transaction() as conn:
            self._put_articles(conn, facts, indexed=True)
            for iri, e in entities.items():
                self._put_entity(conn, iri, e)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on this thread's connection, rolled back if anything fails."""
        with self._lock:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _put_articles(
        self, conn: sqlite3.Connection, facts: Mapping[str, ArticleFacts | None], *, indexed: bool
    ) -> None:
        """Write the articles of ``facts`` (``None``: deleted) and refresh the events and relationships they touch.

        ``indexed``: some may be in the index already, so their old rows go first.
        """
        triples: set[tuple[str, str, str]] = set()
        events = self._drop_articles(conn, list(facts), triples) if indexed else set()
        for g, f in facts.items():
            if f is not None:
                self._add_article(conn, g, f)
                events.update(f.events)
                triples.update(f.rels)
        self._refresh_events(conn, events)
        self._refresh_rels(conn, triples)

    @staticmethod
    def _drop_articles(conn: sqlite3.Connection, graphs: list[str], triples: set[tuple[str, str, str]]) -> set[str]:
        events: set[str] = set()
        for g in graphs:
            triples.update(
                (str(a), str(b), str(c))
                for a, b, c in conn.execute("SELECT subject, predicate, object FROM rel_in WHERE article = ?", (g,))
            )
            events.update(str(e) for (e,) in conn.execute("SELECT event FROM event_in WHERE article = ?", (g,)))
            for e, t in conn.execute("SELECT entity, type FROM article_typed WHERE article = ?", (g,)).fetchall():
                conn.execute("UPDATE typed SET n = n - 1 WHERE entity = ? AND type = ?", (e, t))
                conn.execute("DELETE FROM typed WHERE entity = ? AND type = ? AND n <= 0", (e, t))
            for table in ("article_entities", "article_typed", "event_in", "event_roles", "touches", "rel_in"):
                conn.execute(f"DELETE FROM {table} WHERE article = ?", (g,))
            conn.execute("DELETE FROM articles WHERE iri = ?", (g,))
        return events

    @staticmethod
    def _add_article(conn: sqlite3.Connection, g: str, f: ArticleFacts) -> None:
        conn.execute(
            "INSERT INTO articles (iri, hash, published, quads, mentions, relations) VALUES (?, ?, ?, ?, ?, ?)",
            (g, f.hash, f.published, f.quads, len(f.mentions), len(f.relations)),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO article_entities (entity, published, article) VALUES (?, ?, ?)",
            [(e, f.published, g) for e in sorted(f.mentioned)],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO article_typed (article, entity, type) VALUES (?, ?, ?)",
            [(g, e, t) for e, t in sorted(f.typed)],
        )
        conn.executemany(
            "INSERT INTO typed (entity, type, n) VALUES (?, ?, 1) ON CONFLICT (entity, type) DO UPDATE SET n = n + 1",
            sorted(f.typed),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO event_in (article, event, start, type, confidence, dated, upper)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(g, e, s, *f.event_info.get(e, (None, None, None, None))) for e, s in sorted(f.events.items())],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO event_roles (article, event, entity, place) VALUES (?, ?, ?, ?)",
            [(g, e, x, 0) for e, x in sorted(f.roles) if e in f.events]
            + [(g, e, x, 1) for e, x in sorted(f.places) if e in f.events],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO touches (article, entity) VALUES (?, ?)", [(g, e) for e in sorted(f.touches)]
        )
        conn.executemany(
            "INSERT INTO rel_in (article, subject, predicate, object, confidence, stated) VALUES (?, ?, ?, ?, ?, ?)",
            [(g, *t, float(f"{c:.3f}"), int(st)) for t, (c, st) in sorted(f.rels.items())],
        )

    @staticmethod
    def _refresh_rels(conn: sqlite3.Connection, triples: Iterable[tuple[str, str, str]]) -> None:
        """Merge each of ``triples`` again over the articles stating it (highest confidence, stated by any)."""
        for s, p, o in sorted(triples):
            name = local_name(p, KG_NS)
            # The whole key, so the delete seeks two rows instead of walking a hub's rows.
            conn.execute(
                "DELETE FROM rel_ends WHERE entity IN (?, ?) AND name = ? AND subject = ? AND object = ? AND predicate = ?",
                (s, o, name, s, o, p),
            )
            c, stated, n = conn.execute(
                "SELECT MAX(confidence), MAX(stated), COUNT(*) FROM rel_in WHERE subject = ? AND predicate = ? AND object = ?",
                (s, p, o),
            ).fetchone()
            if n:
                conn.executemany(
                    "INSERT OR REPLACE INTO rel_ends (entity, name, subject, object, predicate, confidence, stated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(end, name, s, o, p, c, stated) for end in dict.fromkeys((s, o))],
                )

    @staticmethod
    def _refresh_events(conn: sqlite3.Connection, events: Iterable[str]) -> None:
        for e in sorted(events):
            start, n = conn.execute("SELECT MIN(start), COUNT(*) FROM event_in WHERE event = ?", (e,)).fetchone()
            if not n:
                conn.execute("DELETE FROM events WHERE iri = ?", (e,))
            elif conn.execute("SELECT 1 FROM events WHERE iri = ?", (e,)).fetchone():
                conn.execute("UPDATE events SET start = ?, n = ? WHERE iri = ?", (start, n, e))
            else:
                conn.execute("INSERT INTO events (iri, start, n) VALUES (?, ?, ?)", (e, start, n))

    @staticmethod
    def _put_entity(conn: sqlite3.Connection, iri: str, e: EntitySummary | None) -> None:
        ReadIndex._put_row(conn, iri, _row_of(e) if e is not None else None)

    @staticmethod
    def _put_row(conn: sqlite3.Connection, iri: str, new: _Row | None) -> None:
        """Write one entity row; when its names are unchanged only the row itself is (a hub's text index stays)."""
        row = conn.execute("SELECT id, names FROM entities WHERE iri = ?", (iri,)).fetchone()
        if row is not None and new is not None and row[1] == new.names:
            conn.execute(
                "UPDATE entities SET type = ?, sort = ?, confidence = ?, mentions = ? WHERE id = ?",
                (new.type, new.sort, new.confidence, new.mentions, row[0]),
            )
            return
        if row is not None:
            conn.execute("DELETE FROM entities WHERE id = ?", (row[0],))
            conn.execute("DELETE FROM names WHERE rowid = ?", (row[0],))
            conn.execute("DELETE FROM grams WHERE id = ?", (row[0],))
        if new is None:
            return
        cur = conn.execute(
            "INSERT INTO entities (iri, type, sort, confidence, mentions, names) VALUES (?, ?, ?, ?, ?, ?)",
            (iri, new.type, new.sort, new.confidence, new.mentions, new.names),
        )
        eid = cur.lastrowid
        conn.execute("INSERT INTO names (rowid, text) VALUES (?, ?)", (eid, new.names))
        names = new.names.split("\n")
        grams = {n[i : i + k] for n in names for k in (1, 2) for i in range(len(n) - k + 1)}
        conn.executemany("INSERT OR IGNORE INTO grams (gram, id) VALUES (?, ?)", [(g, eid) for g in sorted(grams)])

    def merged_rows(self, added: Mapping[str, EntitySummary]) -> tuple[dict[str, _Row | None], list[str]]:
        """The rows of ``added`` merged into the stored ones, as the summary merges fresh articles.

        Returns the merged rows and the entities without a stored row, whose row
        must come from the summary (an entity never typed or labelled before here
        has no row to merge into).
        """
        rows: dict[str, _Row | None] = {}
        missing: list[str] = []
        for part in _chunks(sorted(added), 500):
            marks = ",".join("?" * len(part))
            stored = {
                str(r[0]): _Row(str(r[1]), str(r[2]), float(str(r[3])), int(str(r[4])), str(r[5]))
                for r in self._rows(
                    f"SELECT iri, type, sort, confidence, mentions, names FROM entities WHERE iri IN ({marks})", part
                )
            }
            for iri in part:
                old, new = stored.get(iri), added[iri]
                if old is None:
                    missing.append(iri)
                    continue
                names = set(old.names.split("\n")) | {n.lower() for n in (*new.labels, *new.aliases)}
                sort = min([old.sort, *(label.lower() for label in new.labels)])
                confidence = float(f"{max(old.confidence, new.confidence):.3f}")
                rows[iri] = _Row(old.type, sort, confidence, old.mentions + new.mentions, "\n".join(sorted(names)))
        return rows, missing

    def apply_rows(self, facts: Mapping[str, ArticleFacts], rows: Mapping[str, _Row | None]) -> None:
        """Add the fresh articles ``facts`` and write the entity ``rows``, in one transaction."""
        with self._transaction() as conn:
            self._put_articles(conn, facts, indexed=False)
            for iri, row in rows.items():
                self._put_row(conn, iri, row)

    # ------------------------------------------------------------ reading

    def counts(self) -> dict[str, int]:
        """Every maintained counter by name."""
        return {str(k): int(str(v)) for k, v in self._rows("SELECT name, n FROM counts")}

    def latest_articles(self, offset: int, limit: int) -> tuple[int, list[str]]:
        """The article count and one page of article IRIs, newest first (undated last)."""
        rows = self._rows("SELECT iri FROM articles ORDER BY published DESC, iri LIMIT ? OFFSET ?", (limit, offset))
        return self.counts().get("articles", 0), [str(r[0]) for r in rows]

    def articles_of(self, entity: str, offset: int, limit: int) -> tuple[int, list[str]]:
        """How many articles mention ``entity``, and one page of them, newest first."""
        (n,) = self._rows("SELECT COUNT(*) FROM article_entities WHERE entity = ?", (entity,))[0]
        rows = self._rows(
            "SELECT article FROM article_entities WHERE entity = ? ORDER BY published DESC, article LIMIT ? OFFSET ?",
            (entity, limit, offset),
        )
        return int(str(n)), [str(r[0]) for r in rows]

    def events(self, *, newest: bool, offset: int, limit: int) -> tuple[int, list[str]]:
        """The event count and one page of event IRIs by start (newest or oldest first; undated last)."""
        order = "COALESCE(start, '0000') DESC, iri" if newest else "COALESCE(start, '9999'), iri"
        rows = self._rows(f"SELECT iri FROM events ORDER BY {order} LIMIT ? OFFSET ?", (limit, offset))
        return self.counts().get("events", 0), [str(r[0]) for r in rows]

    def filtered_events(
        self,
        *,
        types: Sequence[str] = (),
        participant: str | None = None,
        place: str | None = None,
        window: tuple[str, str] | None = None,
        min_confidence: float = 0.0,
        order: str = "newest",
        offset: int = 0,
        limit: int = 20,
    ) -> tuple[int, list[str]]:
        """The count and one page of the events matching the filters, as the article graphs' scan matches them.

        Each article's report of an event is one row (its type, confidence, dated
        start and last possible day), so the type, the confidence and the window must
        hold in one article, the participant and the place in any, as in the scan.
        ``order`` is ``newest``, ``oldest`` or ``confidence``. The rows read are those
        of the most selective filter given (an entity's events, a type's, a date
        range's), so the count and the page cost what matches, not the store; a
        broad filter (a common type, a wide window) costs in proportion.
        """
        where: list[str] = []
        args: list[object] = []
        if types:
            where.append(f"type IN ({','.join('?' * len(types))})")
            args.extend(types)
        if participant is not None:
            where.append("event IN (SELECT event FROM event_roles WHERE entity = ? AND place = 0)")
            args.append(participant)
        if place is not None:
            where.append("event IN (SELECT event FROM event_roles WHERE entity = ? AND place = 1)")
            args.append(place)
        if window is not None:
            where.append("dated IS NOT NULL AND dated <= ? AND upper >= ?")
            args.extend([window[1], window[0]])
        if min_confidence > 0 or order == "confidence":
            where.append("confidence IS NOT NULL AND confidence >= ?")
            args.append(float(f"{min_confidence:.6f}"))
        cond = " AND ".join(where) or "1"
        key = {
            "newest": ("MIN(COALESCE(start, '0000'))", "k DESC, event"),
            "oldest": ("MIN(COALESCE(start, '9999'))", "k, event"),
            "confidence": ("MAX(confidence)", "k DESC, event"),
        }[order]
        (n,) = self._rows(f"SELECT COUNT(DISTINCT event) FROM event_in WHERE {cond}", args)[0]
        rows = self._rows(
            f"SELECT event, {key[0]} AS k FROM event_in WHERE {cond} GROUP BY event ORDER BY {key[1]} LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        return int(str(n)), [str(r[0]) for r in rows]

    def events_of_entity(self, entity: str, offset: int, limit: int) -> tuple[int, list[str]]:
        """How many events ``entity`` takes part in or happened at, and one page of them, newest first."""
        sub = "SELECT DISTINCT event FROM event_roles WHERE entity = ?"
        (n,) = self._rows(f"SELECT COUNT(*) FROM ({sub})", (entity,))[0]
        rows = self._rows(
            f"SELECT e.iri FROM events e WHERE e.iri IN ({sub}) ORDER BY COALESCE(e.start, '0000') DESC, e.iri"
            " LIMIT ? OFFSET ?",
            (entity, limit, offset),
        )
        return int(str(n)), [str(r[0]) for r in rows]

    def graphs_of_events(self, events: Sequence[str]) -> list[tuple[str, str]]:
        """Each of ``events`` with each article graph that reports it."""
        out: set[tuple[str, str]] = set()
        for part in _chunks(list(events), 500):
            marks = ",".join("?" * len(part))
            rows = self._rows(f"SELECT event, article FROM event_in WHERE event IN ({marks})", part)
            out.update((str(e), str(g)) for e, g in rows)
        return sorted(out)

    def events_of(self, entities: Sequence[str]) -> dict[str, list[str]]:
        """For each entity, the events it takes part in or that happened there, newest first, undated last."""
        out: dict[str, list[str]] = {}
        for x in entities:
            rows = self._rows(
                "SELECT DISTINCT r.event, COALESCE(e.start, '0000') AS s FROM event_roles r JOIN events e ON e.iri = r.event"
                " WHERE r.entity = ? ORDER BY s DESC, r.event",
                (x,),
            )
            out[x] = [str(r[0]) for r in rows]
        return out

    def relationships_of(
        self,
        entity: str,
        page: tuple[int, int],
        *,
        predicate: str | None = None,
        min_confidence: float = 0.0,
        stated_only: bool = False,
        outgoing: bool | None = None,
    ) -> tuple[int, list[tuple[str, str, str, float, bool]]]:
        """How many relationships of ``entity`` pass the filters, and one page of them.

        In the API's order (predicate local name, subject, object), each as
        (subject, predicate, object, confidence, stated). ``outgoing`` keeps those
        with ``entity`` as the subject (``True``) or as the object only (``False``).
        The page walks the entity's rows in that order; the count costs the entity's
        relationships, never the store's.
        """
        where, args = ["entity = ?"], [entity]
        if predicate is not None:
            where.append("predicate = ?")
            args.append(predicate)
        if min_confidence > 0:
            where.append("confidence >= ?")
            args.append(min_confidence)  # type: ignore[arg-type]
        if stated_only:
            where.append("stated = 1")
        if outgoing is True:
            where.append("subject = ?")
            args.append(entity)
        elif outgoing is False:
            where.append("subject <> ?")
            args.append(entity)
        cond = " AND ".join(where)
        (n,) = self._rows(f"SELECT COUNT(*) FROM rel_ends WHERE {cond}", args)[0]
        rows = self._rows(
            f"SELECT subject, predicate, object, confidence, stated FROM rel_ends WHERE {cond}"
            " ORDER BY name, subject, object, predicate LIMIT ? OFFSET ?",
            [*args, page[1], page[0]],
        )
        return int(str(n)), [(str(a), str(b), str(c), float(str(d)), bool(e)) for a, b, c, d, e in rows]

    def entities(
        self,
        types: Sequence[str],
        page: tuple[int, int],
        *,
        search: str | None = None,
        prefix: bool = False,
        min_confidence: float = 0.0,
        mentioned_in: str | None = None,
        order: str = "label",
    ) -> tuple[int, list[str]]:
        """The count and one page of entity IRIs of ``types`` matching the filters (see :func:`kg.queries.list_entities`).

        Without filters the count is a maintained counter. With ``search`` the
        candidates come from the text index (FTS5 trigrams for three characters or
        more, the gram table below that), so the count costs what matches.
        """
        where = [f"type IN ({','.join('?' * len(types))})"]
        short = -1  # the position of a one- or two-character needle's condition
        args: list[object] = list(types)
        if search:
            needle = search.lower()
            if len(needle) >= 3:
                where.append("id IN (SELECT rowid FROM names WHERE text GLOB ?)")
                args.append(f"*{_glob(needle)}*")
            else:
                where.append("id IN (SELECT id FROM grams WHERE gram = ?)")
                args.append(needle)
                short = len(where) - 1
            if prefix:
                g = _glob(needle)
                where.append(
                    "id IN (SELECT rowid FROM names WHERE rowid = entities.id AND "
                    "(text GLOB ? OR text GLOB ? OR text GLOB ?))"
                )
                args.extend([f"{g}*", f"*\n{g}*", f"* {g}*"])
        if min_confidence > 0:
            where.append("confidence >= ?")
            args.append(float(f"{min_confidence:.6f}"))
        if mentioned_in is not None:
            where.append("iri IN (SELECT entity FROM article_typed WHERE article = ? AND type = entities.type)")
            args.append(mentioned_in)
        cond = " AND ".join(where)
        if search or min_confidence > 0 or mentioned_in is not None:
            total = int(str(self._rows(f"SELECT COUNT(*) FROM entities WHERE {cond}", args)[0][0]))
        else:  # maintained per class
            counts = self.counts()
            total = sum(counts.get(f"entity:{t}", 0) for t in types)
        if short >= 0 and total > _WALK:
            # A short needle matches much: walk the order's B-tree and test each entity,
            # instead of sorting every match (the page then costs about page / share matching).
            where[short] = "EXISTS (SELECT 1 FROM grams WHERE gram = ? AND grams.id = entities.id)"
            cond = " AND ".join(where)
        rows = self._rows(
            f"SELECT iri FROM entities WHERE {cond} ORDER BY {_ENTITY_ORDER[order]} LIMIT ? OFFSET ?",
            [*args, page[1], page[0]],
        )
        return total, [str(r[0]) for r in rows]


#: Matches above which a short needle's page walks the sort order instead of sorting the matches.
_WALK = 200

_ENTITY_ORDER = {
    "label": "sort, iri",
    "label_desc": "sort DESC, iri",
    "mentions": "mentions DESC, sort, iri",
    "confidence": "confidence DESC, sort, iri",
}


def _glob(text: str) -> str:
    """``text`` with GLOB's special characters made literal."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ------------------------------------------------------------ keeping it in step


def _article_hashes(store: Store, graphs: Sequence[str] | None) -> dict[str, str]:
    scope = f"VALUES ?g {{ {iris(graphs)} }}" if graphs is not None else ""
    if graphs is not None and not graphs:
        return {}
    rows = store.query(
        PROLOGUE
        + f"SELECT ?g ?h WHERE {{ {scope} GRAPH ?g {{ ?g a kg:Article OPTIONAL {{ ?g kg:contentHash ?h }} }} }}"
    )
    return {r["g"]: r.get("h", "") for r in rows if r["g"] != SUMMARY_GRAPH}


def read_facts(store: Store, graphs: Sequence[str]) -> dict[str, ArticleFacts]:
    """What the article graphs ``graphs`` give the index, read back from the store (two queries)."""
    if not graphs:
        return {}
    values = iris(graphs)
    types = iris(_ENTITY_TYPES)
    roles = iris(_ROLE_IRIS)
    rows = store.query(
        PROLOGUE
        + f"""PREFIX schema: <{SCHEMA}>
SELECT ?g ?k ?x ?y ?s ?p ?o ?c ?ev ?src ?t ?st ?sp ?en ?ep WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{
  {{ ?g a kg:Article . BIND("a" AS ?k) OPTIONAL {{ ?g kg:contentHash ?y }} OPTIONAL {{ ?g schema:datePublished ?x }} }}
  UNION {{ ?x kg:mentionedIn ?g . BIND("m" AS ?k) }}
  UNION {{ VALUES ?y {{ {types} }} ?x a ?y . BIND("t" AS ?k) }}
  UNION {{ ?x a kg:Event ; kg:eventType ?t . BIND("e" AS ?k) OPTIONAL {{ ?x kg:start ?y }} }}
  UNION {{ VALUES ?r {{ {roles} }} ?x ?r ?y . ?x a kg:Event . BIND("r" AS ?k) }}
  UNION {{ ?x kg:place ?y ; a kg:Event . BIND("pl" AS ?k) }}
  UNION {{ ?x a kg:Event ; kg:eventType ?t . BIND("ei" AS ?k) OPTIONAL {{ ?x kg:confidence ?c }}
    OPTIONAL {{ ?x kg:start ?st ; kg:startPrecision ?sp }} OPTIONAL {{ ?x kg:end ?en ; kg:endPrecision ?ep }} }}
  UNION {{ ?x a kg:Mention . BIND("n" AS ?k) OPTIONAL {{ ?x kg:denotes ?y }} }}
  UNION {{ ?x a kg:Statement . BIND("s" AS ?k) }}
  UNION {{ ?x a kg:Statement ; kg:confidence ?c ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . BIND("R" AS ?k)
    OPTIONAL {{ ?x kg:evidence ?ev }} OPTIONAL {{ ?x <{_DERIVED}> ?src }} }}
  UNION {{ ?x kg:locatedIn ?o ; kg:confidence ?c . BIND("L" AS ?k) }}
}} }}"""
    )
    out = {g: ArticleFacts() for g in graphs}
    info: dict[tuple[str, str], dict[str, list[str]]] = {}
    for r in rows:
        f = out[r["g"]]
        k, x, y = r["k"], r.get("x"), r.get("y")
        if k == "a":
            f.hash = y or ""
            f.published = stored_day(x) if x else None  # days order the same whatever the datatype
        elif k == "m" and x:
            f.mentioned.add(x)
        elif k == "t" and x and y:
            f.typed.add((x, y))
            f.touches.add(x)
        elif k == "e" and x:
            y = stored_day(y) if y else None
            old = f.events.get(x)
            f.events[x] = min(old, y) if old and y else (old or y)
        elif k == "r" and x and y:
            f.roles.add((x, y))
        elif k == "pl" and x and y:
            f.places.add((x, y))
        elif k == "ei" and x:
            node = info.setdefault((r["g"], x), {})
            for var, pred in _INFO_VARS.items():
                if var in r:
                    node.setdefault(pred, []).append(r[var])
        elif k == "n" and x:
            f.mentions.add(x)
            if y:
                f.touches.add(y)
        elif k == "s" and x:
            f.relations.add(x)
        elif k == "R" and x:
            f.rel((r["s"], r["p"], r["o"]), float(r["c"]), "ev" in r and "src" not in r)
        elif k == "L" and x:
            f.rel((x, _LOCATED_IN, r["o"]), float(r["c"]), False)
    for (g, x), node in info.items():
        if x in out[g].events:
            out[g].event_info[x] = _event_info({p: sorted(set(v)) for p, v in node.items()})
    for r in store.query(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    ):
        out[r["g"]].quads = int(r["n"])
    return out


_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_INFO_VARS = {
    "t": f"{KG_NS}eventType",
    "c": f"{KG_NS}confidence",
    "st": f"{KG_NS}start",
    "sp": f"{KG_NS}startPrecision",
    "en": f"{KG_NS}end",
    "ep": f"{KG_NS}endPrecision",
}
_EVENT, _MENTION, _STATEMENT = f"{KG_NS}Event", f"{KG_NS}Mention", f"{KG_NS}Statement"
_CONFIDENCE, _EVIDENCE, _LOCATED_IN = f"{KG_NS}confidence", f"{KG_NS}evidence", f"{KG_NS}locatedIn"
_DERIVED = f"{PROV}wasDerivedFrom"
_PLACE = f"{KG_NS}place"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_ST_FIELDS = (f"{_RDF}subject", f"{_RDF}predicate", f"{_RDF}object")


def facts_of(graph: str, props: Mapping[str, Mapping[str, Sequence[str]]], quads: int) -> ArticleFacts:
    """What one article graph gives the index, from its quads grouped by subject and predicate.

    The same patterns as :func:`read_facts`, in Python, for the extracting worker
    (:func:`kg.summary.contributions_of` calls it), so a new article is not read back.
    """
    f = ArticleFacts(quads=quads)
    own = props.get(graph, {})
    f.hash = next(iter(own.get(f"{KG_NS}contentHash", ())), "")
    published = next(iter(own.get(f"{SCHEMA}datePublished", ())), None)
    f.published = stored_day(published) if published else None
    entity_types = set(_ENTITY_TYPES)
    for node, p in props.items():
        types = p.get(_TYPE, ())
        if graph in p.get(f"{KG_NS}mentionedIn", ()):
            f.mentioned.add(node)
        for t in types:
            if t in entity_types:
                f.typed.add((node, t))
                f.touches.add(node)
        if _EVENT in types:
            if p.get(f"{KG_NS}eventType"):
                starts = [stored_day(d) for d in p.get(f"{KG_NS}start", ())]
                f.events[node] = min(starts) if starts else None
                f.event_info[node] = _event_info(p)
            for role in _ROLE_IRIS:
                f.roles.update((node, who) for who in p.get(role, ()))
            f.places.update((node, where) for where in p.get(_PLACE, ()))
        if _MENTION in types:
            f.mentions.add(node)
            f.touches.update(p.get(f"{KG_NS}denotes", ()))
        if _STATEMENT in types:
            f.relations.add(node)
        confidences = [float(c) for c in p.get(_CONFIDENCE, ())]
        if confidences:
            if _STATEMENT in types:
                stated = bool(p.get(_EVIDENCE)) and not p.get(_DERIVED)
                ends = [p.get(pred, ()) for pred in _ST_FIELDS]
                for triple in ((s, pr, o) for s in ends[0] for pr in ends[1] for o in ends[2]):
                    f.rel(triple, max(confidences), stated)
            for o in p.get(_LOCATED_IN, ()):
                f.rel((node, _LOCATED_IN, o), max(confidences), False)
    return f


def last_day(value: str, precision: str) -> str:
    """The last day a date of this precision may mean, as the event filter compares it.

    >>> last_day("2022-01-01", "year"), last_day("2022-05-01", "month"), last_day("2022-05-03", "day")
    ('2022-12-31', '2022-05-31', '2022-05-03')
    """
    if precision == "year":
        return f"{value[:4]}-12-31"
    if precision == "month":
        return f"{value[:7]}-31"
    return value


def _event_info(p: Mapping[str, Sequence[str]]) -> tuple[str | None, float | None, str | None, str | None]:
    """An event node's type, highest confidence, start (when its precision is given) and last possible day."""
    types = sorted(p.get(f"{KG_NS}eventType", ()))
    confidences = [float(c) for c in p.get(_CONFIDENCE, ())]
    starts = sorted(stored_day(d) for d in p.get(f"{KG_NS}start", ()))
    ends = sorted(stored_day(d) for d in p.get(f"{KG_NS}end", ()))
    sps, eps = sorted(p.get(f"{KG_NS}startPrecision", ())), sorted(p.get(f"{KG_NS}endPrecision", ()))
    dated = starts[0] if starts and sps else None
    upper = None
    if dated is not None:
        upper = last_day(ends[-1], eps[0]) if ends and eps else last_day(dated, sps[0])
    return (types[0] if types else None), (max(confidences) if confidences else None), dated, upper


def sync_index(
    store: Store,
    graphs: Sequence[str] | None = None,
    known: Mapping[str, ArticleFacts] | None = None,
    entities: Mapping[str, Mapping[str, EntitySummary]] | None = None,
) -> int:
    """Bring the read index of ``store`` in step with its articles; return the articles re-read.

    Args:
        store: The store (its summary already up to date).
        graphs: The graphs a write touched: each is indexed again (or dropped), even
            with an unchanged content hash. ``None`` compares every article's hash
            with the indexed one, which repairs a crash between a write and its
            index update (a rewrite that kept the text is not seen then).
        known: What some just-written graphs give the index, found in their quads by
            the extracting worker (:func:`facts_of`); their hash is taken from there,
            and they are not read back.
        entities: What those graphs contribute to the entity summary (by graph). When
            every graph of a chunk is new to the index and known, its entity rows are
            the stored rows merged with these, as the summary merged them, so nothing
            is read from the summary but the entities that had no row.

    A store with no index (remote) is left alone.
    """
    idx = read_index(store, create=True)
    if idx is None:
        return 0
    known = known or {}
    # A graph just written from known quads has the hash those quads carry.
    told_hash = {g: known[g].hash for g in graphs or () if g in known and known[g].hash}
    current = _article_hashes(store, [g for g in graphs if g not in told_hash]) if graphs is not None else None
    if current is None:
        current = _article_hashes(store, None)
    current.update(told_hash)
    indexed = idx.hashes(graphs)
    if graphs is None:
        stale = sorted(g for g in {*current, *indexed} if current.get(g) != indexed.get(g))
    else:
        # A write's graphs are re-read whatever their hash: a graph rewritten with the same
        # text (a merge, an identity revision) keeps its content hash but not its facts.
        stale = sorted(g for g in set(graphs) if g in current or g in indexed)
    for part in _chunks(stale, CHUNK):
        present = [g for g in part if g in current]
        facts: dict[str, ArticleFacts | None] = dict.fromkeys(part)
        told = {g: known[g] for g in present if g in known and known[g].hash == current[g]}
        if entities is not None and len(told) == len(part) and all(g in entities and g not in indexed for g in part):
            _add_fresh(store, idx, told, [entities[g] for g in part])
            continue
        facts.update(told)
        facts.update(read_facts(store, [g for g in present if g not in told]))
        touched = idx.old_touches(part)
        for f in facts.values():
            if f is not None:
                touched |= f.touches
        found = _read_summaries(store, sorted(touched), _ROW_FIELDS)
        idx.apply(facts, {iri: found.get(iri) for iri in sorted(touched)})
    return len(stale)


def _add_fresh(
    store: Store, idx: ReadIndex, facts: Mapping[str, ArticleFacts], added: Sequence[Mapping[str, EntitySummary]]
) -> None:
    """Index articles new to the index, their entity rows merged from what they add (see :func:`sync_index`)."""
    total: dict[str, EntitySummary] = {}
    for part in added:
        for iri, e in part.items():
            into = total.setdefault(iri, EntitySummary(iri))
            into.merge(e)
    touched = set().union(*(f.touches for f in facts.values()))
    rows, missing = idx.merged_rows({iri: total.get(iri, EntitySummary(iri)) for iri in touched})
    found = _read_summaries(store, sorted(missing), _ROW_FIELDS)
    for iri in missing:
        summarised = found.get(iri)
        rows[iri] = _row_of(summarised) if summarised is not None else None
    idx.apply_rows(facts, rows)


def _row_of(e: EntitySummary) -> _Row | None:
    """The row of a summarised entity; ``None`` when it has no type or label (not listed)."""
    if not e.type or not e.labels:
        return None
    names = sorted({n.lower() for n in (*e.labels, *e.aliases)})
    return _Row(
        e.type, min(label.lower() for label in e.labels), float(f"{e.confidence:.3f}"), e.mentions, "\n".join(names)
    )


#: The summary fields an entity row is made of.
_ROW_FIELDS = ("type", "label", "alias", "confidence", "mentions")


def index_stale(store: Store) -> bool:
    """Whether the index of ``store`` disagrees with its articles (a full comparison)."""
    idx = read_index(store)
    if idx is None:
        return index_path(store.location) is not None or store.location == ":memory:"
    return _article_hashes(store, None) != idx.hashes(None)


def rebuild_index(store: Store) -> int:
    """Drop the read index and index every article again; return how many."""
    idx = read_index(store, create=True)
    if idx is None:
        return 0
    idx.clear()
    return sync_index(store)
