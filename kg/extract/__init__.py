"""Article -> :class:`~kg.records.Extraction`: the spaCy pipeline and its extractors.

:func:`extract` is a pure function of the article (given the installed model), so
it can run in worker processes or inside a distributed engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kg.extract.entities import entities_from_doc
from kg.extract.events import events_and_relations
from kg.extract.gazetteer import load_gazetteer
from kg.extract.pipeline import load_pipeline, model_version
from kg.link import containment, stated_containment_holds
from kg.records import Article, Extraction, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract", "extract_doc", "extract_many"]


def extract_doc(article: Article, doc: Doc) -> Extraction:
    """Build the extraction of ``article`` from its parsed ``doc``."""
    sentences = tuple(Sentence(s.start_char, s.end_char) for s in doc.sents)
    mentions, entities = entities_from_doc(doc, source=article.source)
    relations, events = events_and_relations(article, doc, mentions, entities)
    # Containment comes from GeoNames, smaller place to larger; what the text states
    # stays only where it agrees (both ends places, the smaller one the subject).
    # The same relation with the same evidence span is kept once.
    gazetteer = load_gazetteer()
    by_key = {e.key: e for e in entities}
    unique = {(r.subject, r.predicate, r.object, r.evidence.start): r for r in containment(mentions, entities)}
    unique.update(
        {
            (r.subject, r.predicate, r.object, r.evidence.start): r
            for r in relations
            if stated_containment_holds(r, by_key, gazetteer)
        }
    )
    relations = tuple(unique.values())
    return Extraction(
        article=article,
        sentences=sentences,
        mentions=tuple(mentions),
        entities=tuple(entities),
        relations=relations,
        events=events,
        model=model_version(),
    )


def extract(article: Article) -> Extraction:
    """Extract everything kg knows how to from one article."""
    return extract_doc(article, load_pipeline()(article.text))


def extract_many(articles: Iterable[Article], *, batch_size: int = 16) -> Iterator[Extraction]:
    """Extract a stream of articles with ``nlp.pipe`` (in this process), in order."""
    nlp = load_pipeline()
    pending = list(articles)
    docs = nlp.pipe((a.text for a in pending), batch_size=batch_size)
    for article, doc in zip(pending, docs, strict=True):
        yield extract_doc(article, doc)
