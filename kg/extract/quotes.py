"""Quotes as Statement events: who said it, what, and about whom.

A Statement comes from a speech verb ("said", "told", "wrote", "tweeted") or noun
("statement") with a speaker that is a person, organisation or place. Its quote is the
quoted text nearest the trigger in the same sentence (or a quote the sentence opens with a
colon); what it is *about* are the entities named in the quote, or in the reported clause
when there is no quote, other than the speaker. "According to X" is no Statement: it names
the source of what the sentence tells, not a speech act that happened at some time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from kg.extract.arguments import DocContext, modality_of, time_of
from kg.records import EntityType, Event, Mention, Modality, Participant, content_hash

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["find_quotes", "inside_quote", "statement_event"]

_SPEAKERS = (EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE)
_OPEN = {"“": "”", '"': '"', "«": "»"}
_MAX_ABOUT = 6


def find_quotes(text: str) -> tuple[tuple[int, int], ...]:
    """Return the ``(start, end)`` offsets of quoted passages, quote marks excluded.

    Curly and straight double quotes pair up within a paragraph; a curly opening quote
    may be closed by a straight one, as happens in copy-edited news. Quotes shorter than
    three characters are ignored.

    >>> find_quotes('He said "we will stay." Then “no”.')
    ((9, 22),)
    """
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n" and i + 1 < len(text) and text[i + 1] == "\n":
            start = None
        elif start is None and ch in _OPEN:
            start = i + 1
        elif start is not None and ch in ('"', "”", "»"):
            if i - start >= 3:
                out.append((start, i))
            start = None
    return tuple(out)


@lru_cache(maxsize=4)  # the article being extracted; bounded so texts are not kept
def _quotes_of(text: str) -> tuple[tuple[int, int], ...]:
    return find_quotes(text)


def inside_quote(text: str, offset: int) -> bool:
    """Whether ``offset`` of ``text`` lies inside a quoted passage.

    >>> inside_quote('He said "we attacked" then.', 12)
    True
    """
    return any(s <= offset < e for s, e in _quotes_of(text))


def _key(ctx: DocContext, offset: int) -> str:
    return f"event/{content_hash(ctx.article.id)[:16]}/{offset}"


def _speaker(ctx: DocContext, token: Token) -> tuple[Mention | None, Token | None]:
    if token.pos_ == "VERB":
        for c in token.children:
            if c.dep_ == "nsubj":
                return ctx.entity_of(c, types=_SPEAKERS), c
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return ctx.entity_of(g, types=_SPEAKERS), g
        if token.dep_ == "conj" or _controlled(token):
            return _speaker(ctx, token.head)  # "responded to the bombing, stating ..."
        return None, None
    if token.dep_ == "dobj" and token.head.lemma_.lower() in _ISSUING:
        return _speaker(ctx, token.head)  # "X issued a statement"
    for c in token.children:
        if c.dep_ in ("poss", "compound"):
            return ctx.entity_of(c, types=_SPEAKERS), c
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            for g in c.children:
                if g.dep_ == "pobj":
                    return ctx.entity_of(g, types=_SPEAKERS), g
    return None, None


#: Verbs whose subject is the speaker of the statement noun they take: "X issued a statement".
_ISSUING = frozenset({"issue", "release", "make", "give", "publish", "deliver", "post"})


def _controlled(token: Token) -> bool:
    """Whether a speech verb's subject is the clause's above: "responded, stating", "went on to say"."""
    return token.dep_ == "xcomp" or (token.dep_ == "advcl" and token.tag_ == "VBG")


def _quote_for(ctx: DocContext, token: Token, sent: Span) -> tuple[int, int] | None:
    """The quoted passage a speech trigger introduces, if any."""
    best: tuple[int, int] | None = None
    best_gap = 0
    lo, hi = sent.start_char, sent.end_char
    after = ctx.article.text[token.idx : hi].rstrip()
    if after.endswith(":") or after.endswith(","):
        hi += 3  # "X said:" followed by the quote in the next sentence
    for q_start, q_end in _quotes_of(ctx.article.text):
        if q_end < lo or q_start > hi:
            continue
        if q_start <= token.idx < q_end:
            continue  # the trigger is inside the quote: someone else's words
        gap = q_start - token.idx if q_start > token.idx else token.idx - q_end
        if best is None or gap < best_gap:
            best, best_gap = (q_start, q_end), gap
    return best


def _about(ctx: DocContext, start: int, end: int, speaker: str | None) -> list[Participant]:
    keys = [m.entity for m in ctx.mentions_in(start, end) if m.entity != speaker]
    return [Participant("about", k) for k in list(dict.fromkeys(keys))[:_MAX_ABOUT]]


def _label(ctx: DocContext, type_label: str, speaker: str, quote: str | None) -> str:
    e = ctx.entities.get(speaker)
    name = e.label if e is not None else speaker.rsplit("/", 1)[-1]
    if quote:
        short = quote if len(quote) <= 60 else quote[:57].rstrip() + "..."
        return f"{type_label}: {name}: “{short}”"
    return f"{type_label}: {name}"


def statement_event(ctx: DocContext, token: Token, sent: Span, type_label: str = "Statement") -> Event | None:
    """Return the Statement a speech verb or noun triggers, or ``None`` without a speaker.

    Args:
        ctx: The article, its parse and its entities.
        token: The trigger ("said", "statement").
        sent: The trigger's sentence.
        type_label: The event type's label, for the event's own label.
    """
    speaker, speaker_tok = _speaker(ctx, token)
    if speaker is None or speaker_tok is None:
        return None
    quote_span = _quote_for(ctx, token, sent)
    participants = [Participant("speaker", speaker.entity)]
    for c in token.children:
        if c.dep_ in ("dobj", "dative") and token.lemma_.lower() == "tell":
            m = ctx.entity_of(c, types=_SPEAKERS)
            if m is not None and m.entity != speaker.entity:
                participants.append(Participant("participant", m.entity))
    if quote_span is not None:
        participants += _about(ctx, *quote_span, speaker.entity)
    else:
        clause = [c for c in token.children if c.dep_ in ("ccomp", "dobj", "xcomp", "parataxis")]
        for c in clause:
            sub = list(c.subtree)
            participants += _about(ctx, sub[0].idx, sub[-1].idx + len(sub[-1].text), speaker.entity)
    # An entity already in a role (the addressee) is not also what the statement is about.
    roles: dict[str, Participant] = {}
    for p in participants:
        roles.setdefault(p.entity, p)
    participants = list(roles.values())
    # A comma before the closing quote is the sentence's, not the speaker's ("craziness,").
    quote = ctx.article.text[quote_span[0] : quote_span[1]].strip().rstrip(",") if quote_span else None
    modality = modality_of(token)
    when = time_of(ctx, [token], sent, tense="future" if modality is Modality.FUTURE else "past")
    confidence = 0.7 + 0.15 * (quote is not None) + 0.05 * (speaker_tok.lower_ not in ("he", "she"))
    return Event(
        key=_key(ctx, token.idx),
        type="Statement",
        label=_label(ctx, type_label, speaker.entity, quote),
        evidence=ctx.evidence(sent, [token, speaker_tok]),
        confidence=round(min(0.95, confidence), 3),
        participants=tuple(participants),
        start=when.start if when else None,
        end=when.end if when else None,
        modality=modality,
        quote=quote,
        trigger=token.text,
    )
