"""Events: who did what to whom, where and when, from a parsed article and its entities.

A trigger is a verb or an event noun whose lemma is in the taxonomy's lexicon
(:mod:`kg.extract.lexicon`), checked against its dependency context (``fire`` only with a
weapon as object, ``take`` only with a place as object, ``bomb`` only as a verb...).
Arguments come from dependency paths:

=============  ==============================================================
agent          active subject; passive "by" agent; possessor ("Russia's drive");
               a name modifying an event noun ("Russian shelling"); the doer of a
               support verb ("X carried out the attack", "X claimed responsibility
               for the bombing")
target         direct object; passive subject; "on"/"against"/"of" phrase; every
               named member of an "including" list
place          "in"/"near"/"around"/"at" phrase; else the place the trigger's sentence
               names, then the article's dominant place, each with lower confidence
time           a DATE expression the trigger governs, normalised by
               :mod:`kg.extract.temporal`
casualties     a numeral on the victims of a killing ("killed at least three people")
=============  ==============================================================

Negated, hypothetical and future events keep their :class:`~kg.records.Modality` so that
nothing downstream reads them as having happened. Statements and quotes are built by
:mod:`kg.extract.quotes` from the same triggers.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.extract.arguments import (
    DocContext,
    cause_doers,
    further_places,
    listed_members,
    located_country,
    modality_of,
    number_value,
    time_of,
    understood_subject,
)
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.quotes import inside_quote, statement_event
from kg.extract.relations import extract_relations
from kg.extract.reports import definite, merge_reports
from kg.records import Article, Entity, EntityType, Event, Mention, Modality, Participant, Relation, content_hash

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["event_key", "events_and_relations", "extract_events", "trigger_type"]

_PLACE_PREPS = frozenset({"in", "near", "around", "at", "outside", "inside", "across", "throughout", "into"})
_TARGET_PREPS = frozenset({"on", "against", "of", "for", "toward", "towards"})
_WEAPONS = frozenset(
    [
        "mortar",
        "mortars",
        "rocket",
        "rockets",
        "missile",
        "missiles",
        "shell",
        "shells",
        "artillery",
        "shot",
        "shots",
        "round",
        "rounds",
        "weapon",
        "weapons",
        "bullet",
        "bullets",
        "grenade",
        "grenades",
        "drone",
        "drones",
        "gun",
        "guns",
    ]
)
_PLACE_NOUNS = frozenset(
    ["city", "town", "village", "home", "homes", "country", "region", "area", "house", "houses", "capital"]
)
# Lemmas that name the type only as this part of speech.
_VERB_ONLY = frozenset(
    [
        "fire",
        "state",
        "note",
        "read",
        "quote",
        "sign",
        "charge",
        "claim",
        "observe",
        "add",
        "write",
        "tell",
        "host",
        "describe",
        "explain",
        "march",
        "storm",
        "bomb",
        "shell",
        "demonstrate",
        "comment",
        "tweet",
        "cite",
        "dub",
        "sentence",
        "try",
        "report",
        "confirm",
        "wound",
        "batter",
        "pummel",
    ]
)
# "blast" as a verb is news for "criticise" ("X blasts Y"); the explosion is the noun.
_NOUN_ONLY = frozenset({"offensive", "deal", "drive", "talks", "blast"})
# Triggers too common to stand alone: the event needs a participant entity.
_WEAK = frozenset({"help", "aid", "sign", "host", "visit", "take", "drive", "deal", "fight", "strike"})
# Head nouns that an event noun only classifies as a modifier: a body, a document, a
# post, a weapon, a measure ("the Elections Council", "an arrest warrant", "the transport
# minister", "assault rifles", "a trial basis", "injury time"). Vehicles are left out: "flew
# back in a transport plane" tells a journey, and the lexicon has no trigger for "fly".
_BODIES_AND_PAPERS = frozenset(
    {
        "council",
        "commission",
        "committee",
        "board",
        "office",
        "agency",
        "ministry",
        "minister",
        "secretary",
        "warrant",
        "paper",
        "law",
        "bill",
        "ban",
        "sentence",
        "term",
        "rifle",
        "weapon",
        "group",
        "unit",
        "price",
        "basis",
        "time",
        "spirit",
        "style",
    }
)
# What is fought or attacked when the words are not military: "attack the virus",
# "combat corruption", "fight crime" tell of a campaign, not of violence.
_NON_MILITARY = frozenset(
    {
        "virus",
        "disease",
        "epidemic",
        "pandemic",
        "outbreak",
        "infection",
        "illness",
        "cancer",
        "crime",
        "corruption",
        "poverty",
        "inflation",
        "unemployment",
        "hunger",
        "problem",
        "misinformation",
        "disinformation",
        "addiction",
        "racism",
        "extremism",
        "terrorism",
        "climate",
        "change",
        "fraud",
    }
)
# Modifiers that make an attack a bodily one ("a heart attack", "a panic attack").
_BODILY = frozenset({"heart", "panic", "asthma", "anxiety", "epileptic", "migraine", "seizure"})
# Who raids as law enforcement: a police raid is a search, not violence.
_LAW_ENFORCEMENT = frozenset(
    {"police", "policeman", "policemen", "officer", "detective", "investigator", "agent", "constable", "inspector"}
)
# What may be damaged that is no material thing: "financial damage", "damaged his reputation".
_IMMATERIAL = frozenset(
    {
        "financial",
        "economic",
        "reputational",
        "political",
        "diplomatic",
        "psychological",
        "emotional",
        "reputation",
        "relation",
        "relationship",
        "tie",
        "economy",
        "confidence",
        "trust",
        "credibility",
        "image",
        "prospect",
        "morale",
        "chance",
        "career",
        "brand",
        "interest",
        "brain",
        "nerve",
        "liver",
        "kidney",
        "lung",
    }
)
# Legal findings that, as a modifier, name a standing status, not an event told: "a convicted
# recruiter", "the accused man".
_STATUS_TYPES = frozenset({"Accusation", "Sentencing", "Indictment"})
# Head nouns that make a killing an attempt ("assassination attempt", "murder plot").
_ATTEMPTS = frozenset({"attempt", "plot", "bid"})
# Roles for types with no direction: everyone is a participant.
_SYMMETRIC = frozenset({"Meeting", "Agreement", "Fight", "Election", "Protest"})
_NO_FALLBACK_PLACE = frozenset({"Statement", "Accusation"})
# Types a possessor of the event noun undergoes ("his arrest") rather than does.
_UNDERGONE = frozenset({"Arrest", "Trial", "Indictment", "Sentencing", "Death", "Injury", "Killing"})
# Harms whose doer may be told through the attack they came by ("killed in IS attacks").
_HARMS = frozenset({"Killing", "Injury", "Damage"})


def event_key(article_id: str, offset: int) -> str:
    """Return the key of the event triggered at ``offset`` in an article.

    >>> event_key("a1", 42)
    'event/f55ff16f66f43360/42'
    """
    return f"event/{content_hash(article_id)[:16]}/{offset}"


def trigger_type(token: Token, lexicon: Lexicon, ctx: DocContext | None = None) -> str | None:
    """Return the event type ``token`` triggers in its context, or ``None``.

    Args:
        token: A token of a parsed doc.
        lexicon: The trigger lexicon.
        ctx: The article's mentions; contextual checks that need entities ("take" a
            place) fail without it.
    """
    if token.pos_ not in ("VERB", "NOUN"):
        return None
    for child in token.children:
        if child.dep_ in ("prt", "prep") and (token.lemma_.lower(), child.lower_) in lexicon.phrasal:
            return lexicon.phrasal[(token.lemma_.lower(), child.lower_)]
    lemma = token.lemma_.lower()
    etype = lexicon.lemmas.get(lemma)
    if etype is None and token.pos_ == "NOUN":
        # A surface form listed for itself is a noun ("hearing", "talks"); as a verb
        # it is the verb's own sense ("reported hearing bangs" is no court hearing).
        etype = lexicon.lemmas.get(token.lower_)
    if etype is None or lemma == "accord":
        return None
    if (lemma in _VERB_ONLY and token.pos_ != "VERB") or (lemma in _NOUN_ONLY and token.pos_ != "NOUN"):
        return None
    if not _context_ok(token, lemma, ctx):
        return None
    if token.dep_ == "compound" and token.head.lemma_.lower() in _BODIES_AND_PAPERS:
        return None  # "the Elections Council", "arrest warrants" name a body or a paper, not an event
    if etype in ("Attack", "Fight") and _non_military(token):
        return None  # "attack the virus", "the fight against corruption"
    if etype in ("Attack", "Fight") and _not_violent(token):
        return None  # "a heart attack", "an attacking style", "shot a 67", "struck out"
    if lemma == "raid" and _police_search(token):
        return None  # "police raided a house", "a police raid": a search
    if etype == "Damage" and _immaterial(token):
        return None  # "financial damage", "damaged his reputation", "brain damage"
    if etype in _STATUS_TYPES and _status(token):
        return None  # "a convicted recruiter", "the accused man"
    if etype == "Killing" and _attempted(token) and "Attack" in lexicon.labels:
        return "Attack"  # an attempt on someone's life is an attack, not a killing
    return etype


def _aimed_at(token: Token) -> list[Token]:
    """What a trigger is aimed at: its objects, or a noun's "against"/"on"/"of" phrase."""
    out = list(_objects(token)) + [c for c in token.children if c.dep_ == "nsubjpass"]
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ in ("against", "on", "of"):
            out.extend(g for g in c.children if g.dep_ == "pobj")
    return out


def _non_military(token: Token) -> bool:
    """Whether an attack or fight is aimed only at a disease or a social ill."""
    aims = _aimed_at(token)
    return bool(aims) and all(a.lemma_.lower() in _NON_MILITARY for a in aims)


def _not_violent(token: Token) -> bool:
    """Whether an attack word has a sense without violence in its context.

    A bodily attack ("a heart attack"); a participle before a noun ("an attacking style",
    "fighting spirit"); a score shot ("shot a two-over-par 73": the object is a number);
    "struck out" (a batter, a word, a deal).
    """
    lemma = token.lemma_.lower()
    if token.pos_ == "NOUN" and any(c.dep_ in ("compound", "amod") and c.lower_ in _BODILY for c in token.children):
        return True
    if token.pos_ == "VERB" and token.tag_ == "VBG" and token.dep_ == "amod":
        return True
    if lemma in ("shoot", "fire", "card") and any(o.pos_ == "NUM" for o in _objects(token)):
        return True
    return lemma == "strike" and any(c.dep_ == "prt" and c.lower_ == "out" for c in token.children)


def _immaterial(token: Token) -> bool:
    """Whether damage is done to no material thing: an economy, a reputation, a body's organ."""
    words = [c for c in token.children if c.dep_ in ("amod", "compound")] if token.pos_ == "NOUN" else []
    words += _objects(token) + [c for c in token.children if c.dep_ == "nsubjpass"]
    words += [
        g for c in token.children if c.dep_ == "prep" and c.lower_ == "to" for g in c.children if g.dep_ == "pobj"
    ]
    return any(w.lemma_.lower() in _IMMATERIAL for w in words)


def _status(token: Token) -> bool:
    """Whether a legal finding only qualifies a noun after it: "a convicted recruiter"."""
    return token.dep_ in ("amod", "compound") and token.tag_ in ("VBN", "JJ") and token.i < token.head.i


def _police_search(token: Token) -> bool:
    """Whether a raid's doers are police: a police raid is a search, not an attack.

    The doers are a verb's subject or "by" agent ("police raided"), a noun's modifiers
    ("a police raid"), or the doers of the verb that launched it ("officers launched raids").
    """
    deps = ("nsubj", "agent") if token.pos_ == "VERB" else ("compound", "poss", "amod", "nmod", "prep")
    doers = [c for c in token.children if c.dep_ in deps and c.dep_ not in ("agent", "prep")]
    doers += [g for c in token.children if c.dep_ in ("agent", "prep") and c.lower_ == "by" for g in c.children]
    if token.pos_ == "NOUN":
        doers += _doer_of_noun(token)
    return any(a.lemma_.lower() in _LAW_ENFORCEMENT for a in _with_conj(doers))


#: Verbs that make the verb after them a habit: "insurgents who continue to ambush forces".
_ASPECTUAL = frozenset({"continue", "keep", "tend", "use"})
_PRESENT = frozenset({"VBZ", "VBP"})


def _generic(token: Token) -> bool:
    """Whether a trigger tells of a habit or a general truth rather than of a happening.

    A relative clause in the simple present ("the estate where the leaders meet"), a
    verb of habit in one ("insurgents who continue to ambush convoys"), and a gerund
    subject of a present copula ("capturing drones is one option") describe what is
    usually so. Main clauses in the present are left alone: headlines tell past events
    that way ("Bomb kills three").
    """
    if token.pos_ != "VERB":
        return False
    head = token.head
    if token.tag_ in _PRESENT and token.dep_ == "relcl":
        return not any(c.dep_ in ("aux", "auxpass") for c in token.children)
    if token.dep_ == "xcomp" and head.tag_ in _PRESENT and head.dep_ == "relcl":
        return head.lemma_.lower() in _ASPECTUAL
    return token.tag_ == "VBG" and token.dep_ in ("csubj", "nsubj") and head.lemma_ == "be" and head.tag_ in _PRESENT


def _attempted(token: Token) -> bool:
    """Whether a killing is only attempted: "an assassination attempt", "tried to kill"."""
    head = token.head
    if token.pos_ == "NOUN":
        return token.dep_ == "compound" and head.lemma_.lower() in _ATTEMPTS
    return token.dep_ == "xcomp" and head.lemma_.lower() in ("try", "attempt", "plot")


def _objects(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in ("dobj", "obj")]


def _context_ok(token: Token, lemma: str, ctx: DocContext | None) -> bool:
    objs = _objects(token) + [c for c in token.children if c.dep_ in ("advmod", "npadvmod") and c.i > token.i]
    if lemma == "fire":
        return any(o.lemma_.lower() in _WEAPONS for o in objs)
    if lemma == "take":
        return ctx is not None and any(
            (m := ctx.mention_of(o)) is not None and m.type is EntityType.PLACE for o in objs
        )
    if lemma == "leave":
        return any(o.lemma_.lower() in _PLACE_NOUNS for o in objs) or (
            ctx is not None and any((m := ctx.mention_of(o)) is not None and m.type is EntityType.PLACE for o in objs)
        )
    if lemma == "demonstrate":
        return not objs and not any(c.dep_ in ("ccomp", "csubj") for c in token.children)
    if lemma == "drive":
        return any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in _TARGET_PREPS) for c in token.children)
    if lemma in ("read", "add", "write", "note", "observe", "cite", "quote", "describe", "explain", "tweet"):
        return _has_content(token)
    if lemma in ("report", "confirm"):
        return _has_content(token) and any(
            c.dep_ == "nsubj" and ctx is not None and ctx.entity_of(c) is not None for c in token.children
        )
    if lemma == "try":
        return any(c.dep_ == "nsubjpass" for c in token.children)  # "was tried", not "tried to"
    if lemma == "claim":
        return any(c.dep_ == "ccomp" for c in token.children)  # "claimed that ...", not "claimed responsibility"
    if lemma == "vote":
        return _votes(token)
    if lemma == "allege":
        # "an alleged confrontation" says "reportedly", nobody accuses: an accusation
        # has someone alleging or something alleged.
        return token.dep_ != "amod" and any(
            c.dep_ in ("nsubj", "nsubjpass", "ccomp", "dobj", "agent") for c in token.children
        )
    return True


#: Verbs whose object "votes" are ballots counted or won, not a vote taking place.
_BALLOT_VERBS = frozenset({"count", "recount", "win", "receive", "get", "lose", "tally", "secure", "garner", "poll"})
#: Shares of the ballots: "52 percent of the vote".
_SHARES = frozenset({"percent", "%", "share", "majority", "half", "third", "quarter", "bulk"})


def _ballots(token: Token) -> bool:
    """Whether the noun "votes" names the ballots: "counted the votes", "won 3,000 votes", "52 percent of the vote"."""
    head = token.head
    if token.dep_ == "dobj" and head.lemma_.lower() in _BALLOT_VERBS:
        return True
    if any(c.dep_ == "nummod" for c in token.children):
        return True
    return token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _SHARES


def _votes(token: Token) -> bool:
    """Whether "vote" tells of a ballot taking place.

    Not "was voted best film" (an award, not an election), nor the ballots themselves
    (:func:`_ballots`).
    """
    if token.pos_ == "NOUN":
        return not _ballots(token)
    if token.pos_ != "VERB":
        return True
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
    return not (passive and any(c.dep_ in ("oprd", "attr", "xcomp", "acomp", "dobj", "ccomp") for c in token.children))


def _has_content(token: Token) -> bool:
    """Whether a speech verb introduces something said: a clause, an object or a quote."""
    if any(c.dep_ in ("ccomp", "dobj", "parataxis", "xcomp") for c in token.children):
        return True
    sent = token.sent
    text = token.doc.text
    window = text[token.idx : min(len(text), sent.end_char + 3)] + text[sent.start_char : token.idx]
    return any(q in window for q in ('"', "“", "”", ":"))


def extract_events(ctx: DocContext, lexicon: Lexicon | None = None) -> tuple[Event, ...]:
    """Return the events (statements included) of one parsed article.

    Args:
        ctx: The article, its parse and its entities.
        lexicon: The trigger lexicon (defaults to the one in ``ontology/``).

    Returns:
        Events in text order, one per trigger, each with evidence and a confidence.

    Raises:
        DateError: The article's publication date is not an ISO date.
    """
    lex = lexicon or load_lexicon()
    apparatus = _apparatus(ctx.article.text)
    events: dict[int, Event] = {}
    assumed: set[str] = set()  # events whose place is the article's main place by default
    # Whether the latest use of each trigger lemma had the event's sense: "the raids" after
    # a police raid (a search, no event) are that search again, not an attack.
    told: dict[str, bool] = {}
    for sent in ctx.doc.sents:
        for tok in sent:
            if apparatus and any(s <= tok.idx < e for s, e in apparatus):
                continue  # a title listed under "See also" names an event, it tells none
            etype = trigger_type(tok, lex, ctx)
            lemma = tok.lemma_.lower()
            if etype is None:
                if _listed(tok, lex):
                    told[lemma] = False  # another sense of the word, not the event's
                continue
            if _inside_trigger(tok, lex, ctx) or _points_back_to_no_event(tok, told):
                continue
            if etype == "Statement":
                if _reported_within(tok, events):
                    continue  # "X told the BBC she had reported him": part of what X said
                ev = statement_event(ctx, tok, sent, lex.labels[etype])
            else:
                ev, by_default = _event(ctx, tok, sent, etype, lex)
                if ev is not None and by_default:
                    assumed.add(ev.key)
            if ev is not None:
                told[lemma] = True
                events[tok.i] = ev
    _share_casualties(ctx, events)
    return merge_reports(ctx, [_sentence_evidence(ctx, i, events[i]) for i in sorted(events)], assumed)


#: A wiki heading ("==See also==") and the headings of sections that list titles or sources.
_HEADING = re.compile(r"={2,}\s*([^=\n]{1,60}?)\s*={2,}")
_APPARATUS = frozenset(
    {"see also", "references", "external links", "further reading", "sources", "notes", "bibliography"}
)


def _apparatus(text: str) -> list[tuple[int, int]]:
    """The spans of a wiki page's reference sections ("==See also==", "==References==").

    Such a section lists titles of other pages and sources ("2016 Bagram Airfield
    bombing"): it names events, it tells none. Each span runs from its heading to the
    next heading or the end of the text.

    >>> text = "A bomb exploded.==See also==* 2016 bombing==Victims==Two died."
    >>> [text[s:e] for s, e in _apparatus(text)]
    ['==See also==* 2016 bombing']
    """
    heads = list(_HEADING.finditer(text))
    out = []
    for k, m in enumerate(heads):
        if m[1].strip().lower() in _APPARATUS:
            out.append((m.start(), heads[k + 1].start() if k + 1 < len(heads) else len(text)))
    return out


def _listed(token: Token, lexicon: Lexicon) -> bool:
    """Whether a token is a trigger word of the lexicon in its listed part of speech."""
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "NOUN") or lemma not in lexicon.lemmas or lemma == "accord":
        return False
    return not ((lemma in _VERB_ONLY and token.pos_ != "VERB") or (lemma in _NOUN_ONLY and token.pos_ != "NOUN"))


def _points_back_to_no_event(token: Token, told: dict[str, bool]) -> bool:
    """Whether a definite event noun repeats a word whose latest use had another sense.

    "Police launched raids ... bangs during the raids": the first raids are a search
    (no event), so "the raids" are that search again.
    """
    return definite(token) and told.get(token.lemma_.lower()) is False


#: Dependencies along which a clause is part of what a speech verb above it reports.
_REPORTED = frozenset({"ccomp", "xcomp", "conj", "advcl", "relcl"})


def _reported_within(token: Token, events: dict[int, Event]) -> bool:
    """Whether a speech verb is inside the clause an earlier statement reports.

    "She said he told police X" is one statement of hers; what he told is its content.
    """
    t = token
    for _ in range(4):
        if t.dep_ not in _REPORTED or t.head is t:
            return False
        t = t.head
        outer = events.get(t.i)
        if outer is not None and outer.type == "Statement":
            return True
    return False


def _sentence_evidence(ctx: DocContext, i: int, ev: Event) -> Event:
    """The event with its sentence as evidence and the trigger's own span beside it."""
    tok = ctx.doc[i]
    sent = tok.sent
    end = sent.start_char + len(sent.text.rstrip())
    trigger = ev.trigger or tok.text
    t_start = tok.idx
    t_end = t_start + len(trigger) if ctx.article.text.startswith(trigger, t_start) else t_start + len(tok.text)
    return dataclasses.replace(
        ev,
        evidence=ctx.span_evidence(sent, sent.start_char, end),
        triggers=(ctx.span_evidence(sent, t_start, t_end),),
    )


def _inside_trigger(token: Token, lexicon: Lexicon, ctx: DocContext) -> bool:
    """Whether an event noun only restates the verb that governs it ("told ... in a statement")."""
    if token.pos_ != "NOUN":
        return False
    t = token
    for _ in range(2):
        if t.dep_ not in ("pobj", "prep", "dobj"):
            return False
        t = t.head
        if t.pos_ == "VERB" and trigger_type(t, lexicon, ctx) == trigger_type(token, lexicon, ctx):
            return True
    return False


#: Prepositions that list members of a group: "were arrested, including A and B".
_LISTING = frozenset({"including", "like", "among"})


def _with_conj(tokens: list[Token]) -> list[Token]:
    """The argument heads with every conjunct, apposition and listed member of theirs.

    "A, B and C were indicted" gives A, B and C (a conjunct chain, however long);
    "militants, including A and B" gives the militants, A and B; "the lawmaker, A" gives A.
    """
    out: list[Token] = []
    seen: set[int] = set()
    todo = list(tokens)
    while todo:
        t = todo.pop(0)
        if t.i in seen:
            continue
        seen.add(t.i)
        out.append(t)
        for c in t.children:
            if c.dep_ in ("conj", "appos"):
                todo.append(c)
            elif c.dep_ == "prep" and (
                c.lower_ in _LISTING or (c.lower_ == "as" and c.i > 0 and c.nbor(-1).lower_ == "such")
            ):
                for g in c.children:
                    if g.dep_ == "pobj":
                        todo.extend([g, *listed_members(g)])
    return out


def _arguments(ctx: DocContext, token: Token, etype: str) -> tuple[list[Token], list[Token]]:
    """Return the tokens heading the agent and target phrases of a trigger."""
    with_preps = ("on", "against", "with", "between") if etype in _SYMMETRIC else ("on", "against")
    agents: list[Token] = []
    targets: list[Token] = []
    kids = list(token.children)
    if token.pos_ == "VERB":
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in kids)
        for c in kids:
            if c.dep_ == "nsubj":
                agents.append(c)
            elif c.dep_ == "nsubjpass" or (c.dep_ in ("dobj", "obj") and not passive):
                targets.append(c)
            elif c.dep_ == "agent":
                agents.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ == "prep" and c.lower_ in with_preps:
                targets.extend(g for g in c.children if g.dep_ in ("pobj", "conj"))
            elif c.dep_ == "prep" and c.lower_ == "including":
                # "were arrested, including A and B": the members of who underwent it; a
                # long list nests later members under an earlier one's apposition ("A,
                # wife of B, C and D"), so every named conjunct in it counts.
                for g in c.children:
                    if g.dep_ == "pobj":
                        targets.append(g)
                        targets.extend(listed_members(g))
            elif c.dep_ in ("advmod", "npadvmod") and c.i > token.i and not passive and ctx.mention_of(c):
                targets.append(c)  # the small model tags unknown names after a verb as adverbs
        if etype in _HARMS:
            agents.extend(cause_doers(token))  # "killed in IS attacks"
        if not agents and not passive:
            agents.extend(_controller(token))
        elif not targets and passive and token.dep_ in ("acl", "relcl"):
            targets.append(token.head)
    else:
        for c in kids:
            if c.dep_ == "poss" and etype in _UNDERGONE:
                targets.append(c)  # "his arrest", "Smith's trial": the possessor undergoes it
            elif c.dep_ in ("poss", "compound", "amod", "nmod"):
                agents.append(c)
            elif c.dep_ == "prep" and c.lower_ == "by":
                agents.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ == "prep" and c.lower_ in _TARGET_PREPS:
                targets.extend(g for g in c.children if g.dep_ == "pobj")
        if not any(ctx.entity_of(a) for a in agents):
            agents.extend(_doer_of_noun(token))  # also past a modifier that names no one ("Bloody Friday attacks")
    return _with_conj(agents), _with_conj(targets)


#: Verbs that only say an event noun was done: "carried out the attack", "launched raids".
_SUPPORT_VERBS = frozenset(
    {"carry", "launch", "conduct", "stage", "mount", "perpetrate", "commit", "orchestrate", "mastermind", "execute"}
)
#: Verbs of owning up to an event: "X claimed responsibility for the bombing".
_OWNING_UP = frozenset({"claim", "accept", "take", "admit", "bear"})


def _doer_of_noun(token: Token) -> list[Token]:
    """Who did what an event noun names, read from the verb that governs the noun.

    "ETA carried out the attack" and "the attack was carried out by ETA" (a support
    verb), "the IRA's decision to carry out the attacks" (the support verb's understood
    subject), "X claimed responsibility for the bombing" (owning up to it).
    """
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() == "responsibility":
        owner = head.head.head
        if head.head.dep_ == "dobj" and owner.lemma_.lower() in _OWNING_UP:
            return [c for c in owner.children if c.dep_ == "nsubj"]
        return []
    if token.dep_ not in ("dobj", "nsubjpass") or head.lemma_.lower() not in _SUPPORT_VERBS:
        return []
    kids = list(head.children)
    doers = [c for c in kids if c.dep_ == "nsubj"]
    doers += [g for c in kids if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if not doers and token.dep_ == "dobj":
        doers = _controller(head)
        if not doers and head.dep_ in ("acl", "xcomp"):
            doers = [c for c in head.head.children if c.dep_ == "poss"]  # "X's decision to carry out"
    return doers


def _controller(token: Token) -> list[Token]:
    """The understood subject of a verb that has none of its own."""
    head = token.head
    if token.dep_ == "xcomp" and head.pos_ != "ADJ":
        objs = _objects(head)
        return objs or [c for c in head.children if c.dep_ == "nsubj"]
    if (token.dep_ == "relcl" or (token.dep_ == "acl" and token.tag_ == "VBG")) and head.pos_ in ("NOUN", "PROPN"):
        return [head]  # "soldiers pummeling a city", "the group which attacked"
    if token.dep_ == "conj":
        return [c for c in head.children if c.dep_ == "nsubj"]
    return understood_subject(token)


def _place(
    ctx: DocContext, token: Token, extra: list[Token], *, leaving: bool = False
) -> tuple[Mention | None, list[Token]]:
    """Return the place phrase attached to the trigger (or its arguments) and its tokens.

    ``leaving`` adds "from X" for withdrawals and flight: the place left is where it happens.
    """
    preps = _PLACE_PREPS | {"from"} if leaving else _PLACE_PREPS
    heads = [token, *extra]
    if token.dep_ in ("nsubj", "nsubjpass", "csubj"):
        heads.append(token.head)  # "the battle heating up around Bakhmut"
    for h in heads:
        for c in h.children:
            if c.dep_ != "prep" or c.lower_ not in preps:
                continue
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if not objs and c.i + 1 < len(c.doc):
                objs = [c.doc[c.i + 1]]  # the parser sometimes leaves the object unattached
            for o in objs:
                m = ctx.entity_of(o, types=(EntityType.PLACE,))
                if m is not None:
                    return m, [c, o]
                # "in the front line near Bakhmut": one more place phrase inside the first
                for c2 in o.children:
                    if c2.dep_ == "prep" and c2.lower_ in preps:
                        for o2 in c2.children:
                            m = ctx.entity_of(o2, types=(EntityType.PLACE,)) if o2.dep_ == "pobj" else None
                            if m is not None:
                                return m, [c, o2]
    return None, []


def _sentence_place(ctx: DocContext, tok: Token, sent: Span, taken: set[str]) -> str | None:
    """The place named in the trigger's sentence nearest to it, below country level when one is.

    "At Oxford Street, two workers were killed": the place phrase hangs off no word
    the trigger governs, yet the sentence says where. A place already in a role (the
    target of an attack) or a country standing for its people is left out.
    """
    places = [
        m
        for m in ctx.mentions_in(sent.start_char, sent.end_char)
        if m.type is EntityType.PLACE and m.entity not in taken and m.entity not in ctx.countries
    ]
    if not places:
        return located_country(ctx, sent, taken)  # "a Russian general was killed in Syria"
    return min(places, key=lambda m: abs(m.start - tok.idx)).entity


def _casualties(token: Token, targets: list[Token]) -> int | None:
    for t in targets:
        if t.pos_ == "NUM":
            return number_value(t.text)
        for c in t.children:
            if c.dep_ == "nummod":
                return number_value(c.text)
    return None


def _participants(
    ctx: DocContext, etype: str, agents: list[Token], targets: list[Token]
) -> tuple[list[Participant], list[Token]]:
    out: list[Participant] = []
    used: list[Token] = []
    seen: set[tuple[str, str]] = set()
    for role, toks in (("agent", agents), ("target", targets)):
        for t in toks:
            m = ctx.entity_of(t)
            if m is None:
                continue
            r = "participant" if etype in _SYMMETRIC else role
            if etype in ("Displacement", "Death") and role == "agent":
                r = "affected"  # who fled, who died
            if (r, m.entity) not in seen:
                seen.add((r, m.entity))
                out.append(Participant(r, m.entity))
                used.append(t)
    return out, used


def _label(ctx: DocContext, type_label: str, trigger: str, participants: list[Participant], place: str | None) -> str:
    def name(key: str) -> str:
        e = ctx.entities.get(key)
        return e.label if e is not None else key.rsplit("/", 1)[-1]

    who = ", ".join(dict.fromkeys(name(p.entity) for p in participants))
    text = f"{type_label}: {trigger}"
    if who:
        text += f" ({who})"
    if place:
        text += f" in {name(place)}"
    return text


def _event(ctx: DocContext, tok: Token, sent: Span, etype: str, lex: Lexicon) -> tuple[Event | None, bool]:
    """The event a trigger tells of, and whether its place is only the article's main place."""
    agents, targets = _arguments(ctx, tok, etype)
    participants, used = _participants(ctx, etype, agents, targets)
    lemma = tok.lemma_.lower()
    if lemma in _WEAK and not participants:
        return None, False
    if _generic(tok):
        return None, False  # a habit or a general truth, not a happening
    place, place_tokens = _place(ctx, tok, targets, leaving=etype in ("Withdrawal", "Displacement"))
    modality = modality_of(tok)
    anchors = [tok]
    if tok.dep_ in ("nsubj", "nsubjpass", "csubj"):
        anchors.append(tok.head)
    when = time_of(ctx, anchors, sent, tense="future" if modality is Modality.FUTURE else "past")
    casualties = _casualties(tok, targets) if etype == "Killing" else None
    confidence = 0.5 + 0.15 * any(p.role in ("agent", "participant") for p in participants)
    confidence += 0.1 * any(p.role in ("target", "affected") for p in participants)
    confidence += 0.05 * (place is not None) + 0.05 * (when is not None)
    confidence -= 0.1 * (lemma in _WEAK)
    # Inside a quote the event is the speaker's claim, not the reporter's.
    confidence -= 0.1 * inside_quote(ctx.article.text, tok.idx)
    place_key = place.entity if place is not None else None
    if place_key is None and etype not in _NO_FALLBACK_PLACE:
        place_key = _sentence_place(ctx, tok, sent, {p.entity for p in participants})
        confidence -= 0.05 * (place_key is not None)  # the sentence's place, not the trigger's own
    by_default = place_key is None and etype not in _NO_FALLBACK_PLACE and ctx.dominant_place is not None
    if by_default:
        place_key = ctx.dominant_place
        confidence -= 0.1  # the article's main place, not the sentence's
    evidence = ctx.evidence(sent, [tok, *used, *place_tokens, *targets[:1]])
    # "in Leeds and Bradford": the event has one place; the others are its locations.
    participants += [Participant("location", k) for k in further_places(ctx, place_tokens, place_key)]
    event = Event(
        key=event_key(ctx.article.id, tok.idx),
        type=etype,
        label=_label(ctx, lex.labels[etype], tok.text, participants, place_key),
        evidence=evidence,
        confidence=round(min(0.95, max(0.05, confidence)), 3),
        participants=tuple(participants),
        place=place_key,
        start=when.start if when else None,
        end=when.end if when else None,
        casualties=casualties,
        modality=modality,
        trigger=tok.text,
    )
    return event, by_default


def _share_casualties(ctx: DocContext, events: dict[int, Event]) -> None:
    """Give a killing's count to the attack that caused it ("the shelling killed three")."""
    for i, ev in list(events.items()):
        if ev.type != "Killing" or ev.casualties is None:
            continue
        for c in ctx.doc[i].children:
            cause = events.get(c.i)
            if c.dep_ == "nsubj" and cause is not None and cause.casualties is None:
                events[c.i] = dataclasses.replace(cause, casualties=ev.casualties)


def events_and_relations(
    article: Article, doc: Doc, mentions: Iterable[Mention], entities: Iterable[Entity]
) -> tuple[tuple[Relation, ...], tuple[Event, ...]]:
    """Run the relation and event extractors over one parsed article: the stage's entry point.

    Args:
        article: The article.
        doc: Its spaCy parse (``doc.text == article.text``).
        mentions: The entity stage's mentions.
        entities: The entity stage's entities.

    Returns:
        The relations and the events (statements included).

    Raises:
        DateError: The article's publication date is not an ISO date.
    """
    ctx = DocContext.build(article, doc, mentions, entities)
    return extract_relations(ctx), extract_events(ctx)
