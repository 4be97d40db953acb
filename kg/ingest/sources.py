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
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kg.errors import (
    DateError,
    EmptyInputError,
    EncodingError,
    FormatError,
    InputError,
    SkippedFileError,
    TooLargeError,
)
from kg.records import Article, content_hash

__all__ = [
    "SUFFIXES",
    "article_from_fields",
    "count_inputs",
    "dateline_date",
    "normalise_date",
    "parse_text",
    "read_file",
    "read_paths",
]

#: File suffixes kg reads, and what reads them.
SUFFIXES = (".txt", ".md", ".jsonl", ".html", ".htm")

_HEADER = re.compile(r"[ \t]*(date|title|url|source)[ \t]*:?[ \t]+", re.IGNORECASE)
_ONE_TOKEN = {"date", "url"}


def normalise_date(value: str, source: str) -> str:
    """Return ``value`` as an ISO date (``YYYY-MM-DD``), or raise :class:`DateError`.

    Accepts ISO dates and ISO date-times (the time is dropped); anything after
    them is an error (``2022-10-28garbage`` is not a date).

    >>> normalise_date("2022-10-28T09:00:00Z", "a.txt")
    '2022-10-28'
    """
    text = value.strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).date().isoformat()  # the whole value must parse
    except ValueError:
        raise DateError(
            source, f"date {value!r} does not parse; expected an ISO date such as 2022-10-28 or 2022-10-28T09:00:00Z"
        ) from None


#: A wire dateline on a line of its own near the top: "BRUSSELS 1996-08-22", "WIGAN , England 1996-08-31".
_DATELINE = re.compile(r"[A-Z][A-Z.'&-]*(?: [A-Z][A-Z.'&-]*)*(?: ?, [A-Z][A-Za-z.' -]*)? (\d{4}-\d{2}-\d{2})")
#: How many lines from the top a dateline may sit (headline, byline, dateline).
_DATELINE_LINES = 5


def dateline_date(text: str) -> str | None:
    r"""The date of the article's dateline, for an article that gives no publication date.

    Only a line that is a place in capitals and an ISO date, within the first lines:

    >>> dateline_date("EU rejects call .\nJan Novak\nBRUSSELS 1996-08-22\nThe Commission said ...")
    '1996-08-22'
    >>> dateline_date("Talks resume in Oslo on 1996-08-22 after a break.") is None
    True
    """
    for line in text.split("\n", _DATELINE_LINES)[:_DATELINE_LINES]:
        found = _DATELINE.fullmatch(line.strip())
        if found is not None:
            try:
                return date.fromisoformat(found[1]).isoformat()
            except ValueError:
                return None
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_unicode(value: str, field: str, source: str) -> None:
    """Refuse a lone surrogate (JSON's ``"\\ud800"``): it is not a character, and no store can hold it."""
    found = _SURROGATE.search(value)
    if found is not None:
        raise EncodingError(
            source,
            f"field {field!r} holds a lone surrogate (U+{ord(found.group()):04X} at character {found.start()}), "
            "which is not valid Unicode",
            field=field,
        )


def article_from_fields(
    fields: dict[str, Any], source: str, *, max_chars: int, default_id: str | None = None
) -> Article:
    """Validate one article's fields (JSONL line, GraphQL input) into an :class:`Article`.

    Args:
        fields: ``text`` (required), ``id``, ``title``, ``published``, ``url``, ``source``.
            Without ``published``, a wire dateline near the top ("BRUSSELS 1996-08-22")
            gives the date, so "on Thursday" can still be placed in time.
        source: Where the fields came from, for error messages.
        max_chars: Longer texts are rejected.
        default_id: The id to use when ``fields`` has none (else the content hash).

    Raises:
        InputError: A subclass naming ``source`` and what is wrong.
    """
    text = fields.get("text")
    if not isinstance(text, str):
        raise FormatError(source, "missing required field 'text' (a string)")
    for key in ("text", "id", "title", "published", "url", "source"):
        value = fields.get(key)
        if isinstance(value, str):
            _check_unicode(value, key, source)
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
    published = normalise_date(meta["published"], source) if meta["published"] else dateline_date(text)
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


_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*|!doctype)[\s>/]", re.IGNORECASE)
#: The least share of letters among the visible characters of text taken for prose.
MIN_LETTER_SHARE = 0.5


def _read_html(raw: str, source: str, *, max_chars: int) -> Article:
    if not _TAG.search(raw[:65536]):
        raise FormatError(source, "the file has no HTML markup (no tag in its first 64 KiB); is it an HTML page?")
    import trafilatura  # slow to import; only HTML needs it

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise EmptyInputError(source, "the HTML page has no main text to extract")
    visible = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in visible)
    if letters < MIN_LETTER_SHARE * len(visible) or len(text.split()) < 3:
        raise FormatError(
            source,
            f"the page's main text is not prose ({letters} letters in {len(visible)} visible characters); "
            "it looks like markup, code or binary data",
        )
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

    Files in folders are read when their suffix is one of :data:`SUFFIXES`; other
    files are named as skipped (:class:`SkippedFileError`), hidden ones (``.name``)
    ignored. Symbolic links to folders are followed unless they lead back into a
    folder being read (a loop); loops, broken links and unreadable folders are
    rejected by name. A file named explicitly is always tried, and rejected by name
    if kg cannot read it.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for found in _walk(path, frozenset({path.resolve()})):
                if isinstance(found, InputError):
                    yield found
                else:
                    yield from read_file(found, max_chars=max_chars)
        elif path.is_symlink() and not path.exists():
            yield InputError(str(path), "a symbolic link that loops or leads nowhere")
        elif path.exists():
            yield from read_file(path, max_chars=max_chars)
        else:
            yield InputError(str(path), "no such file or folder")


def _walk(folder: Path, ancestors: frozenset[Path]) -> Iterator[Path | InputError]:
    """The files under ``folder``, depth first in sorted order, with what cannot be read named.

    ``ancestors`` holds the resolved folders being read above this one, so a link
    back to one of them is a loop rather than an endless walk.
    """
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        yield InputError(str(folder), f"the folder cannot be read: {exc.strerror or exc}")
        return
    for child in entries:
        if child.name.startswith("."):
            continue
        if child.is_symlink():
            try:
                target = child.resolve(strict=True)
            except (OSError, RuntimeError):  # RuntimeError: a loop of links
                yield InputError(str(child), "a symbolic link that loops or leads nowhere")
                continue
            if target.is_dir() and target in ancestors:
                yield InputError(str(child), f"a symbolic link back to {target}, a folder being read (a loop)")
                continue
        if child.is_dir():
            yield from _walk(child, ancestors | {child.resolve()})
        elif not child.is_file():
            yield SkippedFileError(str(child), "not a regular file (a device, socket or pipe); skipped")
        elif child.suffix.lower() not in SUFFIXES:
            yield SkippedFileError(
                str(child), f"unsupported file type {child.suffix or '(none)'!r}; kg reads {', '.join(SUFFIXES)}"
            )
        else:
            yield child


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
        if not path.is_dir():
            total += _count_file(path)
            continue
        # the same walk as read_paths, so skipped and unreadable entries count as it yields them
        for found in _walk(path, frozenset({path.resolve()})):
            total += 1 if isinstance(found, InputError) else _count_file(found)
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
