"""Every public module's ``__all__`` lists exactly what it defines publicly (ruff keeps it sorted)."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "kg.records",
    "kg.errors",
    "kg.read",
    "kg.rdf",
    "kg.store",
    "kg.settings",
    "kg.ingest",
    "kg.queries",
    "kg.extract",
    "kg.extract.pipeline",
    "api",
    "api.schema",
    "api.app",
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
