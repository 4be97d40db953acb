"""spaCy's NER labels as the entity stage reads them.

Shared by :mod:`kg.extract.entities` (which types candidates by them) and
:mod:`kg.extract.aliases` (which skips names the model gave a label the stage
dropped), so neither has to import the other for them.
"""

from __future__ import annotations

from kg.records import EntityType

__all__ = ["LABELS", "OTHER_LABELS"]

#: spaCy NER labels -> entity types.
LABELS = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORGANISATION,
    "GPE": EntityType.PLACE,
    "LOC": EntityType.PLACE,
    "FAC": EntityType.PLACE,
}

#: Labels the model uses for names it could not place; kept only when a gazetteer knows them.
OTHER_LABELS = frozenset({"NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"})
