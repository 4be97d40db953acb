"""The error tree's codes, and the codes GraphQL clients see for them."""

from __future__ import annotations

import asyncio

import pytest
from graphql import GraphQLError

from api import build_schema
from api.context import Context
from api.limits import RequestTimeoutError
from api.schema import error_code
from kg.errors import (
    ConfigError,
    DateError,
    DuplicateIdError,
    EmptyInputError,
    EncodingError,
    ErrorCode,
    FormatError,
    InputError,
    InputProblem,
    InvalidArgumentError,
    KGError,
    NotFoundError,
    OntologyError,
    StoreError,
    StoreLockedError,
    TooLargeError,
)
from kg.settings import Settings
from kg.store import EmbeddedStore


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (None, ErrorCode.GRAPHQL_VALIDATION_FAILED),
        (InvalidArgumentError("first", "first must be between 0 and 100, got -1"), ErrorCode.BAD_USER_INPUT),
        (ConfigError("bad"), ErrorCode.BAD_USER_INPUT),
        (OntologyError("bad"), ErrorCode.BAD_USER_INPUT),
        (DateError("a.txt", "bad date"), ErrorCode.BAD_USER_INPUT),
        (NotFoundError("entity", "place/nowhere"), ErrorCode.NOT_FOUND),
        (StoreError("down"), ErrorCode.INTERNAL),
        (StoreLockedError("held"), ErrorCode.INTERNAL),
        (RequestTimeoutError(), ErrorCode.TIMEOUT),
        (TimeoutError(), ErrorCode.TIMEOUT),
        (PermissionError(), ErrorCode.UNAUTHENTICATED),
        (GraphQLError("refused on purpose"), ErrorCode.BAD_USER_INPUT),
        (ValueError("a bug"), ErrorCode.INTERNAL),
    ],
    ids=[
        "validation",
        "argument",
        "config",
        "ontology",
        "input",
        "not-found",
        "store",
        "store-locked",
        "request-timeout",
        "timeout",
        "permission",
        "graphql",
        "unexpected",
    ],
)
def test_error_code_follows_the_error_class(error: Exception | None, code: ErrorCode) -> None:
    assert error_code(GraphQLError("message", original_error=error)) is code


@pytest.mark.parametrize(
    ("cls", "problem", "field"),
    [
        (EmptyInputError, InputProblem.EMPTY, "text"),
        (TooLargeError, InputProblem.TOO_LARGE, "text"),
        (DateError, InputProblem.BAD_DATE, "published"),
        (EncodingError, InputProblem.ENCODING, "text"),
        (FormatError, InputProblem.FORMAT, None),
        (DuplicateIdError, InputProblem.FORMAT, "id"),
    ],
    ids=["empty", "too-large", "date", "encoding", "format", "duplicate-id"],
)
def test_input_error_states_its_problem_and_field(
    cls: type[InputError], problem: InputProblem, field: str | None
) -> None:
    error = cls("notes.jsonl:3", "what is wrong")
    assert (error.problem, error.field, error.code) == (problem, field, ErrorCode.BAD_USER_INPUT)
    assert cls("notes.jsonl:3", "what is wrong", field="title").field == "title"


def test_error_codes_are_stated_by_every_class() -> None:
    classes = [KGError]
    seen: list[type[KGError]] = []
    while classes:
        cls = classes.pop()
        seen.append(cls)
        classes.extend(cls.__subclasses__())
    assert all(isinstance(c.code, ErrorCode) for c in seen)
    assert {InputError, InvalidArgumentError, NotFoundError, StoreError} <= set(seen)


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ("{ entities(first: -1) { totalCount } }", "first must be between 0 and"),
        ('{ entities(after: "nope") { totalCount } }', "after='nope' is not a cursor"),
        ('{ node(id: "nope") { id } }', "'nope' is not a global id"),
        ('{ events(type: "Picnic") { totalCount } }', "unknown event type 'Picnic'"),
        ('{ events(participant: "nobody") { totalCount } }', "participant 'nobody' is not the id of an entity"),
        ("{ entities(type: PERSON, filter: {type: PLACE}) { totalCount } }", "type PERSON and filter.type PLACE"),
        ('{ shortestPath(from: "place/a", to: "place/b", maxLength: -2) { length } }', "maxLength must be"),
    ],
    ids=["first", "after", "node-id", "event-type", "participant", "disagreeing-filters", "max-length"],
)
def test_api_bad_argument_is_bad_user_input_naming_the_value(settings: Settings, query: str, argument: str) -> None:
    store = EmbeddedStore(None)
    try:
        result = asyncio.run(
            build_schema(settings).execute(query, context_value=Context(store=store, settings=settings))
        )
    finally:
        store.close()
    (error,) = result.errors or []
    assert isinstance(error.original_error, InvalidArgumentError)
    assert argument in error.message
    assert error.extensions == {"code": "BAD_USER_INPUT"}
