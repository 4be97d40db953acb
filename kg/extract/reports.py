"""Several reports of one happening in one article become one event.

A news article tells of the same shelling in its lead, again in the body and once more in
a caption; :func:`merge_reports` folds such reports into the first one, which keeps each
report's sentence as evidence and each trigger span. A report may use other words: a
definite "the attack" after "a car bomb exploded" points back to it, and one speaker
quoted in pieces ("..., he said." "..., he added.") is one statement. A place that no report
states, only the article's main place given by default, keeps no two reports apart ("secret
talks in London ... Those talks came to nothing"). Merging across articles is
:mod:`kg.identity.events`' job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Set
from typing import TYPE_CHECKING

from kg.extract.arguments import DocContext
from kg.extract.quotes import inside_quote
from kg.records import Event, Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["definite", "merge_reports"]

_NEVER_MERGED = frozenset({"Statement", "Accusation"})
# Types that tell of one violent happening under different words ("a car bomb
# exploded ... the attack"): a definite mention of one refers back to the other.
_KINDRED = ({"Attack", "Explosion"},)
# Event nouns general enough to point back to a happening told in other words.
_GENERAL = frozenset({"attack", "assault", "bombing", "explosion", "blast"})
# Determiners that point back to something already told: "the attack", "this bombing".
_ANAPHORIC = frozenset({"the", "this", "that", "these", "those"})
# Modifiers that tell of another happening of the kind: "a second attack", "the latest blast".
_ANOTHER = frozenset(
    {"other", "another", "new", "latest", "previous", "earlier", "later", "next", "first", "last"}
    | {"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
)


def _place_of(ev: Event, assumed: Set[str]) -> str | None:
    """The place a report states: ``None`` when its place is only the article's main place by default."""
    return None if ev.key in assumed else ev.place


def definite(token: Token) -> bool:
    """Whether a noun is made definite by a determiner that points back ("the raids", "those talks")."""
    return token.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in _ANAPHORIC for c in token.children)


def _same_happening(a: Event, b: Event, ctx: DocContext) -> bool:
    """Whether two reports in one article tell of the same happening.

    Same type and trigger word, both told as having happened, dates that do not
    differ, agents that do not differ, and the same place (or no place stated in one).
    Statements are never merged here, by their words: :func:`_statement_goes_on` folds
    one speaker's.
    """
    if a.type != b.type or a.type in _NEVER_MERGED or a.modality is not b.modality:
        return False
    if a.modality is not Modality.ASSERTED:
        return False
    text = ctx.article.text
    if inside_quote(text, a.triggers[0].start) != inside_quote(text, b.triggers[0].start):
        return False  # a speaker's claim is kept apart from the reporter's account
    lemma_a = ctx.doc.char_span(a.triggers[0].start, a.triggers[0].end, alignment_mode="expand")
    lemma_b = ctx.doc.char_span(b.triggers[0].start, b.triggers[0].end, alignment_mode="expand")
    if lemma_a is None or lemma_b is None:
        return False
    ra, rb = lemma_a.root, lemma_b.root
    la, lb = ra.lemma_.lower(), rb.lemma_.lower()
    if not (la.startswith(lb) or lb.startswith(la) or ra.lower_ == rb.lower_):
        return False  # "shelled" and "shelling" tell of one thing; "attack" and "raid" may not
    if (a.start or b.start) and a.start and b.start and a.start != b.start:
        return False
    agents_a = {p.entity for p in a.participants if p.role in ("agent", "participant")}
    agents_b = {p.entity for p in b.participants if p.role in ("agent", "participant")}
    if agents_a and agents_b and not agents_a & agents_b:
        return False
    targets_a = {p.entity for p in a.participants if p.role in ("target", "affected")}
    targets_b = {p.entity for p in b.participants if p.role in ("target", "affected")}
    if targets_a and targets_b and not targets_a & targets_b:
        return False
    return a.place is None or b.place is None or a.place == b.place


def _trigger_token(ev: Event, ctx: DocContext) -> Token | None:
    span = ctx.doc.char_span(ev.triggers[0].start, ev.triggers[0].end, alignment_mode="expand")
    return span.root if span is not None else None


def _kindred(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _KINDRED)


def _roles_agree(a: Event, b: Event, assumed: Set[str] = frozenset()) -> bool:
    """Whether two reports name no different agents, targets or stated places."""
    for roles in (("agent", "participant", "speaker"), ("target", "affected")):
        ka = {p.entity for p in a.participants if p.role in roles}
        kb = {p.entity for p in b.participants if p.role in roles}
        if ka and kb and not ka & kb:
            return False
    pa, pb = _place_of(a, assumed), _place_of(b, assumed)
    return pa is None or pb is None or pa == pb


def _refers_back(first: Event, ev: Event, ctx: DocContext, assumed: Set[str] = frozenset()) -> bool:
    """Whether ``ev`` only tells again of ``first``: the same happening in other words."""
    if first.modality is not Modality.ASSERTED or ev.modality is not Modality.ASSERTED:
        return False
    if ev.type == "Statement":
        return _statement_goes_on(first, ev)
    return _points_back(first, ev, ctx, assumed)


def _statement_goes_on(first: Event, ev: Event) -> bool:
    """Whether a statement is its speaker's earlier one, quoted again.

    One speaker quoted again and again in one article is one interview or speech told
    in pieces ("..., he said." "..., he added."), unless the dates differ.
    """
    return (
        first.type == "Statement"
        and bool(_speakers(ev))
        and _speakers(first) == _speakers(ev)
        and not (first.start and ev.start and first.start != ev.start)
    )


def _points_back(first: Event, ev: Event, ctx: DocContext, assumed: Set[str] = frozenset()) -> bool:
    """Whether a definite event noun points back to ``first``: "the attack", "those talks".

    A general noun ("the attack", "this bombing") points back to a kindred type told in
    any words; any other noun ("the ceasefire", "those talks") to a report of its own
    type and word. Nothing may tell another one apart ("the ground assault", "the second
    attack"), and no agent, target, place or date may differ (for the same word made
    definite, no place a report states: the article's main place given by default does
    not count).
    """
    tok = _trigger_token(ev, ctx)
    if tok is None or ev.type in _NEVER_MERGED or tok.pos_ != "NOUN":
        return False
    if not definite(tok):
        return False
    same_word = _same_word(first, ev, tok, ctx)
    if not same_word and not (tok.lemma_.lower() in _GENERAL and _kindred(first.type, ev.type)):
        return False
    if first.start and ev.start and first.start != ev.start:
        return False
    for c in tok.children:
        if c.dep_ in ("compound", "nmod", "nummod", "poss") or (c.dep_ == "amod" and c.lower_ in _ANOTHER):
            return False  # "the ground assault", "the second attack" tell which one, maybe another
        if c.dep_ == "amod" and c.tag_ in ("CD", "JJS"):
            return False  # "the 2nd blast", "the deadliest attack" single one out
    # The very word again, made definite, is the stronger link: only stated places must agree.
    # Another word ("the attack" after "a bomb exploded") must agree on the default place too.
    return _roles_agree(first, ev, assumed if same_word else frozenset())


def _same_word(first: Event, ev: Event, tok: Token, ctx: DocContext) -> bool:
    """Whether ``ev``'s trigger ``tok`` is the word of ``first``'s, for the same type ("talks" ... "those talks")."""
    told = _trigger_token(first, ctx)
    return first.type == ev.type and told is not None and told.lemma_.lower() == tok.lemma_.lower()


def _speakers(ev: Event) -> set[str]:
    return {p.entity for p in ev.participants if p.role == "speaker"}


def _fold(ctx: DocContext, first: Event, ev: Event, assumed: Set[str] = frozenset()) -> Event:
    """``first`` with the report ``ev`` folded in; a stated place wins over one assumed."""
    seen = {(p.role, p.entity) for p in first.participants}
    spans = {(e.start, e.end) for e in (first.evidence, *first.reports)}
    place = _place_of(first, assumed) or _place_of(ev, assumed) or first.place or ev.place
    label = first.label
    if first.place is not None and place != first.place and place is not None:
        # The label names the place last: "Meeting: talks in London", not the default one.
        old, new = ctx.entities.get(first.place), ctx.entities.get(place)
        if old is not None and new is not None and label.endswith(f" in {old.label}"):
            label = label[: -len(old.label)] + new.label
    return dataclasses.replace(
        first,
        label=label,
        participants=first.participants + tuple(p for p in ev.participants if (p.role, p.entity) not in seen),
        place=place,
        start=first.start or ev.start,
        end=first.end or ev.end,
        casualties=first.casualties if first.casualties is not None else ev.casualties,
        quote=" … ".join(q for q in (first.quote, ev.quote) if q) or None,
        confidence=max(first.confidence, ev.confidence),
        reports=first.reports + ((ev.evidence,) if (ev.evidence.start, ev.evidence.end) not in spans else ()),
        triggers=first.triggers + ev.triggers,
    )


def merge_reports(ctx: DocContext, events: list[Event], assumed: Set[str] = frozenset()) -> tuple[Event, ...]:
    """Fold an article's further reports of one happening into its first report.

    The merged event keeps the first report's key and every report's sentence
    (``reports``) and trigger span (``triggers``); participants, place, dates and
    casualties missing from the first report are taken from later ones.

    Args:
        ctx: The article, its parse and its entities.
        events: The reports, in text order.
        assumed: Keys of the reports whose place is only the article's main place, given
            by default: such a place neither keeps reports apart nor beats a stated one.
    """
    out: list[Event] = []
    for ev in events:
        k = next((k for k, first in enumerate(out) if _same_happening(first, ev, ctx)), None)
        if k is None:
            # A mention that only points back joins the latest report it can point to.
            k = next((k for k in reversed(range(len(out))) if _refers_back(out[k], ev, ctx, assumed)), None)
        if k is None:
            out.append(ev)
        else:
            merged = _fold(ctx, out[k], ev, assumed)
            if out[k].key in assumed and _place_of(ev, assumed) is not None:
                assumed = assumed - {out[k].key}  # the merged event's place is now a stated one
            out[k] = merged
    return tuple(out)
