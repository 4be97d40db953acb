"""The entity stage: spaCy's NER corrected by gazetteers, context and document-level votes.

Replaces the naive v1 stage. For one parsed article it:

1. takes spaCy's entity spans, splits those that run two names together, and
   cleans them (a leading "the", titles and honorifics, a trailing possessive "'s",
   text after a line break); adds names the model missed that :mod:`kg.extract.names`
   finds (credits, bracketed acronyms, names ending in "Station" or "News") and names
   that a pattern around them types (:mod:`kg.extract.cues`: "the municipality of X",
   "the X government", "team X", "X co-founder", ...); drops one-word names the
   article mostly writes in lower case;
2. adds place names the gazetteer automaton finds that the model missed, when the
   name is strong on its own (a country, a region, a big city) or the context says
   place ("in", "near", "... province"), and places named inside organisation names
   ("University of Texas");
3. turns demonyms that name an actor ("Russian forces") into mentions of the country;
4. gives every name one type per article by a weighted vote of its mentions plus the
   gazetteer prior (:func:`vote`), a town's prior raised when the article names or
   implies its country (:func:`article_countries`); landform and road names vote place
   ("the Casamance River", "the A19"), and in a sports report a country or town plays
   as its team unless it is a locative or a link of a chain of places;
5. hands the names to :func:`kg.extract.aliases.resolve_article`, which joins aliases
   (Zelensky -> Volodymyr Zelensky, acronyms), finds the remaining mentions of every
   entity, and links places (:mod:`kg.extract.link`).
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from kg.extract.aliases import resolve_article
from kg.extract.cues import (
    ORG_FIRST_WORDS,
    administrative_places,
    affiliations,
    classed_names,
    commemorated_people,
    expanded_acronyms,
    government_heads,
    is_party,
    join_parties,
    party_names,
    product_makers,
    region_names,
    relational_people,
    split_entity,
)
from kg.extract.gazetteer import (
    REGION_WORDS,
    SPANS_KEY,
    Gazetteer,
    GazetteerHit,
    PlaceKind,
    fold,
    load_gazetteer,
)
from kg.extract.labels import LABELS, OTHER_LABELS
from kg.extract.names import (
    AWARD_WORDS,
    FACILITY_WORDS,
    ORG_HEADS,
    ORG_WORDS,
    TITLES,
    Candidate,
    bracketed_names,
    clean_name,
    credited_agencies,
    given_names,
    headed_names,
    words,
)
from kg.extract.place_evidence import require_place_evidence
from kg.records import Entity, EntityType, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = [
    "TITLES",
    "Candidate",
    "article_countries",
    "clean_name",
    "entities_from_doc",
    "find_candidates",
    "vote",
]


#: Labels of names that may have a place inside ("University of Texas", "the Municipality of Camogli").
_CONTAINERS = frozenset({"ORG", "FAC", "GPE", "LOC", "WORK_OF_ART"})


#: Words before a name strong enough to make a gazetteer-only match a mention.
_STRONG_LOCATIVE = frozenset({"in", "near", "around", "outside", "into", "toward", "towards", "across", "throughout"})
#: Verbs whose subject is usually a person or an organisation, never a place.
_SPEECH = frozenset({"say", "tell", "state", "add", "ask", "write", "explain", "claim", "argue", "insist"})

#: Heads that make a demonym name an actor ("Russian forces", "the Ukrainian government").
_ACTOR_HEADS = frozenset(
    words(
        """forces force troops soldiers soldier army military navy government officials official authorities
        president minister leader leaders ministry police diplomats embassy state regime parliament
        military's army's government's"""
    )
)

#: Words of sports reporting; an article dense in them names national teams by their country.
_SPORT = frozenset(
    words(
        """match goal score scorer tournament league cup championship coach striker midfielder defender
        goalkeeper keeper penalty kick referee draw qualifier final fixture squad player game season semi-
        final quarter-final group-stage stadium fan fans header equaliser equalizer half-time football
        soccer rugby cricket hockey olympic olympics medal"""
    )
)


_PLACE_PRIOR = {PlaceKind.CONTINENT: 1.6, PlaceKind.COUNTRY: 1.6, PlaceKind.REGION: 1.2}

#: How much the model's own label counts in a mention's vote.
NER_WEIGHT = 1.0

#: The weight of the model's place label on a name no gazetteer knows, and the organisation
#: vote it gets instead.
UNKNOWN_PLACE_WEIGHT = 0.3
UNKNOWN_PLACE_ORG_VOTE = 0.4

#: How much the gazetteer's prior counts in the vote against the mentions' own votes. Below 1
#: since the fine-tuned NER tells a club from its town ("Leeds won"), which the prior overrode.
PLACE_PRIOR_WEIGHT = 0.75


def _place_prior(gazetteer: Gazetteer, key: str, countries: frozenset[str] = frozenset()) -> float:
    """How strongly the gazetteer says ``key`` is a place: countries most, small towns least.

    A town in a country the article names counts more than a namesake elsewhere.
    """
    best = 0.0
    scale = 1.0 if gazetteer.is_primary(key) else 0.3
    for place in gazetteer.places(key):
        if place.kind is PlaceKind.CITY:
            weight = (
                0.35 + (0.35 if place.population >= 100_000 else 0.0) + (0.3 if place.population >= 1_000_000 else 0.0)
            )
            if place.country in countries:
                weight += 0.4
        else:
            weight = _PLACE_PRIOR[place.kind]
        best = max(best, weight * scale)
    return best


def _looks_like_person(span: Span, gazetteer: Gazetteer) -> bool:
    """A two-to-four word name that starts with a given name and ends in no organisation word."""
    words = [t for t in span if not t.is_punct]
    if not 2 <= len(words) <= 4 or not all(t.is_title or t.is_upper for t in words):
        return False
    if words[-1].lower_ in ORG_WORDS or words[0].lower_ not in given_names():
        return False
    return _place_prior(gazetteer, words[0].text) < 1.0  # "Paris Saint-Germain", "Texas Rangers"


def _context_votes(doc: Doc, span: Span) -> dict[EntityType, float]:
    """Votes from the words around a name: titles say person, locatives and region words say place."""
    votes: dict[EntityType, float] = {}
    if span.start > 0:
        prev = doc[span.start - 1]
        low = prev.lower_.rstrip(".")
        if low in _STRONG_LOCATIVE:
            votes[EntityType.PLACE] = 1.0
        elif low in TITLES and prev.is_title:
            votes[EntityType.PERSON] = 1.5
        elif low in {"on", "via"} and len(span) == 1:
            votes[EntityType.ORGANISATION] = 0.8  # "on Twitter", "via Reuters": a platform or agency
    if span.end < len(doc) and doc[span.end].lower_ in REGION_WORDS | {"city", "town", "village"}:
        votes[EntityType.PLACE] = votes.get(EntityType.PLACE, 0.0) + 1.0
    root = span.root
    if root.dep_ in {"nsubj", "nsubjpass"} and root.head.lemma_ in _SPEECH:
        votes[EntityType.PERSON] = votes.get(EntityType.PERSON, 0.0) + 0.5
    first = span[0].lower_.rstrip(".") if len(span) else ""
    if first in TITLES and len(span) > 1:
        votes[EntityType.PERSON] = votes.get(EntityType.PERSON, 0.0) + 1.5
    elif first in ORG_FIRST_WORDS and len(span) > 1 and span[-1].lower_ not in FACILITY_WORDS:
        # "University of Leeds", "Instituto Rocha": the first word says what kind of body it is
        votes[EntityType.ORGANISATION] = votes.get(EntityType.ORGANISATION, 0.0) + 1.5
    return votes


def _is_actor(span: Span) -> bool:
    """Whether a demonym span names an actor: it modifies (or is) a word for a group that acts."""
    root = span.root
    if root.dep_ in {"amod", "compound", "nmod"} and root.head.lower_ in _ACTOR_HEADS:
        return True
    # "the Russians shelled ...": a plural demonym as subject or object
    return root.tag_ in {"NNPS", "NNS"} and root.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"}


def find_candidates(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    """Return the names in ``doc`` with their per-mention type votes, in text order.

    Args:
        doc: The parsed article (with ``ner`` and ``parser``).
        gazetteer: The place gazetteer.

    Notes:
        O(tokens + gazetteer hits); the gazetteer is only probed by hash or automaton.
    """
    text = doc.text
    found: list[Candidate] = []
    taken: list[tuple[int, int, str]] = []  # spans of model entities, with their label
    pieces = join_parties(doc, [piece for ent in doc.ents for piece in split_entity(doc, ent, gazetteer)])
    for ent in pieces:
        label = ent.label_
        if label not in LABELS and label not in OTHER_LABELS:
            continue
        s, e = clean_name(ent.text)
        if e <= s:
            continue
        start, end = ent.start_char + s, ent.start_char + e
        if end == ent.end_char and _facility_after(doc, ent):
            end, label = doc[ent.end].idx + len(doc[ent.end]), "FAC"  # "the Nizhny Novgorod" + "Stadium"
        if label == "PERSON":
            start = _after_nationality(text, start, end, gazetteer)
        surface = text[start:end]
        if not any(c.isupper() for c in surface) or surface.lower().rstrip(".") in TITLES:
            continue  # "the government", a bare "Sheriff": not names
        key = fold(surface)
        if not key:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        party = is_party(span)
        # a party's name holds no place ("Lib Dems"): a label no nested-place search looks into
        taken.append((ent.start_char, ent.end_char, "PARTY" if party else label))
        prior = _place_prior(gazetteer, key)
        demonym = surface in gazetteer.demonyms
        person_like = not demonym and _looks_like_person(span, gazetteer)
        if label == "NORP" or demonym or (label not in LABELS and prior == 0.0 and not person_like):
            country = gazetteer.country_of(surface) if demonym else None
            if country is not None and _is_actor(ent):
                found.append(
                    Candidate(
                        start, end, surface, fold(country.name), {EntityType.PLACE: 1.0}, "demonym", country.country
                    )
                )
            continue
        if any(c.isdigit() for c in surface) and prior == 0.0 and label != "ORG" and not _is_road(doc, span, label):
            continue  # "IE6", "Windows 10": products, not people or places
        if span[-1].lower_ in AWARD_WORDS:
            continue  # "the Oscars", "the Nobel Prize": an award, not who won it
        votes = _context_votes(doc, span)
        etype = LABELS.get(label)
        if etype is not None:
            # longer names are more often right; a lone capitalised word is a guess
            weight = (1.0 if len(span) > 1 else 0.7) * NER_WEIGHT
            if etype is EntityType.PLACE and prior == 0.0 and label != "FAC":
                # a "GPE" no gazetteer knows is more often an organisation or a surname
                votes[EntityType.ORGANISATION] = votes.get(EntityType.ORGANISATION, 0.0) + UNKNOWN_PLACE_ORG_VOTE
                weight = UNKNOWN_PLACE_WEIGHT
            votes[etype] = votes.get(etype, 0.0) + weight
        if person_like:
            votes[EntityType.PERSON] = votes.get(EntityType.PERSON, 0.0) + 1.2
        if len(span) > 1 and span[-1].lower_ in FACILITY_WORDS:
            votes[EntityType.PLACE] = votes.get(EntityType.PLACE, 0.0) + 1.2
        elif _is_landform(span) or _is_road(doc, span, label):
            votes[EntityType.PLACE] = votes.get(EntityType.PLACE, 0.0) + LANDFORM_VOTE
        if party:
            votes[EntityType.ORGANISATION] = votes.get(EntityType.ORGANISATION, 0.0) + 2.5
        elif label == "PERSON" and len(span) > 1 and span[-1].lower_ in ORG_HEADS and span[-1].is_title:
            # "the Springfield Herald", "Acme Foundation": a person's name does not end in these
            votes[EntityType.ORGANISATION] = votes.get(EntityType.ORGANISATION, 0.0) + 1.5
        club = label == "ORG" and prior > 0.0 and not party and _club_mention(doc, span)
        found.append(Candidate(start, end, surface, key, votes, "ner", club=club))
    for c in party_names(doc, taken):
        taken.append((c.start, c.end, "PARTY"))
        found.append(c)
    taken.sort()
    found.extend(_gazetteer_candidates(doc, gazetteer, taken))
    found.extend(credited_agencies(doc, taken))
    found.extend(bracketed_names(doc, [(c.start, c.end, "") for c in found]))
    found.extend(headed_names(doc, taken + [(c.start, c.end, "") for c in found]))
    found.extend(_cue_candidates(doc, gazetteer, taken, found))
    if is_sports_report(doc):
        _countries_as_teams(doc, found, gazetteer)
        _towns_as_clubs(doc, found, gazetteer)
    found = _drop_common_words(doc, found, gazetteer)
    found.sort(key=lambda c: (c.start, -c.end))
    return found


#: A road's name: a letter, a hyphen and a number ("I-44"), or "Route 66", "Highway 1".
_ROAD = re.compile(r"^(?:[A-Z]-\d{1,4}|(?:Route|Highway|Interstate|US)[ -]\d{1,4})$")
#: A British-style road after "the": "the A19", "the M62".
_THE_ROAD = re.compile(r"^[ABM]\d{1,4}$")


def _is_road(doc: Doc, span: Span, label: str) -> bool:
    """Whether a name with digits that the model calls a place is a road ("the A19", "I-44"): a place.

    Names with digits are otherwise dropped as products ("IE6", "Windows 10"); a road
    needs the model's place label and a road's shape, so "IE6" stays out.
    """
    if label not in {"GPE", "LOC", "FAC"}:
        return False
    if _ROAD.match(span.text):
        return True
    return _THE_ROAD.match(span.text) is not None and span.start > 0 and doc[span.start - 1].lower_ == "the"


#: Last words of a natural feature's name: "the Casamance River", "the Ross Sea".
LANDFORM_LAST = frozenset(
    words(
        """river lake sea ocean island islands isle isles mountain mountains range peninsula bay gulf strait
        straits valley desert canyon falls coast glacier reef channel plateau plain plains basin"""
    )
)
#: First words of one: "Lake Erie", "Mount Kenya", "Cape Verde".
LANDFORM_FIRST = frozenset(words("lake mount mt cape"))
#: First words of one when "of" follows: "Gulf of Aden", "Bay of Biscay" (not "Bay County").
LANDFORM_OF = frozenset(words("gulf bay isle sea"))
#: The place vote of a landform's or a road's name (as much as a facility word's).
LANDFORM_VOTE = 1.2


def _is_landform(span: Span) -> bool:
    """Whether a name of two words or more is a natural feature's: "Casamance River", "Lake Erie".

    Such a name is a place even when no gazetteer knows it, where the vote would
    otherwise make the model's unknown "GPE" an organisation.
    """
    if len(span) < 2 or span[-1].lower_ in ORG_WORDS:
        return False  # "the Lake Placid Club": an organisation named after one
    if span[-1].is_title and span[-1].lower_ in LANDFORM_LAST:
        return True
    first = span[0].lower_.rstrip(".")
    if not span[0].is_title:
        return False
    return first in LANDFORM_FIRST or (first in LANDFORM_OF and span[1].lower_ == "of")


def _facility_after(doc: Doc, ent: Span) -> bool:
    """Whether a capitalised facility word the model left out follows the name ("X" + "Stadium").

    The model often stops a stadium's or an airport's name before its last word, and
    the rest reads as a town or a club; the whole name is a place.
    """
    if ent.label_ not in LABELS or ent.end >= len(doc) or doc[ent.end - 1].whitespace_ != " ":
        return False
    nxt = doc[ent.end]
    if not (nxt.is_title and nxt.lower_ in FACILITY_WORDS):
        return False
    return ent.end + 1 >= len(doc) or not doc[ent.end + 1].is_title


def _club_mention(doc: Doc, span: Span) -> bool:
    """Whether a place name the model calls an organisation stands for a team on its line.

    A short line of a results table ("Boston 69 65 .515") or a fixture ("Chicago at
    Toronto", "Leeds v Everton") names clubs, even in an article whose dateline
    names the town itself; such a mention keeps the model's label.
    """
    text = doc.text
    start = text.rfind("\n", 0, span.start_char) + 1
    end = text.find("\n", span.end_char)
    line = text[start : len(text) if end < 0 else end]
    tokens = line.lower().split()
    if len(tokens) > 10:
        return False  # a line of prose, whatever numbers it holds
    if sum(1 for w in tokens if any(ch.isdigit() for ch in w)) >= 2:
        return True
    return any(w in {"at", "v", "vs", "vs."} for w in tokens) and len(tokens) <= 8


def _after_nationality(text: str, start: int, end: int, gazetteer: Gazetteer) -> int:
    """Start of a person's name once a leading nationality ("Briton Tim Henman") and titles after it are cut.

    The nationality goes only when a capitalised name of two words or more follows,
    so "American Airlines" or a lone "German" are left to the other rules.
    """
    first_end = text.find(" ", start, end)
    if first_end < 0 or text[start:first_end] not in gazetteer.demonyms:
        return start
    rest = first_end + 1
    s, e = clean_name(text[rest:end])
    name = text[rest + s : rest + e].split()
    if len(name) < 2 or not all(w[:1].isupper() for w in name):
        return start
    return rest + s


def _drop_common_words(doc: Doc, found: list[Candidate], gazetteer: Gazetteer) -> list[Candidate]:
    """Drop one-word names the article writes in lower case over twice as often as capitalised.

    "Sodium intake can ..." is not a name when the article says "sodium" far more
    often: a name is capitalised wherever it is used. Countries and regions are kept
    ("Turkey" in an article that also cooks turkey).
    """
    lower: dict[str, int] = {}
    titled: dict[str, int] = {}
    for tok in doc:
        if tok.is_lower:
            lower[tok.text] = lower.get(tok.text, 0) + 1
        elif tok.is_title:
            titled[tok.lower_] = titled.get(tok.lower_, 0) + 1
    out = []
    for c in found:
        word = c.text.lower()
        if (
            c.source in {"ner", "gazetteer", "nested"}
            and c.text.istitle()
            and " " not in c.text
            and lower.get(word, 0) > 2 * titled.get(word, 0)
            and _place_prior(gazetteer, c.key) < 1.0
        ):
            continue
        out.append(c)
    return out


def _cue_candidates(
    doc: Doc, gazetteer: Gazetteer, taken: list[tuple[int, int, str]], found: list[Candidate]
) -> list[Candidate]:
    """Names the model missed or mislabelled that a pattern around them types (:mod:`kg.extract.cues`)."""
    out: list[Candidate] = []
    busy = sorted(taken + [(c.start, c.end, "") for c in found if c.source != "nested"])
    out.extend(administrative_places(doc, taken))
    out.extend(commemorated_people(doc, gazetteer))
    out.extend(affiliations(doc, taken))
    out.extend(product_makers(doc, gazetteer))
    busy = sorted(busy + [(c.start, c.end, "") for c in out])
    for finder in (region_names, government_heads, classed_names, relational_people):
        new = finder(doc, busy, gazetteer)
        out.extend(new)
        busy = sorted(busy + [(c.start, c.end, "") for c in new])
    out.extend(expanded_acronyms(doc, busy))
    return out


def is_sports_report(doc: Doc) -> bool:
    """Whether the article reads as a sports report: sports words are over 1.5% of its words."""
    words = [t for t in doc if t.is_alpha]
    hits = sum(1 for t in words if t.lemma_.lower() in _SPORT)
    return hits >= 8 and hits >= 0.015 * len(words)


def _plays(span: Span) -> bool:
    """Whether a country name may stand for its team: not "from Brazil", "in Russia" or "the US team".

    Nor a link of a chain of places ("born in Preston, Victoria, Australia").
    """
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in {"from", "in", "at", "across", "throughout"}:
        return False
    if _in_place_chain(span):
        return False  # "Preston, Victoria, Australia": an address, not a team
    return not (root.dep_ == "compound" and root.head.lower_ in {"team", "side", "squad"})


#: spaCy labels of place names.
_PLACE_NER = frozenset({"GPE", "LOC"})


def _in_place_chain(span: Span) -> bool:
    """Whether a name is one link of a chain of places by commas: "Preston, Victoria, Australia".

    A town followed by its region or country (or following one) names where something is.
    """
    doc = span.doc
    before = span.start >= 2 and doc[span.start - 1].text == "," and doc[span.start - 2].ent_type_ in _PLACE_NER
    after = span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].ent_type_ in _PLACE_NER
    return before or after


def _countries_as_teams(doc: Doc, found: list[Candidate], gazetteer: Gazetteer) -> None:
    """In a sports report a country that plays ("Sweden beat Korea") is its national team."""
    for c in found:
        if c.source not in {"ner", "gazetteer"} or c.votes.get(EntityType.PLACE, 0.0) >= 1.0:
            continue  # "in Russia" stays a place
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or not _plays(span):
            continue  # "from Brazil", "the US team": the country itself
        if gazetteer.is_primary(c.key) and any(p.kind is not PlaceKind.CITY for p in gazetteer.places(c.key)):
            c.votes[EntityType.ORGANISATION] = c.votes.get(EntityType.ORGANISATION, 0.0) + 3.0


def _towns_as_clubs(doc: Doc, found: list[Candidate], gazetteer: Gazetteer) -> None:
    """In a sports report a town or region that plays ("Blackburn drew 1-1", "beat Essex") is its club.

    Not "in Leeds" or "from Leeds" (the place itself); countries are left to
    :func:`_countries_as_teams`.
    """
    for c in found:
        if c.source not in {"ner", "gazetteer"} or c.votes.get(EntityType.PLACE, 0.0) >= 1.0:
            continue
        places = gazetteer.places(c.key)
        if not places or any(p.kind is PlaceKind.COUNTRY for p in places):
            continue
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or not _plays(span):
            continue
        c.votes[EntityType.ORGANISATION] = c.votes.get(EntityType.ORGANISATION, 0.0) + 3.0


def _hits(doc: Doc, gazetteer: Gazetteer) -> list[GazetteerHit]:
    """The gazetteer's hits: from the ``kg_gazetteer`` component when it ran, else a scan."""
    if SPANS_KEY in doc.spans:
        return [GazetteerHit(s.start_char, s.end_char, s.text, fold(s.text)) for s in doc.spans[SPANS_KEY]]
    return gazetteer.scan(doc.text, overlapping=True)


def _gazetteer_candidates(doc: Doc, gazetteer: Gazetteer, taken: list[tuple[int, int, str]]) -> list[Candidate]:
    """Place names the model missed, and places named inside organisation names."""
    out: list[Candidate] = []
    starts = [t[0] for t in taken]
    last_end = nested_end = -1
    for hit in _hits(doc, gazetteer):
        i = bisect.bisect_right(starts, hit.start) - 1
        container = taken[i] if i >= 0 and taken[i][1] > hit.start else None
        if container is not None:
            c_start, c_end, label = container
            if (c_start, c_end) == (hit.start, hit.end) or label not in _CONTAINERS:
                continue
            if hit.start < c_start or hit.end > c_end:
                continue
            if label in {"GPE", "LOC"} and gazetteer.places(doc.text[c_start:c_end]):
                continue  # "South Korea" is one place, not South and Korea
            if hit.start >= nested_end and gazetteer.is_primary(hit.key) and _place_prior(gazetteer, hit.key) >= 0.7:
                # no vote: "Google Science Fair" must not make Google a place
                out.append(Candidate(hit.start, hit.end, hit.text, hit.key, {}, "nested"))
                nested_end = hit.end
            continue
        if i + 1 < len(taken) and taken[i + 1][0] < hit.end:
            continue  # overlaps a model entity that starts inside the hit
        if hit.start < last_end:
            continue  # leftmost-longest among the names outside model entities
        span = doc.char_span(hit.start, hit.end, alignment_mode="strict")
        if span is None or span[0].pos_ not in {"PROPN"}:
            continue
        places = gazetteer.places(hit.key)
        strong = gazetteer.is_primary(hit.key) and any(
            p.kind is not PlaceKind.CITY or p.population >= 1_000_000 for p in places
        )
        votes = _context_votes(doc, span)
        cue = EntityType.PLACE in votes
        if not (strong or cue):
            continue
        votes[EntityType.PLACE] = votes.get(EntityType.PLACE, 0.0) + 0.5
        out.append(Candidate(hit.start, hit.end, hit.text, hit.key, votes, "gazetteer"))
        last_end = hit.end
    return out


def article_countries(candidates: list[Candidate], gazetteer: Gazetteer) -> frozenset[str]:
    """ISO codes of the countries an article names or implies, for the towns' prior.

    A country counts when it is named, when a demonym stands for it, or when a
    region or a city of 100,000 people or more lying in it is named ("Plano,
    Texas" implies the United States even if the article never says so). A name
    of such places in more than two countries implies none of them.
    """
    found = {c.country for c in candidates if c.country}
    for key in {c.key for c in candidates}:
        places = gazetteer.places(key)
        if not places:
            continue
        found.update(p.country for p in places if p.kind is PlaceKind.COUNTRY)
        if not gazetteer.is_primary(key):
            continue
        implied = {p.country for p in places if p.kind is PlaceKind.REGION or p.population >= 100_000}
        if len(implied) <= 2:
            found.update(implied)
    return frozenset(found)


def vote(
    candidates: list[Candidate], gazetteer: Gazetteer, countries: frozenset[str] = frozenset()
) -> dict[str, tuple[EntityType, float]]:
    """Decide one type per name: mean mention vote plus the gazetteer prior.

    Args:
        candidates: The article's candidates (demonyms and nested places included).
        gazetteer: For the place prior of each name.
        countries: ISO codes of the countries the article names (raise their towns' prior).

    Returns:
        Folded name -> (type, confidence), confidence being the winner's share of
        all weight, in [0, 1].
    """
    totals: dict[str, dict[EntityType, float]] = {}
    counts: dict[str, int] = {}
    for c in candidates:
        bucket = totals.setdefault(c.key, {})
        for t, w in c.votes.items():
            bucket[t] = bucket.get(t, 0.0) + w
        counts[c.key] = counts.get(c.key, 0) + 1
    surnames = {
        key.split()[-1]
        for key, bucket in totals.items()
        if " " in key and bucket.get(EntityType.PERSON, 0.0) >= max(bucket.values(), default=0.0)
    }
    decided: dict[str, tuple[EntityType, float]] = {}
    for key, bucket in totals.items():
        scores = {t: w / counts[key] for t, w in bucket.items()}
        if key in surnames and scores.get(EntityType.PLACE, 0.0) < 1.0:
            # "Montalvo" after "Daniel Montalvo": the surname, whatever a gazetteer says
            scores[EntityType.PERSON] = scores.get(EntityType.PERSON, 0.0) + 1.0
        if " " not in key and key not in surnames and key not in given_names() and EntityType.PERSON in scores:
            # news names a person in full before using one name; a lone word the model
            # calls a person, with no full name to shorten, is as often a brand or a group
            scores[EntityType.PERSON] *= 0.5
            scores[EntityType.ORGANISATION] = scores.get(EntityType.ORGANISATION, 0.0) + 0.3
        prior = _place_prior(gazetteer, key, countries) * PLACE_PRIOR_WEIGHT
        if prior:
            scores[EntityType.PLACE] = scores.get(EntityType.PLACE, 0.0) + prior
        if not scores:
            continue
        winner = max(scores, key=lambda t: (scores[t], t is EntityType.PLACE))
        total = sum(scores.values())
        decided[key] = (winner, scores[winner] / total if total else 0.0)
    return decided


def entities_from_doc(
    doc: Doc, gazetteer: Gazetteer | None = None, source: str | None = None
) -> tuple[list[Mention], list[Entity]]:
    """Run the whole entity stage on one parsed article.

    Args:
        doc: The parsed article; its text is ``Article.text``.
        gazetteer: Defaults to the shared one from :func:`load_gazetteer`.
        source: The article's source, whose home country weighs in place linking.

    Returns:
        Mentions in text order and the article's entities (keys stable across articles).
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    candidates = find_candidates(doc, gaz)
    types = vote(candidates, gaz, article_countries(candidates, gaz))
    candidates, types = require_place_evidence(doc, candidates, types, gaz, sports=is_sports_report(doc))
    sent_starts = [s.start_char for s in doc.sents]
    sent_ends = [s.end_char for s in doc.sents]

    def sentence_of(offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(sent_starts, offset) - 1)
        return (sent_starts[i], sent_ends[i]) if sent_starts else (0, len(doc.text))

    return resolve_article(doc, candidates, types, gaz, sentence_of, source)
