"""Entity benchmark: kg's entity stage against raw spaCy, on every eval half, in one run.

Files and halves (``bench/splits.py``): ``gum-news-dev`` and ``conllpp-dev`` whole,
tune half and check half; ``conllpp-train`` check half only (its tune half is what
``make train-ner`` trains on). With ``--gum-train``, ``gum-train`` whole too: GUM's other
genres in the same annotation style, a transfer file for the entity stage's rules (the
fine-tuned NER was trained on it, so the NER's own figure there is not held out). Scoring follows ``../shared/eval/README.md`` exactly:

* a predicted (start, end, type) matches a gold mention of the same type when one
  span contains the other;
* precision: predicted PERSON/ORGANISATION/PLACE mentions matching any gold mention
  of that type, over all predictions;
* recall: GUM: gold mentions of wiki-identified person/organization/place entities
  that contain a proper noun; CoNLL++: every gold mention; matched by some
  prediction, over all of them;
* cluster recall (GUM only): wiki-identified entities found at least once.

Three systems per half: ``raw`` is the stock model from ``spacy.load`` (PERSON; ORG;
GPE, LOC, FAC as place); ``ner`` is kg's pipeline's own ``doc.ents`` mapped the same
way (the fine-tuned NER when its weights are installed, else the stock one); ``kg`` is
kg's whole entity stage. Timing, over every text of the run: the raw time is
``nlp.pipe`` of the stock model; kg's time is ``nlp.pipe`` of kg's pipeline plus the
entity stage (and, second ratio, plus every stage of :func:`kg.extract.extract_doc`).
Times are this process's CPU time (the machine is shared), the two systems taking
turns batch by batch; best of ``--repeat`` runs.

Run::

    .venv/bin/python bench/entities.py [--repeat N] [--ner DIR|none] [--gum-train] [--ablate] [--misses FILE:tune]

``--ner`` picks the NER weights kg's pipeline uses (default: ``kg/models/ner`` when
present). ``--misses`` lists the wiki clusters (GUM) or gold mentions (CoNLL++) kg
missed on a *tune* half (or ``gum-train``, training data), by error class; it refuses
check halves and whole dev files, whose errors are never read. ``--ablate`` rescores kg on every half with each rule of
the entity stage switched off in turn.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.splits import EVAL_DIR, is_check, read_jsonl
from kg.extract import extract_doc
from kg.extract.entities import entities_from_doc
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.names import given_names
from kg.extract.pipeline import MODEL_PACKAGE
from kg.records import Article, EntityType

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Texts per batch when the two systems alternate for timing.
BATCH = 32

#: (file stem, halves scored): conllpp-train's tune half is training data, so only its check half is scored.
FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gum-news-dev", ("all", "tune", "check")),
    ("conllpp-dev", ("all", "tune", "check")),
    ("conllpp-train", ("check",)),
)

#: The transfer file ``--gum-train`` adds: GUM's non-news genres, whole (no check half: training data).
GUM_TRAIN = ("gum-train", ("all",))

#: GUM's types for ours, and raw spaCy's labels for GUM's.
GUM_TYPE = {EntityType.PERSON: "person", EntityType.ORGANISATION: "organization", EntityType.PLACE: "place"}
SPACY_TYPE = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
CONLL_TYPE = {"PERSON": "person", "ORGANISATION": "organization", "PLACE": "place"}

Span = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall, F1 and cluster recall of one system."""

    precision: float
    recall: float
    f1: float
    cluster_recall: float
    predicted: int


def _contains(a0: int, a1: int, b0: int, b1: int) -> bool:
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


def _is_conll(doc: dict[str, object]) -> bool:
    """CoNLL++ records mark every gold mention ``"conll": true``; recall then counts them all."""
    mentions = doc["mentions"]
    return bool(mentions) and all(m.get("conll") for m in mentions)  # type: ignore[attr-defined]


def _gold_types(doc: dict[str, object]) -> list[dict[str, object]]:
    """Gold person/organization/place mentions, with CoNLL++'s types mapped to GUM's."""
    out = []
    for g in doc["mentions"]:  # type: ignore[attr-defined]
        t = CONLL_TYPE.get(g["type"], g["type"])
        if t in {"person", "organization", "place"}:
            out.append({**g, "type": t})
    return out


def score(docs: Sequence[dict[str, object]], predictions: Sequence[Iterable[Span]]) -> Score:
    """Score predictions (one list of (start, end, gum type) per doc) by the eval README's rule."""
    matched_pred = n_pred = gold_hit = gold_n = 0
    clusters: dict[tuple[str, int], bool] = {}
    for doc, preds_it in zip(docs, predictions, strict=True):
        preds = list(preds_it)
        gold = _gold_types(doc)
        conll = _is_conll(doc)
        for p0, p1, pt in preds:
            n_pred += 1
            if any(g["type"] == pt and _contains(g["start"], g["end"], p0, p1) for g in gold):  # type: ignore[arg-type]
                matched_pred += 1
        for g in gold:
            if not conll and not g["wiki"]:
                continue
            hit = any(pt == g["type"] and _contains(g["start"], g["end"], p0, p1) for p0, p1, pt in preds)  # type: ignore[arg-type]
            if not conll:
                key = (str(doc["id"]), int(g["cluster"]))  # type: ignore[call-overload]
                clusters[key] = clusters.get(key, False) or hit
            if conll or g["propn"]:
                gold_n += 1
                gold_hit += hit
    p = matched_pred / n_pred if n_pred else 0.0
    r = gold_hit / gold_n if gold_n else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    cr = sum(clusters.values()) / len(clusters) if clusters else float("nan")
    return Score(p, r, f1, cr, n_pred)


@dataclass(frozen=True, slots=True)
class Miss:
    """A wiki-identified gold cluster no prediction found, and why."""

    doc: str
    wiki: str
    type: str
    reason: str  # "never proposed", "wrong type" or "span mismatch"
    mentions: tuple[str, ...]  # the cluster's mentions as written
    predicted: tuple[str, ...]  # what the system predicted over them, "text/type"


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def misses(docs: Sequence[dict[str, object]], predictions: Sequence[Iterable[Span]]) -> list[Miss]:
    """List the wiki clusters a system missed, each with the class of the error.

    * ``wrong type``: some prediction matches a mention's span by containment, but
      with another type;
    * ``span mismatch``: predictions overlap a mention but none contains it or lies
      inside it (e.g. a name cut in two or run into the next word);
    * ``never proposed``: nothing predicted over any mention of the cluster.
    """
    out: list[Miss] = []
    for doc, preds_it in zip(docs, predictions, strict=True):
        preds = list(preds_it)
        text = str(doc["text"])
        conll = _is_conll(doc)
        gold = [g for g in _gold_types(doc) if conll or g["wiki"]]
        clusters: dict[int, list[dict[str, object]]] = {}
        for i, g in enumerate(gold):
            # CoNLL++ has no clusters: each gold mention stands alone
            clusters.setdefault(i if conll else int(g["cluster"]), []).append(g)  # type: ignore[call-overload]
        for members in clusters.values():
            gt = str(members[0]["type"])
            spans = [(int(g["start"]), int(g["end"])) for g in members]  # type: ignore[call-overload]
            if any(pt == gt and _contains(g0, g1, p0, p1) for g0, g1 in spans for p0, p1, pt in preds):
                continue
            contained = [(p0, p1, pt) for p0, p1, pt in preds if any(_contains(g0, g1, p0, p1) for g0, g1 in spans)]
            overlapping = [(p0, p1, pt) for p0, p1, pt in preds if any(_overlaps(g0, g1, p0, p1) for g0, g1 in spans)]
            reason = "wrong type" if contained else "span mismatch" if overlapping else "never proposed"
            shown = contained or overlapping
            out.append(
                Miss(
                    doc=str(doc["id"]),
                    wiki=str(members[0]["wiki"] or members[0]["text"]),
                    type=gt,
                    reason=reason,
                    mentions=tuple(text[g0:g1] for g0, g1 in spans),
                    predicted=tuple(sorted({f"{text[p0:p1]}/{pt}" for p0, p1, pt in shown})),
                )
            )
    return out


def print_misses(found: Sequence[Miss]) -> None:
    """Print missed clusters grouped by error class, with counts per class and gold type."""
    by_reason: dict[str, list[Miss]] = {}
    for m in found:
        by_reason.setdefault(m.reason, []).append(m)
    print(f"missed wiki clusters: {len(found)}")
    for reason in ("never proposed", "wrong type", "span mismatch"):
        group = by_reason.get(reason, [])
        per_type: dict[str, int] = {}
        for m in group:
            per_type[m.type] = per_type.get(m.type, 0) + 1
        counts = ", ".join(f"{t} {n}" for t, n in sorted(per_type.items()))
        print(f"  {reason}: {len(group)}" + (f" ({counts})" if counts else ""))
        for m in group:
            shown = "; ".join(sorted(set(m.mentions)))[:110]
            pred = f"  -> {', '.join(m.predicted)[:80]}" if m.predicted else ""
            print(f"    [{m.type}] {m.wiki}: {shown}{pred}")


def print_false_positives(docs: Sequence[dict[str, object]], predictions: Sequence[Iterable[Span]]) -> None:
    """Print the predictions no gold mention of their type matches, by class and most frequent surface."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for doc, preds in zip(docs, predictions, strict=True):
        gold = _gold_types(doc)
        text = str(doc["text"])
        for p0, p1, pt in preds:
            if any(g["type"] == pt and _contains(g["start"], g["end"], p0, p1) for g in gold):  # type: ignore[arg-type]
                continue
            other = [str(g["type"]) for g in gold if _contains(g["start"], g["end"], p0, p1)]  # type: ignore[arg-type]
            cls = (pt, f"gold {other[0]}" if other else "no gold")
            bucket = counts.setdefault(cls, {})
            bucket[text[p0:p1]] = bucket.get(text[p0:p1], 0) + 1
    print("false positives (predicted type, what gold says):")
    for cls, bucket in sorted(counts.items(), key=lambda kv: -sum(kv[1].values())):
        top = sorted(bucket.items(), key=lambda kv: -kv[1])[:12]
        print(f"  {cls[0]} / {cls[1]}: {sum(bucket.values())}: " + ", ".join(f"{k} {v}" for k, v in top))


def _ablations() -> dict[str, list[tuple[str, object]]]:
    """Each rule of the entity stage that can be switched off, as attributes of
    :mod:`kg.extract.entities` (or, prefixed ``cues.``, of :mod:`kg.extract.cues`) and the
    stand-in that disables it."""
    import kg.extract.cues as cues

    def none(*_args: object) -> list[object]:
        return []

    def keep(_doc: object, found: list[object], _gaz: object) -> list[object]:
        return found

    def whole(_doc: object, ent: object, _gaz: object) -> list[object]:
        return [ent]

    # the components that move the figures most come first
    table: dict[str, list[tuple[str, object]]] = {
        "place prior at full weight (PLACE_PRIOR_WEIGHT=1)": [("PLACE_PRIOR_WEIGHT", 1.0)],
        "an unknown GPE leans organisation (UNKNOWN_PLACE_WEIGHT=1, _ORG_VOTE=0)": [
            ("UNKNOWN_PLACE_WEIGHT", 1.0),
            ("UNKNOWN_PLACE_ORG_VOTE", 0.0),
        ],
        "landform names are places (_is_landform)": [("_is_landform", lambda _span: False)],
        "roads are places (_is_road)": [("_is_road", lambda _doc, _span, _label: False)],
        "no team in a chain of places (_in_place_chain)": [("_in_place_chain", lambda _span: False)],
        "gazetteer places (_gazetteer_candidates)": [("_gazetteer_candidates", none)],
        "context votes (_context_votes)": [("_context_votes", lambda _doc, _span: {})],
        "facility word after a name (_facility_after)": [("_facility_after", lambda _doc, _ent: False)],
        "clubs in tables and fixtures (_club_mention)": [("_club_mention", lambda _doc, _span: False)],
        "_countries_as_teams": [("_countries_as_teams", none)],
        "_towns_as_clubs": [("_towns_as_clubs", none)],
        "demonyms as countries (_is_actor)": [("_is_actor", lambda _span: False)],
        "join_parties": [("join_parties", lambda _doc, ents: ents)],
        "is_party": [("is_party", lambda _span: False)],
        "party_names": [("party_names", none)],
        "_after_nationality": [("_after_nationality", lambda _text, start, _end, _gaz: start)],
        "AWARD_WORDS": [("AWARD_WORDS", frozenset())],
        "split_entity": [("split_entity", whole)],
        "_drop_common_words": [("_drop_common_words", keep)],
        "headed_names": [("headed_names", none)],
        "bracketed_names": [("bracketed_names", none)],
        "credited_agencies": [("credited_agencies", none)],
        "ORG_FIRST_WORDS": [("ORG_FIRST_WORDS", frozenset())],
    }
    table["commemorative heads beyond Memorial (cues.COMMEMORATIVE_HEADS)"] = [
        ("cues.COMMEMORATIVE_HEADS", frozenset({"Memorial"}))
    ]
    table["journal, tabloid as class nouns (cues._ORG_CLASS)"] = [
        ("cues._ORG_CLASS", cues._ORG_CLASS - {"journal", "tabloid"})
    ]
    for name in (
        "classed_names",
        "administrative_places",
        "region_names",
        "government_heads",
        "expanded_acronyms",
        "relational_people",
        "commemorated_people",
        "affiliations",
        "product_makers",
    ):
        table[name] = [(name, none)]
    return table


def ablate(halves: Sequence[Half], gaz: Gazetteer, only: Sequence[str] = ()) -> None:
    """Print F1 and GUM cluster recall on every half with each stage rule switched off (no timing).

    ``only``: ablate just the rules whose row name contains one of these strings.
    """
    from unittest import mock

    import kg.extract.aliases as aliases
    import kg.extract.cues as cues
    import kg.extract.entities as stage

    def run() -> list[Score]:
        return [
            score(
                h.docs, [[(m.start, m.end, GUM_TYPE[m.type]) for m in entities_from_doc(d, gaz)[0]] for d in h.parsed]
            )
            for h in halves
        ]

    def row(name: str, scores: Sequence[Score], base: Sequence[Score] | None) -> str:
        cells = []
        for s, b in zip(scores, base or scores, strict=True):
            cell = f"{s.f1:.3f}" if base is None else f"{s.f1 - b.f1:+.3f}"
            if not math.isnan(s.cluster_recall):  # GUM: cluster recall too
                cell += (
                    f" (CR {s.cluster_recall:.3f})"
                    if base is None
                    else f" (CR {s.cluster_recall - b.cluster_recall:+.3f})"
                )
            cells.append(cell)
        return f"| {name} | " + " | ".join(cells) + " |"

    full = run()
    print("\nablation: F1 (CR) of kg, then their change with each rule switched off")
    print("| rule | " + " | ".join(h.name for h in halves) + " |")
    print("| --- |" + " --- |" * len(halves))
    print(row("kg (all rules)", full, None))
    for name, patches in _ablations().items():
        if only and not any(o in name for o in only):
            continue
        with contextlib.ExitStack() as stack:
            for attr, value in patches:
                prefix, _, attr_name = attr.rpartition(".")
                module = {"cues": cues, "aliases": aliases}.get(prefix, stage)
                stack.enter_context(mock.patch.object(module, attr_name, value))
            scores = run()
        print(row(name, scores, full))


@dataclass(frozen=True, slots=True)
class Half:
    """One scored half: its records and what each system made of them."""

    name: str
    docs: list[dict[str, Any]]
    parsed: list[Doc]
    raw: list[list[Span]]
    ner: list[list[Span]]
    kg: list[list[Span]]


def _in_halves(stem: str, record: dict[str, Any], wanted: Sequence[str]) -> bool:
    """Whether ``record`` of file ``stem`` lies in one of the ``wanted`` halves."""
    check = is_check(stem, str(record["id"]))
    return any(h == "all" or (h == "check") == check for h in wanted)


def _ents(doc: Doc) -> list[Span]:
    return [(e.start_char, e.end_char, SPACY_TYPE[e.label_]) for e in doc.ents if e.label_ in SPACY_TYPE]


def _fmt(s: Score) -> str:
    cr = "" if math.isnan(s.cluster_recall) else f"{s.cluster_recall:.3f}"
    return f"{s.precision:.3f} | {s.recall:.3f} | **{s.f1:.3f}** | {cr} | {s.predicted}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three systems on every half, print the tables, return 0 (2 on a refused ``--misses``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    ap.add_argument("--repeat", type=int, default=1, help="timing repetitions; the best is kept")
    ap.add_argument("--ner", default=None, help="NER weights directory for kg's pipeline, or 'none' for the stock one")
    ap.add_argument("--misses", default=None, help="FILE:tune (or gum-train): list kg's misses on a tune half")
    ap.add_argument("--gum-train", action="store_true", help="also score gum-train.jsonl whole (a transfer file)")
    ap.add_argument("--ablate", action="store_true", help="score kg with each entity-stage rule switched off")
    ap.add_argument("--ablate-only", default="", help="comma-separated parts of rule names: ablate only those")
    args = ap.parse_args(argv)
    if args.misses is not None and not (args.misses.endswith(":tune") or args.misses == GUM_TRAIN[0]):
        print(f"--misses {args.misses}: only tune halves (FILE:tune) may be read for errors", file=sys.stderr)
        return 2

    import spacy

    from kg.extract.pipeline import NER_DIR, build_pipeline

    ner_dir = NER_DIR if args.ner is None else None if args.ner == "none" else Path(args.ner)
    raw_nlp = spacy.load(MODEL_PACKAGE)  # the stock model alone, none of kg's components
    nlp = build_pipeline(ner_dir)
    t0 = time.perf_counter()
    gaz = load_gazetteer()
    given_names()
    gaz_load = time.perf_counter() - t0

    if args.misses == GUM_TRAIN[0]:
        plan: tuple[tuple[str, tuple[str, ...]], ...] = (GUM_TRAIN,)
    elif args.misses is not None:
        plan = ((args.misses.removesuffix(":tune"), ("tune",)),)
    else:
        plan = FILES + ((GUM_TRAIN,) if args.gum_train else ())
    files = [(stem, wanted, read_jsonl(args.eval_dir / f"{stem}.jsonl")) for stem, wanted in plan]
    files = [(stem, wanted, [r for r in rows if _in_halves(stem, r, wanted)]) for stem, wanted, rows in files]
    records = [r for _, _, rows in files for r in rows]
    texts = [str(r["text"]) for r in records]
    list(raw_nlp.pipe(texts[:2]))  # warm up
    list(nlp.pipe(texts[:2]))
    raw_best = ours_best = full_best = float("inf")
    raw_docs: list[Doc] = []
    parsed: list[Doc] = []
    results: list[list[Span]] = []
    clock = time.process_time  # this process's CPU time: other jobs on a shared machine do not count
    for _ in range(max(1, args.repeat)):
        raw_docs, parsed, results = [], [], []
        raw_t = ours_t = full_t = 0.0
        # the two systems alternate in batches, so a change in the machine's load hits both alike
        for b in range(0, len(texts), BATCH):
            batch = texts[b : b + BATCH]
            t0 = clock()
            raw_docs.extend(raw_nlp.pipe(batch))
            t1 = clock()
            docs = list(nlp.pipe(batch))
            t2 = clock()
            results.extend([(m.start, m.end, GUM_TYPE[m.type]) for m in entities_from_doc(d, gaz)[0]] for d in docs)
            t3 = clock()
            for r, doc in zip(records[b : b + BATCH], docs, strict=True):
                extract_doc(Article(id=str(r["id"]), text=str(r["text"])), doc)
            t4 = clock()
            parsed.extend(docs)
            raw_t += t1 - t0
            ours_t += (t2 - t1) + (t3 - t2)
            full_t += (t2 - t1) + (t4 - t3)
        raw_best, ours_best, full_best = min(raw_best, raw_t), min(ours_best, ours_t), min(full_best, full_t)

    halves: list[Half] = []
    pos = 0
    for stem, wanted, rows in files:
        idx = range(pos, pos + len(rows))
        pos += len(rows)
        for half in wanted:
            keep = [i for i in idx if _in_halves(stem, records[i], (half,))]
            halves.append(
                Half(
                    name=stem if half == "all" else f"{stem}:{half}",
                    docs=[records[i] for i in keep],
                    parsed=[parsed[i] for i in keep],
                    raw=[_ents(raw_docs[i]) for i in keep],
                    ner=[_ents(parsed[i]) for i in keep],
                    kg=[results[i] for i in keep],
                )
            )
    tokens = sum(len(d) for d in parsed)
    print(f"eval: {args.eval_dir}; {len(texts)} articles, {tokens} tokens; best of {args.repeat} runs")
    print(f"kg's NER: {nlp.meta.get('kg_ner', 'stock en_core_web_sm')}")
    print(f"gazetteer load (once per process): {gaz_load:.2f} s, {len(gaz)} names")
    print("| half | docs | system | P | R | F1 | CR | predictions |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for h in halves:
        for label, preds in (("raw spaCy sm", h.raw), ("kg NER alone", h.ner), ("kg", h.kg)):
            print(f"| {h.name} | {len(h.docs)} | {label} | {_fmt(score(h.docs, preds))} |")
    print(f"raw nlp.pipe: {raw_best:.1f} s CPU ({tokens / raw_best:.0f} tok/s)")
    print(f"time ratio, kg nlp.pipe + entity stage / raw nlp.pipe: {ours_best / raw_best:.2f}x")
    print(f"time ratio, kg nlp.pipe + every extract_doc stage / raw nlp.pipe: {full_best / raw_best:.2f}x")
    if args.misses:
        wanted_half = [h for h in halves if h.name == args.misses]
        if not wanted_half:
            print(f"--misses {args.misses}: no such half", file=sys.stderr)
            return 2
        print_misses(misses(wanted_half[0].docs, wanted_half[0].kg))
        print_false_positives(wanted_half[0].docs, wanted_half[0].kg)
    if args.ablate or args.ablate_only:
        ablate(halves, gaz, [o for o in args.ablate_only.split(",") if o])
    return 0


if __name__ == "__main__":
    sys.exit(main())
