"""Evidence: the spans of articles that support a relationship or an event."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.namespace import NIF
from kg.rdf import article_iri
from kg.store import Store

__all__ = ["EvidenceView", "by_subject", "evidence_of_row", "spans_of"]

_BEGIN, _END, _ANCHOR = str(NIF.beginIndex), str(NIF.endIndex), str(NIF.anchorOf)
_SPAN = (_BEGIN, _END, _ANCHOR)


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """A span of an article that supports a fact."""

    article_id: str
    text: str
    start: int
    end: int


def evidence_of_row(base: str, r: dict[str, str]) -> EvidenceView | None:
    """The span in a query row (graph ``?g``, begin ``?es``, end ``?ee``, text ``?et``), if it has one."""
    if "es" not in r:
        return None
    prefix = article_iri(base, "")
    return EvidenceView(article_id=r["g"][len(prefix) :], text=r["et"], start=int(r["es"]), end=int(r["ee"]))


def by_subject(
    store: Store, pairs: Iterable[tuple[str, str | None]], predicates: Sequence[str] | None = None
) -> dict[tuple[str, str], dict[str, list[str]]]:
    """What the store says about each (subject, graph) of ``pairs``: objects by predicate, per (subject, graph).

    A ``None`` graph means every named graph; each graph found is its own entry.
    ``predicates`` limits the read to those (all when ``None``). Read with
    :meth:`kg.store.Store.subject_triples`: seeks, not a query plan.
    """
    told: dict[tuple[str, str], dict[str, list[str]]] = {}
    asked = sorted(set(pairs), key=lambda sg: (sg[0], sg[1] or ""))
    for s, p, o, g in store.subject_triples(asked, predicates):
        told.setdefault((s, g), {}).setdefault(p, []).append(o)
    return told


def spans_of(store: Store, base: str, nodes: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[EvidenceView]]:
    """The text span of each (span node, graph); nodes without a begin, an end and an anchor are absent.

    A node with several values of a part gets one view per combination, as a
    SPARQL join of the three parts would give.
    """
    out: dict[tuple[str, str], list[EvidenceView]] = {}
    for (n, g), ps in by_subject(store, nodes, _SPAN).items():
        for es, ee, et in itertools.product(ps.get(_BEGIN, ()), ps.get(_END, ()), ps.get(_ANCHOR, ())):
            view = evidence_of_row(base, {"g": g, "es": es, "ee": ee, "et": et})
            if view is not None:
                out.setdefault((n, g), []).append(view)
    return out
