"""Fine-tune en_core_web_sm's NER on the tune half of CoNLL++ train (and GUM's other genres).

``make train-ner`` runs this and writes the component to ``kg/models/ner``, where
:func:`kg.extract.pipeline.build_pipeline` picks it up (without it, the stock NER runs).

Training data, all read from ``../shared/eval``:

* ``conllpp-train.jsonl``, **tune half only** (``bench/splits.py``; the check half is
  never read here). Gold PERSON, ORGANISATION and PLACE become PERSON, ORG and GPE
  (LOC or FAC when the stock model chose that label for the same span).
* ``gum-train.jsonl`` (``--gum``, on by default): GUM's non-news genres, in GUM's span
  style. Named person, organization and place mentions, cleaned like kg cleans a
  name (no "the", titles or possessive "'s"), outermost first; named mentions of
  other GUM types are left unannotated (neither entity nor "not an entity").
* **Rehearsal**, so the model keeps OntoNotes types news needs: on every text, the
  stock model's entities of the other labels (DATE, NORP, MONEY, EVENT, ...) that
  overlap no gold name are kept as labels. Everything else is "not an entity".

The stock component is updated in place (``resume_training``) with the other
components frozen. The seed is fixed, the data order is fixed per epoch by that seed,
and training runs on the CPU, so a run on the same data reproduces the weights.

Run::

    .venv/bin/python bench/train_ner.py [--epochs N] [--no-gum] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.splits import EVAL_DIR, split
from kg.extract.names import clean_name
from kg.extract.pipeline import MODEL_PACKAGE, NER_DIR

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.training import Example

SEED = 20261203
VERSION = "kg-ner-1"

#: Labels the gold data decides; the stock model's other labels are rehearsed.
GOLD_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
CONLL_LABEL = {"PERSON": "PERSON", "ORGANISATION": "ORG", "PLACE": "GPE"}
GUM_LABEL = {"person": "PERSON", "organization": "ORG", "place": "GPE"}

Gold = list[tuple[int, int, str]]


def _place_label(stock: Doc, start: int, end: int) -> str:
    """GPE, or the stock model's LOC/FAC when it drew the same name that way."""
    for e in stock.ents:
        if e.start_char < end and start < e.end_char and e.label_ in {"LOC", "FAC"}:
            return str(e.label_)
    return "GPE"


def _example(nlp: Language, stock: Doc, gold: Gold, unknown: Sequence[tuple[int, int]]) -> Example | None:
    """An Example over ``stock.text``: gold names, rehearsed stock labels, ``unknown`` left missing."""
    from spacy.tokens import Span
    from spacy.training import Example

    ref = nlp.make_doc(stock.text)
    spans = []
    taken: list[tuple[int, int]] = []
    for start, end, label in sorted(gold):
        span = ref.char_span(start, end, label=label, alignment_mode="contract")
        if span is None or len(span) == 0 or any(span.start < e and s < span.end for s, e in taken):
            continue
        spans.append(span)
        taken.append((span.start, span.end))
    missing: list[tuple[int, int]] = []
    for start, end in unknown:
        span = ref.char_span(start, end, alignment_mode="expand")
        if span is not None and not any(span.start < e and s < span.end for s, e in taken):
            missing.append((span.start, span.end))
    for e in stock.ents:
        if e.label_ in GOLD_LABELS:
            continue
        span = ref.char_span(e.start_char, e.end_char, label=e.label_, alignment_mode="strict")
        if span is None or any(span.start < e2 and s < span.end for s, e2 in taken + missing):
            continue
        spans.append(span)
        taken.append((span.start, span.end))
    ref.set_ents(
        [Span(ref, s.start, s.end, label=s.label_) for s in spans],
        missing=[Span(ref, i, i + 1) for i in sorted({i for s, e in missing for i in range(s, e)})],
        default="outside",
    )
    return Example(nlp.make_doc(stock.text), ref)


def _chunks(text: str, limit: int = 1200) -> Iterable[tuple[int, int]]:
    """``[start, end)`` of runs of whole lines of ``text``, each at most ``limit`` characters."""
    start = pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        stop = len(text) if nl < 0 else nl + 1
        if stop - start > limit and pos > start:
            yield start, pos
            start = pos
        pos = stop
    if start < len(text):
        yield start, len(text)


def _piecewise(nlp: Language, stock_nlp: Language, rows: list[dict[str, Any]], kind: str) -> list[Example]:
    """Examples from eval records, cut into line-aligned chunks so batches stay small."""
    items: list[tuple[str, Gold, list[tuple[int, int]]]] = []
    for row in rows:
        text = str(row["text"])
        gold, unknown = (_conll_gold(row) if kind == "conll" else _gum_gold(row)), []
        if kind == "gum":
            unknown = _gum_unknown(row, gold)
        for c0, c1 in _chunks(text):
            piece = text[c0:c1]
            if not piece.strip():
                continue
            g = [(s - c0, e - c0, lab) for s, e, lab in gold if c0 <= s and e <= c1]
            u = [(s - c0, e - c0) for s, e in unknown if c0 <= s and e <= c1]
            items.append((piece, g, u))
    out = []
    for (_piece, gold, u), stock in zip(items, stock_nlp.pipe(p for p, _, _ in items), strict=True):
        g = [(s, e, _place_label(stock, s, e) if lab == "GPE" else lab) for s, e, lab in gold]
        ex = _example(nlp, stock, g, u)
        if ex is not None:
            out.append(ex)
    return out


def _conll_gold(row: dict[str, Any]) -> Gold:
    return [(int(m["start"]), int(m["end"]), CONLL_LABEL[m["type"]]) for m in row["mentions"]]


def _gum_names(row: dict[str, Any]) -> list[tuple[int, int, str]]:
    """GUM mentions that are names, cleaned: (start, end, GUM type)."""
    text = str(row["text"])
    out = []
    for m in row["mentions"]:
        if not (m["named"] or m["propn"]):
            continue
        start, end = int(m["start"]), int(m["end"])
        s, e = clean_name(text[start:end])
        surface = text[start + s : start + e]
        if not surface or not surface[0].isupper() or "," in surface or len(surface.split()) > 7:
            continue
        if not m["named"] and not surface.split()[-1][:1].isupper():
            continue  # "Boston University researchers": not a name
        out.append((start + s, start + e, str(m["type"])))
    return out


def _gum_gold(row: dict[str, Any]) -> Gold:
    """Outermost named person/organization/place mentions of a GUM record."""
    names = sorted(((s, e, t) for s, e, t in _gum_names(row) if t in GUM_LABEL), key=lambda x: (x[0], -(x[1] - x[0])))
    out: Gold = []
    for s, e, t in names:
        if out and s < out[-1][1]:
            continue
        out.append((s, e, GUM_LABEL[t]))
    return out


def _gum_unknown(row: dict[str, Any], gold: Gold) -> list[tuple[int, int]]:
    """Named mentions of GUM's other types: left missing, neither a name nor "not a name"."""
    return [
        (s, e) for s, e, t in _gum_names(row) if t not in GUM_LABEL and not any(s < ge and gs < e for gs, ge, _ in gold)
    ]


def train(epochs: int, *, gum: bool, out: Path, eval_dir: Path, max_minutes: float, gum_repeat: int = 1) -> None:
    """Fine-tune the stock NER and write it to ``out``."""
    import spacy
    from spacy.pipeline import EntityRecognizer
    from spacy.util import minibatch
    from thinc.api import compounding, fix_random_seed

    fix_random_seed(SEED)
    rng = random.Random(SEED)
    stock_nlp = spacy.load(MODEL_PACKAGE, exclude=["lemmatizer"])
    nlp = spacy.load(MODEL_PACKAGE)
    t0 = time.perf_counter()
    examples = _piecewise(nlp, stock_nlp, split(eval_dir / "conllpp-train.jsonl", "tune"), "conll")
    n_conll = len(examples)
    if gum:
        # GUM's Wikinews-style names weigh ``gum_repeat`` times: the CoNLL share otherwise teaches Reuters' conventions
        examples += _piecewise(nlp, stock_nlp, split(eval_dir / "gum-train.jsonl", "all"), "gum") * max(1, gum_repeat)
    print(
        f"examples: {n_conll} CoNLL++ tune chunks, {len(examples) - n_conll} GUM chunks ({time.perf_counter() - t0:.0f} s)"
    )
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
        for epoch in range(epochs):
            rng.shuffle(examples)
            losses: dict[str, float] = {}
            for batch in minibatch(examples, size=compounding(4.0, 16.0, 1.001)):  # type: ignore[no-untyped-call]
                nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
            elapsed = (time.perf_counter() - t0) / 60
            print(f"epoch {epoch + 1}: loss {losses.get('ner', 0.0):.0f}, {elapsed:.1f} min", flush=True)
            if max_minutes and elapsed > max_minutes:
                print(f"stopping: past {max_minutes} min")
                break
    out.mkdir(parents=True, exist_ok=True)
    ner = nlp.get_pipe("ner")
    assert isinstance(ner, EntityRecognizer)
    ner.to_disk(out)
    meta = {
        "version": VERSION,
        "seed": SEED,
        "epochs": epoch + 1,
        "gum": gum,
        "gum_repeat": gum_repeat,
        "base": MODEL_PACKAGE,
    }
    (out / "kg-ner.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} in {(time.perf_counter() - t0) / 60:.1f} min")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and train."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--no-gum", dest="gum", action="store_false", help="CoNLL++ tune half only")
    ap.add_argument("--gum-repeat", type=int, default=1, help="times each GUM chunk is seen per epoch")
    ap.add_argument("--out", type=Path, default=NER_DIR)
    ap.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    ap.add_argument(
        "--max-minutes",
        type=float,
        default=0.0,
        help="stop after the epoch that passes this (0: no cap; a cap makes runs differ)",
    )
    args = ap.parse_args(argv)
    train(
        args.epochs,
        gum=args.gum,
        out=args.out,
        eval_dir=args.eval_dir,
        max_minutes=args.max_minutes,
        gum_repeat=args.gum_repeat,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
