"""Typed reads of pyoxigraph terms for assertions: a quad's object may be a quoted triple, which has no value."""

from __future__ import annotations

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Triple


def term_value(term: NamedNode | BlankNode | Literal | Triple | DefaultGraph) -> str:
    """The IRI, blank-node id or literal text of ``term``; a quoted triple or the default graph fails the test."""
    assert isinstance(term, NamedNode | BlankNode | Literal), f"expected a plain term, got {term!r}"
    return term.value
