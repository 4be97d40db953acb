"""Where the ontology files live, and loading them as rdflib graphs or as the store's ontology graph.

The files sit in ``ontology/`` at the root of the repository (next to the ``kg``
package), which is where an editable install and the test suite find them.

>>> ontology_path("kg.ttl").name
'kg.ttl'
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.exceptions import ParserError

from kg.errors import OntologyError

__all__ = [
    "EVENT_TYPES_FILE",
    "ONTOLOGY_DIR",
    "ONTOLOGY_FILE",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "SHAPES_FILE",
    "load_graph",
    "ontology_digest",
    "ontology_graph",
    "ontology_path",
    "ontology_quads",
    "shapes_graph",
]

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = "kg.ttl"
SHAPES_FILE = "shapes.ttl"
EVENT_TYPES_FILE = "event-types.ttl"
ONTOLOGY_IRI = "https://w3id.org/newskg/ontology"
#: The named graph that holds ``kg.ttl`` and ``event-types.ttl`` in every store kg
#: opens for writing (the ontology's own IRI), so SPARQL users can follow
#: ``rdfs:subClassOf`` and the event-type hierarchy. It is not an article graph.
ONTOLOGY_GRAPH = ONTOLOGY_IRI
#: The files the ontology graph holds, in this order.
GRAPH_FILES = (ONTOLOGY_FILE, EVENT_TYPES_FILE)

_KNOWN = (ONTOLOGY_FILE, SHAPES_FILE, EVENT_TYPES_FILE)


def ontology_path(name: str) -> Path:
    """Return the path of one of the files in ``ontology/``.

    Args:
        name: ``"kg.ttl"``, ``"shapes.ttl"`` or ``"event-types.ttl"``.

    Raises:
        OntologyError: ``name`` is not one of the ontology files.
    """
    if name not in _KNOWN:
        raise OntologyError(f"unknown ontology file {name!r}; expected one of {', '.join(_KNOWN)}")
    return ONTOLOGY_DIR / name


def load_graph(path: Path) -> Graph:
    """Parse a Turtle file into a fresh graph.

    Raises:
        OntologyError: The file is missing or is not valid Turtle.
    """
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise OntologyError(f"ontology file not found: {path}") from exc
    except (ParserError, SyntaxError, ValueError, IndexError) as exc:
        # rdflib's Turtle parser also fails with IndexError on a truncated file
        raise OntologyError(f"ontology file {path} is not valid Turtle: {exc}") from exc
    return graph


@cache
def _cached(name: str) -> Graph:
    return load_graph(ontology_path(name))


def ontology_graph(*, with_event_types: bool = True) -> Graph:
    """Return the OWL ontology (``kg.ttl``), plus the event-type taxonomy if present.

    The result is a new graph each call, so callers may add to it.

    Args:
        with_event_types: Also include ``event-types.ttl`` when that file exists.
    """
    graph = Graph()
    graph += _cached(ONTOLOGY_FILE)
    if with_event_types and ontology_path(EVENT_TYPES_FILE).exists():
        graph += _cached(EVENT_TYPES_FILE)
    return graph


def shapes_graph() -> Graph:
    """Return the SHACL shapes (``shapes.ttl``) as a new graph."""
    graph = Graph()
    graph += _cached(SHAPES_FILE)
    return graph


def ontology_digest() -> str:
    """SHA-256 (hex) over the files of the ontology graph: a store holding another loads them again."""
    digest = hashlib.sha256()
    for name in GRAPH_FILES:
        digest.update(name.encode() + b"\0" + ontology_path(name).read_bytes() + b"\0")
    return digest.hexdigest()


def ontology_quads(graph: str = ONTOLOGY_GRAPH) -> list[ox.Quad]:
    """Return ``kg.ttl`` and ``event-types.ttl`` as quads in the named graph ``graph``.

    Raises:
        OntologyError: A file is missing or is not valid Turtle.
    """
    node = ox.NamedNode(graph)
    quads: list[ox.Quad] = []
    for name in GRAPH_FILES:
        path = ontology_path(name)
        try:
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in _triples(path))
        except FileNotFoundError as exc:
            raise OntologyError(f"ontology file not found: {path}") from exc
        except SyntaxError as exc:
            raise OntologyError(f"ontology file {path} is not valid Turtle: {exc}") from exc
    return quads


def _triples(path: Path) -> list[ox.Triple]:
    # Blank nodes are per file (Oxigraph parses each file with its own ids).
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
