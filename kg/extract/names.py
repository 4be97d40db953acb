"""Names as written: cleaning a span, the word lists that tell a name's kind, finders for names the model misses.

Shared by :mod:`kg.extract.entities` (which types names) and
:mod:`kg.extract.aliases` (which groups them).
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from kg.extract.gazetteer import fold
from kg.records import EntityType

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "AWARD_WORDS",
    "FACILITY_WORDS",
    "ORG_HEADS",
    "ORG_WORDS",
    "TITLES",
    "Candidate",
    "bracketed_names",
    "clean_name",
    "credited_agencies",
    "given_names",
    "headed_names",
    "words",
]

_log = logging.getLogger(__name__)


def words(text: str) -> list[str]:
    """Split a word list written as one string (the word lists here are long)."""
    return text.split()


#: Last words that make a name an organisation or a building whatever its first word is.
ORG_WORDS = frozenset(
    words(
        """institute group company corporation corp inc ltd llc university college school council party
        district association society foundation agency ministry department office committee commission union
        bank club team league church hospital station hall centre center memorial museum airport news times
        post press network bureau board court army navy force forces police service services fund trust
        alliance movement front organisation organization federation"""
    )
)

#: Last words of a facility's name: the name is a place ("Shandao Station", "the Bat Cave").
FACILITY_WORDS = frozenset(
    words(
        """station tower towers airport bridge stadium arena temple cathedral mosque synagogue square street
        road avenue boulevard park cave palace castle plaza mall harbour harbor"""
    )
)

#: Last words of an organisation's name that the model may miss ("The Deseret News").
ORG_HEADS = frozenset(
    words(
        """news times post herald tribune journal gazette institute university council party association
        society foundation agency ministry department committee commission bank club league church museum
        network corporation company"""
    )
)

#: Last words of an award's or a trophy's name: "the Oscars", "the Nobel Prize" name no person or place.
AWARD_WORDS = frozenset(
    words("award awards prize prizes trophy trophies medal medals oscar oscars grammy grammys emmy emmys bafta baftas")
)

#: Titles and honorifics stripped from the front of a name (lower case, no dot).
TITLES = frozenset(
    words(
        """mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sister president vice
        prime minister chancellor premier secretary senator sen governor gov mayor general gen colonel col
        lieutenant lt major maj captain capt sergeant sgt admiral commander king queen prince princess pope
        saint st judge justice rep representative congressman congresswoman ambassador chairman chairwoman
        chair ceo director sheikh emir ayatollah deputy foreign defence defense interior home finance shadow
        acting former late spokesman spokeswoman spokesperson officer detective inspector agent coach pm mp mep"""
    )
)

#: An acronym in brackets after the name it abbreviates: "Movimento 5 Stelle (M5S)".
_BRACKETED = re.compile(r"\(([A-Z][A-Z0-9&]{1,9})\)")

#: Lower-case words allowed inside a name ("Union of Rationalist Atheists and Agnostics").
_NAME_GLUE = frozenset({"of", "and", "for", "the", "on", "de", "di", "del", "della", "la", "le", "des", "du", "von"})

#: A photo or story credit names the agency: "(Source: Associated Press)".
_CREDIT = re.compile(r"\((?:Source|Photo|Image|Credit|Picture)s?\s*:\s*([A-Z][^()\n]{1,60}?)\s*\)")

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")

_EDGE_PUNCT = " \t\r\n.,;:!?\"'“”‘’()[]{}-–—"


@dataclass(slots=True)
class Candidate:
    """A name found in the article before types are settled (mutable while the stage runs).

    Attributes:
        start: Character offset of the cleaned name.
        end: End offset of the cleaned name.
        text: The cleaned surface form.
        key: Folded ``text``, what votes and aliases group by.
        votes: Type -> weight this mention contributes to the vote.
        source: ``ner``, ``gazetteer``, ``nested``, ``demonym`` or ``alias``.
        country: ISO code of the country a demonym stands for.
        club: The model labelled this mention an organisation where the name is also a
            place ("NEW YORK 72 52"): it keeps that type whatever the article's vote.
    """

    start: int
    end: int
    text: str
    key: str
    votes: dict[EntityType, float] = field(default_factory=dict)
    source: str = "ner"
    country: str | None = None
    club: bool = False


def clean_name(text: str) -> tuple[int, int]:
    """Return the ``[start, end)`` of the name inside ``text`` once dressing is removed.

    Removes text after a line break, a leading "the", leading titles and honorifics
    (only while a capitalised word remains), a trailing possessive and punctuation.

    >>> t = "the President Volodymyr Zelensky's"
    >>> s, e = clean_name(t)
    >>> t[s:e]
    'Volodymyr Zelensky'
    """
    end = len(text)
    nl = text.find("\n")
    if nl >= 0:
        end = nl
    start = 0
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    bracket = text.find("(", start, end)
    if bracket > start and text.find(")", bracket, end) < 0:
        end = bracket  # "The World Health Organisation (WHO": the model ran into the bracket
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
    m = _POSSESSIVE.search(text, start, end)
    if m is not None and end - start > 2:
        end = m.start()
    while True:
        word_end = text.find(" ", start, end)
        if word_end < 0:
            break
        word = text[start:word_end].rstrip(".").lower()
        rest = text[word_end + 1 : end].replace(".", "").lower().split()
        if (word == "the" or word in TITLES) and any(w not in TITLES for w in rest):
            start = word_end + 1
            continue
        break
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


@cache
def given_names() -> frozenset[str]:
    """Lower-case given names from ``gender-guesser``'s name list (about 60,000), read once.

    Without the package the stage still runs, only without this prior (logged once).
    """
    try:
        import gender_guesser.detector as gd
    except ImportError:
        _log.warning("gender-guesser is not installed: person names get no given-name prior")
        return frozenset()
    return frozenset(gd.Detector(case_sensitive=False).names)


def headed_names(doc: Doc, taken: list[tuple[int, int, str]]) -> list[Candidate]:
    """Capitalised names ending in a facility or organisation word that the model missed."""
    out: list[Candidate] = []
    busy = sorted((s, e) for s, e, _ in taken)
    starts = [s for s, _ in busy]
    for tok in doc:
        low = tok.lower_
        if not tok.is_title or (low not in FACILITY_WORDS and low not in ORG_HEADS):
            continue
        i = tok.i
        while i > 0 and doc[i - 1].is_title and doc[i - 1].pos_ == "PROPN" and doc[i - 1].lower_ != "the":
            i -= 1
        if i == tok.i:
            continue  # a lone "Station" or "News" is not a name
        start, end = doc[i].idx, tok.idx + len(tok)
        j = bisect.bisect_left(starts, end)
        if any(s < end and start < e for s, e in busy[max(0, j - 3) : j]):
            continue
        etype = EntityType.PLACE if low in FACILITY_WORDS else EntityType.ORGANISATION
        surface = doc.text[start:end]
        out.append(Candidate(start, end, surface, fold(surface), {etype: 1.0}, "ner"))
    return out


def bracketed_names(doc: Doc, taken: list[tuple[int, int, str]]) -> list[Candidate]:
    """Names introduced with an acronym in brackets, and the acronym, when the model missed them.

    The name is the run of capitalised words (and glue words such as "of") before the
    bracket; it votes organisation unless the model already has it. The acronym joins
    the name in :mod:`kg.extract.aliases`.
    """
    out: list[Candidate] = []

    def free(start: int, end: int) -> bool:
        # names inside the new one ("Stelle" in "Movimento 5 Stelle") do not block it
        return not any(s < end and start < e and (s < start or e > end) for s, e, _ in taken)

    for m in _BRACKETED.finditer(doc.text):
        bracket = doc.char_span(m.start(), m.start() + 1, alignment_mode="expand")
        if bracket is None or bracket.start == 0:
            continue
        i = bracket.start
        while i > 0 and (
            doc[i - 1].is_title or doc[i - 1].is_upper or doc[i - 1].is_digit or doc[i - 1].lower_ in _NAME_GLUE
        ):
            i -= 1
        while i < bracket.start and (doc[i].lower_ in _NAME_GLUE or (not doc[i].is_alpha and not doc[i].is_digit)):
            i += 1  # a name starts with a capitalised word, not "the" or "of"
        last = bracket.start - 1
        if last - i < 1 or not doc[last].is_alpha or doc[last].lower_ in _NAME_GLUE:
            continue  # one word, or ending in a number ("Internet Explorer 9 (IE9)")
        start, end = doc[i].idx, doc[last].idx + len(doc[last])
        if doc.text[start].upper() != m.group(1)[0]:
            continue  # the acronym starts with the name's first letter
        if free(start, end):
            surface = doc.text[start:end]
            out.append(Candidate(start, end, surface, fold(surface), {EntityType.ORGANISATION: 1.0}, "ner"))
        a_start, a_end = m.span(1)
        if free(a_start, a_end):
            out.append(Candidate(a_start, a_end, m.group(1), fold(m.group(1)), {EntityType.ORGANISATION: 0.5}, "ner"))
    return out


def credited_agencies(doc: Doc, taken: list[tuple[int, int, str]]) -> list[Candidate]:
    """Agencies named in credits ("(Source: Associated Press)"), which the model often misses."""
    out: list[Candidate] = []
    for m in _CREDIT.finditer(doc.text):
        start, end = m.span(1)
        if any(s < end and start < e for s, e, _ in taken):
            continue
        surface = doc.text[start:end]
        out.append(Candidate(start, end, surface, fold(surface), {EntityType.ORGANISATION: 1.5}, "ner"))
    return out
