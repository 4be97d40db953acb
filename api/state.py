"""What a running app holds: the open store and the analytics projection's keeper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import StoreError

if TYPE_CHECKING:
    from api.context import ProjectionKeeper
    from kg.store import Store

__all__ = ["AppState"]


@dataclass(slots=True)
class AppState:
    """The app's state, set by its lifespan (start-up and shutdown).

    Attributes:
        store: The store served (given to :func:`api.create_app`, or opened at start-up).
        keeper: Keeps the analytics projection in step with the store (from start-up on).
    """

    store: Store | None = None
    keeper: ProjectionKeeper | None = None

    def require_store(self) -> Store:
        """Return the open store.

        Raises:
            StoreError: The app has not started (or has shut down), so no store is open.
        """
        if self.store is None:
            raise StoreError("no store is open: the app has not started, or has shut down")
        return self.store
