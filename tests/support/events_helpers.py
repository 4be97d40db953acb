"""Shared helpers for the event, relation and quote tests: a parsed article with hand-made mentions.

The entity stage is another engineer's; these tests give the extractors exactly the
mentions they name, so a change there cannot make these tests pass or fail.
"""

from __future__ import annotations

import re

from kg.extract.arguments import DocContext
from kg.extract.pipeline import load_pipeline
from kg.records import Article, Entity, EntityType, Mention

P, O, L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE  # noqa: E741 - short names in tables

#: Names the tests use: surface -> (type, key, country key of a place or None).
NAMES: dict[str, tuple[EntityType, str, str | None]] = {
    "Russia": (L, "place/russia", None),
    "Russian": (L, "place/russia", None),
    "Ukraine": (L, "place/ukraine", None),
    "Ukrainian": (L, "place/ukraine", None),
    "Ukrainians": (L, "place/ukraine", None),
    "Moscow": (L, "place/moscow", "place/russia"),
    "Kyiv": (L, "place/kyiv", "place/ukraine"),
    "Bakhmut": (L, "place/bakhmut", "place/ukraine"),
    "Luhansk": (L, "place/luhansk", "place/ukraine"),
    "Kramatorsk": (L, "place/kramatorsk", "place/ukraine"),
    "Sloviansk": (L, "place/sloviansk", "place/ukraine"),
    "Donetsk province": (L, "place/donetsk", "place/ukraine"),
    "Kherson": (L, "place/kherson", "place/ukraine"),
    "Washington": (L, "place/washington", "place/united-states"),
    "Valencia": (L, "place/valencia", "place/spain"),
    "Spain": (L, "place/spain", None),
    "Lyon": (L, "place/lyon", "place/france"),
    "France": (L, "place/france", None),
    "Vladimir Putin": (P, "person/vladimir-putin", None),
    "Volodymyr Zelensky": (P, "person/volodymyr-zelensky", None),
    "Zelensky": (P, "person/volodymyr-zelensky", None),
    "Samuel Ramani": (P, "person/samuel-ramani", None),
    "Maria Lopez": (P, "person/maria-lopez", None),
    "Jan Novak": (P, "person/jan-novak", None),
    "Eva Berg": (P, "person/eva-berg", None),
    "Royal United Services Institute": (O, "organisation/rusi", None),
    "Institute for the Study of War": (O, "organisation/isw", None),
    "Wagner Group": (O, "organisation/wagner-group", None),
    "Red Cross": (O, "organisation/red-cross", None),
    "Acme Corp": (O, "organisation/acme", None),
    "Reuters": (O, "organisation/reuters", None),
    "Greenpeace": (O, "organisation/greenpeace", None),
    "Northfield United": (O, "organisation/northfield-united", None),
    "Brightwater Times": (O, "organisation/brightwater-times", None),
    "Tom Okafor": (P, "person/tom-okafor", None),
    "Lena Marsh": (P, "person/lena-marsh", None),
    "Portmere": (L, "place/portmere", "place/spain"),
}


def context(text: str, published: str | None = "2022-10-28", article_id: str = "t1") -> DocContext:
    """Parse ``text`` and give it a mention for every occurrence of a name in :data:`NAMES`."""
    doc = load_pipeline()(text)
    taken: list[tuple[int, int]] = []
    mentions = []
    entities: dict[str, Entity] = {}
    for surface in sorted(NAMES, key=len, reverse=True):
        etype, key, country = NAMES[surface]
        for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            sent = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            assert sent is not None
            s = sent.sent
            mentions.append(Mention(m.start(), m.end(), surface, key, etype, 0.9, s.start_char, s.end_char))
            entities.setdefault(key, Entity(key, etype, surface, country=country))
    article = Article(id=article_id, text=text, published=published)
    return DocContext.build(article, doc, mentions, entities.values())
