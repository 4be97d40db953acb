"""Request limits that keep one client from holding the server: body size, argument length, deadline.

* :class:`BodyLimit` (ASGI middleware): a request body larger than
  ``Settings.max_body_bytes`` gets 413 before the app reads it; the body is read
  at most up to the limit, so a 100 MB POST costs the server no more than that.
* :class:`ArgumentLengthLimiter` (Strawberry extension): a query whose string
  arguments or variables are longer than ``Settings.max_argument_chars`` is refused
  before any resolver runs. Mutations are exempt: an article's text is bounded by
  ``KG_MAX_ARTICLE_CHARS`` and the body limit instead.
* :func:`off_loop` and the request deadline: blocking store and analytics work runs
  in threads, which cannot be interrupted; once a GraphQL request is past its
  ``KG_REQUEST_TIMEOUT``, every further piece of its work is refused before it
  starts (:class:`RequestTimeoutError`), so a timed-out request stops after the
  query in progress instead of running all of its remaining ones.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from graphql.language import StringValueNode, Visitor, visit
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from kg.errors import ErrorCode, KGError

__all__ = [
    "ArgumentLengthLimiter",
    "BodyLimit",
    "RequestTimeoutError",
    "deadline",
    "off_loop",
]

P = ParamSpec("P")
R = TypeVar("R")

#: The monotonic time by which the current GraphQL request must be done (``None``: no limit).
deadline: ContextVar[float | None] = ContextVar("kg_request_deadline", default=None)


class RequestTimeoutError(KGError):
    """The request is past its deadline; its remaining work is not started."""

    code = ErrorCode.TIMEOUT

    def __init__(self) -> None:
        super().__init__("the request took longer than KG_REQUEST_TIMEOUT and was stopped")


def _check() -> None:
    limit = deadline.get()
    if limit is not None and time.monotonic() > limit:
        raise RequestTimeoutError


async def off_loop(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a blocking function in a thread, unless the request is already past its deadline.

    The deadline is checked again in the thread, right before ``fn`` starts: work
    queued behind busy threads when its request timed out never runs.

    Raises:
        RequestTimeoutError: The request's deadline has passed.
    """
    _check()

    def checked() -> R:
        _check()
        return fn(*args, **kwargs)

    return await asyncio.to_thread(checked)


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``limit`` bytes, read at most that far.

    Args:
        app: The application to protect.
        limit: The largest body accepted, in bytes.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self._app = app
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._limit:
            await self._refuse(send)
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self._app(scope, receive, send)
            return
        # Read the body here, up to the limit, then hand it on: the app would read it whole anyway.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        text = f"the request body is larger than {self._limit:,} bytes (KG_MAX_BODY_BYTES)".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(text)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": text})


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value (variables)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


class ArgumentLengthLimiter(SchemaExtension):
    """Refuse a query whose string arguments (inline or in variables) exceed ``max_chars``.

    Args:
        max_chars: The longest string argument a query may carry.
    """

    def __init__(self, *, max_chars: int) -> None:
        self._max = max_chars

    def on_execute(self) -> Iterator[None]:
        """Check the arguments before execution; on a refusal, execution is skipped."""
        ctx = self.execution_context
        if ctx.operation_type is not OperationType.MUTATION and self._too_long():
            message = (
                f"an argument is longer than {self._max:,} characters (KG_MAX_ARGUMENT_CHARS); send a shorter value"
            )
            ctx.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(message, extensions={"code": ErrorCode.BAD_USER_INPUT.value})]
            )
        yield

    def _too_long(self) -> bool:
        ctx = self.execution_context
        if any(len(s) > self._max for s in _strings(ctx.variables or {})):
            return True
        document = ctx.graphql_document
        if document is None:
            return False
        found = False
        limit = self._max

        class _Strings(Visitor):
            def enter_string_value(self, node: StringValueNode, *_: object) -> None:
                nonlocal found
                if len(node.value) > limit:
                    found = True

        visit(document, _Strings())
        return found
