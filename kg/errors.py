"""The one error tree of kg.

Every error names the offending input and, where there is a closed set, the
values that would have been valid. Foreign exceptions are translated at the
boundary (``raise StoreError(...) from exc``)::

    KGError
    ├── InputError              an article that cannot be read (file, line, reason)
    │   ├── EmptyInputError
    │   ├── EncodingError
    │   ├── FormatError         broken JSONL, missing `text`, unknown extension
    │   ├── DateError           a date that does not parse
    │   ├── DuplicateIdError    an id read twice in one run with different text
    │   ├── SkippedFileError    a file in a folder kg does not read (named, not an error)
    │   └── TooLargeError
    ├── ConfigError             a bad setting or option value
    ├── OntologyError           a term or file that does not match ontology/
    ├── StoreError              the store could not be opened, read or written
    │   └── StoreLockedError    another process holds the embedded store
    ├── ValidationError         SHACL violations in data being imported
    └── NotFoundError           an id that names nothing in the graph
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DateError",
    "DuplicateIdError",
    "EmptyInputError",
    "EncodingError",
    "FormatError",
    "InputError",
    "KGError",
    "NotFoundError",
    "OntologyError",
    "SkippedFileError",
    "StoreError",
    "StoreLockedError",
    "TooLargeError",
    "ValidationError",
]


class KGError(Exception):
    """Base of every error kg raises on purpose."""


class InputError(KGError):
    """An input article that was rejected; the rest of a batch still goes in.

    Attributes:
        source: The file (and ``:line`` for JSONL) that was rejected.
        reason: What is wrong with it, in words a user can act on.
        field: The article field at fault, when one is (``text``, ``title``, ...).
    """

    def __init__(self, source: str, reason: str, *, field: str | None = None) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.field = field


class EmptyInputError(InputError):
    """The input has no text."""


class EncodingError(InputError):
    """The input is binary or not UTF-8."""


class FormatError(InputError):
    """The input is not in the format its name promises."""


class DateError(InputError):
    """A publication date that does not parse as an ISO date."""


class DuplicateIdError(InputError):
    """An article id read a second time in one run, with different text (the first is kept)."""


class SkippedFileError(InputError):
    """A file inside a folder that kg does not read (unsupported type, special file).

    It is reported by name, but does not make an ingest fail: folders often hold
    other files.
    """


class TooLargeError(InputError):
    """The article is larger than the configured limit."""


class ConfigError(KGError):
    """A setting or option has a value kg cannot use."""


class OntologyError(KGError):
    """Code and ``ontology/`` disagree, or an ontology file is malformed."""


class StoreError(KGError):
    """The store could not be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process has the embedded store open for writing."""


class ValidationError(KGError):
    """Data failed SHACL validation against ``ontology/shapes.ttl``.

    Attributes:
        report: The human-readable validation report.
    """

    def __init__(self, message: str, report: str) -> None:
        super().__init__(message)
        self.report = report


class NotFoundError(KGError):
    """An id that names nothing in the graph.

    Attributes:
        id: The id that was looked up.
    """

    def __init__(self, kind: str, id: str) -> None:  # noqa: A002 - mirrors the GraphQL argument
        super().__init__(f"no {kind} with id {id!r}")
        self.kind = kind
        self.id = id
