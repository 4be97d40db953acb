"""Evidence: the spans of articles that support a relationship or an event."""

from __future__ import annotations

from dataclasses import dataclass

from kg.rdf import article_iri

__all__ = ["EvidenceView", "evidence_of_row"]


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
