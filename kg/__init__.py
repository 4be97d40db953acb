"""kg: news articles in, a queryable knowledge graph out.

From Python (``docs/PYTHON.md``)::

    import kg

    with kg.Graph("./kg-data") as g:
        g.ingest(["articles/"])
        g.entities(search="zel", type="PERSON")
        g.shortest_path("place/bakhmut", "person/vladimir-putin")
        g.tables()["entities"]

The names below load on first use, so ``import kg`` stays cheap for the CLI and the
extraction workers, which import kg's modules but not the facade.
"""

# No `from __future__ import annotations` and only underscored imports: every public
# name of this module is in __all__ (tests/unit/core/test_package.py checks it).
import importlib as _importlib
import typing as _typing

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleView",
    "EntityType",
    "EntityView",
    "EventView",
    "EvidenceView",
    "Graph",
    "IngestReport",
    "KGError",
    "NotFoundError",
    "ParticipantView",
    "PathView",
    "RelationshipView",
    "Stats",
    "__version__",
]

if _typing.TYPE_CHECKING:
    from kg._graph import Graph, PathView
    from kg.errors import KGError, NotFoundError
    from kg.ingest import IngestReport
    from kg.queries import (
        ArticleView,
        EntityView,
        EventView,
        EvidenceView,
        ParticipantView,
        RelationshipView,
        Stats,
    )
    from kg.records import Article, EntityType

#: Where each public name is defined.
_HOMES = {
    "Article": "kg.records",
    "ArticleView": "kg.queries",
    "EntityType": "kg.records",
    "EntityView": "kg.queries",
    "EventView": "kg.queries",
    "EvidenceView": "kg.queries",
    "Graph": "kg._graph",
    "IngestReport": "kg.ingest",
    "KGError": "kg.errors",
    "NotFoundError": "kg.errors",
    "ParticipantView": "kg.queries",
    "PathView": "kg._graph",
    "RelationshipView": "kg.queries",
    "Stats": "kg.queries",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
