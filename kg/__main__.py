"""`python -m kg` runs the command line."""

from __future__ import annotations

from kg.cli import app

app()
