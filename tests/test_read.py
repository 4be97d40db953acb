from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import DateError, EmptyInputError, EncodingError, FormatError, InputError, TooLargeError
from kg.read import parse_text, read_paths
from kg.records import Article, content_hash


def _one(path: Path, **kw: int) -> Article | InputError:
    (item,) = list(read_paths([path], **kw))
    return item


def test_read_seed_header_date_then_body_on_the_same_line(seed_article: Article) -> None:
    assert seed_article.published == "2022-10-28"
    assert seed_article.text.startswith("Russian soldiers pummeling a city in eastern Ukraine")
    assert seed_article.id == content_hash(seed_article.text)[:16]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("title: Troops advance\ndate: 2022-10-28\nBody here.", ("Troops advance", "2022-10-28", None, "Body here.")),
        ("url https://x.org/a\nsource AP\nBody.", (None, None, "https://x.org/a", "Body.")),
        ("Date 2022-01-02 Body.", (None, "2022-01-02", None, "Body.")),
        ("No header at all.", (None, None, None, "No header at all.")),
        ("dated material is not a header.", (None, None, None, "dated material is not a header.")),
    ],
    ids=["colon-headers", "space-headers", "case-insensitive-key", "none", "key-prefix-is-not-a-key"],
)
def test_parse_text_headers(raw: str, expected: tuple[str | None, str | None, str | None, str]) -> None:
    a = parse_text(raw, "x.txt", max_chars=1000)
    assert (a.title, a.published, a.url, a.text) == expected


def test_read_jsonl_keeps_text_verbatim_and_uses_given_id(tmp_path: Path) -> None:
    text = "  Leading spaces stay.\nSecond line. "
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps({"id": "doc-1", "text": text, "published": "2020-01-02", "title": "T"}) + "\n")
    a = _one(p)
    assert isinstance(a, Article)
    assert (a.id, a.text, a.published, a.title, a.origin) == ("doc-1", text, "2020-01-02", "T", f"{p}:1")


@pytest.mark.parametrize(
    ("name", "content", "error", "needle"),
    [
        ("empty.txt", b"", EmptyInputError, "empty"),
        ("blank.txt", b"  \n\n ", EmptyInputError, "empty"),
        ("binary.txt", b"\x00\x01\x02abc", EncodingError, "binary"),
        ("latin1.txt", "Caf\u00e9 news".encode("latin-1"), EncodingError, "not UTF-8"),
        ("bad-date.txt", b"date 28/10/2022 Body.", DateError, "28/10/2022"),
        ("page.pdf", b"%PDF", FormatError, ".pdf"),
        ("nothing.html", b"<html><body></body></html>", EmptyInputError, "no main text"),
    ],
    ids=["empty", "blank", "binary", "not-utf8", "bad-date", "unknown-suffix", "html-without-text"],
)
def test_read_rejects_bad_files_naming_them(
    tmp_path: Path, name: str, content: bytes, error: type[InputError], needle: str
) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    item = _one(p)
    assert isinstance(item, error)
    assert item.source == str(p)
    assert needle in item.reason


def test_read_rejects_articles_over_the_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text("word " * 100)
    item = _one(p, max_chars=50)
    assert isinstance(item, TooLargeError)
    assert "limit is 50" in item.reason


def test_read_jsonl_rejects_bad_lines_and_keeps_good_ones(tmp_path: Path) -> None:
    p = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"text": "Good one."}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps(["a list"]),
        "",
        json.dumps({"text": "Good two.", "published": "yesterday"}),
        json.dumps({"text": "Good three."}),
    ]
    p.write_text("\n".join(lines))
    items = list(read_paths([p]))
    good = [i.text for i in items if isinstance(i, Article)]
    bad = [(i.source, type(i).__name__) for i in items if isinstance(i, InputError)]
    assert good == ["Good one.", "Good three."]
    assert bad == [
        (f"{p}:2", "FormatError"),
        (f"{p}:3", "FormatError"),
        (f"{p}:4", "FormatError"),
        (f"{p}:6", "DateError"),
    ]


def test_read_html_extracts_main_text_and_title(tmp_path: Path) -> None:
    body = " ".join(["Officials in Kyiv said the talks would resume next week."] * 8)
    p = tmp_path / "page.html"
    p.write_text(
        "<html><head><title>Talks resume</title></head><body><nav>Home | About</nav>"
        f"<article><h1>Talks resume</h1><p>{body}</p></article></body></html>"
    )
    a = _one(p)
    assert isinstance(a, Article)
    assert "Officials in Kyiv said" in a.text
    assert "Home | About" not in a.text
    assert a.title == "Talks resume"


def test_read_folders_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("Second.")
    (tmp_path / "a.txt").write_text("First.")
    (tmp_path / "notes.csv").write_text("skipped, not an article")
    items = list(read_paths([tmp_path]))
    assert [i.text for i in items if isinstance(i, Article)] == ["First.", "Second."]


def test_read_missing_path_is_an_error() -> None:
    (item,) = list(read_paths(["/nonexistent/kg-input"]))
    assert isinstance(item, InputError)
    assert "no such file" in item.reason
