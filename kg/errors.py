"""The one error tree of kg.

Every error names the offending input and, where there is a closed set, the
values that would have been valid. Foreign exceptions are translated at the
boundary (``raise StoreError(...) from exc``)::

    KGError                     code                 problem
    ├── InputError              BAD_USER_INPUT       FORMAT     an article that cannot be read
    │   ├── EmptyInputError                          EMPTY
    │   ├── EncodingError                            ENCODING
    │   ├── FormatError                              FORMAT     broken JSONL, missing `text`, unknown extension
    │   ├── DateError                                BAD_DATE   a date that does not parse
    │   ├── DuplicateIdError                         FORMAT     an id read twice in one run with different text
    │   ├── SkippedFileError                         FORMAT     a file in a folder kg does not read
    │   └── TooLargeError                            TOO_LARGE
    ├── ConfigError             BAD_USER_INPUT                  a bad setting or option value
    ├── InvalidArgumentError         BAD_USER_INPUT                  a GraphQL argument the API refuses
    ├── OntologyError           BAD_USER_INPUT                  a term or file that does not match ontology/
    ├── StoreError              INTERNAL                        the store could not be opened, read or written
    │   └── StoreLockedError    INTERNAL                        another process holds the embedded store
    ├── ValidationError         BAD_USER_INPUT                  SHACL violations in data being imported
    └── NotFoundError           NOT_FOUND                       an id that names nothing in the graph

Each class states its :class:`ErrorCode` (``code``), which the API sends as a
GraphQL error's ``extensions.code``; an input error also states its
:class:`InputProblem` (``problem``) and the article field it usually concerns
(``default_field``), which an ``ingestArticle`` rejection reports. Clients act
on these codes, so they are stable: a new class picks an existing code or adds one.
"""

from __future__ import annotations

import enum
from typing import ClassVar

__all__ = [
    "ConfigError",
    "DateError",
    "DuplicateIdError",
    "EmptyInputError",
    "EncodingError",
    "ErrorCode",
    "FormatError",
    "InputError",
    "InputProblem",
    "InvalidArgumentError",
    "KGError",
    "NotFoundError",
    "OntologyError",
    "SkippedFileError",
    "StoreError",
    "StoreLockedError",
    "TooLargeError",
    "ValidationError",
]


class ErrorCode(enum.StrEnum):
    """What kind of failure an error is, as a GraphQL client sees it in ``extensions.code``.

    The last three are never a :class:`KGError`'s: the API gives them to errors
    from elsewhere (a query that does not parse or validate, a timeout, a refused token).
    """

    BAD_USER_INPUT = "BAD_USER_INPUT"
    """The request asked for something kg refuses; the message says what would do."""
    NOT_FOUND = "NOT_FOUND"
    """An id names nothing."""
    INTERNAL = "INTERNAL"
    """kg could not do its part (the store failed, or a bug); retrying may help."""
    TIMEOUT = "TIMEOUT"
    """The request ran out of time."""
    UNAUTHENTICATED = "UNAUTHENTICATED"
    """The request lacks the credentials the operation needs."""
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    """The query does not parse, does not validate against the schema, or exceeds a query limit."""


class InputProblem(enum.StrEnum):
    """Why an input article was rejected, in one word a client can branch on."""

    EMPTY = "EMPTY"
    TOO_LARGE = "TOO_LARGE"
    BAD_DATE = "BAD_DATE"
    ENCODING = "ENCODING"
    FORMAT = "FORMAT"


class KGError(Exception):
    """Base of every error kg raises on purpose.

    Attributes:
        code: The kind of failure, for clients (GraphQL ``extensions.code``).
    """

    code: ClassVar[ErrorCode] = ErrorCode.BAD_USER_INPUT


class InputError(KGError):
    """An input article that was rejected; the rest of a batch still goes in.

    Attributes:
        source: The file (and ``:line`` for JSONL) that was rejected.
        reason: What is wrong with it, in words a user can act on.
        field: The article field at fault, when one is (``text``, ``title``, ...);
            the class's ``default_field`` unless the raiser names another.
        problem: The kind of problem, one word (class-wide).
        default_field: The field this kind of problem concerns, if one always is (class-wide).
    """

    problem: ClassVar[InputProblem] = InputProblem.FORMAT
    default_field: ClassVar[str | None] = None

    def __init__(self, source: str, reason: str, *, field: str | None = None) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.field = field if field is not None else self.default_field


class EmptyInputError(InputError):
    """The input has no text."""

    problem = InputProblem.EMPTY
    default_field = "text"


class EncodingError(InputError):
    """The input is binary or not UTF-8."""

    problem = InputProblem.ENCODING
    default_field = "text"


class FormatError(InputError):
    """The input is not in the format its name promises."""


class DateError(InputError):
    """A publication date that does not parse as an ISO date."""

    problem = InputProblem.BAD_DATE
    default_field = "published"


class DuplicateIdError(InputError):
    """An article id read a second time in one run, with different text (the first is kept)."""

    default_field = "id"


class SkippedFileError(InputError):
    """A file inside a folder that kg does not read (unsupported type, special file).

    It is reported by name, but does not make an ingest fail: folders often hold
    other files.
    """


class TooLargeError(InputError):
    """The article is larger than the configured limit."""

    problem = InputProblem.TOO_LARGE
    default_field = "text"


class ConfigError(KGError):
    """A setting or option has a value kg cannot use."""


class InvalidArgumentError(KGError):
    """A GraphQL argument the API refuses: out of range, of the wrong kind, or in conflict with another.

    Attributes:
        argument: The argument's name as the client wrote it (``first``, ``filter.types``, ...).
    """

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument


class OntologyError(KGError):
    """Code and ``ontology/`` disagree, or an ontology file is malformed."""


class StoreError(KGError):
    """The store could not be opened, read or written."""

    code = ErrorCode.INTERNAL


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

    code = ErrorCode.NOT_FOUND

    def __init__(self, kind: str, id: str) -> None:  # noqa: A002 - mirrors the GraphQL argument
        super().__init__(f"no {kind} with id {id!r}")
        self.kind = kind
        self.id = id
