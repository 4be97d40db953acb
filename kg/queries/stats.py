"""Counts over the whole graph."""

from __future__ import annotations

from dataclasses import dataclass

from kg import sparql, summary
from kg.namespace import KG_NS
from kg.ontology import ONTOLOGY_GRAPH
from kg.sparql import PROLOGUE
from kg.store import SERVER_GRAPHS, SERVICE, Store
from kg.summary import SUMMARY_GRAPH

__all__ = ["Stats", "graph_stats"]


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts over the whole graph."""

    articles: int
    entities: int
    people: int
    organisations: int
    places: int
    events: int
    relations: int
    mentions: int
    quads: int

    def as_dict(self) -> dict[str, int]:
        """The counts by name, in display order."""
        return {name: getattr(self, name) for name in self.__slots__}


#: Graphs whose quads ``stats`` does not count: the entity summary (derived), the ontology and a server's own.
_NOT_COUNTED = sparql.iris((SUMMARY_GRAPH, ONTOLOGY_GRAPH, *SERVER_GRAPHS))


def graph_stats(store: Store) -> Stats:
    """Count what the graph holds: maintained counters of the read index, else one query.

    With the read index (:mod:`kg.summary._index`) ``quads`` counts the article
    graphs' quads (graphs written behind kg's back are not counted).
    """
    idx = summary.read_index(store)
    if idx is not None:
        c = idx.counts()
        people, orgs, places = (c.get(f"{KG_NS}{t}", 0) for t in ("Person", "Organisation", "Place"))
        return Stats(
            articles=c.get("articles", 0),
            entities=people + orgs + places,
            people=people,
            organisations=orgs,
            places=places,
            events=c.get("events", 0),
            relations=c.get("relations", 0),
            mentions=c.get("mentions", 0),
            quads=c.get("quads", 0),
        )
    rows = store.query(
        PROLOGUE
        + """SELECT
  (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?p) AS ?people)
  (COUNT(DISTINCT ?o) AS ?organisations) (COUNT(DISTINCT ?pl) AS ?places)
  (COUNT(DISTINCT ?e) AS ?events) (COUNT(DISTINCT ?st) AS ?relations)
  (COUNT(DISTINCT ?m) AS ?mentions)
WHERE { GRAPH ?g {
  { ?a a kg:Article } UNION { ?p a kg:Person } UNION { ?o a kg:Organisation } UNION { ?pl a kg:Place }
  UNION { ?e a kg:Event } UNION { ?st a kg:Statement } UNION { ?m a kg:Mention }
} }"""
    )
    # The entity summary's quads are derived data, and a server's own graphs are not kg's:
    # counted apart and taken off (a FILTER on every quad's graph would cost a fifth more
    # on a large store).
    quads = store.query(
        f"""SELECT ((?all - ?derived - ?described) AS ?n) WHERE {{
  {{ SELECT (COUNT(*) AS ?all) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(*) AS ?derived) WHERE {{ VALUES ?d {{ {_NOT_COUNTED} }} GRAPH ?d {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(*) AS ?described) WHERE {{ GRAPH ?sd {{ ?sd a {sparql.iri(SERVICE)} . ?s ?p ?o }} }} }}
}}"""
    )
    r = rows[0] if rows else {}

    def n(name: str) -> int:
        return int(r.get(name, "0"))

    return Stats(
        articles=n("articles"),
        entities=n("people") + n("organisations") + n("places"),
        people=n("people"),
        organisations=n("organisations"),
        places=n("places"),
        events=n("events"),
        relations=n("relations"),
        mentions=n("mentions"),
        quads=int(quads[0]["n"]) if quads else 0,
    )
