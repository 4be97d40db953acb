"""kg.sparql: the one prefix table, the paging helper, and the doctests of the read model."""

from __future__ import annotations

import doctest
import importlib
from collections.abc import Iterator

import pytest

from kg import sparql
from kg.namespace import KG_NS, PREFIXES, SUMMARY_NS, local_name
from kg.store import EmbeddedStore

# Invented articles: ids a..e, published on days that sort them e, d, c, b, a; c has no date.
_DAYS = {"a": "2021-01-01", "b": "2021-02-01", "d": "2021-04-01", "e": "2021-05-01"}


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(None)
    lines = []
    for key in "abcde":
        lines.append(f"<https://x/{key}> a <{KG_NS}Article> .")
        if key in _DAYS:
            lines.append(f'<https://x/{key}> <https://schema.org/datePublished> "{_DAYS[key]}" .')
    s.update("INSERT DATA { GRAPH <https://x/g> { " + "\n".join(lines) + " } }")
    yield s
    s.close()


def test_prologue_declares_every_prefix_once() -> None:
    declared = [line.split()[1].rstrip(":") for line in sparql.PROLOGUE.splitlines()]
    assert declared == list(sparql.PREFIXES)
    assert len(set(declared)) == len(declared)
    assert dict(PREFIXES).items() <= dict(sparql.PREFIXES).items()
    assert sparql.PREFIXES["s"] == SUMMARY_NS


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (sparql.Page(0, 2), ["e", "d"]),
        (sparql.Page(2, 2), ["b", "a"]),
        (sparql.Page(4, 2), ["c"]),
        (sparql.Page(9, 2), []),
        (sparql.Page(0, 0), []),
    ],
    ids=["first", "second", "undated-last", "past-the-end", "empty-window"],
)
def test_count_and_page_counts_all_and_returns_the_window(
    store: EmbeddedStore, page: sparql.Page, expected: list[str]
) -> None:
    total, rows = sparql.count_and_page(
        store,
        "GRAPH ?g { ?a a kg:Article }",
        count="?a",
        select="?a ?d",
        page_where="GRAPH ?g { ?a a kg:Article OPTIONAL { ?a schema:datePublished ?d } }",
        order_by="DESC(?d) ?a",
        page=page,
    )
    assert total == 5
    assert [r["a"].rsplit("/", 1)[1] for r in rows] == expected


def test_count_and_page_groups_rows(store: EmbeddedStore) -> None:
    total, rows = sparql.count_and_page(
        store,
        "GRAPH ?g { ?a a kg:Article OPTIONAL { ?a schema:datePublished ?d } }",
        count="DISTINCT ?a",
        select="?a (COUNT(?d) AS ?dates)",
        group_by="?a",
        order_by="?a",
        page=sparql.Page(0, 3),
    )
    assert total == 5
    assert [(r["a"].rsplit("/", 1)[1], r["dates"]) for r in rows] == [("a", "1"), ("b", "1"), ("c", "0")]


@pytest.mark.parametrize(
    ("iri", "ns", "expected"),
    [
        (f"{KG_NS}leaderOf", KG_NS, "leaderOf"),
        ("https://example.org/v#knows", KG_NS, "knows"),
        ("https://example.org/v/knows", KG_NS, "knows"),
    ],
    ids=["in-namespace", "hash-outside", "slash-outside"],
)
def test_local_name_strips_the_namespace(iri: str, ns: str, expected: str) -> None:
    assert local_name(iri, ns) == expected


READ_MODEL = [
    "kg.sparql",
    "kg.namespace",
    "kg.queries",
    "kg.queries.articles",
    "kg.queries.entities",
    "kg.queries.events",
    "kg.queries.evidence",
    "kg.queries.relationships",
    "kg.queries.stats",
]


@pytest.mark.parametrize("name", READ_MODEL, ids=READ_MODEL)
def test_read_model_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
