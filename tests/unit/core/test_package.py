"""Every public module's ``__all__`` lists exactly what it defines publicly (ruff keeps it sorted)."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

import kg

MODULES = [
    "kg",
    "kg.tables",
    "kg.records",
    "kg.errors",
    "kg.ingest.sources",
    "kg.rdf",
    "kg.store",
    "kg.store.base",
    "kg.store.writer",
    "kg.store.export",
    "kg.settings",
    "kg.ingest",
    "kg.ingest.run",
    "kg.ingest.distributed",
    "kg.queries",
    "kg.extract",
    "kg.extract.pipeline",
    "api",
    "api.schema",
    "api.app",
    "api.state",
]


@pytest.mark.parametrize("name", MODULES, ids=MODULES)
def test_all_matches_public_definitions(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names {item!r}, which it does not define"
    defined = {
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", None) == name
    }
    assert defined <= exported, f"{name} defines public {sorted(defined - exported)} missing from __all__"


def test_kg_exports_exactly_the_public_api() -> None:
    # Changing this list changes what users may import: do it on purpose, with docs/PYTHON.md.
    assert kg.__all__ == [
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
    # kg's submodules (kg.store, ...) appear as attributes once imported; they are not names kg exports.
    public = {n for n in dir(kg) if not n.startswith("_") and not inspect.ismodule(getattr(kg, n))}
    assert public == set(kg.__all__) - {"__version__"}


@pytest.mark.parametrize("name", [n for n in kg.__all__ if n != "__version__"])
def test_kg_exports_come_from_where_the_library_defines_them(name: str) -> None:
    value = getattr(kg, name)
    home = importlib.import_module(value.__module__)
    assert getattr(home, name) is value
    assert name in home.__all__


def test_kg_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Graf'"):
        kg.Graf  # noqa: B018 - the look-up is the test


def test_kg_import_stays_light() -> None:
    # The CLI and the extraction workers import kg's modules, never the facade's heavy imports.
    code = "import sys, kg, kg.records; print(sorted(m for m in ('pandas', 'pyarrow', 'strawberry', 'spacy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
