"""A small SHACL engine for the shapes kg ships, fast enough to check a store graph by graph.

:class:`Checker` compiles ``ontology/shapes.ttl`` once into plain Python checks, then
validates one graph at a time (an article's named graph, or any set of triples):

1. **RDFS inference** from the ontology's class and property hierarchy, domains and
   ranges (what pyshacl's ``inference="rdfs"`` derives for these shapes): every
   triple is repeated under its super-properties, and every node gets its declared,
   domain- and range-derived types with their super-classes.
2. **SHACL Core** constraints in Python: targets by class; ``sh:property`` with an IRI
   ``sh:path``; ``sh:minCount``, ``sh:maxCount``, ``sh:datatype`` (with well-formed
   lexical forms), ``sh:nodeKind``, ``sh:class``, ``sh:in``, ``sh:or``,
   ``sh:minInclusive``/``sh:maxInclusive``/``sh:minExclusive``/``sh:maxExclusive``,
   ``sh:minLength``/``sh:maxLength``, ``sh:pattern`` and ``sh:lessThanOrEquals``.
   A shape using anything else is refused with :class:`~kg.errors.OntologyError`, so
   the engine never silently skips a constraint.
3. **SPARQL constraints** run once per graph on an in-memory Oxigraph store holding
   the graph, its inferences and the ontology, with ``$this`` left unbound; a row
   counts when its ``?this`` is a target of the shape.

The results are the ones pyshacl gives for the same data (the cases of
``tests/unit/core/test_validate.py`` check each constraint), at a small fraction of the cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF as RDFNS
from rdflib.namespace import RDFS as RDFSNS
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import OntologyError
from kg.namespace import PREFIXES, curie

__all__ = ["Checker", "Severity", "Term", "Triple", "Violation", "compact", "ox_term", "show"]

Severity = TypingLiteral["Violation", "Warning", "Info"]
#: An RDF term as pyoxigraph gives it.
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, Term]

_PREFIXES = {**PREFIXES, "sh": str(SH)}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode(str(RDFNS.type))


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


def compact(iri: str) -> str:
    """Return ``iri`` as ``prefix:local`` when a known prefix fits, else ``<iri>``.

    >>> compact("https://w3id.org/newskg/ontology#confidence")
    'kg:confidence'
    """
    return curie(iri, _PREFIXES) or f"<{iri}>"


def show(term: Term) -> str:
    """Show a term in a report: a compacted IRI, ``_:id``, or a literal with its datatype.

    >>> show(ox.Literal("1.7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))
    '"1.7"^^xsd:decimal'
    """
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term.language is None and term.datatype.value != _XSD + "string":
        return f'"{term.value}"^^{compact(term.datatype.value)}'
    return f'"{term.value}"'


# ---------------------------------------------------------------------------------
# Literal values: well-formedness and comparison
# ---------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE = re.compile(r"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)")
_DATE = re.compile(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?")
_DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}


@lru_cache(maxsize=65536)
def _well_formed(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is a valid form of ``datatype`` (datatypes kg does not know pass)."""
    if not datatype.startswith(_XSD):
        return True
    local = datatype[len(_XSD) :]
    if local in _INTEGER_RANGES:
        if not _INTEGER.fullmatch(lexical):
            return False
        low, high = _INTEGER_RANGES[local]
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)
    if local == "decimal":
        return bool(_DECIMAL.fullmatch(lexical))
    if local in {"double", "float"}:
        return bool(_DOUBLE.fullmatch(lexical))
    if local == "boolean":
        return lexical in {"true", "false", "1", "0"}
    if local == "date":
        return bool(_DATE.fullmatch(lexical)) and _parse_date(lexical) is not None
    if local == "dateTime":
        return bool(_DATETIME.fullmatch(lexical)) and _parse_datetime(lexical) is not None
    return True


def _parse_date(lexical: str) -> date | None:
    try:
        return date.fromisoformat(lexical[:10])
    except ValueError:
        return None


def _parse_datetime(lexical: str) -> datetime | None:
    try:
        return datetime.fromisoformat(lexical.replace("Z", "+00:00"))
    except ValueError:
        return None


Comparable = tuple[str, Decimal | date | datetime | str]


@lru_cache(maxsize=65536)
def _comparable(lexical: str, datatype: str) -> Comparable | None:
    """A literal's value, tagged with what it can be compared with; ``None`` when not comparable."""
    if not _well_formed(lexical, datatype) or not datatype.startswith(_XSD):
        return None
    local = datatype[len(_XSD) :]
    try:
        if local in _INTEGER_RANGES or local in {"decimal", "double", "float"}:
            return ("number", Decimal(lexical))
    except InvalidOperation:
        return None
    if local == "date":
        parsed = _parse_date(lexical)
        return ("date", parsed) if parsed is not None else None
    if local == "dateTime":
        moment = _parse_datetime(lexical)
        return ("dateTime", moment) if moment is not None else None
    if local == "string":
        return ("string", lexical)
    return None


def _value_of(term: Term) -> Comparable | None:
    if isinstance(term, ox.Literal) and term.language is None:
        return _comparable(term.value, term.datatype.value)
    return None


def _le(a: Comparable | None, b: Comparable | None, *, strict: bool = False) -> bool:
    """``a <= b`` (``a < b`` when strict) when both are comparable; ``False`` otherwise."""
    if a is None or b is None or a[0] != b[0]:
        return False
    try:
        return bool(a[1] < b[1]) if strict else bool(a[1] <= b[1])  # type: ignore[operator]
    except TypeError:  # an aware and a naive dateTime
        return False


# ---------------------------------------------------------------------------------
# Compiled shapes
# ---------------------------------------------------------------------------------

#: Types of each node of one graph, after inference.
Types = Mapping[Term, frozenset[str] | set[str]]
#: A check of one value node: does it pass?
ValueTest = Callable[[Term, Types], bool]

_NODE_KINDS: dict[str, Callable[[Term], bool]] = {
    "IRI": lambda t: isinstance(t, ox.NamedNode),
    "BlankNode": lambda t: isinstance(t, ox.BlankNode),
    "Literal": lambda t: isinstance(t, ox.Literal),
    "BlankNodeOrIRI": lambda t: isinstance(t, ox.NamedNode | ox.BlankNode),
    "BlankNodeOrLiteral": lambda t: isinstance(t, ox.BlankNode | ox.Literal),
    "IRIOrLiteral": lambda t: isinstance(t, ox.NamedNode | ox.Literal),
}

#: Shape predicates that only describe (or are handled by the shape or property shape itself).
_DESCRIPTIVE = {
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.path,
    SH.property,
    SH.targetClass,
    SH.sparql,
    SH.declare,
    SH.prefixes,
    SH.minCount,
    SH.maxCount,
    SH.lessThanOrEquals,
    SH.order,
    SH.group,
    SH.deactivated,
    SH.flags,
    SH.select,
}


def ox_term(node: Node, where: str) -> Term:
    """The pyoxigraph term for an rdflib node; ``where`` names the input in the error."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype is not None else None
        return ox.Literal(str(node), datatype=datatype)
    raise OntologyError(f"{where}: cannot use a term of type {type(node).__name__}: {node!r}")


def _ox(node: Node) -> Term:
    return ox_term(node, "shapes.ttl")


def _text(term: Term) -> str | None:
    return None if isinstance(term, ox.BlankNode) else term.value


def _value_tests(shapes: Graph, shape: Node) -> list[tuple[str, ValueTest]]:
    """Compile the constraints of ``shape`` that apply to each value node on its own."""
    tests: list[tuple[str, ValueTest]] = []
    for predicate, obj in shapes.predicate_objects(shape):
        if predicate in _DESCRIPTIVE or not str(predicate).startswith(str(SH)):
            continue
        tests.append(_value_test(shapes, shape, predicate, obj))
    return tests


def _value_test(shapes: Graph, shape: Node, predicate: Node, obj: Node) -> tuple[str, ValueTest]:
    name = str(predicate).rsplit("#", 1)[-1]
    component = name[0].upper() + name[1:] + "ConstraintComponent"
    if predicate == SH.datatype:
        datatype = str(obj)

        def datatype_test(t: Term, _: Types) -> bool:
            if not isinstance(t, ox.Literal):
                return False
            if t.language is not None:
                return datatype == str(RDFNS.langString)
            return t.datatype.value == datatype and _well_formed(t.value, datatype)

        return component, datatype_test
    if predicate == SH.nodeKind:
        kind = _NODE_KINDS.get(str(obj).rsplit("#", 1)[-1])
        if kind is None:
            raise OntologyError(f"shapes.ttl: unknown sh:nodeKind {obj}")
        return component, lambda t, _: kind(t)
    if predicate == SH["class"]:
        cls = str(obj)
        return component, lambda t, types: not isinstance(t, ox.Literal) and cls in types.get(t, ())
    if predicate == SH["in"]:
        members = {_ox(m) for m in Collection(shapes, obj)}
        return component, lambda t, _: t in members
    if predicate == SH["or"]:
        branches = [_value_tests(shapes, b) for b in Collection(shapes, obj)]
        return component, lambda t, types: any(all(f(t, types) for _, f in b) for b in branches)
    if predicate in {SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive}:
        bound = _value_of(_ox(obj))
        if bound is None:
            raise OntologyError(f"shapes.ttl: {name} {obj} is not a comparable literal")
        strict = predicate in {SH.minExclusive, SH.maxExclusive}
        if predicate in {SH.minInclusive, SH.minExclusive}:
            return component, lambda t, _: _le(bound, _value_of(t), strict=strict)
        return component, lambda t, _: _le(_value_of(t), bound, strict=strict)
    if predicate in {SH.minLength, SH.maxLength}:
        limit = int(str(obj))
        if predicate == SH.minLength:
            return component, lambda t, _: (s := _text(t)) is not None and len(s) >= limit
        return component, lambda t, _: (s := _text(t)) is not None and len(s) <= limit
    if predicate == SH.pattern:
        flags = re.IGNORECASE if "i" in str(shapes.value(shape, SH.flags) or "") else 0
        regex = re.compile(str(obj), flags)
        return component, lambda t, _: (s := _text(t)) is not None and regex.search(s) is not None
    raise OntologyError(f"shapes.ttl uses {name}, which kg's SHACL engine does not check")


def _severity(node: Node | None) -> Severity:
    if node == SH.Warning:
        return "Warning"
    if node == SH.Info:
        return "Info"
    return "Violation"


@dataclass(frozen=True, slots=True)
class _Property:
    """A property shape: the values of ``path`` on each focus node."""

    path: ox.NamedNode
    shown: str
    min_count: int | None
    max_count: int | None
    less_or_equal: ox.NamedNode | None
    tests: tuple[tuple[str, ValueTest], ...]
    message: str | None
    severity: Severity


@dataclass(frozen=True, slots=True)
class _Sparql:
    """A SPARQL constraint, run once per graph with ``$this`` unbound."""

    query: str
    message: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class _Shape:
    """A node shape: its targets, what it checks on the focus node and on its properties."""

    targets: frozenset[str]
    node_tests: tuple[tuple[str, ValueTest], ...]
    properties: tuple[_Property, ...]
    sparql: tuple[_Sparql, ...]
    message: str | None
    severity: Severity


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def _fill(message: str, row: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: row.get(m.group(1), m.group(0)), message)


def _compile_property(shapes: Graph, node: Node, severity: Severity) -> _Property:
    path = shapes.value(node, SH.path)
    if not isinstance(path, URIRef):
        raise OntologyError(f"shapes.ttl: property shape {node} needs an IRI sh:path (complex paths are not checked)")
    other = shapes.value(node, SH.lessThanOrEquals)
    message = shapes.value(node, SH.message)
    low, high = shapes.value(node, SH.minCount), shapes.value(node, SH.maxCount)
    own = shapes.value(node, SH.severity)
    return _Property(
        path=ox.NamedNode(str(path)),
        shown=compact(str(path)),
        min_count=int(str(low)) if low is not None else None,
        max_count=int(str(high)) if high is not None else None,
        less_or_equal=ox.NamedNode(str(other)) if other is not None else None,
        tests=tuple(_value_tests(shapes, node)),
        message=str(message) if message is not None else None,
        severity=_severity(own) if own is not None else severity,
    )


def _compile(shapes: Graph) -> tuple[_Shape, ...]:
    prefixes = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for d in shapes.objects(None, SH.declare)
    )
    compiled = []
    for shape in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
        severity = _severity(shapes.value(shape, SH.severity))
        sparql = []
        for constraint in shapes.objects(shape, SH.sparql):
            select = shapes.value(constraint, SH.select)
            if select is None:
                raise OntologyError(f"shapes.ttl: SPARQL constraint of {shape} has no sh:select")
            message = shapes.value(constraint, SH.message)
            sparql.append(
                _Sparql(
                    query=prefixes + str(select).replace("$this", "?this"),
                    message=str(message) if message is not None else "SPARQL constraint failed",
                    severity=severity,
                )
            )
        message = shapes.value(shape, SH.message)
        compiled.append(
            _Shape(
                targets=frozenset(str(t) for t in shapes.objects(shape, SH.targetClass)),
                node_tests=tuple(_value_tests(shapes, shape)),
                properties=tuple(_compile_property(shapes, p, severity) for p in shapes.objects(shape, SH.property)),
                sparql=tuple(sparql),
                message=str(message) if message is not None else None,
                severity=severity,
            )
        )
    return tuple(compiled)


def _closure(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Reflexive-transitive closure of ``sub -> super`` pairs."""
    direct: dict[str, set[str]] = {}
    for sub, sup in pairs:
        direct.setdefault(sub, set()).add(sup)
    out: dict[str, frozenset[str]] = {}
    for start in direct:
        seen, todo = {start}, [start]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        out[start] = frozenset(seen)
    return out


_PREFIXED = re.compile(r"(?<![\w<])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*)")
_PREFIX_LINE = re.compile(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)


def _named_in(shapes: Graph, queries: Iterable[str]) -> set[str]:
    """The IRIs the queries name, in full (``<...>``) or by a prefix they or the shapes declare."""
    prefixes = {str(p): str(n) for p, n in shapes.namespaces()} | dict(_PREFIXES)
    found: set[str] = set()
    for query in queries:
        local = prefixes | {m.group(1): m.group(2) for m in _PREFIX_LINE.finditer(query)}
        found.update(re.findall(r"<([^<>\s]+)>", query))
        for m in _PREFIXED.finditer(query):
            if (m.group(1) or "") in local:
                found.add(local[m.group(1) or ""] + m.group(2))
    return found


class Checker:
    """The shapes compiled, with the ontology's hierarchy for inference; check graphs with :meth:`check`.

    Args:
        shapes: The SHACL shapes graph.
        ontology: The ontology (class and property hierarchy, domains, ranges) and any
            data the SPARQL constraints may consult (the event-type taxonomy).

    Raises:
        OntologyError: The shapes use a construct this engine does not check.
    """

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self._shapes = _compile(shapes)
        iri = URIRef
        self._classes = _closure(
            (str(s), str(o))
            for s, o in ontology.subject_objects(RDFSNS.subClassOf)
            if isinstance(s, iri) and isinstance(o, iri)
        )
        supers = _closure(
            (str(s), str(o))
            for s, o in ontology.subject_objects(RDFSNS.subPropertyOf)
            if isinstance(s, iri) and isinstance(o, iri)
        )
        self._supers = {p: tuple(ox.NamedNode(q) for q in qs if q != p) for p, qs in supers.items()}

        def typed_by(relation: URIRef) -> dict[str, frozenset[str]]:
            declared: dict[str, set[str]] = {}
            for p, c in ontology.subject_objects(relation):
                if isinstance(p, iri) and isinstance(c, iri):
                    for sub in [str(p), *[q for q, qs in supers.items() if str(p) in qs]]:
                        declared.setdefault(sub, set()).update(self._classes.get(str(c), {str(c)}))
            return {p: frozenset(cs) for p, cs in declared.items()}

        self._domains = typed_by(RDFSNS.domain)
        self._ranges = typed_by(RDFSNS.range)
        # The SPARQL constraints see the ontology's triples of the properties they name
        # (the taxonomy's skos:inScheme), not all of it: it is copied in for every graph.
        named = _named_in(shapes, [q.query for shape in self._shapes for q in shape.sparql])
        self._ontology = [
            ox.Quad(s, p, o, _ONTOLOGY)
            for s, p, o in ((_ox(s), _ox(p), _ox(o)) for s, p, o in ontology if str(p) in named)
            if not isinstance(s, ox.Literal) and isinstance(p, ox.NamedNode)
        ]

    def infer(self, triples: Iterable[Triple]) -> tuple[set[Triple], dict[Term, set[str]]]:
        """Return the triples with their RDFS consequences, and every node's types (as IRIs).

        Linear in the number of triples (times the depth of the property hierarchy).
        """
        out: set[Triple] = set()
        types: dict[Term, set[str]] = {}
        for s, p, o in triples:
            out.add((s, p, o))
            props = [p, *self._supers.get(p.value, ())]
            for q in props:
                if q is not p:
                    out.add((s, q, o))
                if q == _RDF_TYPE and isinstance(o, ox.NamedNode):
                    types.setdefault(s, set()).update(self._classes.get(o.value, (o.value,)))
                domain = self._domains.get(q.value)
                if domain:
                    types.setdefault(s, set()).update(domain)
                if not isinstance(o, ox.Literal):
                    found = self._ranges.get(q.value)
                    if found:
                        types.setdefault(o, set()).update(found)
        for node, classes in types.items():
            if isinstance(node, ox.NamedNode | ox.BlankNode):
                for c in classes:
                    out.add((node, _RDF_TYPE, ox.NamedNode(c)))
        return out, types

    def check(self, triples: Iterable[Triple]) -> tuple[list[Violation], dict[Term, set[str]]]:
        """Validate one graph (its triples, without the ontology).

        Returns:
            Every result, and the types of the graph's nodes after inference (for
            checks across graphs).

        Notes:
            Linear in the graph's size for the core constraints; each SPARQL constraint
            is one query over the graph (and the ontology).
        """
        inferred, types = self.infer(triples)
        values: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        for s, p, o in inferred:
            values.setdefault(s, {}).setdefault(p, []).append(o)
        found: list[Violation] = []
        for shape in self._shapes:
            focus_nodes = [n for n, cs in types.items() if not shape.targets.isdisjoint(cs)]
            for focus in focus_nodes:
                found.extend(self._check_node(shape, focus, values.get(focus, {}), types))
        if any(shape.sparql for shape in self._shapes):
            found.extend(self._check_sparql(inferred, types))
        return found, types

    def _check_node(
        self, shape: _Shape, focus: Term, props: Mapping[ox.NamedNode, list[Term]], types: Types
    ) -> Iterable[Violation]:
        for component, test in shape.node_tests:
            if not test(focus, types):
                yield Violation(show(focus), None, shape.message or component, shape.severity, show(focus), component)
        for prop in shape.properties:
            vals = props.get(prop.path, ())
            message = prop.message
            if prop.min_count is not None and len(vals) < prop.min_count:
                component = "MinCountConstraintComponent"
                yield Violation(show(focus), prop.shown, message or component, prop.severity, None, component)
            if prop.max_count is not None and len(vals) > prop.max_count:
                component = "MaxCountConstraintComponent"
                yield Violation(show(focus), prop.shown, message or component, prop.severity, None, component)
            for v in vals:
                for component, test in prop.tests:
                    if not test(v, types):
                        yield Violation(
                            show(focus), prop.shown, message or component, prop.severity, show(v), component
                        )
            if prop.less_or_equal is not None:
                component = "LessThanOrEqualsConstraintComponent"
                for v in vals:
                    for w in props.get(prop.less_or_equal, ()):
                        if not _le(_value_of(v), _value_of(w)):
                            yield Violation(
                                show(focus), prop.shown, message or component, prop.severity, show(v), component
                            )

    def _check_sparql(self, inferred: set[Triple], types: Types) -> list[Violation]:
        # A fresh in-memory store per graph: filling one costs less than emptying one.
        store = ox.Store()
        store.extend(self._ontology)
        store.extend([ox.Quad(s, p, o, _DATA) for s, p, o in inferred])
        out: set[Violation] = set()
        for shape in self._shapes:
            for check in shape.sparql:
                try:
                    solutions = store.query(check.query, use_default_graph_as_union=True)
                except SyntaxError as exc:
                    raise OntologyError(f"shapes.ttl: a SPARQL constraint does not parse: {exc}") from exc
                if not isinstance(solutions, ox.QuerySolutions):
                    raise OntologyError("shapes.ttl: a SPARQL constraint is not a SELECT query")
                names = [v.value for v in solutions.variables]
                for solution in solutions:
                    focus = solution["this"]
                    if focus is None or shape.targets.isdisjoint(types.get(focus, ())):
                        continue
                    row = {n: getattr(solution[n], "value", "") for n in names if solution[n] is not None}
                    out.add(
                        Violation(
                            focus=show(focus),
                            path=None,
                            message=_fill(check.message, row),
                            severity=check.severity,
                            constraint="SPARQLConstraintComponent",
                        )
                    )
        return list(out)


_ONTOLOGY = ox.NamedNode("urn:kg:validate:ontology")
_DATA = ox.NamedNode("urn:kg:validate:data")
