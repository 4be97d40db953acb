"""Extraction v1: the statistical NER's entities, taken as they come.

Deliberately naive (the entity stage in :mod:`kg.extract.entities` replaces it):
spaCy's PERSON, ORG and GPE/LOC/FAC labels map to the three entity types, one
entity per (type, name) in the article, keyed by a slug of the name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from kg.records import Entity, EntityType, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["LABELS", "naive_entities", "slug"]

#: spaCy NER labels -> entity types.
LABELS = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORGANISATION,
    "GPE": EntityType.PLACE,
    "LOC": EntityType.PLACE,
    "FAC": EntityType.PLACE,
}


def slug(name: str) -> str:
    """Return a lower-case ASCII slug of ``name`` for use in an IRI path.

    >>> slug("Volodymyr Zelensky's")
    'volodymyr-zelensky-s'
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "x"


def naive_entities(doc: Doc) -> tuple[list[Mention], list[Entity]]:
    """Map the doc's entities to mentions and per-article entities.

    Args:
        doc: A parsed spaCy ``Doc`` whose text is the article text.

    Returns:
        Mentions in text order, and one entity per distinct (type, slug).
    """
    mentions: list[Mention] = []
    entities: dict[str, Entity] = {}
    counts: dict[str, int] = {}
    for ent in doc.ents:
        etype = LABELS.get(ent.label_)
        if etype is None:
            continue
        key = f"{etype.slug}/{slug(ent.text)}"
        sent = ent.sent
        mentions.append(
            Mention(
                start=ent.start_char,
                end=ent.end_char,
                text=ent.text,
                entity=key,
                type=etype,
                confidence=0.6,
                sentence_start=sent.start_char,
                sentence_end=sent.end_char,
            )
        )
        counts[key] = counts.get(key, 0) + 1
        entities.setdefault(key, Entity(key=key, type=etype, label=ent.text, confidence=0.6))
    return mentions, list(entities.values())
