"""Generate the diagram and term reference of ``docs/ONTOLOGY.md`` from ``ontology/kg.ttl``.

Run ``python -m kg.ontology_docs`` to rewrite the generated parts of the document
(between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->`` markers); a test
checks the document is up to date, so the docs cannot drift from the ontology.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from kg.errors import OntologyError
from kg.namespace import KG_NS, PREFIXES
from kg.ontology import ONTOLOGY_FILE, load_graph, ontology_path

__all__ = ["DOC", "alignment_diagram", "class_diagram", "regenerate", "term_table"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "ONTOLOGY.md"

_KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}


def _curie(iri: object) -> str:
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def _ident(iri: object) -> str:
    return re.sub(r"\W", "_", _curie(iri))


def _kg_terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(
        (s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(KG_NS)), key=str
    )


def _members(graph: Graph, node: Node | None) -> list[URIRef]:
    """The named classes a domain or range stands for (the members of an owl:unionOf)."""
    if isinstance(node, URIRef):
        return [node]
    union = graph.value(node, OWL.unionOf) if node is not None else None
    if union is None:
        return []
    return [m for m in graph.items(union) if isinstance(m, URIRef)]


def _inherited(graph: Graph, prop: URIRef, which: URIRef) -> list[URIRef]:
    """The classes of a property's domain or range, looking up its super-properties."""
    seen: set[URIRef] = set()
    todo = [prop]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        value = graph.value(current, which)
        if value is not None:
            return _members(graph, value)
        todo += [p for p in graph.objects(current, RDFS.subPropertyOf) if isinstance(p, URIRef)]
    return []


def class_diagram(graph: Graph) -> str:
    """Return a Mermaid class diagram: kg classes, their datatype properties, and relations.

    A datatype property is listed in each class of its ``rdfs:domain`` (an
    ``owl:unionOf`` counts for each member); an object property is an arrow from each
    class of its domain to each class of its range, inherited from its
    super-property when it declares none; subclasses point at kg superclasses.
    """
    classes = _kg_terms(graph, OWL.Class)
    lines = ["classDiagram", "  direction LR"]
    for cls in classes:
        attrs = [
            f"    {_curie(p).split(':', 1)[1]} : {_curie(graph.value(p, RDFS.range))}"
            for p in _kg_terms(graph, OWL.DatatypeProperty)
            if cls in _inherited(graph, p, RDFS.domain)
        ]
        head = f'  class {_ident(cls)}["{_curie(cls)}"]'
        lines.append(head + (" {" if attrs else ""))
        if attrs:
            lines += [*attrs, "  }"]
    for cls in classes:
        for sup in sorted(graph.objects(cls, RDFS.subClassOf), key=str):
            if sup in classes:
                lines.append(f"  {_ident(sup)} <|-- {_ident(cls)}")
    for prop in _kg_terms(graph, OWL.ObjectProperty):
        name = _curie(prop).split(":", 1)[1]
        for domain in _inherited(graph, prop, RDFS.domain):
            for rng in _inherited(graph, prop, RDFS.range):
                if domain in classes and rng in classes:
                    lines.append(f"  {_ident(domain)} --> {_ident(rng)} : {name}")
    return "\n".join(lines)


def alignment_diagram(graph: Graph) -> str:
    """Return a Mermaid flowchart of how kg classes align to other vocabularies (rdfs:subClassOf)."""
    lines = ["flowchart LR"]
    seen: set[str] = set()
    for cls in _kg_terms(graph, OWL.Class):
        for sup in sorted(graph.objects(cls, RDFS.subClassOf), key=str):
            for node in (cls, sup):
                if _ident(node) not in seen:
                    seen.add(_ident(node))
                    lines.append(f'  {_ident(node)}["{_curie(node)}"]')
            lines.append(f"  {_ident(cls)} -->|subClassOf| {_ident(sup)}")
    return "\n".join(lines)


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def term_table(graph: Graph) -> str:
    """Return a Markdown table of every kg term: kind, domain, range, parents, comment."""
    rows = ["| term | kind | domain | range | sub-class / sub-property of | meaning |", "|---|---|---|---|---|---|"]
    for kind, name in _KINDS.items():
        for term in _kg_terms(graph, kind):
            supers = sorted(_curie(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in graph.objects(term, p))
            comment = next((c for c in graph.objects(term, RDFS.comment) if isinstance(c, Literal)), "")
            domain, rng = graph.value(term, RDFS.domain), graph.value(term, RDFS.range)
            cells = [
                f"`{_curie(term)}`",
                name,
                " or ".join(f"`{_curie(c)}`" for c in _members(graph, domain)) if domain is not None else "",
                " or ".join(f"`{_curie(c)}`" for c in _members(graph, rng)) if rng is not None else "",
                ", ".join(f"`{s}`" for s in supers),
                _cell(comment),
            ]
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _blocks(graph: Graph) -> dict[str, str]:
    return {
        "classes": "```mermaid\n" + class_diagram(graph) + "\n```",
        "alignment": "```mermaid\n" + alignment_diagram(graph) + "\n```",
        "terms": term_table(graph),
    }


def _keep_markers(body: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return match.group(1) + body + "\n" + match.group(2)

    return replace


def regenerate(text: str, graph: Graph | None = None) -> str:
    """Return ``text`` with every generated block replaced by its current content.

    Raises:
        OntologyError: A block's markers are missing from ``text``.
    """
    graph = graph if graph is not None else load_graph(ontology_path(ONTOLOGY_FILE))
    for name, body in _blocks(graph).items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise OntologyError(f"docs/ONTOLOGY.md lacks the markers of the generated block {name!r}")
        text = pattern.sub(_keep_markers(body), text)
    return text


def main() -> int:
    """Rewrite docs/ONTOLOGY.md in place; return the process exit status."""
    DOC.write_text(regenerate(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"regenerated {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
