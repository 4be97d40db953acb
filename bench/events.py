"""Precision and recall of kg's events and relations against the hand-written gold.

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

    .venv/bin/python bench/events.py [--eval ../shared/eval/gum-news-dev.jsonl] [--show]
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

from kg.extract import extract
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


def timing(eval_path: Path, repeats: int = 3) -> dict[str, float]:
    """Seconds per stage over every article of the eval file (best of ``repeats``).

    The parse is the baseline the stage's cost is quoted against, in the same process.
    """
    from kg.extract.entities import entities_from_doc
    from kg.extract.events import events_and_relations
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline()
    rows = [json.loads(line) for line in eval_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = [Article(id=d["id"], text=d["text"], published=d.get("published")) for d in rows]
    best = {"parse": float("inf"), "entities": float("inf"), "events+relations": float("inf")}
    for _ in range(repeats):
        spent = dict.fromkeys(best, 0.0)
        for a in articles:
            t0 = time.perf_counter()
            doc = nlp(a.text)
            t1 = time.perf_counter()
            mentions, entities = entities_from_doc(doc)
            t2 = time.perf_counter()
            events_and_relations(a, doc, mentions, entities)
            t3 = time.perf_counter()
            spent["parse"] += t1 - t0
            spent["entities"] += t2 - t1
            spent["events+relations"] += t3 - t2
        best = {k: min(best[k], spent[k]) for k in best}
    return best


def _fmt(name: str, s: Score) -> str:
    return f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.tp_pred}/{s.predicted} | {s.tp_gold}/{s.gold} |"


def _ratio(xs: list[bool]) -> str:
    return f"{sum(xs) / len(xs):.3f} ({sum(xs)}/{len(xs)})" if xs else "n/a"


def main(argv: list[str] | None = None) -> int:
    """Print the figures as a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--eval", type=Path, default=EVAL)
    ap.add_argument("--show", action="store_true", help="also list the gold items that were missed")
    ap.add_argument("--timing", action="store_true", help="time the stages over the whole eval file instead")
    args = ap.parse_args(argv)
    if args.timing:
        t = timing(args.eval)
        n = sum(1 for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip())
        print(f"{n} articles, best of 3 runs, seconds for all articles:\n")
        print("| stage | seconds | ratio to the spaCy parse |\n| --- | --- | --- |")
        for k, v in t.items():
            print(f"| {k} | {v:.3f} | {v / t['parse']:.2f} |")
        return 0
    report, xs = run(args.gold, args.eval)
    print(f"{len(xs)} articles, {report.seconds:.1f} s including model load\n")
    print("| figure | precision | recall | F1 | correct/predicted | found/gold |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(_fmt("events (type + trigger)", report.events))
    print(_fmt("event detection (trigger only)", report.detection))
    print(_fmt("event participants (matched events)", report.arguments))
    print(_fmt("relations", report.relations))
    print()
    print(f"- place right on matched events with a gold place: {_ratio(report.place)}")
    print(f"- start date right on matched events with a gold date: {_ratio(report.date)}")
    print(f"- happened / not happened agrees on matched events: {_ratio(report.modality)}")
    types = sorted({t for t, _ in report.by_type})
    print("\n| type | gold | predicted | matched |\n| --- | --- | --- | --- |")
    for t in types:
        c = report.by_type
        print(f"| {t} | {c[(t, 'gold')]} | {c[(t, 'predicted')]} | {c[(t, 'matched')]} |")
    if args.show:
        print("\nmissed:")
        print("\n".join(report.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
