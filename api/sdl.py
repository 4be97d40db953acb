"""Print the schema's SDL: ``python -m api.sdl > schema.graphql``.

``schema.graphql`` at the repository root is this output, committed, so clients
can generate code without running the server; a test fails when the two differ.
"""

from __future__ import annotations

import sys

from api.schema import build_schema

__all__ = ["main", "sdl"]


def sdl() -> str:
    """Return the schema's SDL as committed in ``schema.graphql`` (ending in a newline)."""
    return build_schema().as_str() + "\n"


def main() -> None:
    """Write the SDL to standard output."""
    sys.stdout.write(sdl())


if __name__ == "__main__":
    main()
