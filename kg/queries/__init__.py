"""The read model: SPARQL over the store -> frozen views for the API and the CLI, by noun.

Every function takes the store and the base IRI and returns plain records, never
rdflib or pyoxigraph terms. Functions that take a list of keys answer for all of
them in one query, so the API's DataLoaders cost one store query per field and
page, whatever the page size. Queries are built with :mod:`kg.sparql`.

======================  =====================================================
module                  what it reads
======================  =====================================================
``entities``            entities by key, the entity list, an article's entities
``articles``            articles by id, the article list, mentions, an entity's articles
``relationships``       entity-to-entity relationships, merged, with evidence
``events``              events by key, the event list, events of entities and articles
``evidence``            the evidence span view both of those share
``stats``               counts over the whole graph
======================  =====================================================
"""

from __future__ import annotations

from kg.queries.articles import (
    ArticleView,
    MentionView,
    articles_by_ids,
    articles_of_entity,
    list_articles,
    mentions_of_article,
)
from kg.queries.entities import EntityOrder, EntityView, entities_by_keys, entities_of_article, list_entities
from kg.queries.events import (
    EventFilter,
    EventOrder,
    EventView,
    ParticipantView,
    event_pages_of_entities,
    events_by_keys,
    events_of_articles,
    events_of_entities,
    events_of_entity,
    list_events,
    partial_upper,
)
from kg.queries.evidence import EvidenceView
from kg.queries.relationships import (
    RelationshipFilter,
    RelationshipView,
    relationship_page,
    relationship_pages,
    relationships_of,
)
from kg.queries.stats import Stats, graph_stats
from kg.sparql import Page
from kg.sparql import literal as sparql_string

__all__ = [
    "ArticleView",
    "EntityOrder",
    "EntityView",
    "EventFilter",
    "EventOrder",
    "EventView",
    "EvidenceView",
    "MentionView",
    "Page",
    "ParticipantView",
    "RelationshipFilter",
    "RelationshipView",
    "Stats",
    "articles_by_ids",
    "articles_of_entity",
    "entities_by_keys",
    "entities_of_article",
    "event_pages_of_entities",
    "events_by_keys",
    "events_of_articles",
    "events_of_entities",
    "events_of_entity",
    "graph_stats",
    "list_articles",
    "list_entities",
    "list_events",
    "mentions_of_article",
    "partial_upper",
    "relationship_page",
    "relationship_pages",
    "relationships_of",
    "sparql_string",
]
