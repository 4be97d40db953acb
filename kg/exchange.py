"""Exchanging the graph with other tools: importing RDF files made elsewhere.

Exports (every format, JSON-LD included) are written by :mod:`kg.store.export`.

:func:`import_file` reads Turtle, TriG, N-Quads, N-Triples or JSON-LD made
elsewhere (an edited export, say), validates it against ``ontology/shapes.ttl``
and only then writes it, one named graph per article. Triple formats carry no graph
names, so their triples are grouped back into article graphs by what they describe
(see :func:`article_graphs`).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ConfigError, FormatError, ValidationError
from kg.namespace import KG, RDF
from kg.store import ExportFormat, Store
from kg.validate import ValidationReport, validate

__all__ = [
    "IMPORT_FORMATS",
    "ImportReport",
    "article_graphs",
    "guess_format",
    "import_file",
    "read_quads",
]

#: File extensions :func:`import_file` recognises, with their formats.
IMPORT_FORMATS = {
    ".ttl": ExportFormat.TURTLE,
    ".trig": ExportFormat.TRIG,
    ".nq": ExportFormat.NQUADS,
    ".nt": ExportFormat.NTRIPLES,
    ".jsonld": ExportFormat.JSONLD,
    ".json": ExportFormat.JSONLD,
    ".rdf": ExportFormat.RDFXML,
}

_ARTICLE = str(KG.Article)
_TYPE = str(RDF.type)
_MENTIONED_IN = str(KG.mentionedIn)
_SUBJECT, _PREDICATE, _OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)


def _v(term: object) -> str:
    # Oxigraph terms carry ``value``; an RDF-star quoted triple does not
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def guess_format(path: Path) -> ExportFormat:
    """Return the RDF format a file name promises.

    Raises:
        ConfigError: The extension is not one of :data:`IMPORT_FORMATS`.
    """
    fmt = IMPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        valid = ", ".join(IMPORT_FORMATS)
        raise ConfigError(f"cannot tell the RDF format of {path.name!r}; expected an extension among {valid}")
    return fmt


def read_quads(data: bytes, fmt: ExportFormat, *, source: str) -> list[ox.Quad]:
    """Parse serialized RDF into quads (triples land in the default graph).

    Raises:
        FormatError: The data is not valid ``fmt``; the message gives the position.
    """
    try:
        return list(ox.parse(io.BytesIO(data), fmt.rdf_format))
    except (SyntaxError, ValueError) as exc:
        raise FormatError(source, f"not valid {fmt.value}: {exc}") from exc


def article_graphs(quads: Sequence[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """Group quads into one named graph per article, the way :mod:`kg.rdf` writes them.

    Quads already in a named graph stay there. A triple of the default graph (from
    Turtle or N-Triples, which are the flattened union) goes to:

    1. the article it is about, when its subject is the article or an IRI minted under
       it (``{article}/mention/...``, ``{article}/run``);
    2. every article a ``kg:mentionedIn`` of its subject names (entities and events);
    3. the articles whose statements reify it (a relation between two entities);
    4. the articles of the subjects that point at it (the software agent of a run).

    A triple none of these place is returned under the key ``""``.

    Notes:
        O(n log n) in the number of quads. Turtle is lossy: an entity two articles
        mention gets every label and confidence in both graphs.
    """
    grouped: dict[str, list[ox.Quad]] = defaultdict(list)
    loose = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    for q in quads:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            grouped[q.graph_name.value].append(q)
    if not loose:
        return dict(grouped)
    articles = sorted(
        (_v(q.subject) for q in loose if _v(q.predicate) == _TYPE and _v(q.object) == _ARTICLE),
        key=len,
        reverse=True,
    )
    owners: dict[str, set[str]] = defaultdict(set)
    for iri in {_v(q.subject) for q in loose}:
        for art in articles:
            if iri == art or iri.startswith(art + "/"):
                owners[iri].add(art)
                break
    for q in loose:
        if _v(q.predicate) == _MENTIONED_IN and _v(q.object) in articles:
            owners[_v(q.subject)].add(_v(q.object))
    reified: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    for q in loose:
        if _v(q.predicate) in (_SUBJECT, _PREDICATE, _OBJECT):
            parts[_v(q.subject)][_v(q.predicate)] = _v(q.object)
    for statement, spo in parts.items():
        if len(spo) == 3:
            reified[(spo[_SUBJECT], spo[_PREDICATE], spo[_OBJECT])] |= owners.get(statement, set())
    pointed: dict[str, set[str]] = defaultdict(set)
    for q in loose:
        if isinstance(q.object, ox.NamedNode | ox.BlankNode):
            pointed[_v(q.object)] |= owners.get(_v(q.subject), set())
    for q in loose:
        t = q.triple
        graphs = reified.get((_v(t.subject), _v(t.predicate), _v(t.object))) or owners.get(_v(t.subject))
        if not graphs:
            graphs = pointed.get(_v(t.subject)) or {""}
        for g in sorted(graphs):
            node: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(g) if g else ox.DefaultGraph()
            grouped[g].append(ox.Quad(t.subject, t.predicate, t.object, node))
    return dict(grouped)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What :func:`import_file` did.

    Attributes:
        source: The file imported.
        graphs: The named graphs written (replacing any of the same name).
        quads: How many quads were written.
        validation: The SHACL report of the imported data.
    """

    source: str
    graphs: tuple[str, ...]
    quads: int
    validation: ValidationReport


def import_file(
    store: Store,
    path: Path,
    *,
    fmt: ExportFormat | None = None,
    graph: str | None = None,
    validate_first: bool = True,
) -> ImportReport:
    """Validate an RDF file against the shapes and, if it conforms, write it to ``store``.

    Each named graph in the file replaces the store's graph of the same name, as an
    ingest of the same article would.

    Args:
        store: Where the data goes.
        path: A Turtle, TriG, N-Quads, N-Triples or JSON-LD file.
        fmt: Its format (default: from the extension).
        graph: Put every triple of the file in this one named graph instead of
            grouping triples by article.
        validate_first: Refuse data that does not conform (the default); ``False``
            validates and reports, but writes anyway.

    Raises:
        ConfigError: The format cannot be told from the name.
        FormatError: The file is unreadable, not valid RDF, or holds triples that
            belong to no article and no ``graph`` was given.
        ValidationError: The data does not conform; ``report`` holds the readable report.
    """
    fmt = fmt or guess_format(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(str(path), f"cannot read the file: {exc}") from exc
    quads = read_quads(data, fmt, source=str(path))
    if graph is not None:
        node = ox.NamedNode(graph)
        grouped = {graph: [ox.Quad(q.subject, q.predicate, q.object, node) for q in quads]}
    else:
        grouped = article_graphs(quads)
    stray = grouped.pop("", [])
    if stray:
        example = stray[0].triple
        raise FormatError(
            str(path),
            f"{len(stray)} triple(s) belong to no article, e.g. {example}; "
            "give a graph to put them in (kg import --graph IRI)",
        )
    everything = [q for qs in grouped.values() for q in qs]
    report = validate(everything)
    if validate_first and not report.conforms:
        count = sum(v.severity == "Violation" for v in report.violations)
        raise ValidationError(f"{path}: refused, {count} SHACL violation(s); nothing was imported", report.text)
    batch = [(g, qs) for g, qs in sorted(grouped.items())]
    # A graph may come back with the content hash it had: the writer marks it for the
    # entity summary before writing, and syncs the summary after.
    store.put_articles(batch)
    return ImportReport(str(path), tuple(g for g, _ in batch), len(everything), report)
