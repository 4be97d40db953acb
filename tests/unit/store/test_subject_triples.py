"""``Store.subject_triples``: what the store says about given subjects, in given graphs or in every named graph.

The embedded store reads it with index seeks; the base class asks SPARQL (what a
remote store does). Both must give the same rows.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.store import EmbeddedStore, ServingStore, Store, Told

EX = "http://example.org/"
G1, G2 = f"{EX}article/one", f"{EX}article/two"
S, T = f"{EX}s", f"{EX}t"
P, Q = f"{EX}p", f"{EX}q"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _store() -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.add_quads(
        [
            ox.Quad(_n(S), _n(P), ox.Literal("first"), _n(G1)),
            ox.Quad(_n(S), _n(P), ox.Literal("12", datatype=_n("http://www.w3.org/2001/XMLSchema#integer")), _n(G1)),
            ox.Quad(_n(S), _n(Q), _n(T), _n(G1)),
            ox.Quad(_n(S), _n(P), ox.Literal("second", language="en"), _n(G2)),
            ox.Quad(_n(T), _n(P), ox.Literal("t in two"), _n(G2)),
            ox.Quad(_n(S), _n(P), ox.Literal("in the default graph"), ox.DefaultGraph()),
            ox.Quad(_n(G1), _n(P), _n(S), _n(G1)),  # S as an object: not about S
        ]
    )
    return store


CASES: list[tuple[str, list[tuple[str, str | None]], set[Told]]] = [
    ("one subject in one graph", [(S, G1)], {(S, P, "first", G1), (S, P, "12", G1), (S, Q, T, G1)}),
    ("the same subject in another graph", [(S, G2)], {(S, P, "second", G2)}),
    (
        "every named graph, not the default one",
        [(S, None)],
        {(S, P, "first", G1), (S, P, "12", G1), (S, Q, T, G1), (S, P, "second", G2)},
    ),
    ("a subject not in the graph asked", [(T, G1)], set()),
    ("an unknown subject", [(f"{EX}nothing", None), (f"{EX}nothing", G1)], set()),
    ("pairs repeated and mixed", [(T, G2), (T, None), (T, G2)], {(T, P, "t in two", G2)}),
    ("nothing asked", [], set()),
]
#: The same, each with only the predicate ``P`` asked for.
ONLY_P = [(name, pairs, {t for t in expected if t[1] == P}) for name, pairs, expected in CASES]


@pytest.mark.parametrize(("pairs", "expected"), [(p, e) for _, p, e in CASES], ids=[c[0] for c in CASES])
def test_subject_triples_reads_the_subjects_in_their_graphs(
    pairs: list[tuple[str, str | None]], expected: set[Told]
) -> None:
    store = _store()
    assert set(store.subject_triples(pairs)) == expected


@pytest.mark.parametrize(("pairs", "expected"), [(p, e) for _, p, e in CASES], ids=[c[0] for c in CASES])
def test_subject_triples_seeks_give_the_rows_the_sparql_reading_gives(
    pairs: list[tuple[str, str | None]], expected: set[Told]
) -> None:
    store = _store()
    seeks = store.subject_triples(pairs)
    asked = Store.subject_triples(store, pairs)  # the base class: SPARQL, as a remote store reads it
    assert sorted(seeks) == sorted(asked)
    assert len(seeks) == len(set(seeks)) == len(expected)  # each triple once, even for repeated pairs


def test_subject_triples_reads_the_newest_snapshot_of_a_served_store(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "db")
    writer.add_quads([ox.Quad(_n(S), _n(P), ox.Literal("served"), _n(G1))])
    writer.close()
    served = ServingStore(tmp_path / "db")
    try:
        assert served.subject_triples([(S, None)]) == [(S, P, "served", G1)]
    finally:
        served.close()


def test_subject_triples_names_a_bad_iri_in_a_store_error() -> None:
    with pytest.raises(StoreError, match="subject"):
        _store().subject_triples([("not an iri", None)])


@pytest.mark.parametrize(("pairs", "expected"), [(p, e) for _, p, e in ONLY_P], ids=[c[0] for c in ONLY_P])
def test_subject_triples_reads_only_the_predicates_asked_for(
    pairs: list[tuple[str, str | None]], expected: set[Told]
) -> None:
    store = _store()
    seeks = store.subject_triples(pairs, [P, P])
    assert set(seeks) == expected
    assert sorted(seeks) == sorted(Store.subject_triples(store, pairs, [P]))
    assert len(seeks) == len(expected)


def test_subject_triples_with_no_predicate_reads_nothing() -> None:
    store = _store()
    assert store.subject_triples([(S, None)], []) == Store.subject_triples(store, [(S, None)], []) == []
