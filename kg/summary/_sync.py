"""Keeping the entity summary in step with the article graphs (see :mod:`kg.summary`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.sparql import PROLOGUE as _PREFIXES
from kg.sparql import iris as _iris
from kg.sparql import literal as _lit
from kg.summary._contributions import Contributions
from kg.summary._index import rebuild_index, sync_index
from kg.summary._model import (
    _DECIMAL,
    _ENTITY_TYPES,
    CHUNK,
    SUMMARY_GRAPH,
    SUMMARY_NS,
    VERSION,
    EntitySummary,
    RelationshipSummary,
    _dec,
    _int,
    _read_relationships_by_iri,
    _read_summaries,
)

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "Dirty",
    "dirty_articles",
    "mark_changed",
    "rebuild",
    "sync",
]


# ------------------------------------------------------- what the articles say


def _scope(graphs: Sequence[str] | None, keys: Sequence[str] | None, var: str) -> str:
    """VALUES clauses restricting a UNION branch to some graphs and/or some IRIs."""
    out = ""
    if graphs is not None:
        out += f"VALUES ?g {{ {_iris(graphs)} }} "
    if keys is not None:
        out += f"VALUES {var} {{ {_iris(keys)} }} "
    return out


def _contributions(
    store: Store, *, graphs: Sequence[str] | None = None, keys: Sequence[str] | None = None
) -> Contributions:
    """What the article graphs ``graphs`` (all when ``None``) say about ``keys`` (everything when ``None``).

    Entities come from the graphs that type them, with the same patterns the read
    model merged at query time; relationships are the reified statements and the
    plain ``kg:locatedIn`` links linking writes, in both directions for ``keys``.
    Three queries, linear in the matching triples.
    """
    acc = Contributions()
    types = _iris(_ENTITY_TYPES)
    e_scope = _scope(graphs, keys, "?e")
    g_values = f"VALUES ?g {{ {_iris(graphs)} }}" if graphs is not None else ""
    rows = store.query(
        _PREFIXES
        + f"""SELECT ?g ?e ?type ?label ?c ?alias ?same ?lat ?long WHERE {{ {g_values} GRAPH ?g {{
    {{ {e_scope} VALUES ?type {{ {types} }} ?e a ?type ; rdfs:label ?label ; kg:confidence ?c . }}
    UNION {{ {e_scope} ?e skos:altLabel ?alias . ?e a ?t2 . VALUES ?t2 {{ {types} }} }}
    UNION {{ {e_scope} ?e skos:exactMatch ?same . ?e a ?t3 . VALUES ?t3 {{ {types} }} }}
    UNION {{ {e_scope} ?e wgs84:lat ?lat ; wgs84:long ?long . ?e a ?t4 . VALUES ?t4 {{ {types} }} }}
}} }}"""
    )
    for r in rows:
        if r["g"] == SUMMARY_GRAPH:
            continue
        e = acc.entity(r["e"])
        acc.touches.setdefault(r["g"], set()).add(r["e"])
        if "type" in r:
            e.type = e.type or r["type"]
            e.labels.add(r["label"])
            e.confidence = max(e.confidence, float(r["c"]))
        if "alias" in r:
            e.aliases.add(r["alias"])
        if "same" in r:
            e.same_as.add(r["same"])
        if "lat" in r and "long" in r and e.lat is None:
            e.lat, e.long = r["lat"], r["long"]
    m_scope = _scope(graphs, keys, "?e")
    for r in store.query(
        _PREFIXES
        + f"""SELECT ?g ?e (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {m_scope} GRAPH ?g {{ ?m kg:denotes ?e }} }}
GROUP BY ?g ?e"""
    ):
        if r["g"] == SUMMARY_GRAPH:
            continue
        acc.entity(r["e"]).mentions += int(r["n"])
        acc.touches.setdefault(r["g"], set()).add(r["e"])
    x_scope = _scope(graphs, keys, "?x")
    if keys is None:
        statement = "?st a kg:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:confidence ?c ."
        located = "?s kg:locatedIn ?o . ?s kg:confidence ?sc . BIND(kg:locatedIn AS ?p)"
        branches = f"{{ {x_scope} {statement} OPTIONAL {{ ?st kg:evidence ?ev }} }} UNION {{ {x_scope} {located} }}"
    else:
        statement = (
            "?st a kg:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:confidence ?c . "
            "OPTIONAL { ?st kg:evidence ?ev }"
        )
        branches = (
            f"{{ {x_scope} ?st rdf:subject ?x . {statement} }} UNION {{ {x_scope} ?st rdf:object ?x . {statement} }}"
            f" UNION {{ {x_scope} ?x kg:locatedIn ?o . ?x kg:confidence ?sc . BIND(?x AS ?s) BIND(kg:locatedIn AS ?p) }}"
            f" UNION {{ {x_scope} ?s kg:locatedIn ?x . ?s kg:confidence ?sc . BIND(?x AS ?o) BIND(kg:locatedIn AS ?p) }}"
        )
    rel_rows = store.query(
        _PREFIXES
        + f"""SELECT ?g ?s ?p ?o (MAX(COALESCE(?c, ?sc, 0)) AS ?conf) (COUNT(DISTINCT ?ev) AS ?n)
  (GROUP_CONCAT(DISTINCT COALESCE(STR(?st), ""); separator=" ") AS ?sts) WHERE {{
  GRAPH ?g {{ {branches} }} }} GROUP BY ?g ?s ?p ?o"""
    )
    for r in rel_rows:
        if r["g"] == SUMMARY_GRAPH:
            continue
        statements = set(r.get("sts", "").split())
        acc.relationship(r["s"], r["p"], r["o"], float(r.get("conf", "0")), int(r.get("n", "0")), statements)
        acc.touches.setdefault(r["g"], set()).update((r["s"], r["o"]))
    return acc


# ------------------------------------------------------------------ syncing


@dataclass(frozen=True, slots=True)
class Dirty:
    """Articles the summary does not reflect.

    Attributes:
        fresh: Article graphs with no record: their contributions are only to be added.
        changed: Graphs marked by :func:`mark_changed` (replaced, deleted, rewritten):
            what they touched must be recomputed.
        old_touches: For each changed graph, what it touched when the summary took it in.
        hashes: The current content hash of every fresh or changed graph that exists.
        maintained: Whether the store has a summary at all.
        unknown: Graphs whose record disagrees with them though nobody marked them
            (written behind kg's back): what they touched is unknown, so only a
            rebuild is right.
    """

    fresh: tuple[str, ...]
    changed: tuple[str, ...]
    old_touches: dict[str, frozenset[str]]
    hashes: dict[str, str]
    maintained: bool
    unknown: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.fresh or self.changed or self.unknown) or not self.maintained


def dirty_articles(store: Store, graphs: Sequence[str] | None = None) -> Dirty:
    """Compare the articles with the summary's records.

    Args:
        store: The store.
        graphs: Compare only these article graphs (the ones a write just touched):
            two queries bound to them, whatever the store's size. ``None`` compares
            every article (linear in the article count): at start-up, at the end of an
            ingest and for ``kg summarise``, which is what repairs a crash between a
            write and its summary update. A store without a summary is always compared
            whole.
    """
    scope = f"VALUES ?g {{ {_iris(graphs)} }}" if graphs is not None else ""
    if graphs is not None and not graphs:
        scope = "FILTER(false)"
    current = {
        r["g"]: r.get("h", "")
        for r in store.query(
            _PREFIXES
            + f"SELECT ?g ?h WHERE {{ {scope} GRAPH ?g {{ ?g a kg:Article OPTIONAL {{ ?g kg:contentHash ?h }} }} }}"
        )
        if r["g"] != SUMMARY_GRAPH
    }
    recorded: dict[str, str] = {}
    has_record: set[str] = set()
    maintained = False
    for r in store.query(
        _PREFIXES
        + f"""SELECT ?g ?h ?v WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
  {{ {scope} ?g s:recorded true OPTIONAL {{ ?g s:hash ?h }} }} UNION {{ ?x s:version ?v }} }} }}"""
    ):
        if "v" in r:
            maintained = r["v"] == VERSION
            continue
        has_record.add(r["g"])
        if "h" in r:
            recorded[r["g"]] = r["h"]
    if not maintained and graphs is not None:
        return dirty_articles(store)  # no summary yet: it is built from every article
    if not maintained:
        # No summary (or an old format): everything is fresh, and old records go.
        return Dirty(tuple(sorted(current)), tuple(sorted(has_record - set(current))), {}, current, False)
    fresh = sorted(g for g in current if g not in has_record)
    changed = sorted(g for g in has_record if g not in recorded)
    unknown = tuple(sorted(g for g in recorded if current.get(g) != recorded[g]))
    old: dict[str, frozenset[str]] = {}
    if changed:
        rows = store.query(
            _PREFIXES
            + f"""SELECT ?g ?t WHERE {{ VALUES ?g {{ {_iris(changed)} }} GRAPH <{SUMMARY_GRAPH}> {{ ?g s:touches ?t }} }}"""
        )
        found: dict[str, set[str]] = {}
        for r in rows:
            found.setdefault(r["g"], set()).add(r["t"])
        old = {g: frozenset(found.get(g, ())) for g in changed}
    hashes = {g: current[g] for g in (*fresh, *changed) if g in current}
    return Dirty(tuple(fresh), tuple(changed), old, hashes, True, unknown)


def mark_changed(store: Store, graphs: Sequence[str]) -> None:
    """Before article graphs are replaced, rewritten or dropped: keep what the summary took from them.

    For each of ``graphs`` the summary reflects, what the graph touches now is
    recorded and its content hash dropped, in one update, so the following
    :func:`sync`, or the full one after a crash, knows what to recompute. Graphs
    the summary does not reflect yet need nothing. The writer (:mod:`kg.store.writer`) calls this before
    every rewrite and delete; records of untouched articles hold only their hash.
    """
    if not graphs:
        return
    rows = store.query(
        _PREFIXES
        + f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {_iris(dict.fromkeys(graphs))} }} GRAPH <{SUMMARY_GRAPH}> {{ ?g s:hash ?h }} }}"
    )
    recorded = {r["g"]: r["h"] for r in rows}
    current = store.article_digests(list(recorded)) if recorded else {}
    # A graph whose hash already disagrees was changed behind kg's back: left to sync's rebuild.
    summarised = sorted(g for g, h in recorded.items() if current.get(g) == h)
    if not summarised:
        return
    now = _contributions(store, graphs=summarised)
    lines = [f"<{g}> <{SUMMARY_NS}touches> <{t}> ." for g in summarised for t in sorted(now.touches.get(g, ()))]
    ops = [_delete(summarised, ("hash",))]
    if lines:
        ops.append(f"INSERT DATA {{ GRAPH <{SUMMARY_GRAPH}> {{\n" + "\n".join(lines) + "\n} }")
    store.update(_PREFIXES + " ;\n".join(ops))


def sync(store: Store, graphs: Sequence[str] | None = None, known: Mapping[str, Contributions] | None = None) -> int:
    """Bring the summary, then the read index (:mod:`kg.summary._index`), up to date; return the articles taken in.

    See :func:`_sync_summary` for the arguments; the read index checks the same
    ``graphs`` (every article when ``None``) against its own records.
    """
    taken = _sync_summary(store, graphs, known)
    facts = {g: c.facts[g] for g, c in (known or {}).items() if g in c.facts}
    # Each known graph's own entity contributions (one graph per Contributions, as the workers build them).
    entities = {g: c.entities for g, c in (known or {}).items() if g in c.facts and len(c.facts) == 1}
    sync_index(store, graphs, facts, entities)
    return taken


def _sync_summary(
    store: Store, graphs: Sequence[str] | None = None, known: Mapping[str, Contributions] | None = None
) -> int:
    """Bring the summary up to date with the article graphs; return the articles it took in.

    Args:
        store: The store.
        graphs: Limit the check to the graphs a write just touched (see
            :func:`dirty_articles`); without it every article is checked.
        known: What some just-written graphs contribute, found in their quads before
            they were written (:func:`~kg.summary.contributions_of`); those graphs are
            not read back. Only used for graphs that are fresh.

    Fresh articles are merged into the stored summary in chunks of :data:`CHUNK`;
    when some article changed, everything dirty is handled in one update, the
    entities and relationships the changed articles touched (before and after)
    recomputed from every article graph. A graph changed without
    :func:`mark_changed` leaves no trace of what it touched: the summary is rebuilt.

    Notes:
        Two queries when nothing is dirty. A chunk of fresh articles costs O(what
        they say); a changed article costs O(mentions of what it touched).
    """
    dirty = dirty_articles(store, graphs)
    if not dirty:
        return 0
    if dirty.unknown:
        store.update(f"DROP SILENT GRAPH <{SUMMARY_GRAPH}>")
        return _sync_summary(store)
    known = known or {}
    if dirty.changed or not dirty.maintained:
        if not dirty.maintained and not dirty.changed:
            _step(store, dirty, dirty.fresh[:CHUNK], (), known, init=True)
            rest = dirty.fresh[CHUNK:]
        else:
            _step(store, dirty, dirty.fresh, dirty.changed, known, init=not dirty.maintained)
            rest = ()
    else:
        rest = dirty.fresh
    for i in range(0, len(rest), CHUNK):
        _step(store, dirty, rest[i : i + CHUNK], (), known, init=False)
    return len(dirty.fresh) + len(dirty.changed)


def _step(
    store: Store,
    dirty: Dirty,
    fresh: Sequence[str],
    changed: Sequence[str],
    known: Mapping[str, Contributions],
    *,
    init: bool,
) -> None:
    """One update: merge ``fresh`` articles, recompute what ``changed`` ones touched."""
    # What the changed articles touched before (their records) and touch now (their graphs).
    existing = [g for g in changed if g in dirty.hashes]
    now = _contributions(store, graphs=existing) if existing else Contributions()
    recompute = set().union(*(dirty.old_touches.get(g, frozenset()) for g in changed), *now.touches.values())
    keys = sorted(recompute)
    full = _contributions(store, keys=keys) if keys else Contributions()
    unread = [g for g in fresh if g not in known]
    added = _contributions(store, graphs=unread) if unread else Contributions()
    for g in fresh:
        if g in known:
            added.add(known[g])

    # Recomputed entities and relationships (those a changed article touched) are
    # replaced whole; the others fresh articles touch are merged into what is stored.
    entities = {iri: e for iri, e in full.entities.items() if iri in recompute}
    rels = {k: r for k, r in full.relationships.items() if r.subject in recompute or r.object in recompute}
    merge_into = [iri for iri in added.entities if iri not in recompute]
    new_rels = [r for r in added.relationships.values() if r.subject not in recompute and r.object not in recompute]
    merged: list[tuple[EntitySummary, EntitySummary]] = []
    merged_rels: list[tuple[RelationshipSummary | None, RelationshipSummary]] = []
    if init:  # nothing stored yet: what the fresh articles say is the whole summary
        entities.update((iri, added.entities[iri]) for iri in merge_into)
        rels.update(((r.subject, r.predicate, r.object), r) for r in new_rels)
    else:
        # Only the fields merged by value are read: a hub's labels and statements stay put.
        stored = _read_summaries(store, merge_into, _MERGED_BY_VALUE)
        merged = [(stored.get(iri, EntitySummary(iri)), added.entities[iri]) for iri in merge_into]
        stored_rels = _read_relationships_by_iri(store, [r.iri for r in new_rels], statements=False)
        merged_rels = [(stored_rels.get(r.iri), r) for r in new_rels]
    store.update(
        _write(entities, rels, merged, merged_rels, dirty.hashes, sorted(recompute), [*fresh, *changed], init=init)
    )


#: Entity fields a merge computes from the stored value (the others are sets, only added to).
_MERGED_BY_VALUE = ("type", "confidence", "mentions", "lat", "long")


def _write(
    entities: dict[str, EntitySummary],
    rels: dict[tuple[str, str, str], RelationshipSummary],
    merged: list[tuple[EntitySummary, EntitySummary]],
    merged_rels: list[tuple[RelationshipSummary | None, RelationshipSummary]],
    hashes: dict[str, str],
    recomputed: list[str],
    graphs: list[str],
    *,
    init: bool,
) -> str:
    """The one SPARQL update that writes what a step produced.

    ``entities`` and ``rels`` replace what is stored of them. ``merged`` and
    ``merged_rels`` pair what is stored (scalars only) with what fresh articles
    add: the counts and confidences are replaced by the merged values, and the new
    labels, aliases, sameAs links and statements are inserted beside the stored
    ones, so a merge writes what the fresh articles say, not all a hub has gathered.
    """
    ops: list[str] = []
    if init:
        ops.append(f"DROP SILENT GRAPH <{SUMMARY_GRAPH}>")
    subjects = [*entities, *recomputed, *(r.iri for r in rels.values()), *graphs]
    if subjects and not init:
        ops.append(_delete(subjects))
    if recomputed and not init:
        # Relationships that vanished with a changed article have no new node to replace them.
        values = _iris(recomputed)
        ops.append(
            f"""DELETE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?r ?p ?v }} }} WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
  {{ VALUES ?x {{ {values} }} ?r <{SUMMARY_NS}subject> ?x }} UNION {{ VALUES ?x {{ {values} }} ?r <{SUMMARY_NS}object> ?x }}
  ?r ?p ?v }} }}"""
        )
    counted = [*(a.iri for _, a in merged), *(a.iri for _, a in merged_rels)]
    if counted:
        ops.append(_delete(counted, ("confidence", "mentions", "evidence")))
    lines: list[str] = []
    s = SUMMARY_NS
    if init:
        lines.append(f'<{SUMMARY_GRAPH}> <{s}version> "{VERSION}" .')
    for e in entities.values():
        lines.extend(_entity_lines(e, e, EntitySummary(e.iri)))
    for old, new in merged:
        # The stored values without the stored names: only the new names are written.
        total = EntitySummary(
            old.iri, old.type, lat=old.lat, long=old.long, confidence=old.confidence, mentions=old.mentions
        )
        total.merge(new)
        lines.extend(_entity_lines(total, new, old))
    for r in rels.values():
        lines.extend(_rel_lines(r, r, None))
    for before, r in merged_rels:
        both = RelationshipSummary(r.subject, r.predicate, r.object, r.confidence, r.evidence)
        if before is not None:
            both.merge(before)
        lines.extend(_rel_lines(both, r, before))
    for g in graphs:
        if g in hashes:  # a deleted graph's record goes with it
            lines.append(f"<{g}> <{s}recorded> true .")
            lines.append(f"<{g}> <{s}hash> {_lit(hashes[g])} .")
    if lines:
        body = "\n".join(lines)
        ops.append(f"INSERT DATA {{ GRAPH <{SUMMARY_GRAPH}> {{\n{body}\n}} }}")
    return _PREFIXES + " ;\n".join(ops)


def _delete(subjects: Sequence[str], fields: Sequence[str] = ()) -> str:
    """A SPARQL update dropping what the summary says of ``subjects``: every field, or only ``fields``."""
    only = f"VALUES ?p {{ {_iris(SUMMARY_NS + f for f in fields)} }} " if fields else ""
    return (
        f"DELETE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?x ?p ?o }} }} WHERE {{ VALUES ?x {{ {_iris(dict.fromkeys(subjects))} }}"
        f" {only}GRAPH <{SUMMARY_GRAPH}> {{ ?x ?p ?o }} }}"
    )


def _entity_lines(total: EntitySummary, new: EntitySummary, stored: EntitySummary) -> list[str]:
    """An entity's triples: ``total``'s values, ``new``'s names, what ``stored`` lacks of the rest."""
    if not total.type and not total.mentions:
        return []  # only referred to (a country no article names): no summary, as before
    s, n = SUMMARY_NS, f"<{total.iri}>"
    lines = [f"{n} <{s}confidence> {_dec(total.confidence)} .", f"{n} <{s}mentions> {_int(total.mentions)} ."]
    if total.type and not stored.type:  # untyped: mentions kept for when an article describes it
        lines.append(f"{n} <{s}type> <{total.type}> .")
    lines.extend(f"{n} <{s}label> {_lit(v)} ." for v in sorted(new.labels))
    lines.extend(f"{n} <{s}alias> {_lit(v)} ." for v in sorted(new.aliases))
    lines.extend(f"{n} <{s}sameAs> <{v}> ." for v in sorted(new.same_as))
    if total.lat is not None and total.long is not None and stored.lat is None:
        lines.append(f'{n} <{s}lat> "{total.lat}"^^<{_DECIMAL}> .')
        lines.append(f'{n} <{s}long> "{total.long}"^^<{_DECIMAL}> .')
    return lines


def _rel_lines(total: RelationshipSummary, new: RelationshipSummary, stored: RelationshipSummary | None) -> list[str]:
    """A relationship's triples: ``total``'s counts, ``new``'s statements (and its ends when not ``stored``)."""
    s, n = SUMMARY_NS, f"<{total.iri}>"
    lines = []
    if stored is None:
        lines.append(f"{n} <{s}subject> <{total.subject}> .")
        lines.append(f"{n} <{s}predicate> <{total.predicate}> .")
        lines.append(f"{n} <{s}object> <{total.object}> .")
    lines.append(f"{n} <{s}confidence> {_dec(total.confidence)} .")
    lines.append(f"{n} <{s}evidence> {_int(total.evidence)} .")
    lines.extend(f"{n} <{s}statement> <{st}> ." for st in sorted(new.statements))
    return lines


def rebuild(store: Store) -> int:
    """Drop the summary and the read index and build them again from every article graph; return the articles taken in."""
    store.update(f"DROP SILENT GRAPH <{SUMMARY_GRAPH}>")
    taken = _sync_summary(store)
    rebuild_index(store)
    return taken
