"""docs/PYTHON.md: every ``>>>`` example runs, in order, and every public call of ``kg.Graph`` is shown."""

from __future__ import annotations

import doctest
import inspect
import re
import shutil
from pathlib import Path

import pytest

import kg
from tests.support.paths import ROOT

DOC = ROOT / "docs" / "PYTHON.md"
BLOCK = re.compile(r"^```pycon\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _examples() -> str:
    return "\n".join(BLOCK.findall(DOC.read_text()))


def test_docs_python_examples_run(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    for name in ("KG_STORE", "KG_BASE_IRI", "KG_UPDATE_ENDPOINT", "KG_PATH_LENGTH_MAX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KG_WORKERS", "1")  # one process: the test machine's cores are shared
    text = DOC.read_text()
    parser = doctest.DocTestParser()
    globs: dict[str, object] = {}
    tests = [
        parser.get_doctest(m.group(1), globs, DOC.name, str(DOC), text.count("\n", 0, m.start(1)))
        for m in BLOCK.finditer(text)
    ]
    assert sum(len(t.examples) for t in tests) > 30
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    try:
        for test in tests:  # in order, sharing one namespace, as a reader runs them
            test.globs = globs  # a DocTest copies the namespace it is given
            runner.run(test, out=out.append, clear_globs=False)
    finally:
        graph = globs.get("g")
        if isinstance(graph, kg.Graph):
            graph.close()
    assert runner.failures == 0, "\n".join(out)


def test_docs_python_shows_every_public_call() -> None:
    code = _examples()
    calls = [n for n, f in inspect.getmembers(kg.Graph, inspect.isfunction) if not n.startswith("_")]
    assert calls
    missing = [n for n in calls if f".{n}(" not in code]
    assert not missing, f"docs/PYTHON.md has no example of Graph.{missing}"


def test_docs_python_imports_nothing_private() -> None:
    imports = re.findall(r"^(?:>>>|\.\.\.)\s+(?:from|import)\s+([\w.]+)", _examples(), re.MULTILINE)
    assert "kg" in imports
    assert all(m == "kg" or not m.startswith("kg") for m in imports), imports
    assert not any(part.startswith("_") for m in imports for part in m.split(".")), imports
