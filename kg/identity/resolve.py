"""Identity across articles: stable keys, merges on evidence, a log that can undo them.

(Aliases within one article are :mod:`kg.extract.aliases`.) Across articles
(:func:`resolve_across`), each article's entities go through four steps:

1. Labels: a person's label loses a title, nationality or neighbour's name glued to
   it ("PM Tony Blair" -> "Tony Blair", :func:`kg.identity.names.canonical_person_label`).
2. Type: a name the article typed as a person on weak evidence whose relations in
   the article all need another type (the object of ``playsFor`` is an organisation),
   or whose name or neighbouring words say organisation ("Ontario-based Magna"), is
   that organisation; then each entity takes the type the corpus's vote gives its name
   (:mod:`kg.identity.types`: confidence weighted by each article's cue), in either
   direction between a person and an organisation or place (a ``type`` merge).
3. Identity, within one type: equal names and transliteration variants (Zelensky /
   Zelenskyy); for people only when the given names agree (:mod:`kg.identity.names`: never
   Gordon Brown and Craig Brown); a fuzzy match (rapidfuzz) above
   :data:`FUZZY_THRESHOLD` under the same guard. Acronyms and bare surnames are not
   names that identify across articles. A bare surname the article did not introduce
   (an article that did introduce it grouped it already) joins a known person with
   that surname only when the contexts agree: at least :data:`CONTEXT_MIN` entities
   mentioned with both, more than with any other candidate; otherwise it stays an
   entity of its article alone (its key carries the article), with lowered confidence.
4. Conformance: a relation whose ends do not have the types the ontology's domain
   and range give it is dropped (``organisation residentOf place`` would make the
   organisation a person too), and so is an event place that is not a place.

A copy of an earlier article (:mod:`kg.identity.copies`) shares that article's scope, so
its bare names land on the same entities, its events take the original's keys, and
it records ``duplicate_of``. Every merge is written to the merge log
(:mod:`kg.identity.mergelog`) with its
method, score and evidence (and, for context merges, the shared entities);
``kg merges`` lists them and ``kg unmerge ID`` undoes one. Conformance is
:mod:`kg.identity.conform`, the index of known entities :mod:`kg.identity.index`.

Ingest makes one :class:`Resolver` per run and passes every extraction through it
before writing it::

    resolver = Resolver.for_store(store, base, merge_log_path(settings.store))
    extractions = [resolver(x) for x in extract_many(todo)]
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from kg.extract.gazetteer import fold, slug
from kg.extract.names import given_names
from kg.identity.conform import conform, needed_types
from kg.identity.copies import ShingleIndex, signature
from kg.identity.index import EntityIndex, KnownEntity, MemoryEntityIndex, StoreEntityIndex, identifying_names
from kg.identity.mergelog import Merge, MergeLog, merge_id
from kg.identity.names import canonical_person_label, given_names_agree, is_acronym, split_person
from kg.identity.types import STRONG, decide, org_cue, strong_typings, typing_weights
from kg.records import Entity, EntityType, Event, Extraction

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "CONTEXT_MIN",
    "FUZZY_THRESHOLD",
    "LONE_SURNAME_FACTOR",
    "REVISE_KEEP",
    "Resolver",
    "local_identity",
    "resolve_across",
]

#: Lowest rapidfuzz ``token_sort_ratio`` (0-100) that merges two names of one type.
FUZZY_THRESHOLD = 92.0

#: Entities a bare surname's article must share with a known person to join them.
CONTEXT_MIN = 2

#: Confidence factor of a bare surname that joined no one across articles.
LONE_SURNAME_FACTOR = 0.6

#: Articles a run keeps in memory to revise their weakly typed names at its end (the oldest are let go).
REVISE_KEEP = 20_000


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
    rewritten: dict[str, Entity] = {}
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
        rewritten[e.key] = replace(e, key=key, label=label, aliases=aliases)
    return renames, rewritten


def _retype(
    e: Entity, strong: bool, scope: str, index: EntityIndex
) -> tuple[KnownEntity, float, tuple[str, ...]] | None:
    """The entity of another type a weakly typed name is, by the corpus's type vote (:func:`kg.identity.types.decide`).

    The entity is the one known entity of that type with the name, else a new one
    (a bare surname's key carries its article, like any bare surname's); a place must
    be known, its key being a GeoNames link.
    """
    decided = decide(e, strong, index.types)
    if decided is None:
        return None
    other, reasons = decided
    if other is EntityType.PERSON and len(e.label.split()) == 1:
        known = KnownEntity(_scoped(f"{other.slug}/{slug(e.label)}", scope), other, e.label)
    else:
        found = index.by_name(other, e.label)
        if len(found) == 1:
            known = found[0]
        elif not found and other is not EntityType.PLACE:
            known = KnownEntity(f"{other.slug}/{slug(e.label)}", other, e.label)
        else:
            return None
    tallies = index.types.tally(e.label)
    theirs, mine = tallies[other].score, tallies[e.type].score if e.type in tallies else 0.0
    return known, round(theirs / (theirs + mine), 3) if theirs + mine else 1.0, reasons


def _retype_by_relations(
    x: Extraction, index: EntityIndex, log: MergeLog | None
) -> tuple[dict[str, str], dict[str, Entity]]:
    """Weak persons the article itself says are something else take that type.

    Either all their relations need one other type ("a striker for Ruch Chorzow": the
    object of ``playsFor``), or the name or its mentions say it is an organisation's
    (:func:`kg.identity.types.org_cue`: "Finance Ministry", "Ontario-based Magna",
    "Everton defender", "Douglas & Lomason"). The entity becomes the one known
    entity of that type with its name, else a new entity of that type; with a ``log``
    (not in a worker's :func:`local_identity`) a ``type`` merge naming the reason is
    recorded.
    """
    renames: dict[str, str] = {}
    rewritten: dict[str, Entity] = {}
    needed = needed_types(x)
    strong = strong_typings(x)
    for e in x.entities:
        if e.type is not EntityType.PERSON or e.same_as or e.key in strong:
            continue
        other = needed.get(e.key) if _is_weak_person(e) else None
        if other is not None:
            preds = sorted({r.predicate for r in x.relations if e.key in (r.subject, r.object)})
            reasons = (f"{', '.join(preds)} in the article need(s) {other.value}",)
        elif org_cue(x, e):
            other = EntityType.ORGANISATION
            reasons = ("the name or the words around it in the article say organisation",)
        else:
            continue
        found = index.by_name(other, e.label)
        known = found[0] if len(found) == 1 else KnownEntity(f"{other.slug}/{slug(e.label)}", other, e.label)
        if _record(log, x, e, known, "type", 0.6, reasons):
            renames[e.key] = known.key
            rewritten[e.key] = _onto(e, known)
    return renames, rewritten


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
        vote: Count this article in the type vote before deciding (a caller
            that counted it already, with its whole batch, passes ``False``).

    Returns:
        The extraction with merged keys replaced everywhere they occur, and only
        relations its entities' types allow.
    """
    scope = scope or x.article.id
    renames, rewritten = _clean_labels(x, index)
    if renames:
        x = _rekey(x, renames, rewritten)
    renames, rewritten = _retype_by_relations(x, index, log)
    if renames:
        x = _rekey(x, renames, rewritten)
    weights = typing_weights(x, index.knows_surname)
    strong = frozenset(k for k, w in weights.items() if w >= STRONG)
    if vote:
        index.types.count(x, weights)
    context = frozenset(e.key for e in x.entities if not _is_bare(e))
    renames = {}
    rewritten = {}
    for e in x.entities:
        retyped = _retype(e, e.key in strong, scope, index)
        if retyped is not None:
            known, score, reasons = retyped
            if _record(log, x, e, known, "type", score, reasons):
                renames[e.key] = known.key
                rewritten[e.key] = _onto(e, known)
                continue
        if _is_bare(e):
            found = _bare_match(e, context - {e.key}, index)
            if found is not None:
                known, score, reasons = found
                if _record(log, x, e, known, "context", score, reasons):
                    renames[e.key] = known.key
                    rewritten[e.key] = _onto(e, known)
                    continue
            key = _scoped(f"{e.type.slug}/{slug(e.label)}", scope)
            if key != e.key:  # an extraction that went through local_identity in a worker is scoped already
                renames[e.key] = key
                factor = (
                    1.0 if e.key == _scoped(f"{e.type.slug}/{slug(e.label)}", x.article.id) else LONE_SURNAME_FACTOR
                )
                rewritten[e.key] = replace(e, key=key, confidence=round(e.confidence * factor, 3))
            continue
        if index.get(e.key) is not None or e.same_as:
            continue
        match = _match(e, index)
        if match is None:
            continue
        known, method, score, reasons = match
        if _record(log, x, e, known, method, score, reasons):
            renames[e.key] = known.key
            rewritten[e.key] = _onto(e, known)
    out = _rekey(x, renames, rewritten) if renames else x
    out = conform(out)
    keys = [e.key for e in out.entities]
    for e in out.entities:
        index.add(e, keys)
    return out


def local_identity(x: Extraction) -> Extraction:
    """The part of :func:`resolve_across` one article decides alone: labels, bare names' keys, conformance.

    Workers run it after extraction, so the single process that resolves across
    articles re-serialises an article only when the corpus changes something.
    """
    return resolve_across(x, MemoryEntityIndex(), None)


def _revisable(e: Entity) -> bool:
    """Whether the type vote may retype ``e``: a person or an organisation not linked to an external entity."""
    return e.type is not EntityType.PLACE and not e.same_as


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


def _rekey(x: Extraction, renames: dict[str, str], rewritten: dict[str, Entity]) -> Extraction:
    def k(key: str | None) -> str | None:
        return renames.get(key, key) if key is not None else None

    entities: dict[str, Entity] = {}
    for e in x.entities:
        new = rewritten.get(e.key, e)
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
        # articles with a weakly typed person or organisation that the run's final vote may retype:
        # id -> the extraction as written, and the keys of its strongly typed entities
        self._weak: OrderedDict[str, tuple[Extraction, frozenset[str]]] = OrderedDict()

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
        else:
            out = self._as_copy(out, original)
        self._keep(out)
        return out

    def _keep(self, out: Extraction) -> None:
        """Keep an article as written when the run's final vote may retype one of its weakly typed names."""
        strong = strong_typings(out)
        self._weak.pop(out.article.id, None)
        if any(_revisable(e) for e in out.entities):
            self._weak[out.article.id] = (out, strong)
            while len(self._weak) > REVISE_KEEP:
                self._weak.popitem(last=False)

    def revise(self) -> list[Extraction]:
        """Retype the run's weakly typed names by the whole run's vote; return the articles that changed.

        A type decided one article at a time can only follow the articles before it
        (and its batch), so a name a table typed a person before the corpus called it
        a club would stay a person there. At the end of a run each article of the run
        that typed a person or an organisation on weak evidence is decided again by
        the final vote (:func:`kg.identity.types.decide`), in either direction; an
        entity it retypes is a ``type`` merge in the log, and the article is returned
        once, with its relations checked for conformance anew, to be written again.
        """
        out: list[Extraction] = []
        for article, (x, strong) in list(self._weak.items()):
            renames: dict[str, str] = {}
            rewritten: dict[str, Entity] = {}
            scope = x.duplicate_of or article
            for e in x.entities:
                found = _retype(e, e.key in strong, scope, self.index) if _revisable(e) else None
                if found is None:
                    continue
                known, score, reasons = found
                if _record(self.log, x, e, known, "type", score, reasons):
                    renames[e.key] = known.key
                    rewritten[e.key] = _onto(e, known)
            if not renames:
                continue
            revised = conform(_rekey(x, renames, rewritten))
            for e in revised.entities:
                self.index.add(e)
            self._weak[article] = (revised, strong_typings(revised))
            out.append(revised)
        return out

    def batch(self, xs: Sequence[Extraction]) -> list[Extraction]:
        """Resolve a batch in order, each of its articles counted in the type vote before any is resolved."""
        for x in xs:
            self.index.types.count(x, typing_weights(x, self.index.knows_surname))
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
