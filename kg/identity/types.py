"""One type per name: the corpus's vote, weighted by confidence and by the strength of each article's cue.

A tagger that reads one article at a time calls "Ruch Chorzow" a person in a results
table and a club in a report. Identity decides a name's type once, from every
article that names it (:class:`TypeVote`, kept in the entity index):

* each article adds, for each of its names and the type it gave it, its best
  confidence times a weight for the cue it rests on (:func:`typing_weights`):
  :data:`STRONG` for a person named by a given name a list knows and a surname in
  running text ("Gordon Brown", not a table's "SAN DIEGO" nor a place's name), or
  after a title ("Mr Brown", "coach Brown"; not "former Yugoslavia" nor "St Louis"),
  and for an organisation whose name says so ("... Football Club", "Bank of ...",
  "Labour Party") or whose mention follows a class noun ("the club Velmora") or
  precedes a member's role ("Velmora striker", "Velmora shareholders"); :data:`WEAK_WEIGHT` for the tagger alone; :data:`NAMELESS_WEIGHT`
  for a person with no given name ("McLaren", "Ruch Chorzow") that is not the
  surname of a person the corpus knows by a full name: news introduces people by
  full name, so a person the tagger found without one is as often a club, a team or
  a firm. Relations are no cue: kg extracts them from the types the tagger gave, so
  a table's "SAN DIEGO" typed a person comes with ``affiliatedWith`` relations;
* a type's score is its weighted confidence in all times its mean per article
  (:attr:`Tally.score`): many articles count, and so does how good each is, so ten
  results tables that guess a name is a person do not outweigh four reports of it;
* :func:`decide` gives an entity the winning type, between a person and an
  organisation or place (organisation and place are not forced together: "Chelsea"
  the club and "Chelsea" the district stay two entities). An entity its article
  typed on a strong cue moves only when the other type scores :data:`STRONG_MARGIN`
  times its own. When two types of a name both have strong articles, neither's
  strong evidence :data:`STRONG_MARGIN` times the other's, the contexts show two
  things (a person and a club of one name): they stay two entities with two IRIs,
  and every mention keeps the type its article gave it.

The vote is applied twice by :mod:`kg.identity.resolve`: to each new article as it
is resolved (the articles of its batch counted first), and at the end of the run to
every article of the run whose weak typing the final vote overturns (rewritten once).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.extract.cues import PARTY_WORDS
from kg.extract.gazetteer import fold, load_gazetteer
from kg.extract.names import ORG_HEADS, ORG_WORDS, TITLES, given_names
from kg.extract.names import words as word_list
from kg.identity.names import split_person
from kg.records import Entity, EntityType, Extraction

__all__ = [
    "NAMELESS_WEIGHT",
    "ORG_CLASS_BEFORE",
    "ORG_ROLE_AFTER",
    "PERSON_TITLES",
    "STRONG",
    "STRONG_MARGIN",
    "WEAK_WEIGHT",
    "Tally",
    "TypeVote",
    "decide",
    "has_org_word",
    "org_cue",
    "strong_typings",
    "typing_weights",
]

#: What an article's typing weighs (times its confidence): on a strong cue, on the tagger alone, and for a
#: person the tagger found without a given name.
STRONG = 1.0
WEAK_WEIGHT = 0.5
NAMELESS_WEIGHT = 0.25

#: How many times the other type's score a strongly typed entity's own must be outdone by to move, and
#: the most one type's strong evidence may outweigh another's for the name to be two things.
STRONG_MARGIN = 4.0

#: Titles that say the next name is a person's. Not the adjectives and saints that :data:`TITLES` also strips
#: from a person's label ("former Yugoslavia", "St Louis", "Finance Ministry").
PERSON_TITLES = TITLES - frozenset(
    word_list(
        """st saint former late acting deputy foreign defence defense interior home finance shadow vice prime
        general major chair director officer agent"""
    )
)

#: A class noun just before a name ("the club Velmora", "Ontario-based Velmora") or a member's role or
#: a partner just after it ("Velmora striker", "Velmora shareholders", "Velmora & Co"): the name is an
#: organisation's. Not "spokesman": "a Blair spokesman".
ORG_CLASS_BEFORE = frozenset(
    word_list("club team side company firm group carmaker airline bank insurer broadcaster newspaper party based")
)
ORG_ROLE_AFTER = frozenset(
    word_list(
        """striker strikers defender defenders midfielder midfielders goalkeeper keeper winger forward
        teammate team-mate teammates drivers shareholders fans supporters &"""
    )
)

_TITLE_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
_WORD_AFTER = re.compile(r"^(?:['’]s)?\s+([A-Za-z-]+|&)")


@dataclass(frozen=True, slots=True)
class Tally:
    """The articles that gave one name one type: how many, how many on a strong cue, their weighted confidence."""

    articles: int = 0
    strong: int = 0
    mass: float = 0.0
    strong_mass: float = 0.0

    def plus(self, confidence: float, weight: float) -> Tally:
        """This tally with one more article, whose typing had ``confidence`` and a cue of ``weight``."""
        strong = weight >= STRONG
        return Tally(
            self.articles + 1,
            self.strong + int(strong),
            self.mass + confidence * weight,
            self.strong_mass + (confidence if strong else 0.0),
        )

    @property
    def score(self) -> float:
        """Weighted confidence in all times its mean per article: the amount of evidence times its quality."""
        return self.mass * self.mass / self.articles if self.articles else 0.0


class TypeVote:
    """Per folded name, per type, the :class:`Tally` of the articles that gave the name that type."""

    def __init__(self) -> None:
        self._tallies: dict[str, dict[EntityType, Tally]] = {}

    def add(self, name: str, etype: EntityType, confidence: float, weight: float) -> None:
        """Count one article that typed ``name`` as ``etype`` with ``confidence`` (its best mention's) on a cue of ``weight``."""
        bucket = self._tallies.setdefault(fold(name), {})
        bucket[etype] = bucket.get(etype, Tally()).plus(confidence, weight)

    def count(self, x: Extraction, weights: dict[str, float]) -> None:
        """Count one article: each (name, type) once, with its best confidence and its best cue's weight."""
        best: dict[tuple[str, EntityType], tuple[float, float]] = {}
        for e in x.entities:
            k = (e.label, e.type)
            conf, weight = best.get(k, (0.0, 0.0))
            best[k] = (max(conf, e.confidence), max(weight, weights.get(e.key, WEAK_WEIGHT)))
        for (name, etype), (conf, weight) in best.items():
            self.add(name, etype, conf, weight)

    def tally(self, name: str) -> dict[EntityType, Tally]:
        """The tallies of ``name`` by type (empty when no article named it)."""
        return dict(self._tallies.get(fold(name), {}))


def has_org_word(label: str) -> bool:
    """Whether a name says it is an organisation: a word that heads one ("... Football Club", "Bank of ...", "Labour").

    An acronym does not: a results table's capitals ("ST LOUIS 68 61") look like one.
    """
    words = fold(label).split()
    if not words:
        return False
    if words[-1] in ORG_WORDS or words[-1] in ORG_HEADS or words[0] in ORG_WORDS:
        return True
    # "Labour", "Lib Dems", "the Tories"; not "Mary Labour", whose given name makes her a person
    return words[-1] in PARTY_WORDS and (len(words) == 1 or words[0] not in given_names())


def _full_name(label: str) -> bool:
    """A given name a list knows and a surname, in running text: not a table's capitals, not a place's name."""
    words = label.split()
    first, _ = split_person(label)
    if len(words) < 2 or not first or len(first) < 2 or label.isupper() or has_org_word(label):
        return False
    given = given_names()
    if given and fold(first) not in given:
        return False
    return fold(words[0].rstrip(".")) not in TITLES and not load_gazetteer().is_primary(label)


def _titled(x: Extraction, key: str) -> bool:
    """Whether a mention of ``key`` follows a title ("Mr Brown", "coach Brown", "President Brown")."""
    text = x.article.text
    for m in x.mentions:
        if m.entity != key:
            continue
        before = _TITLE_BEFORE.search(text[max(0, m.start - 24) : m.start])
        if before is not None and before.group(1).lower() in PERSON_TITLES:
            return True
    return False


def _classed(x: Extraction, key: str) -> bool:
    """Whether a mention of ``key`` follows a class noun or precedes a member's role (see :data:`ORG_CLASS_BEFORE`)."""
    text = x.article.text
    for m in x.mentions:
        if m.entity != key:
            continue
        before = _TITLE_BEFORE.search(text[max(0, m.start - 24) : m.start])
        after = _WORD_AFTER.search(text[m.end : m.end + 24])
        if (before is not None and before.group(1).lower() in ORG_CLASS_BEFORE) or (
            after is not None and after.group(1).lower() in ORG_ROLE_AFTER
        ):
            return True
    return False


def org_cue(x: Extraction, e: Entity) -> bool:
    """Whether the article says ``e`` is an organisation: by its name's words, or the words around a mention."""
    return has_org_word(e.label) or _classed(x, e.key)


def typing_weights(x: Extraction, known_surname: Callable[[str], bool] | None = None) -> dict[str, float]:
    """How strongly the article types each of its entities: key -> :data:`STRONG`, :data:`WEAK_WEIGHT` or :data:`NAMELESS_WEIGHT`.

    Args:
        x: One article's extraction.
        known_surname: Whether a word is the surname of a person the corpus knows by
            a full name (a one-word person of that name is then weak, not nameless).
    """
    out: dict[str, float] = {}
    for e in x.entities:
        weight = WEAK_WEIGHT
        if e.type is EntityType.PERSON:
            if has_org_word(e.label):
                weight = NAMELESS_WEIGHT
            elif _full_name(e.label) or _titled(x, e.key):
                weight = STRONG
            elif not split_person(e.label)[0] or (given_names() and split_person(e.label)[0] not in given_names()):
                one_word = len(e.label.split()) == 1
                known = one_word and known_surname is not None and known_surname(e.label)
                weight = WEAK_WEIGHT if known else NAMELESS_WEIGHT
        elif e.type is EntityType.ORGANISATION and org_cue(x, e):
            weight = STRONG
        out[e.key] = weight
    return out


def strong_typings(x: Extraction) -> frozenset[str]:
    """The keys of the article's entities whose type rests on a strong cue (see :func:`typing_weights`)."""
    return frozenset(k for k, w in typing_weights(x).items() if w >= STRONG)


def _two_things(a: Tally, b: Tally) -> bool:
    """Whether both types have strong articles, neither's strong evidence :data:`STRONG_MARGIN` times the other's."""
    low, high = sorted((a.strong_mass, b.strong_mass))
    return low > 0 and high <= STRONG_MARGIN * low


def decide(e: Entity, strong: bool, vote: TypeVote) -> tuple[EntityType, tuple[str, ...]] | None:
    """The type the corpus gives an entity, when it is another than its article's; with the vote as reasons.

    Only a person against an organisation or a place is decided here (see the module
    doc). An entity its article typed on a strong cue (``strong``) moves only when the
    other type scores :data:`STRONG_MARGIN` times its own; a name two of whose types
    have comparable strong evidence (two things of one name) keeps every type.
    """
    if e.same_as or e.type is EntityType.PLACE:
        return None
    tallies = vote.tally(e.label)
    mine = tallies.get(e.type, Tally())
    others = [t for t in tallies if t is not e.type]
    if not others:
        return None
    # the best-scoring other type over all of them: an organisation the corpus mostly calls a place is not a person
    other = max(others, key=lambda t: (tallies[t].score, t.value))
    if EntityType.PERSON not in (e.type, other):
        return None
    theirs = tallies[other]
    if theirs.score <= mine.score * (STRONG_MARGIN if strong else 1.0) or _two_things(mine, theirs):
        return None
    reasons = tuple(
        f"{t.articles} article(s) say {etype.value} ({t.strong} on a strong cue, weighted confidence {t.mass:.2f})"
        for etype, t in sorted(tallies.items(), key=lambda kv: (-kv[1].score, kv[0].value))
    )
    return other, reasons
