"""The merge log: every cross-article entity merge, with its evidence, and how to undo one.

A :class:`Merge` re-keys one article's entity onto a stored one. The :class:`MergeLog`
appends each to the side-file ``<store>.merges.jsonl`` (:func:`merge_log_path`);
``kg merges`` lists them and ``kg unmerge ID`` undoes one (:func:`undo_merge`), after
which it is not made again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import NotFoundError, StoreError
from kg.identity.sidecar import append_lines, read_lines, sidecar_path
from kg.records import EntityType

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["Merge", "MergeLog", "merge_id", "merge_log_path", "undo_merge"]


@dataclass(frozen=True, slots=True)
class Merge:
    """One cross-article merge: an article's entity re-keyed onto a stored one.

    Attributes:
        id: Stable id (hash of article, both keys), what ``kg unmerge`` takes.
        article: The article id whose entity was re-keyed.
        type: The entity type (merges never cross types).
        from_key: The key the article would have used on its own.
        into_key: The stored entity's key it now uses.
        from_label: The article's name for it.
        into_label: The stored entity's label.
        method: ``exact``, ``transliteration``, ``variant`` (given names that are
            variants: initials, short forms), ``fuzzy``, ``context`` (a bare surname
            joined on shared entities) or ``type`` (a weak person name the corpus
            gives another type).
        score: The merge's confidence in [0, 1] (1.0 for equal folded names).
        evidence: The first mention of it in the article: ``(start, end, text)``.
        reasons: What supports the merge beyond the names: the entities both
            articles mention (``context``), the type vote (``type``), the given names
            (``variant``).
    """

    id: str
    article: str
    type: EntityType
    from_key: str
    into_key: str
    from_label: str
    into_label: str
    method: str
    score: float
    evidence: tuple[int, int, str]
    reasons: tuple[str, ...] = ()

    def to_json(self) -> str:
        """Serialise as one JSON line."""
        return json.dumps(
            {
                "id": self.id,
                "article": self.article,
                "type": self.type.value,
                "from": self.from_key,
                "into": self.into_key,
                "from_label": self.from_label,
                "into_label": self.into_label,
                "method": self.method,
                "score": self.score,
                "evidence": list(self.evidence),
                "reasons": list(self.reasons),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Merge:
        """Read a line written by :meth:`to_json`."""
        ev = data["evidence"]
        if not isinstance(ev, list) or len(ev) != 3:
            raise StoreError(f"merge {data.get('id')!r} has no evidence [start, end, text]")
        return cls(
            id=str(data["id"]),
            article=str(data["article"]),
            type=EntityType(data["type"]),
            from_key=str(data["from"]),
            into_key=str(data["into"]),
            from_label=str(data["from_label"]),
            into_label=str(data["into_label"]),
            method=str(data["method"]),
            score=float(data["score"]),  # type: ignore[arg-type]
            evidence=(int(ev[0]), int(ev[1]), str(ev[2])),
            reasons=tuple(str(r) for r in data.get("reasons") or ()),  # type: ignore[attr-defined]
        )


class MergeLog:
    """Every cross-article merge, appended to a JSON-lines file; undone merges stay blocked.

    Args:
        path: The file; ``None`` keeps the log in memory (tests, one-off runs).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._merges: dict[str, Merge] = {}
        self._undone: set[str] = set()
        for n, data in read_lines(self.path, "merge log"):
            if "undo" in data:
                self._undone.add(str(data["undo"]))
                continue
            try:
                merge = Merge.from_json(data)
            except (KeyError, TypeError, ValueError) as exc:
                raise StoreError(f"{self.path}:{n}: not a merge log line: {exc}") from exc
            self._merges[merge.id] = merge

    def _append(self, line: str) -> None:
        append_lines(self.path, [line])

    def record(self, merge: Merge) -> None:
        """Append a merge (a merge already recorded is not written twice)."""
        if merge.id in self._merges:
            return
        self._merges[merge.id] = merge
        self._append(merge.to_json())

    def blocked(self, article: str, from_key: str, into_key: str) -> bool:
        """Whether this merge was undone, so must not be made again."""
        return merge_id(article, from_key, into_key) in self._undone

    def active(self) -> list[Merge]:
        """The merges in force, oldest first."""
        return [m for m in self._merges.values() if m.id not in self._undone]

    def undo(self, merge_id_: str) -> Merge:
        """Mark a merge undone and return it.

        Raises:
            NotFoundError: No active merge has this id.
        """
        merge = self._merges.get(merge_id_)
        if merge is None or merge_id_ in self._undone:
            raise NotFoundError("merge", merge_id_)
        self._undone.add(merge_id_)
        self._append(json.dumps({"undo": merge_id_}))
        return merge

    def __iter__(self) -> Iterator[Merge]:
        return iter(self.active())


def merge_id(article: str, from_key: str, into_key: str) -> str:
    """The stable id of a merge."""
    return hashlib.sha1(f"{article}|{from_key}|{into_key}".encode()).hexdigest()[:12]


def merge_log_path(store: str) -> Path:
    """Where the merge log of a store lives: beside an embedded store's directory.

    For a remote store (a URL) it is ``./kg-merges.jsonl``.

    >>> merge_log_path("./kg-data").name
    'kg-data.merges.jsonl'
    """
    return sidecar_path(store, "merges")


def undo_merge(store: Store, log: MergeLog, merge_id_: str, base: str) -> Merge:
    """Undo a merge: the article's graph uses its own key again, and the merge stays blocked.

    Args:
        store: The store holding the article.
        log: The merge log.
        merge_id_: The id ``kg merges`` lists.
        base: The data base IRI.

    Raises:
        NotFoundError: No active merge has this id.

    Notes:
        Reads the store's quads once to find the article's graph: O(store size).
    """
    import pyoxigraph as ox

    from kg.rdf import article_iri, entity_iri

    merge = log.undo(merge_id_)
    graph = article_iri(base, merge.article)
    into = ox.NamedNode(entity_iri(base, merge.into_key))
    back = ox.NamedNode(entity_iri(base, merge.from_key))
    label_pred = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

    def swap(
        term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        return back if term == into else term

    quads: list[ox.Quad] = []
    for q in store.quads():
        if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value != graph:
            continue
        if q.subject == into and q.predicate == label_pred:
            quads.append(ox.Quad(back, label_pred, ox.Literal(merge.from_label), q.graph_name))
            continue
        quads.append(ox.Quad(swap(q.subject), q.predicate, swap(q.object), q.graph_name))  # type: ignore[arg-type]
    if quads:
        # The rewritten graph keeps its content hash: the store marks it for the entity
        # summary before writing, so even a crash before the summary update leaves it
        # to be recomputed.
        store.put_articles([(graph, quads)])
    return merge
