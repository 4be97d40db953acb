"""SHACL validation of kg data against ``ontology/shapes.ttl``.

:func:`validate` runs pyshacl with RDFS inference, using ``ontology/kg.ttl`` (and the
event-type taxonomy when present) as the ontology graph, over the union of the data's
graphs. The shapes are written to hold for one article's graph and for the union alike,
so one run covers a whole store.

>>> from rdflib import Graph
>>> validate(Graph()).conforms
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal as TypingLiteral

import pyoxigraph
import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import OntologyError, ValidationError
from kg.namespace import PREFIXES, RDF, XSD, curie
from kg.ontology import ontology_graph, shapes_graph

__all__ = [
    "Data",
    "Severity",
    "ValidationReport",
    "Violation",
    "render",
    "to_graph",
    "validate",
]

Severity = TypingLiteral["Violation", "Warning", "Info"]

#: What :func:`validate` accepts: an rdflib graph or dataset, an in-memory or on-disk
#: pyoxigraph store, or pyoxigraph quads/triples (as :func:`kg.rdf.extraction_quads` gives).
Data = Graph | pyoxigraph.Store | Iterable[pyoxigraph.Quad | pyoxigraph.Triple]

_PREFIXES = {**PREFIXES, "sh": str(SH)}


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: which node broke which constraint, and how.

    Attributes:
        focus: The node that failed (an IRI, or ``_:id`` for a blank node).
        path: The property path checked, compacted (``kg:confidence``); ``None`` for
            whole-node constraints such as the SPARQL checks.
        message: What is wrong, in words.
        severity: ``"Violation"``, ``"Warning"`` or ``"Info"``.
        value: The offending value, when the constraint names one.
        constraint: The SHACL constraint component (``MinCountConstraintComponent``).
    """

    focus: str
    path: str | None
    message: str
    severity: Severity
    value: str | None = None
    constraint: str | None = None


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


def compact(iri: str) -> str:
    """Return ``iri`` as ``prefix:local`` when a known prefix fits, else ``<iri>``.

    >>> compact("https://w3id.org/newskg/ontology#confidence")
    'kg:confidence'
    """
    return curie(iri, _PREFIXES) or f"<{iri}>"


def _show(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return compact(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        if node.datatype is not None and node.datatype != XSD.string:
            return f'"{node}"^^{compact(str(node.datatype))}'
        return f'"{node}"'
    return str(node)


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
        return Literal(term.value, datatype=None if dt == str(XSD.string) else URIRef(dt))
    raise OntologyError(f"cannot validate a term of type {type(term).__name__}: {term!r}")


def to_graph(data: Data) -> Graph:
    """Return the union of ``data``'s graphs as one new rdflib :class:`~rdflib.Graph`.

    Args:
        data: An rdflib graph or dataset, a pyoxigraph store, or pyoxigraph quads/triples.

    Raises:
        OntologyError: ``data`` holds something that is not an RDF term.
    """
    union = Graph()
    if isinstance(data, Dataset):
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    if isinstance(data, Graph):
        for triple in data:
            union.add(triple)
        return union
    items: Iterable[pyoxigraph.Quad | pyoxigraph.Triple] = (
        data.quads_for_pattern(None, None, None, None) if isinstance(data, pyoxigraph.Store) else data
    )
    for item in items:
        union.add((_rdflib_term(item.subject), _rdflib_term(item.predicate), _rdflib_term(item.object)))
    return union


def _local(node: Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _severity(node: Node | None) -> Severity:
    if node == SH.Warning:
        return "Warning"
    if node == SH.Info:
        return "Info"
    return "Violation"


def _results(results: Graph) -> list[Violation]:
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        constraint = results.value(result, SH.sourceConstraintComponent)
        out.append(
            Violation(
                focus=_show(focus) or "?",
                path=_show(results.value(result, SH.resultPath)),
                message=str(message) if message is not None else (_local(constraint) or "constraint failed"),
                severity=_severity(results.value(result, SH.resultSeverity)),
                value=_show(results.value(result, SH.value)),
                constraint=_local(constraint),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class _SparqlCheck:
    """A SPARQL-based constraint of ``shapes.ttl``, run once over the whole graph."""

    targets: tuple[URIRef, ...]
    query: str
    message: str
    severity: Severity


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


@cache
def _split_shapes() -> tuple[Graph, tuple[_SparqlCheck, ...]]:
    """Split the shapes into core shapes (for pyshacl) and SPARQL checks (set at a time).

    pyshacl evaluates a SPARQL constraint once per focus node, parsing the query each
    time, which costs tens of milliseconds per node. These constraints bind ``$this``
    only to join it, so running each query once with ``?this`` unbound, and keeping
    rows whose ``?this`` is a target, gives the same results in one parse.
    """
    core = shapes_graph()
    prefixes = "".join(
        f"PREFIX {core.value(d, SH.prefix)}: <{core.value(d, SH.namespace)}>\n" for d in core.objects(None, SH.declare)
    )
    checks = []
    for shape, constraint in list(core.subject_objects(SH.sparql)):
        select = core.value(constraint, SH.select)
        if select is None:
            raise OntologyError(f"shapes.ttl: SPARQL constraint of {shape} has no sh:select")
        targets = tuple(t for t in core.objects(shape, SH.targetClass) if isinstance(t, URIRef))
        message = core.value(constraint, SH.message)
        checks.append(
            _SparqlCheck(
                targets=targets,
                query=prefixes + str(select).replace("$this", "?this"),
                message=str(message) if message is not None else "SPARQL constraint failed",
                severity=_severity(core.value(shape, SH.severity)),
            )
        )
        core.remove((shape, SH.sparql, constraint))
        core.remove((constraint, None, None))
    return core, tuple(checks)


def _fill(message: str, row: Mapping[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        return row.get(m.group(1), m.group(0))

    return _PLACEHOLDER.sub(value, message)


def _ox_term(node: Node) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None:
    if isinstance(node, URIRef):
        return pyoxigraph.NamedNode(str(node))
    if isinstance(node, BNode):
        return pyoxigraph.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return pyoxigraph.Literal(str(node), language=node.language)
        datatype = pyoxigraph.NamedNode(str(node.datatype)) if node.datatype is not None else None
        return pyoxigraph.Literal(str(node), datatype=datatype)
    return None


def _to_oxigraph(graph: Graph) -> pyoxigraph.Store:
    """Copy an rdflib graph into an in-memory Oxigraph store (whose SPARQL engine is fast)."""
    store = pyoxigraph.Store()
    cache: dict[Node, pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None] = {}

    def term(node: Node) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None:
        if node not in cache:
            cache[node] = _ox_term(node)
        return cache[node]

    quads = []
    for s, p, o in graph:
        subject, predicate, obj = term(s), term(p), term(o)
        # owlrl may leave literal subjects behind; they cannot be a focus node anyway
        resource = isinstance(subject, pyoxigraph.NamedNode | pyoxigraph.BlankNode)
        if resource and isinstance(predicate, pyoxigraph.NamedNode) and obj is not None:
            quads.append(pyoxigraph.Quad(subject, predicate, obj))  # type: ignore[arg-type]
    store.extend(quads)
    return store


def _ox_show(term: object) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return compact(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _sparql_results(graph: Graph, checks: tuple[_SparqlCheck, ...]) -> list[Violation]:
    """Run each SPARQL check once, on Oxigraph, keeping rows whose ``?this`` is a target."""
    store = _to_oxigraph(graph)
    rdf_type = pyoxigraph.NamedNode(str(RDF.type))
    out: set[Violation] = set()
    for check in checks:
        targets = {
            q.subject
            for t in check.targets
            for q in store.quads_for_pattern(None, rdf_type, pyoxigraph.NamedNode(str(t)), None)
        }
        try:
            solutions = store.query(check.query)
        except SyntaxError as exc:
            raise OntologyError(f"shapes.ttl: a SPARQL constraint does not parse: {exc}") from exc
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise OntologyError("shapes.ttl: a SPARQL constraint is not a SELECT query")
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            focus = solution["this"]
            if focus is None or focus not in targets:
                continue
            values = {n: getattr(solution[n], "value", "") for n in names if solution[n] is not None}
            out.add(
                Violation(
                    focus=_ox_show(focus),
                    path=None,
                    message=_fill(check.message, values),
                    severity=check.severity,
                    constraint="SPARQLConstraintComponent",
                )
            )
    return list(out)


def validate(data: Data, *, enforce: bool = False) -> ValidationReport:
    """Validate ``data`` against ``ontology/shapes.ttl`` with RDFS inference.

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
        One pyshacl run over the union plus the ontology; time grows roughly linearly
        with the number of triples (RDFS closure, then one pass per shape).
    """
    graph = to_graph(data)
    size = len(graph)
    core, checks = _split_shapes()
    try:
        # inplace: ``graph`` is ours, and afterwards holds the ontology and the RDFS
        # closure, which the SPARQL checks then query
        _, results, _ = pyshacl.validate(
            graph,
            shacl_graph=core,
            ont_graph=ontology_graph(),
            inference="rdfs",
            inplace=True,
            allow_warnings=True,
        )
    except pyshacl.errors.ReportableRuntimeError as exc:
        raise OntologyError(f"ontology/shapes.ttl could not be applied: {exc}") from exc
    if not isinstance(results, Graph):
        raise OntologyError(f"pyshacl returned a {type(results).__name__}, not a results graph")
    found = _results(results) + _sparql_results(graph, checks)
    found.sort(key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))
    violations = tuple(found)
    report = ValidationReport(
        conforms=not any(v.severity == "Violation" for v in violations),
        violations=violations,
        triples=size,
    )
    if enforce and not report.conforms:
        count = sum(v.severity == "Violation" for v in violations)
        raise ValidationError(f"{count} SHACL violation{'s' if count != 1 else ''} in {size} triples", render(report))
    return report


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
