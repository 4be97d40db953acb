"""SHACL validation of kg data against ``ontology/shapes.ttl``.

Two ways in:

- :func:`validate` checks some data as one graph (the union of its graphs): an
  import file before it is loaded, an extraction, a test's graph.
- :func:`validate_store` checks a store **one article graph at a time**, streaming:
  the shapes hold per article graph, so memory is bounded by the largest article,
  not by the store. Then the checks that need more than one graph: an entity must
  have one class (person, organisation or place) across every article that names it.

Both run :class:`kg.shacl.Checker`, kg's own SHACL engine for these shapes (RDFS
inference over ``ontology/kg.ttl`` and the event-type taxonomy, the core constraints
in Python, the SPARQL constraints on Oxigraph). ``bench/validate.py`` compares it
with pyshacl on the same data.

>>> from rdflib import Graph
>>> validate(Graph()).conforms
True
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import OntologyError, ValidationError
from kg.namespace import KG
from kg.ontology import ontology_graph, shapes_graph
from kg.shacl import Checker, Severity, Term, Triple, Violation, compact, ox_term, show

__all__ = [
    "ENTITY_CLASSES",
    "Data",
    "Severity",
    "ValidationReport",
    "Violation",
    "compact",
    "render",
    "to_graph",
    "validate",
    "validate_snapshot",
    "validate_store",
]

#: What :func:`validate` accepts: an rdflib graph or dataset, an in-memory or on-disk
#: pyoxigraph store, or pyoxigraph quads/triples (as :func:`kg.rdf.extraction_quads` gives).
Data = Graph | pyoxigraph.Store | Iterable[pyoxigraph.Quad | pyoxigraph.Triple]

#: The classes an entity has exactly one of, in every article and across them.
ENTITY_CLASSES = (str(KG.Person), str(KG.Organisation), str(KG.Place))


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of validating some data against the shapes.

    Attributes:
        conforms: ``True`` when there are no violations of severity ``Violation``.
        violations: Every result, sorted by focus node, path and message.
        triples: How many data triples were validated (before inference).
    """

    conforms: bool
    violations: tuple[Violation, ...]
    triples: int

    @property
    def text(self) -> str:
        """The report rendered for people (see :func:`render`)."""
        return render(self)


def _rdflib_term(term: object) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        # lexical form kept as is: an ill-typed literal must reach SHACL ill-typed
        return Literal(term.value, datatype=None if dt.endswith("#string") else URIRef(dt))
    raise OntologyError(f"cannot validate a term of type {type(term).__name__}: {term!r}")


def to_graph(data: Data) -> Graph:
    """Return the union of ``data``'s graphs as one new rdflib :class:`~rdflib.Graph`.

    Args:
        data: An rdflib graph or dataset, a pyoxigraph store, or pyoxigraph quads/triples.

    Raises:
        OntologyError: ``data`` holds something that is not an RDF term.
    """
    union = Graph()
    for s, p, o in _triples(data):
        union.add((_rdflib_term(s), _rdflib_term(p), _rdflib_term(o)))
    return union


def _ox_term(node: Node) -> Term:
    return ox_term(node, "the data to validate")


def _triples(data: Data) -> Iterator[Triple]:
    """The triples of ``data``'s graphs, as pyoxigraph terms (duplicates across graphs possible)."""
    if isinstance(data, Dataset):
        for s, p, o, _ in data.quads((None, None, None, None)):
            yield _resource(_ox_term(s)), _predicate(_ox_term(p)), _ox_term(o)
        return
    if isinstance(data, Graph):
        for s, p, o in data:
            yield _resource(_ox_term(s)), _predicate(_ox_term(p)), _ox_term(o)
        return
    items: Iterable[pyoxigraph.Quad | pyoxigraph.Triple] = (
        data.quads_for_pattern(None, None, None, None) if isinstance(data, pyoxigraph.Store) else data
    )
    for item in items:
        if not isinstance(item, pyoxigraph.Quad | pyoxigraph.Triple):
            raise OntologyError(f"cannot validate {type(item).__name__}: {item!r}")
        yield _resource(item.subject), _predicate(item.predicate), _object(item.object)


def _resource(term: object) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode:
    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.BlankNode):
        return term
    raise OntologyError(f"cannot validate a triple whose subject is {term!r}")


def _predicate(term: object) -> pyoxigraph.NamedNode:
    if isinstance(term, pyoxigraph.NamedNode):
        return term
    raise OntologyError(f"cannot validate a triple whose predicate is {term!r}")


def _object(term: object) -> Term:
    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal):
        return term
    raise OntologyError(f"cannot validate a triple whose object is {term!r}")


@cache
def _checker() -> Checker:
    return Checker(shapes_graph(), ontology_graph())


def _report(found: list[Violation], triples: int, *, enforce: bool) -> ValidationReport:
    # The same result from several graphs is one line of the report.
    violations = tuple(sorted(set(found), key=lambda v: (v.focus, v.path or "", v.message, v.value or "")))
    report = ValidationReport(
        conforms=not any(v.severity == "Violation" for v in violations),
        violations=violations,
        triples=triples,
    )
    if enforce and not report.conforms:
        count = sum(v.severity == "Violation" for v in violations)
        raise ValidationError(
            f"{count} SHACL violation{'s' if count != 1 else ''} in {triples} triples", render(report)
        )
    return report


def validate(data: Data, *, enforce: bool = False) -> ValidationReport:
    """Validate ``data`` as one graph against ``ontology/shapes.ttl`` with RDFS inference.

    Args:
        data: The data: an rdflib graph or dataset (the union of its graphs is
            validated), a pyoxigraph store, or pyoxigraph quads/triples.
        enforce: Raise instead of returning a report that does not conform.

    Returns:
        The report; ``report.conforms`` tells whether the data passed.

    Raises:
        ValidationError: ``enforce`` is set and the data does not conform; the
            error's ``report`` holds the rendered report.
        OntologyError: The shapes or ontology files are missing or malformed.

    Notes:
        Linear in the number of triples; the whole union is held in memory. For a
        store, :func:`validate_store` checks one article graph at a time.
    """
    triples = set(_triples(data))
    found, _ = _checker().check(triples)
    return _report(found, len(triples), enforce=enforce)


@dataclass(slots=True)
class _EntityClasses:
    """The entity classes each entity was given, and the first graph (by name) that gave each combination."""

    seen: dict[str, dict[int, str]]  # node as reports show it -> class mask -> a graph

    def add(self, graph: str, types: dict[Term, set[str]]) -> None:
        for node, classes in types.items():
            mask = sum(1 << i for i, c in enumerate(ENTITY_CLASSES) if c in classes)
            if mask:
                self._keep(show(node), mask, graph)

    def _keep(self, node: str, mask: int, graph: str) -> None:
        # the first graph by name, so the report does not depend on the order graphs come in
        masks = self.seen.setdefault(node, {})
        if mask not in masks or graph < masks[mask]:
            masks[mask] = graph

    def merge(self, other: _EntityClasses) -> None:
        """Take in what another process saw."""
        for node, masks in other.seen.items():
            for mask, graph in masks.items():
                self._keep(node, mask, graph)

    def violations(self) -> list[Violation]:
        """An entity whose classes across graphs are more than any one graph gave it.

        A graph that gives one entity two classes is reported by the shapes themselves.
        """
        out = []
        for node, masks in self.seen.items():
            union = 0
            for mask in masks:
                union |= mask
            if union & (union - 1) == 0 or union in masks:
                continue
            where: dict[int, str] = {}
            for mask, graph in masks.items():
                for i in range(len(ENTITY_CLASSES)):
                    if mask & (1 << i):
                        where.setdefault(i, graph)
            found = " and ".join(f"{compact(ENTITY_CLASSES[i])} in <{g}>" for i, g in sorted(where.items()))
            out.append(
                Violation(
                    focus=node,
                    path=None,
                    message="an entity has exactly one of the classes kg:Person, kg:Organisation, kg:Place; "
                    f"across articles this one is {found}",
                    severity="Violation",
                    constraint="CrossArticleClasses",
                )
            )
        return out


def _graph_runs(quads: Iterable[pyoxigraph.Quad]) -> Iterator[tuple[str, list[Triple]]]:
    """Group a store's quads (which come graph by graph) into each graph's triples."""
    finished: set[str] = set()
    for name, run in groupby(quads, key=lambda q: q.graph_name):
        graph = str(getattr(name, "value", name))
        if graph in finished:
            raise OntologyError(f"the store returned the quads of graph <{graph}> in pieces; cannot validate it")
        finished.add(graph)
        yield graph, [(_resource(q.subject), _predicate(q.predicate), _object(q.object)) for q in run]


def validate_store(
    quads: Iterable[pyoxigraph.Quad],
    *,
    progress: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Validate a store one named graph at a time, then the checks across graphs.

    Args:
        quads: The store's quads, graph by graph (as :meth:`kg.store.Store.quads` gives
            them: Oxigraph returns each graph's quads together).
        progress: Called with the number of quads of each graph once it is checked.

    Returns:
        The report: every graph's results, and those of the checks across graphs.

    Raises:
        OntologyError: The shapes or ontology files are missing or malformed, or the
            quads of one graph come in pieces.

    Notes:
        Time linear in the store's size; memory bounded by the largest graph, plus a
        few bytes per entity for the check across graphs.
    """
    checker = _checker()
    classes = _EntityClasses({})
    found: list[Violation] = []
    total = 0
    for graph, triples in _graph_runs(quads):
        violations, types = checker.check(triples)
        found.extend(violations)
        classes.add(graph, types)
        total += len(triples)
        if progress is not None:
            progress(len(triples))
    found.extend(classes.violations())
    return _report(found, total, enforce=False)


def _validate_graphs(path: str, graphs: list[str]) -> tuple[list[Violation], _EntityClasses, int]:
    """One worker's share of :func:`validate_snapshot`: some graphs of the snapshot at ``path``."""
    store = pyoxigraph.Store.read_only(path)
    checker = _checker()
    classes = _EntityClasses({})
    found: list[Violation] = []
    total = 0
    for graph in graphs:
        triples = [
            (_resource(q.subject), _predicate(q.predicate), _object(q.object))
            for q in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))
        ]
        violations, types = checker.check(triples)
        found.extend(violations)
        classes.add(graph, types)
        total += len(triples)
    return found, classes, total


def validate_snapshot(path: str | Path, graphs: Sequence[str], *, workers: int = 1) -> ValidationReport:
    """Validate the named ``graphs`` of the Oxigraph store (a published snapshot) at ``path``, in processes.

    Each of ``workers`` processes opens the snapshot read-only and checks a share of
    the graphs, one at a time; the parent merges their results and runs the checks
    across graphs. The caller keeps the snapshot open (and so held) meanwhile.

    Args:
        path: The snapshot's directory (:attr:`kg.store.EmbeddedStore.snapshot_path`).
        graphs: The article graphs to check.
        workers: Processes (1: this one).

    Returns:
        The same report :func:`validate_store` gives for those graphs.
    """
    if workers <= 1 or len(graphs) < 2:
        found, classes, total = _validate_graphs(str(path), list(graphs))
    else:
        # Interleaved shares, several per worker, so that no worker gets all the long articles.
        shares = [list(graphs[i :: workers * 4]) for i in range(min(len(graphs), workers * 4))]
        _checker()  # compiled once here; forked workers inherit it
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.starmap(_validate_graphs, [(str(path), share) for share in shares])
        found, classes, total = [], _EntityClasses({}), 0
        for violations, seen, count in parts:
            found.extend(violations)
            classes.merge(seen)
            total += count
    found.extend(classes.violations())
    return _report(found, total, enforce=False)


def render(report: ValidationReport) -> str:
    """Render a report for a terminal: one block per focus node, one line per result.

    >>> print(render(ValidationReport(True, (), 12)))
    Conforms: 12 triples, no violations.
    """
    if not report.violations:
        return f"Conforms: {report.triples} triples, no violations."
    counts = {s: sum(v.severity == s for v in report.violations) for s in ("Violation", "Warning", "Info")}
    summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    head = "Conforms" if report.conforms else "Does not conform"
    lines = [f"{head}: {summary} in {report.triples} triples."]
    focus = None
    for v in report.violations:
        if v.focus != focus:
            focus = v.focus
            lines.append("")
            lines.append(focus)
        where = f"{v.path}: " if v.path else ""
        value = f" (value {v.value})" if v.value is not None else ""
        lines.append(f"  {v.severity}: {where}{v.message}{value}")
    return "\n".join(lines)
