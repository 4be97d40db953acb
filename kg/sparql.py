"""One home for building SPARQL text: terms, the prefix table, and paging.

Every query kg writes is built from these parts, so none pastes a value by hand.

**Terms.** Values that reach a query from outside (GraphQL ids and filters, article
ids, search text) become RDF terms built by pyoxigraph, never text between ``<`` ``>``
or quotes: an IRI is a :class:`pyoxigraph.NamedNode`, which refuses any IRI with a
character that could end it (``>``, space, ``{``, ...), and a literal a
:class:`pyoxigraph.Literal`, whose N-Triples form escapes quotes, backslashes and line
breaks. What they print is a term, whatever the value held. A value that is not an
IRI names nothing in the graph, so :func:`iri` raises :class:`InvalidIRIError`, a
:class:`~kg.errors.NotFoundError`, and :func:`iris` drops it. (The store's query
methods take text only, whichever backend serves them, so pyoxigraph's
``substitutions`` cannot be used across backends; a term's N-Triples form is as safe.)

**Prefixes.** :data:`PREFIXES` is the one table of prefixes queries use: the
ontology's (:data:`kg.namespace.PREFIXES`) plus ``s:``, the entity summary's own
vocabulary. :data:`PROLOGUE` is that table as the ``PREFIX`` lines that open a query.

**Paging.** :func:`count_and_page` sends the two queries behind every paged list:
the total count and one ordered window of rows.

>>> iri("https://w3id.org/newskg/id/place/bakhmut")
'<https://w3id.org/newskg/id/place/bakhmut>'
>>> iris(["https://x/a", "https://x/b> } #", "https://x/c"])
'<https://x/a> <https://x/c>'
>>> literal('say "hi" } #')
'"say \\\\"hi\\\\" } #"'
>>> PROLOGUE.splitlines()[0]
'PREFIX kg: <https://w3id.org/newskg/ontology#>'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import NotFoundError
from kg.namespace import PREFIXES as ONTOLOGY_PREFIXES
from kg.namespace import SUMMARY_NS

if TYPE_CHECKING:
    from kg.store import Row, Store

__all__ = [
    "PREFIXES",
    "PROLOGUE",
    "InvalidIRIError",
    "Page",
    "count_and_page",
    "iri",
    "iris",
    "literal",
    "valid_iri",
]

#: The prefixes every query kg writes may use: the ontology's and ``s:`` (the entity summary's).
PREFIXES: Mapping[str, str] = {**ONTOLOGY_PREFIXES, "s": SUMMARY_NS}

#: :data:`PREFIXES` as the ``PREFIX`` lines that open a query.
PROLOGUE = "".join(f"PREFIX {name}: {ox.NamedNode(ns)}\n" for name, ns in PREFIXES.items())


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


@dataclass(frozen=True, slots=True)
class Page:
    """A window of a list: ``offset`` items skipped, at most ``limit`` returned."""

    offset: int = 0
    limit: int = 20


def count_and_page(
    store: Store,
    where: str,
    *,
    count: str,
    select: str,
    order_by: str,
    page: Page,
    group_by: str = "",
    page_where: str | None = None,
) -> tuple[int, list[Row]]:
    """The total count of a list and one window of its rows: two queries, both under :data:`PROLOGUE`.

    Args:
        store: The store.
        where: The list's graph pattern (the body of ``WHERE { }``).
        count: What is counted: a variable, or ``DISTINCT`` and a variable.
        select: The projection of the window's rows.
        order_by: The window's order; it should end with a unique key so pages are stable.
        page: The window.
        group_by: The window's ``GROUP BY`` variables, if its projection aggregates.
        page_where: The window's pattern when it needs more than the count does
            (a sort key, say); ``where`` by default.

    Returns:
        The count and the window's rows.
    """
    total = store.query(PROLOGUE + f"SELECT (COUNT({count}) AS ?n) WHERE {{ {where} }}")
    grouped = f"\nGROUP BY {group_by}" if group_by else ""
    rows = store.query(
        PROLOGUE
        + f"SELECT {select} WHERE {{ {where if page_where is None else page_where} }}{grouped}"
        + f"\nORDER BY {order_by} OFFSET {int(page.offset)} LIMIT {int(page.limit)}"
    )
    return (int(total[0]["n"]) if total else 0), rows
