"""A small hand-made graph for the API tests: two articles whose facts are known exactly.

Article A (2022-10-28) says Zelensky leads Ukraine, Russian forces attacked Bakhmut
on 26 October (3 dead) and Zelensky spoke in October. Article B (2022-07-05) says
Putin leads Russia, the forces are based in Russia, and they withdrew in 2022.
Only B mentions Putin, Russia and Moscow, so deleting B must remove them. Both extractions
conform to the shapes, as everything kg writes must (a test checks), so what the API tests
read is what a real store holds.
"""

from __future__ import annotations

from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.records import (
    Article,
    Entity,
    EntityType,
    Event,
    Evidence,
    Extraction,
    Mention,
    Participant,
    Relation,
    Sentence,
)
from kg.store import EmbeddedStore

__all__ = [
    "BAKHMUT",
    "FORCES",
    "MOSCOW",
    "PUTIN",
    "RUSSIA",
    "TEXT_A",
    "TEXT_B",
    "UKRAINE",
    "ZELENSKY",
    "extraction_a",
    "extraction_b",
    "sample_store",
    "span",
]

TEXT_A = (
    "Volodymyr Zelensky, the president of Ukraine, said Russian forces attacked Bakhmut on 26 October. "
    "Three people were killed."
)
TEXT_B = "Vladimir Putin, the president of Russia, spoke in Moscow. Russian forces withdrew from the city in 2022."


def span(text: str, needle: str) -> Evidence:
    """Evidence for the first occurrence of ``needle``; the sentence is the whole text."""
    start = text.index(needle)
    return Evidence(start, start + len(needle), needle, 0, len(text))


def _mention(text: str, needle: str, key: str, etype: EntityType) -> Mention:
    start = text.index(needle)
    return Mention(start, start + len(needle), needle, key, etype, 0.9, 0, len(text))


ZELENSKY = "person/volodymyr-zelensky"
PUTIN = "person/vladimir-putin"
UKRAINE = "place/ukraine"
RUSSIA = "place/russia"
BAKHMUT = "place/bakhmut"
MOSCOW = "place/moscow"
FORCES = "organisation/russian-forces"


def extraction_a() -> Extraction:
    """Article A's extraction."""
    t = TEXT_A
    return Extraction(
        article=Article(id="article-a", text=t, title="Bakhmut attacked", published="2022-10-28"),
        sentences=(Sentence(0, len(t)),),
        mentions=(
            _mention(t, "Volodymyr Zelensky", ZELENSKY, EntityType.PERSON),
            _mention(t, "Ukraine", UKRAINE, EntityType.PLACE),
            _mention(t, "Russian forces", FORCES, EntityType.ORGANISATION),
            _mention(t, "Bakhmut", BAKHMUT, EntityType.PLACE),
        ),
        entities=(
            Entity(ZELENSKY, EntityType.PERSON, "Volodymyr Zelensky", aliases=("Zelenskyy",), confidence=0.95),
            Entity(
                UKRAINE, EntityType.PLACE, "Ukraine", confidence=0.99, same_as=("https://sws.geonames.org/690791/",)
            ),
            Entity(FORCES, EntityType.ORGANISATION, "Russian forces", confidence=0.7),
            Entity(
                BAKHMUT, EntityType.PLACE, "Bakhmut", confidence=0.9, latitude=48.59, longitude=38.0, country=UKRAINE
            ),
        ),
        relations=(
            Relation(ZELENSKY, "leaderOf", UKRAINE, 0.8, span(t, "Volodymyr Zelensky, the president of Ukraine")),
        ),
        events=(
            Event(
                "event/a/0",
                "Attack",
                "Attack on Bakhmut",
                span(t, "attacked"),
                0.85,
                participants=(Participant("agent", FORCES),),
                place=BAKHMUT,
                start="2022-10-26",
                casualties=3,
            ),
            Event(
                "event/a/1",
                "Statement",
                "Zelensky speaks",
                span(t, "said"),
                0.6,
                participants=(Participant("speaker", ZELENSKY),),
                start="2022-10",
            ),
        ),
    )


def extraction_b() -> Extraction:
    """Article B's extraction."""
    t = TEXT_B
    return Extraction(
        article=Article(id="article-b", text=t, title="Putin speaks", published="2022-07-05"),
        sentences=(Sentence(0, len(t)),),
        mentions=(
            _mention(t, "Vladimir Putin", PUTIN, EntityType.PERSON),
            _mention(t, "Russia", RUSSIA, EntityType.PLACE),
            _mention(t, "Moscow", MOSCOW, EntityType.PLACE),
            _mention(t, "Russian forces", FORCES, EntityType.ORGANISATION),
        ),
        entities=(
            Entity(PUTIN, EntityType.PERSON, "Vladimir Putin", confidence=0.95),
            Entity(RUSSIA, EntityType.PLACE, "Russia", confidence=0.99),
            Entity(MOSCOW, EntityType.PLACE, "Moscow", confidence=0.9, country=RUSSIA),
            Entity(FORCES, EntityType.ORGANISATION, "Russian forces", aliases=("Russian army",), confidence=0.75),
        ),
        relations=(
            Relation(PUTIN, "leaderOf", RUSSIA, 0.8, span(t, "Vladimir Putin, the president of Russia")),
            Relation(FORCES, "basedIn", RUSSIA, 0.4, span(t, "Russian forces")),
        ),
        events=(
            Event(
                "event/b/0",
                "Withdrawal",
                "Russian forces withdraw",
                span(t, "withdrew"),
                0.7,
                participants=(Participant("agent", FORCES),),
                start="2022",
            ),
        ),
    )


def sample_store() -> EmbeddedStore:
    """An in-memory store holding both articles."""
    store = EmbeddedStore(None)
    for x in (extraction_a(), extraction_b()):
        store.put_articles([(article_iri(DEFAULT_BASE, x.article.id), extraction_quads(x))])
    return store
