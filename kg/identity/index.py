"""The entities already known, as cross-article resolution looks them up.

:class:`EntityIndex` is all resolution asks of a store: entities by key, by a name
that identifies them (:func:`identifying_names`), by surname, the fuzzy-match pool,
the entities mentioned with each, and the corpus's type vote per name
(:class:`kg.identity.types.TypeVote`).
:class:`MemoryEntityIndex` holds them in memory; :class:`StoreEntityIndex` fills one
from a store once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from kg.extract.gazetteer import fold
from kg.identity.names import given_names_agree, is_acronym, split_person, translit_key
from kg.identity.types import TypeVote
from kg.records import Entity, EntityType

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["EntityIndex", "KnownEntity", "MemoryEntityIndex", "StoreEntityIndex", "identifying_names"]


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

    @property
    def types(self) -> TypeVote:
        """The corpus's type vote per name (:mod:`kg.identity.types`)."""
        ...

    def knows_surname(self, word: str) -> bool:
        """Whether a person known by a full name (a given name first) has ``word`` as surname."""
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
        self._types = TypeVote()
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

    @property
    def types(self) -> TypeVote:
        """The corpus's type vote per name (:mod:`kg.identity.types`)."""
        return self._types

    def knows_surname(self, word: str) -> bool:
        """Whether a person known by a full name (a given name first) has ``word`` as surname."""
        return any(len(split_person(k.label)[0]) > 1 for k in self._by_surname.get(translit_key(word), ()))

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
        from kg import sparql, summary
        from kg.namespace import KG_NS, RDFS, SKOS

        types = {f"{KG_NS}{t.value}": t for t in EntityType}
        values = sparql.iris(types)
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
