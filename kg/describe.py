"""Linked-data descriptions: what the graph says about one IRI, as Turtle or HTML.

The server answers a ``GET`` on the path of an entity's IRI (below the configured
base IRI) with :func:`describe`'s triples, rendered by :func:`render` in the media
type :func:`negotiate` picks from the request's ``Accept`` header.

>>> negotiate("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
'text/html'
>>> negotiate(None)
'text/turtle'
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg import sparql
from kg.errors import NotFoundError
from kg.media import choose
from kg.namespace import PREFIXES, curie
from kg.store import Store
from kg.summary import SUMMARY_GRAPH

__all__ = [
    "MEDIA_TYPES",
    "Description",
    "describe",
    "negotiate",
    "render",
]

#: Media types a description can be rendered in, the default first.
MEDIA_TYPES = ("text/turtle", "text/html", "application/n-triples", "application/ld+json", "application/rdf+xml")

_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

# characters an IRI reference may not contain (RFC 3987), so none reach a query
_BAD_IRI = re.compile(r"[\s<>\"{}|\\^`]")


@dataclass(frozen=True, slots=True)
class Description:
    """The triples about one IRI in the union of all graphs.

    Attributes:
        iri: The IRI described.
        triples: Its outgoing triples, then the triples that point at it.
        truncated: Whether ``limit`` cut either list short.
    """

    iri: str
    triples: tuple[ox.Triple, ...]
    truncated: bool


def _term(value: str, kind: str, datatype: str | None, lang: str | None) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if kind == "i":
        return ox.NamedNode(value)
    if kind == "b":
        return ox.BlankNode(value)
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)


def describe(store: Store, iri: str, *, limit: int = 1000) -> Description:
    """Return what the store says about ``iri``: its own triples and those pointing at it.

    Args:
        store: Any backend.
        iri: The IRI to describe.
        limit: At most this many outgoing and this many incoming triples.

    Raises:
        NotFoundError: ``iri`` is malformed or appears in no triple.

    Notes:
        Two SELECT queries over all named graphs, each O(triples about ``iri``).
    """
    if not iri or _BAD_IRI.search(iri):
        raise NotFoundError("resource", iri)
    term = sparql.iri(iri)  # InvalidIRIError (a NotFoundError) for anything that is not an IRI
    summary_graph = sparql.iri(SUMMARY_GRAPH)
    rows = store.query(
        "SELECT DISTINCT ?p ?o ?kind ?dt ?lang WHERE {"
        f" GRAPH ?g {{ {term} ?p ?o }} FILTER(?g != {summary_graph})"
        ' BIND(IF(isIRI(?o), "i", IF(isBlank(?o), "b", "l")) AS ?kind)'
        " BIND(DATATYPE(?o) AS ?dt) BIND(LANG(?o) AS ?lang)"
        f"}} ORDER BY ?p ?o LIMIT {limit + 1}"
    )
    incoming = store.query(
        f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {term} FILTER(isIRI(?s)) }} FILTER(?g != {summary_graph}) }}"
        f" ORDER BY ?p ?s LIMIT {limit + 1}"
    )
    if not rows and not incoming:
        raise NotFoundError("resource", iri)
    node = ox.NamedNode(iri)
    triples = [
        ox.Triple(node, ox.NamedNode(r["p"]), _term(r["o"], r["kind"], r.get("dt"), r.get("lang")))
        for r in rows[:limit]
    ]
    triples += [ox.Triple(ox.NamedNode(r["s"]), ox.NamedNode(r["p"]), node) for r in incoming[:limit]]
    return Description(iri, tuple(triples), len(rows) > limit or len(incoming) > limit)


def negotiate(accept: str | None) -> str | None:
    """Pick the media type to answer with from an ``Accept`` header (:func:`kg.media.choose`).

    ``application/xhtml+xml`` stands for HTML; no header, ``*/*`` or ``text/*`` gives
    Turtle; ``None`` when the header accepts none of :data:`MEDIA_TYPES` (answer 406).
    """
    return choose(accept, MEDIA_TYPES, aliases={"application/xhtml+xml": "text/html"})


def render(description: Description, media_type: str, *, base: str, local_prefix: str = "/") -> bytes:
    """Serialize a description as ``media_type`` (one of :data:`MEDIA_TYPES`).

    Args:
        description: What to render.
        media_type: The negotiated type.
        base: The data base IRI; in HTML, IRIs under it link to this server.
        local_prefix: The server path that ``base`` maps to (e.g. ``/newskg/id/``).
    """
    fmt = _FORMATS.get(media_type)
    if fmt is not None:
        prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        buf = io.BytesIO()
        ox.serialize(description.triples, buf, fmt, prefixes=prefixes)
        return buf.getvalue()
    return _html(description, base, local_prefix).encode("utf-8")


def _compact(iri: str) -> str:
    return curie(iri) or iri


def _href(iri: str, base: str, local_prefix: str) -> str:
    # IRIs minted under the base are served by this server, at the base's path
    return local_prefix + iri[len(base) :] if iri.startswith(base) else iri


def _link(term: object, base: str, local_prefix: str) -> str:
    if isinstance(term, ox.NamedNode):
        href = _href(term.value, base, local_prefix)
        return f'<a href="{html.escape(href)}">{html.escape(_compact(term.value))}</a>'
    if isinstance(term, ox.Literal):
        text = html.escape(term.value)
        if len(text) > 600:
            text = text[:600] + "…"
        suffix = f"@{term.language}" if term.language else ""
        if not term.language and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            suffix = f" <small>{html.escape(_compact(term.datatype.value))}</small>"
        return f"<q>{text}</q>{suffix}"
    return html.escape(str(term))


def _html(d: Description, base: str, local_prefix: str) -> str:
    node = ox.NamedNode(d.iri)
    out_rows = [t for t in d.triples if t.subject == node]
    in_rows = [t for t in d.triples if t.subject != node]
    labels = [
        t.object.value for t in out_rows if t.predicate.value.endswith("#label") and isinstance(t.object, ox.Literal)
    ]
    title = html.escape(labels[0] if labels else _compact(d.iri))
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title>",
        f'<link rel="alternate" type="text/turtle" href="{html.escape(_href(d.iri, base, local_prefix))}">',
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}"
        "td{vertical-align:top;padding:.2em .8em}th{text-align:left}</style>",
        "</head><body>",
        f"<h1>{title}</h1>",
        f"<p><code>{html.escape(d.iri)}</code></p>",
        "<table><tr><th>property</th><th>value</th></tr>",
    ]
    parts += [
        f"<tr><td>{_link(t.predicate, base, local_prefix)}</td><td>{_link(t.object, base, local_prefix)}</td></tr>"
        for t in out_rows
    ]
    parts.append("</table>")
    if in_rows:
        parts.append("<h2>Pointed at by</h2><table><tr><th>resource</th><th>property</th></tr>")
        parts += [
            f"<tr><td>{_link(t.subject, base, local_prefix)}</td><td>{_link(t.predicate, base, local_prefix)}</td></tr>"
            for t in in_rows
        ]
        parts.append("</table>")
    if d.truncated:
        parts.append("<p>(truncated)</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
