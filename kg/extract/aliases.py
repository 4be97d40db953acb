"""Aliases within one article: names the entity stage typed, grouped into entities.

A surname joins the full name it shortens (Zelensky -> Volodymyr Zelensky), an
acronym the name it abbreviates or was introduced with in brackets, place names the
GeoNames entry they link to (:mod:`kg.extract.link`); then every further occurrence of an
entity's names in the text becomes a mention. Identity across articles is
:mod:`kg.identity.resolve`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import ahocorasick

from kg.extract.gazetteer import Gazetteer, Place, PlaceKind, fold, slug
from kg.extract.labels import LABELS, OTHER_LABELS
from kg.extract.link import (
    LinkContext,
    choose_place,
    country_key,
    home_countries,
    link_fields,
    place_key,
    qualifier_codes,
)
from kg.extract.names import Candidate
from kg.records import Entity, EntityType, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["SentenceOf", "resolve_article"]

_STOP = frozenset({"of", "the", "for", "and", "on", "in", "at", "to", "a", "an", "&", "de", "du", "des", "la", "le"})
_ACRONYM = re.compile(r"^[A-Z][A-Z&.]{1,7}$")

#: Maps a character offset to its sentence's ``(start, end)``.
SentenceOf = Callable[[int], tuple[int, int]]


@dataclass(slots=True)
class _Group:
    type: EntityType
    confidence: float
    members: list[Candidate] = field(default_factory=list)
    place: Place | None = None

    def label(self) -> str:
        if self.place is not None and self.place.kind is not PlaceKind.REGION:
            return self.place.name
        named = [m for m in self.members if m.source not in {"demonym", "alias"}] or self.members
        return max(named, key=lambda m: (len(m.text.split()), len(m.text), -m.start)).text


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w and w.lower() not in _STOP and w[0].isupper())


def resolve_article(
    doc: Doc,
    candidates: list[Candidate],
    types: dict[str, tuple[EntityType, float]],
    gazetteer: Gazetteer,
    sentence_of: SentenceOf,
    source: str | None = None,
) -> tuple[list[Mention], list[Entity]]:
    """Group typed names into entities, find their other mentions, link places.

    Each place mention is linked in its article's context (:class:`kg.extract.link.LinkContext`):
    the countries, regions and cities it names, the source's home country, and a region
    or country written beside that very name ("Paris, Texas"), which then holds for
    the name's other mentions in the article.

    Args:
        doc: The parsed article.
        candidates: Names from :func:`kg.extract.entities.find_candidates`.
        types: The per-name vote from :func:`kg.extract.entities.vote`.
        gazetteer: For linking places.
        sentence_of: Maps a character offset to its sentence's ``(start, end)``.
        source: The article's source (outlet), whose home country weighs in linking.

    Returns:
        Mentions in text order and the article's entities.
    """
    text = doc.text
    groups: dict[tuple[EntityType, str], _Group] = {}
    by_name: dict[str, _Group] = {}

    def group_for(t: EntityType, gkey: str, conf: float) -> _Group:
        g = groups.get((t, gkey))
        if g is None:
            g = groups[(t, gkey)] = _Group(t, conf)
        g.confidence = max(g.confidence, conf)
        return g

    place_names = [c.key for c in candidates if types.get(c.key, (None,))[0] is EntityType.PLACE]
    qualifiers: dict[str, frozenset[str]] = {}
    for c in candidates:
        if types.get(c.key, (None,))[0] is EntityType.PLACE:
            codes = qualifier_codes(text, c.end, gazetteer)
            if codes:
                qualifiers[c.key] = qualifiers.get(c.key, frozenset()) | codes
    context = LinkContext.from_names(
        place_names,
        gazetteer,
        [c.country for c in candidates if c.country],
        home=home_countries(source, gazetteer),
        qualifiers=qualifiers,
    )

    # full names first, so surnames and acronyms find what they abbreviate
    ordered = sorted(candidates, key=lambda c: (-len(c.key.split()), c.start))
    by_end: dict[int, _Group] = {}
    introduced: dict[str, _Group] = {}  # "Movimento 5 Stelle (M5S)": M5S -> that group
    for c in ordered:
        etype, conf = types.get(c.key, (EntityType.PLACE, 0.5))
        intro = introduced.get(c.key) or _introduced_by(text, c, by_end)
        if intro is not None and c.source != "nested":
            introduced[c.key] = intro
            intro.members.append(c)
            continue
        if c.club and etype is EntityType.PLACE:
            etype = EntityType.ORGANISATION  # "BOSTON 69 65" in a table: the club, whatever the dateline says
        elif c.source == "demonym":
            etype = EntityType.PLACE
        elif c.source == "nested" and etype is not EntityType.PLACE:
            continue
        if etype is EntityType.PLACE:
            place = choose_place(gazetteer.places(c.key), context, c.key)
            gkey = place_key(place, gazetteer) if place is not None else c.key
            g = group_for(etype, gkey, conf)
            g.place = g.place or place
        else:
            target = _abbreviated(c, groups, etype)
            g = target if target is not None else group_for(etype, c.key, conf)
        g.members.append(c)
        by_name.setdefault(c.key, g)
        by_end.setdefault(c.end, g)  # the longest name ending there

    _propagate(doc, groups, candidates)

    mentions: list[Mention] = []
    entities: dict[str, Entity] = {}
    for g in groups.values():
        label = g.label()
        key = place_key(g.place, gazetteer) if g.place is not None else f"{g.type.slug}/{slug(label)}"
        linked = g.place is not None
        conf = min(0.99, g.confidence * (1.0 if not linked else 1.1))
        aliases = tuple(sorted({m.text for m in g.members if m.text != label and m.source != "demonym"}))
        ent = Entity(key=key, type=g.type, label=label, aliases=aliases, confidence=round(conf, 3))
        if g.place is not None:
            ent = replace(ent, **link_fields(g.place, gazetteer))  # type: ignore[arg-type]
        old = entities.get(key)
        if old is not None:
            ent = replace(old, aliases=tuple(sorted(set(old.aliases) | set(aliases))))
        entities[key] = ent
        for m in g.members:
            s0, s1 = sentence_of(m.start)
            factor = {"ner": 1.0, "gazetteer": 0.95, "nested": 0.9, "alias": 0.85, "demonym": 0.7}.get(m.source, 0.8)
            mentions.append(Mention(m.start, m.end, m.text, key, g.type, round(min(1.0, conf * factor), 3), s0, s1))
    for ent in list(entities.values()):
        if ent.country and ent.country not in entities:
            country = gazetteer.countries.get(_code_of(ent.country, gazetteer))
            if country is not None:
                entities[ent.country] = Entity(
                    key=ent.country,
                    type=EntityType.PLACE,
                    label=country.name,
                    confidence=0.9,
                    **link_fields(country, gazetteer),  # type: ignore[arg-type]
                )
    mentions.sort(key=lambda m: (m.start, -m.end))
    # one mention per span: the first (longest) wins
    seen: set[tuple[int, int]] = set()
    unique = [m for m in mentions if not ((m.start, m.end) in seen or seen.add((m.start, m.end)))]  # type: ignore[func-returns-value]
    return unique, sorted(entities.values(), key=lambda e: e.key)


def _code_of(key: str, gazetteer: Gazetteer) -> str:
    for code in gazetteer.countries:
        if country_key(code, gazetteer) == key:
            return code
    return ""


def _introduced_by(text: str, c: Candidate, by_end: dict[int, _Group]) -> _Group | None:
    """The group a short name was introduced with in brackets: "Institute for the Study of War (ISW)"."""
    if " " in c.text or len(c.text) > 10 or not any(ch.isupper() for ch in c.text[1:]):
        return None
    before = text[: c.start].rstrip()
    if not before.endswith("(") or text[c.end : c.end + 1] != ")":
        return None
    g = by_end.get(len(before[:-1].rstrip()))
    return g if g is not None and g.type is not EntityType.PLACE else None


def _abbreviated(c: Candidate, groups: dict[tuple[EntityType, str], _Group], etype: EntityType) -> _Group | None:
    """The group a short name abbreviates: a person's surname or an acronym of an organisation."""
    words = c.key.split()
    if len(words) != 1:
        return None
    word = words[0]
    if etype is EntityType.PLACE and c.votes.get(EntityType.PLACE, 0.0) >= 1.0:
        return None  # "in Washington": a place, whoever else is called that
    people = [
        g for (t, k), g in groups.items() if t is EntityType.PERSON and len(k.split()) > 1 and k.split()[-1] == word
    ]
    if len(people) == 1:
        return people[0]
    if _ACRONYM.match(c.text):
        letters = c.text.replace(".", "").replace("&", "")
        orgs = [g for (t, k), g in groups.items() if t is EntityType.ORGANISATION and _initials(g.label()) == letters]
        if len(orgs) == 1:
            return orgs[0]
    return None


def _propagate(doc: Doc, groups: dict[tuple[EntityType, str], _Group], candidates: list[Candidate]) -> None:
    """Add every further occurrence of an entity's names as an ``alias`` mention.

    Notes:
        One Aho-Corasick pass over the text; a hit counts on word boundaries, when
        it starts on a proper noun, and when it overlaps no name already found.
    """
    text = doc.text
    surfaces: dict[str, _Group] = {}
    for g in groups.values():
        for m in g.members:
            if m.source != "demonym" and len(m.text) > 1:
                surfaces.setdefault(m.text, g)
        if g.type is EntityType.PERSON:
            label = g.label()
            parts = label.split()
            if len(parts) > 1 and len(parts[-1]) > 2:
                surfaces.setdefault(parts[-1], g)
    if not surfaces:
        return
    automaton = ahocorasick.Automaton()
    for surface in surfaces:
        automaton.add_word(surface, len(surface))
    automaton.make_automaton()
    # a name the model gave a label the stage dropped ("Ramani" as NORP) may still be an alias
    others = [(e.start_char, e.end_char) for e in doc.ents if e.label_ not in LABELS and e.label_ not in OTHER_LABELS]
    covered = sorted([(c.start, c.end) for c in candidates] + others)
    starts = [s for s, _ in covered]
    hits: dict[int, int] = {}
    for last, length in automaton.iter(text):
        end = last + 1
        start = end - length
        if (start > 0 and (text[start - 1].isalnum())) or (end < len(text) and text[end].isalnum()):
            continue
        if hits.get(start, 0) < end:
            hits[start] = end
    taken_until = -1
    for start in sorted(hits):
        end = hits[start]
        if start < taken_until:
            continue
        i = bisect.bisect_right(starts, end) - 1
        overlaps = False
        while i >= 0 and covered[i][0] < end:
            if covered[i][1] > start:
                overlaps = True
                break
            if covered[i][1] <= start and covered[i][0] < start - 200:
                break
            i -= 1
        if overlaps:
            continue
        span = doc.char_span(start, end, alignment_mode="strict")
        if span is None:
            continue
        surface = text[start:end]
        g = surfaces[surface]
        named = sum(1 for m in g.members if m.source in {"ner", "gazetteer"})
        if span[0].pos_ != "PROPN" and not (span[0].is_title and named >= 2):
            continue
        g.members.append(Candidate(start, end, surface, fold(surface), {}, "alias"))
        taken_until = end
