"""Relations and events of kg on news nobody here wrote, and on the hand-written gold.

One run prints, each next to the figures recorded before issue 17 (``BEFORE``):

- relation recall and precision on ``crossre-news-dev`` (whole file, tune and check
  halves of :mod:`bench.splits`) and ``crossre-news-train``;
- event recall and precision and named-argument recall on ``wikievents-dev`` (whole,
  tune, check), all by the rules of ``../shared/eval/README.md`` (:mod:`bench.eval_scoring`);
- the seed article's relations and events against ``bench/data/seed-gold.json``;
- the relation and event stages' time as a ratio of the spaCy parse time in the same run;
- the older hand-written gold on four GUM articles (below).

The GUM gold:

The gold (``bench/data/events-gold.jsonl``, see its README) annotates four Wikinews
articles of ``../shared/eval/gum-news-dev.jsonl``; it was committed before the extractor
existed. Each article runs through the product's own :func:`kg.extract.extract`.

Scoring:

- An event matches a gold event of the same type when their trigger spans overlap
  (each gold event matches at most one prediction). "Detection" ignores the type.
- For matched events: participants match when a predicted participant's entity is
  named by the gold text (label, alias or a mention of it contains the gold text or is
  contained in it); place and start date are scored where the gold has them; modality
  where both agree on whether it happened.
- A relation matches a gold relation with the same predicate whose subject and object
  match by name as above. Predicted relations are counted once per (subject, predicate,
  object), however many sentences state them.

Usage::

    .venv/bin/python -m bench.events [--show]   # --show lists misses of the GUM gold and tune halves only
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.eval_scoring import Tally, names_of, same_name, score_crossre, score_wikievents
from kg.extract import extract
from kg.identity import conform
from kg.records import Article, Event, Extraction

_HERE = Path(__file__).resolve().parent
GOLD = _HERE / "data" / "events-gold.jsonl"
EVAL = _HERE.parent.parent / "shared" / "eval" / "gum-news-dev.jsonl"


def _norm(text: str) -> str:
    text = re.sub(r"['’]s\b", "", text.lower())
    text = re.sub(r"^(the|a|an)\s+", "", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _names(x: Extraction) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for e in x.entities:
        names.setdefault(e.key, set()).update(_norm(n) for n in (e.label, *e.aliases))
    for m in x.mentions:
        names.setdefault(m.entity, set()).add(_norm(m.text))
    return names


def _named(key: str | None, gold: str, names: dict[str, set[str]]) -> bool:
    if key is None:
        return False
    g = _norm(gold)
    return any(n and (g in n or n in g) for n in names.get(key, ()))


def _offset(ev: Event) -> int:
    return int(ev.key.rsplit("/", 1)[1])


@dataclass
class Score:
    """Counts for one figure: true positives over predictions and over gold."""

    predicted: int = 0
    gold: int = 0
    tp_pred: int = 0
    tp_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp_pred / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Every figure the benchmark prints."""

    events: Score = field(default_factory=Score)
    detection: Score = field(default_factory=Score)
    relations: Score = field(default_factory=Score)
    arguments: Score = field(default_factory=Score)
    place: list[bool] = field(default_factory=list)
    date: list[bool] = field(default_factory=list)
    modality: list[bool] = field(default_factory=list)
    by_type: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _match_events(
    gold: list[dict[str, Any]], text: str, events: Iterable[Event], typed: bool
) -> list[tuple[int, Event]]:
    spans = []
    for g in gold:
        s = text.index(g["context"]) + g["context"].index(g["trigger"])
        spans.append((s, s + len(g["trigger"])))
    pairs: list[tuple[int, Event]] = []
    used: set[int] = set()
    for ev in events:
        start = _offset(ev)
        end = start + len(ev.trigger or " ")
        for i, (gs, ge) in enumerate(spans):
            if i in used or not (start < ge and gs < end):
                continue
            if typed and gold[i]["type"] != ev.type:
                continue
            used.add(i)
            pairs.append((i, ev))
            break
    return pairs


def score_article(gold: dict[str, Any], x: Extraction, report: Report) -> None:
    """Add one article's figures to ``report``."""
    text = x.article.text
    names = _names(x)
    g_events = gold["events"]
    for typed, score in ((True, report.events), (False, report.detection)):
        pairs = _match_events(g_events, text, x.events, typed)
        score.predicted += len(x.events)
        score.gold += len(g_events)
        score.tp_pred += len(pairs)
        score.tp_gold += len(pairs)
    pairs = _match_events(g_events, text, x.events, True)
    matched = {i for i, _ in pairs}
    for ev in x.events:
        report.by_type[(ev.type, "predicted")] += 1
    for i, g in enumerate(g_events):
        report.by_type[(g["type"], "gold")] += 1
        if i in matched:
            report.by_type[(g["type"], "matched")] += 1
        else:
            report.misses.append(f"event  {g['type']:<12} {g['context']!r}")
    for i, ev in pairs:
        g = g_events[i]
        gp = g["participants"]
        report.arguments.gold += len(gp)
        report.arguments.tp_gold += sum(any(_named(p.entity, q["text"], names) for p in ev.participants) for q in gp)
        report.arguments.predicted += len(ev.participants)
        report.arguments.tp_pred += sum(any(_named(p.entity, q["text"], names) for q in gp) for p in ev.participants)
        if g["place"]:
            report.place.append(_named(ev.place, g["place"], names))
        if g["start"]:
            report.date.append(ev.start == g["start"])
        report.modality.append((g["modality"] == "asserted") == (ev.modality.value == "asserted"))
    g_rel = gold["relations"]
    predicted = {(r.subject, r.predicate, r.object) for r in x.relations}
    report.relations.predicted += len(predicted)
    report.relations.gold += len(g_rel)
    hit_gold = set()
    for s, p, o in predicted:
        ok = [
            i
            for i, g in enumerate(g_rel)
            if g["predicate"] == p and _named(s, g["subject"], names) and _named(o, g["object"], names)
        ]
        report.relations.tp_pred += bool(ok)
        hit_gold.update(ok)
    report.relations.tp_gold += len(hit_gold)
    for i, g in enumerate(g_rel):
        if i not in hit_gold:
            report.misses.append(f"rel    {g['subject']} {g['predicate']} {g['object']}")


def run(gold_path: Path, eval_path: Path) -> tuple[Report, list[Extraction]]:
    """Extract the gold articles from the eval file and score them."""
    golds = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = {}
    for line in eval_path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        rows[d["id"]] = d
    report = Report()
    xs = []
    t0 = time.perf_counter()
    for g in golds:
        d = rows[g["id"]]
        article = Article(id=d["id"], text=d["text"], title=d.get("title"), published=d.get("published"))
        x = extract(article)
        xs.append(x)
        score_article(g, x, report)
    report.seconds = time.perf_counter() - t0
    return report, xs


#: Figures before issue 17 (commit 87983d8), from this script's first run.
BEFORE: dict[str, tuple[float, ...]] = {
    "crossre-news-dev": (0.02, 0.8),
    "crossre-news-dev:tune": (0.029, 1.0),
    "crossre-news-dev:check": (0.01, 0.5),
    "crossre-news-train": (0.03, 0.875),
    "wikievents-dev": (0.385, 0.353, 0.22),
    "wikievents-dev:tune": (0.444, 0.396, 0.177),
    "wikievents-dev:check": (0.301, 0.288, 0.289),
    "timing": (0.014,),
}


def _fmt(name: str, s: Score) -> str:
    return f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.tp_pred}/{s.predicted} | {s.tp_gold}/{s.gold} |"


def _ratio(xs: list[bool]) -> str:
    return f"{sum(xs) / len(xs):.3f} ({sum(xs)}/{len(xs)})" if xs else "n/a"


@dataclass
class Timer:
    """Seconds spent in the spaCy parse and in the relation and event stages."""

    parse: float = 0.0
    stages: float = 0.0


def extract_timed(articles: list[Article], timer: Timer) -> list[Extraction]:
    """Extract ``articles`` as the store keeps them, timing two stages.

    Each article goes through the product's :func:`kg.extract.extract_doc` and then
    :func:`kg.identity.conform`, which every ingest applies before writing (a relation
    whose ends the ontology types otherwise is dropped there), so the scores are of
    what a user reads back, not of what the extractor proposed. The relation and event
    stages (:func:`kg.extract.events.events_and_relations`) are timed by calling them
    once more on the same parse and entities.
    """
    from kg.extract import extract_doc
    from kg.extract.entities import entities_from_doc
    from kg.extract.events import events_and_relations
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline()
    out = []
    for a in articles:
        t0 = time.perf_counter()
        doc = nlp(a.text)
        timer.parse += time.perf_counter() - t0
        out.append(conform(extract_doc(a, doc)))
        mentions, entities = entities_from_doc(doc)
        t1 = time.perf_counter()
        events_and_relations(a, doc, mentions, entities)
        timer.stages += time.perf_counter() - t1
    return out


def _eval_rows(stem: str) -> list[tuple[str, list[dict[str, Any]]]]:
    from bench.splits import EVAL_DIR, halves

    path = EVAL_DIR / f"{stem}.jsonl"
    if stem.endswith("-train"):
        from bench.splits import read_jsonl

        return [(stem, read_jsonl(path))]
    return list(halves(path))


def _seed(show: bool) -> tuple[list[str], Tally]:
    """Score the seed article against ``bench/data/seed-gold.json``."""
    from kg.ingest.sources import read_paths

    gold = json.loads((_HERE / "data" / "seed-gold.json").read_text(encoding="utf-8"))
    article = next(a for a in read_paths([_HERE.parent / "seeds"]) if isinstance(a, Article))
    x = conform(extract(article))  # as the store keeps it
    names = names_of(x)
    text = article.text
    t = Tally(gold=len(gold["relations"]) + len(gold["events"]))
    lines = []
    rel_found = sum(
        any(
            r.predicate == g["predicate"]
            and same_name(r.subject, g["subject"], names)
            and same_name(r.object, g["object"], names)
            for r in x.relations
            if r.stated
        )
        for g in gold["relations"]
    )
    ev_found = 0
    for g in gold["events"]:
        s = text.index(g["context"]) + g["context"].index(g["trigger"])
        e = s + len(g["trigger"])
        ok = any(
            ev.type == g["type"]
            and any(sp.start <= s and e <= sp.end for sp in (ev.evidence, *getattr(ev, "reports", ())))
            and any(same_name(k, g["argument"], names) for k in (ev.place, *(p.entity for p in ev.participants)))
            for ev in x.events
        )
        ev_found += ok
        if show and not ok:
            lines.append(f"  seed miss: {g['type']} {g['context']!r}")
    shelling = sum(1 for ev in x.events if ev.type == "Attack" and (ev.trigger or "").lower() == "shelling")
    lines.insert(
        0,
        f"| seed relations | {rel_found}/{len(gold['relations'])} | seed events | {ev_found}/{len(gold['events'])} "
        f"| events predicted | {len(x.events)} | relations predicted | {len({(r.subject, r.predicate, r.object) for r in x.relations if r.stated})} "
        f"| 'Attack: shelling' events | {shelling} |",
    )
    t.found = rel_found + ev_found
    return lines, t


def _before(key: str) -> str:
    b = BEFORE.get(key)
    return " / ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in b) if b else "n/a"


def shared_eval(show: bool = False) -> tuple[list[str], dict[str, tuple[float, ...]], Timer]:
    """Score relations on CrossRE and events on WikiEvents; return table lines and figures."""
    timer = Timer()
    lines = [
        "| relations | gold | predicted | recall | precision | before (recall / precision) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    figures: dict[str, tuple[float, ...]] = {}
    for stem in ("crossre-news-dev", "crossre-news-train"):
        for name, rows in _eval_rows(stem):
            arts = [Article(id=str(r["id"]), text=r["text"]) for r in rows]
            xs = extract_timed(arts, timer)
            t = Tally()
            for r, x in zip(rows, xs, strict=True):
                score_crossre(r, x, t)
            figures[name] = (round(t.recall, 3), round(t.precision, 3))
            lines.append(
                f"| {name} | {t.gold} | {t.predicted} | {t.recall:.3f} | {t.precision:.3f} | {_before(name)} |"
            )
    lines += [
        "",
        "| events | gold | predicted | recall | precision | named-argument recall | before (recall / precision / args) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, rows in _eval_rows("wikievents-dev"):
        arts = [Article(id=str(r["id"]), text=r["text"]) for r in rows]
        xs = extract_timed(arts, timer)
        t = Tally()
        for r, x in zip(rows, xs, strict=True):
            score_wikievents(r, x, t)
        figures[name] = (round(t.recall, 3), round(t.precision, 3), round(t.arg_recall, 3))
        lines.append(
            f"| {name} | {t.gold} | {t.predicted} | {t.recall:.3f} | {t.precision:.3f} | {t.arg_recall:.3f} "
            f"({t.args_found}/{t.args_gold}) | {_before(name)} |"
        )
    return lines, figures, timer


_OLD_TYPES = frozenset(
    [
        "Attack",
        "Fight",
        "Capture",
        "Withdrawal",
        "Counteroffensive",
        "Killing",
        "Protest",
        "Arrest",
        "Statement",
        "Accusation",
        "Meeting",
        "Agreement",
        "Aid",
        "Displacement",
        "Election",
    ]
)


def argument_ablation() -> list[tuple[str, Any]]:
    """The event-argument rules of round 5 (issue 17, named arguments), each as a switch.

    Each entry is a row label and a context manager that turns the rule off.
    """
    from functools import partial
    from unittest import mock

    import kg.extract.arguments as arguments_mod
    import kg.extract.events as events_mod
    import kg.extract.quotes as quotes_mod
    from kg.extract.coref import resolve_pronouns

    def no_apposition(self: object, token: object, types: object = ()) -> None:
        return None

    def _no_tokens(*args: object) -> list[Any]:
        return []  # a new list each call: a shared return_value list would be extended by callers

    return [
        (
            "pronouns agree in gender",
            mock.patch.object(arguments_mod, "resolve_pronouns", partial(resolve_pronouns, agree=False)),
        ),
        ("untagged names and acronyms", mock.patch.object(arguments_mod, "name_index", return_value={})),
        ("a name in apposition", mock.patch.object(arguments_mod.DocContext, "apposed", no_apposition)),
        ("a day or number names no one", mock.patch.object(arguments_mod, "NOT_ACTORS", frozenset())),
        ("doers of the attack a harm came by", mock.patch.object(events_mod, "cause_doers", _no_tokens)),
        (
            "listed members however nested",
            mock.patch.object(
                events_mod,
                "listed_members",
                lambda g: [d for d in g.subtree if d.dep_ == "conj" and d.pos_ == "PROPN"],
            ),
        ),
        ("possessor undergoes an arrest or trial", mock.patch.object(events_mod, "_UNDERGONE", frozenset())),
        ("speaker of 'issued a statement'", mock.patch.object(quotes_mod, "_ISSUING", frozenset())),
        ("speaker of 'responded, stating'", mock.patch.object(quotes_mod, "_controlled", return_value=False)),
        (
            "subject of a purpose clause or 'able to'",
            mock.patch.object(events_mod, "understood_subject", _no_tokens),
        ),
        ("further places as locations", mock.patch.object(events_mod, "further_places", _no_tokens)),
        ("a country the sentence places it in", mock.patch.object(events_mod, "located_country", return_value=None)),
    ]


def ablation(only: str = "all") -> list[str]:
    """Each relation rule and event component switched off in turn, on every file and half.

    Every text is parsed once; each configuration re-runs only the extraction after the
    parse. Rows give the change against the full pipeline (recall / precision; for
    WikiEvents also the named-argument recall). ``only="arguments"`` runs only the
    event-argument rows (:func:`argument_ablation`).
    """
    import contextlib
    from collections.abc import Iterator
    from unittest import mock

    import kg.extract.events as events_mod
    from bench.splits import halves, read_jsonl
    from kg.extract import extract_doc
    from kg.extract.lexicon import Lexicon, load_lexicon
    from kg.extract.pipeline import load_pipeline
    from kg.extract.roles import RULES

    nlp = load_pipeline()
    from bench.splits import EVAL_DIR

    sets: list[tuple[str, str, list[tuple[dict[str, Any], Article, Any]]]] = []
    for stem, kind in (("crossre-news-dev", "rel"), ("crossre-news-train", "rel"), ("wikievents-dev", "ev")):
        path = EVAL_DIR / f"{stem}.jsonl"
        named = [(stem, read_jsonl(path))] if stem.endswith("-train") else list(halves(path))
        for name, rows in named:
            arts = [Article(id=str(r["id"]), text=r["text"]) for r in rows]
            sets.append((name, kind, [(r, a, nlp(a.text)) for r, a in zip(rows, arts, strict=True)]))

    def score() -> dict[str, tuple[float, ...]]:
        out: dict[str, tuple[float, ...]] = {}
        for name, kind, items in sets:
            t = Tally()
            for r, a, doc in items:
                (score_crossre if kind == "rel" else score_wikievents)(r, conform(extract_doc(a, doc)), t)
            out[name] = (t.recall, t.precision) if kind == "rel" else (t.recall, t.precision, t.arg_recall)
        seed_lines, seed = _seed(False)
        events = re.search(r"seed events \| (\d+)/", seed_lines[0])
        # the seed's column: relations and events found (of 7 and 6), as counts
        out["seed"] = (float(seed.found - int(events[1]) if events else 0), float(events[1]) if events else 0.0)
        return out

    @contextlib.contextmanager
    def without_rule(rule: str) -> Iterator[None]:
        saved = dict(RULES)
        del RULES[rule]
        try:
            yield
        finally:
            RULES.clear()
            RULES.update(saved)

    def old_lexicon() -> Lexicon:
        lex = load_lexicon()
        return Lexicon(
            tuple(t for t in lex.types if t in _OLD_TYPES),
            {k: v for k, v in lex.lemmas.items() if v in _OLD_TYPES},
            {k: v for k, v in lex.phrasal.items() if v in _OLD_TYPES},
            lex.labels,
        )

    import re as _re

    import kg.extract.relations as relations_mod

    @contextlib.contextmanager
    def unspaced_gaps() -> Iterator[None]:
        """The text-gap patterns as they were before a space before "," or "'s" was read."""
        names = ("_APPOS_GAP", "_COMMA_GAP", "_PLACE_POSS_GAP", "_HQ_GAP", "_DESCRIBED_IN_GAP")
        saved = {n: getattr(relations_mod, n) for n in names}
        for n, pat in saved.items():
            setattr(relations_mod, n, _re.compile(pat.pattern.replace("^\\s?", "^"), pat.flags))
        try:
            yield
        finally:
            for n, pat in saved.items():
                setattr(relations_mod, n, pat)

    configs: list[tuple[str, Any]] = [(f"relation rule `{r}`", without_rule(r)) for r in list(RULES)]
    configs.append(("space before ',' / \"'s\" in text gaps", unspaced_gaps()))
    configs.append(
        ('"<place>\'s <organisation>" basedIn', mock.patch.object(relations_mod, "PLACE_ORGANISATION", False))
    )
    configs.append(
        (
            "event merge of reports",
            mock.patch.object(events_mod, "merge_reports", lambda ctx, evs, assumed=(): tuple(evs)),
        )
    )
    configs.append(("event types added by issue 17", mock.patch.object(events_mod, "load_lexicon", old_lexicon)))
    import kg.extract.reports as reports_mod

    configs += [  # round 4 (events3)
        ("statements of one speaker folded", mock.patch.object(reports_mod, "_statement_goes_on", return_value=False)),
        ("'the attack' points back", mock.patch.object(reports_mod, "_points_back", return_value=False)),
        ("speech inside a statement dropped", mock.patch.object(events_mod, "_reported_within", return_value=False)),
        ("attacks on ills are no attacks", mock.patch.object(events_mod, "_non_military", return_value=False)),
        ("doers through support verbs", mock.patch.object(events_mod, "_doer_of_noun", return_value=())),
        ("place named in the sentence", mock.patch.object(events_mod, "_sentence_place", return_value=None)),
    ]
    configs += [  # round 5 (events4)
        (
            "same word made definite folds past the default place",
            mock.patch.object(
                events_mod, "merge_reports", lambda ctx, evs, assumed=frozenset(): reports_mod.merge_reports(ctx, evs)
            ),
        ),
        ("same word made definite points back", mock.patch.object(reports_mod, "_same_word", return_value=False)),
        ("reference sections tell no events", mock.patch.object(events_mod, "_apparatus", return_value=[])),
        ("bodily, sporting, critical senses", mock.patch.object(events_mod, "_not_violent", return_value=False)),
        ("a police raid is a search", mock.patch.object(events_mod, "_police_search", return_value=False)),
        ("damage to no material thing", mock.patch.object(events_mod, "_immaterial", return_value=False)),
        ("a legal finding before a noun", mock.patch.object(events_mod, "_status", return_value=False)),
        (
            "definite noun after another sense",
            mock.patch.object(events_mod, "_points_back_to_no_event", return_value=False),
        ),
        ("habits and general truths", mock.patch.object(events_mod, "_generic", return_value=False)),
        ("votes counted or won are ballots", mock.patch.object(events_mod, "_ballots", return_value=False)),
        (
            "posts, weapons, measures as heads",
            mock.patch.object(
                events_mod,
                "_BODIES_AND_PAPERS",
                events_mod._BODIES_AND_PAPERS
                - {"minister", "secretary", "ban", "rifle", "weapon", "group"}
                - {"unit", "price", "basis", "time", "spirit", "style"},
            ),
        ),
    ]
    configs += argument_ablation()  # round 5 (arguments4)
    if only == "arguments":
        configs = argument_ablation()
    full = score()
    names = [n for n, _, _ in sets] + ["seed"]
    header = [*names[:-1], "seed (relations / events found)"]
    lines = ["| switched off | " + " | ".join(header) + " |", "| --- |" + " --- |" * len(names)]

    def cell(n: str, got: dict[str, tuple[float, ...]], base: dict[str, tuple[float, ...]] | None) -> str:
        vals = got[n] if base is None else tuple(g - f for g, f in zip(got[n], base[n], strict=True))
        if n == "seed":
            r, p = vals
            return f"{r:+.0f} / {p:+.0f}" if base is not None else f"{r:.0f}/7 / {p:.0f}/6"
        return " / ".join(f"{v:+.3f}" if base is not None else f"{v:.3f}" for v in vals)

    lines.append("| nothing (full) | " + " | ".join(cell(n, full, None) for n in names) + " |")
    for label, ctx in configs:
        with ctx:
            got = score()
        lines.append(f"| {label} | " + " | ".join(cell(n, got, full) for n in names) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print every figure as Markdown tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--eval", type=Path, default=EVAL)
    ap.add_argument("--show", action="store_true", help="also list the missed GUM-gold and seed items")
    ap.add_argument("--json", action="store_true", help="print the shared-eval figures as JSON too")
    ap.add_argument(
        "--ablation",
        nargs="?",
        const="all",
        choices=("all", "arguments"),
        help="print the ablation table instead (all rows, or only the event-argument rows)",
    )
    args = ap.parse_args(argv)
    if args.ablation:
        print("\n".join(ablation(args.ablation)))
        return 0
    t0 = time.perf_counter()
    lines, figures, timer = shared_eval(args.show)
    print("\n".join(lines))
    seed_lines, _ = _seed(args.show)
    print("\n| seed | | | | | | | | | |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(seed_lines))
    print(
        f"\nTiming over every CrossRE and WikiEvents text above: spaCy parse {timer.parse:.2f} s, "
        f"relation+event stages {timer.stages:.2f} s, ratio {timer.stages / timer.parse:.3f}x "
        f"(before: {_before('timing')})"
    )
    if args.json:
        figures["timing"] = (round(timer.stages / timer.parse, 3),)
        print(json.dumps(figures))
    report, xs = run(args.gold, args.eval)
    print(f"\nGUM hand-written gold: {len(xs)} articles\n")
    print("| figure | precision | recall | F1 | correct/predicted | found/gold |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(_fmt("events (type + trigger)", report.events))
    print(_fmt("event detection (trigger only)", report.detection))
    print(_fmt("event participants (matched events)", report.arguments))
    print(_fmt("relations", report.relations))
    if args.show:
        print("\nmissed:")
        print("\n".join(report.misses))
    print(f"\n{time.perf_counter() - t0:.1f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
