"""One type per name: the corpus's vote weighted by confidence and cue, in both directions, and two things of one name."""

from __future__ import annotations

import pytest

from kg.identity import MemoryEntityIndex, MergeLog, Resolver, TypeVote, decide, strong_typings, typing_weights
from kg.identity.types import NAMELESS_WEIGHT, STRONG, WEAK_WEIGHT
from kg.records import Article, Entity, EntityType, Evidence, Extraction, Mention, Relation

_P, _O, _L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE

#: How an invented article names the entity: the sentence around it, and whether a player "plays for" it.
_FRAMES = {
    "table": ("{name} 3 1 0 2 7 5 10", False),
    "report": ("Supporters cheered {name} on Sunday.", False),
    "titled": ("Mr {name} said on Sunday that he would stay.", False),
    "club": ("Tomas Brell plays for {name} this season.", True),
    "classed": ("Tomas Brell joined the club {name} on Sunday.", False),
    "role": ("The {name} striker Tomas Brell scored on Sunday.", False),
}


def _article(article: str, label: str, etype: EntityType, confidence: float, frame: str = "report") -> Extraction:
    """An invented article naming ``label`` once, typed ``etype`` with ``confidence``, in one of :data:`_FRAMES`."""
    pattern, plays_for = _FRAMES[frame]
    text = pattern.format(name=label)
    key = f"{etype.slug}/{label.lower().replace(' ', '-')}"
    start = text.index(label)
    mentions = [Mention(start, start + len(label), label, key, etype, confidence, 0, len(text))]
    entities = [Entity(key=key, type=etype, label=label, confidence=confidence)]
    relations: tuple[Relation, ...] = ()
    if plays_for:
        player = Entity(key="person/tomas-brell", type=_P, label="Tomas Brell", confidence=0.9)
        entities.append(player)
        mentions.append(Mention(0, 11, "Tomas Brell", player.key, _P, 0.9, 0, len(text)))
        relations = (Relation(player.key, "playsFor", key, 0.8, Evidence(0, len(text), text, 0, len(text))),)
    return Extraction(
        article=Article(id=article, text=text),
        mentions=tuple(sorted(mentions, key=lambda m: m.start)),
        entities=tuple(entities),
        relations=relations,
    )


def _types_of(xs: list[Extraction], label: str) -> list[tuple[str, EntityType]]:
    return [(e.key, e.type) for x in xs for e in x.entities if e.label == label]


@pytest.mark.parametrize(
    ("frame", "etype", "label", "surname_known", "weight"),
    [
        ("table", _P, "Velmora", False, NAMELESS_WEIGHT),  # a person without a given name
        ("table", _P, "Velmora", True, WEAK_WEIGHT),  # ... whose name a known person has as surname
        ("titled", _P, "Velmora", False, STRONG),
        ("report", _P, "Marta Quillon", False, STRONG),  # a given name a list knows, and a surname
        ("report", _P, "MARTA QUILLON", False, WEAK_WEIGHT),  # a table's capitals
        ("report", _P, "Velmora Quillon", False, NAMELESS_WEIGHT),  # no given name first
        ("report", _P, "Finance Ministry", False, NAMELESS_WEIGHT),  # an organisation's word
        ("club", _O, "Velmora", False, WEAK_WEIGHT),  # relations follow the tagger's type: no cue
        ("report", _O, "Velmora", False, WEAK_WEIGHT),
        ("report", _O, "Velmora Football Club", False, STRONG),
        ("classed", _O, "Velmora", False, STRONG),
        ("role", _O, "Velmora", False, STRONG),
        ("report", _O, "VFC", False, WEAK_WEIGHT),  # capitals: a table's or an acronym
    ],
    ids=[
        "nameless",
        "known-surname",
        "title",
        "given-name",
        "capitals",
        "no-given-name",
        "org-word-person",
        "relation",
        "org-alone",
        "org-word",
        "class-noun",
        "member-role",
        "acronym",
    ],
)
def test_typing_weights_weigh_the_cue_an_article_types_by(
    frame: str, etype: EntityType, label: str, surname_known: bool, weight: float
) -> None:
    x = _article("a1", label, etype, 0.6, frame)
    key = f"{etype.slug}/{label.lower().replace(' ', '-')}"
    assert typing_weights(x, lambda word: surname_known)[key] == weight
    assert (key in strong_typings(x)) is (weight == STRONG)


@pytest.mark.parametrize(
    ("evidence", "entity", "expected"),
    [
        # a person without a given name against an organisation of as much confidence becomes the organisation
        ([(_P, 0.5, NAMELESS_WEIGHT), (_O, 0.5, WEAK_WEIGHT)], (_P, False), _O),
        # one report on a strong cue outweighs five tables' guesses
        ([*[(_P, 0.4, WEAK_WEIGHT)] * 5, (_O, 0.8, STRONG)], (_P, False), _O),
        # and vice versa: a weakly typed organisation the corpus knows as a person is that person
        ([(_O, 0.7, WEAK_WEIGHT), (_P, 0.9, STRONG), (_P, 0.8, STRONG)], (_O, False), _P),
        # more person evidence: the person stays
        ([(_P, 0.9, WEAK_WEIGHT), (_P, 0.8, WEAK_WEIGHT), (_O, 0.5, WEAK_WEIGHT)], (_P, False), None),
        # a strongly typed entity moves only when the other type scores STRONG_MARGIN times its own
        ([(_P, 0.5, STRONG), (_O, 0.6, WEAK_WEIGHT), (_O, 0.6, WEAK_WEIGHT)], (_P, True), None),
        ([(_P, 0.3, STRONG), *[(_O, 0.9, WEAK_WEIGHT)] * 8], (_P, True), _O),
        # two things of one name, each with strong articles: even a weak mention keeps its article's type
        ([(_P, 0.9, STRONG), (_O, 0.9, STRONG), (_O, 0.9, STRONG), (_P, 0.4, NAMELESS_WEIGHT)], (_P, False), None),
        # a place is never made a person, nor an organisation a place
        ([(_L, 0.5, WEAK_WEIGHT), (_P, 0.9, STRONG), (_P, 0.9, STRONG)], (_L, False), None),
        ([(_O, 0.5, WEAK_WEIGHT), (_L, 0.9, WEAK_WEIGHT), (_L, 0.9, WEAK_WEIGHT)], (_O, False), None),
        # nor an organisation a person when the corpus mostly calls the name a place
        ([(_O, 0.5, WEAK_WEIGHT), (_P, 0.9, WEAK_WEIGHT), (_L, 0.9, STRONG), (_L, 0.9, STRONG)], (_O, False), None),
    ],
    ids=[
        "person-to-org",
        "strong-beats-many-weak",
        "org-to-person",
        "person-stays",
        "strong-stays",
        "strong-outscored",
        "two-things",
        "place-stays",
        "org-not-place",
        "org-not-person-when-place",
    ],
)
def test_decide_gives_a_name_the_type_the_corpus_gives_it(
    evidence: list[tuple[EntityType, float, float]], entity: tuple[EntityType, bool], expected: EntityType | None
) -> None:
    vote = TypeVote()
    for etype, confidence, weight in evidence:
        vote.add("Velmora", etype, confidence, weight)
    etype, strong = entity
    found = decide(Entity(key=f"{etype.slug}/velmora", type=etype, label="Velmora"), strong, vote)
    assert (found[0] if found else None) is expected


def _run(*batches: list[Extraction]) -> tuple[Resolver, list[Extraction]]:
    """Resolve batch after batch, then the run's end; the articles as finally written."""
    resolver = Resolver(MemoryEntityIndex(), MergeLog())
    written = {x.article.id: x for batch in batches for x in resolver.batch(batch)}
    written.update((x.article.id, x) for x in resolver.revise())
    return resolver, list(written.values())


@pytest.mark.parametrize(
    ("batches", "label", "expected"),
    [
        (  # a results table calls the club a person before a report of the club
            [[_article("a1", "Velmora", _P, 0.5, "table")], [_article("a2", "Velmora", _O, 0.7, "role")]],
            "Velmora",
            {("organisation/velmora", _O)},
        ),
        (  # a tagger calls a person an organisation before two reports name her in full
            [
                [_article("a1", "Marta Quillon", _O, 0.6)],
                [_article("a2", "Marta Quillon", _P, 0.9), _article("a3", "Marta Quillon", _P, 0.8)],
            ],
            "Marta Quillon",
            {("person/marta-quillon", _P)},
        ),
        (  # a later weak article follows the corpus as it is resolved
            [[_article("a1", "Velmora", _O, 0.8, "classed")], [_article("a2", "Velmora", _P, 0.5, "table")]],
            "Velmora",
            {("organisation/velmora", _O)},
        ),
        (  # a man called Velmora and a club called Velmora: two entities, each keeping its weak mentions
            [
                [_article("a1", "Velmora", _P, 0.9, "titled"), _article("a2", "Velmora", _O, 0.9, "classed")],
                [_article("a3", "Velmora", _P, 0.4, "table"), _article("a4", "Velmora", _O, 0.5)],
            ],
            "Velmora",
            {("person/velmora-", _P), ("organisation/velmora", _O)},
        ),
    ],
    ids=["person-to-org", "org-to-person", "online", "two-entities"],
)
def test_resolver_gives_each_name_one_type_from_all_its_articles(
    batches: list[list[Extraction]], label: str, expected: set[tuple[str, EntityType]]
) -> None:
    resolver, written = _run(*batches)
    found = {(k if not k.startswith("person/velmora-") else "person/velmora-", t) for k, t in _types_of(written, label)}
    assert found == expected
    for x in written:  # every mention follows its entity
        types = {e.key: e.type for e in x.entities}
        assert all(m.type is types[m.entity] for m in x.mentions)
    retyped = [m for m in resolver.log.active() if m.method == "type"]
    assert all(m.reasons and "article(s) say" in m.reasons[0] for m in retyped if m.reasons[0].endswith(")"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shares of Ontario-based Velmora rose on Monday.", ("organisation/velmora", _O)),
        ("Velmora & Tarn said on Monday that profits rose.", ("organisation/velmora", _O)),
        ("The Velmora defender Tomas Brell was sent off.", ("organisation/velmora", _O)),
        ("Mr Velmora said on Monday that profits rose.", ("person/velmora-", _P)),  # a title: a person
        ("Velmora said on Monday that profits rose.", ("person/velmora-", _P)),  # nothing says otherwise
    ],
    ids=["based", "partner", "member-role", "title", "no-cue"],
)
def test_resolve_across_a_person_whose_article_says_organisation_is_one(
    text: str, expected: tuple[str, EntityType]
) -> None:
    from kg.identity import resolve_across

    start = text.index("Velmora")
    mention = Mention(start, start + 7, "Velmora", "person/velmora", _P, 0.4, 0, len(text))
    x = Extraction(
        article=Article(id="a1", text=text),
        mentions=(mention,),
        entities=(Entity(key="person/velmora", type=_P, label="Velmora", confidence=0.4),),
    )
    out = resolve_across(x, MemoryEntityIndex(), MergeLog())
    ((key, etype),) = [(e.key, e.type) for e in out.entities]
    assert (key if etype is not _P else key[: len("person/velmora-")], etype) == expected
    assert [m.type for m in out.mentions] == [expected[1]]
