"""The one way the API paginates: Strawberry's Relay connections over offset windows.

Every ``XConnection`` of the schema is a :class:`CountedConnection`: Strawberry's
:class:`strawberry.relay.Connection` (``pageInfo``, ``edges { cursor node }``)
plus ``totalCount``. A field turns its ``first``/``after`` arguments into a
:class:`kg.queries.Page` with :func:`api.inputs.page_from`, asks the read model
for that window and the size of the whole list, and hands both to
:meth:`CountedConnection.from_page`. Cursors are Relay's ``arrayconnection:N``
(base64), N being the item's position in the whole list, so ``after`` with the
last edge's cursor continues where the page ended.

Unlike :class:`strawberry.relay.ListConnection`, which slices a list it is given
whole, the store pages the list itself: only the window's items are ever built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Self, TypeVar, cast

import strawberry
from strawberry import relay
from strawberry.types.base import StrawberryContainer, get_object_definition

from kg.queries import Page

__all__ = ["CountedConnection", "window"]

ItemT = TypeVar("ItemT")
NodeT = TypeVar("NodeT", bound=relay.Node)


def window(items: Sequence[ItemT], page: Page) -> Sequence[ItemT]:
    """The part of a whole list that ``page`` asks for.

    >>> window("abcdef", Page(offset=2, limit=3))
    'cde'
    """
    return items[page.offset : page.offset + page.limit]


@strawberry.type(description="A page of a list, with the size of the whole list.")
class CountedConnection(relay.Connection[NodeT]):
    """A Relay connection over one window of a list the store paged, with ``totalCount``.

    Subclasses name the item type (``EventConnection(CountedConnection[Event])``)
    and redeclare ``total_count`` to describe it; a subclass whose edges carry
    more than ``cursor`` and ``node`` redeclares ``edges`` with its own
    :class:`strawberry.relay.Edge` subclass, which :meth:`from_page` then builds.
    Strawberry types the items as Nodes, but only the cursor is built from an
    item's position: items without a global id (mentions, relationships) page
    alike, their classes telling mypy so with ``type: ignore[type-var]``.
    """

    total_count: int = strawberry.field(description="How many items the whole list has.")

    @classmethod
    def from_page(cls, items: Iterable[NodeT], page: Page, total: int, **edge_fields: object) -> Self:
        """Build the connection from one window of items, in order, and the whole list's size.

        Args:
            items: The items at positions ``page.offset``, ``page.offset + 1``, ...
            page: The window the items fill.
            total: How many items the whole list has.
            **edge_fields: Passed to every edge's ``resolve_edge`` (fields an edge
                subclass adds).
        """
        edge_class = _edge_class(cls)
        edges = [edge_class.resolve_edge(item, cursor=page.offset + i, **edge_fields) for i, item in enumerate(items)]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.offset + len(edges) < total,
                has_previous_page=page.offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )


_EDGE_CLASSES: dict[type[object], type[object]] = {}


def _edge_class(connection: type[CountedConnection[NodeT]]) -> type[relay.Edge[NodeT]]:
    """The edge type a connection's ``edges`` field holds, as Strawberry resolved it (cached).

    The same lookup :meth:`strawberry.relay.ListConnection.resolve_connection` does,
    so a generic ``Edge[Event]`` comes out as the specialised ``EventEdge``.
    """
    found = _EDGE_CLASSES.get(connection)
    if found is None:
        definition = get_object_definition(connection, strict=True)
        edges = definition.get_field("edges")
        if edges is None:
            raise TypeError(f"{connection.__name__} has no edges field")
        of_type: object = edges.resolve_type(type_definition=definition)
        while isinstance(of_type, StrawberryContainer):
            of_type = of_type.of_type
        if not isinstance(of_type, type):
            raise TypeError(f"{connection.__name__}.edges holds {of_type!r}, not a class")
        found = _EDGE_CLASSES[connection] = of_type
    return cast("type[relay.Edge[NodeT]]", found)
