"""The read index answers every list, count and search as the queries over the article graphs do, under every write."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg import queries, summary
from kg.queries import EntityOrder, EventFilter, EventOrder, Page
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads, nquads_text
from kg.records import EntityType, Extraction
from kg.store import EmbeddedStore, writer
from kg.summary import _index
from tests.support.api_sample import FORCES, PUTIN, RUSSIA, UKRAINE, ZELENSKY, extraction_a, extraction_b

B = DEFAULT_BASE
ARMY = "organisation/russian-army"
KEYS = [ZELENSKY, PUTIN, UKRAINE, RUSSIA, FORCES, ARMY, "place/bakhmut", "place/moscow"]


def _put(store: EmbeddedStore, *xs: Extraction) -> None:
    store.put_articles([(article_iri(B, x.article.id), extraction_quads(x, B)) for x in xs])


def _copy(x: Extraction, article_id: str, published: str | None) -> Extraction:
    """``x`` as another article: its own id and date, and its events keyed per article."""
    events = tuple(dataclasses.replace(e, key=f"{e.key}-{article_id}") for e in x.events)
    article = dataclasses.replace(x.article, id=article_id, published=published)
    return dataclasses.replace(x, article=article, events=events)


def _reads(store: EmbeddedStore) -> Iterator[object]:
    """Every read the index serves, with pages that cut lists in the middle."""
    for page in (Page(0, 20), Page(1, 2)):
        yield queries.list_articles(store, B, page)
        for order in EventOrder:
            yield queries.list_events(store, B, page, EventFilter(), order)
        for key in KEYS:
            yield queries.articles_of_entity(store, B, key, page)
        for entity_order in EntityOrder:
            yield queries.list_entities(store, B, page, order=entity_order)
    yield queries.events_of_entities(store, B, KEYS)
    for keys in queries.events_of_entities(store, B, KEYS).values():
        yield queries.events_by_keys(store, B, keys)
    yield from _entity_pages(store)
    yield from _filtered_events(store)
    yield queries.graph_stats(store)
    for etype in (None, *EntityType):
        yield queries.list_entities(store, B, Page(0, 20), type=etype)
    for search in ("a", "ru", "RUSSIA", "zelenskyy", "army", "rmy", "*", "o", "i%", "nobody"):
        for prefix in (False, True):
            yield queries.list_entities(store, B, Page(0, 20), search=search, prefix=prefix)
    yield queries.list_entities(store, B, Page(0, 20), min_confidence=0.9)
    yield queries.list_entities(store, B, Page(0, 20), mentioned_in="article-b")
    yield queries.list_entities(store, B, Page(0, 20), mentioned_in="c1", type=EntityType.PLACE)


#: Event filters the index serves, one at a time and combined.
FILTERS = [
    EventFilter(types=("Attack",)),
    EventFilter(types=("Statement", "Withdrawal")),
    EventFilter(participant=FORCES),
    EventFilter(participant=ZELENSKY, types=("Statement",)),
    EventFilter(participant="place/bakhmut"),  # a place takes no part: nothing
    EventFilter(place="place/bakhmut"),
    EventFilter(window=("2022-10-01", "2022-10-31")),
    EventFilter(window=("2022-12-01", "2023-01-31")),  # "2022" reaches into December
    EventFilter(window=("2023-01-01", "2023-12-31")),
    EventFilter(min_confidence=0.65),
    EventFilter(min_confidence=0.65, window=("2022-01-01", "2022-12-31"), participant=FORCES),
]


def _entity_pages(store: EmbeddedStore) -> Iterator[object]:
    """An entity's relationships and events, page by page, with every relationship filter."""
    for key in KEYS:
        for page in (Page(0, 20), Page(1, 1)):
            yield queries.events_of_entity(store, B, key, page)
            for predicate in (None, "leaderOf", "locatedIn", "https://w3id.org/newskg/ontology#affiliatedWith"):
                for derived in (False, True):
                    for outgoing in (None, True, False):
                        yield queries.relationship_page(
                            store, B, key, page, predicate=predicate, derived=derived, outgoing=outgoing
                        )
            yield queries.relationship_page(store, B, key, page, min_confidence=0.85, derived=True)


def _filtered_events(store: EmbeddedStore) -> Iterator[object]:
    for f in FILTERS:
        for order in EventOrder:
            for page in (Page(0, 20), Page(1, 1)):
                yield queries.list_events(store, B, page, f, order)


def _check(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the index answers equals what the article graphs answer, and what a rebuilt index answers."""
    assert summary.read_index(store) is not None
    indexed = list(_reads(store))
    with monkeypatch.context() as m:
        m.setattr(summary, "read_index", lambda store, create=False: None)
        scanned = list(_reads(store))
    assert indexed == scanned
    summary.rebuild_index(store)
    assert list(_reads(store)) == indexed


def _corpus() -> list[Extraction]:
    return [
        _copy(extraction_a(), "c1", "2022-10-28"),
        _copy(extraction_b(), "c2", "2022-07-05"),
        _copy(extraction_a(), "c3", None),
        _copy(extraction_b(), "c4", "2023-01-02"),
    ]


def _one_by_one(store: EmbeddedStore) -> None:
    for x in _corpus():
        _put(store, x)


def _batch(store: EmbeddedStore) -> None:
    _put(store, *_corpus())


def _replaced(store: EmbeddedStore) -> None:
    _put(store, *_corpus())
    a = _copy(extraction_a(), "c1", "2021-01-01")
    entities = tuple(e for e in a.entities if e.key != "place/bakhmut")
    mentions = tuple(m for m in a.mentions if m.entity != "place/bakhmut")
    text = dataclasses.replace(a.article, text=a.article.text + " More.")
    _put(store, dataclasses.replace(a, article=text, entities=entities, mentions=mentions, events=()))


def _renamed(x: Extraction, old: str, new: str) -> Extraction:
    """``x`` with the entity ``old`` keyed ``new`` everywhere (what a merge or a split rewrites)."""

    def key(k: str) -> str:
        return new if k == old else k

    return dataclasses.replace(
        x,
        entities=tuple(dataclasses.replace(e, key=key(e.key)) for e in x.entities),
        mentions=tuple(dataclasses.replace(m, entity=key(m.entity)) for m in x.mentions),
        relations=tuple(dataclasses.replace(r, subject=key(r.subject), object=key(r.object)) for r in x.relations),
        events=tuple(
            dataclasses.replace(
                e, participants=tuple(dataclasses.replace(p, entity=key(p.entity)) for p in e.participants)
            )
            for e in x.events
        ),
    )


def _merged(store: EmbeddedStore) -> None:
    # Two articles first name the forces as another entity; rewriting one of them under
    # the forces' key (as merging the two entities does) moves its facts over.
    corpus = _corpus()
    split = [_renamed(corpus[1], FORCES, ARMY), _renamed(corpus[3], FORCES, ARMY)]
    _put(store, corpus[0], split[0], corpus[2], split[1])
    _put(store, corpus[1])


def _deleted(store: EmbeddedStore) -> None:
    _put(store, *_corpus())
    assert store.delete_article(article_iri(B, "c2"))
    assert store.delete_article(article_iri(B, "c4"))


@pytest.mark.parametrize(
    "write",
    [_one_by_one, _batch, _replaced, _merged, _deleted],
    ids=["one-by-one", "batch", "replaced", "merged", "deleted"],
)
def test_read_index_answers_as_the_article_graphs_do(
    write: Callable[[EmbeddedStore], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(None)
    write(store)
    _check(store, monkeypatch)


def test_read_index_follows_a_deleted_article_to_empty_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(None)
    _put(store, _copy(extraction_b(), "only", "2022-01-01"))
    assert queries.articles_of_entity(store, B, PUTIN, Page())[0] == 1
    store.delete_article(article_iri(B, "only"))
    assert queries.articles_of_entity(store, B, PUTIN, Page()) == (0, [])
    assert queries.events_of_entities(store, B, [PUTIN]) == {PUTIN: []}
    assert queries.graph_stats(store).as_dict() == dict.fromkeys(queries.Stats.__slots__, 0)
    _check(store, monkeypatch)


def test_read_index_is_repaired_after_a_crash_between_write_and_update(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(None)
    _put(store, _corpus()[0])
    # As if killed after the article write and before the summary and index updates.
    store._store.extend(extraction_quads(_corpus()[1], B))
    assert queries.graph_stats(store).articles == 1  # stale until the next full check
    assert summary.sync(store) == 1
    assert queries.graph_stats(store).articles == 2
    _check(store, monkeypatch)


def test_read_index_is_rebuilt_with_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(None)
    _put(store, *_corpus())
    index = summary.read_index(store)
    assert index is not None
    index.clear()
    assert queries.graph_stats(store).articles == 0
    assert summary.rebuild(store) == 4
    _check(store, monkeypatch)


def test_read_index_file_sits_beside_the_store_and_is_made_again_when_lost(tmp_path: Path) -> None:
    path = tmp_path / "db"
    store = EmbeddedStore(path)
    _put(store, *_corpus())
    stats = queries.graph_stats(store)
    store.close()
    index = summary.index_path(str(path))
    assert index == tmp_path / "db.read.sqlite"
    assert index.exists()
    reader = EmbeddedStore(path, read_only=True)
    assert queries.graph_stats(reader) == stats  # another handle reads the same file
    reader.close()
    index.unlink()
    store = EmbeddedStore(path)
    assert summary.read_index(store) is None
    assert writer.ensure(store) == 0  # the summary was fine; the index is made again
    assert queries.graph_stats(store) == stats
    store.close()


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://db.example/sparql", None),
        (":memory:", None),
        ("/data/kg-store", Path("/data/kg-store.read.sqlite")),
    ],
    ids=["remote", "memory", "embedded"],
)
def test_read_index_path_is_beside_an_embedded_store_only(location: str, expected: Path | None) -> None:
    assert summary.index_path(location) == expected


@pytest.mark.parametrize(
    ("search", "prefix", "expected"),
    [
        ("ZELENSKYY", False, [ZELENSKY]),  # an alias, in another case
        ("zel", True, [ZELENSKY]),
        ("ssi", False, [FORCES, RUSSIA]),  # a trigram inside two names
        ("ssi", True, []),
        ("kr", False, [UKRAINE]),  # two characters: the gram table
        ("v", True, [PUTIN, ZELENSKY]),
        ("*", False, []),  # GLOB's wildcard is a plain character
        ("n f", False, [FORCES]),  # across a space
    ],
    ids=["alias", "prefix", "trigram", "no-word-start", "bigram", "one-letter-prefix", "wildcard", "space"],
)
def test_read_index_search_finds_labels_and_aliases(search: str, prefix: bool, expected: list[str]) -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    total, keys = queries.list_entities(store, B, Page(0, 20), search=search, prefix=prefix)
    assert (total, sorted(keys)) == (len(expected), expected)


@pytest.mark.parametrize("order", list(EntityOrder), ids=lambda o: o.value)
def test_read_index_short_needle_walk_answers_as_sorting_the_matches(
    order: EntityOrder, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(None)
    _put(store, *_corpus())
    sorted_matches = [queries.list_entities(store, B, Page(1, 2), search=n, order=order) for n in ("a", "r", "s")]
    monkeypatch.setattr(_index, "_WALK", 0)  # every short needle walks the order instead
    walked = [queries.list_entities(store, B, Page(1, 2), search=n, order=order) for n in ("a", "r", "s")]
    assert walked == sorted_matches
    assert [total for total, _ in walked] == [5, 5, 4]


def test_read_index_facts_found_in_quads_equal_what_the_store_reads_back(seed_extractions: list[Extraction]) -> None:
    for x in (extraction_a(), extraction_b(), *_corpus(), *seed_extractions):
        g = article_iri(B, x.article.id)
        quads = extraction_quads(x, B)
        store = EmbeddedStore(None)
        store._store.extend(quads)  # written raw: nothing else in the store
        assert summary.contributions_of(g, quads).facts[g] == _index.read_facts(store, [g])[g], x.article.id


def test_read_index_from_known_facts_equals_one_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    built = {article_iri(B, x.article.id): extraction_quads(x, B) for x in _corpus()}
    batch = [(g, nquads_text(qs)) for g, qs in built.items()]
    told, read = EmbeddedStore(None), EmbeddedStore(None)
    told.put_nquads(batch, {g: summary.contributions_of(g, qs) for g, qs in built.items()})
    read.put_nquads(batch)
    assert list(_reads(told)) == list(_reads(read))
    _check(told, monkeypatch)


def test_read_index_rows_merged_from_known_articles_equal_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    # Written one by one with their contributions, later articles merge into stored rows
    # (a new alias, more mentions, a higher confidence) without reading the summary.
    a = extraction_a()
    renamed = tuple(
        dataclasses.replace(e, aliases=(*e.aliases, "Kyiv's state"), confidence=0.995) if e.key == UKRAINE else e
        for e in a.entities
    )
    xs = [*_corpus(), _copy(dataclasses.replace(a, entities=renamed), "c5", "2023-02-01")]
    told, read = EmbeddedStore(None), EmbeddedStore(None)
    for x in xs:
        g, quads = article_iri(B, x.article.id), extraction_quads(x, B)
        told.put_nquads([(g, nquads_text(quads))], {g: summary.contributions_of(g, quads)})
        read.put_nquads([(g, nquads_text(quads))])
    assert list(_reads(told)) == list(_reads(read))
    assert queries.list_entities(told, B, Page(0, 5), search="kyiv's")[0] == 1
    _check(told, monkeypatch)
