"""Several reports of one happening in one article become one event.

A news article tells of the same shelling in its lead, again in the body and once more in
a caption; :func:`merge_reports` folds such reports into the first one, which keeps each
report's sentence as evidence and each trigger span. Merging across articles is
:mod:`kg.identity.events`' job.
"""

from __future__ import annotations

import dataclasses

from kg.extract.arguments import DocContext
from kg.extract.quotes import inside_quote
from kg.records import Event, Modality

__all__ = ["merge_reports"]

_NEVER_MERGED = frozenset({"Statement", "Accusation"})


def _same_happening(a: Event, b: Event, ctx: DocContext) -> bool:
    """Whether two reports in one article tell of the same happening.

    Same type and trigger word, both told as having happened, dates that do not
    differ, agents that do not differ, and the same place (or no place stated in one).
    Statements are never merged: each says something of its own.
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


def merge_reports(ctx: DocContext, events: list[Event]) -> tuple[Event, ...]:
    """Fold an article's further reports of one happening into its first report.

    The merged event keeps the first report's key and every report's sentence
    (``reports``) and trigger span (``triggers``); participants, place, dates and
    casualties missing from the first report are taken from later ones.
    """
    out: list[Event] = []
    for ev in events:
        for k, first in enumerate(out):
            if _same_happening(first, ev, ctx):
                seen = {(p.role, p.entity) for p in first.participants}
                spans = {(e.start, e.end) for e in (first.evidence, *first.reports)}
                out[k] = dataclasses.replace(
                    first,
                    participants=first.participants
                    + tuple(p for p in ev.participants if (p.role, p.entity) not in seen),
                    place=first.place or ev.place,
                    start=first.start or ev.start,
                    end=first.end or ev.end,
                    casualties=first.casualties if first.casualties is not None else ev.casualties,
                    confidence=max(first.confidence, ev.confidence),
                    reports=first.reports
                    + ((ev.evidence,) if (ev.evidence.start, ev.evidence.end) not in spans else ()),
                    triggers=first.triggers + ev.triggers,
                )
                break
        else:
            out.append(ev)
    return tuple(out)
