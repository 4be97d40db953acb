"""Files, folders, JSONL and HTML -> :class:`~kg.records.Article` records.

Readers never raise for a bad article: they yield an :class:`~kg.errors.InputError`
in its place, so one broken file or line does not stop a batch.

Text files (``.txt``, ``.md``) may start with header lines ``key value`` or
``key: value`` for ``date``, ``title``, ``url`` and ``source``. ``date`` and
``url`` take one token, so ``date 2022-10-28 Russian soldiers ...`` is a date
followed by the body on the same line, as in the seed article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from kg.errors import (
    DateError,
    EmptyInputError,
    EncodingError,
    FormatError,
    InputError,
    TooLargeError,
)
from kg.records import Article, content_hash

__all__ = [
    "SUFFIXES",
    "article_from_fields",
    "count_inputs",
    "normalise_date",
    "parse_text",
    "read_file",
    "read_paths",
]

#: File suffixes kg reads, and what reads them.
SUFFIXES = (".txt", ".md", ".jsonl", ".html", ".htm")

_HEADER = re.compile(r"[ \t]*(date|title|url|source)[ \t]*:?[ \t]+", re.IGNORECASE)
_ONE_TOKEN = {"date", "url"}
_MONTH_YEAR = re.compile(r"^\d{4}(-\d{2}){0,2}$")


def normalise_date(value: str, source: str) -> str:
    """Return ``value`` as an ISO date (``YYYY-MM-DD``), or raise :class:`DateError`.

    Accepts ISO dates and ISO date-times (the time is dropped).

    >>> normalise_date("2022-10-28T09:00:00Z", "a.txt")
    '2022-10-28'
    """
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise DateError(source, f"date {value!r} does not parse; expected an ISO date such as 2022-10-28") from None


def article_from_fields(
    fields: dict[str, Any], source: str, *, max_chars: int, default_id: str | None = None
) -> Article:
    """Validate one article's fields (JSONL line, GraphQL input) into an :class:`Article`.

    Args:
        fields: ``text`` (required), ``id``, ``title``, ``published``, ``url``, ``source``.
        source: Where the fields came from, for error messages.
        max_chars: Longer texts are rejected.
        default_id: The id to use when ``fields`` has none (else the content hash).

    Raises:
        InputError: A subclass naming ``source`` and what is wrong.
    """
    text = fields.get("text")
    if not isinstance(text, str):
        raise FormatError(source, "missing required field 'text' (a string)")
    if not text.strip():
        raise EmptyInputError(source, "the article text is empty")
    if len(text) > max_chars:
        raise TooLargeError(
            source, f"the article has {len(text):,} characters; the limit is {max_chars:,} (KG_MAX_ARTICLE_CHARS)"
        )
    meta: dict[str, str | None] = {}
    for key in ("id", "title", "published", "url", "source"):
        value = fields.get(key)
        if value is not None and not isinstance(value, str):
            raise FormatError(source, f"field {key!r} must be a string, not {type(value).__name__}")
        meta[key] = value.strip() if isinstance(value, str) and value.strip() else None
    published = normalise_date(meta["published"], source) if meta["published"] else None
    article_id = meta["id"] or default_id or content_hash(text)[:16]
    if not re.fullmatch(r"[A-Za-z0-9._~%!$&'()*+,;=:@-]+", article_id):
        raise FormatError(source, f"id {article_id!r} has characters an IRI path cannot hold unescaped")
    return Article(
        id=article_id,
        text=text,
        title=meta["title"],
        published=published,
        url=meta["url"],
        source=meta["source"],
        origin=source,
    )


def parse_text(raw: str, source: str, *, max_chars: int) -> Article:
    """Parse a ``.txt``/``.md`` article with optional header lines.

    >>> a = parse_text(" date 2022-10-28 Troops advanced.", "seed.txt", max_chars=100)
    >>> (a.published, a.text)
    ('2022-10-28', 'Troops advanced.')
    """
    fields: dict[str, Any] = {}
    rest = raw.lstrip("\ufeff")
    while True:
        m = _HEADER.match(rest)
        if not m:
            break
        key = m.group(1).lower()
        after = rest[m.end() :]
        if key in _ONE_TOKEN:
            token = re.match(r"\S+", after)
            if token is None:
                break
            fields[key] = token.group(0)
            rest = after[token.end() :]
        else:
            line, _, remainder = after.partition("\n")
            fields[key] = line.strip()
            rest = remainder
        rest = rest.lstrip()
    if "date" in fields:
        fields["published"] = fields.pop("date")
    fields["text"] = rest.rstrip()
    return article_from_fields(fields, source, max_chars=max_chars)


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise EmptyInputError(source, "the file is empty")
    if b"\x00" in data[:8192]:
        raise EncodingError(source, "the file is binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            source, f"the file is not UTF-8 (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _read_html(raw: str, source: str, *, max_chars: int) -> Article:
    import trafilatura  # slow to import; only HTML needs it

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise EmptyInputError(source, "the HTML page has no main text to extract")
    fields = {
        "text": text,
        "title": getattr(doc, "title", None),
        "published": getattr(doc, "date", None),
        "url": getattr(doc, "url", None),
        "source": getattr(doc, "sitename", None),
    }
    return article_from_fields(fields, source, max_chars=max_chars)


def _jsonl_line(data: bytes, where: str, *, max_chars: int) -> Article | InputError:
    if b"\x00" in data:
        return EncodingError(where, "the line is binary (it contains NUL bytes), not JSON text")
    try:
        line = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return EncodingError(
            where, f"the line is not UTF-8 (invalid byte 0x{data[exc.start]:02x} at column {exc.start + 1})"
        )
    try:
        fields = json.loads(line)
    except json.JSONDecodeError as exc:
        return FormatError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(fields, dict):
        return FormatError(where, f"expected a JSON object, got {type(fields).__name__}")
    try:
        return article_from_fields(fields, where, max_chars=max_chars)
    except InputError as exc:
        return exc


def _read_jsonl(path: Path, source: str, *, max_chars: int) -> Iterator[Article | InputError]:
    """Stream a JSONL file line by line; a bad line is rejected by number, the rest read.

    Lines are split on ``\\n`` only (JSON strings may hold U+2028 and other characters
    ``str.splitlines`` would break on), and each line is decoded on its own, so one
    line in another encoding does not lose the whole file.
    """
    # A line may hold escapes (a \uXXXX escape is 6 bytes per character) and metadata.
    too_long = max_chars * 6 + 65536
    any_line = False
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            where = f"{source}:{number}"
            data = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
            if not data.strip():
                continue
            any_line = True
            if len(data) > too_long:
                yield TooLargeError(
                    where, f"the line has {len(data):,} bytes; the article limit is {max_chars:,} characters"
                )
                continue
            yield _jsonl_line(data.rstrip(b"\r\n"), where, max_chars=max_chars)
    if not any_line:
        yield EmptyInputError(source, "the file has no JSON lines")


def read_file(path: Path, *, max_chars: int) -> Iterator[Article | InputError]:
    """Read one file into articles (several for JSONL), yielding errors in place.

    Args:
        path: A ``.txt``, ``.md``, ``.jsonl``, ``.html`` or ``.htm`` file.
        max_chars: The article size limit.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield FormatError(source, f"unknown file type {suffix or '(none)'!r}; kg reads {', '.join(SUFFIXES)}")
        return
    if suffix == ".jsonl":
        try:
            yield from _read_jsonl(path, source, max_chars=max_chars)
        except OSError as exc:
            yield InputError(source, f"cannot be read: {exc.strerror or exc}")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(source, f"cannot be read: {exc.strerror or exc}")
        return
    # Bytes beyond the limit (with headroom for markup) are rejected before decoding.
    if len(data) > max_chars * 4 + 65536:
        yield TooLargeError(source, f"the file has {len(data):,} bytes; the article limit is {max_chars:,} characters")
        return
    try:
        raw = _decode(data, source)
        if suffix in {".html", ".htm"}:
            yield _read_html(raw, source, max_chars=max_chars)
        else:
            yield parse_text(raw, source, max_chars=max_chars)
    except InputError as exc:
        yield exc


def read_paths(paths: Iterable[str | Path], *, max_chars: int = 1_000_000) -> Iterator[Article | InputError]:
    """Read files and folders (recursively, in sorted order) into articles.

    Files in folders are read when their suffix is one of :data:`SUFFIXES`;
    a file named explicitly is always tried, and rejected by name if kg cannot read it.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES and not child.name.startswith("."):
                    yield from read_file(child, max_chars=max_chars)
        elif path.exists():
            yield from read_file(path, max_chars=max_chars)
        else:
            yield InputError(str(path), "no such file or folder")


def count_inputs(paths: Iterable[str | Path]) -> int:
    """Count the inputs :func:`read_paths` will yield, without parsing any of them.

    One per file, and one per non-blank line of a JSONL file (one for a JSONL file with
    none), found by reading its bytes line by line: a few hundred MB per second, so an
    ingest can show how far it has got out of how many.

    >>> count_inputs(["no/such/file.txt"])
    1
    """
    total = 0
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files = [
                c
                for c in path.rglob("*")
                if c.is_file() and c.suffix.lower() in SUFFIXES and not c.name.startswith(".")
            ]
        else:
            files = [path]
        for f in files:
            total += _count_file(f)
    return total


def _count_file(path: Path) -> int:
    if path.suffix.lower() != ".jsonl":
        return 1
    lines = 0
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if (raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw).strip():
                    lines += 1
    except OSError:
        return 1
    return max(lines, 1)
