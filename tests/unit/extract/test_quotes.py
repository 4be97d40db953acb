from __future__ import annotations

import pytest

from kg.extract.events import extract_events
from kg.extract.quotes import find_quotes
from kg.records import Event
from tests.support.events_helpers import context

QUOTES = [
    ('He said "we will stay." Then “no”.', ["we will stay."]),
    ("“Day after day,” she said. “We stay.”", ["Day after day,", "We stay."]),
    ('“Curly opened, straight closed," he said.', ["Curly opened, straight closed,"]),
    ('An "unclosed quote\n\nstarts a new paragraph "here it is" then.', ["here it is"]),
    ("No quotes at all.", []),
]


@pytest.mark.parametrize(("text", "expected"), QUOTES, ids=["straight", "curly", "mixed", "paragraph", "none"])
def test_find_quotes(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in find_quotes(text)] == expected


def _statements(text: str) -> list[Event]:
    return [e for e in extract_events(context(text)) if e.type == "Statement"]


def _roles(ev: Event) -> set[tuple[str, str]]:
    return {(p.role, p.entity) for p in ev.participants}


CASES = {
    "quote-before-said": (
        "“Russia is losing in Bakhmut,” Volodymyr Zelensky said.",
        "Russia is losing in Bakhmut",
        {("speaker", "person/volodymyr-zelensky"), ("about", "place/russia"), ("about", "place/bakhmut")},
    ),
    "said-colon-quote": (
        'Samuel Ramani said: "The Wagner Group is effective at creating terror."',
        "The Wagner Group is effective at creating terror.",
        {("speaker", "person/samuel-ramani"), ("about", "organisation/wagner-group")},
    ),
    "said-inverted-with-apposition": (
        "“They need a victory,” said Samuel Ramani, an associate fellow at the Royal United Services Institute.",
        "They need a victory",
        {("speaker", "person/samuel-ramani")},
    ),
    "pronoun-speaker": (
        "Eva Berg spoke to reporters. “Lyon is calm,” she said.",
        "Lyon is calm",
        {("speaker", "person/eva-berg"), ("about", "place/lyon")},
    ),
    "reported-speech-no-quote": (
        "Maria Lopez told Reuters that Acme Corp had closed its office in Lyon.",
        None,
        {
            ("speaker", "person/maria-lopez"),
            ("participant", "organisation/reuters"),
            ("about", "organisation/acme"),
            ("about", "place/lyon"),
        },
    ),
}


@pytest.mark.parametrize(("text", "quote", "roles"), CASES.values(), ids=CASES.keys())
def test_statement_speaker_quote_and_about(text: str, quote: str | None, roles: set[tuple[str, str]]) -> None:
    (ev,) = _statements(text)
    assert ev.quote == quote
    assert _roles(ev) == roles
    assert text[ev.evidence.start : ev.evidence.end] == ev.evidence.text


NO_STATEMENT = {
    "anonymous-speaker": "Officials said the bridge was destroyed.",
    "according-to-non-entity": "According to local authorities, the shelling killed three people.",
    # "according to" names a source of what the sentence tells, not a speech act that happened
    "according-to-an-institute": "Russian forces were 5 kilometres away, according to the Institute for the Study of War.",
    "according-to-a-person": "According to Maria Lopez, the factory in Lyon closed last year.",
    "write-without-content": "The book was written by Maria Lopez.",
}


@pytest.mark.parametrize("text", NO_STATEMENT.values(), ids=NO_STATEMENT.keys())
def test_statement_needs_a_named_speaker_and_content(text: str) -> None:
    assert _statements(text) == []


def test_statement_is_dated_by_its_own_time_expression() -> None:
    (ev,) = _statements("Volodymyr Zelensky said in a nightly address this week that Russia is losing.")
    assert (ev.start, ev.end) == ("2022-10-24", "2022-10-28")


def test_statement_nested_in_a_quote_does_not_take_the_enclosing_quote() -> None:
    text = "“Eva Berg said nothing,” Maria Lopez said."
    by_speaker = {p.entity: ev for ev in _statements(text) for p in ev.participants if p.role == "speaker"}
    assert by_speaker["person/maria-lopez"].quote == "Eva Berg said nothing"
    assert by_speaker["person/eva-berg"].quote is None
