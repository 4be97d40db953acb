"""Entity benchmark: kg's entity stage against raw spaCy on the GUM news dev file, in one run.

Scoring follows ``../shared/eval/README.md`` exactly:

* a predicted (start, end, type) matches a gold mention of the same type when one
  span contains the other;
* precision: predicted PERSON/ORGANISATION/PLACE mentions matching any gold mention
  of that type, over all predictions;
* recall: gold mentions of wiki-identified person/organization/place entities that
  contain a proper noun, matched by some prediction, over all of them;
* cluster recall: wiki-identified entities found at least once, over all of them.

Per repetition, the bare model (``spacy.load``, none of kg's components) parses the
texts with ``nlp.pipe``: that is the raw time. kg's time is ``nlp.pipe`` of kg's
pipeline (the model plus the ``kg_gazetteer`` component) plus the entity stage; a
second ratio adds every stage of :func:`kg.extract.extract_doc` (entities, events,
relations, ...) instead of the entity stage alone. Best of ``--repeat`` runs.

Run::

    .venv/bin/python bench/entities.py [--eval PATH] [--repeat N] [--misses] [--ablate]

``--misses`` lists the wiki clusters kg missed, by error class (never proposed,
wrong type, span mismatch): for understanding error classes, not for writing rules
for single names of the dev file. ``--ablate`` rescores kg with each rule of the
entity stage switched off in turn, so each rule's own effect is visible.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.extract import extract_doc
from kg.extract.entities import entities_from_doc, given_names
from kg.extract.gazetteer import load_gazetteer
from kg.extract.pipeline import MODEL_PACKAGE, load_pipeline
from kg.records import Article, EntityType

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gum-news-dev.jsonl"

#: GUM's types for ours, and raw spaCy's labels for GUM's.
GUM_TYPE = {EntityType.PERSON: "person", EntityType.ORGANISATION: "organization", EntityType.PLACE: "place"}
SPACY_TYPE = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}

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


def score(docs: Sequence[dict[str, object]], predictions: Sequence[Iterable[Span]]) -> Score:
    """Score predictions (one list of (start, end, gum type) per doc) by the eval README's rule."""
    matched_pred = n_pred = gold_hit = gold_n = 0
    clusters: dict[tuple[str, int], bool] = {}
    for doc, preds_it in zip(docs, predictions, strict=True):
        preds = list(preds_it)
        gold = [g for g in doc["mentions"] if g["type"] in {"person", "organization", "place"}]  # type: ignore[attr-defined]
        for p0, p1, pt in preds:
            n_pred += 1
            if any(g["type"] == pt and _contains(g["start"], g["end"], p0, p1) for g in gold):
                matched_pred += 1
        for g in gold:
            if not g["wiki"]:
                continue
            hit = any(pt == g["type"] and _contains(g["start"], g["end"], p0, p1) for p0, p1, pt in preds)
            key = (str(doc["id"]), int(g["cluster"]))
            clusters[key] = clusters.get(key, False) or hit
            if g["propn"]:
                gold_n += 1
                gold_hit += hit
    p = matched_pred / n_pred if n_pred else 0.0
    r = gold_hit / gold_n if gold_n else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    cr = sum(clusters.values()) / len(clusters) if clusters else 0.0
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
        gold = [g for g in doc["mentions"] if g["type"] in {"person", "organization", "place"} and g["wiki"]]  # type: ignore[attr-defined]
        clusters: dict[int, list[dict[str, object]]] = {}
        for g in gold:
            clusters.setdefault(int(g["cluster"]), []).append(g)
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
                    wiki=str(members[0]["wiki"]),
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


def _ablations() -> dict[str, list[tuple[str, object]]]:
    """Each rule of the entity stage that can be switched off, as attributes of
    :mod:`kg.extract.entities` and the stand-in that disables it."""

    def none(*_args: object) -> list[object]:
        return []

    def keep(_doc: object, found: list[object], _gaz: object) -> list[object]:
        return found

    def whole(_doc: object, ent: object, _gaz: object) -> list[object]:
        return [ent]

    finders = [
        "administrative_places",
        "region_names",
        "government_heads",
        "classed_names",
        "expanded_acronyms",
        "relational_people",
        "commemorated_people",
        "affiliations",
        "product_makers",
    ]
    table: dict[str, list[tuple[str, object]]] = {name: [(name, none)] for name in finders}
    table["split_entity"] = [("split_entity", whole)]
    table["ORG_FIRST_WORDS"] = [("ORG_FIRST_WORDS", frozenset())]
    table["_drop_common_words"] = [("_drop_common_words", keep)]
    return table


def ablate(docs: Sequence[dict[str, object]], parsed: Sequence[object], gaz: object) -> None:
    """Print the score with each rule of the entity stage switched off in turn (no timing)."""
    from unittest import mock

    import kg.extract.entities as stage

    def run() -> Score:
        preds = [[(m.start, m.end, GUM_TYPE[m.type]) for m in entities_from_doc(d, gaz)[0]] for d in parsed]  # type: ignore[arg-type]
        return score(docs, preds)

    full = run()
    print(f"{'without':<24}{'P':>7}{'R':>7}{'F1':>7}{'CR':>7}{'pred':>7}{'dCR':>7}")
    for name, patches in _ablations().items():
        with contextlib.ExitStack() as stack:
            for attr, value in patches:
                stack.enter_context(mock.patch.object(stage, attr, value))
            s = run()
        print(
            f"{name:<24}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.cluster_recall:>7.3f}{s.predicted:>7}"
            f"{full.cluster_recall - s.cluster_recall:>+7.3f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run both systems, print the table, return 0."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--repeat", type=int, default=3, help="timing repetitions; the best is kept")
    ap.add_argument("--misses", action="store_true", help="list kg's missed wiki clusters by error class")
    ap.add_argument("--ablate", action="store_true", help="score kg with each entity-stage rule switched off")
    args = ap.parse_args(argv)
    docs = [json.loads(line) for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [str(d["text"]) for d in docs]
    articles = [Article(id=str(d["id"]), text=t) for d, t in zip(docs, texts, strict=True)]

    import spacy

    raw_nlp = spacy.load(MODEL_PACKAGE)  # the model alone, none of kg's components
    nlp = load_pipeline()
    t0 = time.perf_counter()
    gaz = load_gazetteer()
    given_names()
    gaz_load = time.perf_counter() - t0
    list(raw_nlp.pipe(texts[:1]))  # warm up
    list(nlp.pipe(texts[:1]))

    raw_best = ours_best = full_best = float("inf")
    raw_preds: list[list[Span]] = []
    our_preds: list[list[Span]] = []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        raw_docs = list(raw_nlp.pipe(texts))
        t1 = time.perf_counter()
        parsed = list(nlp.pipe(texts))
        t2 = time.perf_counter()
        results = [entities_from_doc(d, gaz) for d in parsed]
        t3 = time.perf_counter()
        for article, doc in zip(articles, parsed, strict=True):
            extract_doc(article, doc)
        t4 = time.perf_counter()
        raw_preds = [
            [(e.start_char, e.end_char, SPACY_TYPE[e.label_]) for e in d.ents if e.label_ in SPACY_TYPE]
            for d in raw_docs
        ]
        our_preds = [[(m.start, m.end, GUM_TYPE[m.type]) for m in mentions] for mentions, _ in results]
        raw_best = min(raw_best, t1 - t0)
        ours_best = min(ours_best, (t2 - t1) + (t3 - t2))
        full_best = min(full_best, (t2 - t1) + (t4 - t3))
    tokens = sum(len(d) for d in parsed)
    raw = score(docs, raw_preds)
    ours = score(docs, our_preds)
    print(f"eval: {args.eval} ({len(docs)} articles, {tokens} tokens); best of {args.repeat} runs")
    print(f"gazetteer load (once per process): {gaz_load:.2f} s, {len(gaz)} names")
    print(f"{'system':<12}{'P':>7}{'R':>7}{'F1':>7}{'CR':>7}{'pred':>7}{'tok/s':>10}")
    for name, s, secs in (("raw spaCy", raw, raw_best), ("kg", ours, ours_best)):
        print(
            f"{name:<12}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.cluster_recall:>7.3f}"
            f"{s.predicted:>7}{tokens / secs:>10.0f}"
        )
    print(f"time ratio, kg nlp.pipe + entity stage / raw nlp.pipe: {ours_best / raw_best:.2f}x")
    print(f"time ratio, kg nlp.pipe + every extract_doc stage / raw nlp.pipe: {full_best / raw_best:.2f}x")
    if args.misses:
        print_misses(misses(docs, our_preds))
    if args.ablate:
        ablate(docs, parsed, gaz)
    return 0


if __name__ == "__main__":
    sys.exit(main())
