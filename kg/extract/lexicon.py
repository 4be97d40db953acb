"""The event-type taxonomy and its trigger lexicon, read from ``ontology/event-types.ttl``.

The taxonomy file is the one source of truth: every ``skos:Concept`` in it is an event
type, and each ``skos:hiddenLabel`` of a concept is a trigger lemma for it. Code only adds
*context* (which part of speech a lemma must have, which dependents it needs), never
lemmas, so a trigger added to the file is picked up without touching Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.errors import OntologyError
from kg.namespace import EVT_NS
from kg.ontology import EVENT_TYPES_FILE, load_graph, ontology_path

__all__ = ["Lexicon", "lexicon_from_graph", "load_lexicon"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Event types and their triggers.

    Attributes:
        types: Local names of the event types (``"Attack"``), sorted.
        lemmas: Single-word trigger lemma -> event type.
        phrasal: Two-word triggers (verb lemma, particle) -> event type ("pull out").
        labels: Event type -> its ``skos:prefLabel``.
    """

    types: tuple[str, ...]
    lemmas: dict[str, str]
    phrasal: dict[tuple[str, str], str]
    labels: dict[str, str]


def lexicon_from_graph(graph: Graph) -> Lexicon:
    """Build the lexicon from a parsed taxonomy graph.

    Raises:
        OntologyError: A trigger lemma is listed under two types, or a concept is not in
            the event-type namespace.
    """
    types: list[str] = []
    lemmas: dict[str, str] = {}
    phrasal: dict[tuple[str, str], str] = {}
    labels: dict[str, str] = {}
    for concept in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        iri = str(concept)
        if not isinstance(concept, URIRef) or not iri.startswith(EVT_NS):
            raise OntologyError(f"event type {iri!r} is not in the namespace {EVT_NS}")
        name = iri[len(EVT_NS) :]
        types.append(name)
        labels[name] = str(graph.value(concept, SKOS.prefLabel) or name)
        for label in graph.objects(concept, SKOS.hiddenLabel):
            words = str(label).lower().split()
            key = words[0] if len(words) == 1 else " ".join(words)
            seen = lemmas.get(key) if len(words) == 1 else phrasal.get((words[0], words[1]))
            if seen is not None and seen != name:
                raise OntologyError(f"trigger {key!r} is listed under both {seen} and {name}")
            if len(words) == 1:
                lemmas[key] = name
            elif len(words) == 2:
                phrasal[(words[0], words[1])] = name
            else:
                raise OntologyError(f"trigger {key!r} of {name} has more than two words")
    return Lexicon(tuple(types), lemmas, phrasal, labels)


@cache
def load_lexicon() -> Lexicon:
    """Load (once per process) the lexicon from ``ontology/event-types.ttl``.

    Raises:
        OntologyError: The file is missing, malformed or inconsistent.
    """
    return lexicon_from_graph(load_graph(ontology_path(EVENT_TYPES_FILE)))
