"""Identity: one entity, one real thing, across every article of a store.

The modules, by what they hold:

- :mod:`kg.identity.names`: the rules on names identity never breaks (given names
  that must agree, canonical person labels, acronyms, the transliteration fold);
- :mod:`kg.identity.index`: the entities already known, as resolution looks them up;
- :mod:`kg.identity.types`: one type per name, the corpus's vote weighted by each
  article's confidence and cue;
- :mod:`kg.identity.resolve`: cross-article resolution of an article's entities
  (labels, one type per name, identity, bare surnames) and the run-level
  :class:`Resolver` that also recognises copies;
- :mod:`kg.identity.mergelog`: entity *merges*, their evidence, ``kg merges`` and
  ``kg unmerge``;
- :mod:`kg.identity.conform`: relations the ontology's domains and ranges allow;
- :mod:`kg.identity.copies`: copies of articles (a MinHash index of shingles);
- :mod:`kg.identity.events`: *reports* of one event by several articles joined into one event;
- :mod:`kg.identity.sidecar`: the JSON-lines side-files beside a store, and their one reader.

Three things were once all called "merge"; here an entity *merge* (logged, undoable)
re-keys an article's entity onto a known one, a *rewritten* entity is an article's
entity with its new key, label or type, and event *reports* are *joined*.
"""

from kg.identity.conform import conform
from kg.identity.copies import ShingleIndex, shingle_index_path, signature
from kg.identity.events import EventIndex, KnownEvent, SparqlEventIndex, event_counts, join_report_batch, join_reports
from kg.identity.index import EntityIndex, KnownEntity, MemoryEntityIndex, StoreEntityIndex, identifying_names
from kg.identity.mergelog import Merge, MergeLog, merge_id, merge_log_path, undo_merge
from kg.identity.names import canonical_person_label, given_names_agree, is_acronym, split_person, translit_key
from kg.identity.resolve import (
    CONTEXT_MIN,
    FUZZY_THRESHOLD,
    LONE_SURNAME_FACTOR,
    Resolver,
    local_identity,
    resolve_across,
)
from kg.identity.sidecar import sidecar_path
from kg.identity.types import WEAK_WEIGHT, Tally, TypeVote, decide, strong_typings, typing_weights

__all__ = [
    "CONTEXT_MIN",
    "FUZZY_THRESHOLD",
    "LONE_SURNAME_FACTOR",
    "WEAK_WEIGHT",
    "EntityIndex",
    "EventIndex",
    "KnownEntity",
    "KnownEvent",
    "MemoryEntityIndex",
    "Merge",
    "MergeLog",
    "Resolver",
    "ShingleIndex",
    "SparqlEventIndex",
    "StoreEntityIndex",
    "Tally",
    "TypeVote",
    "canonical_person_label",
    "conform",
    "decide",
    "event_counts",
    "given_names_agree",
    "identifying_names",
    "is_acronym",
    "join_report_batch",
    "join_reports",
    "local_identity",
    "merge_id",
    "merge_log_path",
    "resolve_across",
    "shingle_index_path",
    "sidecar_path",
    "signature",
    "split_person",
    "strong_typings",
    "translit_key",
    "typing_weights",
    "undo_merge",
]
