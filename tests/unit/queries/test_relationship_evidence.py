"""A relationship's evidence: the spans that state it, else, for a fact only derived, the mentions it is about."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from kg.queries import relationships_of
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import Extraction, Relation
from kg.store import EmbeddedStore
from tests.support.api_sample import BAKHMUT, UKRAINE, extraction_a, extraction_b, span

B = DEFAULT_BASE
GEONAMES = "https://sws.geonames.org/690791/"


def _put(store: EmbeddedStore, *xs: Extraction) -> None:
    store.put_articles([(article_iri(B, x.article.id), extraction_quads(x, B)) for x in xs])


def _as(x: Extraction, article_id: str, *extra: Relation) -> Extraction:
    return dataclasses.replace(
        x, article=dataclasses.replace(x.article, id=article_id), relations=(*x.relations, *extra)
    )


def _derived(x: Extraction) -> Relation:
    """Bakhmut in Ukraine, taken from GeoNames: its evidence is the place's mention."""
    return Relation(BAKHMUT, "locatedIn", UKRAINE, 0.9, span(x.article.text, "Bakhmut"), derived_from=GEONAMES)


def _stated_too(x: Extraction) -> Relation:
    """The same containment, stated by the text of another article."""
    return Relation(BAKHMUT, "locatedIn", UKRAINE, 0.6, span(x.article.text, "attacked Bakhmut"))


def _deleted(store: EmbeddedStore) -> None:
    a = extraction_a()
    _put(store, a, _as(a, "a2", _derived(a)), extraction_b())
    assert store.delete_article(article_iri(B, "a2"))


#: (store, the Bakhmut-in-Ukraine relationship's stated, sources and (article, evidence text)).
CASES: list[tuple[str, Callable[[EmbeddedStore], None], tuple[bool, tuple[str, ...], list[tuple[str, str]]]]] = [
    ("the country linking gives: derived, no span", lambda s: _put(s, extraction_a(), extraction_b()), (False, (), [])),
    (
        "derived only: the mention it is about",
        lambda s: _put(s, _as(extraction_a(), "a1", _derived(extraction_a()))),
        (False, (GEONAMES,), [("a1", "Bakhmut")]),
    ),
    (
        "derived in two articles",
        lambda s: _put(
            s, _as(extraction_a(), "a1", _derived(extraction_a())), _as(extraction_a(), "a2", _derived(extraction_a()))
        ),
        (False, (GEONAMES,), [("a1", "Bakhmut"), ("a2", "Bakhmut")]),
    ),
    (
        "derived in one article, stated in another: the stated span",
        lambda s: _put(
            s,
            _as(extraction_a(), "a1", _derived(extraction_a())),
            _as(extraction_a(), "a2", _stated_too(extraction_a())),
        ),
        (True, (GEONAMES,), [("a2", "attacked Bakhmut")]),
    ),
    ("the deriving article deleted", _deleted, (False, (), [])),
]


@pytest.mark.parametrize(("build", "expected"), [(b, e) for _, b, e in CASES], ids=[c[0] for c in CASES])
def test_relationship_evidence_lists_stated_spans_else_the_derived_mentions(
    build: Callable[[EmbeddedStore], None], expected: tuple[bool, tuple[str, ...], list[tuple[str, str]]]
) -> None:
    store = EmbeddedStore(None)
    build(store)
    (view,) = [r for r in relationships_of(store, B, [BAKHMUT])[BAKHMUT] if r.predicate == "locatedIn"]
    assert (view.stated, view.derived_from, [(e.article_id, e.text) for e in view.evidence]) == expected
