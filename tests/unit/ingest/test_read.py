from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import (
    DateError,
    EmptyInputError,
    EncodingError,
    FormatError,
    InputError,
    SkippedFileError,
    TooLargeError,
)
from kg.ingest.sources import parse_text, read_paths
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
    ("fields", "published"),
    [
        ({"text": "Port reopens .\nEva Berg\nPORTMERE 2019-05-14\nThe port reopened on Tuesday ."}, "2019-05-14"),
        ({"text": "Port reopens .\nPORTMERE , Spain 2019-05-14\nThe port reopened ."}, "2019-05-14"),
        ({"text": "PORTMERE 2019-05-14\nThe port reopened .", "published": "2020-01-02"}, "2020-01-02"),
        ({"text": "The port reopened in Portmere on 2019-05-14 ."}, None),
        ({"text": "Port reopens .\nPORTMERE 2019-02-30\nThe port reopened ."}, None),
        ({"text": "A\nB\nC\nD\nE\nPORTMERE 2019-05-14\nToo far down ."}, None),
    ],
    ids=["dateline", "dateline-with-country", "given-date-wins", "date-in-prose", "impossible-date", "too-far-down"],
)
def test_read_jsonl_dates_an_undated_article_by_its_dateline(
    tmp_path: Path, fields: dict[str, str], published: str | None
) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps(fields) + "\n")
    a = _one(p)
    assert isinstance(a, Article)
    assert a.published == published


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


def test_read_folder_names_what_it_does_not_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First.")
    (tmp_path / "notes.csv").write_text("not an article")
    (tmp_path / ".hidden.txt").write_text("ignored")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.md").write_text("Second.")
    (tmp_path / "sub" / "back").symlink_to(tmp_path)  # a loop
    (tmp_path / "sub" / "self").symlink_to(tmp_path / "sub" / "self")  # a link to itself
    (tmp_path / "sub" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "linked.md").symlink_to(tmp_path / "sub" / "two.md")  # a link to a file: read
    items = list(read_paths([tmp_path]))
    assert [i.text for i in items if isinstance(i, Article)] == ["First.", "Second.", "Second."]
    problems = {Path(i.source).name: (type(i), i.reason) for i in items if isinstance(i, InputError)}
    assert problems["notes.csv"][0] is SkippedFileError
    assert "unsupported file type '.csv'" in problems["notes.csv"][1]
    assert "a loop" in problems["back"][1]
    assert "loops or leads nowhere" in problems["self"][1]
    assert "loops or leads nowhere" in problems["gone.txt"][1]
    assert ".hidden.txt" not in problems


def test_read_folder_names_an_unreadable_subfolder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First.")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("Hidden.")
    real_iterdir = Path.iterdir

    def refusing(self: Path) -> Iterator[Path]:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    with pytest.MonkeyPatch.context() as mp:  # root ignores chmod, so the refusal is simulated
        mp.setattr(Path, "iterdir", refusing)
        items = list(read_paths([tmp_path]))
    assert [i.text for i in items if isinstance(i, Article)] == ["First."]
    (problem,) = [i for i in items if isinstance(i, InputError)]
    assert problem.source == str(locked)
    assert "the folder cannot be read: Permission denied" in problem.reason


@pytest.mark.parametrize(
    ("page", "needle"),
    [
        ("\x89PNG junk %%% \x01\x02 no markup at all", "no HTML markup"),
        ("<html><body><p>{{ 0x1f ; 0x2e ; 0x3c ; 0x4d ; 0x5e ; 0x6f ; 0x70 }}</p></body></html>", "not prose"),
    ],
    ids=["no-markup", "not-prose"],
)
def test_read_html_rejects_garbage(tmp_path: Path, page: str, needle: str) -> None:
    p = tmp_path / "page.html"
    p.write_text(page)
    (item,) = list(read_paths([p]))
    assert isinstance(item, FormatError)
    assert needle in item.reason


def test_read_missing_path_is_an_error() -> None:
    (item,) = list(read_paths(["/nonexistent/kg-input"]))
    assert isinstance(item, InputError)
    assert "no such file" in item.reason


def test_read_jsonl_keeps_line_separators_inside_strings(tmp_path: Path) -> None:
    p = tmp_path / "seps.jsonl"
    text = "First part\u2028second part\u0085third\x1cfourth."
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "s", "text": text}, ensure_ascii=False).encode() + b"\r\n")
    (a,) = list(read_paths([p]))
    assert isinstance(a, Article)
    assert a.text == text


@pytest.mark.parametrize(
    ("content", "error", "where", "needle"),
    [
        (b"", EmptyInputError, "", "no JSON lines"),
        (b"\n  \n", EmptyInputError, "", "no JSON lines"),
        (b'{"text": "ok."}\n{"text": "caf\xe9"}\n', EncodingError, ":2", "not UTF-8 (invalid byte 0xe9"),
        (b'{"text": "ok."}\n{"text": "a\x00b"}\n', EncodingError, ":2", "binary"),
        (b'{"text": "ok."}\n{"text": 42}\n', FormatError, ":2", "missing required field 'text'"),
        (b'{"text": "ok."}\n{"text": "   "}\n', EmptyInputError, ":2", "empty"),
        (b'{"text": "ok."}\n{"text": "x", "title": 7}\n', FormatError, ":2", "'title' must be a string"),
        (b'{"text": "ok."}\n{"text": "x", "id": "a b"}\n', FormatError, ":2", "IRI path"),
        (b'{"text": "ok."}\n{"text": "x", "published": "2022-13-45"}\n', DateError, ":2", "2022-13-45"),
        (b'{"text": "ok."}\n{"text": "x \\ud800 y"}\n', EncodingError, ":2", "lone surrogate (U+D800 at character 2)"),
        (b'{"text": "ok."}\n{"text": "x", "url": "\\udc00"}\n', EncodingError, ":2", "field 'url' holds a lone"),
        (b'{"text": "ok."}\n{"text": "x", "published": "2022-10-28garbage"}\n', DateError, ":2", "garbage"),
    ],
    ids=[
        "empty",
        "blank",
        "latin1-line",
        "nul-line",
        "text-not-string",
        "blank-text",
        "bad-title",
        "bad-id",
        "bad-date",
        "lone-surrogate",
        "surrogate-in-url",
        "date-with-tail",
    ],
)
def test_read_jsonl_rejects_the_bad_line_by_number(
    tmp_path: Path, content: bytes, error: type[InputError], where: str, needle: str
) -> None:
    p = tmp_path / "in.jsonl"
    p.write_bytes(content)
    bad = [i for i in read_paths([p]) if isinstance(i, InputError)]
    assert len(bad) == 1
    assert isinstance(bad[0], error)
    assert bad[0].source == f"{p}{where}"
    assert needle in bad[0].reason


def test_read_jsonl_larger_than_one_article_is_fine(tmp_path: Path) -> None:
    p = tmp_path / "many.jsonl"
    p.write_text("\n".join(json.dumps({"id": f"a{i}", "text": "word " * 20}) for i in range(200)))
    items = list(read_paths([p], max_chars=200))  # the file is far over 4 x 200 characters
    assert all(isinstance(i, Article) for i in items)
    assert len(items) == 200


def test_read_jsonl_rejects_an_oversized_line_without_parsing_it(tmp_path: Path) -> None:
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "small."}) + "\n")
    items = list(read_paths([p], max_chars=100))
    assert isinstance(items[0], TooLargeError)
    assert items[0].source == f"{p}:1"
    assert isinstance(items[1], Article)


# End to end: every kind of bad input through the real `kg ingest`.

BAD_FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "latin1.md": "Caf\u00e9 au lait in Paris.".encode("latin-1"),
    "nothing.html": b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
    "bad-date.txt": b"date 31/12/2022 Olaf Scholz spoke in Berlin.",
    "huge.txt": b"word " * 150 + b"end.",
    "notes.docx": b"PK\x03\x04",
}
EXPECTED_LINES = [
    "empty.txt: the file is empty",
    "binary.txt: the file is binary",
    "latin1.md: the file is not UTF-8 (invalid byte 0xe9",
    "nothing.html: the HTML page has no main text",
    "bad-date.txt: date '31/12/2022' does not parse",
    "huge.txt: the article has 754 characters; the limit is 500 (KG_MAX_ARTICLE_CHARS)",
    "notes.docx: unknown file type '.docx'",
    "lines.jsonl:2: not valid JSON",
    "lines.jsonl:3: missing required field 'text'",
    "lines.jsonl:4: date 'next tuesday' does not parse",
    "lines.jsonl:5: the article has 600 characters; the limit is 500",
]


@pytest.mark.slow
def test_cli_ingest_names_every_bad_input_and_keeps_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, content in BAD_FILES.items():
        (folder / name).write_bytes(content)
    (folder / "good.txt").write_text("date 2024-05-01 Emmanuel Macron met Olaf Scholz in Berlin.")
    (folder / "lines.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"id": "g1", "text": "Angela Merkel visited Paris."}),
                '{"id": "broken", "text": "unterminated',
                json.dumps({"id": "nt", "title": "no text"}),
                json.dumps({"id": "d", "text": "Joe Biden spoke.", "published": "next tuesday"}),
                json.dumps({"id": "big", "text": "y" * 600}),
                json.dumps({"id": "g2", "text": "Rishi Sunak met Joe Biden in London."}),
            ]
        )
    )
    named = [str(folder / "notes.docx"), str(folder)]
    result = subprocess.run(
        [sys.executable, "-m", "kg", "ingest", *named, "--store", str(tmp_path / "db"), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KG_MAX_ARTICLE_CHARS": "500"},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected ")]
    assert len(rejected) == len(EXPECTED_LINES), result.stderr
    for expected in EXPECTED_LINES:
        assert [line for line in rejected if f"{folder}/{expected}" in line], f"no line for {expected}"
    assert f"ingested 3 article(s), 0 unchanged, {len(EXPECTED_LINES)} rejected" in result.stdout
