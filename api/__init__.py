"""The web face of kg: Strawberry GraphQL served by an ASGI app."""

from __future__ import annotations

from api.app import create_app
from api.schema import build_schema

__all__ = ["build_schema", "create_app"]
