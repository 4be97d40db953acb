"""Article -> :class:`~kg.records.Extraction`: the spaCy pipeline and its extractors.

:func:`extract` is a pure function of the article (given the installed model), so
it can run in worker processes or inside a distributed engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kg.extract.entities import entities_from_doc
from kg.extract.events import events_and_relations
from kg.extract.gazetteer import load_gazetteer
from kg.extract.link import containment, stated_containment_holds
from kg.extract.pipeline import load_pipeline, model_version
from kg.records import Article, Extraction, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["PIECE_CHARS", "extract", "extract_doc", "extract_many", "pieces"]


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


#: The longest text spaCy parses at once. Longer articles are parsed in pieces of at
#: most this size, cut after a paragraph or sentence end, and joined into one Doc with
#: the text (and so every offset) unchanged: spaCy's own limit (``max_length``, 10^6)
#: never applies, and the parser's memory follows the piece, not the article.
PIECE_CHARS = 100_000

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
_SPACE = re.compile(r"\s+")


def pieces(text: str, size: int | None = None) -> list[str]:
    """Cut ``text`` into consecutive pieces of at most ``size`` characters that join back to it.

    Each cut falls after the last paragraph break in the window, else after the last
    sentence end, else after the last whitespace (else, in a run of ``size``
    characters without any, at the window's end).

    >>> pieces("One. Two. Three.", 10)
    ['One. Two. ', 'Three.']
    """
    size = size or PIECE_CHARS
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = 0
        for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
            ends = [m.end() for m in pattern.finditer(window)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or size
        out.append(window[:cut])
        start += cut
    out.append(text[start:])
    return out


def _parse(nlp: Language, texts: Sequence[str], batch_size: int) -> Iterator[Doc]:
    """Parse ``texts`` in order: short ones in batches, long ones piece by piece."""
    from spacy.tokens import Doc

    run: list[str] = []
    for text in texts:
        if len(text) <= PIECE_CHARS:
            run.append(text)
            continue
        yield from nlp.pipe(run, batch_size=batch_size)
        run = []
        doc = Doc.from_docs(list(nlp.pipe(pieces(text), batch_size=1)), ensure_whitespace=False)
        if doc.text != text:  # cannot happen: the pieces join back to the text
            raise RuntimeError("a long article's pieces did not join back to its text")
        yield doc
    yield from nlp.pipe(run, batch_size=batch_size)


def extract(article: Article) -> Extraction:
    """Extract everything kg knows how to from one article."""
    (doc,) = _parse(load_pipeline(), [article.text], 1)
    return extract_doc(article, doc)


def extract_many(articles: Iterable[Article], *, batch_size: int = 16) -> Iterator[Extraction]:
    """Extract a stream of articles with ``nlp.pipe`` (in this process), in order."""
    nlp = load_pipeline()
    pending = list(articles)
    docs = _parse(nlp, [a.text for a in pending], batch_size)
    for article, doc in zip(pending, docs, strict=True):
        yield extract_doc(article, doc)
