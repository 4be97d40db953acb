"""Identity across articles: stable keys, merges on evidence, a log that can undo them.

(Aliases within one article are :mod:`kg.extract.aliases`.) Across articles
(:func:`resolve_across`), each article's entities go through four steps:

1. Labels: a person's label loses a title, nationality or neighbour's name glued to
   it ("PM Tony Blair" -> "Tony Blair", :func:`kg.identity.canonical_person_label`).
2. Type: a name the article typed as a person on weak evidence (one word, or no
   known given name first) that the corpus so far calls an organisation or a place,
   by a clear majority of articles, is that organisation or place (a ``type`` merge).
3. Identity, within one type: equal names and transliteration variants (Zelensky /
   Zelenskyy); for people only when the given names agree (:mod:`kg.identity`: never
   Gordon Brown and Craig Brown); a fuzzy match (rapidfuzz) above
   :data:`FUZZY_THRESHOLD` under the same guard. Acronyms and bare surnames are not
   names that identify across articles. A bare surname the article did not introduce
   (an article that did introduce it grouped it already) joins a known person with
   that surname only when the contexts agree: at least :data:`CONTEXT_MIN` entities
   mentioned with both, more than with any other candidate; otherwise it stays an
   entity of its article alone (its key carries the article), with lowered confidence.
4. Conformance: a relation whose ends do not have the types the ontology's domain
   and range give it is dropped (``person affiliatedWith place/toyota`` would make
   Toyota a place and an organisation), and so is an event place that is not a place.

A copy of an earlier article (:mod:`kg.duplicates`) shares that article's scope, so
its bare names land on the same entities, its events take the original's keys, and
it records ``duplicate_of``. Every merge is written to the :class:`MergeLog` with its
method, score and evidence (and, for context merges, the shared entities);
``kg merges`` lists them and ``kg unmerge ID`` undoes one (:func:`undo_merge`).

Ingest makes one :class:`Resolver` per run and passes every extraction through it
before writing it::

    resolver = Resolver.for_store(store, base, merge_log_path(settings.store))
    extractions = [resolver(x) for x in extract_many(todo)]
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rapidfuzz import fuzz, process

from kg.duplicates import ShingleIndex, sidecar_path, signature
from kg.errors import NotFoundError, StoreError
from kg.extract.gazetteer import fold, slug
from kg.extract.names import given_names
from kg.identity import canonical_person_label, given_names_agree, is_acronym, split_person
from kg.records import Entity, EntityType, Event, Extraction

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "CONTEXT_MIN",
    "FUZZY_THRESHOLD",
    "LONE_SURNAME_FACTOR",
    "TYPE_VOTE_MIN",
    "TYPE_VOTE_RATIO",
    "EntityIndex",
    "KnownEntity",
    "MemoryEntityIndex",
    "Merge",
    "MergeLog",
    "Resolver",
    "StoreEntityIndex",
    "conform",
    "identifying_names",
    "local_identity",
    "merge_log_path",
    "resolve_across",
    "translit_key",
    "undo_merge",
]

#: Lowest rapidfuzz ``token_sort_ratio`` (0-100) that merges two names of one type.
FUZZY_THRESHOLD = 92.0

#: Entities a bare surname's article must share with a known person to join them.
CONTEXT_MIN = 2

#: Confidence factor of a bare surname that joined no one across articles.
LONE_SURNAME_FACTOR = 0.6

#: Articles giving a name another type, and how many times those giving it the article's type, that retype a weak person.
TYPE_VOTE_MIN = 3
TYPE_VOTE_RATIO = 2.0

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
        """Return entities of ``etype`` one of whose identifying names has the same :func:`translit_key`."""
        ...

    def by_surname(self, surname: str) -> list[KnownEntity]:
        """Return people whose multi-word label ends with ``surname`` (transliteration-folded)."""
        ...

    def names(self, etype: EntityType) -> dict[str, str]:
        """Return folded label -> key for every entity of ``etype`` (the fuzzy-match pool)."""
        ...

    def context(self, key: str) -> Counter[str]:
        """Return the entities mentioned with ``key`` so far, with the articles that did."""
        ...

    def votes(self, name: str) -> Counter[EntityType]:
        """Return how many articles so far gave ``name`` each type."""
        ...

    def vote(self, etype: EntityType, name: str) -> None:
        """Count one article that typed ``name`` as ``etype`` (from the vote over its mentions)."""
        ...

    def add(self, entity: Entity, context: Iterable[str] = ()) -> None:
        """Make an entity just resolved visible to the articles after it, with its article's other entities."""
        ...


def identifying_names(e: KnownEntity | Entity) -> list[str]:
    """The names of ``e`` that may identify it in another article.

    The label, and the aliases that are neither acronyms nor, for a person, a bare
    surname or a name whose given name disagrees with the label's.

    >>> identifying_names(KnownEntity("person/gordon-brown", EntityType.PERSON, "Gordon Brown", ("Brown", "G. Brown")))
    ['Gordon Brown', 'G. Brown']
    """
    names = [e.label]
    for alias in e.aliases:
        if is_acronym(alias) and not is_acronym(e.label):
            continue
        if e.type is EntityType.PERSON and (len(alias.split()) < 2 or not given_names_agree(alias, e.label)):
            continue
        names.append(alias)
    return names


class MemoryEntityIndex:
    """An :class:`EntityIndex` in memory; hashed look-ups, a per-type pool for fuzzy matching."""

    def __init__(self, entities: Iterable[KnownEntity] = ()) -> None:
        self._by_key: dict[str, KnownEntity] = {}
        self._by_name: dict[tuple[EntityType, str], list[KnownEntity]] = {}
        self._by_surname: dict[str, list[KnownEntity]] = {}
        self._pool: dict[EntityType, dict[str, str]] = {t: {} for t in EntityType}
        self._context: dict[str, Counter[str]] = {}
        self._votes: dict[str, Counter[EntityType]] = {}
        for e in entities:
            self._put(e)

    def _put(self, e: KnownEntity) -> None:
        old = self._by_key.get(e.key)
        if old is not None:
            e = replace(old, aliases=tuple(sorted(set(old.aliases) | set(e.aliases) | {e.label} - {old.label})))
        self._by_key[e.key] = e
        words = translit_key(e.label).split()
        bare = e.type is EntityType.PERSON and len(words) < 2
        if not bare:
            for name in identifying_names(e):
                bucket = self._by_name.setdefault((e.type, translit_key(name)), [])
                self._replace(bucket, e)
            self._pool[e.type][fold(e.label)] = e.key
        if e.type is EntityType.PERSON and len(words) > 1:
            self._replace(self._by_surname.setdefault(translit_key(split_person(e.label)[1]), []), e)

    @staticmethod
    def _replace(bucket: list[KnownEntity], e: KnownEntity) -> None:
        for i, k in enumerate(bucket):
            if k.key == e.key:
                bucket[i] = e
                return
        bucket.append(e)

    def get(self, key: str) -> KnownEntity | None:
        """Return the entity with this key, if known."""
        return self._by_key.get(key)

    def by_name(self, etype: EntityType, name: str) -> list[KnownEntity]:
        """Return entities of ``etype`` one of whose identifying names has the same :func:`translit_key`."""
        return list(self._by_name.get((etype, translit_key(name)), ()))

    def by_surname(self, surname: str) -> list[KnownEntity]:
        """Return people whose multi-word label ends with ``surname``."""
        return list(self._by_surname.get(translit_key(surname), ()))

    def names(self, etype: EntityType) -> dict[str, str]:
        """Return folded label -> key for every entity of ``etype``."""
        return self._pool[etype]

    def context(self, key: str) -> Counter[str]:
        """Return the entities mentioned with ``key`` so far (in this process), with the articles that did."""
        return self._context.get(key, Counter())

    def votes(self, name: str) -> Counter[EntityType]:
        """Return how many articles so far gave ``name`` each type."""
        return self._votes.get(fold(name), Counter())

    def vote(self, etype: EntityType, name: str) -> None:
        """Count one article that typed ``name`` as ``etype`` (from the vote over its mentions)."""
        self._votes.setdefault(fold(name), Counter())[etype] += 1

    def add(self, entity: Entity, context: Iterable[str] = ()) -> None:
        """Make an entity just resolved visible to the articles after it, with its article's other entities."""
        self._put(KnownEntity(entity.key, entity.type, entity.label, entity.aliases))
        others = [k for k in context if k != entity.key]
        if others:
            self._context.setdefault(entity.key, Counter()).update(others)


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
        method: ``exact``, ``transliteration``, ``variant`` (given names that are
            variants: initials, short forms), ``fuzzy``, ``context`` (a bare surname
            joined on shared entities) or ``type`` (a weak person name the corpus
            gives another type).
        score: The merge's confidence in [0, 1] (1.0 for equal folded names).
        evidence: The first mention of it in the article: ``(start, end, text)``.
        reasons: What supports the merge beyond the names: the entities both
            articles mention (``context``), the type vote (``type``), the given names
            (``variant``).
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
    reasons: tuple[str, ...] = ()

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
                "reasons": list(self.reasons),
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
            reasons=tuple(str(r) for r in data.get("reasons") or ()),  # type: ignore[attr-defined]
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


def _agree(e: Entity | KnownEntity, k: KnownEntity) -> bool:
    """Whether two entities of one type may be one: for people, every pair of full names agrees on the given name."""
    if e.type is not EntityType.PERSON:
        return True
    mine = [n for n in (e.label, *e.aliases) if len(n.split()) > 1]
    theirs = [n for n in (k.label, *k.aliases) if len(n.split()) > 1]
    return all(given_names_agree(a, b) for a in mine for b in theirs)


def _match(e: Entity, index: EntityIndex) -> tuple[KnownEntity, str, float, tuple[str, ...]] | None:
    """Find the stored entity ``e`` is, by name variants or fuzzy score (same type only, given names agreeing)."""
    for name in identifying_names(e):
        found = [k for k in index.by_name(e.type, name) if k.key != e.key and _agree(e, k)]
        if len(found) == 1:
            same = fold(name) in {fold(found[0].label), *(fold(a) for a in found[0].aliases)}
            return found[0], "exact" if same else "transliteration", 1.0, ()
    if e.type is EntityType.PERSON:
        given, surname = split_person(e.label)
        if not given:
            return None
        found = [k for k in index.by_surname(surname) if k.key != e.key and split_person(k.label)[0] and _agree(e, k)]
        if len(found) == 1:  # "G. Brown" or "Steve Brown" when one Gordon or Steven Brown is known
            return found[0], "variant", 0.9, (f"given names {given!r} / {split_person(found[0].label)[0]!r}",)
        if found:
            return None
    pool = index.names(e.type)
    folded = fold(e.label)
    if pool and len(folded) >= 5 and e.type is not EntityType.PLACE and not is_acronym(e.label):
        best = process.extractOne(folded, pool.keys(), scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD)
        if best is not None:
            known = index.get(pool[best[0]])
            person_ok = known is not None and (e.type is not EntityType.PERSON or bool(split_person(known.label)[0]))
            if known is not None and known.key != e.key and person_ok and _agree(e, known):
                return known, "fuzzy", round(float(best[1]) / 100, 3), ()
    return None


def _bare_match(
    e: Entity, context: frozenset[str], index: EntityIndex
) -> tuple[KnownEntity, float, tuple[str, ...]] | None:
    """The known person a bare surname is, when the articles share enough entities (and more than with any other)."""
    scored: list[tuple[int, str, KnownEntity, list[str]]] = []
    for k in index.by_surname(e.label):
        shared = sorted(context & index.context(k.key).keys())
        scored.append((len(shared), k.key, k, shared))
    if not scored:
        return None
    scored.sort(key=lambda t: (-t[0], t[1]))
    n, _, best, shared = scored[0]
    if n < CONTEXT_MIN or (len(scored) > 1 and scored[1][0] >= n):
        return None
    return best, round(min(0.9, 0.5 + 0.1 * n), 3), tuple(shared[:8])


def _scoped(key: str, scope: str) -> str:
    """The key of a name that stays an entity of one article (and of its copies)."""
    return f"{key}-{hashlib.sha1(scope.encode()).hexdigest()[:8]}"


@cache
def _demonyms() -> frozenset[str]:
    from kg.extract.gazetteer import load_gazetteer

    return frozenset(load_gazetteer().demonyms)


def _is_weak_person(e: Entity) -> bool:
    """Whether calling ``e`` a person rests on little: one word, or a first word no list knows as a given name."""
    given, _ = split_person(e.label)
    known = given_names()
    return not given or (bool(known) and given not in known)


def _clean_labels(x: Extraction, index: EntityIndex) -> tuple[dict[str, str], dict[str, Entity]]:
    """Canonical person labels: no title, nationality or neighbour's name glued in front."""
    renames: dict[str, str] = {}
    merged: dict[str, Entity] = {}
    people = [e for e in x.entities if e.type is EntityType.PERSON and not e.same_as]
    here = {e.label for e in people if len(e.label.split()) > 1}

    def known(name: str) -> bool:
        return name in here or bool(index.by_name(EntityType.PERSON, name))

    for e in people:
        names = [e.label, *e.aliases]
        if all(len(n.split()) < 2 for n in names):
            continue
        clean = {n: canonical_person_label(n, known, _demonyms(), given_names()) for n in names}
        if all(c == n for n, c in clean.items()):
            continue
        label = clean[e.label]
        aliases = tuple(sorted({c for c in clean.values() if c != label}))
        key = f"{e.type.slug}/{slug(label)}"
        renames[e.key] = key
        merged[e.key] = replace(e, key=key, label=label, aliases=aliases)
    return renames, merged


def _retype(e: Entity, counted: bool, index: EntityIndex) -> tuple[KnownEntity, float, tuple[str, ...]] | None:
    """The entity of another type a weakly typed name is, by the corpus's vote so far."""
    if e.same_as:
        return None
    if e.type is EntityType.PERSON:
        if not _is_weak_person(e):
            return None
    elif e.type is EntityType.ORGANISATION:
        if len(e.label.split()) < 2 or _is_weak_person(e):
            return None  # only "Gordon Brown" typed an organisation goes back to the people
    else:
        return None
    votes = index.votes(e.label)
    mine = votes[e.type] + (0 if counted else 1)
    for other, n in votes.most_common():
        if other is e.type or (e.type is not EntityType.PERSON and other is not EntityType.PERSON):
            continue
        if n >= TYPE_VOTE_MIN and n >= TYPE_VOTE_RATIO * mine:
            found = index.by_name(other, e.label)
            if len(found) == 1:
                share = round(n / (n + mine), 3)
                reasons = tuple(
                    f"{c} article(s) say {t.value}" for t, c in sorted(votes.items(), key=lambda tc: -tc[1])
                )
                return found[0], share, reasons
        break
    return None


@cache
def _signatures() -> dict[str, tuple[frozenset[EntityType] | None, frozenset[EntityType] | None]]:
    """Each kg property between entities -> the entity types its domain and range allow (``None``: any)."""
    from rdflib import RDF as RDF_
    from rdflib import RDFS as RDFS_
    from rdflib import URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import OWL
    from rdflib.term import Node

    from kg.namespace import KG_NS
    from kg.ontology import ontology_graph

    g = ontology_graph(with_event_types=False)
    classes = {URIRef(f"{KG_NS}{t.value}"): t for t in EntityType}

    def allowed(node: Node | None) -> frozenset[EntityType] | None:
        if node is None:
            return None
        if isinstance(node, URIRef):
            return frozenset({classes[node]}) if node in classes else None
        members = g.value(node, OWL.unionOf)
        if members is not None:
            items = [i for i in Collection(g, members) if isinstance(i, URIRef)]
            if items and all(i in classes for i in items):
                return frozenset(classes[i] for i in items)
        return None

    out: dict[str, tuple[frozenset[EntityType] | None, frozenset[EntityType] | None]] = {}
    for prop in g.subjects(RDF_.type, OWL.ObjectProperty):
        name = str(prop)
        if name.startswith(KG_NS):
            out[name[len(KG_NS) :]] = (allowed(g.value(prop, RDFS_.domain)), allowed(g.value(prop, RDFS_.range)))
    return out


def conform(x: Extraction) -> Extraction:
    """Drop what would give an entity a second type: relations whose ends the ontology types otherwise.

    A relation is kept when its subject's and object's types are in its predicate's
    domain and range (``affiliatedWith``: a person and an organisation); an event's
    place must be a place, and so must an entity's country.
    """
    types = {e.key: e.type for e in x.entities}
    sigs = _signatures()

    def fits(key: str, allowed: frozenset[EntityType] | None) -> bool:
        t = types.get(key)
        return allowed is None or t is None or t in allowed

    relations = tuple(
        r
        for r in x.relations
        if fits(r.subject, sigs.get(r.predicate, (None, None))[0])
        and fits(r.object, sigs.get(r.predicate, (None, None))[1])
    )
    place = frozenset({EntityType.PLACE})
    events = tuple(ev if ev.place is None or fits(ev.place, place) else replace(ev, place=None) for ev in x.events)
    entities = tuple(e if e.country is None or fits(e.country, place) else replace(e, country=None) for e in x.entities)
    if len(relations) == len(x.relations) and events == x.events and entities == x.entities:
        return x
    return replace(x, relations=relations, events=events, entities=entities)


def resolve_across(
    x: Extraction,
    index: EntityIndex,
    log: MergeLog | None = None,
    *,
    scope: str | None = None,
    vote: bool = True,
) -> Extraction:
    """Give an article's entities their corpus identity, recording each merge (see the module doc).

    Entities whose key is already stored are left alone (keys are stable), except
    bare surnames, which are never identified by key alone; places linked to
    GeoNames already have stable keys. The article's own name for a merged entity
    is kept as an alias.

    Args:
        x: One article's extraction.
        index: The entities stored so far; updated with this article's entities.
        log: Where merges are recorded; undone merges are not made again.
        scope: The article whose bare names this one's are (its own id, or the
            article it copies).
        vote: Count this article in the type vote (a caller that counted it
            already, with its whole batch, passes ``False``).

    Returns:
        The extraction with merged keys replaced everywhere they occur, and only
        relations its entities' types allow.
    """
    scope = scope or x.article.id
    renames, merged = _clean_labels(x, index)
    if renames:
        x = _rekey(x, renames, merged)
    context = frozenset(e.key for e in x.entities if not _is_bare(e))
    renames = {}
    merged = {}
    for e in x.entities:
        retyped = _retype(e, not vote, index)
        if retyped is not None:
            known, score, reasons = retyped
            if _record(log, x, e, known, "type", score, reasons):
                renames[e.key] = known.key
                merged[e.key] = _onto(e, known)
                continue
        if _is_bare(e):
            found = _bare_match(e, context - {e.key}, index)
            if found is not None:
                known, score, reasons = found
                if _record(log, x, e, known, "context", score, reasons):
                    renames[e.key] = known.key
                    merged[e.key] = _onto(e, known)
                    continue
            key = _scoped(f"{e.type.slug}/{slug(e.label)}", scope)
            if key != e.key:  # an extraction that went through local_identity in a worker is scoped already
                renames[e.key] = key
                factor = (
                    1.0 if e.key == _scoped(f"{e.type.slug}/{slug(e.label)}", x.article.id) else LONE_SURNAME_FACTOR
                )
                merged[e.key] = replace(e, key=key, confidence=round(e.confidence * factor, 3))
            continue
        if index.get(e.key) is not None or e.same_as:
            continue
        match = _match(e, index)
        if match is None:
            continue
        known, method, score, reasons = match
        if _record(log, x, e, known, method, score, reasons):
            renames[e.key] = known.key
            merged[e.key] = _onto(e, known)
    out = _rekey(x, renames, merged) if renames else x
    out = conform(out)
    keys = [e.key for e in out.entities]
    for e in out.entities:
        index.add(e, keys)
        if vote:
            index.vote(e.type, e.label)
    return out


def local_identity(x: Extraction) -> Extraction:
    """The part of :func:`resolve_across` one article decides alone: labels, bare names' keys, conformance.

    Workers run it after extraction, so the single process that resolves across
    articles re-serialises an article only when the corpus changes something.
    """
    return resolve_across(x, MemoryEntityIndex(), None)


def _is_bare(e: Entity) -> bool:
    return e.type is EntityType.PERSON and not e.same_as and len(e.label.split()) == 1


def _onto(e: Entity, known: KnownEntity) -> Entity:
    aliases = tuple(sorted(set(e.aliases) | ({e.label} - {known.label})))
    return replace(e, key=known.key, type=known.type, label=known.label, aliases=aliases)


def _record(
    log: MergeLog | None,
    x: Extraction,
    e: Entity,
    known: KnownEntity,
    method: str,
    score: float,
    reasons: tuple[str, ...],
) -> bool:
    """Log a merge unless it was undone before; whether to make it."""
    if log is not None and log.blocked(x.article.id, e.key, known.key):
        return False
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
                reasons,
            )
        )
    return True


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
        mentions=tuple(
            replace(m, entity=key, type=entities[key].type if key in entities else m.type)
            for m in x.mentions
            for key in (renames.get(m.entity, m.entity),)
        ),
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
    return sidecar_path(store, "merges")


def _beside(log_path: Path) -> Path:
    """The shingle index kept beside a merge log (``kg-data.merges.jsonl`` -> ``kg-data.shingles.jsonl``)."""
    name = log_path.name
    stem = name[: -len("merges.jsonl")] if name.endswith("merges.jsonl") else name + "."
    return log_path.with_name(stem + "shingles.jsonl")


class Resolver:
    """Cross-article resolution for one ingest run: an index kept up to date, the merge log, copies.

    Args:
        index: The entities known so far.
        log: Where merges are recorded.
        shingles: The index of article texts that finds copies (in memory when omitted).
    """

    def __init__(
        self,
        index: EntityIndex,
        log: MergeLog,
        shingles: ShingleIndex | None = None,
        stored: Callable[[str], bool] | None = None,
    ) -> None:
        self.index = index
        self.log = log
        self.shingles = shingles if shingles is not None else ShingleIndex()
        self._stored = stored
        self._events: dict[str, dict[tuple[str, str], Event]] = {}

    @classmethod
    def for_store(cls, store: Store, base: str, log_path: str | Path | None = None) -> Resolver:
        """Read the store's entities once, open the merge log at ``log_path`` and the shingle index beside it."""
        from kg.rdf import article_iri

        def stored(article: str) -> bool:
            iri = article_iri(base, article)
            return iri in store.article_digests([iri])

        shingles = ShingleIndex(_beside(Path(log_path)) if log_path is not None else None)
        return cls(StoreEntityIndex(store, base), MergeLog(log_path), shingles, stored)

    def __call__(self, x: Extraction, *, vote: bool = True) -> Extraction:
        """Resolve one extraction against everything resolved before it.

        An article the shingle index calls a copy of one the store no longer holds (or
        never held: the index of a remote store is a file in the working directory) is
        no copy.
        """
        sig = signature(x.article.text)
        original = self.shingles.find(x.article.id, sig)
        if original is not None and original not in self._events and self._stored and not self._stored(original):
            original = None
        scope = original or x.article.id
        out = resolve_across(x, self.index, self.log, scope=scope, vote=vote)
        self.shingles.add(x.article.id, sig, scope)
        if original is None:
            self._events[x.article.id] = {(ev.type, ev.evidence.text): ev for ev in out.events}
            return out
        return self._as_copy(out, original)

    def batch(self, xs: Sequence[Extraction]) -> list[Extraction]:
        """Resolve a batch in order, each of its articles counted in the type vote before any is resolved."""
        for x in xs:
            for e in x.entities:
                self.index.vote(e.type, e.label)
        out = [self(x, vote=False) for x in xs]
        self.shingles.flush()
        return out

    def _as_copy(self, x: Extraction, original: str) -> Extraction:
        """A copy's events take the original's keys and facts (keeping their own evidence)."""
        theirs = self._events.get(original, {})
        events = []
        for ev in x.events:
            same = theirs.get((ev.type, ev.evidence.text))
            events.append(ev if same is None else replace(same, evidence=ev.evidence))
        return replace(x, events=tuple(events), duplicate_of=original)


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
