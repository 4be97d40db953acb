"""Where the repository is, for tests that read its files (seeds/, docs/, ontology/, bench/)."""

from __future__ import annotations

from pathlib import Path

#: The repository's root folder.
ROOT = Path(__file__).resolve().parents[2]
