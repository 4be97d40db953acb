"""Whether two names can be one person, one organisation: the rules identity never breaks.

A person's name is split into a given name and a surname (titles dropped). Two
names can be one person only when their given names agree: equal, equal once
transliteration variants are folded (Yuri / Yury, Sergei / Sergey), one an initial
of the other (G. / Gordon), or a short form of the other by the ``nicknames``
package's hand-curated table (Steve / Steven, Bernie / Bernard). A name without a
given name (a bare surname) agrees with everything: whether it is that person is a
question of context, which :mod:`kg.identity.resolve` answers. The transliteration
fold (:func:`translit_key`) serves both given names and whole names.

>>> given_names_agree("Steve Brown", "Steven Brown"), given_names_agree("Gordon Brown", "Craig Brown")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from kg.extract.gazetteer import fold
from kg.extract.names import TITLES
from kg.extract.names import words as word_list

__all__ = [
    "canonical_person_label",
    "given_names_agree",
    "is_acronym",
    "split_person",
    "translit_key",
]

#: Words after a surname that are not the surname ("Martin Luther King Jr").
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "jnr", "snr"})

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,7}$")
_VOWELS = re.compile(r"[aeiouyhw]")

#: Transliteration variants folded to one form, applied in order to a folded name.
_TRANSLIT = (
    (re.compile(r"(?:iy|yy|yi|ii|ij|yj)\b"), "y"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"zh"), "j"),
    (re.compile(r"ts"), "c"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"(.)\1+"), r"\1"),
)


def translit_key(name: str) -> str:
    """Fold ``name`` and collapse common transliteration variants.

    >>> {translit_key(n) for n in ("Zelensky", "Zelenskyy", "Zelenskiy", "ZELENSKYI")}
    {'zelensky'}
    """
    key = fold(name)
    for pattern, repl in _TRANSLIT:
        key = pattern.sub(repl, key)
    return key


def is_acronym(name: str) -> bool:
    """Whether ``name`` is written as an acronym ("BBC", "U.N.").

    >>> is_acronym("BBC"), is_acronym("Labour")
    (True, False)
    """
    return bool(_ACRONYM.match(name.strip()))


def _words(name: str) -> list[str]:
    words = name.replace(",", " ").split()
    while len(words) > 1 and words[0].rstrip(".").lower() in TITLES:
        words = words[1:]
    while len(words) > 2 and words[-1].rstrip(".").lower() in _SUFFIXES:
        words = words[:-1]
    return words


def split_person(name: str) -> tuple[str, str]:
    """Return ``(given name, surname)`` of a person's name, folded; no given name for one word.

    >>> split_person("President George W. Bush")
    ('george', 'bush')
    >>> split_person("Blair")
    ('', 'blair')
    """
    words = _words(name)
    if not words:
        return "", ""
    if len(words) == 1:
        return "", fold(words[0])
    first = words[0]
    if "." in first.rstrip(".") or (first.isupper() and len(first.rstrip(".")) <= 3):
        given = ".".join(fold(p) for p in re.split(r"[.]|(?<=[A-Z])(?=[A-Z])", first) if p)  # "G.W." / "GW" -> "g.w"
    else:
        given = fold(first).rstrip(".")
    return given, fold(words[-1])


@cache
def _nicknames() -> dict[str, frozenset[str]]:
    """Given name -> every name it is a short or long form of (both directions, with itself)."""
    from nicknames import NickNamer

    nn = NickNamer()
    out: dict[str, set[str]] = {}
    for canonical, nicks in nn.nickname_lookup.items():
        for nick in nicks:
            out.setdefault(canonical, {canonical}).add(nick)
            out.setdefault(nick, {nick}).add(canonical)
    return {k: frozenset(v) for k, v in out.items()}


def _translit(given: str) -> str:
    return translit_key(given.replace("x", "ks"))


def _final_i(given: str) -> str:
    """Yury / Yuri, Dmitriy / Dmitri: a final y written as i."""
    return _translit(given)[:-1] + "i" if _translit(given).endswith("y") else _translit(given)


def _skeleton(given: str) -> str:
    """The first letter and the consonants after it (Mohammed / Muhammad -> mhmd)."""
    return given[:1] + _VOWELS.sub("", given[1:])


def _given_agree(a: str, b: str) -> bool:
    a, b = a.rstrip("."), b.rstrip(".")
    if not a or not b or a == b:
        return True
    if len(a) == 1 or len(b) == 1 or "." in a or "." in b:
        # initials: "G." or "G.W." against "George"
        ia, ib = a.replace(".", "")[:1], b.replace(".", "")[:1]
        return ia == ib
    if _translit(a) == _translit(b) or _final_i(a) == _final_i(b):
        return True
    if b in _nicknames().get(a, ()):
        return True
    sa, sb = _skeleton(a), _skeleton(b)
    return len(sa) >= 4 and sa == sb


def given_names_agree(a: str, b: str) -> bool:
    """Whether two person names agree on the given name (either may lack one).

    A name written family name first ("Wang Shi-Ting" / "Shi-Ting Wang") agrees with
    itself in the other order.

    >>> [given_names_agree("Bernie Ecclestone", x) for x in ("Bernard Ecclestone", "B. Ecclestone", "Ecclestone")]
    [True, True, True]
    >>> given_names_agree("Ken Clarke", "Charles Clarke")
    False
    """
    ga, sa = split_person(a)
    gb, sb = split_person(b)
    if ga and gb and (ga, sa) == (sb, gb):
        return True
    return _given_agree(ga, gb)


#: Words for a role or a nationality that news puts before a name ("Trainer Berti Vogts",
#: "Pole Wojtek Lazarek"), beyond the titles of :data:`kg.extract.names.TITLES`.
ROLE_WORDS = frozenset(
    word_list(
        """trainer manager striker midfielder defender goalkeeper keeper forward winger skipper
    batsman bowler pitcher rider driver champion veteran rookie pole finn dane swede scot brit briton
    turk serb croat czech slovak welshman englishman frenchman dutchman irishman scotsman"""
    )
)

#: Name particles that start a name without being a given name ("Abu", "van", "de").
_PARTICLES = frozenset(word_list("abu al el bin ibn van von de da di le la du del mac mc st san santa"))


def _glued_acronym(word: str, rest: list[str]) -> bool:
    """An all-capital word of 2-4 letters before a name not written in capitals ("PM Tony Blair", not "A. Stewart")."""
    return word.isalpha() and word.isupper() and 2 <= len(word) <= 4 and not all(w.isupper() for w in rest)


def _glued_word(words: list[str], given: frozenset[str]) -> bool:
    """A first word that is no given name before one that is ("Almunia Arsene Wenger")."""
    first, second = fold(words[0]), fold(words[1])
    return (
        bool(given)
        and words[0][:1].isupper()
        and "-" not in words[0]
        and first not in _PARTICLES
        and first not in given
        and second in given
    )


def canonical_person_label(
    label: str,
    known: Callable[[str], bool] = lambda _: False,
    demonyms: frozenset[str] = frozenset(),
    given: frozenset[str] = frozenset(),
) -> str:
    """A person's label without the title, nationality or neighbour's word glued in front of it.

    Leading titles ("PM", "President"), demonyms ("British") and short acronyms go
    while a word remains; in a label of three or more words, so does a first word for a
    role or nationality ("Trainer", "Pole"), or one that is not a given name when the
    second is (``given``: lower-case given names); a label of three or more words that ends with a person
    name ``known`` accepts (other people of the article, or of the corpus) becomes that name
    ("Howard Tony Blair" -> "Tony Blair").

    >>> canonical_person_label("PM Tony Blair")
    'Tony Blair'
    >>> canonical_person_label("Almunia Arsene Wenger", {"Arsene Wenger"}.__contains__)
    'Arsene Wenger'
    """
    words = label.split()
    while len(words) > 1 and (
        words[0].rstrip(".").lower() in TITLES or words[0] in demonyms or _glued_acronym(words[0], words[1:])
    ):
        words = words[1:]
    if len(words) > 2 and (words[0].lower() in ROLE_WORDS or _glued_word(words, given)):
        words = words[1:]
    for i in range(1, len(words) - 1):
        tail = " ".join(words[i:])
        if known(tail):
            return tail
    return " ".join(words)
