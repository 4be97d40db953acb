"""How common a word is in lower case, from spaCy's English lexeme probabilities.

``spacy-lookups-data`` (pinned from PyPI) ships ``en_lexeme_prob``: the log probability
of about a million case-sensitive English tokens, counted on a large web corpus. A
name that is also an everyday word ("March", "Orange", "Mobile", "Bush") has a
lower-case form nearly as frequent as its capitalised one; a place name that is only
a name ("Paris", "Leeds") has a rare lower-case form. :func:`is_common_word` draws
that line; the gazetteer asks it before taking a one-word match as a place on
capitalisation alone.

The table is read once per process (about two seconds) and kept as a small
dictionary of the lower-case words frequent enough to matter.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources

from kg.errors import ConfigError

__all__ = ["COMMON_LOGPROB", "is_common_word", "lower_case_logprob", "release", "title_case_logprob"]

#: A lower-case word at least this probable (natural log) is an everyday word.
COMMON_LOGPROB = -13.0

#: How much rarer (natural log) than its capitalised form a lower-case word may be
#: and still count as everyday: the capitalised use may be up to ~4.5x more frequent.
_CASE_MARGIN = 1.5

#: Words rarer than this in lower case are never looked at again.
_KEEP = -15.0


@cache
def _table() -> dict[str, tuple[float, float]]:
    """Lower-case word -> (its log probability, that of its Title-case form)."""
    try:
        data = resources.files("spacy_lookups_data").joinpath("data/en_lexeme_prob.json.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ConfigError("package 'spacy-lookups-data' is not installed; run `make install`") from exc
    probs: dict[str, float] = json.loads(gzip.decompress(data))
    out: dict[str, tuple[float, float]] = {}
    for word, p in probs.items():
        if p >= _KEEP and word.isalpha() and word.islower():
            out[word] = (p, probs.get(word.capitalize(), -30.0))
    return out


def lower_case_logprob(word: str) -> float:
    """Log probability of ``word`` written in lower case (``-30.0`` when unseen or rare).

    >>> lower_case_logprob("march") > lower_case_logprob("paris")
    True
    """
    return _table().get(word.lower(), (-30.0, -30.0))[0]


def title_case_logprob(word: str) -> float:
    """Log probability of ``word`` capitalised, for words common in lower case (else ``-30.0``)."""
    return _table().get(word.lower(), (-30.0, -30.0))[1]


def is_common_word(word: str) -> bool:
    """Whether a one-word name is also an everyday lower-case English word.

    It is when its lower-case form is frequent (:data:`COMMON_LOGPROB`) and not much
    rarer than its capitalised form.

    >>> [is_common_word(w) for w in ("March", "Orange", "Paris", "London", "Chelsea")]
    [True, True, False, False, False]
    """
    if not word.isalpha() or " " in word:
        return False
    lower, title = _table().get(word.lower(), (-30.0, -30.0))
    return lower >= COMMON_LOGPROB and lower >= title - _CASE_MARGIN


def release() -> None:
    """Free the table (it is read again if asked for)."""
    _table.cache_clear()
