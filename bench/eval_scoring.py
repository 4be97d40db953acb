"""The scoring rules of ``../shared/eval/README.md`` for relations and events, as functions.

Only what a client sees over GraphQL is used: an entity's label and aliases, a
relationship's predicate and evidence, an event's type, label, evidence spans,
participants and place. Relationships are those ``Entity.relationships`` lists by
default: the ones the text states (:attr:`kg.records.Relation.stated`), not facts
derived from GeoNames, which a client asks for with ``derived: true``. Each function adds one record's counts to a :class:`Tally`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.records import Extraction

__all__ = [
    "ARG_ROLES",
    "EVENT_PATTERNS",
    "RELATION_PATTERNS",
    "Tally",
    "names_of",
    "norm",
    "same_name",
    "score_crossre",
    "score_wikievents",
]

#: CrossRE relation type -> the pattern a predicted predicate must match.
RELATION_PATTERNS = {
    "role": re.compile(
        r"leader|head|president|member|affiliat|position|role|employ|work|spokes|minister|captain|coach|play|chair|found|own",
        re.IGNORECASE,
    ),
    "physical": re.compile(r"locat|based|resident|visit|travel|headquarter|seat|live|in$|^in", re.IGNORECASE),
    "part-of": re.compile(r"part|locat|member|within|contain|subsidiar|division", re.IGNORECASE),
    "general-affiliation": re.compile(r"affiliat|member|citizen|national|based|origin|ethnic", re.IGNORECASE),
}

#: WikiEvents type prefix (first two parts) -> the pattern a predicted type or label must match.
EVENT_PATTERNS = {
    "Conflict.Attack": r"attack|assault|shell|strike|bomb|explo|fight|shoot|fire|raid|clash",
    "Life.Die": r"kill|death|die|casualt|dead|fatal",
    "Life.Injure": r"injur|wound|casualt|attack|hurt",
    "Justice.ArrestJailDetain": r"arrest|detain|jail|custody|capture|imprison",
    "Contact.Contact": r"statement|say|said|speech|meet|talk|announce|quote|claim|accus|report|comment",
    "Movement.Transportation": r"move|withdraw|transport|travel|flee|displace|arriv|deploy|evacu",
    "Conflict.Demonstrate": r"protest|demonstrat|rally|march",
    "ArtifactExistence.DamageDestroyDisableDismantle": r"damage|destroy|attack|demoli",
    "Justice.ChargeIndict": r"charge|indict|accus|prosecut",
    "Justice.Sentence": r"sentenc|convict|court",
    "Justice.TrialHearing": r"trial|hearing|court",
}

#: Gold argument roles that named-argument recall counts.
ARG_ROLES = frozenset(
    {
        "Attacker",
        "Killer",
        "Target",
        "Victim",
        "Place",
        "Communicator",
        "Detainee",
        "Jailer",
        "Injurer",
        "Participant",
        "Recipient",
        "Defendant",
    }
)


@dataclass
class Tally:
    """Counts for one file or half: found/gold and correct/predicted."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    args_gold: int = 0
    args_found: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def arg_recall(self) -> float:
        return self.args_found / self.args_gold if self.args_gold else 0.0


def norm(text: str) -> str:
    """A name lower-cased, without a leading "the" and without punctuation.

    >>> norm("The Globe and Mail's")
    'globe and mail s'
    """
    text = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return re.sub(r"^the\s+", "", text)


def names_of(x: Extraction) -> dict[str, set[str]]:
    """Entity key -> its normalised label and aliases (what GraphQL shows of it)."""
    return {e.key: {n for n in (norm(e.label), *(norm(a) for a in e.aliases)) if n} for e in x.entities}


def same_name(key: str | None, gold: str, names: dict[str, set[str]]) -> bool:
    """Whether the entity ``key`` is named ``gold`` (one name containing the other)."""
    if key is None:
        return False
    g = norm(gold)
    return bool(g) and any(g in n or n in g for n in names.get(key, ()))


def score_crossre(record: dict[str, Any], x: Extraction, tally: Tally) -> None:
    """Add one CrossRE sentence's relation counts to ``tally``."""
    names = names_of(x)
    ents = record["entities"]
    sent_start, sent_end = 0, len(x.article.text)
    stated = [r for r in x.relations if r.stated]
    rels = [r for r in stated if sent_start <= r.evidence.start and r.evidence.end <= sent_end]
    counted = [g for g in record["relations"] if g["type"] in RELATION_PATTERNS]
    tally.gold += len(counted)
    for g in counted:
        h, t = ents[g["head"]]["text"], ents[g["tail"]]["text"]
        pattern = RELATION_PATTERNS[g["type"]]
        tally.found += any(
            pattern.search(r.predicate)
            and (
                (same_name(r.subject, h, names) and same_name(r.object, t, names))
                or (same_name(r.subject, t, names) and same_name(r.object, h, names))
            )
            for r in rels
        )
    pairs = [(ents[g["head"]]["text"], ents[g["tail"]]["text"]) for g in record["relations"]]
    unique = {(r.predicate, r.subject, r.object) for r in stated}
    tally.predicted += len(unique)
    for _, s, o in unique:
        tally.correct += any(
            (same_name(s, h, names) and same_name(o, t, names)) or (same_name(s, t, names) and same_name(o, h, names))
            for h, t in pairs
        )


def _event_type(gold_type: str) -> str | None:
    prefix = ".".join(gold_type.split(".")[:2])
    return prefix if prefix in EVENT_PATTERNS else None


def score_wikievents(record: dict[str, Any], x: Extraction, tally: Tally) -> None:
    """Add one WikiEvents document's event and named-argument counts to ``tally``.

    A predicted event's evidence spans are all of its reports' spans (an event merged
    from several reports in one article keeps each report's span).
    """
    names = names_of(x)
    golds = [(g, t) for g in record["events"] if (t := _event_type(g["type"])) is not None]
    tally.gold += len(golds)
    tally.predicted += len(x.events)
    hit_pred: set[int] = set()
    for g, t in golds:
        named = [a for a in g["arguments"] if a["role"] in ARG_ROLES and re.search(r"[A-Z]", a["text"])]
        tally.args_gold += len(named)
        pattern = re.compile(EVENT_PATTERNS[t], re.IGNORECASE)
        gs, ge = g["trigger"]["start"], g["trigger"]["end"]
        matched = [
            i
            for i, ev in enumerate(x.events)
            if (pattern.search(ev.type) or pattern.search(ev.label))
            and any(sp.start <= gs and ge <= sp.end for sp in (ev.evidence, *getattr(ev, "reports", ())))
        ]
        if not matched:
            continue
        tally.found += 1
        hit_pred.update(matched)
        keys = {p.entity for i in matched for p in x.events[i].participants}
        keys |= {p for i in matched if (p := x.events[i].place) is not None}
        tally.args_found += sum(any(same_name(k, a["text"], names) for k in keys) for a in named)
    tally.correct += len(hit_pred)
