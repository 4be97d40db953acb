"""Identity across articles: stable keys, merges on evidence, a log that can undo them.

(Aliases within one article are :mod:`kg.extract.aliases`.) Across articles (:func:`resolve_across`), an entity whose key is new is compared,
within its type only, with the entities already stored (an :class:`EntityIndex`):
equal folded names, transliteration variants (Zelensky / Zelenskyy / Zelenskiy), a
lone surname of exactly one known person, or a fuzzy match (rapidfuzz) above
:data:`FUZZY_THRESHOLD`. A match re-keys the entity to the stored one and is written
to the :class:`MergeLog` with its method, score and evidence; ``kg unmerge ID`` undoes
it (:func:`undo_merge`).

Ingest makes one :class:`Resolver` per run and passes every extraction through it
before writing it::

    resolver = Resolver.for_store(store, base, merge_log_path(settings.store))
    extractions = [resolver(x) for x in extract_many(todo)]
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rapidfuzz import fuzz, process

from kg.errors import NotFoundError, StoreError
from kg.extract.gazetteer import fold
from kg.records import Entity, EntityType, Extraction

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "FUZZY_THRESHOLD",
    "EntityIndex",
    "KnownEntity",
    "MemoryEntityIndex",
    "Merge",
    "MergeLog",
    "Resolver",
    "StoreEntityIndex",
    "merge_log_path",
    "resolve_across",
    "translit_key",
    "undo_merge",
]

#: Lowest rapidfuzz ``token_sort_ratio`` (0-100) that merges two names of one type.
FUZZY_THRESHOLD = 92.0

#: Transliteration variants folded to one form, applied in order to a folded name.
_TRANSLIT = (
    (re.compile(r"(?:iy|yy|yi|ii|ij|yj)\b"), "y"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"zh"), "j"),
    (re.compile(r"ts"), "c"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"(.)\1+"), r"\1"),
)


def translit_key(name: str) -> str:
    """Fold ``name`` and collapse common transliteration variants.

    >>> {translit_key(n) for n in ("Zelensky", "Zelenskyy", "Zelenskiy", "ZELENSKYI")}
    {'zelensky'}
    """
    key = fold(name)
    for pattern, repl in _TRANSLIT:
        key = pattern.sub(repl, key)
    return key


# --------------------------------------------------------------------------- across articles


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """An entity already in the graph, as the index sees it."""

    key: str
    type: EntityType
    label: str
    aliases: tuple[str, ...] = ()


class EntityIndex(Protocol):
    """Look-ups of known entities by type and name, the only thing resolution needs of a store."""

    def get(self, key: str) -> KnownEntity | None:
        """Return the entity with this key, if known."""
        ...

    def by_name(self, etype: EntityType, name: str) -> list[KnownEntity]:
        """Return entities of ``etype`` whose label or alias has the same :func:`translit_key`."""
        ...

    def by_surname(self, surname: str) -> list[KnownEntity]:
        """Return people whose multi-word label ends with ``surname`` (transliteration-folded)."""
        ...

    def names(self, etype: EntityType) -> dict[str, str]:
        """Return folded label -> key for every entity of ``etype`` (the fuzzy-match pool)."""
        ...

    def add(self, entity: Entity) -> None:
        """Make an entity just resolved visible to the articles after it."""
        ...


class MemoryEntityIndex:
    """An :class:`EntityIndex` in memory; hashed look-ups, a per-type pool for fuzzy matching."""

    def __init__(self, entities: Iterable[KnownEntity] = ()) -> None:
        self._by_key: dict[str, KnownEntity] = {}
        self._by_name: dict[tuple[EntityType, str], list[KnownEntity]] = {}
        self._by_surname: dict[str, list[KnownEntity]] = {}
        self._pool: dict[EntityType, dict[str, str]] = {t: {} for t in EntityType}
        for e in entities:
            self._put(e)

    def _put(self, e: KnownEntity) -> None:
        old = self._by_key.get(e.key)
        if old is not None:
            e = replace(old, aliases=tuple(sorted(set(old.aliases) | set(e.aliases) | {e.label} - {old.label})))
        self._by_key[e.key] = e
        for name in (e.label, *e.aliases):
            bucket = self._by_name.setdefault((e.type, translit_key(name)), [])
            if all(k.key != e.key for k in bucket):
                bucket.append(e)
        words = translit_key(e.label).split()
        if e.type is EntityType.PERSON and len(words) > 1:
            bucket = self._by_surname.setdefault(words[-1], [])
            if all(k.key != e.key for k in bucket):
                bucket.append(e)
        self._pool[e.type][fold(e.label)] = e.key

    def get(self, key: str) -> KnownEntity | None:
        """Return the entity with this key, if known."""
        return self._by_key.get(key)

    def by_name(self, etype: EntityType, name: str) -> list[KnownEntity]:
        """Return entities of ``etype`` whose label or alias has the same :func:`translit_key`."""
        return list(self._by_name.get((etype, translit_key(name)), ()))

    def by_surname(self, surname: str) -> list[KnownEntity]:
        """Return people whose multi-word label ends with ``surname``."""
        return list(self._by_surname.get(translit_key(surname), ()))

    def names(self, etype: EntityType) -> dict[str, str]:
        """Return folded label -> key for every entity of ``etype``."""
        return self._pool[etype]

    def add(self, entity: Entity) -> None:
        """Make an entity just resolved visible to the articles after it."""
        self._put(KnownEntity(entity.key, entity.type, entity.label, entity.aliases))


class StoreEntityIndex(MemoryEntityIndex):
    """The entities of a :class:`~kg.store.Store`, read once.

    From the entity summary (:mod:`kg.summary`) when it reflects every article: one
    row per entity name, however many articles describe the entity. Otherwise (a
    crash left articles it has not taken in, or the store has none) from every
    article graph, one row per description. Either way an entity's label is its
    longest, as the read model shows it, and its other labels count as aliases.

    Args:
        store: The store to read.
        base: The data base IRI entity keys are relative to.
    """

    def __init__(self, store: Store, base: str) -> None:
        from kg import summary
        from kg.namespace import KG_NS, RDFS, SKOS

        types = {f"{KG_NS}{t.value}": t for t in EntityType}
        values = " ".join(f"<{t}>" for t in types)
        if summary.dirty_articles(store):
            rows = store.query(
                f"""SELECT ?e ?t ?l ?a WHERE {{ GRAPH ?g {{
                      ?e a ?t ; <{RDFS.label}> ?l .
                      VALUES ?t {{ {values} }}
                      OPTIONAL {{ ?e <{SKOS.altLabel}> ?a }} }} }}"""
            )
        else:
            s = summary.SUMMARY_NS
            rows = store.query(
                f"""SELECT ?e ?t ?l ?a WHERE {{ GRAPH <{summary.SUMMARY_GRAPH}> {{
                      {{ ?e <{s}type> ?t ; <{s}label> ?l }} UNION {{ ?e <{s}type> ?t ; <{s}alias> ?a }}
                      VALUES ?t {{ {values} }} }} }}"""
            )
        found: dict[str, tuple[EntityType, set[str], set[str]]] = {}
        for row in rows:
            iri = row["e"]
            if not iri.startswith(base):
                continue
            _, labels, aliases = found.setdefault(iri[len(base) :], (types[row["t"]], set(), set()))
            if "l" in row:
                labels.add(row["l"])
            if "a" in row:
                aliases.add(row["a"])
        known = []
        for key, (etype, labels, aliases) in found.items():
            if not labels:
                continue
            label = min(labels, key=lambda x: (-len(x), x))  # the longest, as the read model shows it
            known.append(KnownEntity(key, etype, label, tuple(sorted((labels | aliases) - {label}))))
        super().__init__(known)


@dataclass(frozen=True, slots=True)
class Merge:
    """One cross-article merge: an article's entity re-keyed onto a stored one.

    Attributes:
        id: Stable id (hash of article, both keys), what ``kg unmerge`` takes.
        article: The article id whose entity was re-keyed.
        type: The entity type (merges never cross types).
        from_key: The key the article would have used on its own.
        into_key: The stored entity's key it now uses.
        from_label: The article's name for it.
        into_label: The stored entity's label.
        method: ``transliteration``, ``surname`` or ``fuzzy``.
        score: Similarity in [0, 1] (1.0 for equal folded names).
        evidence: The first mention of it in the article: ``(start, end, text)``.
    """

    id: str
    article: str
    type: EntityType
    from_key: str
    into_key: str
    from_label: str
    into_label: str
    method: str
    score: float
    evidence: tuple[int, int, str]

    def to_json(self) -> str:
        """Serialise as one JSON line."""
        return json.dumps(
            {
                "id": self.id,
                "article": self.article,
                "type": self.type.value,
                "from": self.from_key,
                "into": self.into_key,
                "from_label": self.from_label,
                "into_label": self.into_label,
                "method": self.method,
                "score": self.score,
                "evidence": list(self.evidence),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Merge:
        """Read a line written by :meth:`to_json`."""
        ev = data["evidence"]
        if not isinstance(ev, list) or len(ev) != 3:
            raise StoreError(f"merge {data.get('id')!r} has no evidence [start, end, text]")
        return cls(
            id=str(data["id"]),
            article=str(data["article"]),
            type=EntityType(data["type"]),
            from_key=str(data["from"]),
            into_key=str(data["into"]),
            from_label=str(data["from_label"]),
            into_label=str(data["into_label"]),
            method=str(data["method"]),
            score=float(data["score"]),  # type: ignore[arg-type]
            evidence=(int(ev[0]), int(ev[1]), str(ev[2])),
        )


class MergeLog:
    """Every cross-article merge, appended to a JSON-lines file; undone merges stay blocked.

    Args:
        path: The file; ``None`` keeps the log in memory (tests, one-off runs).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._merges: dict[str, Merge] = {}
        self._undone: set[str] = set()
        if self.path is not None and self.path.exists():
            for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise StoreError(f"{self.path}:{n}: not a JSON line: {exc}") from exc
                if "undo" in data:
                    self._undone.add(str(data["undo"]))
                else:
                    merge = Merge.from_json(data)
                    self._merges[merge.id] = merge

    def _append(self, line: str) -> None:
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")

    def record(self, merge: Merge) -> None:
        """Append a merge (a merge already recorded is not written twice)."""
        if merge.id in self._merges:
            return
        self._merges[merge.id] = merge
        self._append(merge.to_json())

    def blocked(self, article: str, from_key: str, into_key: str) -> bool:
        """Whether this merge was undone, so must not be made again."""
        return merge_id(article, from_key, into_key) in self._undone

    def active(self) -> list[Merge]:
        """The merges in force, oldest first."""
        return [m for m in self._merges.values() if m.id not in self._undone]

    def undo(self, merge_id_: str) -> Merge:
        """Mark a merge undone and return it.

        Raises:
            NotFoundError: No active merge has this id.
        """
        merge = self._merges.get(merge_id_)
        if merge is None or merge_id_ in self._undone:
            raise NotFoundError("merge", merge_id_)
        self._undone.add(merge_id_)
        self._append(json.dumps({"undo": merge_id_}))
        return merge

    def __iter__(self) -> Iterator[Merge]:
        return iter(self.active())


def merge_id(article: str, from_key: str, into_key: str) -> str:
    """The stable id of a merge."""
    return hashlib.sha1(f"{article}|{from_key}|{into_key}".encode()).hexdigest()[:12]


def _match(e: Entity, index: EntityIndex) -> tuple[KnownEntity, str, float] | None:
    """Find the stored entity ``e`` is, by name variants, surname or fuzzy score (same type only)."""
    for name in (e.label, *e.aliases):
        found = [k for k in index.by_name(e.type, name) if k.key != e.key]
        if len(found) == 1:
            same = fold(name) in {fold(found[0].label), *(fold(a) for a in found[0].aliases)}
            return found[0], "exact" if same else "transliteration", 1.0
    words = e.label.split()
    if e.type is EntityType.PERSON and len(words) == 1:
        people = index.by_surname(words[0])
        if len(people) == 1:
            return people[0], "surname", 1.0
    pool = index.names(e.type)
    folded = fold(e.label)
    if pool and len(folded) >= 5 and e.type is not EntityType.PLACE:
        best = process.extractOne(folded, pool.keys(), scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD)
        if best is not None:
            key = pool[best[0]]
            known = index.get(key)
            if known is not None and known.key != e.key:
                return known, "fuzzy", round(float(best[1]) / 100, 3)
    return None


def resolve_across(x: Extraction, index: EntityIndex, log: MergeLog | None = None) -> Extraction:
    """Re-key an article's new entities onto stored ones they match, recording each merge.

    Entities whose key is already stored are left alone (keys are stable); places
    linked to GeoNames already have stable keys and are not fuzzy-matched. The
    article's own name for a merged entity is kept as an alias.

    Args:
        x: One article's extraction.
        index: The entities stored so far; updated with this article's entities.
        log: Where merges are recorded; undone merges are not made again.

    Returns:
        The extraction with merged keys replaced everywhere they occur.
    """
    renames: dict[str, str] = {}
    merged: dict[str, Entity] = {}
    for e in x.entities:
        if index.get(e.key) is not None or e.same_as:
            continue
        match = _match(e, index)
        if match is None:
            continue
        known, method, score = match
        if log is not None and log.blocked(x.article.id, e.key, known.key):
            continue
        renames[e.key] = known.key
        first = next((m for m in x.mentions if m.entity == e.key), None)
        evidence = (first.start, first.end, first.text) if first else (0, 0, "")
        if log is not None:
            log.record(
                Merge(
                    merge_id(x.article.id, e.key, known.key),
                    x.article.id,
                    e.type,
                    e.key,
                    known.key,
                    e.label,
                    known.label,
                    method,
                    score,
                    evidence,
                )
            )
        aliases = tuple(sorted(set(e.aliases) | ({e.label} - {known.label})))
        merged[e.key] = replace(e, key=known.key, label=known.label, aliases=aliases)
    out = _rekey(x, renames, merged) if renames else x
    for e in out.entities:
        index.add(e)
    return out


def _rekey(x: Extraction, renames: dict[str, str], merged: dict[str, Entity]) -> Extraction:
    def k(key: str | None) -> str | None:
        return renames.get(key, key) if key is not None else None

    entities: dict[str, Entity] = {}
    for e in x.entities:
        new = merged.get(e.key, e)
        new = replace(new, country=k(new.country))
        old = entities.get(new.key)
        if old is not None:
            new = replace(old, aliases=tuple(sorted(set(old.aliases) | set(new.aliases))))
        entities[new.key] = new
    return replace(
        x,
        entities=tuple(entities.values()),
        mentions=tuple(replace(m, entity=renames.get(m.entity, m.entity)) for m in x.mentions),
        relations=tuple(
            replace(r, subject=renames.get(r.subject, r.subject), object=renames.get(r.object, r.object))
            for r in x.relations
        ),
        events=tuple(
            replace(
                ev,
                place=k(ev.place),
                participants=tuple(replace(p, entity=renames.get(p.entity, p.entity)) for p in ev.participants),
            )
            for ev in x.events
        ),
    )


def merge_log_path(store: str) -> Path:
    """Where the merge log of a store lives: beside an embedded store's directory.

    For a remote store (a URL) it is ``./kg-merges.jsonl``.

    >>> merge_log_path("./kg-data").name
    'kg-data.merges.jsonl'
    """
    if store.startswith(("http://", "https://")):
        return Path("kg-merges.jsonl")
    path = Path(store)
    return path.with_name(path.name + ".merges.jsonl")


class Resolver:
    """Cross-article resolution for one ingest run: an index kept up to date, and the merge log.

    Args:
        index: The entities known so far.
        log: Where merges are recorded.
    """

    def __init__(self, index: EntityIndex, log: MergeLog) -> None:
        self.index = index
        self.log = log

    @classmethod
    def for_store(cls, store: Store, base: str, log_path: str | Path | None = None) -> Resolver:
        """Read the store's entities once and open the merge log at ``log_path``."""
        return cls(StoreEntityIndex(store, base), MergeLog(log_path))

    def __call__(self, x: Extraction) -> Extraction:
        """Resolve one extraction against everything resolved before it."""
        return resolve_across(x, self.index, self.log)


def undo_merge(store: Store, log: MergeLog, merge_id_: str, base: str) -> Merge:
    """Undo a merge: the article's graph uses its own key again, and the merge stays blocked.

    Args:
        store: The store holding the article.
        log: The merge log.
        merge_id_: The id ``kg merges`` lists.
        base: The data base IRI.

    Raises:
        NotFoundError: No active merge has this id.

    Notes:
        Reads the store's quads once to find the article's graph: O(store size).
    """
    import pyoxigraph as ox

    from kg.rdf import article_iri, entity_iri

    merge = log.undo(merge_id_)
    graph = article_iri(base, merge.article)
    into = ox.NamedNode(entity_iri(base, merge.into_key))
    back = ox.NamedNode(entity_iri(base, merge.from_key))
    label_pred = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

    def swap(
        term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        return back if term == into else term

    quads: list[ox.Quad] = []
    for q in store.quads():
        if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value != graph:
            continue
        if q.subject == into and q.predicate == label_pred:
            quads.append(ox.Quad(back, label_pred, ox.Literal(merge.from_label), q.graph_name))
            continue
        quads.append(ox.Quad(swap(q.subject), q.predicate, swap(q.object), q.graph_name))  # type: ignore[arg-type]
    if quads:
        # The rewritten graph keeps its content hash: the store marks it for the entity
        # summary before writing, so even a crash before the summary update leaves it
        # to be recomputed.
        store.put_articles([(graph, quads)])
    return merge
