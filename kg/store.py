"""Where the graph lives: embedded Oxigraph on disk, or any SPARQL 1.1 endpoint.

Both backends implement :class:`Store`. Every article is one named graph (the
article's IRI) and is written atomically: a reader sees all of an article or
none of it. Queries must name graphs explicitly (``GRAPH ?g { ... }``): SPARQL
servers disagree on what their default graph is, so kg never relies on it.

Rows returned by :meth:`Store.query` map variable names to lexical values (the
IRI string or the literal's lexical form); unbound variables are absent.
"""

from __future__ import annotations

import contextlib
import enum
import io
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Protocol

import httpx
import pyoxigraph as ox

from kg.errors import ConfigError, StoreError, StoreLockedError
from kg.namespace import (
    DCTERMS,
    FOAF,
    KG_NS,
    NIF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    WGS84,
    XSD,
)
from kg.namespace import EVT_NS as _EVT_NS

__all__ = [
    "PREFIXES",
    "EmbeddedStore",
    "ExportFormat",
    "RemoteStore",
    "Row",
    "ServingStore",
    "Store",
    "open_store",
    "write_export",
]

Row = dict[str, str]

#: Prefixes used when serializing Turtle and TriG.
PREFIXES = {
    "kg": KG_NS,
    "evt": _EVT_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "sem": str(SEM),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "nif": str(NIF),
    "wgs84": str(WGS84),
}


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


class Store(Protocol):
    """The interface both backends implement."""

    location: str

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query and return its rows."""
        ...

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        ...

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        ...

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each named graph in ``batch`` with its quads, each atomically."""
        ...

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        ...

    def graphs(self) -> list[str]:
        """Return the names of all named graphs."""
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad in every named graph."""
        ...

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF; triples go to ``graph`` (required for triple formats)."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


def _lexical(term: object) -> str:
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


class EmbeddedStore:
    """An Oxigraph store in a directory (RocksDB); one writer process at a time.

    Args:
        path: The directory (created when missing); ``None`` keeps the store in memory.
        read_only: Open a read-only view, which works while another process writes
            and sees the data as it was when opened.
    """

    def __init__(self, path: str | Path | None, *, read_only: bool = False) -> None:
        self.location = str(path) if path is not None else ":memory:"
        self._read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                if not Path(path).is_dir():
                    raise StoreError(f"there is no store at {self.location} (run `kg ingest` first)")
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"the store {self.location} is in use by another process (is `kg serve` running? "
                    "stop it, or ingest through the server's ingestArticle mutation)"
                ) from exc
            raise StoreError(f"cannot open the store {self.location}: {exc}") from exc

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query and return its rows."""
        try:
            result = self._store.query(sparql)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"query failed: {exc}") from exc
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for solution in result:
            row: Row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = _lexical(term)
            rows.append(row)
        return rows

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        result = self._store.query(sparql)
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("expected an ASK query")
        return bool(result)

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        found: dict[str, str] = {}
        pred = ox.NamedNode(f"{KG_NS}contentHash")
        for g in graphs:
            node = ox.NamedNode(g)
            for q in self._store.quads_for_pattern(node, pred, None, node):
                found[g] = _lexical(q.object)
        return found

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each graph of ``batch`` with its quads.

        Graphs that exist are removed first; the new quads of the whole batch then
        go in one transaction. A crash between the two leaves an article absent
        (re-ingest restores it), never half-written.
        """
        try:
            for g, _ in batch:
                node = ox.NamedNode(g)
                if self._store.contains_named_graph(node):
                    self._store.remove_graph(node)
            self._store.extend(q for _, quads in batch for q in quads)
        except OSError as exc:
            raise StoreError(f"writing {len(batch)} article(s) to {self.location} failed: {exc}") from exc

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        node = ox.NamedNode(graph)
        if not self._store.contains_named_graph(node):
            return False
        self._store.remove_graph(node)
        return True

    def graphs(self) -> list[str]:
        """Return the names of all named graphs."""
        return sorted(_lexical(g) for g in self._store.named_graphs())

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad in every named graph."""
        for q in self._store.quads_for_pattern(None, None, None, None):
            if not isinstance(q.graph_name, ox.DefaultGraph):
                yield q

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF; triples go to ``graph``."""
        to_graph = ox.NamedNode(graph) if graph else None
        try:
            quads = list(ox.parse(io.BytesIO(data), fmt.rdf_format, base_iri=None))
        except SyntaxError as exc:
            raise StoreError(f"cannot parse the {fmt.value} data: {exc}") from exc
        if to_graph is not None:
            quads = [ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in quads]
        self._store.extend(quads)

    def flush(self) -> None:
        """Make sure written data is on disk."""
        self._store.flush()

    def close(self) -> None:
        """Flush and release the store (pyoxigraph closes on garbage collection)."""
        if not self._read_only:
            self._store.flush()
        del self._store


class RemoteStore:
    """Any SPARQL 1.1 Query/Update endpoint over HTTP (the SPARQL 1.1 Protocol).

    Args:
        query_endpoint: The query URL.
        update_endpoint: The update URL (defaults to the query URL).
        timeout: Seconds per request.
    """

    def __init__(self, query_endpoint: str, update_endpoint: str | None = None, *, timeout: float = 60.0) -> None:
        self.location = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self._http = httpx.Client(timeout=timeout)

    def _post_query(self, sparql: str, accept: str) -> httpx.Response:
        try:
            r = self._http.post(
                self.location,
                content=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
            )
        except httpx.HTTPError as exc:
            raise StoreError(f"SPARQL endpoint {self.location} unreachable: {exc}") from exc
        if r.status_code >= 400:
            raise StoreError(f"SPARQL endpoint {self.location} answered {r.status_code}: {r.text[:300]}")
        return r

    def _update(self, sparql: str) -> None:
        try:
            r = self._http.post(
                self.update_endpoint,
                content=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update"},
            )
        except httpx.HTTPError as exc:
            raise StoreError(f"SPARQL update endpoint {self.update_endpoint} unreachable: {exc}") from exc
        if r.status_code >= 400:
            raise StoreError(f"SPARQL update endpoint {self.update_endpoint} answered {r.status_code}: {r.text[:300]}")

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query and return its rows."""
        r = self._post_query(sparql, "application/sparql-results+json")
        data = r.json()
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        return bool(self._post_query(sparql, "application/sparql-results+json").json()["boolean"])

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        if not graphs:
            return {}
        values = " ".join(f"<{g}>" for g in graphs)
        rows = self.query(
            f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g <{KG_NS}contentHash> ?h }} }}"
        )
        return {row["g"]: row["h"] for row in rows}

    def put_articles(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each graph in one update request per article (DROP GRAPH + INSERT DATA)."""
        for g, quads in batch:
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
            self._update(f"DROP SILENT GRAPH <{g}> ;\nINSERT DATA {{ GRAPH <{g}> {{\n{body}\n}} }}")

    def delete_article(self, graph: str) -> bool:
        """Drop one article's graph; return whether it existed."""
        existed = self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        if existed:
            self._update(f"DROP SILENT GRAPH <{graph}>")
        return existed

    def graphs(self) -> list[str]:
        """Return the names of all named graphs."""
        return sorted(r["g"] for r in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad in every named graph (one CONSTRUCT per graph)."""
        for g in self.graphs():
            r = self._post_query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}", "application/n-triples"
            )
            node = ox.NamedNode(g)
            for t in ox.parse(io.BytesIO(r.content), ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def load(self, data: bytes, fmt: ExportFormat, *, graph: str | None = None) -> None:
        """Add serialized RDF, one INSERT DATA per graph."""
        by_graph: dict[str, list[ox.Quad]] = {}
        for q in ox.parse(io.BytesIO(data), fmt.rdf_format):
            name = graph or _lexical(q.graph_name)
            by_graph.setdefault(name, []).append(q)
        for g, quads in by_graph.items():
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
            self._update(f"INSERT DATA {{ GRAPH <{g}> {{\n{body}\n}} }}")

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()


def open_store(location: str, *, update_endpoint: str | None = None, read_only: bool = False) -> Store:
    """Open the store at ``location``: a directory (embedded) or a SPARQL endpoint URL.

    ``read_only`` opens an embedded store as a read-only snapshot, which works while
    another process (``kg serve``) has it open for writing.
    """
    if location.startswith(("http://", "https://")):
        return RemoteStore(location, update_endpoint)
    return EmbeddedStore(location, read_only=read_only)


def write_export(store: Store, fmt: ExportFormat, out: IO[bytes]) -> None:
    """Serialize the whole graph to ``out`` with Oxigraph's serializers.

    Dataset formats keep one named graph per article; Turtle and N-Triples get the
    flattened union (duplicates across articles written once).
    """
    if fmt is ExportFormat.JSONLD:
        from kg.exchange import write_jsonld  # compact @context; kg.exchange imports this module

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
