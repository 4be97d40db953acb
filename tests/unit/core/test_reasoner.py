"""A real OWL 2 reasoner (HermiT, Protégé's default, through owlready2) accepts the ontology and the data.

HermiT refuses any literal whose datatype is outside OWL 2's datatype map, such as
``xsd:date``: kg stores days as the ``xsd:dateTime`` of their midnight for that
reason (:func:`kg.rdf.day_literal`). The reasoner runs on ``ontology/*.ttl`` plus
the export of the seed store; the same data with its dates written the old way
(``xsd:date``) must be refused, so the test can tell the two apart.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest

from kg.ontology import ONTOLOGY_DIR
from kg.store import EmbeddedStore, ExportFormat, write_export

_XSD = "http://www.w3.org/2001/XMLSchema#"
_DATETIME = ox.NamedNode(_XSD + "dateTime")


@pytest.fixture(scope="module")
def seed_export(seed_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[ox.Triple]:
    """The seed store's export (N-Triples, the union of its graphs), as triples."""
    copy = tmp_path_factory.mktemp("reasoner") / "kg-data"
    shutil.copytree(seed_store_dir, copy)
    store = EmbeddedStore(copy, read_only=True)
    try:
        out = io.BytesIO()
        write_export(store, ExportFormat.NTRIPLES, out)
    finally:
        store.close()
    return list(ox.parse(out.getvalue(), ox.RdfFormat.N_TRIPLES))


def _ontology_triples() -> Iterator[ox.Triple]:
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            yield q.triple


def _as_is(t: ox.Triple) -> ox.Triple:
    return t


def _old_dates(t: ox.Triple) -> ox.Triple:
    """The triple as kg wrote it before: a day as ``xsd:date`` (``2022-10-28``)."""
    o = t.object
    if isinstance(o, ox.Literal) and o.datatype == _DATETIME and o.value.endswith("T00:00:00"):
        return ox.Triple(t.subject, t.predicate, ox.Literal(o.value[:10], datatype=ox.NamedNode(_XSD + "date")))
    return t


def _reason(path: Path) -> str:
    """Run HermiT on the N-Triples file at ``path``; return "consistent", "inconsistent" or "refused: ..."."""
    world = owlready2.World()
    try:
        world.get_ontology(path.as_uri()).load(format="ntriples")
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return "inconsistent"
    except owlready2.OwlReadyJavaError as exc:
        return f"refused: {exc}"
    finally:
        world.close()
    return "consistent"


@pytest.mark.parametrize(
    ("rewrite", "expected"),
    [(_as_is, "consistent"), (_old_dates, "refused")],
    ids=["dates-as-xsd-dateTime", "dates-as-old-xsd-date"],
)
def test_reasoner_hermit_accepts_ontology_and_seed_export(
    seed_export: list[ox.Triple], tmp_path: Path, rewrite: Callable[[ox.Triple], ox.Triple], expected: str
) -> None:
    triples = [rewrite(t) for t in (*_ontology_triples(), *seed_export)]
    assert any(t.object.datatype == _DATETIME for t in seed_export if isinstance(t.object, ox.Literal))
    path = tmp_path / "all.nt"
    ox.serialize(triples, path, ox.RdfFormat.N_TRIPLES)
    verdict = _reason(path)
    assert verdict.split(":")[0] == expected, verdict
    if expected == "refused":
        assert "date" in verdict, verdict  # refused for the datatype, not for something else
