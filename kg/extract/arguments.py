"""What the event, quote and relation extractors share: a parsed doc plus its entities.

:class:`DocContext` joins spaCy tokens to the entity stage's mentions by character
offset, so the extractors stay independent of how entities were found: a demonym the
entity stage resolved to a country ("Russian forces" -> Russia) is just a mention here.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from kg.extract.coref import FEMININE, MASCULINE, name_index, normalise_name, resolve_pronouns
from kg.extract.temporal import Tense, TimeValue, normalise, parse_published
from kg.records import Article, Entity, EntityType, Evidence, Mention, Modality

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "CAUSE_NOUNS",
    "GROUP_NOUNS",
    "NOT_ACTORS",
    "DocContext",
    "cause_doers",
    "further_places",
    "listed_members",
    "located_country",
    "modality_of",
    "number_value",
    "time_of",
    "understood_subject",
]

#: Head nouns for people acting as a group: "Russian forces", "mercenaries from the Wagner
#: Group" stand for the country or organisation that qualifies them.
GROUP_NOUNS = frozenset(
    [
        "force",
        "forces",
        "troop",
        "troops",
        "soldier",
        "soldiers",
        "army",
        "military",
        "mercenary",
        "mercenaries",
        "fighter",
        "fighters",
        "militant",
        "militants",
        "rebel",
        "rebels",
        "separatist",
        "separatists",
        "official",
        "officials",
        "police",
        "government",
        "authorities",
        "authority",
        "member",
        "members",
        "unit",
        "units",
        "navy",
        "airforce",
        "officer",
        "officers",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "leader",
        "leaders",
        "delegation",
        "side",
    ]
)

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200,
    "thousand": 1000, "thousands": 2000,
}  # fmt: skip
_PRONOUNS = MASCULINE | FEMININE
#: spaCy entity labels of words that name no participant: "the Bloody Friday attacks"
#: are named after a day, not after who carried them out.
NOT_ACTORS = frozenset({"DATE", "TIME", "EVENT", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})


#: Event nouns a harm happens in or by; who did them did the harm: "killed in IS attacks".
CAUSE_NOUNS = frozenset(
    {
        "attack",
        "strike",
        "airstrike",
        "raid",
        "bombing",
        "shelling",
        "assault",
        "ambush",
        "explosion",
        "blast",
        "shooting",
        "fire",
        "gunfire",
        "crossfire",
        "bombardment",
        "offensive",
        "clash",
    }
)


def cause_doers(token: Token) -> list[Token]:
    """Who did the harm a killing or injury verb tells, read from the event noun it came by.

    "were killed in IS attacks" and "died in a Russian air strike" (the noun's name
    modifiers and possessor), "wounded by mortar fire from the Islamic State" (the
    noun's "by"/"from" phrase). Returns the tokens heading the doers' phrases.
    """
    out: list[Token] = []
    for c in token.children:
        if not (c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in ("in", "by", "during"))):
            continue
        for noun in c.children:
            if noun.dep_ != "pobj" or noun.lemma_.lower() not in CAUSE_NOUNS:
                continue
            for g in noun.children:
                if g.dep_ in ("poss", "compound", "amod", "nmod"):
                    out.append(g)
                elif g.dep_ == "prep" and g.lower_ in ("by", "from"):
                    out.extend(o for o in g.children if o.dep_ == "pobj")
    return out


def further_places(ctx: DocContext, place_tokens: Sequence[Token], place: str | None) -> list[str]:
    """The other places an event's place phrase names: "in Leeds and Bradford" gives Bradford.

    ``place_tokens`` are the preposition and the object of the phrase that gave the
    event its place (``place``); every conjunct of the object that is a place counts.
    """
    if len(place_tokens) < 2 or place is None:
        return []
    out: list[str] = []
    for t in place_tokens[-1].subtree:
        if t.dep_ != "conj" or t.head.dep_ not in ("pobj", "conj"):
            continue
        m = ctx.entity_of(t, types=(EntityType.PLACE,))
        if m is not None and m.entity != place and m.entity not in out:
            out.append(m.entity)
    return out


#: Prepositions that say where: "in Syria", "across Iraq".
LOCATIVE_PREPS = frozenset({"in", "at", "near", "inside", "across", "throughout"})


def located_country(ctx: DocContext, sent: Span, taken: set[str]) -> str | None:
    """A country the sentence names as where something is ("in Syria"), when it names no smaller place.

    A country named otherwise ("Russian forces", "Syria said") stands for its people or
    its government, not for a place; one already in a role (``taken``) is left out.
    """
    for m in ctx.mentions_in(sent.start_char, sent.end_char):
        if m.type is not EntityType.PLACE or m.entity not in ctx.countries or m.entity in taken:
            continue
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        root = span.root if span is not None else None
        if root is not None and root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS:
            return m.entity
    return None


def understood_subject(token: Token) -> list[Token]:
    """The subject a verb without one shares with the clause above it.

    A purpose clause's is the main verb's ("travelled to Lyon to meet X"); an
    adjective's complement's is the adjective's subject ("was able to meet X", "is
    willing to talk").
    """
    head = token.head
    if token.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return [c for c in head.children if c.dep_ == "nsubj"]
    if token.dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ == "acomp":
        return [c for c in head.head.children if c.dep_ == "nsubj"]
    return []


def listed_members(listed: Token) -> list[Token]:
    """The named members of an "including" list headed by ``listed``, however it is nested.

    A long list nests later members under an earlier member's conjunct, apposition or
    own phrase ("including A, wife of the poet B, C and her relatives, D"): a proper
    noun joined by "and" or a comma counts, wherever it hangs; the object of a member's
    own phrase and the names in apposition to it ("the poet B") do not.
    """
    out: list[Token] = []

    def walk(t: Token, inside_phrase: bool) -> None:
        for c in t.children:
            if c.dep_ == "conj":
                if c.pos_ == "PROPN":
                    out.append(c)
                walk(c, False)
            elif c.dep_ == "appos":
                if c.pos_ == "PROPN" and not inside_phrase:
                    out.append(c)
                walk(c, inside_phrase)
            elif c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj":
                        walk(g, True)

    walk(listed, False)
    return out


def number_value(text: str) -> int | None:
    """Return the integer a numeral means ("three", "1,200", "two hundred"), else ``None``.

    >>> number_value("1,200"), number_value("two hundred"), number_value("several")
    (1200, 200, None)
    """
    words = text.lower().replace(",", "").replace("-", " ").split()
    if not words:
        return None
    total = 0
    current = 0
    for w in words:
        if w.isdigit():
            current += int(w)
        elif w in ("hundred", "thousand") and current:
            current *= 100 if w == "hundred" else 1000
            if w == "thousand":
                total, current = total + current, 0
        elif w in _NUMBER_WORDS:
            current += _NUMBER_WORDS[w]
        elif w != "and":
            return None
    return total + current


# Short names ISO 3166 (as pycountry spells it) does not list.
_COUNTRY_NAMES = frozenset(
    {
        "russia", "britain", "great britain", "uk", "america", "usa", "u.s.", "us", "south korea",
        "north korea", "iran", "syria", "vietnam", "laos", "moldova", "bolivia", "venezuela",
        "tanzania", "taiwan", "palestine", "kosovo", "czechia", "the netherlands",
    }
)  # fmt: skip


@cache
def _iso_country(name: str) -> bool:
    import pycountry  # imported lazily: its database loads on first use

    if name.lower() in _COUNTRY_NAMES:
        return True
    try:
        pycountry.countries.lookup(name)
    except LookupError:
        return False
    return len(name) > 3 or name.isupper()


@dataclass(frozen=True, slots=True)
class DocContext:
    """A parsed article with its mentions, indexed for lookups by offset.

    Attributes:
        article: The article.
        doc: Its spaCy parse.
        mentions: The entity stage's mentions, sorted by start.
        entities: The entity stage's entities by key.
        starts: Mention start offsets, for bisection.
        dominant_place: The article's most mentioned place below country level (or the
            most mentioned place when there is none), the fallback place of events.
        countries: Keys of the place entities that are countries: those other places
            lie in, and names ISO 3166 knows.
        pronouns: Offset of each resolved personal pronoun -> the mention of the person
            it means (:func:`kg.extract.coref.resolve_pronouns`).
        names: Every name an entity goes by in the article, normalised, -> its key
            (:func:`kg.extract.coref.name_index`).
    """

    article: Article
    doc: Doc
    mentions: tuple[Mention, ...]
    entities: dict[str, Entity]
    starts: tuple[int, ...]
    dominant_place: str | None
    countries: frozenset[str] = frozenset()
    pronouns: Mapping[int, Mention] = field(default_factory=lambda: MappingProxyType({}))
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(cls, article: Article, doc: Doc, mentions: Iterable[Mention], entities: Iterable[Entity]) -> DocContext:
        """Index ``mentions`` and ``entities`` of ``article`` parsed as ``doc``."""
        ms = tuple(sorted(mentions, key=lambda m: (m.start, -m.end)))
        ents = {e.key: e for e in entities}
        counts = Counter(m.entity for m in ms if m.type is EntityType.PLACE)
        local = [k for k, _ in counts.most_common() if k in ents and ents[k].country not in (None, k)]
        dominant = local[0] if local else (counts.most_common(1)[0][0] if counts else None)
        countries = {e.country for e in ents.values() if e.country is not None}
        countries |= {e.key for e in ents.values() if e.type is EntityType.PLACE and _iso_country(e.label)}
        pronouns = MappingProxyType(resolve_pronouns(doc, ms, ents))
        names = MappingProxyType(name_index(ents.values()))
        starts = tuple(m.start for m in ms)
        return cls(article, doc, ms, ents, starts, dominant, frozenset(countries), pronouns, names)

    def mention_at(self, start: int, end: int) -> Mention | None:
        """Return the longest mention overlapping the character span ``[start, end)``."""
        i = bisect.bisect_right(self.starts, end - 1)
        best: Mention | None = None
        for m in self.mentions[max(0, i - 8) : i]:
            if m.start < end and m.end > start and (best is None or m.end - m.start > best.end - best.start):
                best = m
        return best

    def mention_of(self, token: Token) -> Mention | None:
        """Return the mention covering ``token``, if any."""
        return self.mention_at(token.idx, token.idx + len(token.text))

    def entity_of(self, token: Token, *, types: Sequence[EntityType] = ()) -> Mention | None:
        """Return the mention an argument headed by ``token`` stands for.

        Looks at the token itself; a personal pronoun stands for the person it was
        resolved to (:attr:`pronouns`); a name the entity stage left untagged here stands
        for the entity the article names so elsewhere (:attr:`names`); a common noun
        with a name in apposition stands for that name ("an IRA leader, Sean
        MacStiofain"). Then the names inside its noun phrase: compounds and modifiers
        ("Russian forces"), possessors ("Russia's army"), and a group noun's
        "from"/"of" phrase ("mercenaries from the Wagner Group"). A date, number or
        event name ("Bloody Friday") stands for no one.
        """
        m = self.mention_of(token)
        if m is not None and (not types or m.type in types):
            return m
        if token.lower_ in _PRONOUNS:
            if types and EntityType.PERSON not in types:
                return None
            return self.pronouns.get(token.idx)
        if m is None and (named := self.named(token)) is not None and (not types or named.type in types):
            return named
        if (m is None or token.pos_ == "NOUN") and (apposed := self.apposed(token, types)) is not None:
            return apposed
        if m is None and token.ent_type_ in NOT_ACTORS:
            return None
        # A name compounded with the head names the thing itself ("Russia's Tass news
        # agency" is Tass); an adjective or a possessor only qualifies or owns it.
        rank = {"compound": 0, "nmod": 0, "amod": 1, "poss": 2}
        for child in sorted((c for c in token.children if c.dep_ in rank), key=lambda c: rank[c.dep_]):
            m = self.mention_of(child)
            if m is None and child.ent_type_ in NOT_ACTORS:
                continue
            m = m or self.named(child)
            if m is not None and (not types or m.type in types):
                return m
        if token.lower_ in GROUP_NOUNS:
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("from", "of", "with"):
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            m = self.entity_of(obj, types=types)
                            if m is not None:
                                return m
        return None

    def apposed(self, token: Token, types: Sequence[EntityType] = ()) -> Mention | None:
        """Return the name in apposition to a noun: "the group's leader, Jane Roe".

        One more apposition is followed from a common noun that itself stands in
        apposition ("X, an IRA leader at the time, Sean MacStiofain").
        """
        for c in token.children:
            if c.dep_ != "appos":
                continue
            if c.pos_ == "PROPN":
                m = self.mention_of(c)
                if m is not None and (not types or m.type in types):
                    return m
            elif c.pos_ == "NOUN":
                for g in c.children:
                    m = self.mention_of(g) if g.dep_ == "appos" and g.pos_ == "PROPN" else None
                    if m is not None and (not types or m.type in types):
                        return m
        return None

    def named(self, token: Token) -> Mention | None:
        """Return the entity a proper noun the entity stage left untagged names elsewhere in the article.

        The name is the token with the proper nouns compounded with it ("ETA", "the
        Basque group ETA"); it must be a label, an alias or an organisation's acronym of
        exactly one entity (:attr:`names`).
        """
        if token.pos_ != "PROPN" or not self.names:
            return None
        words = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < token.i]
        first = min([token, *words], key=lambda t: t.i)
        for start_tok in (first, token):
            start = start_tok.idx
            end = token.idx + len(token.text)
            key = self.names.get(normalise_name(self.article.text[start:end]))
            if key is not None and key in self.entities:
                e = self.entities[key]
                sent = token.sent
                text = self.article.text[start:end]
                return Mention(
                    start, end, text, key, e.type, round(e.confidence * 0.9, 3), sent.start_char, sent.end_char
                )
        return None

    def previous_person(self, offset: int) -> Mention | None:
        """Return the last person mention that starts before ``offset``."""
        i = bisect.bisect_left(self.starts, offset)
        for m in reversed(self.mentions[:i]):
            if m.type is EntityType.PERSON:
                return m
        return None

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Return the mentions lying inside ``[start, end)``, in text order."""
        i = bisect.bisect_left(self.starts, start)
        out = []
        for m in self.mentions[i:]:
            if m.start >= end:
                break
            if m.end <= end:
                out.append(m)
        return out

    def evidence(self, sent: Span, tokens: Iterable[Token]) -> Evidence:
        """Return the evidence for a fact: the span from the first to the last of ``tokens``."""
        toks = list(tokens)
        start = min(t.idx for t in toks)
        end = max(t.idx + len(t.text) for t in toks)
        return self.span_evidence(sent, start, end)

    def span_evidence(self, sent: Span, start: int, end: int) -> Evidence:
        """Return the evidence for a fact supported by the characters ``[start, end)``."""
        # The sentence bounds are exactly spaCy's, as in the article's Sentence records.
        text = self.article.text
        s_start, s_end = sent.start_char, sent.end_char
        return Evidence(start, end, text[start:end], s_start, s_end)


# Prepositions that change what a date expression means; they are put back in front of
# spaCy's DATE span when the model left them out ("since" + "2014").
_TIME_PREPS = frozenset({"since", "for", "between", "until", "till", "by", "from", "before", "in", "on"})
# Verbs and nouns whose complement is only intended or wished for, not done.
_INTENT = frozenset(
    [
        "want",
        "try",
        "attempt",
        "seek",
        "hope",
        "threaten",
        "wish",
        "aim",
        "intend",
        "need",
        "desire",
        "bid",
        "effort",
        "goal",
        "ambition",
        "push",
        "prepare",
        "vow",
    ]
)
_PLAN = frozenset({"plan", "schedule", "expect", "due", "set", "going"})
_SPECULATE = frozenset({"theorize", "theorise", "speculate", "suspect", "fear", "rumour", "rumor", "if"})
_MODALS = frozenset({"would", "could", "might", "may", "should", "can", "must", "ought"})
_FUTURE = frozenset({"will", "shall", "'ll", "wo"})


def modality_of(token: Token) -> Modality:
    """Return whether the event ``token`` triggers is reported as happened.

    Walks up from the trigger through the clauses that govern it (at most four steps):
    ``not``/``never`` negates; ``will`` or a plan ("plans to meet") makes it future; a
    modal, a condition or an intention ("attempt to seize", "goal of capturing") makes it
    hypothetical; so does speculation ("theorized that an attack had occurred").
    """
    t = token
    for _ in range(5):
        for c in t.children:
            if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in ("never", "not")):
                return Modality.NEGATED
            if c.dep_ == "aux" and c.lower_ in _FUTURE:
                return Modality.FUTURE
            if c.dep_ == "aux" and c.lower_ in _MODALS:
                return Modality.HYPOTHETICAL
            if c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"):
                return Modality.HYPOTHETICAL
        if t.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            return Modality.HYPOTHETICAL  # a purpose: "travelled to Florida to meet him"
        head = t.head
        if head is t or t.dep_ not in ("xcomp", "acl", "pcomp", "pobj", "prep", "csubj", "dobj", "ccomp", "conj"):
            break
        lemma = head.lemma_.lower()
        if t.dep_ in ("xcomp", "acl", "pcomp", "prep", "dobj", "ccomp"):
            if lemma in _PLAN:
                return Modality.FUTURE
            if lemma in _INTENT:
                return Modality.HYPOTHETICAL
            if t.dep_ == "ccomp" and lemma in _SPECULATE:
                return Modality.HYPOTHETICAL
        if t.dep_ == "ccomp" and head.pos_ == "VERB" and lemma not in _PLAN | _INTENT | _SPECULATE:
            # Reported speech: the speech verb's own aux says nothing about this clause.
            break
        t = head
    return Modality.ASSERTED


_CLAUSE_DEPS = frozenset({"ccomp", "parataxis", "advcl", "relcl", "csubj", "xcomp", "conj", "acl"})


def _governs(token: Token, anchor: Token, steps: int = 4) -> bool:
    """Whether ``anchor`` heads ``token`` within ``steps`` hops without leaving its clause."""
    t = token
    for _ in range(steps):
        if t == anchor:
            return True
        if t.head is t or t.dep_ in _CLAUSE_DEPS or (t is not token and t.pos_ in ("VERB", "AUX")):
            return False
        t = t.head
    return t == anchor


def time_of(ctx: DocContext, anchors: Sequence[Token], sent: Span, *, tense: Tense) -> TimeValue | None:
    """Return the first dated time expression in ``sent`` attached to one of ``anchors``.

    An expression belongs to an anchor when the anchor governs the expression's root
    within four dependency steps. Durations ("for five months") carry no date and are
    skipped.
    """
    pub = parse_published(ctx.article.published)
    for ent in sent.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if not any(_governs(ent.root, a) for a in anchors):
            continue
        expr = ent.text
        before = ent.start - 1
        if before >= sent.start and ent.doc[before].lower_ in _TIME_PREPS:
            expr = f"{ent.doc[before].lower_} {expr}"
        if ent.label_ == "TIME" and not any(w in expr.lower() for w in ("day", "night", "morning", "evening")):
            continue
        value = normalise(expr, pub, tense=tense)
        if value is not None and (value.start or value.end):
            return value
    return None
