"""No module of kg or api imports one that imports it back, directly or through others.

Imports inside functions count (they hide a cycle without removing it); imports
under ``if TYPE_CHECKING:`` do not (they never run). Importing ``a.b.c`` runs
``a`` and ``a.b`` too, so it counts as importing each of them, except the
packages the importing module is itself inside (Python has run them already).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

PACKAGES = ("kg", "api")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The kg/api modules ``tree`` imports at run time (anywhere but under TYPE_CHECKING)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{node.module}" if node.module else package
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    with_parents = {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 2)}
    return {m for m in with_parents if m in known}


def import_graph() -> dict[str, set[str]]:
    """Each kg/api module and the kg/api modules it imports at run time."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = _imported(tree, name, path.name == "__init__.py", known)
        # A submodule's import of its own ancestors' __init__ is how Python loads it, not a cycle.
        graph[name] = {m for m in edges if m != name and not name.startswith(m + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def connect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
    ids=["chain", "pair", "ring-of-three"],
)
def test_import_cycles_finds_every_ring(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from kg.store import Store", {"kg", "kg.store"}),
        ("def f():\n    from kg import summary", {"kg", "kg.summary"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kg.store import Store", set()),
        ("import kg.summary", {"kg", "kg.summary"}),
        ("from kg.store.writer import sync", {"kg", "kg.store", "kg.store.writer"}),
    ],
    ids=["top-level", "inside-a-function", "type-checking-only", "plain-import", "runs-its-packages"],
)
def test_import_cycles_counts_imports_that_run(source: str, expected: set[str]) -> None:
    known = {"kg", "kg.store", "kg.store.writer", "kg.summary", "kg.cli"}
    assert _imported(ast.parse(source), "kg.cli", False, known) == expected


def test_import_cycles_none_in_kg_and_api() -> None:
    assert cycles(import_graph()) == []
