"""RDF terms written into SPARQL text, built by pyoxigraph so no value can change a query.

Values that reach a query from outside (GraphQL ids and filters, article ids, search
text) are never pasted between ``<`` ``>`` or quotes by hand: an IRI is built with
:class:`pyoxigraph.NamedNode`, which refuses any IRI with a character that could end
it (``>``, space, ``{``, ...), and a literal with :class:`pyoxigraph.Literal`, whose
N-Triples form escapes quotes, backslashes and line breaks. What they print is a
term, whatever the value held.

>>> iri("https://w3id.org/newskg/id/place/bakhmut")
'<https://w3id.org/newskg/id/place/bakhmut>'
>>> iris(["https://x/a", "https://x/b> } #", "https://x/c"])
'<https://x/a> <https://x/c>'
>>> literal('say "hi" } #')
'"say \\\\"hi\\\\" } #"'
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import NotFoundError

__all__ = ["InvalidIRIError", "iri", "iris", "literal", "valid_iri"]


class InvalidIRIError(NotFoundError):
    """A value that is not an IRI, so it names nothing in the graph."""

    def __init__(self, value: str) -> None:
        super().__init__("resource", value)


def valid_iri(value: str) -> bool:
    """Whether ``value`` is an IRI pyoxigraph accepts."""
    try:
        ox.NamedNode(value)
    except (ValueError, UnicodeEncodeError):
        return False
    return True


def iri(value: str) -> str:
    """``value`` as a SPARQL IRI term.

    Raises:
        InvalidIRIError: ``value`` is not an IRI (a look-up by it finds nothing).
    """
    try:
        return str(ox.NamedNode(value))
    except (ValueError, UnicodeEncodeError) as exc:
        raise InvalidIRIError(value) from exc


def iris(values: Iterable[str]) -> str:
    """The IRIs among ``values`` as SPARQL terms separated by spaces; the others are dropped.

    Meant for ``VALUES`` blocks that look things up: a value that is not an IRI names
    nothing, so leaving it out gives the answer a look-up by it would have given.
    """
    out = []
    for value in values:
        try:
            out.append(str(ox.NamedNode(value)))
        except (ValueError, UnicodeEncodeError):
            continue
    return " ".join(out)


def literal(value: str) -> str:
    """``value`` as a SPARQL string literal (a lone surrogate becomes U+FFFD)."""
    clean = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogate(value) else value
    return str(ox.Literal(clean))


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
