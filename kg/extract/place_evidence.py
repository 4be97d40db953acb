"""Evidence that a gazetteer name is a place, beyond its capital letter.

The entity stage types a name by vote (:func:`kg.extract.entities.vote`), and the
gazetteer's prior pulls any name it knows toward "place". For names that are also
something else this is not enough. :func:`require_place_evidence` runs after the
vote and keeps such a name a place only when the article gives evidence:

* spaCy's NER labels a mention GPE, LOC or FAC;
* a locative construction: "in X" (and near, around, outside, ...), "X-based",
  "the X region" (province, county, city, ...), or a dateline ("LONDON 1996-08-30");
* a demonym in the article stands for it.

Without such evidence:

* a one-word name that is an everyday lower-case English word
  (:meth:`kg.extract.gazetteer.Gazetteer.is_common`: "March", "Orange", "Bush") is no
  place: it is dropped;
* a town named like the surname of a person in the article is that person
  ("Davenport" after "Lindsay Davenport"); a town whose name is a word of the longer
  name of an organisation, a person or a work the article names is dropped as a place
  ("Lib" of "Lib Dems"), and so is a town's name that only ever opens an organisation's
  ("Toyota" of "Toyota Motor");
* in a sports report, a town (a GeoNames city, not a country or a region) is its
  club: an organisation ("Chelsea", "Roma").

An everyday word inside a DATE or TIME entity ("March 5") is never a place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract.gazetteer import REGION_WORDS, Gazetteer, PlaceKind, fold
from kg.extract.names import Candidate
from kg.records import EntityType

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["PLACE_LABELS", "require_place_evidence"]

#: spaCy labels that say "place".
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: spaCy labels of spans that are never places.
_NOT_PLACE_LABELS = frozenset({"DATE", "TIME"})
#: spaCy labels of names of things that are not places.
_OTHER_NAME_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})
#: Words before a name that make it a place.
_LOCATIVES = frozenset(
    {"in", "near", "around", "outside", "inside", "into", "across", "throughout", "toward", "towards", "within"}
)
_AFTER_PLACE = REGION_WORDS | {"city", "town", "village", "area", "capital", "island", "islands"}
_DATELINE = re.compile(r"[ \t]+(?:\d|\(|-|—|–)")
_BASED = re.compile(r"-(?:based|born)\b")

Types = dict[str, tuple[EntityType, float]]


def _has_evidence(doc: Doc, c: Candidate, place_ents: list[tuple[int, int]]) -> bool:
    """Whether this mention is a place by the NER label, a locative construction or a dateline."""
    if c.source == "demonym":
        return True
    if any(s <= c.start and c.end <= e for s, e in place_ents):
        return True
    return _locative(doc, c)


def _locative(doc: Doc, c: Candidate) -> bool:
    text = doc.text
    if _BASED.match(text, c.end):
        return True
    line = text[text.rfind("\n", 0, c.start) + 1 : c.start]
    if not any(ch.islower() for ch in line) and _DATELINE.match(text, c.end):
        return True  # a dateline: "LONDON 1996-08-30", "WIGAN , England 1996-08-31"
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None:
        return False
    if span.start > 0:
        prev = doc[span.start - 1]
        if prev.lower_ in _LOCATIVES:
            return True
        if prev.lower_ == "of" and span.start > 1 and doc[span.start - 2].lower_ in _AFTER_PLACE:
            return True  # "the region of Kharkiv", "the town of Bakhmut"
        if prev.lower_ == "the" and span.end < len(doc) and doc[span.end].lower_ in _AFTER_PLACE:
            return True
    return span.end < len(doc) and doc[span.end].lower_ in REGION_WORDS and doc[span.end].is_lower


def require_place_evidence(
    doc: Doc, candidates: list[Candidate], types: Types, gazetteer: Gazetteer, *, sports: bool = False
) -> tuple[list[Candidate], Types]:
    """Keep a place-typed name a place only where the article gives evidence (see the module doc).

    Args:
        doc: The parsed article.
        candidates: The names found (:func:`kg.extract.entities.find_candidates`).
        types: Their types by vote (:func:`kg.extract.entities.vote`).
        gazetteer: The place gazetteer.
        sports: Whether the article is a sports report (towns there are clubs).

    Returns:
        The candidates without the names that are no places, and the types with
        retyped names changed.

    Notes:
        O(candidates x entities of the article), both small.
    """
    place_ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in PLACE_LABELS]
    blocked = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _NOT_PLACE_LABELS]
    other_words, surnames = _other_names(doc, types)

    by_key: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_key.setdefault(c.key, []).append(c)
    drop: set[str] = set()
    dropped_spans: set[tuple[int, int]] = set()
    out_types = dict(types)
    for key, cs in by_key.items():
        etype, conf = types.get(key, (EntityType.PLACE, 0.5))
        if etype is not EntityType.PLACE:
            continue
        for c in cs:
            if _common(c, gazetteer) and any(s <= c.start and c.end <= e for s, e in blocked):
                dropped_spans.add((c.start, c.end))  # "March 5": a date, whatever else "March" is
        live = [c for c in cs if (c.start, c.end) not in dropped_spans]
        if not live:
            drop.add(key)
            continue
        standalone = [c for c in live if c.source != "nested"]  # not inside another name
        evidence = any(_has_evidence(doc, c, place_ents) for c in standalone)
        kinds = {p.kind for p in gazetteer.places(key)}
        one_word = " " not in key
        if sports and standalone and kinds == {PlaceKind.CITY} and not any(_locative(doc, c) for c in live):
            out_types[key] = (EntityType.ORGANISATION, conf)  # a town's club
            continue
        if evidence or not kinds:
            continue
        if one_word and key in surnames and kinds == {PlaceKind.CITY}:
            out_types[key] = (EntityType.PERSON, conf)
        elif any(_common(c, gazetteer) for c in live) or (
            standalone and kinds == {PlaceKind.CITY} and key in other_words
        ):
            drop.add(key)
        elif kinds == {PlaceKind.CITY} and all(c.source == "nested" and _opens_name(doc, c) for c in live):
            drop.add(key)  # a town's name opening an organisation's ("Toyota Motor"), nowhere a place
    kept = [c for c in candidates if c.key not in drop and (c.start, c.end) not in dropped_spans]
    for key in drop:
        out_types.pop(key, None)
    return kept, out_types


def _other_names(doc: Doc, types: Types) -> tuple[set[str], set[str]]:
    """Words of the longer names of people, organisations and works in the article, and surnames."""
    other_words: set[str] = set()  # words of the longer names of other things
    surnames: set[str] = set()
    for key, (etype, _) in types.items():
        words = key.split()
        if etype is EntityType.PLACE or len(words) < 2:
            continue
        other_words.update(words)
        if etype is EntityType.PERSON:
            surnames.add(words[-1])
    for e in doc.ents:
        words = [fold(w) for w in e.text.split() if w[:1].isupper()]
        if e.label_ in _OTHER_NAME_LABELS and len(words) > 1:
            other_words.update(words)
    return other_words, surnames


def _common(c: Candidate, gazetteer: Gazetteer) -> bool:
    """Whether a mention is written as an everyday word: "March", "EASTERN", but not "US" or "U.S."."""
    word = c.text
    return (
        c.source != "demonym"
        and word.isalpha()
        and (word.istitle() or (word.isupper() and len(word) > 3))
        and gazetteer.is_common(word)
    )


def _opens_name(doc: Doc, c: Candidate) -> bool:
    """Whether a nested name is the first word of the organisation or work name around it."""
    return any(e.start_char == c.start and e.end_char > c.end and e.label_ in _OTHER_NAME_LABELS for e in doc.ents)
