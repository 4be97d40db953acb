"""A realistic hand-made extraction of the seed article, for ontology and SHACL tests.

Offsets are found in the seed text rather than typed in, so they always point at the
words they claim to.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

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
    content_hash,
)
from tests.support.paths import ROOT

SEED = ROOT / "seeds" / "000_3103324fae5b7b40.txt"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def seed_text() -> str:
    """The seed article's body, without its leading ``date YYYY-MM-DD`` header."""
    raw = SEED.read_text(encoding="utf-8")
    return re.sub(r"^\s*date\s+\S+\s+", "", raw).strip() + "\n"


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"[^\s][^\n]*?(?:[.!?][”\"]?(?=\s)|$)", text, flags=re.MULTILINE):
        spans.append((m.start(), m.end()))
    return spans


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _sentence_of(spans: list[tuple[int, int]], start: int) -> tuple[int, int]:
    return next(s for s in spans if s[0] <= start < s[1])


def seed_extraction() -> Extraction:
    """An extraction of the seed article a careful annotator would write by hand."""
    text = seed_text()
    article = Article(
        id=content_hash(text)[:16],
        text=text,
        title="Russia edges closer to Bakhmut",
        published="2022-10-28",
        url="https://example.org/news/bakhmut",
        source="Associated Press",
    )
    sents = _sentences(text)

    def mention(needle: str, key: str, kind: EntityType, nth: int = 0) -> Mention:
        s, e = _span(text, needle, nth)
        ss, se = _sentence_of(sents, s)
        return Mention(s, e, needle, key, kind, 0.9, ss, se)

    def evidence(needle: str) -> Evidence:
        s, e = _span(text, needle)
        ss, se = _sentence_of(sents, s)
        return Evidence(s, e, needle, ss, se)

    entities = (
        Entity(
            "place/bakhmut",
            EntityType.PLACE,
            "Bakhmut",
            confidence=0.95,
            same_as=("https://sws.geonames.org/712165/",),
            latitude=48.59441,
            longitude=38.00028,
            country="place/ukraine",
        ),
        Entity(
            "place/ukraine",
            EntityType.PLACE,
            "Ukraine",
            confidence=0.97,
            same_as=("https://sws.geonames.org/690791/",),
            latitude=49.0,
            longitude=32.0,
        ),
        Entity("place/russia", EntityType.PLACE, "Russia", aliases=("Moscow",), confidence=0.9),
        Entity("person/vladimir-putin", EntityType.PERSON, "Vladimir Putin", aliases=("Putin",), confidence=0.9),
        Entity(
            "person/volodymyr-zelensky",
            EntityType.PERSON,
            "Volodymyr Zelensky",
            aliases=("Zelensky",),
            confidence=0.92,
        ),
        Entity("organisation/wagner-group", EntityType.ORGANISATION, "Wagner Group", confidence=0.8),
    )
    mentions = (
        mention("Bakhmut", "place/bakhmut", EntityType.PLACE),
        mention("Ukraine", "place/ukraine", EntityType.PLACE),
        mention("Vladimir Putin", "person/vladimir-putin", EntityType.PERSON),
        mention("Volodymyr Zelensky", "person/volodymyr-zelensky", EntityType.PERSON),
        mention("Wagner Group", "organisation/wagner-group", EntityType.ORGANISATION),
        mention("Russia", "place/russia", EntityType.PLACE, nth=1),
    )
    relations = (
        Relation(
            "person/vladimir-putin",
            "leaderOf",
            "place/russia",
            0.8,
            evidence("Russian President Vladimir Putin"),
            role="President",
        ),
        Relation(
            "person/volodymyr-zelensky",
            "leaderOf",
            "place/ukraine",
            0.85,
            evidence("Ukrainian President Volodymyr Zelensky"),
            role="President",
        ),
    )
    events = (
        Event(
            key=f"event/{article.id}/0",
            type="Attack",
            label="Russia battered Bakhmut",
            evidence=evidence("Russia has battered Bakhmut with rockets for more than five months."),
            confidence=0.75,
            participants=(Participant("agent", "place/russia"), Participant("target", "place/bakhmut")),
            place="place/bakhmut",
            start="2022-05",
            trigger="battered",
        ),
        Event(
            key=f"event/{article.id}/1",
            type="Killing",
            label="Shelling killed three people",
            evidence=evidence("the shelling killed at least three people between Wednesday and Thursday"),
            confidence=0.7,
            participants=(Participant("affected", "place/bakhmut"),),
            place="place/bakhmut",
            start="2022-10-26",
            end="2022-10-27",
            casualties=3,
            trigger="killed",
        ),
        Event(
            key=f"event/{article.id}/2",
            type="Statement",
            label="Zelensky on Russia's drive for Bakhmut",
            evidence=evidence("Ukrainian President Volodymyr Zelensky said"),
            confidence=0.8,
            participants=(
                Participant("speaker", "person/volodymyr-zelensky"),
                Participant("about", "place/russia"),
            ),
            start="2022",
            quote="craziness",
            trigger="said",
        ),
    )
    used = {m.sentence_start for m in mentions}
    used |= {r.evidence.sentence_start for r in relations} | {e.evidence.sentence_start for e in events}
    sentences = tuple(Sentence(s, e) for s, e in sents if s in used)
    return Extraction(
        article=article,
        sentences=sentences,
        mentions=mentions,
        entities=entities,
        relations=relations,
        events=events,
        model="en_core_web_sm 3.8.0",
    )
