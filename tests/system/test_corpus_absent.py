"""Without the real corpus the ``corpus`` tests neither fail nor pass silently: pytest says they did not run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.corpus import CORPUS_FILE, EVAL_ENV
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow


def test_corpus_tests_without_the_corpus_are_deselected_and_said_so(tmp_path: Path) -> None:
    # a corpus test file and another: the other runs and passes, the corpus tests are deselected
    args = ["tests/system/test_corpus_store.py", "tests/unit/core/test_progress.py"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, EVAL_ENV: str(tmp_path)},  # an empty folder
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "3 corpus test(s) did NOT run" in done.stdout
    reason = f"{tmp_path / CORPUS_FILE} not found ({EVAL_ENV}={tmp_path}); set {EVAL_ENV} to the folder"
    assert f"corpus tests deselected: {reason}" in done.stdout
    last = done.stdout.splitlines()[-1]
    assert " passed" in last
    assert "3 deselected" in last
