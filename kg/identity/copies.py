"""Copies of articles: a MinHash index over word shingles, banded so a look-up is not a scan.

An article's text becomes the set of its 5-word shingles (lower-cased words);
:data:`PERMUTATIONS` hash functions give its MinHash signature, whose agreement
with another signature estimates the two shingle sets' Jaccard similarity. The
signature is cut into :data:`BANDS` bands; articles sharing a band's values are the
only candidates compared (locality-sensitive hashing), so finding the copies of an
article costs the size of a few buckets, not the size of the corpus. A candidate
whose estimated similarity reaches :data:`THRESHOLD` is a duplicate.

The index is kept in a JSON-lines side-file beside the store (:func:`shingle_index_path`,
:mod:`kg.identity.sidecar`),
one line per article: its id, its signature and the article whose entity scope it
shares (itself, or the article it copies).

>>> idx = ShingleIndex()
>>> text = "The minister said on Monday that the talks would resume next week in Geneva."
>>> idx.add("a1", text)
>>> idx.find("a2", text + " Reuters")
'a1'
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import numpy as np

from kg.errors import StoreError
from kg.identity.sidecar import append_lines, read_lines, sidecar_path

__all__ = ["BANDS", "PERMUTATIONS", "THRESHOLD", "ShingleIndex", "shingle_index_path", "signature"]

#: Hash functions in a signature.
PERMUTATIONS = 64
#: Bands the signature is cut into (rows per band: PERMUTATIONS // BANDS).
BANDS = 16
#: Estimated Jaccard similarity of shingle sets from which two articles are copies.
THRESHOLD = 0.8
#: Words per shingle.
SHINGLE = 5

_PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20261203)
_A = _rng.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of ``text``'s word shingles (the whole text when it is shorter)."""
    words = _WORD.findall(text.lower())
    grams = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    hashes = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64, count=len(grams))
    mixed = (_A[:, None] * hashes[None, :] + _B[:, None]) % _PRIME
    return tuple(int(v) for v in mixed.min(axis=1))


def _bands(sig: tuple[int, ...]) -> list[tuple[int, tuple[int, ...]]]:
    rows = PERMUTATIONS // BANDS
    return [(b, sig[b * rows : (b + 1) * rows]) for b in range(BANDS)]


def shingle_index_path(store: str) -> Path:
    """Where the shingle index of a store lives: beside an embedded store's directory.

    >>> shingle_index_path("./kg-data").name
    'kg-data.shingles.jsonl'
    """
    return sidecar_path(store, "shingles")


class ShingleIndex:
    """Articles by MinHash band; finds the earlier article a text copies.

    Args:
        path: The JSON-lines file to read and append to; ``None`` keeps it in memory.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._sigs: dict[str, tuple[int, ...]] = {}
        self._scope: dict[str, str] = {}
        self._buckets: dict[tuple[int, tuple[int, ...]], list[str]] = {}
        self._unwritten: list[str] = []
        for n, data in read_lines(self.path, "shingle index"):
            try:
                self._put(str(data["id"]), tuple(int(v) for v in data["sig"]), str(data.get("scope", data["id"])))
            except (KeyError, TypeError, ValueError) as exc:
                raise StoreError(f"{self.path}:{n}: not a shingle index line: {exc}") from exc

    def _put(self, article: str, sig: tuple[int, ...], scope: str) -> None:
        self._sigs[article] = sig
        self._scope[article] = scope
        for band in _bands(sig):
            bucket = self._buckets.setdefault(band, [])
            if article not in bucket:
                bucket.append(article)

    def find(self, article: str, text: str | tuple[int, ...]) -> str | None:
        """The earliest indexed article (other than ``article``) that ``text`` (or its signature) copies, if any."""
        sig = signature(text) if isinstance(text, str) else text
        best: tuple[float, str] | None = None
        seen: set[str] = set()
        for band in _bands(sig):
            for other in self._buckets.get(band, ()):
                if other == article or other in seen:
                    continue
                seen.add(other)
                theirs = self._sigs[other]
                same = sum(a == b for a, b in zip(sig, theirs, strict=True)) / PERMUTATIONS
                if same >= THRESHOLD and (best is None or same > best[0]):
                    best = (same, other)
        if best is None:
            return None
        return self._scope.get(best[1], best[1])

    def scope(self, article: str) -> str:
        """The article whose entity scope ``article`` shares (itself unless it is a copy)."""
        return self._scope.get(article, article)

    def add(self, article: str, text: str | tuple[int, ...], scope: str | None = None) -> None:
        """Index an article (a copy passes the ``scope`` of the article it copies); :meth:`flush` writes it."""
        sig = signature(text) if isinstance(text, str) else text
        scope = scope or article
        if self._sigs.get(article) == sig and self._scope.get(article) == scope:
            return
        self._put(article, sig, scope)
        if self.path is not None:
            self._unwritten.append(json.dumps({"id": article, "sig": list(sig), "scope": scope}))

    def flush(self) -> None:
        """Append the articles indexed since the last flush to the file."""
        append_lines(self.path, self._unwritten)
        self._unwritten.clear()
