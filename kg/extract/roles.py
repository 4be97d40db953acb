"""Relations read off the dependency parse: roles, origins and places stated around a name.

:mod:`kg.extract.relations` reads the characters between two mentions; the rules here
read the parse, so they also hold when words come between ("the Commission's chief
spokesman Nikolaus van der Pas", "Tang Shubei, executive vice chairman of the
Association"):

==============  ==================================================================
title           a role noun tied to a person (compound, apposition, or the
                attribute of "is"/"was") and to an organisation or place (its
                possessor, a compound or modifier, or its "of/at/for/with" phrase):
                "Surrey captain Chris Lewis", "Chris Lewis, the Surrey captain",
                "Acme's founder Maria Lopez", "Maria Lopez is a member of Greenpeace";
                also "as" ("X, who as Israel's ambassador ...") and conjoined
                roles ("an envoy to Egypt and Likud party politician")
paren           a name with a place or organisation in brackets after it: "Eva Berg
                (France)", "Acme Corp (Spain)"
presence        a person as subject of a verb with an "in/at" place ("won in Lyon"),
                or of a motion verb with a "to" place ("flew to Lyon": visited)
lineup          players named with a figure in brackets after their side's score:
                "Surrey 429-7 ( C. Lewis 80 , M. Butcher 70 )"
venue           the sides of a result line at the venue that opens it ("Hove : Sussex
                363 , Lancashire 197-8"), or of a fixture ("v Acme Corp ( at Lyon )")
role-verb       "X plays for / played his career with Y", "X joined Y", "X works for Y"
area            places nested by an area noun: "the Qasri region in Suleimaniya province"
descriptor      a fallback: a noun the lexicon does not know describing a person,
                qualified by a name before it ("England discard Andy Caddick"): affiliation
near            the fallback: a person and an organisation, or an organisation and a
                place, at most four arcs apart through nouns and prepositions only,
                for pairs no other rule related
==============  ==================================================================

A person "of"/"from" a place as a parse rule was tried and dropped: it changed no figure
on any evaluation file (docs/BENCHMARKS.md); "X, from Y" is read by
:mod:`kg.extract.relations`. The role noun decides the predicate
(:func:`predicate_of_role`). Nothing is extracted when a verb other than the copula or a
role verb separates the two names, or when a noun the lexicon does not know holds the
other name in a prepositional phrase ("Maria Lopez, a fan of Spain").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kg.extract.arguments import DocContext
from kg.records import EntityType, Mention, Relation

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["FALLBACK_RULES", "ROLE_WORDS", "RULES", "predicate_of_role"]

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
_RELATIVES = frozenset({"who", "that", "which"})
_BRACKETS = re.compile(r"^\s*\(\s*$")
_CLOSE = re.compile(r"^\s*\.?\s*\)")


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
    if tok.dep_ == "conj":
        # "a former envoy to Egypt and Likud party politician": conjoined roles share a
        # holder (the parser may hang the second role on the first one's object)
        up = tok.head
        while up.dep_ in ("pobj", "prep") and up.head is not up and up.lower_ not in ROLE_WORDS:
            up = up.head
        if up.lower_ in ROLE_WORDS and up.pos_ in ("NOUN", "PROPN") and ctx.mention_of(up) is None:
            return _role_holders(up, ctx, sent)
    out: list[Mention] = []
    cands: list[Token] = []
    if tok.dep_ in ("compound", "appos", "nmod"):
        cands.append(tok.head)
    cands.extend(c for c in tok.children if c.dep_ == "appos")
    if tok.dep_ == "attr" and tok.head.lemma_ == "be":
        cands.extend(c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass"))
    if tok.dep_ == "pobj" and tok.head.lower_ == "as" and tok.head.dep_ == "prep":
        # "As Acme's chairman, Eva Berg said"; "Eva Berg, who as Acme's chairman signed ..."
        verb = tok.head.head
        if verb.lower_ in _RELATIVES and verb.head.dep_ == "relcl":
            verb = verb.head  # the parser may hang "as" on "who"
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                relative = c.lower_ in _RELATIVES and verb.dep_ == "relcl"
                cands.append(verb.head if relative else c)
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
            # "Likud party politician": a compound's own name counts ("party" is Likud's)
            m = ctx.entity_of(c, types=(O, L)) if c.dep_ == "compound" else ctx.mention_of(c)
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


def _rels(
    ctx: DocContext, sent: Span, a: Mention, pred: str, b: Mention, conf: float, role: str | None
) -> Iterator[Relation]:
    """The relation with its evidence; a player is also a member of the team (``playsFor`` entails ``memberOf``)."""
    start, end = min(a.start, b.start), max(a.end, b.end)
    evidence = ctx.span_evidence(sent, start, end)
    yield Relation(a.entity, pred, b.entity, conf, evidence, role)
    if pred == "playsFor":
        yield Relation(a.entity, "memberOf", b.entity, conf, evidence, role)


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
                    yield from _rels(ctx, sent, h, pred, m, 0.7, role)


def descriptor_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A noun describing a person, qualified by a place or organisation: affiliation.

    "England discard Andy Caddick", "Jan Novak, a former Spanish national champion": the
    noun is no role the lexicon knows, but the name that qualifies it (a compound, an
    adjective or a possessor, never a prepositional phrase: "a fan of Acme Corp" states
    nothing) ties the person to it. A fallback: it speaks only for pairs no other rule
    related in the sentence.
    """
    for tok in sent:
        if tok.pos_ != "NOUN" or tok.lower_ in ROLE_WORDS or ctx.mention_of(tok) is not None:
            continue
        holders = _role_holders(tok, ctx, sent)
        if not holders:
            continue
        for m, _ in _role_places(tok, ctx):
            if m.start > tok.idx:
                continue  # only names before the noun qualify it
            for h in holders:
                if h.entity != m.entity:
                    yield from _rels(ctx, sent, h, "affiliatedWith", m, 0.45, tok.lower_)


def paren_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A name followed by a place or organisation in brackets: "Eva Berg ( France )"."""
    text = ctx.article.text
    ms = ctx.mentions_in(sent.start_char, sent.end_char)
    for a, b in itertools.pairwise(ms):
        if not _BRACKETS.match(text[a.end : b.start]) or not _CLOSE.match(text[b.end : b.end + 3]):
            continue
        if b.type is L:
            pred = {P: "residentOf", O: "basedIn", L: "locatedIn"}[a.type]
        elif b.type is O and a.type is P:
            pred = "memberOf"
        else:
            continue
        if a.entity != b.entity:
            yield from _rels(ctx, sent, a, pred, b, 0.6, None)


#: A result line's team and score before its bracketed line-up: "Surrey 429-7 (".
_SCORE_OPEN = re.compile(r"\s*\d+(?:[-/]\d+)?(?:\s*(?:and|&)\s*\d+(?:[-/]\d+)?)?\s*(?:\(|\[)")
#: A player's own figure after the name in a line-up: "M. Butcher 70", "I. Austin 4-37".
_PLAYER_SCORE = re.compile(r"\s*\d")


def lineup_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """Players listed with their figures in brackets after their team's score.

    "Surrey 429-7 ( C. Lewis 80 not out , M. Butcher 70 ; ...)": each person named with a
    figure of their own plays for the team (an organisation, or the place it is named
    after) before the bracket. The list stops at ";" (in cricket results the other side's
    bowlers follow it) or at the closing bracket. A bracket holding only bowling figures
    ("Somerset 83 ( P. Simmons 4-38 )") lists the other side's bowler, yet is read the
    same way: telling the two apart cost recall on the CrossRE check half (docs/BENCHMARKS.md).
    """
    text = ctx.article.text
    ms = ctx.mentions_in(sent.start_char, sent.end_char)
    for k, team in enumerate(ms):
        if team.type is P:
            continue  # a county or town with a score and a line-up is its team ("Surrey 429-7 (")
        opened = _SCORE_OPEN.match(text, team.end)
        if opened is None:
            continue
        close = min((i for i in (text.find(c, opened.end()) for c in ");]") if i >= 0), default=sent.end_char)
        for m in ms[k + 1 :]:
            if m.start >= close:
                break
            if m.type is P and _PLAYER_SCORE.match(text, m.end):
                yield from _rels(ctx, sent, m, "playsFor", team, 0.55, None)


#: A result line's venue: a place at the start of the line, its ground in brackets, then a colon.
_VENUE = re.compile(r"\s*(?:\(\s*(?P<ground>[^()]{1,40}?)\s*\)\s*)?:\s")
#: A side's score right after its name in a result line: "Sussex 363", "Lancashire 197-8".
_SIDE_SCORE = re.compile(r"\s+\d+(?:[-/]\d+)?\b(?!\s*(?:-|:)\s*\d)")
#: A fixture's venue in brackets after a side: "v Acme Corp ( at Portmere )".
_AT_VENUE = re.compile(r"\s*\(\s*at\s+(?:the\s+)?$", re.IGNORECASE)


def venue_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """Sides of a result line, or of a fixture, at the venue the line names.

    "Portmere : Northfield United 363 ( ... ) , Acme Corp 197-8": a line that opens with a
    place (its ground in brackets, when named) and a colon reports a match played there;
    each side named with a score at the top level of the line was present at that venue.
    "v Northfield United ( at Portmere )": the bracket names the venue of the fixture.
    Nothing is read from a line whose first name is not a place or has no colon after it.
    """
    text = ctx.article.text
    ms = ctx.mentions_in(sent.start_char, sent.end_char)
    # The parser may end a sentence at the venue's colon: the venue is read from the line.
    line = text.rfind("\n", 0, sent.start_char) + 1
    line_ms = ctx.mentions_in(line, sent.end_char)
    if line_ms and line_ms[0].type is L and not text[line : line_ms[0].start].strip():
        head = _VENUE.match(text, line_ms[0].end)
        if head is not None:
            ground = [m for m in line_ms[1:] if m.end <= head.end() and m.type is L]
            venue = ground[0] if ground else line_ms[0]
            depth, last = 0, head.end()
            for m in line_ms[1:]:
                if m.start < head.end():
                    continue
                depth += text.count("(", last, m.start) - text.count(")", last, m.start)
                last = m.start
                if m.start < sent.start_char or depth != 0 or m.type is P or m.entity == venue.entity:
                    continue
                if _SIDE_SCORE.match(text, m.end):
                    start = venue.start if venue.start >= sent.start_char else sent.start_char
                    evidence = ctx.span_evidence(sent, start, m.end)
                    yield Relation(m.entity, "presentIn", venue.entity, 0.5, evidence, None)
    for a, b in itertools.pairwise(ms):
        if a.type in (P, O) and b.type is L and _AT_VENUE.match(text[a.end : b.start]):
            yield from _rels(ctx, sent, a, "presentIn", b, 0.5, None)


#: Verbs that state a person's role in an organisation: lemma -> (predicate, how the
#: organisation attaches: its direct object or these prepositions).
_ROLE_VERBS: dict[str, tuple[str, frozenset[str]]] = {
    "play": ("playsFor", frozenset({"for", "with"})),
    "join": ("memberOf", frozenset({"dobj"})),
    "rejoin": ("memberOf", frozenset({"dobj"})),
    "sign": ("playsFor", frozenset({"for", "with"})),
    "captain": ("playsFor", frozenset({"dobj"})),
    "coach": ("coachOf", frozenset({"dobj"})),
    "manage": ("coachOf", frozenset({"dobj"})),
    "found": ("founderOf", frozenset({"dobj"})),
    "work": ("employeeOf", frozenset({"for", "at"})),
}


def _verb_subjects(ctx: DocContext, verb: Token) -> list[Mention]:
    """The people a verb's subject names: "Eva Berg joined", "Eva Berg, who joined" (active voice only)."""
    out = []
    for c in verb.children:
        if c.dep_ != "nsubj":
            continue
        t = verb.head if c.lower_ in _RELATIVES and verb.dep_ == "relcl" else c
        m = ctx.mention_of(t)
        if m is not None and m.type is P:
            out.append(m)
    return out


def role_verb_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A person's role stated by a verb: "Eva Berg joined Acme Corp", "played his career with Acme Corp".

    The organisation is the verb's direct object or the object of the verb's own
    "for"/"with"/"at" phrase; a team may be named by its place only with "for" ("plays
    for Lyon"), since "with"/"at" a place says where, not for whom.
    """
    for tok in sent:
        spec = _ROLE_VERBS.get(tok.lemma_.lower()) if tok.pos_ == "VERB" else None
        if spec is None:
            continue
        pred, attach = spec
        holders = _verb_subjects(ctx, tok)
        if not holders:
            continue
        objs: list[Mention] = []
        for c in tok.children:
            if c.dep_ == "dobj" and "dobj" in attach:
                m = ctx.mention_of(c)
                if m is not None and m.type is O:
                    objs.append(m)
            elif c.dep_ == "prep" and c.lower_ in attach:
                for o in c.children:
                    m = ctx.mention_of(o) if o.dep_ == "pobj" else None
                    if m is not None and (m.type is O or (m.type is L and c.lower_ == "for")):
                        objs.append(m)
        for m in objs:
            for h in holders:
                if h.entity != m.entity:
                    yield from _rels(ctx, sent, h, pred, m, 0.55, None)


_PRESENCE_PREPS = frozenset({"in", "at"})
_MOTION = frozenset({"fly", "travel", "visit", "go", "come", "return", "arrive", "head", "move", "flee"})
_AREA_NOUNS = frozenset(
    {"town", "city", "village", "region", "province", "district", "state", "county", "area", "capital", "port"}
)


#: Nouns of a journey or a stay: "Lien's visit to Kyiv", "a flight to Lyon by Jan Novak".
_JOURNEYS = frozenset({"visit", "trip", "flight", "tour", "journey", "arrival", "stay", "return"})


def _present_people(ctx: DocContext, tok: Token) -> list[Mention]:
    """The people who did what ``tok`` says: its subject, else the subject it is understood to have.

    A verb's own subject ("Jan Novak won"; for "meet"/"visit" the object too); a verb
    with none takes its governor's ("Jan Novak was due to meet ... and flew to ...");
    a journey noun takes its possessor or its "by" phrase.
    """
    kids = list(tok.children)
    if tok.pos_ == "NOUN":
        heads = [c for c in kids if c.dep_ == "poss"]
        heads += [g for c in kids if c.dep_ == "prep" and c.lower_ == "by" for g in c.children if g.dep_ == "pobj"]
    else:
        deps = ("nsubj", "dobj") if tok.lemma_.lower() in ("meet", "visit") else ("nsubj",)
        heads = [c for c in kids if c.dep_ in deps]
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in kids) and tok.dep_ in ("xcomp", "conj"):
            gov = tok.head
            if tok.dep_ != "xcomp" or not any(c.dep_ == "dobj" for c in gov.children):
                heads += [c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")]
    out = []
    for c in heads:
        # "its leader Massoud Rajavi met ...": a role noun stands for the person in apposition.
        for t in (c, *(a for a in c.children if a.dep_ == "appos")):
            m = ctx.mention_of(t)
            if m is not None and m.type is P:
                out.append(m)
                break
    return out


def _places_of(ctx: DocContext, prep: Token) -> list[Mention]:
    """The places a preposition names: its object, or the town an area noun names ("the town of Bron")."""
    out = []
    for o in prep.children:
        if o.dep_ != "pobj":
            continue
        m = ctx.mention_of(o)
        if m is not None and m.type is L:
            out.append(m)
        elif m is None and o.lower_ in _AREA_NOUNS:
            out += [
                n
                for c in o.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children
                if g.dep_ == "pobj" and (n := ctx.mention_of(g)) is not None and n.type is L
            ]
    return out


def presence_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """A person who did something in a place the same clause names: "Jan Novak won in Lyon"."""
    for tok in sent:
        journey = tok.pos_ == "NOUN" and tok.lemma_.lower() in _JOURNEYS
        if tok.pos_ != "VERB" and not journey:
            continue
        holders = _present_people(ctx, tok)
        if not holders:
            continue
        motion = journey or tok.lemma_.lower() in _MOTION
        for c in tok.children:
            if c.dep_ != "prep" or not (c.lower_ in _PRESENCE_PREPS or (motion and c.lower_ == "to")):
                continue
            pred = "visited" if c.lower_ == "to" else "presentIn"
            for m in _places_of(ctx, c):
                for h in holders:
                    yield from _rels(ctx, sent, h, pred, m, 0.55, None)


def area_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """Places nested by an area noun: "Qasri region in Suleimaniya province", "the Lyon town of Bron"."""
    for tok in sent:
        if tok.lower_ not in _AREA_NOUNS or tok.pos_ != "NOUN":
            continue
        inner = ctx.entity_of(tok, types=(L,))
        for c in tok.children:
            if c.dep_ != "prep" or c.lower_ not in ("in", "of"):
                continue
            for o in c.children:
                m = ctx.entity_of(o, types=(L,)) if o.dep_ == "pobj" else None
                if m is None or inner is None or m.entity == inner.entity:
                    continue
                if c.lower_ == "in":
                    yield from _rels(ctx, sent, inner, "locatedIn", m, 0.6, None)
                elif ctx.mention_of(o) is not None and ctx.mention_of(tok) is None:
                    yield from _rels(ctx, sent, m, "locatedIn", inner, 0.6, None)


def _path(a: Token, b: Token, limit: int) -> list[Token] | None:
    """The tokens strictly between ``a`` and ``b`` on their dependency path, if it has at most ``limit`` arcs."""
    up_a = [a]
    while up_a[-1].head is not up_a[-1] and len(up_a) <= limit:
        up_a.append(up_a[-1].head)
    up_b = [b]
    while up_b[-1].head is not up_b[-1] and len(up_b) <= limit:
        up_b.append(up_b[-1].head)
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t.i in ids_b:
            j = ids_b[t.i]
            if k + j > limit:
                return None
            return up_a[1 : k + 1] + up_b[1:j]
    return None


_NEAR_PRED = {(P, O): "affiliatedWith", (O, L): "basedIn"}
#: The longest dependency path (in arcs) the fallback reads between two names.
_NEAR_ARCS = 4


def near_rule(ctx: DocContext, sent: Span) -> Iterator[Relation]:
    """Two names joined by a short noun-and-preposition path: "Eva Berg at Acme Corp's Lyon office"."""
    ms = ctx.mentions_in(sent.start_char, sent.end_char)
    roots = []
    for m in ms:
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            roots.append((m, span.root))
    for i, (a, ra) in enumerate(roots):
        for b, rb in roots[i + 1 :]:
            key = (a.type, b.type) if (a.type, b.type) in _NEAR_PRED else (b.type, a.type)
            pred = _NEAR_PRED.get(key)
            if pred is None or a.entity == b.entity:
                continue
            if a.start < b.end and b.start < a.end:
                continue  # one name inside the other ("Lyon Police Department"): the name, not the text, says so
            path = _path(ra, rb, _NEAR_ARCS)
            if path is None or any(t.pos_ in ("VERB", "AUX") or t.dep_ in ("conj", "cc") for t in path):
                continue
            if (ra.dep_ == "conj" and ra.head == rb) or (rb.dep_ == "conj" and rb.head == ra):
                continue  # "Google and Jan Novak" is a list, not a relation
            subj, obj = (a, b) if a.type is key[0] else (b, a)
            yield from _rels(ctx, sent, subj, pred, obj, 0.4, None)


#: The rules by name, in the order they run (the benchmark switches them off one by one).
RULES: dict[str, Callable[[DocContext, Span], Iterator[Relation]]] = {
    "title": title_rule,
    "paren": paren_rule,
    "presence": presence_rule,
    "lineup": lineup_rule,
    "area": area_rule,
    "venue": venue_rule,
    "role-verb": role_verb_rule,
    "descriptor": descriptor_rule,
    "near": near_rule,
}
#: Rules that only speak for a pair no other rule related in the sentence.
FALLBACK_RULES = frozenset({"descriptor", "near"})
