"""Relations read off the dependency parse: roles, origins and places stated around a name.

:mod:`kg.extract.relations` reads the characters between two mentions; the rules here
read the parse, so they also hold when words come between ("the Commission's chief
spokesman Nikolaus van der Pas", "Tang Shubei, executive vice chairman of the
Association") and when a verb states the role:

==============  ==================================================================
title           a role noun tied to a person (compound, apposition, or the
                attribute of "is"/"was") and to an organisation or place (its
                possessor, a compound or modifier, or its "of/at/for/with" phrase):
                "Surrey captain Chris Lewis", "Chris Lewis, the Surrey captain",
                "Acme's founder Maria Lopez", "Maria Lopez is a member of Greenpeace"
verb            a person as subject of a role verb with an organisation as its object
                or "for/with/at" phrase: "X joined Y", "X plays for Y", "X founded Y",
                "X, who coaches Y"
paren           a name with a place or organisation in brackets after it: "Eva Berg
                (France)", "Acme Corp (Spain)"
from            "X, from Y", "X of Y" when X is a person and Y a place: where X is from
==============  ==================================================================

The role noun decides the predicate (:func:`predicate_of_role`). Nothing is extracted
when a verb other than the copula separates the two names, or when the role noun is
not in the lexicon ("Maria Lopez, a fan of Greenpeace").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kg.extract.arguments import DocContext
from kg.records import EntityType, Mention, Relation

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["ROLE_WORDS", "RULES", "predicate_of_role"]

P, O, L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE  # noqa: E741 - short names in tables

#: Role noun -> the predicate it states between a person and an organisation or place.
ROLE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "president", "premier", "chancellor", "king", "queen", "emperor", "governor", "mayor", "leader",
            "head", "chief", "ceo", "chairman", "chairwoman", "chair", "chairperson", "director-general",
            "secretary-general", "dictator", "emir", "sultan", "monarch", "pm", "president-elect", "boss",
        ],
        "leaderOf",
    ),
    **dict.fromkeys(["member", "members", "fighter", "militant", "activist", "supporter", "mercenary"], "memberOf"),
    **dict.fromkeys(
        [
            "player", "striker", "midfielder", "defender", "goalkeeper", "keeper", "forward", "winger",
            "all-rounder", "batsman", "bowler", "opener", "pitcher", "captain", "skipper", "international",
            "playmaker", "centre-back", "fullback", "quarterback", "guard", "wicketkeeper", "spinner",
            "seamer", "teammate", "team-mate", "rider", "driver", "jockey", "sprinter",
        ],
        "playsFor",
    ),
    **dict.fromkeys(["coach", "manager", "trainer", "handler"], "coachOf"),
    **dict.fromkeys(["spokesman", "spokeswoman", "spokesperson", "spokesmen"], "spokespersonOf"),
    **dict.fromkeys(["founder", "co-founder", "cofounder", "creator"], "founderOf"),
    **dict.fromkeys(["owner", "co-owner", "proprietor", "shareholder"], "ownerOf"),
    **dict.fromkeys(
        [
            "employee", "worker", "staffer", "officer", "official", "engineer", "executive", "economist",
            "analyst", "reporter", "correspondent", "journalist", "editor", "lawyer", "attorney",
            "director", "manager", "researcher", "scientist", "professor", "lecturer", "staff",
        ],
        "employeeOf",
    ),
    **dict.fromkeys(
        [
            "minister", "secretary", "ambassador", "envoy", "commander", "general", "senator", "fellow",
            "representative", "negotiator", "adviser", "advisor", "aide", "deputy", "commissioner",
            "delegate", "diplomat", "candidate", "partner", "judge", "prosecutor", "legislator",
            "lawmaker", "politician", "mp", "congressman", "congresswoman", "vice-president",
        ],
        "affiliatedWith",
    ),
    **dict.fromkeys(["resident", "residents", "native", "citizen", "citizens", "national"], "residentOf"),
}  # fmt: skip
ROLE_WORDS["manager"] = "coachOf"  # in news a manager named with a team is its coach
_LEADING = frozenset({"prime", "premier", "head", "chief", "supreme"})
_SPECIFIC = frozenset({"playsFor", "coachOf", "spokespersonOf", "founderOf", "ownerOf", "employeeOf"})

_NOT_LEADING = frozenset({"vice", "deputy", "shadow", "former", "assistant", "ex", "acting", "co"})
_ROLE_PREPS = frozenset({"of", "at", "for", "with", "to", "in"})
_PLACE_PREPS = frozenset({"from", "of", "in"})
_ROLE_VERBS: dict[str, tuple[str, frozenset[str]]] = {
    "join": ("memberOf", frozenset({"dobj"})),
    "rejoin": ("memberOf", frozenset({"dobj"})),
    "play": ("playsFor", frozenset({"for", "with"})),
    "sign": ("playsFor", frozenset({"for", "with"})),
    "captain": ("playsFor", frozenset({"dobj"})),
    "work": ("employeeOf", frozenset({"for", "at"})),
    "found": ("founderOf", frozenset({"dobj"})),
    "co-found": ("founderOf", frozenset({"dobj"})),
    "own": ("ownerOf", frozenset({"dobj"})),
    "coach": ("coachOf", frozenset({"dobj"})),
    "manage": ("coachOf", frozenset({"dobj"})),
    "lead": ("leaderOf", frozenset({"dobj"})),
    "head": ("leaderOf", frozenset({"dobj"})),
    "chair": ("leaderOf", frozenset({"dobj"})),
    "represent": ("affiliatedWith", frozenset({"dobj"})),
    "live": ("residentOf", frozenset({"in"})),
}
_BRACKETS = re.compile(r"^\s*\(\s*$")
_CLOSE = re.compile(r"^\s*\)")


def predicate_of_role(words: list[str], other: EntityType | None = None) -> str | None:
    """Return the predicate a role phrase states towards an entity of type ``other``.

    The head noun (the last word) decides when it names a specific role ("head coach"
    coaches); otherwise a leading word makes a leader unless "vice", "deputy", "former"
    or the like qualifies it ("Prime Minister", not "Vice President").

    Args:
        words: The role noun and its modifiers, lower case ("former", "team", "captain").
        other: The type of the organisation or place the role is in, when known.

    >>> predicate_of_role(["chief", "spokesman"], EntityType.ORGANISATION)
    'spokespersonOf'
    >>> predicate_of_role(["vice", "president"], EntityType.PLACE)
    'affiliatedWith'
    >>> predicate_of_role(["fan"], EntityType.ORGANISATION) is None
    True
    """
    words = [w.strip(",.") for w in words if w]
    if not any(w in ROLE_WORDS or w in _LEADING for w in words):
        return None
    if any(ROLE_WORDS.get(w) == "residentOf" for w in words):
        return "residentOf" if other in (None, EntityType.PLACE) else None
    if any(ROLE_WORDS.get(w) == "memberOf" for w in words):
        return "memberOf"
    head = next((ROLE_WORDS[w] for w in reversed(words) if w in ROLE_WORDS), None)
    leading = any(w in _LEADING or ROLE_WORDS.get(w) == "leaderOf" for w in words)
    if head in _SPECIFIC and not (head == "employeeOf" and leading):
        return head  # "chief spokesman" speaks, "chief executive" leads
    if leading:
        return "affiliatedWith" if any(w in _NOT_LEADING for w in words) else "leaderOf"
    return head or "affiliatedWith"


def _role_words(tok: Token) -> list[str]:
    """The role noun with its compound and adjective modifiers, in text order, lower case."""
    mods = [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i and c.ent_type_ == ""]
    return [t.lower_ for t in sorted([*mods, tok], key=lambda t: t.i)]


def _role_holders(tok: Token, ctx: DocContext, sent: Span) -> list[Mention]:
    """The people a role noun describes: compound head, apposition, or copular subject."""
    out: list[Mention] = []
    cands: list[Token] = []
    if tok.dep_ in ("compound", "appos", "nmod"):
        cands.append(tok.head)
    cands.extend(c for c in tok.children if c.dep_ == "appos")
    if tok.dep_ == "attr" and tok.head.lemma_ == "be":
        cands.extend(c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass"))
    for c in cands:
        if not (sent.start <= c.i < sent.end):
            continue
        m = ctx.mention_of(c)
        if m is not None and m.type is P:
            out.append(m)
    return out


def _role_places(tok: Token, ctx: DocContext) -> list[tuple[Mention, Token]]:
    """Organisations and places a role noun is held in: possessor, modifier, or preposition."""
    out: list[tuple[Mention, Token]] = []
    for c in tok.children:
        if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < tok.i:
            m = ctx.mention_of(c)
            if m is not None and m.type in (O, L):
                out.append((m, c))
        elif c.dep_ == "prep" and c.lower_ in _ROLE_PREPS:
            for o in c.children:
                if o.dep_ != "pobj":
                    continue
                m = ctx.entity_of(o, types=(O, L))
                if m is not None:
                    out.append((m, o))
    return out


def _evidence_rel(ctx: DocContext, sent: Span, a: Mention, pred: str, b: Mention, conf: float, role: str | None) -> Relation:
    start, end = min(a.start, b.start), max(a.end, b.end)
    return Relation(a.entity, pred, b.entity, conf, ctx.span_evidence(sent, start, end), role)


def title_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A role noun joining a person to an organisation or place (see the module docstring)."""
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.lower_ not in ROLE_WORDS or ctx.mention_of(tok) is not None:
            continue
        holders = _role_holders(tok, ctx, sent)
        if not holders:
            continue
        words = _role_words(tok)
        for m, _ in _role_places(tok, ctx):
            pred = predicate_of_role(words, m.type)
            if pred is None:
                continue
            role = " ".join(words)
            for h in holders:
                if h.entity != m.entity:
                    yield _evidence_rel(ctx, sent, h, pred, m, 0.7, role)


def verb_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A person as the subject of a role verb ("joined", "plays for") with an organisation."""
    for tok in sent:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in _ROLE_VERBS:
            continue
        pred, slots = _ROLE_VERBS[tok.lemma_.lower()]
        subjects = [c for c in tok.children if c.dep_ == "nsubj"]
        if not subjects and tok.dep_ == "relcl":
            subjects = [tok.head]
        holders = [m for s in subjects if (m := ctx.mention_of(s)) is not None and m.type is P]
        if not holders:
            continue
        objs: list[Token] = []
        for c in tok.children:
            if c.dep_ == "dobj" and "dobj" in slots:
                objs.append(c)
            elif c.dep_ == "prep" and c.lower_ in slots:
                objs.extend(o for o in c.children if o.dep_ == "pobj")
        types = (L,) if pred == "residentOf" else (O, L)
        for o in objs:
            m = ctx.entity_of(o, types=types)
            if m is None:
                continue
            for h in holders:
                yield _evidence_rel(ctx, sent, h, pred, m, 0.65, None)


def paren_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A name followed by a place or organisation in brackets: "Eva Berg ( France )"."""
    text = ctx.article.text
    ms = ctx.mentions_in(sent.start_char, sent.end_char)
    for a, b in zip(ms, ms[1:], strict=False):
        if not _BRACKETS.match(text[a.end : b.start]) or not _CLOSE.match(text[b.end : b.end + 3]):
            continue
        if b.type is L:
            pred = {P: "residentOf", O: "basedIn", L: "locatedIn"}[a.type]
        elif b.type is O and a.type is P:
            pred = "memberOf"
        else:
            continue
        if a.entity != b.entity:
            yield _evidence_rel(ctx, sent, a, pred, b, 0.6, None)


def from_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A person "from" a place: "Jan Novak, from Lyon", "Jan Novak of Lyon"."""
    for tok in sent:
        if tok.dep_ != "prep" or tok.lower_ not in ("from", "of"):
            continue
        holder = ctx.mention_of(tok.head)
        if holder is None or holder.type is not P:
            continue
        for o in tok.children:
            m = ctx.mention_of(o) if o.dep_ == "pobj" else None
            if m is not None and m.type is L and m.entity != holder.entity:
                yield _evidence_rel(ctx, sent, holder, "residentOf", m, 0.6, None)


#: The rules by name, in the order they run (the benchmark switches them off one by one).
RULES: dict[str, Callable[[DocContext, Span], Iterator[Relation]]] = {
    "title": title_rule,
    "verb": verb_rule,
    "paren": paren_rule,
    "from": from_rule,
}
