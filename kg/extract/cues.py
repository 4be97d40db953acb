"""Names the model missed or mistyped, found by the words around them.

Each finder here looks for one linguistic pattern that marks a capitalised name as a
person, an organisation or a place whether or not ``en_core_web_sm`` proposed it:

* :func:`split_entity`: a model entity that runs two names together (a city and
  the person after it read as one person, an organisation run into a person);
* :func:`join_parties`: a party's name the model cut in two ("Lib" + "Dems") is one
  organisation; :func:`is_party`: a name whose last word names a party ("Labour",
  "the Tories", "Lib Dems") is an organisation, never a person or a place;
* :func:`administrative_places`: "the municipality of X", "the province of X";
* :func:`region_names`: "the X region", "X province";
* :func:`government_heads`: "the X government", "the X administration" name a person;
* :func:`classed_names`: a class noun before a name ("team Cloud9", "the company
  Acme") or a corporate role after it ("Acme co-founder", "Acme spokeswoman");
* :func:`expanded_acronyms`: an acronym followed by its expansion in brackets;
* :func:`relational_people`: "the murder of X", "the widow of X" name a person;
* :func:`commemorated_people`: "the X Memorial" is named after a person X;
* :func:`affiliations`: "Jane Roe for Acme Water Authority" names an organisation;
* :func:`product_makers`: "Acme Rocket" when the article also says "Rocket" alone.

All finders are one pass over the tokens (or a regular expression over the text)
with hashed look-ups; none scans a list per name.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from kg.extract.gazetteer import Gazetteer, PlaceKind, fold
from kg.extract.names import ORG_HEADS, ORG_WORDS, TITLES, Candidate, given_names, words
from kg.records import EntityType

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "ORG_FIRST_WORDS",
    "PARTY_WORDS",
    "administrative_places",
    "affiliations",
    "classed_names",
    "commemorated_people",
    "expanded_acronyms",
    "government_heads",
    "is_party",
    "join_parties",
    "party_names",
    "product_makers",
    "region_names",
    "relational_people",
    "split_entity",
]

Taken = list[tuple[int, int, str]]

#: First words that make a name an organisation ("University of Leeds", "Instituto Rocha").
ORG_FIRST_WORDS = frozenset(
    words(
        """university universidad universidade università universität université institute instituto istituto
        institut college academy ministry ministerio ministero bank banco banca council committee commission
        federation association society union league party agency department office board fund foundation
        museum museo church corporation company"""
    )
)

#: Last words of a political party's name, as news writes it ("Labour", "the Lib Dems", "Social Democrats").
PARTY_WORDS = frozenset(
    words(
        """party labour labor tories tory dems democrats republicans conservatives liberals greens socialists
        communists nationalists unionists"""
    )
)

_NUMERIC = frozenset({"DATE", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "TIME"})

#: Nouns for a kind of administrative place, followed by "of" and its name.
_ADMIN_NOUNS = frozenset(
    words(
        """municipality city town village hamlet province region county district state republic commune
        prefecture borough island islands kingdom emirate canton oblast governorate comune"""
    )
)

#: Lower-case words after a name that say the name is a region or a settlement.
_PLACE_AFTER = frozenset(words("region province oblast county district prefecture city town village"))

#: Heads whose proper-noun modifier is the person who leads them: "the Varga government".
_LED_BY = frozenset(words("government administration cabinet presidency premiership regime"))

#: Modifiers of those heads that are not people ("the Labour government", "the interim government").
_NOT_LEADERS = frozenset(
    words(
        """labour labor tory tories whig conservative liberal socialist communist democratic republican coalition federal national
        military transitional interim provisional unity regional local central state city county royal imperial
        soviet islamist junta new old current previous former"""
    )
)

#: Articles, which start a sentence capitalised but are no part of a name ("A Zentrova spokeswoman").
_ARTICLES = frozenset({"a", "an", "the"})

#: Lower-case nouns that, right before a name, say what kind of organisation it is.
_ORG_CLASS = frozenset(
    words(
        """team company firm club band group party agency newspaper magazine brand network startup retailer
        airline carrier broadcaster publisher website developer manufacturer maker charity organisation
        organization insurer outlet channel studio label journal tabloid"""
    )
)

#: Nouns whose "of" complement is a person: what happened to them, or whose kin someone is.
_OF_PERSON = frozenset(
    words(
        """murder killing assassination death funeral burial arrest kidnapping abduction wife husband widow widower
        son daughter mother father brother sister nephew niece grandson granddaughter"""
    )
)

#: Lower-case words allowed inside an organisation's name after "for".
_GLUE = frozenset({"of", "and", "for", "the", "on", "&"})

#: Corporate roles after an organisation's name: "Acme co-founder", "Acme spokeswoman".
_ORG_ROLE = re.compile(
    r"\s+(?:co-?)?(?:founders?|creators?|ceo|chairman|chairwoman|spokesman|spokeswoman|spokesperson|"
    r"executives?|employees?|shareholders?|headquarters|subsidiary|shares|stock|boss|bosses|chief executive)\b",
    re.IGNORECASE,
)

#: A capitalised phrase in brackets: a candidate expansion of an acronym before it.
_EXPANSION = re.compile(r"\(((?:[A-Z][\w'-]+)(?:\s+(?:[A-Z][\w'-]+|of|and|for|the|on|in|to|&))+)\)")

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,9}$")


def _overlaps(taken: Taken, start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps any span in ``taken`` (sorted by start)."""
    starts = [s for s, _, _ in taken]
    i = bisect.bisect_left(starts, end)
    return any(s < end and start < e for s, e, _ in taken[max(0, i - 8) : i])


def _free(taken: Taken, start: int, end: int) -> bool:
    """Whether no model name overlaps ``[start, end)`` other than one on exactly that span.

    A cue adds its vote to a name the model proposed with the same bounds (the
    model's label may be wrong); a name the model drew differently is left alone.
    """
    starts = [s for s, _, _ in taken]
    i = bisect.bisect_left(starts, end)
    return all((s, e) == (start, end) or not (s < end and start < e) for s, e, _ in taken[max(0, i - 8) : i])


def _is_place(gazetteer: Gazetteer, name: str) -> bool:
    """A strong gazetteer place: a country, a region or a city of 100,000 people or more."""
    return gazetteer.is_primary(name) and any(
        p.kind is not PlaceKind.CITY or p.population >= 100_000 for p in gazetteer.places(name)
    )


def _capitalised(tok: Token) -> bool:
    return tok.is_title or (tok.is_upper and len(tok) > 1) or (tok.text[:1].isupper() and tok.is_alpha is False)


def split_entity(doc: Doc, ent: Span, gazetteer: Gazetteer) -> list[Span]:
    """Split a model entity that runs two names together; otherwise return ``[ent]``.

    * A person whose first words are a well-known place and not a given name
      ("Leeds Jane Roe"): the place, then the rest as the person.
    * An organisation of four or more tokens ending in a given name and a surname
      that is the subject of the next verb ("the Council on Foreign Affairs Jane Doe
      said"): the organisation, then the person.
    """
    from spacy.tokens import Span as SpanCls

    n = len(ent)
    if ent.label_ == "PERSON" and n >= 2 and ent[0].lower_ not in given_names():
        for k in (2, 1):
            if k >= n or not all(t.is_title for t in ent[:k]):
                continue
            place = ent[:k]
            rest = ent[k:]
            if (
                _is_place(gazetteer, place.text)
                and rest[0].text[:1].isupper()
                and rest[0].is_alpha
                and rest[-1].lower_ not in ORG_HEADS  # "Springfield Herald": a newspaper, not a person
            ):
                return [
                    SpanCls(doc, place.start, place.end, label="GPE"),
                    SpanCls(doc, rest.start, rest.end, label="PERSON"),
                ]
    if ent.label_ in {"ORG", "FAC", "WORK_OF_ART"} and n >= 4 and ent.end < len(doc):
        first, last = ent[n - 2], ent[n - 1]
        before = ent[n - 3]
        if (
            first.is_title
            and last.is_title
            and first.pos_ == last.pos_ == "PROPN"
            and first.lower_ in given_names()
            and before.is_alpha
            and before.text[:1].isupper()
            and doc[ent.end].pos_ in {"VERB", "AUX"}
        ):
            return [
                SpanCls(doc, ent.start, ent.end - 2, label=ent.label_),
                SpanCls(doc, ent.end - 2, ent.end, label="PERSON"),
            ]
    return [ent]


def is_party(span: Span) -> bool:
    """Whether a capitalised name ends in a party word: "Labour", "the Tories", "Lib Dems", "Green Party"."""
    last = span[-1] if len(span) else None
    return last is not None and last.lower_ in PARTY_WORDS and last.text[:1].isupper()


def join_parties(doc: Doc, ents: list[Span]) -> list[Span]:
    """Join a party word to the capitalised model entity right before it, as one organisation.

    "Lib Dems" read as a place "Lib" and a person "Dems" (or "Dems" left out) is one
    organisation; so is "Social Democrats" cut after "Social". The party word is the
    next entity or, when the model left it out, the next token; nothing may come
    between them.
    """
    from spacy.tokens import Span as SpanCls

    out: list[Span] = []
    starts = {e.start for e in ents}
    for ent in ents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end == ent.start
            and is_party(ent)
            and prev[-1].text[:1].isupper()
            and prev.label_ not in _NUMERIC
        ):
            out[-1] = SpanCls(doc, prev.start, ent.end, label="ORG")
            continue
        nxt = ent.end
        if (
            nxt < len(doc)
            and nxt not in starts
            and ent.label_ not in _NUMERIC
            and ent[-1].text[:1].isupper()
            and is_party(doc[nxt : nxt + 1])
        ):
            ent = SpanCls(doc, ent.start, nxt + 1, label="ORG")
        out.append(ent)
    return out


def party_names(doc: Doc, taken: Taken) -> list[Candidate]:
    """Parties the model missed: a run of capitalised proper nouns ending in a party word ("the Lib Dems").

    A lone party word counts only after "the" or inside a sentence ("Labour said",
    not "Labour costs rose" at a sentence's start), and never where a model name lies.
    """
    out: list[Candidate] = []
    busy = sorted(taken)
    for tok in doc:
        if tok.lower_ not in PARTY_WORDS or not tok.text[:1].isupper() or tok.pos_ != "PROPN":
            continue
        i = tok.i
        while i > 0 and doc[i - 1].pos_ == "PROPN" and doc[i - 1].text[:1].isupper() and not doc[i].is_sent_start:
            i -= 1
        if i == tok.i and tok.is_sent_start:
            continue
        start_c, end_c = doc[i].idx, tok.idx + len(tok)
        if _overlaps(busy, start_c, end_c):
            continue
        surface = doc.text[start_c:end_c]
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.ORGANISATION: 2.0}, "ner"))
    return out


def _name_run(doc: Doc, i: int) -> int:
    """End (token index) of the run of capitalised words starting at token ``i``."""
    j = i
    while j < len(doc) and _capitalised(doc[j]) and not doc[j].is_punct and doc[j].lower_ != "the":
        j += 1
    return j


def _proper_name_after_of(doc: Doc, tok: Token) -> tuple[int, int] | None:
    """Character span of the all-PROPN name in "``tok`` of Name", if one follows."""
    i = tok.i + 2
    end = _name_run(doc, i)
    if end == i or not all(t.pos_ == "PROPN" for t in doc[i:end]):
        return None
    return doc[i].idx, doc[end - 1].idx + len(doc[end - 1])


def administrative_places(doc: Doc, taken: Taken) -> list[Candidate]:
    """Places named as "the municipality of X", "the province of X", "the Republic of X".

    X is a place whatever a gazetteer says (small towns are not in it), inside a
    model entity ("the Municipality of Camogli") or not; when the model proposed
    X under another label, this adds a place vote for it.
    """
    out: list[Candidate] = []
    for tok in doc[:-2]:
        if tok.lower_ not in _ADMIN_NOUNS or doc[tok.i + 1].lower_ != "of":
            continue
        if (name := _proper_name_after_of(doc, tok)) is None:
            continue
        start_c, end_c = name
        inside = [(s, e, lab) for s, e, lab in taken if s <= tok.idx and end_c <= e]
        clash = [(s, e) for s, e, _ in taken if s < end_c and start_c < e]
        if not inside and any((s, e) != (start_c, end_c) for s, e in clash):
            continue  # the model has a name over X; X itself (any label) gets the place vote
        surface = doc.text[start_c:end_c]
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.PLACE: 1.5}, "ner"))
    return out


def region_names(doc: Doc, taken: Taken, gazetteer: Gazetteer) -> list[Candidate]:
    """Names followed by a lower-case region or settlement word: "the Umbria region", "Kent county"."""
    out: list[Candidate] = []
    for tok in doc[1:]:
        if tok.lower_ not in _PLACE_AFTER or not tok.is_lower:
            continue
        end = tok.i
        i = end
        while i > 0 and doc[i - 1].is_title and doc[i - 1].lower_ != "the" and not doc[i - 1].is_sent_start:
            i -= 1
        if i == end:
            continue
        start_c, end_c = doc[i].idx, doc[end - 1].idx + len(doc[end - 1])
        surface = doc.text[start_c:end_c]
        if surface in gazetteer.demonyms or _overlaps(taken, start_c, end_c):
            continue  # "the Russian region": a demonym; names the model has get the context vote anyway
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.PLACE: 1.0}, "ner"))
    return out


def government_heads(doc: Doc, taken: Taken, gazetteer: Gazetteer) -> list[Candidate]:
    """People named by the government they lead: "the Varga government", "the Obama administration"."""
    out: list[Candidate] = []
    for tok in doc[1:]:
        if tok.lower_ not in _LED_BY:
            continue
        end = tok.i
        i = end
        while (
            i > 1
            and doc[i - 1].is_title
            and doc[i - 1].pos_ in {"PROPN", "ADJ"}
            and doc[i - 1].dep_ in {"compound", "amod"}
        ):
            i -= 1
        if i == end or doc[i - 1].lower_ not in {"the", "a", "an"}:
            continue
        span = doc[i:end]
        if any(t.lower_ in _NOT_LEADERS for t in span):
            continue
        surface = span.text
        if surface in gazetteer.demonyms or gazetteer.country_of(surface) or _is_place(gazetteer, surface):
            continue  # "the Italian government", "the Kyiv government": a country or a big place
        start_c, end_c = span.start_char, span.end_char
        if not _free(taken, start_c, end_c) or any(
            lab in {"ORG", "GPE", "LOC", "FAC"} for s, e, lab in taken if (s, e) == (start_c, end_c)
        ):
            continue  # "the Hamas government": the model knows the name as an organisation or a place
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.PERSON: 1.2}, "ner"))
    return out


def classed_names(doc: Doc, taken: Taken, gazetteer: Gazetteer) -> list[Candidate]:
    """Organisations named with their kind: "team Cloud9", "the company Acme", "Acme co-founder"."""
    out: list[Candidate] = []
    text = doc.text
    seen_end = -1
    for tok in doc[:-1]:
        if tok.i < seen_end:
            continue
        i = tok.i + 1
        if tok.is_lower and (tok.lower_ in _ORG_CLASS or tok.lemma_ in _ORG_CLASS):
            end = _name_run(doc, i)
        elif (
            _capitalised(tok)
            and not tok.is_punct
            and tok.lower_ not in _ARTICLES
            and (tok.i == 0 or not _capitalised(doc[tok.i - 1]) or doc[tok.i - 1].lower_ in _ARTICLES)
        ):
            i, end = tok.i, _name_run(doc, tok.i)
            if not _ORG_ROLE.match(text, doc[end - 1].idx + len(doc[end - 1])):
                continue
        else:
            continue
        if end == i or doc[i].is_sent_start:
            continue
        start_c, end_c = doc[i].idx, doc[end - 1].idx + len(doc[end - 1])
        surface = text[start_c:end_c]
        if (
            not _free(taken, start_c, end_c)
            or surface in gazetteer.demonyms
            or _is_place(gazetteer, surface)
            or doc[i].lower_ in given_names()
        ):
            continue  # a person's or a place's role ("Texas headquarters", "Maria's team")
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.ORGANISATION: 1.0}, "ner"))
        seen_end = end
        if tok.is_lower:
            # the class noun covers the names coordinated with the first: "the teams Alpha and Beta"
            while end + 1 < len(doc) and doc[end].lower_ in {"and", ","}:
                nxt = end + 1
                run_end = _name_run(doc, nxt)
                if run_end == nxt:
                    break
                start_c, end_c = doc[nxt].idx, doc[run_end - 1].idx + len(doc[run_end - 1])
                surface = text[start_c:end_c]
                if not _free(taken, start_c, end_c) or _is_place(gazetteer, surface) or surface in gazetteer.demonyms:
                    break
                out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.ORGANISATION: 1.0}, "ner"))
                end = seen_end = run_end
    return out


def relational_people(doc: Doc, taken: Taken, gazetteer: Gazetteer) -> list[Candidate]:
    """People named as what happened to them or whose kin someone is: "the murder of X", "the widow of X"."""
    out: list[Candidate] = []
    for tok in doc[:-2]:
        if tok.lower_ not in _OF_PERSON or doc[tok.i + 1].lower_ != "of" or tok.i == 0:
            continue
        if doc[tok.i - 1].lower_ not in {"the", "his", "her", "their", "its"}:
            continue
        if (name := _proper_name_after_of(doc, tok)) is None:
            continue
        start_c, end_c = name
        surface = doc.text[start_c:end_c]
        if not _free(taken, start_c, end_c) or _is_place(gazetteer, surface) or surface in gazetteer.demonyms:
            continue
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.PERSON: 1.0}, "ner"))
    return out


#: Heads of names given in someone's honour: "the Ada Lovelace Memorial", "Jan Novak Airport".
COMMEMORATIVE_HEADS = frozenset(
    words(
        """Memorial Foundation Prize Award Medal Trophy Lecture Airport Square Hall Center Centre Library Museum
        Institute School College University Stadium Arena Bridge Statue Park Fund Trust Scholarship"""
    )
)

#: Words of an institution's own name, never a person's: "Irving Independent School District".
_INSTITUTION_WORDS = frozenset(
    words(
        """independent national public community international state city county central general high elementary
        middle junior senior regional royal municipal federal united unified methodist baptist catholic christian
        islamic jewish lutheran presbyterian technical technological polytechnic metropolitan memorial"""
    )
)


def commemorated_people(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    """People a name is given in honour of: "the Ada Lovelace Memorial Hall" names Ada Lovelace.

    The person's name comes before a head of :data:`COMMEMORATIVE_HEADS` ("Jan Novak
    Airport", "the Ada Lovelace Prize"), and must start with a given name and have
    two words or more, so "the National War Memorial" or "Harbour Bridge" names nobody.
    """
    out: list[Candidate] = []
    for tok in doc[1:]:
        if tok.text not in COMMEMORATIVE_HEADS:
            continue
        i = tok.i
        while i > 0 and doc[i - 1].is_title and doc[i - 1].pos_ == "PROPN" and doc[i - 1].lower_ != "the":
            i -= 1
        if tok.i - i < 2 or doc[i].lower_ not in given_names():
            continue
        if any(t.lower_ in _INSTITUTION_WORDS or t.lower_ in ORG_WORDS for t in doc[i + 1 : tok.i]):
            continue
        start_c, end_c = doc[i].idx, doc[tok.i - 1].idx + len(doc[tok.i - 1])
        surface = doc.text[start_c:end_c]
        if _is_place(gazetteer, surface):
            continue
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.PERSON: 1.0}, "ner"))
    return out


def affiliations(doc: Doc, taken: Taken) -> list[Candidate]:
    """Organisations a named person speaks or works for: "Jane Roe for Coastal Water Authority, said".

    The name after "for" may contain places the model found ("Food Standards Australia");
    it needs at least one word of its own outside them.
    """
    out: list[Candidate] = []
    people = {e for s, e, lab in taken if lab == "PERSON"}
    for tok in doc[1:-1]:
        if tok.lower_ != "for" or doc[tok.i - 1].idx + len(doc[tok.i - 1]) not in people:
            continue
        i = tok.i + 1
        j = i
        while j < len(doc) and ((doc[j].is_title and doc[j].pos_ == "PROPN") or (doc[j].lower_ in _GLUE and j > i)):
            j += 1
        while j > i and doc[j - 1].lower_ in _GLUE:
            j -= 1
        if j - i < 2:
            continue
        start_c, end_c = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
        inside = [(s, e, lab) for s, e, lab in taken if s < end_c and start_c < e]
        if any(s < start_c or e > end_c or lab not in {"GPE", "LOC"} for s, e, lab in inside):
            continue
        own = [t for t in doc[i:j] if not any(s <= t.idx < e for s, e, _ in inside)]
        if not any(t.is_title for t in own):
            continue  # only places: "for Australia"
        surface = doc.text[start_c:end_c]
        out.append(Candidate(start_c, end_c, surface, fold(surface), {EntityType.ORGANISATION: 1.0}, "ner"))
    return out


def expanded_acronyms(doc: Doc, taken: Taken) -> list[Candidate]:
    """An acronym and its expansion in brackets after it: "the ACME fair (Association of Car Makers in Europe)".

    The expansion's capitalised words must spell the acronym; both are an
    organisation. Only the acronym's last use in the 300 characters before the
    bracket is taken here; :mod:`kg.extract.aliases` finds the others.
    """
    out: list[Candidate] = []
    text = doc.text
    for m in _EXPANSION.finditer(text):
        phrase = m.group(1)
        letters = "".join(w[0] for w in phrase.split() if w[0].isupper())
        if len(letters) < 2:
            continue
        window_start = max(0, m.start() - 300)
        found = list(re.finditer(rf"\b{re.escape(letters)}\b", text[window_start : m.start()]))
        if not found:
            continue
        a_start, a_end = window_start + found[-1].start(), window_start + found[-1].end()
        if not _ACRONYM.match(text[a_start:a_end]):
            continue
        e_start, e_end = m.span(1)
        for s, e in ((a_start, a_end), (e_start, e_end)):
            if _free(taken, s, e):
                surface = text[s:e]
                out.append(Candidate(s, e, surface, fold(surface), {EntityType.ORGANISATION: 1.0}, "ner"))
    return out


def product_makers(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    """Makers named in front of their product: "Acme Rocket" when the article also says "Rocket".

    A two-word name (not one the model calls a person) whose second word the article
    also uses alone as a name is "maker + product"; the maker is an organisation. Not
    a maker: a given name ("Ada Rocket"), a title, a place or demonym, or a word the article
    also writes in lower case ("Acme Rocket" where "rocket" is a common word); nor is a place a product
    ("Real Madrid").
    """
    pairs = [e for e in doc.ents if e.label_ in {"PRODUCT", "ORG", "FAC", "WORK_OF_ART"} and len(e) == 2]
    if not pairs:
        return []
    counts: dict[str, int] = {}
    lower: set[str] = set()
    for tok in doc:
        if tok.is_title and tok.pos_ == "PROPN":
            counts[tok.text] = counts.get(tok.text, 0) + 1
        elif tok.is_lower:
            lower.add(tok.text)
    out: list[Candidate] = []
    for ent in pairs:
        maker, product = ent[0], ent[1]
        if not (maker.is_title and maker.pos_ == "PROPN") or counts.get(product.text, 0) < 3:
            continue  # the pair itself is one use; the product must stand alone twice more
        if (
            maker.lower_ in given_names()
            or maker.lower_ in TITLES
            or maker.lower_ in lower
            or _is_place(gazetteer, maker.text)
            or maker.text in gazetteer.demonyms
            or gazetteer.places(product.text)
        ):
            continue
        start_c, end_c = maker.idx, maker.idx + len(maker)
        out.append(Candidate(start_c, end_c, maker.text, fold(maker.text), {EntityType.ORGANISATION: 1.0}, "ner"))
    return out
