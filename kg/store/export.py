"""Writing the whole graph out: the formats kg exchanges, and the export itself.

Oxigraph's serializers write every format but JSON-LD, which is compacted with a
small ``@context`` (the ontology as ``@vocab``, the other vocabularies as prefixes).
With ``with_ontology`` the export also holds ``kg.ttl`` and ``event-types.ttl``: in
their own named graph (:data:`kg.ontology.ONTOLOGY_GRAPH`) in dataset formats, in the
union otherwise, so one file opens in Protégé or a reasoner with its vocabulary.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Dataset

from kg.errors import ConfigError
from kg.namespace import PREFIXES
from kg.ontology import ontology_quads

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
    RDFXML = "rdfxml"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """The pyoxigraph format."""
        return {
            "turtle": ox.RdfFormat.TURTLE,
            "trig": ox.RdfFormat.TRIG,
            "nquads": ox.RdfFormat.N_QUADS,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "rdfxml": ox.RdfFormat.RDF_XML,
        }[self.value]

    @property
    def media_type(self) -> str:
        """The IANA media type."""
        return self.rdf_format.media_type

    @property
    def suffix(self) -> str:
        """The usual file name extension (without the dot)."""
        return {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "rdfxml": "rdf"}.get(self.value, self.value)

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


def write_export(store: Store, fmt: ExportFormat, out: IO[bytes], *, with_ontology: bool = False) -> None:
    """Serialize the whole graph to ``out`` with Oxigraph's serializers.

    Dataset formats keep one named graph per article; Turtle, N-Triples and RDF/XML
    get the flattened union (duplicates across articles written once).

    Args:
        store: The store to export (its article graphs; never the entity summary).
        fmt: The serialization.
        out: Where the bytes go.
        with_ontology: Also write the ontology and the event-type taxonomy (from the
            files this version of kg ships, whatever the store holds).
    """
    quads = _with_ontology(store.quads()) if with_ontology else store.quads()
    if fmt is ExportFormat.JSONLD:
        write_jsonld(quads, out)
        return
    if fmt.is_dataset:
        ox.serialize(quads, out, fmt.rdf_format, prefixes=PREFIXES if fmt is ExportFormat.TRIG else None)
        return
    seen: set[ox.Triple] = set()
    triples: list[ox.Triple] = []
    for q in quads:
        t = q.triple
        if t not in seen:
            seen.add(t)
            triples.append(t)
    named = fmt in (ExportFormat.TURTLE, ExportFormat.RDFXML)
    ox.serialize(_sorted(triples), out, fmt.rdf_format, prefixes=PREFIXES if named else None)


def _with_ontology(quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
    yield from ontology_quads()
    yield from quads


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
