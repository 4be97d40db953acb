"""A relationship's evidence, read by subject, is what the one SPARQL join it replaced gave."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import pytest

from kg import summary
from kg.namespace import KG_NS, local_name
from kg.queries import RelationshipFilter, RelationshipView, relationship_pages, relationships_of
from kg.queries import relationships as module
from kg.queries.evidence import EvidenceView, evidence_of_row
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads, iri_key
from kg.records import Extraction, Relation
from kg.sparql import PROLOGUE, Page, iris
from kg.store import EmbeddedStore, Store
from tests.support.api_sample import BAKHMUT, PUTIN, RUSSIA, UKRAINE, ZELENSKY, extraction_a, extraction_b, span

B = DEFAULT_BASE
GEONAMES = "https://sws.geonames.org/690791/"


def _joined_views(store: Store, base: str, found: Sequence[summary.RelationshipSummary]) -> list[RelationshipView]:
    """The replaced reading, kept as the reference: one join of statements, spans and an OPTIONAL source."""
    spans: dict[tuple[str, str, str, bool], dict[tuple[str, int, int], EvidenceView]] = {}
    sources: dict[tuple[str, str, str], set[str]] = {}
    triples = {st: (r.subject, r.predicate, r.object) for r in found for st in r.statements}
    if triples:
        rows = store.query(
            PROLOGUE
            + f"""SELECT ?st ?g ?es ?ee ?et ?src WHERE {{ GRAPH ?g {{ VALUES ?st {{ {iris(sorted(triples))} }}
  ?st kg:evidence ?ev . ?ev nif:beginIndex ?es ; nif:endIndex ?ee ; nif:anchorOf ?et .
    OPTIONAL {{ ?st prov:wasDerivedFrom ?src }} }} }}"""
        )
        for r in rows:
            triple = triples[r["st"]]
            if "src" in r:
                sources.setdefault(triple, set()).add(r["src"])
            ev = evidence_of_row(base, r)
            assert ev is not None
            spans.setdefault((*triple, "src" not in r), {})[(ev.article_id, ev.start, ev.end)] = ev
    views = []
    for rel in found:
        triple = (rel.subject, rel.predicate, rel.object)
        stated = (*triple, True) in spans
        kept = spans.get((*triple, stated), {})
        views.append(
            RelationshipView(
                subject=iri_key(base, rel.subject),
                predicate=local_name(rel.predicate, KG_NS),
                predicate_iri=rel.predicate,
                object=iri_key(base, rel.object),
                confidence=rel.confidence,
                evidence=tuple(kept[k] for k in sorted(kept)),
                stated=stated,
                derived_from=tuple(sorted(sources.get(triple, ()))),
            )
        )
    return views


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


STORES: dict[str, Callable[[EmbeddedStore], None]] = {
    "two articles": lambda s: _put(s, extraction_a(), extraction_b()),
    "one relationship in three articles": lambda s: _put(
        s, extraction_a(), _as(extraction_a(), "a2"), _as(extraction_a(), "a3"), extraction_b()
    ),
    "a derived fact": lambda s: _put(s, _as(extraction_a(), "article-a", _derived(extraction_a()))),
    "derived in one article, stated in another": lambda s: _put(
        s, _as(extraction_a(), "a1", _derived(extraction_a())), _as(extraction_a(), "a2", _stated_too(extraction_a()))
    ),
    "an article stating it deleted": _deleted,
}
KEYS = [[ZELENSKY], [UKRAINE, BAKHMUT], [PUTIN, RUSSIA, ZELENSKY, UKRAINE], ["place/nowhere"]]


@pytest.mark.parametrize("build", list(STORES.values()), ids=list(STORES))
def test_relationships_of_gives_the_evidence_the_join_gave(
    build: Callable[[EmbeddedStore], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(None)
    build(store)
    for keys in KEYS:
        read = relationships_of(store, B, keys)
        with monkeypatch.context() as m:
            m.setattr(module, "_views", _joined_views)
            joined = relationships_of(store, B, keys)
        assert read == joined
    assert any(r.evidence for rs in relationships_of(store, B, [UKRAINE]).values() for r in rs)


@pytest.mark.parametrize("index", [True, False], ids=["read index", "no index"])
@pytest.mark.parametrize("build", list(STORES.values()), ids=list(STORES))
def test_relationship_pages_give_the_evidence_the_join_gave(
    build: Callable[[EmbeddedStore], None], index: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(None)
    build(store)
    if not index:
        monkeypatch.setattr(summary, "read_index", lambda store, create=False: None)
    for filters in (RelationshipFilter(), RelationshipFilter(derived=True), RelationshipFilter(predicate="locatedIn")):
        for page in (Page(0, 20), Page(1, 1)):
            read = relationship_pages(store, B, [UKRAINE, BAKHMUT, ZELENSKY], page, filters)
            with monkeypatch.context() as m:
                m.setattr(module, "_views", _joined_views)
                joined = relationship_pages(store, B, [UKRAINE, BAKHMUT, ZELENSKY], page, filters)
            assert read == joined


def test_relationship_stated_and_derived_lists_the_stated_spans_and_the_source() -> None:
    store = EmbeddedStore(None)
    STORES["derived in one article, stated in another"](store)
    (view,) = [r for r in relationships_of(store, B, [BAKHMUT])[BAKHMUT] if r.predicate == "locatedIn"]
    assert view.stated
    assert view.derived_from == (GEONAMES,)
    assert [(e.article_id, e.text) for e in view.evidence] == [("a2", "attacked Bakhmut")]
