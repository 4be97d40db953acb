"""Relationships the text states, apart from facts derived from another record (GeoNames).

A place's containment taken from the gazetteer is no statement of the article: the
default ``Entity.relationships`` read leaves it out, ``derived: true`` adds it with
``stated: false`` and the record it came from.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api import build_schema
from api.context import Context
from kg.ingest import ingest_articles
from kg.records import Article
from kg.settings import Settings
from kg.store import EmbeddedStore

SCHEMA = build_schema()

QUERY = """query($id: ID!, $derived: Boolean!) { entity(id: $id) { ... on Entity {
  relationships(predicate: "locatedIn", derived: $derived) { totalCount edges { node {
    stated derivedFrom object { label } evidence { text } } } } } } }"""


def _relationships(store: EmbeddedStore, settings: Settings, derived: bool) -> list[dict[str, Any]]:
    result = asyncio.run(
        SCHEMA.execute(
            QUERY,
            variable_values={"id": "place/lyon", "derived": derived},
            context_value=Context(store=store, settings=settings),
        )
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return [e["node"] for e in result.data["entity"]["relationships"]["edges"]]


@pytest.mark.parametrize(
    ("text", "derived", "expected"),
    [
        ("Leaders met in Lyon on Monday. Lyon welcomed them, and France paid for the summit.", False, []),
        (
            "Leaders met in Lyon on Monday. Lyon welcomed them, and France paid for the summit.",
            True,
            [(False, ("https://sws.geonames.org/2996944/",), "France")],
        ),
        ("Protesters gathered in Lyon, France, on Saturday.", False, [(True, (), "France")]),
        ("Protesters gathered in Lyon, France, on Saturday.", True, [(True, (), "France")]),
    ],
    ids=["derived-hidden-by-default", "derived-asked-for", "stated-shown", "stated-and-derived-reads-as-stated"],
)
def test_relationships_default_read_lists_what_the_text_states(
    settings: Settings, text: str, derived: bool, expected: list[tuple[bool, tuple[str, ...], str]]
) -> None:
    store = EmbeddedStore(None)
    report = ingest_articles([Article(id="lyon", text=text)], store, settings, workers=1)
    assert report.ingested == ("lyon",)
    got = _relationships(store, settings, derived)
    assert [(r["stated"], tuple(r["derivedFrom"]) if not r["stated"] else (), r["object"]["label"]) for r in got] == (
        expected
    )
    for r in got:
        spans = [e["text"] for e in r["evidence"]]
        # A stated relationship's evidence is the sentence saying it; a derived one's the place's mentions.
        assert spans
        assert all(("France" in s) is r["stated"] for s in spans)


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("Storms hit Dallas on Monday, and officials across Texas warned of more rain.", 3),
        ("Leaders met in Lyon. Lyon has long been a trading city of Europe, and France welcomed them.", 2),
        ("Nothing happened in the village this week.", 0),
    ],
    ids=["city-region-country", "city-country-continent", "no-linked-place"],
)
def test_containment_every_gazetteer_fact_names_its_source(text: str, facts: int) -> None:
    from kg.extract.entities import entities_from_doc
    from kg.extract.link import containment
    from kg.extract.pipeline import load_pipeline

    mentions, entities = entities_from_doc(load_pipeline()(text))
    relations = containment(mentions, entities)
    assert len({(r.subject, r.object) for r in relations}) == facts
    assert all(r.derived_from is not None and r.derived_from.startswith("https://") for r in relations)
    assert not any(r.stated for r in relations)
