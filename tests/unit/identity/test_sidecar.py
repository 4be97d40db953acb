"""The side-files beside a store: one reader for the merge log and the shingle index, errors naming file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.identity import MergeLog, ShingleIndex
from kg.identity.sidecar import append_lines, read_lines, sidecar_path


@pytest.mark.parametrize(
    ("store", "name"),
    [("./data/kg-data", "kg-data.merges.jsonl"), ("https://db.example/sparql", "kg-merges.jsonl")],
    ids=["embedded", "remote"],
)
def test_sidecar_path_sits_beside_the_store(store: str, name: str) -> None:
    assert sidecar_path(store, "merges").name == name


def test_read_lines_skips_blank_lines_and_numbers_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "side.jsonl"
    append_lines(path, ['{"a": 1}'])
    path.write_text(path.read_text() + "\n")
    append_lines(path, ['{"b": 2}'])
    assert list(read_lines(path, "test")) == [(1, {"a": 1}), (3, {"b": 2})]


def test_read_lines_of_a_missing_or_in_memory_file_is_empty(tmp_path: Path) -> None:
    assert list(read_lines(tmp_path / "absent.jsonl", "test")) == []
    assert list(read_lines(None, "test")) == []


@pytest.mark.parametrize(
    ("open_", "line", "what"),
    [
        (MergeLog, "{not json", "merge log"),
        (MergeLog, "[1, 2]", "merge log"),
        (MergeLog, '{"id": "m1"}', "merge log"),
        (ShingleIndex, "{not json", "shingle index"),
        (ShingleIndex, '{"id": "a1", "sig": "abc"}', "shingle index"),
    ],
    ids=["log-not-json", "log-not-object", "log-no-fields", "index-not-json", "index-bad-signature"],
)
def test_side_files_name_the_file_and_line_of_a_bad_line(
    tmp_path: Path, open_: Callable[[Path], object], line: str, what: str
) -> None:
    path = tmp_path / "side.jsonl"
    path.write_text("\n" + line + "\n", encoding="utf-8")
    with pytest.raises(StoreError, match=rf"side\.jsonl:2: not a {what} line"):
        open_(path)
