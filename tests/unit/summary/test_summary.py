"""The entity summary stays equal to merging every article's descriptions, under every write."""

from __future__ import annotations

import dataclasses
import io
from collections import defaultdict
from pathlib import Path
from typing import TypedDict

import pyoxigraph as ox
import pytest

from kg import queries, summary
from kg.exchange import import_file
from kg.identity import Merge, MergeLog, merge_id, undo_merge
from kg.namespace import KG_NS, NIF, PROV, RDF, RDFS, SKOS
from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads, iri_key
from kg.records import Entity, EntityType, Extraction, Mention, Relation
from kg.store import EmbeddedStore, ExportFormat, write_export
from kg.store import writer as store_writer
from tests.support.api_sample import (
    FORCES,
    MOSCOW,
    PUTIN,
    RUSSIA,
    UKRAINE,
    ZELENSKY,
    extraction_a,
    extraction_b,
    span,
)
from tests.support.terms import term_value

B = DEFAULT_BASE
_TYPES = {f"{KG_NS}{t}" for t in ("Person", "Organisation", "Place")}


def _put(store: EmbeddedStore, *xs: Extraction) -> None:
    store.put_articles([(article_iri(B, x.article.id), extraction_quads(x, B)) for x in xs])


class _Naive(TypedDict):
    """One entity as the oracle merges it."""

    labels: set[str]
    aliases: set[str]
    same: set[str]
    conf: float


def _naive(
    store: EmbeddedStore,
) -> tuple[dict[str, tuple[object, ...]], set[tuple[str, str, str, float, frozenset[tuple[str, int, int]]]]]:
    """Merge the article graphs' quads in plain Python: the oracle the summary must match."""
    typed: dict[str, dict[str, str]] = defaultdict(dict)  # graph -> entity -> type
    facts: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # (graph, subject) -> (p, o)
    for q in store.quads():
        g, s, p, o = term_value(q.graph_name), term_value(q.subject), q.predicate.value, term_value(q.object)
        facts[(g, s)].append((p, o))
        if p == str(RDF.type) and o in _TYPES:
            typed[g][s] = o
    entities: dict[str, _Naive] = {}
    mentions: dict[str, set[str]] = defaultdict(set)
    rels: dict[tuple[str, str, str], float] = {}
    # A relationship's evidence: the spans of the statements its text makes, or, when no
    # text states it, those of the statements derived from another record (prov:wasDerivedFrom).
    spans: dict[tuple[str, str, str], set[tuple[str, int, int]]] = defaultdict(set)
    derived_spans: dict[tuple[str, str, str], set[tuple[str, int, int]]] = defaultdict(set)
    for (g, s), pos in facts.items():
        for p, o in pos:
            if p == f"{KG_NS}denotes":
                mentions[o].add(s)
        if s in typed[g]:
            e = entities.setdefault(s, _Naive(labels=set(), aliases=set(), same=set(), conf=0.0))
            conf = max(float(o) for p, o in pos if p == f"{KG_NS}confidence")
            e["conf"] = max(float(e["conf"]), conf)
            e["labels"] |= {o for p, o in pos if p == str(RDFS.label)}
            e["aliases"] |= {o for p, o in pos if p == str(SKOS.altLabel)}
            e["same"] |= {o for p, o in pos if p == str(SKOS.exactMatch)}
            for p, o in pos:
                if p == f"{KG_NS}locatedIn":
                    rels[(s, p, o)] = max(rels.get((s, p, o), 0.0), conf)
        d = dict(pos)
        if d.get(str(RDF.type)) == f"{KG_NS}Statement":
            triple = (d[str(RDF.subject)], d[str(RDF.predicate)], d[str(RDF.object)])
            rels[triple] = max(rels.get(triple, 0.0), float(d[f"{KG_NS}confidence"]))
            ev = dict(facts[(g, d[f"{KG_NS}evidence"])])
            start, end = int(ev[str(NIF.beginIndex)]), int(ev[str(NIF.endIndex)])
            derived = str(PROV.wasDerivedFrom) in d
            (derived_spans if derived else spans)[triple].add((g[len(article_iri(B, "")) :], start, end))
    views: dict[str, tuple[object, ...]] = {}
    for iri, e in entities.items():
        labels = sorted(e["labels"], key=lambda x: (-len(x), x))
        aliases = tuple(sorted((set(labels[1:]) | e["aliases"]) - {labels[0]}))
        views[iri_key(B, iri)] = (labels[0], aliases, tuple(sorted(e["same"])), e["conf"], len(mentions[iri]))
    return views, {
        (iri_key(B, s), p, iri_key(B, o), c, frozenset(spans.get((s, p, o)) or derived_spans[(s, p, o)]))
        for (s, p, o), c in rels.items()
    }


def _read(
    store: EmbeddedStore, keys: list[str]
) -> tuple[dict[str, tuple[object, ...]], set[tuple[str, str, str, float, frozenset[tuple[str, int, int]]]]]:
    found = queries.entities_by_keys(store, B, keys)
    views: dict[str, tuple[object, ...]] = {
        k: (v.label, v.aliases, v.same_as, v.confidence, v.mention_count) for k, v in found.items()
    }
    rels = queries.relationships_of(store, B, keys)
    return views, {
        (
            r.subject,
            r.predicate_iri,
            r.object,
            r.confidence,
            frozenset((e.article_id, e.start, e.end) for e in r.evidence),
        )
        for rs in rels.values()
        for r in rs
    }


def _summary_quads(store: EmbeddedStore) -> set[str]:
    g = ox.NamedNode(summary.SUMMARY_GRAPH)
    return {str(q) for q in store._store.quads_for_pattern(None, None, None, g)}


def _check(store: EmbeddedStore) -> None:
    """The read model equals the naive merge, and the maintained summary equals a fresh build."""
    expected_views, expected_rels = _naive(store)
    keys = sorted(expected_views)
    views, rels = _read(store, keys)
    assert views == expected_views
    assert rels == expected_rels
    kept = _summary_quads(store)
    summary.rebuild(store)
    assert _summary_quads(store) == kept


def _changed_a() -> Extraction:
    """Article A again, changed: Zelensky's confidence drops, Bakhmut is gone, a new alias."""
    a = extraction_a()
    entities = tuple(
        dataclasses.replace(e, confidence=0.5, aliases=("Zelenskiy",)) if e.key == ZELENSKY else e
        for e in a.entities
        if e.key != "place/bakhmut"
    )
    article = dataclasses.replace(a.article, text=a.article.text + " More.")
    mentions = tuple(m for m in a.mentions if m.entity != "place/bakhmut")
    events = tuple(dataclasses.replace(e, place=None) for e in a.events)
    return dataclasses.replace(a, article=article, entities=entities, mentions=mentions, events=events)


def test_summary_follows_adds_one_at_a_time_and_in_one_batch() -> None:
    one, both = EmbeddedStore(None), EmbeddedStore(None)
    _put(one, extraction_a())
    _check(one)
    _put(one, extraction_b())
    _check(one)
    _put(both, extraction_a(), extraction_b())
    assert _summary_quads(one) == _summary_quads(both)
    forces = queries.entities_by_keys(one, B, [FORCES])[FORCES]
    assert forces.mention_count == 2  # one mention in each article
    assert forces.confidence == 0.75
    assert forces.aliases == ("Russian army",)


def test_summary_follows_a_replaced_article() -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    _put(store, _changed_a())
    _check(store)
    z = queries.entities_by_keys(store, B, [ZELENSKY])[ZELENSKY]
    assert z.confidence == 0.5
    assert z.aliases == ("Zelenskiy",)
    assert "place/bakhmut" not in queries.entities_by_keys(store, B, ["place/bakhmut"])
    assert all(r.subject != "place/bakhmut" for r in queries.relationships_of(store, B, [UKRAINE])[UKRAINE])


def test_summary_follows_a_deleted_article() -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    assert store.delete_article(article_iri(B, "article-b"))
    _check(store)
    assert queries.entities_by_keys(store, B, [PUTIN, RUSSIA, MOSCOW]) == {}
    assert queries.relationships_of(store, B, [RUSSIA])[RUSSIA] == []
    forces = queries.entities_by_keys(store, B, [FORCES])[FORCES]
    assert (forces.mention_count, forces.confidence, forces.aliases) == (1, 0.7, ())


def test_summary_follows_an_unmerge(tmp_path: Path) -> None:
    # Article B's "Russian forces" was merged into A's entity; undoing it gives B its own again.
    store = EmbeddedStore(None)
    b = extraction_b()
    own = "organisation/russian-forces-b"
    _put(store, extraction_a(), b)
    log = MergeLog(tmp_path / "merges.jsonl")
    t = b.article.text
    start = t.index("Russian forces")
    log.record(
        Merge(
            id=merge_id("article-b", own, FORCES),
            article="article-b",
            type=EntityType.ORGANISATION,
            from_key=own,
            into_key=FORCES,
            from_label="Russian forces",
            into_label="Russian forces",
            method="fuzzy",
            score=1.0,
            evidence=(start, start + 14, "Russian forces"),
        )
    )
    (merge,) = log.active()
    undo_merge(store, log, merge.id, B)
    _check(store)
    found = queries.entities_by_keys(store, B, [FORCES, own])
    assert found[own].mention_count == 1
    assert found[FORCES].mention_count == 1
    assert found[FORCES].aliases == ()  # "Russian army" was B's name for it


def test_summary_is_repaired_after_a_crash_between_write_and_update() -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a())
    # As if killed after the article write but before its summary update: write B raw.
    store._store.extend(extraction_quads(extraction_b(), B))
    assert summary.dirty_articles(store).fresh == (article_iri(B, "article-b"),)
    assert queries.entities_by_keys(store, B, [PUTIN]) == {}  # stale until repaired
    assert summary.sync(store) == 1
    _check(store)
    # A same-hash rewrite marked but never written through the store (an unmerge killed mid-way).
    summary.mark_changed(store, [article_iri(B, "article-a")])
    assert summary.dirty_articles(store).changed == (article_iri(B, "article-a"),)
    assert summary.sync(store) == 1
    _check(store)


def test_summary_is_built_for_a_store_written_before_it(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    _put(store, extraction_a(), extraction_b())
    kept = _summary_quads(store)
    store.update(f"DROP GRAPH <{summary.SUMMARY_GRAPH}>")
    assert queries.entities_by_keys(store, B, [ZELENSKY]) == {}
    assert store_writer.ensure(store) == 2
    assert _summary_quads(store) == kept
    assert store_writer.ensure(store) == 0
    store.close()


def test_summary_is_left_out_of_exports_and_counts_but_survives_an_import(tmp_path: Path) -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    out = io.BytesIO()
    write_export(store, ExportFormat.TRIG, out)
    assert summary.SUMMARY_GRAPH.encode() not in out.getvalue()
    assert summary.SUMMARY_GRAPH not in store.graphs()
    stats = queries.graph_stats(store)
    assert stats.quads == sum(1 for _ in store.quads())
    path = tmp_path / "export.trig"
    path.write_bytes(out.getvalue())
    other = EmbeddedStore(None)
    import_file(other, path, validate_first=False)  # the hand-made sample is not fully shaped
    _check(other)
    assert _summary_quads(other) == _summary_quads(store)


@pytest.mark.parametrize(
    ("search", "prefix", "expected"),
    [
        ("ZELENSKYY", False, [ZELENSKY]),  # an alias, in another case
        ("zel", True, [ZELENSKY]),  # the start of a label
        ("PUT", True, [PUTIN]),
        ("army", True, [FORCES]),  # the start of a word of an alias
        ("rmy", True, []),  # not a word start
        ("rmy", False, [FORCES]),  # but a substring
        ("russia", True, [FORCES, RUSSIA]),
    ],
    ids=["alias-case", "prefix", "prefix-upper", "alias-word", "not-a-word-start", "substring", "two"],
)
def test_summary_search_finds_labels_and_aliases_case_insensitively(
    search: str, prefix: bool, expected: list[str]
) -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    total, keys = queries.list_entities(store, B, queries.Page(0, 10), search=search, prefix=prefix)
    assert sorted(keys) == expected
    assert total == len(expected)


def test_summary_merges_mentions_and_shared_relationships_across_articles() -> None:
    store = EmbeddedStore(None)
    extra = Extraction(
        article=dataclasses.replace(extraction_b().article, id="article-c", text="Moscow. Moscow again."),
        mentions=(
            Mention(0, 6, "Moscow", MOSCOW, EntityType.PLACE, 0.9, 0, 7),
            Mention(8, 14, "Moscow", MOSCOW, EntityType.PLACE, 0.9, 8, 21),
        ),
        entities=(Entity(MOSCOW, EntityType.PLACE, "Moscow", confidence=0.3),),
    )
    _put(store, extraction_a(), extraction_b(), extra)
    _check(store)
    # A fourth article restates Putin leaderOf Russia: one relationship, evidence from both.
    t = "Putin rules Russia."
    again = Extraction(
        article=dataclasses.replace(extraction_b().article, id="article-d", text=t),
        entities=(
            Entity(PUTIN, EntityType.PERSON, "Putin", confidence=0.6),
            Entity(RUSSIA, EntityType.PLACE, "Russia", confidence=0.99),
        ),
        relations=(Relation(PUTIN, "leaderOf", RUSSIA, 0.9, span(t, "Putin rules Russia")),),
    )
    _put(store, again)
    _check(store)
    (rel,) = [r for r in queries.relationships_of(store, B, [PUTIN])[PUTIN] if r.predicate == "leaderOf"]
    assert (rel.confidence, sorted(e.article_id for e in rel.evidence)) == (0.9, ["article-b", "article-d"])
    assert queries.entities_by_keys(store, B, [PUTIN])[PUTIN].aliases == ("Putin",)
    _, keys = queries.list_entities(store, B, queries.Page(0, 1), order=queries.EntityOrder.MENTIONS_DESC)
    assert keys == [MOSCOW]
    total, _ = queries.list_entities(store, B, queries.Page(0, 10), min_confidence=0.96)
    assert total == 2  # Ukraine and Russia (0.99); Moscow's best is 0.9


def test_summary_stays_out_of_linked_data_descriptions() -> None:
    from kg.describe import describe

    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    found = describe(store, B + FORCES)
    assert found.triples
    assert not [t for t in found.triples if t.predicate.value.startswith(summary.SUMMARY_NS)]


def test_summary_keeps_mentions_of_an_entity_no_article_described_yet() -> None:
    store = EmbeddedStore(None)
    t = "Odesa was quiet."
    bare = Extraction(
        article=dataclasses.replace(extraction_b().article, id="article-e", text=t),
        mentions=(Mention(0, 5, "Odesa", "place/odesa", EntityType.PLACE, 0.9, 0, len(t)),),
    )
    _put(store, bare)
    assert queries.entities_by_keys(store, B, ["place/odesa"]) == {}  # referred to, never described
    described = Extraction(
        article=dataclasses.replace(bare.article, id="article-f", text="Odesa again."),
        mentions=(Mention(0, 5, "Odesa", "place/odesa", EntityType.PLACE, 0.9, 0, 12),),
        entities=(Entity("place/odesa", EntityType.PLACE, "Odesa", confidence=0.8),),
    )
    _put(store, described)
    _check(store)
    assert queries.entities_by_keys(store, B, ["place/odesa"])["place/odesa"].mention_count == 2


def test_summary_is_built_when_a_server_opens_a_store_without_one(tmp_path: Path) -> None:
    from kg.store import ServingStore

    writer = EmbeddedStore(tmp_path / "db")
    _put(writer, extraction_a(), extraction_b())
    writer.update(f"DROP GRAPH <{summary.SUMMARY_GRAPH}>")  # as a store written before the summary
    writer.close()
    served = ServingStore(tmp_path / "db")
    assert queries.entities_by_keys(served, B, [ZELENSKY]) == {}
    assert store_writer.ensure(served) == 2  # through a short-lived writer, then published
    assert queries.entities_by_keys(served, B, [ZELENSKY])[ZELENSKY].aliases == ("Zelenskyy",)
    assert store_writer.ensure(served) == 0  # clean: checked on the snapshot, no writer opened
    served.close()


class _CountingStore(EmbeddedStore):
    """Counts the rows the store's queries return."""

    rows = 0

    def query(self, sparql: str, *, union: bool = False) -> list[dict[str, str]]:
        found = super().query(sparql, union=union)
        self.rows += len(found)
        return found


def _copy(x: Extraction, article_id: str) -> Extraction:
    return dataclasses.replace(x, article=dataclasses.replace(x.article, id=article_id))


def test_summary_after_a_write_checks_only_the_graphs_written(tmp_path: Path) -> None:
    store = _CountingStore(tmp_path / "db")
    _put(store, *(_copy(extraction_a(), f"c{i}") for i in range(20)))
    # An article written behind the summary's back (as a crash between write and sync leaves it).
    x = extraction_b()
    g = article_iri(B, x.article.id)
    body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in extraction_quads(x, B))
    store.update(f"INSERT DATA {{ GRAPH <{g}> {{ {body} }} }}")
    # Checking one graph reads its rows only; checking all reads a row per article.
    store.rows = 0
    assert not summary.dirty_articles(store, [article_iri(B, "c0")])
    targeted, store.rows = store.rows, 0
    assert summary.dirty_articles(store).fresh == (g,)
    assert (targeted, store.rows >= 21) == (3, True)  # c0's hash, c0's record, the summary's version
    # A later write checks only what it wrote: it leaves the other article alone...
    _put(store, _copy(extraction_a(), "late"))
    assert summary.dirty_articles(store).fresh == (g,)
    # ...which the full check (kg ingest's end, kg serve's start, kg summarise) repairs.
    assert summary.sync(store) == 1
    assert not summary.dirty_articles(store)
    store.close()


def _normalised(c: summary.Contributions) -> tuple[object, ...]:
    """Contributions as comparable values (decimals as numbers: the store makes them canonical)."""
    entities = {
        iri: (
            e.type,
            frozenset(e.labels),
            frozenset(e.aliases),
            frozenset(e.same_as),
            None if e.lat is None else (float(e.lat), float(e.long or "nan")),
            e.confidence,
            e.mentions,
        )
        for iri, e in c.entities.items()
    }
    rels = {k: (r.confidence, r.evidence, frozenset(r.statements)) for k, r in c.relationships.items()}
    return entities, rels, {g: frozenset(t) for g, t in c.touches.items()}


def _odesa_bare() -> Extraction:
    t = "Odesa was quiet."
    return Extraction(
        article=dataclasses.replace(extraction_b().article, id="article-e", text=t),
        mentions=(Mention(0, 5, "Odesa", "place/odesa", EntityType.PLACE, 0.9, 0, len(t)),),
    )


def test_contributions_found_in_quads_equal_what_the_store_reads_back(seed_extractions: list[Extraction]) -> None:
    from kg.summary._sync import _contributions

    for x in (extraction_a(), extraction_b(), _odesa_bare(), *seed_extractions):
        g = article_iri(B, x.article.id)
        quads = extraction_quads(x, B)
        store = EmbeddedStore(None)
        store._store.extend(quads)  # written raw: nothing else in the store
        read_back = _contributions(store, graphs=[g])
        assert _normalised(summary.contributions_of(g, quads)) == _normalised(read_back), x.article.id
        assert read_back.entities
        assert read_back.touches[g]


def test_summary_from_known_contributions_equals_one_read_back(seed_extractions: list[Extraction]) -> None:
    from kg.rdf import nquads_text

    xs = [extraction_a(), extraction_b(), _odesa_bare(), *seed_extractions]
    built = {article_iri(B, x.article.id): extraction_quads(x, B) for x in xs}
    batch = [(g, nquads_text(qs)) for g, qs in built.items()]
    told, read = EmbeddedStore(None), EmbeddedStore(None)
    told.put_nquads(batch, {g: summary.contributions_of(g, qs) for g, qs in built.items()})
    read.put_nquads(batch)
    assert _summary_quads(told) == _summary_quads(read)
    _check(told)


def _touches(store: EmbeddedStore) -> set[str]:
    rows = store.query(
        f"SELECT ?g WHERE {{ GRAPH <{summary.SUMMARY_GRAPH}> {{ ?g <{summary.SUMMARY_NS}touches> ?t }} }}"
    )
    return {r["g"] for r in rows}


def test_summary_records_what_an_article_touched_only_while_it_is_being_changed() -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    assert _touches(store) == set()  # a record is its hash: nothing per entity for a plain write
    a = article_iri(B, "article-a")
    summary.mark_changed(store, [a])  # what a rewrite does first
    assert _touches(store) == {a}
    assert summary.dirty_articles(store).changed == (a,)
    _put(store, _changed_a())  # marks nothing more: A is already marked, its old touches kept
    _check(store)
    assert _touches(store) == set()
    assert not summary.dirty_articles(store)


def test_summary_is_rebuilt_when_an_article_changed_behind_the_stores_back() -> None:
    store = EmbeddedStore(None)
    _put(store, extraction_a(), extraction_b())
    a = article_iri(B, "article-a")
    # Replaced by a raw update, not through the store: nobody recorded what A touched.
    store._store.remove_graph(ox.NamedNode(a))
    store._store.extend(extraction_quads(_changed_a(), B))
    assert summary.dirty_articles(store).unknown == (a,)
    assert summary.sync(store) == 2  # rebuilt from both articles
    _check(store)
    assert queries.entities_by_keys(store, B, ["place/bakhmut"]) == {}
