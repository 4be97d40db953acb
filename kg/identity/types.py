"""One type per name: the corpus's vote, weighted by confidence and by the strength of each article's cue.

A tagger that reads one article at a time calls "Ruch Chorzow" a person in a results
table and a club in a report. Identity decides a name's type once, from every
article that names it (:class:`TypeVote`, kept in the entity index):

* each article adds, for each of its names and the type it gave it, its best
  confidence, weighted by whether that typing rests on a **strong cue**
  (:func:`strong_typings`): for a person a given name a list knows followed by a
  surname ("Gordon Brown"), a title just before a mention ("Mr Brown", "coach
  Brown"), or a relation only a person can have (``residentOf``'s subject); for an
  organisation a word that names one ("... United Football Club", "Bank of ...",
  "Labour Party"), an acronym, or a relation a person cannot have (the object of
  ``playsFor``); for a place a relation only a place can have (``locatedIn``'s
  object). Anything else is the tagger alone: weak, worth :data:`WEAK_WEIGHT` of its
  confidence;
* a type's score is its weighted confidence in all times its mean per article
  (:meth:`Tally.score`): many articles count, and so does how good each is, so ten
  results tables that guess a name is a person do not outweigh four reports of it;
* :func:`decide` gives a **weakly** typed entity the winning type, between a person
  and an organisation or place (organisation and place are not forced together:
  "Chelsea" the club and "Chelsea" the district stay two entities). A strongly typed
  entity keeps its type. When two types of a name both have strong articles, the
  contexts really show two things (a person and a club of one name): the two stay
  two entities with two IRIs, and a weakly typed mention of the name keeps the type
  its article gave it.

The vote is applied twice by :mod:`kg.identity.resolve`: to each new article as it
is resolved (the articles of its batch counted first), and at the end of the run to
every article of the run whose weak typing the final vote overturns (rewritten once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.gazetteer import fold
from kg.extract.names import ORG_HEADS, ORG_WORDS, TITLES, given_names
from kg.identity.conform import allowed_types
from kg.identity.names import is_acronym, split_person
from kg.records import Entity, EntityType, Extraction

__all__ = ["WEAK_WEIGHT", "Tally", "TypeVote", "decide", "has_org_word", "strong_typings"]

#: What an article's typing that rests on the tagger alone weighs, against 1 for one with a strong cue.
WEAK_WEIGHT = 0.5

_PERSON = frozenset({EntityType.PERSON})
_TITLE_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")


@dataclass(frozen=True, slots=True)
class Tally:
    """The articles that gave one name one type: how many, how many on a strong cue, their weighted confidence."""

    articles: int = 0
    strong: int = 0
    mass: float = 0.0

    def plus(self, confidence: float, strong: bool) -> Tally:
        """This tally with one more article."""
        weight = confidence if strong else confidence * WEAK_WEIGHT
        return Tally(self.articles + 1, self.strong + int(strong), self.mass + weight)

    @property
    def score(self) -> float:
        """Weighted confidence in all times its mean per article: the amount of evidence times its quality."""
        return self.mass * self.mass / self.articles if self.articles else 0.0


class TypeVote:
    """Per folded name, per type, the :class:`Tally` of the articles that gave the name that type."""

    def __init__(self) -> None:
        self._tallies: dict[str, dict[EntityType, Tally]] = {}

    def add(self, name: str, etype: EntityType, confidence: float, strong: bool) -> None:
        """Count one article that typed ``name`` as ``etype`` with ``confidence`` (its best mention's)."""
        bucket = self._tallies.setdefault(fold(name), {})
        bucket[etype] = bucket.get(etype, Tally()).plus(confidence, strong)

    def count(self, x: Extraction, strong: frozenset[str]) -> None:
        """Count one article: each (name, type) once, with its best confidence, strong if any entity of it is."""
        best: dict[tuple[str, EntityType], tuple[float, bool]] = {}
        for e in x.entities:
            k = (e.label, e.type)
            conf, was = best.get(k, (0.0, False))
            best[k] = (max(conf, e.confidence), was or e.key in strong)
        for (name, etype), (conf, is_strong) in best.items():
            self.add(name, etype, conf, is_strong)

    def tally(self, name: str) -> dict[EntityType, Tally]:
        """The tallies of ``name`` by type (empty when no article named it)."""
        return dict(self._tallies.get(fold(name), {}))


def has_org_word(label: str) -> bool:
    """Whether a name says it is an organisation: a word that heads one, or an acronym."""
    words = fold(label).split()
    if not words:
        return False
    return is_acronym(label) or words[-1] in ORG_WORDS or words[-1] in ORG_HEADS or words[0] in ORG_WORDS


def _titled(x: Extraction, key: str) -> bool:
    """Whether a mention of ``key`` follows a title ("Mr Brown", "coach Brown", "President Brown")."""
    text = x.article.text
    for m in x.mentions:
        if m.entity != key:
            continue
        before = _TITLE_BEFORE.search(text[max(0, m.start - 24) : m.start])
        if before is not None and before.group(1).lower() in TITLES:
            return True
    return False


def strong_typings(x: Extraction) -> frozenset[str]:
    """The keys of the article's entities whose type rests on a strong cue (see the module doc).

    A bare surname is weak even when the corpus knows a person of that surname:
    "Williams" the racing team and a dozen Williamses share it.
    """
    allowed = allowed_types(x)
    given = given_names()
    out: set[str] = set()
    for e in x.entities:
        etype, rel = e.type, allowed.get(e.key)
        if rel is not None and etype in rel and (rel == frozenset({etype}) or EntityType.PERSON not in rel):
            out.add(e.key)  # a relation only this type (or anything but a person) can have
        elif etype is EntityType.PERSON:
            first, _ = split_person(e.label)
            words = e.label.split()
            if (len(words) > 1 and first and (not given or first in given)) or _titled(x, e.key):
                out.add(e.key)
        elif etype is EntityType.ORGANISATION and has_org_word(e.label):
            out.add(e.key)
    return frozenset(out)


def decide(e: Entity, strong: bool, vote: TypeVote) -> tuple[EntityType, tuple[str, ...]] | None:
    """The type the corpus gives an entity its article typed weakly, when it is another; with the vote as reasons.

    Only a person against an organisation or a place is decided here (see the module
    doc); a strongly typed entity, or a name two of whose types have strong articles
    (two things of one name), keeps its type.
    """
    if strong or e.same_as or e.type is EntityType.PLACE:
        return None
    tallies = vote.tally(e.label)
    mine = tallies.get(e.type, Tally())
    rivals = (
        [t for t in tallies if t is not EntityType.PERSON]
        if e.type is EntityType.PERSON
        else [EntityType.PERSON]
        if EntityType.PERSON in tallies
        else []
    )
    if not rivals:
        return None
    other = max(rivals, key=lambda t: (tallies[t].score, t.value))
    theirs = tallies[other]
    if theirs.score <= mine.score or (mine.strong and theirs.strong):
        return None
    reasons = tuple(
        f"{t.articles} article(s) say {etype.value} ({t.strong} on a strong cue, weighted confidence {t.mass:.2f})"
        for etype, t in sorted(tallies.items(), key=lambda kv: (-kv[1].score, kv[0].value))
    )
    return other, reasons
