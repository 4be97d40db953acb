"""The article's own coreference: which person a pronoun means, which entity a bare name means.

Two small, general resolvers feed :class:`kg.extract.arguments.DocContext`:

- :func:`resolve_pronouns` reads the article once, in order, and points every third-person
  singular pronoun ("he", "him", "his", "she", "her", ...) at the person mentioned last
  before it whose gender does not disagree. A person's gender is read from a title
  before one of their mentions ("Mr", "Mrs", "Ms", "Sir"), else from their given name
  (``gender-guesser``'s list), else from the pronouns already resolved to them: once
  "she" has meant Jane Roe, a later "he" skips her.
- :func:`name_index` maps every name an entity goes by in the article (its label, its
  aliases, the acronym of a name of several words) to the entity, so that a name the
  entity stage left untagged in one sentence ("ETA" after "Euskadi Ta Askatasuna (ETA)")
  still stands for it.

Plural pronouns ("they") are not resolved: a group is often unnamed ("militants"), and a
wrong guess would name an organisation that took no part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Literal

from kg.records import Entity, EntityType, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["FEMININE", "MASCULINE", "gender_of_name", "name_index", "normalise_name", "resolve_pronouns"]

Gender = Literal["m", "f"]

#: Third-person singular pronouns by gender.
MASCULINE = frozenset({"he", "him", "his", "himself"})
FEMININE = frozenset({"she", "her", "hers", "herself"})
# Titles that say a person's gender when written right before the name.
_MALE_TITLES = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "duke", "father", "brother"})
_FEMALE_TITLES = frozenset(
    {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "lady", "queen", "princess", "duchess", "dame", "sister"}
)


@cache
def _detector() -> object | None:
    try:
        import gender_guesser.detector as gd
    except ImportError:  # the stage still runs, with titles and pronouns only
        return None
    det: object = gd.Detector(case_sensitive=False)
    return det


def gender_of_name(given: str) -> Gender | None:
    """Return the gender a given name usually has, or ``None`` when it is unknown or shared.

    >>> gender_of_name("Maria"), gender_of_name("John"), gender_of_name("Xq")
    ('f', 'm', None)
    """
    det = _detector()
    if det is None or not given.isalpha():
        return None
    guess = det.get_gender(given)  # type: ignore[attr-defined]
    if guess in ("male", "mostly_male"):
        return "m"
    if guess in ("female", "mostly_female"):
        return "f"
    return None


def _title_before(text: str, start: int) -> Gender | None:
    word = text[max(0, start - 12) : start].split()
    if not word:
        return None
    w = word[-1].lower()
    return "m" if w in _MALE_TITLES else "f" if w in _FEMALE_TITLES else None


def resolve_pronouns(
    doc: Doc, mentions: Sequence[Mention], entities: Mapping[str, Entity], *, agree: bool = True
) -> dict[int, Mention]:
    """Return, for each resolved personal pronoun, its character offset and the mention it means.

    Args:
        doc: The article's parse.
        mentions: The entity stage's mentions, sorted by start.
        entities: The entity stage's entities by key.
        agree: Whether gender must agree; without it a pronoun means the person
            mentioned last (the behaviour before round 5, kept for the ablation).

    Returns:
        Pronoun offset -> the last mention, before the pronoun, of the person it means.
    """
    text = doc.text
    gender: dict[str, Gender] = {}
    for m in mentions:
        if m.type is EntityType.PERSON and m.entity not in gender:
            g = _title_before(text, m.start)
            if g is not None:
                gender[m.entity] = g
    out: dict[int, Mention] = {}
    persons = [m for m in mentions if m.type is EntityType.PERSON]
    seen: list[Mention] = []  # persons mentioned so far, in text order
    j = 0
    for tok in doc:
        low = tok.lower_
        if low not in MASCULINE and low not in FEMININE:
            continue
        while j < len(persons) and persons[j].end <= tok.idx:
            seen.append(persons[j])
            j += 1
        want: Gender = "m" if low in MASCULINE else "f"
        for m in reversed(seen):
            g = gender.get(m.entity)
            if g is None:
                g = _given_gender(m.entity, entities)
                if g is not None:
                    gender[m.entity] = g
            if g is None or g == want or not agree:
                gender.setdefault(m.entity, want)  # an earlier pronoun tells the gender
                out[tok.idx] = m
                break
    return out


def _given_gender(key: str, entities: Mapping[str, Entity]) -> Gender | None:
    e = entities.get(key)
    if e is None:
        return None
    words = e.label.split()
    return gender_of_name(words[0]) if len(words) > 1 else None


def normalise_name(text: str) -> str:
    """A name as the index keys it: lower case, no leading "the", no punctuation.

    >>> normalise_name("the U.N.")
    'un'
    """
    text = re.sub(r"^the\s+", "", text.lower().strip())
    return re.sub(r"[^\w\s]", "", text).strip()


def _acronym(label: str) -> str | None:
    caps = [w for w in label.split() if w[:1].isupper()]
    return "".join(w[0] for w in caps).lower() if len(caps) >= 2 else None


def name_index(entities: Iterable[Entity]) -> dict[str, str]:
    """Return every name an entity of the article goes by, normalised, mapped to its key.

    Labels and aliases, and the acronym of an organisation's name of several capitalised
    words ("Irish Republican Army" -> "ira"). A name two entities share maps to neither.
    """
    out: dict[str, str] = {}
    clash: set[str] = set()
    for e in entities:
        names = {normalise_name(n) for n in (e.label, *e.aliases)}
        if e.type is EntityType.ORGANISATION and (acro := _acronym(e.label)) is not None:
            names.add(acro)
        for n in names:
            if len(n) < 2:
                continue
            if out.get(n, e.key) != e.key:
                clash.add(n)
            out[n] = e.key
    for n in clash:
        del out[n]
    return out
