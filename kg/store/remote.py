"""The remote backend: any SPARQL 1.1 Query/Update endpoint over HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import sparql
from kg.errors import StoreError
from kg.namespace import KG_NS
from kg.ontology import ONTOLOGY_GRAPH
from kg.sandbox import READ_ONLY, Answer, federation_refusal, is_update
from kg.store.base import Row, Store, bounded, lexical
from kg.store.sparql_http import SparqlClient, SparqlEndpoints, redact_url
from kg.summary import SUMMARY_GRAPH

if TYPE_CHECKING:
    from kg.sandbox import QueryJob, QueryPool

__all__ = ["SERVER_GRAPHS", "SERVICE", "RemoteStore"]


class RemoteStore(Store):
    """Any SPARQL 1.1 Query/Update endpoint over HTTP (the SPARQL 1.1 Protocol).

    Queries are sent the way every server answers them (:mod:`kg.store.sparql_http`);
    what differs between servers (Virtuoso's system graphs, its limit on the size
    of one ``INSERT DATA``, blank nodes in ``INSERT DATA``, truncated results) is
    handled here and described in ``docs/SCALE.md``.

    Args:
        query_endpoint: The query URL (credentials may be in it), or parsed endpoints.
        update_endpoint: The update URL (defaults to the query URL).
        user: User name when the URLs carry none (``KG_STORE_USER``).
        password: Its password (``KG_STORE_PASSWORD``); otherwise ``~/.netrc`` is read.
        timeout: Seconds per request.
        retries: Further attempts after a dropped connection or a 502/503/504.
        direct_post: Send long queries as ``application/sparql-query`` bodies.
    """

    upgrades_dates = False  # days typed xsd:date are read as midnight's xsd:dateTime (_as_written)

    def __init__(
        self,
        query_endpoint: str | SparqlEndpoints,
        update_endpoint: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        direct_post: bool = False,
    ) -> None:
        if isinstance(query_endpoint, SparqlEndpoints):
            endpoints = query_endpoint
        else:
            endpoints = SparqlEndpoints.parse(query_endpoint, update_endpoint, user=user, password=password)
        self.endpoints = endpoints
        #: The query endpoint without credentials or query string (a token may be there): safe to print.
        self.location = redact_url(endpoints.query)
        #: The update endpoint without credentials.
        self.update_endpoint = endpoints.update
        self._client = SparqlClient(endpoints, timeout=timeout, retries=retries, direct_post=direct_post)

    def _select(self, sparql: str) -> list[dict[str, dict[str, str]]]:
        """The bindings of a SELECT query, refusing a result the server cut short."""
        r = self._client.query(sparql, _JSON_RESULTS)
        cut = r.headers.get("x-sparql-maxrows")
        if cut is not None:
            raise _TruncatedError(
                f"the SPARQL endpoint {self.endpoints.label} cut a result at {cut} rows "
                "(Virtuoso's ResultSetMaxRows): raise it in the [SPARQL] section of virtuoso.ini "
                "(docs/SCALE.md)",
                int(cut) if cut.isdigit() else 0,
            )
        bindings: list[dict[str, dict[str, str]]] = r.json()["results"]["bindings"]
        return bindings

    def sparql(self, job: QueryJob, accept: str | None, pool: QueryPool | None = None) -> Answer:
        """Forward a read-only query as it is and return the server's status, body and media type.

        Updates are refused (403) and ``SERVICE`` checked here first; then the query
        reaches the server the way every other query does (with the same
        credentials, and errors that name the server without them). ``pool`` is not
        used: the server bounds its own queries.
        """
        if is_update(job.query):
            return Answer(403, READ_ONLY.encode(), _TEXT)
        refusal = federation_refusal(job.query, job.services)
        if refusal is not None:
            return Answer(400, refusal.encode(), _TEXT)
        return bounded(lambda: self._forward(job.query, accept), job.timeout)

    def _forward(self, sparql: str, accept: str | None) -> Answer:
        try:
            r = self._client.query(sparql, accept or "*/*", check=False)
        except StoreError as exc:
            return Answer(502, str(exc).encode(), _TEXT)
        return Answer(r.status_code, r.content, r.headers.get("content-type", "application/octet-stream"))

    def _update(self, sparql: str) -> None:
        self._client.update(sparql)

    def query(self, sparql: str) -> list[Row]:
        """Run a SELECT query and return its rows."""
        return [{k: v["value"] for k, v in b.items()} for b in self._select(sparql)]

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        data = self._client.query(sparql, _JSON_RESULTS).json()
        if "boolean" in data:
            return bool(data["boolean"])
        # Virtuoso 7.2 answers an ASK asked for JSON as a SELECT: one row when true, none when false.
        return bool(data.get("results", {}).get("bindings"))

    def article_digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """Return the stored content hash of each of ``graphs`` that exists."""
        if not graphs:
            return {}
        rows = self.query(
            f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {sparql.iris(graphs)} }} GRAPH ?g {{ ?g <{KG_NS}contentHash> ?h }} }}"
        )
        return {row["g"]: row["h"] for row in rows}

    def stored_graphs(self, graphs: Sequence[str]) -> list[str]:
        """All of ``graphs``, unchecked: one request fewer; marking a graph the summary has no record of costs nothing."""
        return list(graphs)

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph ``graph`` holds a triple."""
        return self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

    def write_quads(self, batch: Sequence[tuple[str, Sequence[ox.Quad]]]) -> None:
        """Replace each graph in one update request per article (DROP GRAPH + INSERT DATA)."""
        for g, quads in batch:
            self._update(_remote_write(g, quads, replace=True))

    def write_nquads(self, batch: Sequence[tuple[str, str]]) -> None:
        """Replace each graph with the quads of its N-Quads text, one update request per article."""
        for g, text in batch:
            self._update(_remote_write(g, _parse_nquads(text), replace=True))

    def drop_graph(self, graph: str) -> None:
        """Drop one graph."""
        self._update(f"DROP SILENT GRAPH <{graph}>")

    def add_quads(self, quads: Sequence[ox.Quad]) -> None:
        """Add quads, one update request per graph."""
        by_graph: dict[str, list[ox.Quad]] = {}
        for q in quads:
            by_graph.setdefault(lexical(q.graph_name), []).append(q)
        for g, in_graph in by_graph.items():
            self._update(_remote_write(g, in_graph, replace=False))

    def update(self, sparql: str) -> None:
        """Send a SPARQL update (one request, which the server applies atomically)."""
        self._update(sparql)

    def graphs(self) -> list[str]:
        """Return the names of all named graphs but the entity summary's, the ontology's and the server's own."""
        # GROUP BY, not DISTINCT: Virtuoso 7.2 answers this in 0.1 s on 40,000 quads, and
        # `SELECT DISTINCT ?g` not within minutes (the same on Oxigraph).
        rows = self.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        own = {r["g"] for r in self.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g a <{SERVICE}> }} }}")}
        own.update(SERVER_GRAPHS, (SUMMARY_GRAPH, ONTOLOGY_GRAPH))
        return sorted(g for r in rows if (g := r["g"]) not in own)

    def quads(self) -> Iterator[ox.Quad]:
        """Iterate over every quad of :meth:`graphs`, :data:`_GRAPHS_PER_REQUEST` graphs a request.

        A server that caps the rows of a result (Virtuoso's ``ResultSetMaxRows``) gets
        the graphs of a capped request again one by one, in pages of that size.
        """
        names = self.graphs()
        for i in range(0, len(names), _GRAPHS_PER_REQUEST):
            chunk = names[i : i + _GRAPHS_PER_REQUEST]
            values = " ".join(f"<{g}>" for g in chunk)
            try:
                bindings = self._select(
                    f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
                )
            except _TruncatedError as cut:
                if cut.rows < 1:
                    raise
                bindings = [b for g in chunk for b in self._paged(g, cut.rows)]
            for b in bindings:
                subject, predicate, obj = _term(b["s"]), _term(b["p"]), _term(b["o"])
                if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
                    raise StoreError(f"SPARQL endpoint {self.location} returned an invalid quad: {b}")
                if predicate.value in _DATED and isinstance(obj, ox.Literal):
                    obj = _as_written(obj)
                yield ox.Quad(subject, predicate, obj, ox.NamedNode(b["g"]["value"]))

    def _paged(self, graph: str, size: int) -> Iterator[dict[str, dict[str, str]]]:
        offset = 0
        while True:
            page = self._select(
                f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ <{graph}> }} GRAPH ?g {{ ?s ?p ?o }} }} "
                f"ORDER BY ?s ?p ?o LIMIT {size} OFFSET {offset}"
            )
            yield from page
            if len(page) < size:
                return
            offset += size

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


class _TruncatedError(StoreError):
    """A server returned fewer rows than the query has (its result-size cap)."""

    def __init__(self, message: str, rows: int) -> None:
        super().__init__(message)
        self.rows = rows


_JSON_RESULTS = "application/sparql-results+json"
_TEXT = "text/plain; charset=utf-8"
#: Graphs fetched per request when a remote store is read whole (export).
_GRAPHS_PER_REQUEST = 200
#: Triples per ``INSERT DATA`` operation. Virtuoso 7.2's SPARQL parser runs out of
#: memory ("SP030 ... memory exhausted") on one operation of about 5,000 triples;
#: several operations in one request are fine, and are one request to every server.
_TRIPLES_PER_OPERATION = 2000
#: Graphs a server keeps for itself, left out of :meth:`RemoteStore.graphs`, exports and
#: statistics: Virtuoso's RDF views and its Linked Data Platform vocabulary. A graph that
#: describes itself as a SPARQL service (Virtuoso's ``http://HOST/sparql``) is left out too.
SERVER_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#")
#: The class of a SPARQL service description (``sd:Service``).
SERVICE = "http://www.w3.org/ns/sparql-service-description#Service"


def _remote_write(graph: str, quads: Sequence[ox.Quad], *, replace: bool) -> str:
    """One update request that (re)writes ``graph``: DROP SILENT GRAPH, then its quads.

    Triples go in ``INSERT DATA`` operations of :data:`_TRIPLES_PER_OPERATION`; those
    with blank nodes all go in one ``INSERT { } WHERE { }``, which every server takes
    (Virtuoso refuses blank nodes in ``INSERT DATA``), so each blank node stays one node.
    """
    ops = [f"DROP SILENT GRAPH <{graph}>"] if replace else []
    plain = [q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)]
    blank = [q for q in quads if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    for i in range(0, len(plain), _TRIPLES_PER_OPERATION):
        chunk = plain[i : i + _TRIPLES_PER_OPERATION]
        ops.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(chunk)}\n}} }}")
    if blank:
        ops.append(f"INSERT {{ GRAPH <{graph}> {{\n{_triples_text(blank)}\n}} }} WHERE {{}}")
    if not ops:
        ops.append(f"INSERT DATA {{ GRAPH <{graph}> {{ }} }}")
    return " ;\n".join(ops)


_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The properties kg writes days with (as midnight's xsd:dateTime).
_DATED = frozenset(("https://schema.org/datePublished", f"{KG_NS}start", f"{KG_NS}end"))


def _as_written(date: ox.Literal) -> ox.Literal:
    """A day as kg writes it: Virtuoso gives a midnight ``xsd:dateTime`` back as an ``xsd:date``,
    and stores written by earlier versions hold one; both are read as midnight's ``xsd:dateTime``,
    so exports and validation agree on every server. Other literals are left exactly as stored."""
    if date.datatype.value == _XSD_DATE and _DAY.fullmatch(date.value):
        return ox.Literal(date.value + "T00:00:00", datatype=_XSD_DATETIME)
    return date


def _term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of a SPARQL 1.1 JSON results binding."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        # Servers choose their own labels (Virtuoso: ``nodeID://b10001``); keep them
        # distinct and stable within an answer, as valid N-Triples labels.
        return ox.BlankNode("".join(c if c.isascii() and c.isalnum() else "_" for c in value) or "b")
    if kind in {"literal", "typed-literal"}:
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    raise StoreError(f"unsupported term in SPARQL results: {binding}")


def _parse_nquads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text, ox.RdfFormat.N_QUADS))


def _triples_text(quads: Sequence[ox.Quad]) -> str:
    # str() of a pyoxigraph term is its N-Triples form, escapes included, so every
    # literal round-trips exactly through SPARQL's INSERT DATA.
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
