"""Writing the whole graph out: the formats kg exchanges, and the export itself.

Oxigraph's serializers write every format but JSON-LD, which is compacted with a
small ``@context`` (the ontology as ``@vocab``, the other vocabularies as prefixes).
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Dataset

from kg.errors import ConfigError
from kg.namespace import PREFIXES

if TYPE_CHECKING:
    from kg.store.base import Store

__all__ = ["ExportFormat", "jsonld_context", "write_export", "write_jsonld"]


class ExportFormat(enum.Enum):
    """The serializations kg exports and imports."""

    TURTLE = "turtle"
    TRIG = "trig"
    NQUADS = "nquads"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """The pyoxigraph format."""
        return {
            "turtle": ox.RdfFormat.TURTLE,
            "trig": ox.RdfFormat.TRIG,
            "nquads": ox.RdfFormat.N_QUADS,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
        }[self.value]

    @property
    def media_type(self) -> str:
        """The IANA media type."""
        return self.rdf_format.media_type

    @property
    def is_dataset(self) -> bool:
        """Whether the format keeps named graphs (otherwise the union is written)."""
        return self in {ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD}

    @classmethod
    def parse(cls, value: str) -> ExportFormat:
        """Return the format named ``value``, or raise :class:`ConfigError` listing the valid ones."""
        try:
            return cls(value.lower())
        except ValueError:
            valid = ", ".join(f.value for f in cls)
            raise ConfigError(f"unknown format {value!r}; expected one of {valid}") from None


def write_export(store: Store, fmt: ExportFormat, out: IO[bytes]) -> None:
    """Serialize the whole graph to ``out`` with Oxigraph's serializers.

    Dataset formats keep one named graph per article; Turtle and N-Triples get the
    flattened union (duplicates across articles written once).
    """
    if fmt is ExportFormat.JSONLD:
        write_jsonld(store.quads(), out)
        return
    if fmt.is_dataset:
        ox.serialize(store.quads(), out, fmt.rdf_format, prefixes=PREFIXES if fmt is ExportFormat.TRIG else None)
        return
    seen: set[ox.Triple] = set()
    triples: list[ox.Triple] = []
    for q in store.quads():
        t = q.triple
        if t not in seen:
            seen.add(t)
            triples.append(t)
    ox.serialize(_sorted(triples), out, fmt.rdf_format, prefixes=PREFIXES if fmt is ExportFormat.TURTLE else None)


def _sorted(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    # Grouping by subject keeps Turtle compact (one block per subject).
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def jsonld_context() -> dict[str, str]:
    """Return the ``@context`` of JSON-LD exports.

    kg's ontology is the ``@vocab`` (so ``"confidence"`` means ``kg:confidence``);
    the other vocabularies are prefixes (``"nif:beginIndex"``).
    """
    return {"@vocab": PREFIXES["kg"], **dict(sorted(PREFIXES.items()))}


def write_jsonld(quads: Iterable[ox.Quad], out: IO[bytes]) -> None:
    """Write quads as compact JSON-LD (one ``@graph`` per named graph) to ``out``.

    Notes:
        The data goes through rdflib's JSON-LD serializer, which compacts against
        :func:`jsonld_context`; memory grows with the size of the graph.
    """
    dataset = Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    with warnings.catch_warnings():
        # rdflib 7.6's own JSON-LD serializer calls its deprecated Dataset.contexts()
        warnings.filterwarnings("ignore", message="Dataset.contexts is deprecated", category=DeprecationWarning)
        text = dataset.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    out.write(text.encode("utf-8"))
